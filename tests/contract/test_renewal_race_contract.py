"""A signature renewal against a disposal batch, on SQLite and for real on PostgreSQL (review14a
M1): both write a paper's row and the audit log, so both take the paper's dossier first, and a
destroyed paper is never pointed at a file its disposal did not list.

The races hold one transaction open until the other side, run in a thread, waits for its locks
(tests/contract/races.py). On SQLite a write transaction excludes every other writer from its
start, so there the tests only show that the outcome is right; only the PostgreSQL run can catch
a wrong lock order."""

from __future__ import annotations

from datetime import date, timedelta

from archivist_helpers import store
from backends import Place
from races import racing, until_waiting
from sqlalchemy import select, update

from sohoa.archive import Archive, disposal, holds
from sohoa.archive import audit as audit_log
from sohoa.archive.catalog import dossier_locks
from sohoa.archive.models import Document
from sohoa.archive.revisions import replace_pdf
from sohoa.archive.values import vietnam_today
from sohoa.doctypes import load_registry
from sohoa.errors import WorkflowError

REGISTRY = load_registry()
DECISION = "Quyết định số 12/QĐ-UBND ngày 20/5/2026 của Chủ tịch UBND phường Tân Phong"
ARCHIVIST = "Lê Thu Hà"
DOSSIER = "HS-075-2015-0001"


def years_ago(n: int) -> date:
    today = vietnam_today()
    return today.replace(year=today.year - n) - timedelta(days=3)


def executing_list(archive: Archive, *doc_ids: str) -> int:
    """A disposal list holding ``doc_ids``, approved and being executed (drawn up as of 2060,
    so it holds papers not yet due today too: executing re-evaluates each on today)."""
    lst = disposal.propose(archive, registry=REGISTRY, as_of=date(2060, 1, 1), note="hết hạn",
                           by=ARCHIVIST, today=date(2060, 1, 1))
    assert lst is not None and lst["documents"] == len(doc_ids)
    disposal.approve(archive, lst["list"], decision=DECISION, by="Trần Văn Bình")
    disposal.start(archive, lst["list"], by=ARCHIVIST)
    return int(lst["list"])


def test_a_renewal_waits_for_the_dossier_and_spares_a_destroyed_paper(
        catalog_place: Place) -> None:
    """A disposal batch holds the paper's dossier and marks it destroyed; the renewal that
    fetched its timestamp meanwhile waits, sees it destroyed and refuses: no new file, the
    tombstone keeps the file the disposal lists."""
    first, second = catalog_place.open(), catalog_place.open()
    try:
        paper = store(first, None, "renew-race", dossier=DOSSIER)
        with first.transaction(write=False) as conn:
            old = conn.execute(select(Document.pdf_sha256).where(Document.id == paper)
                               ).scalar_one()
        files = sorted(first.blobs.iter_all())
        racer, outcome = racing(lambda: replace_pdf(
            second, paper, b"%PDF-1.7 renewed after the decision", actor=ARCHIVIST,
            action="signature.renewed", detail={}))
        with first.transaction(write=True) as conn:  # a disposal batch of this dossier
            dossier_locks(conn, DOSSIER)
            conn.execute(update(Document).where(Document.id == paper).values(status="disposed"))
            racer.start()
            until_waiting(catalog_place, racer)  # (the renewal runs meanwhile, or waits)
            audit_log.append(conn, "document.disposed", actor=ARCHIVIST, target=paper)
        racer.join(timeout=60)
        [refused] = outcome
        assert isinstance(refused, WorkflowError), refused
        assert "đã bị tiêu hủy" in str(refused) and "không gia hạn" in str(refused)
        with first.transaction(write=False) as conn:
            now = conn.execute(select(Document.status, Document.pdf_sha256)
                               .where(Document.id == paper)).one()
        assert tuple(now) == ("disposed", old)
        assert sorted(first.blobs.iter_all()) == files
        assert first.audit_verify() == (True, [])
    finally:
        first.close()
        second.close()


def test_a_disposal_batch_destroys_the_file_a_renewal_just_stored(
        catalog_place: Place) -> None:
    """A renewal holds the dossier and re-points the paper; the disposal batch that read the
    paper before the renewal committed waits for the dossier, then reads the paper again: the
    renewed file is among what it destroys, not left behind."""
    first, second = catalog_place.open(), catalog_place.open()
    try:
        paper = store(first, None, "renewed-then-gone", issue_date=years_ago(11))
        list_id = executing_list(first, paper)
        with first.transaction(write=False) as conn:
            old = conn.execute(select(Document.pdf_sha256).where(Document.id == paper)
                               ).scalar_one()
        renewed = first.blobs.put(b"%PDF-1.7 renewed revision")
        racer, outcome = racing(lambda: disposal.dispose(
            second, list_id, [paper], by=ARCHIVIST, decision=DECISION, registry=REGISTRY))
        with first.transaction(write=True) as conn:  # what replace_pdf does, held open
            dossier_locks(conn, DOSSIER)
            conn.execute(update(Document).where(Document.id == paper)
                         .values(pdf_sha256=renewed))
            racer.start()
            until_waiting(catalog_place, racer)  # (the disposal read the paper, waits)
            audit_log.append(conn, "signature.renewed", actor=ARCHIVIST, target=paper,
                             detail={"previous_pdf": old, "pdf": renewed})
        racer.join(timeout=60)
        [[gone]] = outcome
        assert gone["disposed"] is True, gone
        assert {old, renewed} <= set(gone["blobs"])
        assert first.audit_verify() == (True, [])
    finally:
        first.close()
        second.close()


def test_a_disposal_batch_holds_the_audit_log_only_after_its_rows(pg_place: Place) -> None:
    """The audit log is the last lock of the one order (docs/architecture.md): a disposal batch
    appended a paper's entry and then updated the next paper's row, so a writer holding that
    row and then appending (as the renewal did) deadlocked with it, and PostgreSQL rolled one
    back. Now the batch appends its entries after its last row."""
    first, second = pg_place.open(), pg_place.open()
    try:
        kept = store(first, None, "not-yet-due", issue_date=years_ago(7))
        due = store(first, None, "due", owner_id="075203009999", owner_name="Trần Văn Đức",
                    issue_date=years_ago(11))
        list_id = executing_list(first, kept, due)
        racer, outcome = racing(lambda: disposal.dispose(
            second, list_id, [kept, due], by=ARCHIVIST, decision=DECISION, registry=REGISTRY))
        with first.transaction(write=True) as conn:  # a writer of the due paper's row, …
            conn.execute(update(Document).where(Document.id == due).values(pdf_size=1))
            racer.start()
            until_waiting(pg_place, racer)  # (the batch skipped the first paper, waits)
            audit_log.append(conn, "contract.event", actor=ARCHIVIST, target=due)  # … log last
        racer.join(timeout=60)
        [done] = outcome
        assert not isinstance(done, BaseException), done
        assert [(o["document_id"], o["disposed"]) for o in done] == [(kept, False), (due, True)]
        actions = [(e["action"], e["target"]) for e in first.audit_events(limit=5)]
        assert ("document.disposed", due) in actions and ("disposal.skipped", kept) in actions
        assert first.audit_verify() == (True, [])
    finally:
        first.close()
        second.close()


def test_a_hold_placed_while_a_disposal_batch_waits_keeps_the_paper(pg_place: Place) -> None:
    """A disposal batch waits for a dossier another writer holds; meanwhile an archivist puts
    the dossier under a legal hold (its own transaction, committed before the batch gets the
    lock). The batch read the holds before it waited, so it destroyed the held paper; it reads
    them under the dossier's locks now, and keeps the paper. PostgreSQL only: on SQLite the
    hold could not commit while the other writer is open."""
    first, second, third = pg_place.open(), pg_place.open(), pg_place.open()
    try:
        paper = store(first, None, "held-meanwhile", issue_date=years_ago(11))
        list_id = executing_list(first, paper)
        racer, outcome = racing(lambda: disposal.dispose(
            second, list_id, [paper], by=ARCHIVIST, decision=DECISION, registry=REGISTRY))
        with first.transaction(write=True) as conn:  # a writer of the dossier, held open
            dossier_locks(conn, DOSSIER)
            racer.start()
            until_waiting(pg_place, racer)  # (the batch started and waits for the dossier)
            hold = holds.place(third, "dossier", DOSSIER, reason="thanh tra đang xem xét",
                               by="Trần Văn Bình")
        racer.join(timeout=60)
        [[kept]] = outcome
        assert kept["disposed"] is False, kept
        with first.transaction(write=False) as conn:
            assert conn.execute(select(Document.status).where(Document.id == paper)
                                ).scalar_one() == "stored"
        [skipped] = [e for e in first.audit_events(target=paper)
                     if e["action"] == "disposal.skipped"]
        assert skipped["detail"]["holds"] == [hold["hold"]]
        assert first.audit_verify() == (True, [])
    finally:
        first.close()
        second.close()
        third.close()
