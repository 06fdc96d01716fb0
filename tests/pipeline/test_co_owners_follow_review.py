"""A shared paper's co-owners follow the review (document_co_owners, 0021): the rows were made
at the store only, so a marriage certificate scanned as an unknown paper and typed by a reviewer,
or one whose owner a reviewer set, stayed one spouse's alone — the other could not reuse it —
and a paper typed away from a shared type kept naming the other person. Real catalog (SQLite),
real review desk, no OCR: the certificate's text is the one ingest would have read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from dossier_papers import HUSBAND, WIFE, marriage_certificate_text, store_paper
from sqlalchemy import Engine, event

from sohoa.archive import documents
from sohoa.pipeline import review
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings, load_settings

BY = "Trần Thị Bình"
LOOSE = "UNASSIGNED-0a1b2c3d4e5f"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home", environ={})


def _certificate(settings: Settings, seed: str, *, doc_type: str, owner: str | None,
                 reasons: tuple[str, ...]) -> str:
    with open_archive(settings) as archive:
        return store_paper(archive, seed, LOOSE, owner=owner, unit="H19.22", doc_type=doc_type,
                           title="GIẤY CHỨNG NHẬN KẾT HÔN", text=marriage_certificate_text(),
                           fields={"id_number": HUSBAND, "related_id_numbers": WIFE,
                                   "issue_date": "2026-12-07"}, reasons=reasons)


def _people(settings: Settings, doc_id: str) -> tuple[str | None, list[str]]:
    with open_archive(settings) as archive:
        doc = archive.get_document(doc_id)
    return doc["owner_id"], doc["co_owner_ids"]


def test_a_paper_typed_as_a_marriage_certificate_is_each_spouses(settings: Settings) -> None:
    cert = _certificate(settings, "typed", doc_type="other", owner=HUSBAND,
                        reasons=("Loại giấy tờ: chưa chắc chắn (độ tin cậy 0,52)",))
    assert _people(settings, cert) == (HUSBAND, [])  # an unknown paper is its owner's alone
    review.decide(settings, BY, "type", cert, "marriage_certificate")
    owner, others = _people(settings, cert)
    assert {owner, *others} == {HUSBAND, WIFE} and len(others) == 1
    review.decide(settings, "Lê Văn Cường", "accept", cert)  # round 2: another person
    with open_archive(settings) as archive, archive.transaction(write=False) as conn:
        other = WIFE if owner == HUSBAND else HUSBAND
        assert [r["document_id"] for r in documents.reuse(
            conn, other, None, date(2026, 12, 8))] == [cert]  # the other spouse reuses it
    # typed away again: the paper is nobody else's
    review.decide(settings, BY, "type", cert, "other")
    assert _people(settings, cert) == (owner, [])


def test_a_marriage_certificate_whose_owner_is_set_in_review_is_each_spouses(
        settings: Settings) -> None:
    cert = _certificate(settings, "owned", doc_type="marriage_certificate", owner=None,
                        reasons=("Chủ sở hữu: chưa xác định",))
    assert _people(settings, cert) == (None, [])  # no owner, no co-owner (as at the store)
    sent: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        review.decide(settings, BY, "set", cert, "owner_id", HUSBAND)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    # the co-owners are read from the text column alone, not from the whole document again
    # (its owner, dossier and pages: review14a N11)
    assert not [q for q in sent if q.startswith("SELECT") and "FROM pages" in q], sent
    assert _people(settings, cert) == (HUSBAND, [WIFE])
    # the reviewer corrects the owner to the wife: the husband is the other one now
    review.decide(settings, BY, "set", cert, "owner_id", WIFE)
    assert _people(settings, cert) == (WIFE, [HUSBAND])
