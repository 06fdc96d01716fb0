"""review17 N11: «Chuyển hồ sơ» no longer confirms an UNASSIGNED-… placeholder,
but «Duyệt xong tài liệu (a)» — one key — still answers "giấy tiếp nhận không đọc được mã hồ sơ:
nhập mã in trên giấy …" with nothing: ``Reviewer.accept`` empties every review reason, the paper
stays in no dossier and leaves the queue."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

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


def test_accepting_does_not_answer_the_unread_receipt_question(client: TestClient,
                                                               home: Home) -> None:
    with open_archive(home.settings) as arc:
        doc_id = store_flagged(arc)
        owner = arc.get_document(home.ids["birth"])["owner_id"]
        with arc.transaction(write=True) as conn:
            conn.execute(text("INSERT INTO dossiers (code, created_at) VALUES "
                              "(:c, '2024-03-05 00:00:00')"), {"c": PLACEHOLDER})
            conn.execute(update(Document).where(Document.id == doc_id).values(
                dossier_code=PLACEHOLDER, owner_id=owner,
                review_reasons=[reason("dossier", UNREAD_RECEIPT_CODE)]))
    client.post("/web/login", data={"csrf": _csrf(client.get("/web/login").text),
                                    "token": home.tokens["desk"]})
    page = client.get(f"/web/review/{doc_id}").text
    r = client.post(f"/web/review/{doc_id}/accept", data={"csrf": _csrf(page)})
    shown = r.text if r.status_code != 303 else client.get(r.headers["location"]).text
    assert "«Mã hồ sơ đúng»" in shown and "sohoa review" not in shown, (r.status_code, shown[:500])
    with open_archive(home.settings) as arc:
        doc = arc.get_document(doc_id)
    assert doc["dossier_code"] != PLACEHOLDER or any(
        "không đọc được mã hồ sơ" in x for x in doc["review_reasons"]), (
        r.status_code, doc["dossier_code"], doc["review_reasons"], doc["needs_review"])
