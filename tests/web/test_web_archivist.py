"""An archivist's round in a real headless chromium: the retention plan, a legal hold, a
disposal list proposed by one archivist, refused to its proposer and approved by a second
person, executed, its signed destruction record downloaded; a fixity check."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import httpx
import pytest
from api_home import Home
from archivist_helpers import make_home, signer_for, store
from web_site import Site

from sohoa.pipeline.services import open_archive


@pytest.fixture(scope="module")
def site_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """Two citizen ID cards past their 10 years (really signed), two archivists."""
    settings = make_home(Path(tmp_path_factory.mktemp("web-archive")))
    signer = signer_for(settings)
    tokens, token_ids, ids = {}, {}, {}
    with open_archive(settings) as arc:
        ids["kept"] = store(arc, signer, "a1", dossier="HS-075-2012-0001",
                            issue_date=date(2012, 3, 1))
        ids["held"] = store(arc, signer, "a2", dossier="HS-075-2012-0002",
                            issue_date=date(2012, 4, 1))
        arc.sync_index()
        for name, user in {"archivist": "Võ Minh Khoa", "head": "Đặng Thị Lan"}.items():
            token_ids[name], tokens[name] = arc.add_token(user, "archivist", "",
                                                          created_by="test")
    return Home(settings, ids, tokens, token_ids)


def submit(site: Site, action: str, **fields: str) -> None:
    """Fill the form posting to ``action`` and send it."""
    b = site.browser
    for name, value in fields.items():
        element = b.find(f"form[action='{action}'] [name={name}]")
        if element.attr("tagName") == "SELECT":
            b.js("arguments[0].value = arguments[1]", {"element-6066-11e4-a52e-4f735466cecf":
                                                       element.id}, value)
        else:
            element.clear()
            element.type(value)
    b.find(f"form[action='{action}'] button").click()


def test_plan_and_a_hold(site: Site) -> None:
    b = site.browser
    site.sign_in("archivist")
    assert b.url.endswith("/web/disposal")
    site.go("/web/retention")
    b.wait_for("table")
    assert "Căn cước công dân" in b.text("table") and "10 năm" in b.text("table")
    site.shot("01-thoi-han")
    site.assert_local()
    site.go("/web/holds")
    submit(site, "/web/holds", scope="dossier", target="HS-075-2012-0002",
           reason="Thanh tra năm 2026")
    b.wait_for(".notice")
    assert "HS-075-2012-0002" in b.text("table") and "Thanh tra năm 2026" in b.text("table")
    site.assert_local()


def test_disposal_needs_a_second_person(site: Site) -> None:
    b = site.browser
    site.go("/web/disposal")
    submit(site, "/web/disposal", note="Căn cước đã hết thời hạn bảo quản 10 năm")
    b.wait_for("section.card dl")
    assert b.url.endswith("/web/disposal/1")
    assert "Chờ phê duyệt" in b.text("dl")
    assert "HS-075-2012-0001" in b.text("table") and "HS-075-2012-0002" not in b.text("table")
    submit(site, "/web/disposal/1/approve", decision="Quyết định số 12/QĐ-UBND")
    b.wait_for(".error")
    assert "người phê duyệt phải là người khác" in b.text(".error")
    site.shot("02-nguoi-lap-khong-duyet")

    site.sign_out()
    site.sign_in("head")
    site.go("/web/disposal/1")
    submit(site, "/web/disposal/1/approve", decision="Quyết định số 12/QĐ-UBND")
    b.wait_for(".notice")
    assert "Đã phê duyệt." in b.text(".notice") and "Đặng Thị Lan" in b.text("dl")
    site.shot("03-da-phe-duyet")
    submit(site, "/web/disposal/1/execute")
    b.wait_for(".notice", timeout=120)
    assert "Đã tiêu hủy 1 tài liệu." in b.text(".notice")
    site.shot("04-da-tieu-huy")
    site.assert_local()

    link = b.find("a[href='/web/disposal/1/record']")
    cookie = b.call("GET", "/cookie/sohoa_session")["value"]
    pdf = httpx.get(site.origin + "/web/disposal/1/record", cookies={"sohoa_session": cookie})
    assert link.text.startswith("Tải biên bản tiêu hủy")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    with open_archive(site.home.settings) as arc:
        assert arc.get_document(site.home.ids["kept"])["status"] == "disposed"
        assert arc.get_document(site.home.ids["held"])["status"] == "stored"


def test_fixity_check(site: Site) -> None:
    b = site.browser
    site.go("/web/fixity")
    submit(site, "/web/fixity", sample="5")
    # The page before the answer has a notice of its own ("Chưa có lần kiểm tra nào."): wait
    # for the answer's, not for any notice.
    deadline = time.monotonic() + 60
    while "Lần kiểm tra" not in (said := b.text(".notice")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "0 sai lệch" in said, said
    assert "Đặng Thị Lan" in b.text("table")
    site.shot("05-toan-ven")
