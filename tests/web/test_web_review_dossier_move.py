"""review17 N1/N8: the reviewer's «Mã hồ sơ đúng» / «Chuyển hồ sơ» on the web.

N1: a paper behind a receipt whose code was not read is stored under a placeholder
(UNASSIGNED-…). The field came filled with it, and one click "confirmed" the placeholder: the
question "nhập mã in trên giấy" was gone, the paper in no dossier. The field is now empty for a
placeholder, and a placeholder typed in is refused in Vietnamese.

N8: a desk clerk (a unit-scoped role) moved her unit's paper into another unit's dossier (a typo'd
code that exists elsewhere is enough). She may now move a paper only into a dossier of her unit
(its receiving or competent unit, or the unit of its papers). Through the real app in-process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from api_home import Home, make_home
from fastapi.testclient import TestClient
from review_home import store_flagged
from sqlalchemy import text, update

from sohoa.api import create_app
from sohoa.archive.models import Document
from sohoa.pipeline.assemble import UNREAD_RECEIPT_CODE
from sohoa.pipeline.services import open_archive
from sohoa.reasons import reason

PLACEHOLDER = "UNASSIGNED-0123456789ab"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return make_home(tmp_path)


@pytest.fixture
def client(home: Home) -> Iterator[TestClient]:
    with TestClient(create_app(home.settings), follow_redirects=False) as c:
        yield c


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def _sign_in(client: TestClient, home: Home, who: str) -> None:
    client.cookies.clear()
    client.post("/web/login", data={"csrf": _csrf(client.get("/web/login").text),
                                    "token": home.tokens[who]})


def _behind_an_unread_receipt(home: Home, copy: int = 1) -> str:
    with open_archive(home.settings) as arc:
        doc_id = store_flagged(arc, copy=copy)
        why = [*arc.get_document(doc_id)["review_reasons"], reason("dossier", UNREAD_RECEIPT_CODE)]
        with arc.transaction(write=True) as conn:
            conn.execute(text("INSERT INTO dossiers (code, created_at) VALUES "
                              "(:c, '2024-03-05 00:00:00') ON CONFLICT (code) DO NOTHING"),
                         {"c": PLACEHOLDER})
            conn.execute(update(Document).where(Document.id == doc_id).values(
                dossier_code=PLACEHOLDER, review_reasons=why))
    return doc_id


def _asked(home: Home, doc_id: str) -> tuple[str, bool]:
    with open_archive(home.settings) as arc:
        doc = arc.get_document(doc_id)
    return doc["dossier_code"], any("không đọc được mã hồ sơ" in r
                                    for r in doc["review_reasons"])


def test_a_placeholder_is_not_confirmed_by_one_click(client: TestClient, home: Home) -> None:
    doc_id = _behind_an_unread_receipt(home)
    _sign_in(client, home, "desk")
    page = client.get(f"/web/review/{doc_id}").text
    field = re.search(r'name="dossier"\s+value="([^"]*)"', page)
    assert field is not None and field.group(1) == "", "the placeholder is offered as the code"
    r = client.post(f"/web/review/{doc_id}/dossier",
                    data={"csrf": _csrf(page), "dossier": field.group(1)})
    assert r.status_code >= 400
    assert _asked(home, doc_id) == (PLACEHOLDER, True)


def test_a_placeholder_typed_in_is_refused_in_vietnamese(client: TestClient, home: Home) -> None:
    doc_id = _behind_an_unread_receipt(home)
    _sign_in(client, home, "desk")
    csrf = _csrf(client.get(f"/web/review/{doc_id}").text)
    for typed in (PLACEHOLDER, f" {PLACEHOLDER.lower()} "):
        r = client.post(f"/web/review/{doc_id}/dossier", data={"csrf": csrf, "dossier": typed})
        assert r.status_code == 400, r.status_code
        assert "không phải mã hồ sơ" in r.text and "«Mã hồ sơ đúng»" in r.text
        assert _asked(home, doc_id) == (PLACEHOLDER, True)
    # the code printed on the receipt moves it, and answers the question
    with open_archive(home.settings) as arc:
        target = arc.get_document(home.ids["birth"])["dossier_code"]
    r = client.post(f"/web/review/{doc_id}/dossier", data={"csrf": csrf, "dossier": target})
    assert r.status_code == 303, r.text
    assert _asked(home, doc_id) == (target, False)


def _opened(home: Home, code: str, unit: str, competent: str | None = None) -> None:
    """A dossier the one-stop system opened at ``unit`` (no paper in it yet)."""
    with open_archive(home.settings) as arc, arc.transaction(write=True) as conn:
        conn.execute(text("INSERT INTO dossiers (code, receiving_unit, competent_unit, "
                          "received_at, created_at) VALUES (:c, :u, :k, "
                          "'2024-03-05 01:00:00', '2024-03-05 00:00:00')"),
                     {"c": code, "u": unit, "k": competent})


def test_a_desk_clerk_moves_papers_only_into_her_units_dossiers(client: TestClient,
                                                                 home: Home) -> None:
    _opened(home, "H19.23-240305-0007", "H19.23")
    _opened(home, "H19.22-240305-0008", "H19.22")
    _opened(home, "H19.23-240305-0009", "H19.23", competent="H19.22")  # decided by H19.22
    with open_archive(home.settings) as arc:
        doc_id = store_flagged(arc)  # received by H19.22, the desk clerk's unit
        before = arc.get_document(doc_id)["dossier_code"]
        # a dossier a scan made holds the papers of the units that received them: the birth
        # certificate's holds one of H19.22 beside H19.23's
        shared = arc.get_document(home.ids["birth"])["dossier_code"]
        with arc.transaction(write=True) as conn:  # one a scan made of H19.23's paper only
            conn.execute(text("INSERT INTO dossiers (code, receiving_unit, created_at) VALUES "
                              "('HS-H19.23-ONLY', 'H19.23', '2024-03-05 00:00:00')"))
            conn.execute(update(Document).where(Document.id == home.ids["licence"]).values(
                dossier_code="HS-H19.23-ONLY"))
        # a paper of H19.22 filed into a dossier H19.23 opened does not open it to H19.22
        stray = store_flagged(arc, copy=2)
        with arc.transaction(write=True) as conn:
            conn.execute(update(Document).where(Document.id == stray).values(
                dossier_code="H19.23-240305-0007"))
    _sign_in(client, home, "desk")
    csrf = _csrf(client.get(f"/web/review/{doc_id}").text)
    for code in ("H19.23-240305-0007", "HS-H19.23-ONLY"):
        r = client.post(f"/web/review/{doc_id}/dossier", data={"csrf": csrf, "dossier": code})
        assert r.status_code == 403, (code, r.status_code)
        assert "chỉ được chuyển giấy tờ vào hồ sơ do H19.22 tiếp nhận" in r.text, r.text
        assert "H19.23" in r.text
        with open_archive(home.settings) as arc:
            assert arc.get_document(doc_id)["dossier_code"] == before
    for code in ("H19.22-240305-0008", "H19.23-240305-0009", shared):
        r = client.post(f"/web/review/{doc_id}/dossier", data={"csrf": csrf, "dossier": code})
        assert r.status_code == 303, (code, r.text)
        assert f"Đã chuyển giấy tờ sang hồ sơ {code}." in unquote_plus(r.headers["location"])
    # an officer is not unit-scoped for this: she files where the paper belongs
    _sign_in(client, home, "officer")
    csrf = _csrf(client.get(f"/web/review/{doc_id}").text)
    r = client.post(f"/web/review/{doc_id}/dossier",
                    data={"csrf": csrf, "dossier": "H19.23-240305-0007"})
    assert r.status_code == 303, r.text


def test_the_code_read_off_an_unread_receipt_files_its_paper(client: TestClient,
                                                             home: Home) -> None:
    """review17 N12: the dossier exists only on the paper (the scan missed the receipt's
    code); at a desk that works from its sheets, the code a clerk reads off it makes the
    dossier. Where the one-stop system opens the desk's dossiers, the page says who opens it."""
    doc_id = _behind_an_unread_receipt(home)
    _sign_in(client, home, "desk")
    csrf = _csrf(client.get(f"/web/review/{doc_id}").text)
    with open_archive(home.settings) as arc, arc.transaction(write=True) as conn:
        opened_here = conn.execute(text(
            "SELECT count(*) FROM dossiers WHERE receiving_unit = 'H19.22' "
            "AND received_at IS NOT NULL")).scalar_one()
    assert opened_here == 0  # this desk works from its sheets
    r = client.post(f"/web/review/{doc_id}/dossier",
                    data={"csrf": csrf, "dossier": "H19.22-240305-0042"})
    assert r.status_code == 303, r.text
    assert "Đã chuyển giấy tờ sang hồ sơ H19.22-240305-0042" in unquote_plus(
        r.headers["location"])
    assert _asked(home, doc_id) == ("H19.22-240305-0042", False)

    other = _behind_an_unread_receipt(home, copy=2)
    _opened(home, "H19.22-240305-0008", "H19.22")  # now the one-stop system opens them
    r = client.post(f"/web/review/{other}/dossier",
                    data={"csrf": csrf, "dossier": "H19.22-240305-0043"})
    assert r.status_code == 404, r.status_code
    assert "chưa được mở trên hệ thống một cửa" in r.text and "sohoa dossier" not in r.text
    assert _asked(home, other) == (PLACEHOLDER, True)
