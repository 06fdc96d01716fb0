"""The reuse loop's changes leave through the outbox too: a dossier opened by the one-stop
system, its scanned papers, a paper reused from another dossier, its status moves and its
result — every event in the transaction of its change, valid against the contract, delivered
in the order it happened, and the reconcile ratio follows."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sync_helpers import (
    SECRET,
    ReceiverProcess,
    assert_exactly_once,
    make_record,
    run_sohoa,
    write_config,
)

from sohoa.api.sync_contract import validate_event
from sohoa.archive import Archive, deliveries
from sohoa.archive import dossiers as dz
from sohoa.archive.sync_models import SyncDelivery, SyncEvent
from sohoa.clock import vietnam_today
from sohoa.pipeline.sync import SyncRunner
from sohoa.pipeline.synctargets import SyncOptions, SyncTarget
from sohoa.records import DossierOpening

VN = timezone(timedelta(hours=7))
OWNER = "075203001234"
FAST = SyncOptions(backoff_s=0.05, max_backoff_s=0.3, lease_s=5.0, batch=20, poll_s=0.05)
RECEIVED = datetime.now(VN).replace(microsecond=0) - timedelta(hours=1)
COMPONENTS = (("TP1", "Giấy khai sinh", "birth_certificate", True),
              ("TP2", "Căn cước của người đi đăng ký", "citizen_id_card", True))


def opening(code: str) -> DossierOpening:
    return DossierOpening(code=code, procedure_code="1.001193.000.00.00.H19",
                          procedure_name="Đăng ký khai sinh", unit="H19.22.31", unit_level="xa",
                          channel="counter", owner_id=OWNER,
                          received_at=RECEIVED,
                          appointment_date=vietnam_today() + timedelta(days=1),
                          components=COMPONENTS)


def bodies(archive: Archive, code: str) -> list[dict[str, object]]:
    with archive.transaction(write=False) as conn:
        rows = conn.execute(select(SyncEvent.body).where(SyncEvent.ordering_key == code)
                            .order_by(SyncEvent.sequence)).scalars().all()
    for body in rows:
        validate_event(body)  # every event keeps the contract
    return [json.loads(b) for b in rows]


def test_the_reuse_loop_is_reported_in_order(archive: Archive,
                                             receiver: ReceiverProcess) -> None:
    first, second = "H19.22.31-261206-0001", "H19.22.31-261206-0002"
    dz.open_dossier(archive, opening(first), by="Trần Thị Bình")
    rec, pdf, images = make_record("ks", first)
    doc_id, _ = archive.store_document(rec, pdf, images)
    dz.set_status(archive, first, "processing", at=None, by="Trần Thị Bình")
    # Opening the same dossier again, or the same status twice, is no change: no event.
    dz.open_dossier(archive, opening(first), by="Trần Thị Bình")
    dz.set_status(archive, first, "processing", at=None, by="Trần Thị Bình")
    result_rec, result_pdf, result_images = make_record("kq", first)
    result_id, _ = archive.store_document(result_rec, result_pdf, result_images)
    dz.add_result(archive, first, result_id, result_code="KQ001193", born_digital=False,
                  valid_until=None, by="Trần Thị Bình",
                  code_format=archive.digitization_format)
    dz.set_status(archive, first, "resolved", at=None, by="Trần Thị Bình")

    dz.open_dossier(archive, opening(second), by="Trần Thị Bình")
    dz.reuse(archive, second, doc_id, component="TP1", by="Trần Thị Bình",
             purpose=second)
    # The same reuse again is no change (the one-stop system repeating itself): no event.
    dz.reuse(archive, second, doc_id, component="TP1", by="Trần Thị Bình", purpose=second)

    one = bodies(archive, first)
    assert [(e["event_type"], e["sequence"]) for e in one] == [
        ("dossier.status_changed", 1), ("document.stored", 2), ("dossier.status_changed", 3),
        ("document.stored", 4), ("result.issued", 5), ("dossier.status_changed", 6)]
    assert one[0]["data"]["TrangThaiHoSo"] == "received"
    assert one[2]["data"]["TrangThaiTruoc"] == "received"
    assert one[1]["data"]["MaTTHC"] == "1.001193.000.00.00.H19"
    assert one[1]["data"]["Ma"] and one[1]["data"]["Ma"].startswith(OWNER)  # TT 01/2023 code
    assert one[4]["data"]["MaGiayToKetQua"] == "KQ001193" and one[4]["data"]["Ma"]
    two = bodies(archive, second)
    assert [e["event_type"] for e in two] == ["dossier.status_changed", "document.reused"]
    reused = two[1]["data"]
    assert (reused["MaThanhPhanHoSo"], reused["document_id"], reused["DuocTaiSuDung"]) == (
        "TP1", doc_id, 1)

    runner = SyncRunner(archive, [SyncTarget(name="mot-cua", url=receiver.url, secret=SECRET,
                                             timeout_s=0.5)], FAST)
    try:
        end = time.monotonic() + 60
        while deliveries.pending_total(archive) and time.monotonic() < end:
            runner.drain()
    finally:
        runner.close()
    assert_exactly_once(archive, receiver)
    today = datetime.now(UTC).astimezone(VN).date()
    codes, per_target = deliveries.reconcile_period(
        archive, [deliveries.TargetTypes("mot-cua")], today - timedelta(days=1),
        today + timedelta(days=1))
    assert set(codes) >= {first, second}
    assert all(per_target["mot-cua"][c]["delivered"] == per_target["mot-cua"][c]["events"]
               for c in (first, second))


def test_the_kpi_report_counts_dossiers_delivered_to_the_portal(
        tmp_path: Path, receiver: ReceiverProcess) -> None:
    """`sohoa report kpi` shows "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG" from the portal target's
    deliveries, and a result delivered to the citizen-store target counts as pushed there."""
    home = tmp_path / "home"
    store = ReceiverProcess(tmp_path / "store")
    store.start()
    try:
        write_config(home, f"sqlite:///{home}/catalog.db", [
            {"name": "cong-dvc", "url": receiver.url, "secret": SECRET, "portal": True},
            {"name": "kho-cong-dan", "url": store.url, "secret": SECRET,
             "citizen_store": True, "events": ["result.issued"]}])
        first, second = "H19.22.31-261206-0101", "H19.22.31-261206-0102"
        with Archive.open(f"sqlite:///{home}/catalog.db", f"file://{home}/blobs",
                          f"tantivy://{home}/index") as archive:
            dz.open_dossier(archive, opening(first), by="Trần Thị Bình")
            rec, pdf, images = make_record("kpi-kq", first)
            result_id, _ = archive.store_document(rec, pdf, images)
            dz.add_result(archive, first, result_id, result_code="KQ001193",
                          born_digital=False, valid_until=None, by="Trần Thị Bình",
                          code_format=archive.digitization_format)
        receiver.plan(["ok"] * 3 + ["422"])  # the second dossier's opening is refused
        with Archive.open(f"sqlite:///{home}/catalog.db", f"file://{home}/blobs",
                          f"tantivy://{home}/index") as archive:
            dz.open_dossier(archive, opening(second), by="Trần Thị Bình")
        sent = run_sohoa(home, "sync", "run", "--once")
        assert sent.returncode == 0, sent.stderr
        day = RECEIVED.date().isoformat()
        report = run_sohoa(home, "report", "kpi", "--from", day, "--to", day, "--json")
        assert report.returncode == 0, report.stderr
        data = json.loads(report.stdout)
        synced = next(i for i in data["indicators"] if i["code"] == "DOSSIER_SYNCED")
        assert (synced["numerator"], synced["denominator"]) == (1, 2)
        stored = next(i for i in data["indicators"]
                      if i["code"] == "SYNCED_WITH_DVCQG_PERSONAL_STORAGE")
        assert stored["numerator"] == 1  # the result reached the owner's store
        assert [a["event_type"] for a in store.snapshot()["applied"]] == ["result.issued"]
    finally:
        store.stop()


def test_a_target_taking_status_moves_takes_their_corrections(tmp_path: Path,
                                                              archive: Archive) -> None:
    """review11b S3: a target listing its event types with dossier.status_changed receives the
    dossier.status_corrected that puts one of those moves right; one without it does not."""
    from sohoa.pipeline.settings import load_settings
    from sohoa.pipeline.synctargets import sync_config

    home = tmp_path / "cfg"
    write_config(home, f"sqlite:///{home}/catalog.db", [
        {"name": "mot-cua", "url": "http://127.0.0.1:9/x", "secret": SECRET,
         "events": ["dossier.status_changed"]},
        {"name": "kho", "url": "http://127.0.0.1:9/y", "secret": SECRET,
         "events": ["result.issued"]}])
    targets, _ = sync_config(load_settings(home=home, environ={}))
    code = "H19.22.31-261206-0201"
    dz.open_dossier(archive, opening(code), by="Trần Thị Bình")
    for minutes, status in ((10, "processing"), (20, "resolved"), (30, "returned")):
        dz.set_status(archive, code, status, at=RECEIVED + timedelta(minutes=minutes),
                      by="Trần Thị Bình")
    dz.correct_moment(archive, code, "returned", at=RECEIVED + timedelta(minutes=40),
                      by="Trần Thị Bình", reason="nhập nhầm giờ", names={})
    deliveries.spread(archive, [deliveries.TargetTypes(t.name, t.events) for t in targets])
    with archive.transaction(write=False) as conn:
        taken = {t.name: list(conn.execute(
            select(SyncDelivery.event_type).where(SyncDelivery.target == t.name)
            .order_by(SyncDelivery.event_id)).scalars()) for t in targets}
    assert taken["mot-cua"][-1] == "dossier.status_corrected"
    assert taken["mot-cua"].count("dossier.status_changed") == 4
    assert taken["kho"] == []
