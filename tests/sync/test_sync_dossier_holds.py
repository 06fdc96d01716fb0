"""Nothing goes to the one-stop system or the portal before a person looked at a conflict the
desk itself flagged (tester13 F2, F21): another person's paper behind the applicant's sheet, and
a paper behind the sheet of a dossier the one-stop system never opened, are held like a paper
whose owner is only proposed — announced by the review that decides, or by the dossier's
opening. Real catalog (SQLite; PostgreSQL where given), real review desk, a real receiver."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from dossier_papers import open_for, store_paper
from sqlalchemy import select
from sync_helpers import SECRET, ReceiverProcess, assert_exactly_once

from sohoa.api.sync_contract import validate_event
from sohoa.archive import Archive, deliveries
from sohoa.archive.sync_models import SyncEvent
from sohoa.clock import VIETNAM
from sohoa.pipeline import review
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings, load_settings
from sohoa.pipeline.sync import SyncRunner
from sohoa.pipeline.synctargets import SyncOptions, SyncTarget
from sohoa.reasons import reason

APPLICANT = "001090012345"
STRANGER = "036088007788"
JUDICIAL = "2.000488.000.00.00.H19"  # TP1 tờ khai, TP2 căn cước của người yêu cầu
UNIT = "H19.22.26"
BY = "ktv_lan"
FAST = SyncOptions(backoff_s=0.05, max_backoff_s=0.3, lease_s=5.0, batch=20, poll_s=0.05)


def _store(archive: Archive, seed: str, dossier: str, owner: str | None,
           read: str | None = None) -> str:
    """A card as ingest stores it; ``owner`` None and ``read``: the number read disagrees
    with the dossier's receipt, so no owner (``owner.resolve_owner``'s conflict)."""
    why = (reason("owner_id", f"giấy tờ ghi {read}, giấy tiếp nhận của hồ sơ ghi {APPLICANT}"),
           ) if read else ()
    return store_paper(archive, seed, dossier, owner=owner, unit=UNIT, number=read,
                       reasons=why, extra={"owner_from": "conflict" if read else "document"},
                       confidence=0.94)


def _open(archive: Archive, settings: Settings, code: str) -> None:
    open_for(archive, settings, code, procedure=JUDICIAL, owner=APPLICANT, unit=UNIT,
             received=datetime(2026, 12, 7, 7, 30, tzinfo=VIETNAM))


def _events(archive: Archive) -> list[dict[str, Any]]:
    """Every recorded event (what the targets are sent), in recording order."""
    with archive.transaction(write=False) as conn:
        bodies = conn.execute(select(SyncEvent.body).order_by(SyncEvent.id)).scalars().all()
    for body in bodies:
        validate_event(body)  # the contract every target already takes
    return [json.loads(b) for b in bodies]


def _stored(archive: Archive, doc_id: str) -> list[dict[str, Any]]:
    return [e["data"] for e in _events(archive)
            if e["event_type"] == "document.stored" and e["data"]["document_id"] == doc_id]


def _deliver(archive: Archive, receiver: ReceiverProcess) -> None:
    runner = SyncRunner(archive, [SyncTarget(name="cong-dvc", url=receiver.url, secret=SECRET,
                                             timeout_s=0.5)], FAST)
    try:
        end = time.monotonic() + 30
        while deliveries.pending_total(archive) and time.monotonic() < end:
            runner.drain()
    finally:
        runner.close()
    assert_exactly_once(archive, receiver)


def test_another_persons_paper_in_the_applicants_dossier_waits_for_the_review(
        tmp_path: Path, db_url: str, receiver: ReceiverProcess) -> None:
    """F2: the wrong sheet (a third person's card) went out at once under the applicant's
    dossier, before anyone looked; now it waits — whether the desk read its owner (another
    person than the applicant) or read a number the receipt contradicts (no owner) — and the
    review's decision is the first thing the targets hear of it."""
    settings = load_settings(home=tmp_path / "home", environ={"SOHOA_DB": db_url})
    code = "H19.22-261207-0301"
    with open_archive(settings) as archive:
        _open(archive, settings, code)
        wrong = _store(archive, "wrong", code, STRANGER)  # TP2 still open: it asks
        own = _store(archive, "own", code, APPLICANT)
        clash = _store(archive, "clash", code, None, read=STRANGER)  # TP2 full by now
        for doc_id in (wrong, clash):
            doc = archive.get_document(doc_id)
            assert doc["needs_review"] and doc["digitization_code"] is None
            assert _stored(archive, doc_id) == []
        assert [e["Ma"] for e in _stored(archive, own)] == [f"{APPLICANT}.{JUDICIAL}.TP2.01"]
        with archive.transaction(write=False) as conn:
            state = deliveries.reconcile(conn, deliveries.TargetTypes("cong-dvc"), [code])
        assert state[code]["held"] == 2  # owed: the dossier is not synchronized yet
        _deliver(archive, receiver)
    # a reading that leaves the question open still sends nothing, even though the
    # applicant's own card has filled the component meanwhile
    review.decide(settings, BY, "set", wrong, "owner_id", STRANGER)
    with open_archive(settings) as archive:
        assert _stored(archive, wrong) == []
        assert archive.get_document(wrong)["needs_review"]
    review.decide(settings, BY, "accept", wrong)
    review.decide(settings, BY, "set", clash, "owner_id", STRANGER)
    with open_archive(settings) as archive:
        assert [(e["MaDinhDanh"], e["Ma"]) for doc_id in (wrong, clash)
                for e in _stored(archive, doc_id)] == [
            (STRANGER, f"{STRANGER}.{JUDICIAL}.1.01"), (STRANGER, f"{STRANGER}.{JUDICIAL}.3.01")]
        _deliver(archive, receiver)
        with archive.transaction(write=False) as conn:
            state = deliveries.reconcile(conn, deliveries.TargetTypes("cong-dvc"), [code])
        assert state[code]["held"] == 0
        assert state[code]["delivered"] == state[code]["events"]


def test_a_sheet_the_one_stop_system_never_opened_holds_its_papers(
        tmp_path: Path, db_url: str, receiver: ReceiverProcess) -> None:
    """F21: at a desk whose dossiers the one-stop system opens, a sheet with a code it never
    opened is a wrong or misprinted sheet: its papers are flagged and wait until the dossier is
    opened (then sent, after the opening) or a reviewer files them elsewhere."""
    settings = load_settings(home=tmp_path / "home", environ={"SOHOA_DB": db_url})
    opened, late, misprint = ("H19.22-261207-0301", "H19.22-261207-0398",
                              "H19.22-261207-0399")
    with open_archive(settings) as archive:
        _open(archive, settings, opened)
        first = _store(archive, "first", late, APPLICANT)
        stray = _store(archive, "stray", misprint, APPLICANT)
        for doc_id, code in ((first, late), (stray, misprint)):
            doc = archive.get_document(doc_id)
            assert doc["needs_review"] and doc["digitization_code"] is None
            assert (f"Hồ sơ: mã hồ sơ {code} chưa được mở trên hệ thống một cửa: nếu mã đúng, "
                    f"mở hồ sơ (sohoa dossier open {code} …") in doc["review_reasons"][-1]
        assert [e["event_type"] for e in _events(archive)] == ["dossier.status_changed"]
        # the one-stop system opens the late dossier: its paper goes, after the opening
        _open(archive, settings, late)
        doc = archive.get_document(first)
        assert not doc["needs_review"], doc["review_reasons"]
        assert doc["digitization_code"] == f"{APPLICANT}.{JUDICIAL}.TP2.01"
        assert [(e["event_type"], e["data"].get("document_id")) for e in _events(archive)
                if e["data"].get("MaHoSo", e["data"].get("dossier_code")) == late
                or e["data"].get("document_id") == first][-2:] == [
            ("dossier.status_changed", None), ("document.stored", first)]
        assert _stored(archive, stray) == []
        _deliver(archive, receiver)
    # the misprinted sheet: a reviewer files the card under the dossier it came with
    review.decide(settings, BY, "set", stray, "Mã hồ sơ", opened, reason="tờ mã hồ sơ in sai")
    with open_archive(settings) as archive:
        assert [(e["MaHoSo"], e["Ma"]) for e in _stored(archive, stray)] == [
            (opened, f"{APPLICANT}.{JUDICIAL}.TP2.02")]  # NN counts per prefix
        assert not archive.get_document(stray)["needs_review"]
        _deliver(archive, receiver)


def test_a_desk_that_works_from_its_sheets_keeps_working(tmp_path: Path) -> None:
    """README: a dossier may be created by the scan. Where the one-stop system has opened no
    dossier for the desk, a sheet's code is the dossier's, as before: nothing held."""
    settings = load_settings(home=tmp_path / "home", environ={})
    with open_archive(settings) as archive:
        doc_id = _store(archive, "sheet-first", "H19.22-261207-0500", APPLICANT)
        assert not archive.get_document(doc_id)["needs_review"]
        assert [e["MaHoSo"] for e in _stored(archive, doc_id)] == ["H19.22-261207-0500"]


def test_papers_whose_dossier_a_person_is_asked_for_wait_for_the_code(tmp_path: Path) -> None:
    """tester19 F8: the papers behind a receipt whose code was not read were sent to the portal
    under "UNASSIGNED-…", a dossier it does not have, before the clerk typed the code; and
    reconcile counted the group as a received dossier. They wait for the code; the move that
    files them announces them under it; a loose paper nobody asks about is sent as before."""
    from sohoa.archive.deliveries import received_dossiers
    from sohoa.pipeline.assemble import UNREAD_RECEIPT_CODE

    settings = load_settings(home=tmp_path / "home", environ={})
    group, loose_group = "UNASSIGNED-0c0c0c0c0c0c", "UNASSIGNED-0d0d0d0d0d0d"
    with open_archive(settings) as archive:
        _store(archive, "sheet-first", "H19.22-261207-0501", APPLICANT)
        asked = store_paper(archive, "behind-unread", group, owner=APPLICANT, unit=UNIT,
                            reasons=(reason("dossier", UNREAD_RECEIPT_CODE),))
        loose = store_paper(archive, "loose-card", loose_group, owner=APPLICANT, unit=UNIT)
        assert _stored(archive, asked) == []
        assert [e["MaHoSo"] for e in _stored(archive, loose)] == [loose_group]
        with archive.transaction(write=False) as conn:
            days = received_dossiers(conn, datetime(2000, 1, 1).date(),
                                     datetime(2100, 1, 1).date())
        assert days == ["H19.22-261207-0501"], days
        review.Reviewer(archive, settings, BY).set_dossier(asked, "H19.22-261207-0501")
        assert [e["MaHoSo"] for e in _stored(archive, asked)] == ["H19.22-261207-0501"]
