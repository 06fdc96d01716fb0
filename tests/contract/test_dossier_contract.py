"""The reuse loop's records on both catalogs (SQLite + files, PostgreSQL + S3): a dossier opened
by the one-stop system, scanned papers filling its components by type with their digitization
codes, reuse of an earlier document (and the three refusals that change nothing), status
history, results, and the idempotency the one-stop system relies on."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from threading import Thread
from typing import Any

import pytest
from backends import Place
from races import racing, until_waiting
from sqlalchemy import func, select, update

from sohoa.archive import Archive
from sohoa.archive import dossiers as dz
from sohoa.archive.dossiers import ReuseRefusedError
from sohoa.archive.models import AuditEntry, Document
from sohoa.archive.sync_models import SyncEvent
from sohoa.errors import NotFoundError, WorkflowError
from sohoa.records import DocumentRecord, DossierOpening, PageRecord, sha256_hex

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sample_files import page_image, pdf_bytes

VN = timezone(timedelta(hours=7))
OWNER = "075203001234"
OTHER = "079190004321"
KHAI_SINH = ("1.001193.000.00.00.H19", "Đăng ký khai sinh")
COMPONENTS = (("TP1", "Tờ khai đăng ký khai sinh", "application_form", True),
              ("TP2", "Căn cước của người đi đăng ký", "citizen_id_card", True),
              ("TP3", "Giấy chứng nhận kết hôn của cha, mẹ", "marriage_certificate", False))
OFFICER = "Trần Thị Bình"


def opening(code: str, owner: str = OWNER, at: datetime | None = None) -> DossierOpening:
    return DossierOpening(code=code, procedure_code=KHAI_SINH[0], procedure_name=KHAI_SINH[1],
                          unit="H19.22.31", unit_level="xa", channel="counter", owner_id=owner,
                          received_at=at or datetime(2026, 3, 2, 8, 15, tzinfo=VN),
                          appointment_date=date(2026, 3, 3), components=COMPONENTS)


def store(archive: Archive, seed: str, dossier: str, doc_type: str, *, owner: str | None = OWNER,
          valid_until: date | None = None) -> str:
    rec, pdf, image = record(seed, dossier, doc_type, owner=owner, valid_until=valid_until)
    doc_id, created = archive.store_document(rec, pdf, [image])
    assert created
    return doc_id


def record(seed: str, dossier: str, doc_type: str, *, owner: str | None = OWNER,
           valid_until: date | None = None) -> tuple[DocumentRecord, bytes, bytes]:
    image = page_image(seed)
    page = PageRecord(source=f"/scans/{seed}.tif", index=0, sha256=sha256_hex(image),
                      side="front", rotation=0, skew=0.0, confidence=0.9)
    pdf = pdf_bytes(f"{doc_type} {seed}")
    rec = DocumentRecord(
        doc_key=hashlib.sha256(page.sha256.encode()).hexdigest(), dossier_code=dossier,
        unit="H19.22.31", doc_type=doc_type, title=doc_type.upper(), owner_id=owner,
        owner_kind="person" if owner else None, owner_name="Nguyễn Văn An", fields={},
        field_flags=(), text="Đồng Nai", pages=(page,), confidence=0.9, needs_review=False,
        review_reasons=(), pdf_sha256=sha256_hex(pdf), pdf_size=len(pdf), signature=None,
        issue_date=date(2020, 1, 2), valid_until=valid_until,
        ingested_at=datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    return rec, pdf, image


def audit_count(archive: Archive) -> int:
    with archive.transaction(write=False) as conn:
        return int(conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


@pytest.fixture
def archive(place: Place) -> Archive:
    arc = place.open()
    yield arc
    arc.close()


def test_scans_fill_components_and_get_digitization_codes(archive: Archive) -> None:
    code = "H19.22.31-260302-0001"
    state, changed = dz.open_dossier(archive, opening(code), by=OFFICER)
    assert changed and state.status == "received" and state.received_date == date(2026, 3, 2)
    assert [c.satisfied for c in state.components] == [None, None, None]

    card = store(archive, "card", code, "citizen_id_card")
    form = store(archive, "form", code, "application_form")
    state = dz.show(archive, code)
    by_code = {c.code: c for c in state.components}
    assert (by_code["TP2"].satisfied, by_code["TP2"].document_id) == ("digitized", card)
    assert (by_code["TP1"].satisfied, by_code["TP1"].document_id) == ("digitized", form)
    assert by_code["TP3"].satisfied is None
    assert by_code["TP2"].digitization_code == f"{OWNER}.{KHAI_SINH[0]}.TP2.01"
    assert by_code["TP1"].digitization_code == f"{OWNER}.{KHAI_SINH[0]}.TP1.01"
    assert set(state.documents) == {card, form}
    assert archive.get_document(card)["digitization_code"] == f"{OWNER}.{KHAI_SINH[0]}.TP2.01"

    # The same prefix again (a second dossier, same owner, procedure and component): NN counts.
    code2 = "H19.22.31-260302-0002"
    dz.open_dossier(archive, opening(code2), by=OFFICER)
    card2 = store(archive, "card-2", code2, "citizen_id_card")
    assert archive.get_document(card2)["digitization_code"] == f"{OWNER}.{KHAI_SINH[0]}.TP2.02"

    # A paper in a dossier the one-stop system never announced: its owner, type and number;
    # with no owner yet, no code (".birth_certificate.1.01" named nobody, tester12 F9).
    loose = store(archive, "loose", "HS-SCAN-ONLY", "birth_certificate", owner=None)
    assert archive.get_document(loose)["digitization_code"] is None
    known = store(archive, "known", "HS-SCAN-ONLY", "birth_certificate")
    # …but this desk's dossiers are opened by the one-stop system: a code it never opened is a
    # sheet in question, held with no code until the dossier is opened (tester13 F21)
    doc = archive.get_document(known)
    assert doc["digitization_code"] is None and doc["needs_review"]
    assert "chưa được mở trên hệ thống một cửa" in doc["review_reasons"][-1]
    dz.open_dossier(archive, opening("HS-SCAN-ONLY"), by=OFFICER)
    assert archive.get_document(known)["digitization_code"] == f"{OWNER}.{KHAI_SINH[0]}.2.01"


def test_opening_is_idempotent_and_keeps_its_facts(archive: Archive) -> None:
    code = "H19.22.31-260302-0003"
    _, changed = dz.open_dossier(archive, opening(code), by=OFFICER)
    before = audit_count(archive)
    again, changed_again = dz.open_dossier(archive, opening(code), by=OFFICER)
    assert changed and not changed_again and audit_count(archive) == before
    assert len(again.history) == 1
    with pytest.raises(WorkflowError, match="thông tin khác"):
        dz.open_dossier(archive, opening(code, owner=OTHER), by=OFFICER)
    assert dz.show(archive, code).owner_id == OWNER


def test_documents_scanned_before_opening_fill_components(archive: Archive) -> None:
    code = "H19.22.31-260302-0004"
    card = store(archive, "early-card", code, "citizen_id_card")
    state, _ = dz.open_dossier(archive, opening(code), by=OFFICER)
    assert [(c.code, c.document_id) for c in state.components if c.satisfied] == [("TP2", card)]
    # The scan's later documents do not overwrite what the one-stop system said.
    store(archive, "late-form", code, "application_form")
    assert dz.show(archive, code).unit == "H19.22.31"


def test_reuse_and_its_refusals(archive: Archive) -> None:
    old = "H19.22.31-250110-0007"
    dz.open_dossier(archive, opening(old, at=datetime(2025, 1, 10, 9, 0, tzinfo=VN)), by=OFFICER)
    marriage = store(archive, "marriage", old, "marriage_certificate")
    other_owner = store(archive, "other", old, "marriage_certificate", owner=OTHER)
    expired = store(archive, "expired", old, "marriage_certificate",
                    valid_until=date(2025, 12, 31))
    disposed = store(archive, "disposed", old, "marriage_certificate")
    with archive.transaction(write=True) as conn:  # the tombstone a disposal execution leaves
        conn.execute(update(Document).where(Document.id == disposed).values(status="disposed"))

    code = "H19.22.31-260302-0005"
    dz.open_dossier(archive, opening(code), by=OFFICER)
    before_state, before_audit = dz.show(archive, code), audit_count(archive)
    refusals = {other_owner: "chủ sở hữu khác", expired: "hết hiệu lực", disposed: "đã bị hủy"}
    for doc_id, words in refusals.items():
        with pytest.raises(ReuseRefusedError, match=words):
            dz.reuse(archive, code, doc_id, component="TP3", by=OFFICER, purpose=code,
                     today=date(2026, 3, 2))
        assert dz.show(archive, code) == before_state
        assert audit_count(archive) == before_audit

    # A unique prefix names the paper, as show and get take it (tester10 F11).
    comp, changed = dz.reuse(archive, code, marriage[:8], component=None, by=OFFICER,
                                purpose=f"Giải quyết hồ sơ {code}", today=date(2026, 3, 2))
    assert changed and (comp.code, comp.satisfied, comp.document_id) == ("TP3", "reused",
                                                                         marriage)
    assert comp.satisfied_by == OFFICER
    event = archive.audit_events(target=f"dossier:{code}", limit=1)[0]
    assert event["action"] == "dossier.reused" and event["actor"] == OFFICER
    assert event["detail"]["purpose"] == f"Giải quyết hồ sơ {code}"
    assert event["detail"]["document_id"] == marriage

    # The same reuse again changes nothing; another paper for a filled component is refused.
    _, again = dz.reuse(archive, code, marriage, component="TP3", by=OFFICER, purpose=code,
                           today=date(2026, 3, 2))
    assert not again and audit_count(archive) == before_audit + 1
    second = store(archive, "marriage-2", old, "marriage_certificate")
    with pytest.raises(WorkflowError, match=r"đã có giấy tờ \w+ \(dùng lại\)"):
        dz.reuse(archive, code, second, component="TP3", by=OFFICER, purpose=code)
    for unknown in ("0000000000000000", "zzzz"):
        with pytest.raises(NotFoundError, match=f"không có giấy tờ {unknown} trong kho"):
            dz.reuse(archive, code, unknown, component=None, by=OFFICER, purpose=code)


def test_status_history_is_idempotent(archive: Archive) -> None:
    code = "H19.22.31-260302-0006"
    dz.open_dossier(archive, opening(code), by=OFFICER)
    at = datetime(2026, 3, 2, 10, 0, tzinfo=VN)
    _, changed = dz.set_status(archive, code, "processing", at=at, by=OFFICER)
    _, again = dz.set_status(archive, code, "processing", at=at, by=OFFICER)
    assert changed and not again
    # A late report of an earlier change is kept in the history but does not move the status.
    dz.set_status(archive, code, "resolved", at=at + timedelta(hours=5), by=OFFICER)
    state, _ = dz.set_status(archive, code, "queued", at=at - timedelta(hours=3), by=OFFICER)
    assert state.status == "resolved"
    assert [h.status for h in state.history] == ["queued", "received", "processing", "resolved"]
    with pytest.raises(NotFoundError):
        dz.set_status(archive, "H19-NOPE", "processing", at=None, by=OFFICER)


def test_the_same_step_resent_at_another_minute_is_one_step(archive: Archive) -> None:
    """tester11 F19: a one-stop system re-syncing 'processing' with its own clock (08:06,
    08:08, 08:09) records one step and sends one event; processing → supplement → processing
    stays a new step."""
    code = "H19.22.31-260302-0016"
    dz.open_dossier(archive, opening(code), by=OFFICER)
    at = datetime(2026, 3, 2, 8, 16, tzinfo=VN)
    changes = [dz.set_status(archive, code, "processing", at=at + timedelta(minutes=m),
                             by=OFFICER)[1] for m in (0, 2, 3, -1)]
    assert changes == [True, False, False, False]
    dz.set_status(archive, code, "supplement", at=at + timedelta(hours=1), by=OFFICER)
    state, again = dz.set_status(archive, code, "processing", at=at + timedelta(hours=2),
                                 by=OFFICER)
    assert again and state.status == "processing"
    assert [h.status for h in state.history] == ["received", "processing", "supplement",
                                                 "processing"]
    moved = [e["data"]["TrangThaiHoSo"] for e in sent_events(archive, code)
             if e["event_type"] == "dossier.status_changed"]
    assert moved == ["received", "processing", "supplement", "processing"], moved


def test_a_result_before_the_open_step_is_refused_and_never_swallows_the_real_one(
        archive: Archive) -> None:
    """review11b M4: a `resolved` mistyped a day early (before the processing it follows) is
    refused, nothing written; a result already left in the history that way (written before the
    rule) does not swallow the real one after the current step: the dossier is resolved. A
    resend of the current result stays 'no change'."""
    from sohoa.pipeline import dossierdesk as desk

    code = "H19.22.31-260302-0017"
    dz.open_dossier(archive, opening(code), by=OFFICER)
    desk.set_status(archive, code, "processing", at=datetime(2026, 3, 3, 10, 0, tzinfo=VN),
                    by=OFFICER)
    before = dz.show(archive, code)
    with pytest.raises(WorkflowError, match="trước bước đó"):
        desk.set_status(archive, code, "resolved", at=datetime(2026, 3, 2, 10, 0, tzinfo=VN),
                        by=OFFICER)
    assert dz.show(archive, code).history == before.history
    # the mistyped result as a catalog written before the refusal holds it
    dz.set_status(archive, code, "resolved", at=datetime(2026, 3, 2, 10, 0, tzinfo=VN),
                  by=OFFICER)
    assert dz.show(archive, code).status == "processing"
    real = datetime(2026, 3, 5, 10, 0, tzinfo=VN)
    state, changed = desk.set_status(archive, code, "resolved", at=real, by=OFFICER)
    assert changed and state.status == "resolved" and state.status_at == real.astimezone(UTC)
    state, again = desk.set_status(archive, code, "resolved", at=real + timedelta(hours=2),
                                   by=OFFICER)
    assert not again and [h.status for h in state.history].count("resolved") == 2


def test_a_second_supplement_days_later_is_a_new_step(archive: Archive) -> None:
    """review11b S5: only a resend within minutes (RESEND_WINDOW) of the same step is 'no
    change'; a second supplement request five days after the first is a step of its own (the
    KPI counts it), as is processing resent a day later with nothing between."""
    code = "H19.22.31-260302-0018"
    dz.open_dossier(archive, opening(code), by=OFFICER)
    at = datetime(2026, 3, 3, 10, 0, tzinfo=VN)
    dz.set_status(archive, code, "processing", at=at, by=OFFICER)
    _, first = dz.set_status(archive, code, "supplement", at=at + timedelta(days=1), by=OFFICER)
    _, resend = dz.set_status(archive, code, "supplement",
                              at=at + timedelta(days=1, minutes=4), by=OFFICER)
    state, second = dz.set_status(archive, code, "supplement", at=at + timedelta(days=6),
                                  by=OFFICER)
    assert (first, resend, second) == (True, False, True)
    assert [h.status for h in state.history] == ["received", "processing", "supplement",
                                                 "supplement"]
    # a late report just before the second one (within the window) is that one's resend
    _, late = dz.set_status(archive, code, "supplement",
                            at=at + timedelta(days=6, minutes=-3), by=OFFICER)
    assert not late


NAMES = {"queued": "Chờ tiếp nhận", "received": "Đã tiếp nhận", "processing": "Đang giải quyết",
         "resolved": "Đã có kết quả", "returned": "Đã trả kết quả"}


def sent_events(archive: Archive, code: str) -> list[dict]:
    from sohoa.api.sync_contract import validate_event

    with archive.transaction(write=False) as conn:
        rows = conn.execute(select(SyncEvent.body).where(SyncEvent.ordering_key == code)
                            .order_by(SyncEvent.sequence)).scalars().all()
    for body in rows:
        validate_event(body)
    return [json.loads(b) for b in rows]


def test_a_mistyped_returned_moment_is_corrected_and_a_resend_changes_nothing(
        archive: Archive) -> None:
    """`dossier status … returned --correct` on both catalogs: the one final step moves within
    its neighbours, the current and first-result times follow, audited, sent as its own event
    with both moments; the one-stop system resending the first moment changes nothing."""
    from sohoa.pipeline import dossierdesk

    code = "H19.22.31-260302-0016"
    dz.open_dossier(archive, opening(code), by=OFFICER)
    resolved = datetime(2026, 3, 3, 10, 0, tzinfo=VN)
    dz.set_status(archive, code, "resolved", at=resolved, by=OFFICER)
    typo = datetime(2026, 3, 15, 14, 0, tzinfo=VN)
    dz.set_status(archive, code, "returned", at=typo, by=OFFICER)
    with pytest.raises(WorkflowError, match="trước bước Đã có kết quả"):
        dz.correct_moment(archive, code, "returned", at=resolved - timedelta(hours=1),
                          by=OFFICER, reason="nhập nhầm", names=NAMES)
    before = audit_count(archive)
    right = datetime(2026, 3, 5, 14, 0, tzinfo=VN)
    state, old, changed = dossierdesk.correct_moment(archive, code, "returned", at=right,
                                                     by=OFFICER, reason="nhập nhầm ngày")
    assert changed and old == typo.astimezone(UTC)
    assert [(h.status, h.at) for h in state.history if h.status == "returned"] == [
        ("returned", right.astimezone(UTC))]
    assert state.status == "returned" and state.status_at == right.astimezone(UTC)
    assert audit_count(archive) == before + 1
    # M3: the first moment sent again (the one-stop system retrying) is that step, not a new one
    again, changed = dz.set_status(archive, code, "returned", at=typo, by=OFFICER)
    assert not changed and [h.at for h in again.history if h.status == "returned"] == [
        right.astimezone(UTC)]
    _, _, changed = dossierdesk.correct_moment(archive, code, "returned", at=right,
                                               by=OFFICER, reason="lần nữa")
    assert not changed and audit_count(archive) == before + 1
    # S1: a correction, not a move: its own event, with the old and the new moment
    last = sent_events(archive, code)[-1]
    assert last["event_type"] == "dossier.status_corrected", last
    assert (last["data"]["TrangThaiHoSo"], last["data"]["ThoiGianCu"], last["data"]["ThoiGian"],
            last["data"]["LyDo"]) == ("returned", "2026-03-15T07:00:00Z",
                                      "2026-03-05T07:00:00Z", "nhập nhầm ngày")


def test_a_correction_never_reopens_moves_the_receipt_or_changes_the_current_step(
        archive: Archive) -> None:
    """The reviewer's M1/M2 cases, all refused with nothing written: processing moved past the
    result (reopened), the result moved before processing, the queue moved after the receipt,
    the receipt moved at all (the one-stop system's fact); and a `returned` that is the KPIs'
    first-result time (L6)."""
    from sohoa.pipeline import dossierdesk

    code = "H19.22.31-260302-0017"
    dz.open_dossier(archive, opening(code), by=OFFICER)
    dz.set_status(archive, code, "queued", at=datetime(2026, 3, 1, 9, 0, tzinfo=VN), by=OFFICER)
    dz.set_status(archive, code, "processing", at=datetime(2026, 3, 3, 9, 0, tzinfo=VN),
                  by=OFFICER)
    dz.set_status(archive, code, "resolved", at=datetime(2026, 3, 4, 9, 0, tzinfo=VN),
                  by=OFFICER)
    before, shown = audit_count(archive), dz.show(archive, code)
    late = datetime(2026, 3, 4, 10, 0, tzinfo=VN)
    # the archive's own rule: only the current step, never before the step it follows
    with pytest.raises(WorkflowError, match="chỉ sửa được thời điểm của bước hiện tại"):
        dz.correct_moment(archive, code, "processing", at=late, by=OFFICER, reason="x",
                          names=NAMES)
    with pytest.raises(WorkflowError, match="trước bước Đang giải quyết"):
        dz.correct_moment(archive, code, "resolved", at=datetime(2026, 3, 2, 10, 0, tzinfo=VN),
                          by=OFFICER, reason="x", names=NAMES)
    with pytest.raises(WorkflowError, match="bước hiện tại"):
        dz.correct_moment(archive, code, "queued", at=late, by=OFFICER, reason="x", names=NAMES)
    # the desk's: the receipt is the one-stop system's, the result times the KPIs
    with pytest.raises(WorkflowError, match="hệ thống một cửa công bố"):
        dossierdesk.correct_moment(archive, code, "received",
                                   at=datetime(2026, 3, 1, 8, 0, tzinfo=VN), by=OFFICER,
                                   reason="x")
    with pytest.raises(WorkflowError, match="chỉ sửa được bước cuối cùng"):
        dossierdesk.correct_moment(archive, code, "resolved", at=late, by=OFFICER, reason="x")
    after = dz.show(archive, code)
    assert (after.status, after.status_at, after.history, after.received_date) == (
        shown.status, shown.status_at, shown.history, shown.received_date)
    assert audit_count(archive) == before

    # handed back with no result step before it: that moment is the KPIs' first-result time
    bare = "H19.22.31-260302-0018"
    dz.open_dossier(archive, opening(bare), by=OFFICER)
    dz.set_status(archive, bare, "returned", at=datetime(2026, 3, 6, 9, 0, tzinfo=VN),
                  by=OFFICER)
    with pytest.raises(WorkflowError, match="chỉ số giải quyết đúng hạn"):
        dossierdesk.correct_moment(archive, bare, "returned",
                                   at=datetime(2026, 3, 5, 9, 0, tzinfo=VN), by=OFFICER,
                                   reason="x")


def test_result_gets_its_own_code_and_is_reusable(archive: Archive) -> None:
    code = "H19.22.31-260302-0008"
    dz.open_dossier(archive, opening(code), by=OFFICER)
    result_doc = store(archive, "result", code, "birth_certificate")
    state, changed = dz.add_result(archive, code, result_doc, result_code="KQ.001193",
                                   born_digital=True, valid_until=None, by=OFFICER,
                                   code_format=dz.DEFAULT_CODE_FORMAT,
                                   issued_at=datetime(2026, 3, 3, 9, 0, tzinfo=VN))
    assert changed and len(state.results) == 1
    assert state.results[0].digitization_code == f"{OWNER}.KQ.001193.1.01"
    _, again = dz.add_result(archive, code, result_doc, result_code="KQ.001193",
                             born_digital=True, valid_until=None, by=OFFICER,
                             code_format=dz.DEFAULT_CODE_FORMAT)
    assert not again
    assert result_doc in [r["document_id"] for r in archive.reuse(OWNER)]


def test_a_dossier_without_a_received_date_counts_on_its_vietnamese_day(
        archive: Archive) -> None:
    """Known only from its scans, first seen at 18:00 UTC on 6 December: in Biên Hòa that is
    01:00 on the 7th, the day the sync report and its ratio count it on, on either catalog."""
    from sqlalchemy import insert

    from sohoa.archive.deliveries import received_dossiers
    from sohoa.archive.models import Dossier

    with archive.transaction(write=True) as conn:
        conn.execute(insert(Dossier).values(
            code="HS-075-2026-0610", created_at=datetime(2026, 12, 6, 18, 0, tzinfo=UTC)))
    with archive.transaction(write=False) as conn:
        assert received_dossiers(conn, date(2026, 12, 7), date(2026, 12, 7)) == [
            "HS-075-2026-0610"]
        assert received_dossiers(conn, date(2026, 12, 6), date(2026, 12, 6)) == []


def test_two_racing_status_posts_cannot_reopen_a_settled_dossier(place: Place) -> None:
    """S6: 'resolved' is being written (its transaction open, not committed) while a later
    'received' comes in through another connection (the API's thread pool, a second process).
    The settled-status rule is applied inside the write transaction, to the row it locks: the
    later post waits for the first, sees the dossier resolved and is refused; checked before
    the transaction it saw 'processing', passed, and reopened the dossier."""
    from sohoa.archive.models import Dossier
    from sohoa.pipeline.dossierdesk import set_status

    code = "H19.22.31-260302-0042"
    first, second = place.open(), place.open()  # two engines: two writers, as two processes
    try:
        dz.open_dossier(first, opening(code), by=OFFICER)
        at = datetime(2026, 3, 2, 10, 0, tzinfo=VN)
        set_status(first, code, "processing", at=at, by=OFFICER)
        racer, outcome = racing(lambda: set_status(
            second, code, "received", at=at + timedelta(hours=3), by=OFFICER)[0].status)
        with first.transaction(write=True) as conn:  # 'resolved' being written, as records does
            conn.execute(update(Dossier).where(Dossier.code == code).values(
                status="resolved", status_at=(at + timedelta(hours=2)).astimezone(UTC)))
            racer.start()
            until_waiting(place, racer)  # the racer read (and, checked outside, passed)
        racer.join(timeout=60)
        assert len(outcome) == 1 and isinstance(outcome[0], WorkflowError), outcome
        assert "không chuyển ngược" in str(outcome[0])
        assert dz.show(first, code).status == "resolved"
    finally:
        first.close()
        second.close()


def test_two_stores_into_one_dossier_take_turns(catalog_place: Place) -> None:
    """review13a S1: two writers (two jobs with the same sheet, two processes) store papers into
    one dossier at once. At READ COMMITTED both read the two-party component's first row open and
    the second overwrote the first's placement: the first paper kept a code naming TP2 and filled
    nothing. The dossier's lock makes the second wait before it reads the components. SQLite
    serialises the two writers from their start: only the PostgreSQL run can fail."""
    from sohoa.archive import documents

    code = "H19.22.31-260302-0077"
    parties = (COMPONENTS[0], ("TP2", "Căn cước của hai bên", "citizen_id_card", True),
               ("TP2", "Căn cước của hai bên", "citizen_id_card", True))
    first, second = catalog_place.open(), catalog_place.open()  # two writers, two engines
    try:
        dz.open_dossier(first, replace(opening(code), components=parties), by=OFFICER)
        rec, pdf, _ = record("race-1", code, "citizen_id_card", owner=OWNER)
        racer, outcome = racing(
            lambda: store(second, "race-2", code, "citizen_id_card", owner=OTHER))
        with first.transaction(write=True) as conn:  # the first store's catalog transaction
            documents.insert(conn, rec, rec.doc_key[:16], rec.pdf_sha256, len(pdf), [],
                             first.digitization_format)
            racer.start()
            until_waiting(catalog_place, racer)  # the second store reads, or waits
        racer.join(timeout=60)
        assert len(outcome) == 1 and isinstance(outcome[0], str), outcome
        one, two = rec.doc_key[:16], outcome[0]
        state = dz.show(first, code)
        assert [(c.code, c.document_id) for c in state.components] == [
            ("TP1", None), ("TP2", one), ("TP2", two)]
        assert {c.document_id: c.digitization_code for c in state.components[1:]} == {
            one: f"{OWNER}.{KHAI_SINH[0]}.TP2.01", two: f"{OTHER}.{KHAI_SINH[0]}.TP2.01"}
    finally:
        first.close()
        second.close()


def retyping(archive: Archive, card: str, tmp_path: Path) -> tuple[Thread, list[Any]]:
    """A review (not started) that gives ``card`` another type, as a racer."""
    from sohoa.pipeline.review import Reviewer
    from sohoa.pipeline.settings import load_settings

    reviewer = Reviewer(archive, load_settings(home=tmp_path / "home", environ={}), OFFICER)
    return racing(lambda: reviewer.set_type(card, "residence_confirmation"))


def test_a_review_waits_for_the_dossier_before_the_audit_log(catalog_place: Place,
                                                             tmp_path: Path) -> None:
    """One lock order for every path (catalog.xact_lock): a review that re-codes a paper used to
    take the audit log's lock (its code_changed entry) and then its dossier's event numbering,
    while a store holds the numbering and then appends to the audit log — on PostgreSQL the two
    deadlocked and one was rolled back. Now the review waits for the dossier first. SQLite
    serialises the two writers from their start: only the PostgreSQL run can fail."""
    from sohoa.archive import audit as audit_log
    from sohoa.archive.catalog import dossier_locks

    code = "H19.22.31-260302-0078"
    first, second = catalog_place.open(), catalog_place.open()
    try:
        dz.open_dossier(first, opening(code), by=OFFICER)
        card = store(first, "review-race", code, "citizen_id_card")
        assert first.get_document(card)["digitization_code"] == f"{OWNER}.{KHAI_SINH[0]}.TP2.01"
        racer, outcome = retyping(second, card, tmp_path)
        with first.transaction(write=True) as conn:  # a writer of this dossier, as a store:
            dossier_locks(conn, code)  # its locks first, …
            racer.start()
            until_waiting(catalog_place, racer)  # (the review runs meanwhile, or waits)
            audit_log.append(conn, "contract.event", actor=OFFICER, target=code)  # … log last
        racer.join(timeout=60)
        assert len(outcome) == 1 and isinstance(outcome[0], dict), outcome
        doc = first.get_document(card)
        assert doc["doc_type"] == "residence_confirmation"
        assert doc["digitization_code"] == f"{OWNER}.{KHAI_SINH[0]}.1.01"
        assert first.audit_verify() == (True, [])
    finally:
        first.close()
        second.close()


def test_a_review_of_a_paper_moved_meanwhile_takes_its_new_dossier(catalog_place: Place,
                                                                   tmp_path: Path) -> None:
    """review14a S9: a review read the paper's dossier before taking its locks. A review that
    moved the paper to another dossier and committed while this one waited left it holding the
    old dossier's locks; placing the paper then took the new dossier's after the paper's row
    (a LockOrderError in the suite when the new code sorts first; a possible deadlock on
    PostgreSQL). Now the dossier is read again under the locks and the review tried again under
    the new dossier's. SQLite serialises the two writers from their start: only the
    PostgreSQL run can fail."""
    from sohoa.archive.catalog import dossier_locks

    old, moved_to = "H19.22.31-260302-0092", "H19.22.31-260302-0091"  # the new one sorts first
    first, second = catalog_place.open(), catalog_place.open()
    try:
        for code in (old, moved_to):
            dz.open_dossier(first, opening(code), by=OFFICER)
        card = store(first, "moved-review", old, "citizen_id_card")
        racer, outcome = retyping(second, card, tmp_path)
        with first.transaction(write=True) as conn:  # another review moving the paper
            dossier_locks(conn, old, moved_to)
            conn.execute(update(Document).where(Document.id == card)
                         .values(dossier_code=moved_to))
            racer.start()
            until_waiting(catalog_place, racer)  # (the review read the old dossier, waits)
        racer.join(timeout=60)
        assert len(outcome) == 1 and isinstance(outcome[0], dict), outcome
        doc = first.get_document(card)
        assert (doc["dossier_code"], doc["doc_type"]) == (moved_to, "residence_confirmation")
        assert first.audit_verify() == (True, [])
    finally:
        first.close()
        second.close()


def test_whether_a_desk_opens_its_dossiers_is_one_index_probe(catalog_place: Place) -> None:
    """tester13 F21: every paper stored behind an unopened dossier's sheet asks whether the
    one-stop system opened any dossier at the paper's unit; no index led with the unit, so each
    paper read the dossiers table. Now the partial index of opened dossiers answers it."""
    archive = catalog_place.open()
    try:
        dz.open_dossier(archive, opening("H19.22.31-260302-0079"), by=OFFICER)
        store(archive, "unopened-sheet", "H19.22.31-260302-0080", "citizen_id_card")
        compiled = dz.OPENED_AT_UNIT.compile(dialect=archive._reader.dialect)
        params = compiled.construct_params({"unit": "H19.22.31"})
        with archive._reader.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET enable_seqscan = off")  # a few rows: see the index
                plan = "\n".join(conn.exec_driver_sql("EXPLAIN " + str(compiled),
                                                      params).scalars())
            else:
                ordered = tuple(params[name] for name in compiled.positiontup or ())
                plan = " ".join(str(r[3]) for r in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + str(compiled), ordered))
            assert conn.execute(dz.OPENED_AT_UNIT, {"unit": "H19.22.31"}).first() is not None
            assert conn.execute(dz.OPENED_AT_UNIT, {"unit": "H19.22.26"}).first() is None
        assert "ix_dossiers_opened_unit" in plan, plan
        assert "SCAN dossiers" not in plan and "Seq Scan" not in plan, plan
    finally:
        archive.close()


def test_two_openings_of_one_owner_re_code_their_scans_in_turns(pg_place: Place) -> None:
    """store15's one deadlock left: opening a dossier re-codes its earlier scans one by one, a
    counter row each, in the order they were stored. Two dossiers of one owner under one
    procedure, whose scans of the same two components were stored in opposite orders, took the
    two rows in opposite orders: PostgreSQL rolled one opening back. Here the first opening
    has taken one row and is about to take the other when the second opens; the second now
    waits for the owner's ``recode`` lock holding no row, and both commit with their codes.
    PostgreSQL only: SQLite serialises writers."""
    first, second = pg_place.open(), pg_place.open()
    one, two = "H19.22.31-260302-0011", "H19.22.31-260302-0012"
    try:
        store(first, "card-1", one, "citizen_id_card")
        store(first, "kh-1", one, "marriage_certificate")
        kh_2 = store(first, "kh-2", two, "marriage_certificate")  # the other order
        card_2 = store(first, "card-2", two, "citizen_id_card")
        racer, outcome = racing(lambda: dz.open_dossier(second, opening(two), by=OFFICER))
        fmt = first.digitization_format
        with first.transaction(write=True) as conn:  # the first opening, half-way
            dz.dossier_locks(conn, one)
            dz.recode_locks(conn, [OWNER])
            dz.assign_code(conn, fmt, owner=OWNER, procedure=KHAI_SINH[0], component="TP2")
            racer.start()
            until_waiting(pg_place, racer)  # (the second opening started and waits)
            dz.assign_code(conn, fmt, owner=OWNER, procedure=KHAI_SINH[0], component="TP3")
        racer.join(timeout=60)
        [opened] = outcome
        assert not isinstance(opened, BaseException), opened
        # the first took NN 01 of both prefixes; the second's papers got the next ones
        prefix = f"{OWNER}.{KHAI_SINH[0]}"
        assert (second.get_document(card_2)["digitization_code"],
                second.get_document(kh_2)["digitization_code"]) == (
            f"{prefix}.TP2.02", f"{prefix}.TP3.02")
    finally:
        first.close()
        second.close()


def test_a_scanned_result_whose_dateline_was_not_read_takes_the_day_the_desk_issued_it(
        archive: Archive) -> None:
    """tester18 F11: the scan lost a result's dateline, so its validity was "không đọc được
    ngày …; chưa đưa ra dùng lại" although `result add` had set it from the moment the desk
    issued it ("hiệu lực đến 08/06/2027" shown beside). The desk's moment answers the question:
    the day is the paper's, the validity stands, and the result is offered for reuse; any other
    question about the paper stays."""
    from sohoa.doctypes import VALIDITY_UNKNOWN
    from sohoa.reasons import VALIDITY_UNREAD, reason

    code = "H19.22.31-260302-0019"
    dz.open_dossier(archive, opening(code), by=OFFICER)
    rec, pdf, image = record("scanned-result", code, "judicial_record")
    unread = reason("validity", VALIDITY_UNREAD)
    other = reason("signer", "không đọc chắc chắn “Lê Văn Tám”; đối chiếu với giấy")
    doc_id, _ = archive.store_document(replace(
        rec, issue_date=None, valid_until=VALIDITY_UNKNOWN, needs_review=True,
        review_reasons=(unread,)), pdf, [image])
    rec2, pdf2, image2 = record("scanned-result-2", code, "judicial_record")
    doc2, _ = archive.store_document(replace(
        rec2, issue_date=None, valid_until=VALIDITY_UNKNOWN, needs_review=True,
        review_reasons=(unread, other)), pdf2, [image2])
    assert doc_id not in [r["document_id"] for r in archive.reuse(OWNER)]
    issued = datetime(2026, 12, 8, 9, 0, tzinfo=VN)
    dz.add_result(archive, code, doc_id, result_code="KQ.000000", born_digital=False,
                  valid_until=date(2027, 6, 8), by=OFFICER, code_format=dz.DEFAULT_CODE_FORMAT,
                  issued_at=issued)
    doc = archive.get_document(doc_id)
    assert (doc["needs_review"], doc["review_reasons"]) == (False, [])
    assert (doc["issue_date"], doc["valid_until"]) == ("2026-12-08", "2027-06-08")
    assert doc_id in [r["document_id"] for r in archive.reuse(OWNER)]
    dz.add_result(archive, code, doc2, result_code="KQ.000000", born_digital=False,
                  valid_until=date(2027, 6, 8), by=OFFICER, code_format=dz.DEFAULT_CODE_FORMAT,
                  issued_at=issued)
    doc = archive.get_document(doc2)
    assert (doc["needs_review"], doc["review_reasons"]) == (True, [other])


def test_a_result_added_with_no_moment_keeps_its_unread_dateline_question(
        archive: Archive) -> None:
    """review19 M3: `result add CODE FILE --scanned` without `--issued` records the result
    issued now, but now is no day read off the paper — a certificate signed a week before it
    was handed over would be offered for reuse a week past its end. The question stays."""
    from sohoa.clock import vietnam_today
    from sohoa.doctypes import VALIDITY_UNKNOWN
    from sohoa.reasons import VALIDITY_UNREAD, reason

    code = "H19.22.31-260302-0020"
    dz.open_dossier(archive, opening(code), by=OFFICER)
    rec, pdf, image = record("scanned-result-no-moment", code, "judicial_record")
    doc_id, _ = archive.store_document(replace(
        rec, issue_date=None, valid_until=VALIDITY_UNKNOWN, needs_review=True,
        review_reasons=(reason("validity", VALIDITY_UNREAD),)), pdf, [image])
    dz.add_result(archive, code, doc_id, result_code="KQ.000000", born_digital=False,
                  valid_until=date(2027, 6, 8), by=OFFICER,
                  code_format=dz.DEFAULT_CODE_FORMAT, issued_at=None)
    doc = archive.get_document(doc_id)
    assert doc["issue_date"] != vietnam_today().isoformat(), doc["issue_date"]
    assert doc["needs_review"] and doc_id not in [r["document_id"] for r in archive.reuse(OWNER)]
