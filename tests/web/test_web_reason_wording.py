"""store16's gap: a review reason quoted CLI commands on the web page ("sohoa dossier open …",
"sohoa review set <mã giấy tờ> "Mã hồ sơ" …"), which a clerk at a browser cannot run. The page
now says the page's own control — the reviewer's page has a «Mã hồ sơ đúng» field with a
«Chuyển hồ sơ» button that moves the paper — while the catalog keeps the CLI's words for the
CLI. Through the real app in-process (no browser needed to show these)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from api_home import Home, make_home
from fastapi.testclient import TestClient
from review_home import store_flagged
from sqlalchemy import update

from sohoa.api import create_app
from sohoa.api.web import operator
from sohoa.api.web.messages import web_wording
from sohoa.archive.disposal import UNREVIEWED
from sohoa.archive.dossiers import unopened_reason
from sohoa.archive.models import Document
from sohoa.pipeline.services import open_archive

UNOPENED = "H19.22-261207-0999"
COMMAND = re.compile(r"sohoa [a-z]")  # a command, not the site's name ("sohoa · Kho …")


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return make_home(tmp_path)


@pytest.fixture
def client(home: Home) -> Iterator[TestClient]:
    with TestClient(create_app(home.settings), follow_redirects=False) as c:
        yield c


def _csrf(text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', text).group(1)  # type: ignore[union-attr]


def _sign_in(client: TestClient, home: Home, who: str) -> str:
    client.cookies.clear()
    r = client.post("/web/login", data={"csrf": _csrf(client.get("/web/login").text),
                                        "token": home.tokens[who]})
    assert r.status_code == 303, r.text
    return _csrf(client.get("/web/search").text)


def _paper_behind_an_unopened_sheet(home: Home) -> str:
    """A paper held for review because the sheet it was scanned behind names a dossier the
    one-stop system never opened (the reason ``dossiers.place`` writes)."""
    with open_archive(home.settings) as arc:
        doc_id = store_flagged(arc)
        reasons = [*arc.get_document(doc_id)["review_reasons"], unopened_reason(UNOPENED)]
        with arc.transaction(write=True) as conn:
            conn.execute(update(Document).where(Document.id == doc_id).values(
                review_reasons=reasons))
    return doc_id


def test_the_review_pages_say_the_pages_action_not_a_command(client: TestClient,
                                                            home: Home) -> None:
    doc_id = _paper_behind_an_unopened_sheet(home)
    with open_archive(home.settings) as arc:  # the catalog keeps the CLI's words for the CLI
        kept = arc.get_document(doc_id)["review_reasons"]
        target = arc.get_document(home.ids["birth"])["dossier_code"]
    assert any("sohoa review set <mã giấy tờ>" in r for r in kept)

    csrf = _sign_in(client, home, "desk")
    for path in ("/web/review", f"/web/review/{doc_id}"):
        page = client.get(path).text
        assert f"mã hồ sơ {UNOPENED} chưa được mở" in page, path
        assert not COMMAND.search(page), (path, COMMAND.search(page))
        assert "bấm «Chuyển hồ sơ»" in page, path
    page = client.get(f"/web/review/{doc_id}").text
    assert "Chuyển hồ sơ</button>" in page and "Mã hồ sơ đúng" in page

    # the button does what the reason says: the paper moves, and the question is answered
    r = client.post(f"/web/review/{doc_id}/dossier", data={"csrf": csrf, "dossier": target})
    assert r.status_code == 303, r.text
    assert f"Đã chuyển giấy tờ sang hồ sơ {target}." in unquote_plus(r.headers["location"])
    with open_archive(home.settings) as arc:
        doc = arc.get_document(doc_id)
    assert doc["dossier_code"] == target
    assert not any("chưa được mở" in r for r in doc["review_reasons"])
    # a code the catalog does not know is refused in the page's words, no command in them
    r = client.post(f"/web/review/{doc_id}/dossier",
                    data={"csrf": csrf, "dossier": "H19.22-000000-0000"})
    assert r.status_code == 404 and "sohoa dossier open" not in r.text

    _sign_in(client, home, "officer")  # the officer's page of the paper says it alike
    page = client.get(f"/web/documents/{doc_id}").text
    assert not COMMAND.search(page), COMMAND.search(page)


def test_every_reason_that_names_a_command_has_the_pages_words() -> None:
    """The reasons and notes the catalog keeps with a command in them, as a page says them:
    the control the page has, or who does it — never the command."""
    for text in (unopened_reason(UNOPENED), UNREVIEWED,
                 "Hồ sơ: chưa ghi ngày mất của chủ sở hữu 075203001234: giữ đến khi ghi "
                 "(sohoa retention event --owner 075203001234 --died NGÀY)"):
        said = web_wording(text)
        assert "sohoa" not in said and said != text, text
    assert web_wording(UNREVIEWED).endswith("rà soát trước ở trang «Hàng chờ kiểm tra»")
    # a command the table does not know is left out, the sentence kept
    assert web_wording("Hồ sơ: cần xem lại (sohoa dossier show H19) trước khi gửi") == (
        "Hồ sơ: cần xem lại trước khi gửi")
    assert web_wording("không có mục cách ly với mã đã cho; xem danh sách: sohoa quarantine") \
        == "không có mục cách ly với mã đã cho"
    assert web_wording("… bảo quản. Xem trước những gì sẽ đến hạn: sohoa retention plan "
                       "--as-of 2027-01-01").endswith(
        "Xem trước những gì sẽ đến hạn: trang «Kế hoạch thời hạn bảo quản», ô «Tính đến ngày» "
        "2027-01-01")
    assert web_wording("Ngày cấp: không đọc được") == "Ngày cấp: không đọc được"
    assert not COMMAND.search(operator.reason_vi("unexpected failure in stage xyz"))
