"""A paper whose owner is only proposed is filed under nobody and announced to nobody: its
``document.stored`` waits for the review, which then announces the decided owner; a review
that changes what an announced paper says states it again. Real catalog, real review desk
functions, a real receiver on loopback."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sample_files import page_image, pdf_bytes
from sqlalchemy import select
from sync_helpers import SECRET, ReceiverProcess, assert_exactly_once

from sohoa.api.sync_contract import validate_event
from sohoa.archive import Archive, deliveries
from sohoa.archive.models import Document
from sohoa.archive.sync_models import SyncEvent
from sohoa.pipeline import review
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.sync import SyncRunner
from sohoa.pipeline.synctargets import SyncOptions, SyncTarget
from sohoa.reasons import reason
from sohoa.records import DocumentRecord, PageRecord, SignatureSummary, sha256_hex

DOSSIER = "H19.22-261207-0001"
PROPOSED = "075203001234"
OTHER = "079190000001"
FAST = SyncOptions(backoff_s=0.05, max_backoff_s=0.3, lease_s=5.0, batch=20, poll_s=0.05)



def _store(archive: Archive, seed: str, *, owner: str | None, proposed: str | None) -> str:
    image = page_image(seed)
    page = PageRecord(source=f"/scans/{seed}.pdf", index=0, sha256=sha256_hex(image),
                      side="front", rotation=0, skew=0.0, confidence=0.9)
    pdf = pdf_bytes(f"PHIẾU LÝ LỊCH TƯ PHÁP {seed}")
    why = (reason("owner_id", f"đề xuất {proposed} theo số đọc được trên giấy, chưa chắc "
                              "chắn: cần người xác nhận"),) if proposed else ()
    rec = DocumentRecord(
        doc_key=hashlib.sha256(page.sha256.encode()).hexdigest(), dossier_code=DOSSIER,
        unit="H19.22", doc_type="judicial_record", title="PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1",
        owner_id=owner, owner_kind="person" if owner else None,
        owner_name="Nguyễn Văn An" if owner else None,
        fields={"full_name": "Nguyễn Văn An", "id_number": owner or proposed,
                "date_of_birth": "2003-02-01", "sex": "Nam", "issue_date": "2024-03-05",
                "document_number": f"{seed}/2024/LLTP"},
        field_flags=(), text="PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1\nHọ và tên: NGUYỄN VĂN AN",
        pages=(page,), confidence=0.9, needs_review=bool(why), review_reasons=why,
        pdf_sha256=sha256_hex(pdf), pdf_size=len(pdf),
        signature=SignatureSummary("B-B", "THỬ NGHIỆM", datetime(2024, 3, 5, tzinfo=UTC)),
        issue_date=date(2024, 3, 5), retention="years:10",
        ingested_at=datetime(2024, 3, 5, tzinfo=UTC), proposed_owner_id=proposed)
    doc_id, created = archive.store_document(rec, pdf, [image])
    assert created
    return doc_id


def _stored_events(archive: Archive) -> list[dict[str, object]]:
    with archive.transaction(write=False) as conn:
        rows = conn.execute(select(SyncEvent.body).where(SyncEvent.ordering_key == DOSSIER)
                            .order_by(SyncEvent.sequence)).scalars().all()
    for body in rows:
        validate_event(body)  # the contract every target already takes
    return [json.loads(b)["data"] for b in rows if json.loads(b)["event_type"]
            == "document.stored"]


def test_a_proposed_owner_waits_for_the_review_and_the_decision_is_announced(
        tmp_path: Path, db_url: str, receiver: ReceiverProcess) -> None:
    settings = load_settings(home=tmp_path / "home", environ={"SOHOA_DB": db_url})
    with open_archive(settings) as archive:
        held = _store(archive, "held", owner=None, proposed=PROPOSED)
        moved = _store(archive, "moved", owner=None, proposed=PROPOSED)
        sure = _store(archive, "sure", owner=PROPOSED, proposed=None)
        doc = archive.get_document(held)
        assert (doc["owner_id"], doc["proposed_owner_id"], doc["owner"]) == (None, PROPOSED,
                                                                              None)
        with archive.transaction(write=False) as conn:
            assert conn.execute(select(Document.owner_id).where(Document.id == held)
                                ).scalar_one() is None
        # No listing presents the proposal as the owner; nothing announces it.
        assert [r["document_id"] for r in archive.reuse(PROPOSED, valid_on=date(2024, 6, 1))
                ] == [sure]
        assert [e["document_id"] for e in _stored_events(archive)] == [sure]
        # …and the dossier is not counted synchronized while its papers are held (the KPI).
        with archive.transaction(write=False) as conn:
            state = deliveries.reconcile(conn, deliveries.TargetTypes("kho"), [DOSSIER])
        assert state[DOSSIER]["held"] == 2 and state[DOSSIER]["events"] == 3
    waiting = {w["document_id"]: w for w in review.pending(settings)}
    assert (waiting[held]["owner_id"], waiting[held]["proposed_owner_id"]) == (None, PROPOSED)

    # Accepting confirms the proposal the desk showed; the paper is announced with its owner.
    review.decide(settings, "Trần Thị Bình", "accept", held)
    # A reviewer reading another number files the paper under that one.
    moved_to = review.decide(settings, "Trần Thị Bình", "set", moved, "owner_id", OTHER)
    assert (moved_to["old"], moved_to["owner_id"], moved_to["proposed_owner_id"]) == (
        PROPOSED, OTHER, None)
    # An announced paper corrected by the review is stated again; a confirmation is no change.
    review.decide(settings, "Trần Thị Bình", "set", sure, "document_number", "13/2024/LLTP")
    review.decide(settings, "Lê Văn Cường", "set", sure, "document_number", "13/2024/LLTP")
    with open_archive(settings) as archive:
        announced = [(e["document_id"], e["MaDinhDanh"], e["SoKyHieu"])
                     for e in _stored_events(archive)]
        assert announced == [(sure, PROPOSED, "sure/2024/LLTP"),
                             (held, PROPOSED, "held/2024/LLTP"),
                             (moved, OTHER, "moved/2024/LLTP"),
                             (sure, PROPOSED, "13/2024/LLTP")]
        assert archive.get_document(moved)["proposed_owner_id"] is None
        assert [r["document_id"] for r in archive.reuse(OTHER, valid_on=date(2024, 6, 1))
                ] == [moved]
        runner = SyncRunner(archive, [SyncTarget(name="kho", url=receiver.url, secret=SECRET,
                                                 timeout_s=0.5, events=("document.stored",))],
                            FAST)
        try:
            end = time.monotonic() + 30
            while deliveries.pending_total(archive) and time.monotonic() < end:
                runner.drain()
        finally:
            runner.close()
        assert_exactly_once(archive, receiver)
        with archive.transaction(write=False) as conn:
            state = deliveries.reconcile(conn, deliveries.TargetTypes("kho"), [DOSSIER])
        assert state[DOSSIER]["held"] == 0
        assert state[DOSSIER]["delivered"] == state[DOSSIER]["events"] == 4
    assert [a["event_type"] for a in receiver.snapshot()["applied"]] == ["document.stored"] * 4
