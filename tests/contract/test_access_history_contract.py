"""Reads are found by document and by owner once known, on SQLite and on PostgreSQL (the owner
is resolved through the documents table when the log is read; a search or export names the
documents it returned in its request, found with an escaped LIKE)."""

from __future__ import annotations

from archive_records import make_record
from backends import Place

from sohoa.archive import review
from sohoa.archive.access import Read
from sohoa.archive.policy import Caller

OFFICER = Caller(user="Trần Thị Bình", role="officer", unit="H19.22")
CITIZEN = "075203001234"


def test_reads_found_by_document_and_by_owner_once_known(place: Place) -> None:
    with place.open() as arc:
        rec, pdf, images = make_record("unowned", owner_id=None, owner_name=None)
        doc, _ = arc.store_document(rec, pdf, images)
        other, _ = arc.store_document(*make_record("other", owner_id="079999000001"))
        arc.log_access(OFFICER, "review", "rà soát", [Read(owner_id=None, document_id=doc,
                                                           result_count=1)])
        arc.log_access(OFFICER, "search", "HS-1", [Read(
            owner_id="079999000001", result_count=1,
            request={"q": "x", "documents": [other, doc + "_"]})])  # LIKE wildcards escaped
        arc.log_access(OFFICER, "search", "HS-2", [Read(
            owner_id="079999000001", result_count=2, request={"documents": [other, doc]})])
        assert [e["purpose"] for e in arc.access_events(document=doc)] == ["HS-2", "rà soát"]
        assert arc.access_events(owner=CITIZEN) == []
        stored = arc.get_document(doc)
        review.record(arc, doc, 1, "Nguyễn Văn Kiểm", [], review.DocumentUpdate(
            doc_type=stored["doc_type"], title=stored["title"], fields=stored["fields"],
            field_flags=[], review_reasons=[], needs_review=False, owner_id=CITIZEN,
            owner_kind="person", owner_name="Hồ Thị Mai", issue_date=None, valid_until=None,
            retention=stored.get("retention")),
            audit_action="review.corrected", audit_detail={"field": "id_number"})
        assert [e["purpose"] for e in arc.access_events(owner=CITIZEN)] == ["rà soát"]
        assert arc.audit_verify() == (True, [])


def test_first_seq_since_bounds_the_log_by_time(place: Place) -> None:
    from sohoa.archive.access import first_seq_since

    with place.open() as arc:
        for i in range(5):
            arc.log_access(OFFICER, "reuse", f"HS-{i}", [Read(owner_id=CITIZEN, result_count=1)])
        ats = [e["at"] for e in reversed(arc.access_events(owner=CITIZEN))]
        with arc.transaction(write=False) as conn:
            assert first_seq_since(conn, ats[2]) == 3
            assert first_seq_since(conn, "0000") == 1
            assert first_seq_since(conn, "9999") == 6
        assert [e["purpose"] for e in arc.access_events(since=ats[3])] == ["HS-4", "HS-3"]
