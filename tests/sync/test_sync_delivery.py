"""The outbox delivered to a real receiver on loopback, with real faults: 500s, 503 and 429
with Retry-After, timeouts, connection resets, a receiver that applies and then does not
answer, a receiver down for a while, a refused event. After each: every event applied once,
in order per dossier, none lost."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sync_helpers import (
    SECRET,
    ReceiverProcess,
    assert_exactly_once,
    event_ids,
    make_pki,
    make_record,
    store_many,
)

from sohoa.api.sync_contract import validate_event
from sohoa.archive import Archive, deliveries, disposal, faults
from sohoa.archive.sync_models import SyncEvent
from sohoa.clock import vietnam_today
from sohoa.doctypes import load_registry
from sohoa.pipeline.sync import SyncRunner, parse_retry_after, signature
from sohoa.pipeline.synctargets import SyncOptions, SyncTarget

FAST = SyncOptions(backoff_s=0.05, max_backoff_s=0.3, lease_s=5.0, batch=20, poll_s=0.05)


def target(receiver: ReceiverProcess, **kw: object) -> SyncTarget:
    return SyncTarget(name="mot-cua", url=receiver.url, secret=SECRET,
                      timeout_s=float(kw.pop("timeout_s", 0.5)), **kw)  # type: ignore[arg-type]


def drain_until_done(runner: SyncRunner, archive: Archive, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        runner.drain()
        if deliveries.pending_total(archive) == 0:
            return
        time.sleep(0.05)
    raise AssertionError(f"still owed after {timeout} s: {deliveries.status(archive)}")


def test_a_stored_document_records_its_event_in_the_same_transaction(archive: Archive) -> None:
    rec, pdf, images = make_record("one", "H19.22-261206-0001")
    doc_id, _ = archive.store_document(rec, pdf, images)
    with archive.transaction(write=False) as conn:
        rows = conn.execute(select(SyncEvent)).all()
    assert len(rows) == 1
    event = validate_event(rows[0].body)
    assert event.event_type == "document.stored" and event.sequence == 1
    assert event.MaHoSo == "H19.22-261206-0001" and rows[0].document_id == doc_id
    data = json.loads(rows[0].body)["data"]
    assert data["MaDinhDanh"] == "075203001234" and data["ChuGiayTo"] == "Nguyễn Văn An"
    assert data["SoKyHieu"] == "one/2024" and data["NgayBanHanh"] == "2024-03-01"
    # Storing the same document again is no change, so no second event.
    archive.store_document(rec, pdf, images)
    assert len(event_ids(archive)) == 1


def test_a_store_killed_before_its_commit_leaves_no_event(tmp_path: Path) -> None:
    """kill -9 inside the store's transaction: neither the document nor its event exists."""
    root = tmp_path / "killed"
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from sync_helpers import make_record\n"
        "from sohoa.archive import Archive\n"
        "root = sys.argv[3]\n"
        "a = Archive.open(f'sqlite:///{root}/catalog.db', f'file://{root}/blobs',"
        " f'tantivy://{root}/index')\n"
        "rec, pdf, images = make_record('crash', 'H19.22-261206-0002')\n"
        "a.store_document(rec, pdf, images)\n")
    done = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), str(Path(__file__).parents[1]),
         str(root)], env={**os.environ, faults.ENV: "before_commit"}, check=False)
    assert done.returncode == -signal.SIGKILL
    with Archive.open(f"sqlite:///{root}/catalog.db", f"file://{root}/blobs",
                      f"tantivy://{root}/index") as arc:
        assert arc.stats()["documents"] == 0
        assert event_ids(arc) == {}


def test_every_fault_the_receiver_can_throw_ends_with_each_event_applied_once(
        archive: Archive, receiver: ReceiverProcess) -> None:
    store_many(archive, dossiers=6, per_dossier=5)
    receiver.plan(["ok", "500", "ok", "503", "ok", "timeout", "reset", "ok",
                   "commit-noanswer", "429", "ok", "ok"], cycle=True, retry_after=0.2,
                  slow_s=0.8)
    runner = SyncRunner(archive, [target(receiver)], FAST)
    try:
        drain_until_done(runner, archive)
    finally:
        runner.close()
    snap = assert_exactly_once(archive, receiver)
    for action in ("500", "503", "429", "timeout", "reset", "commit-noanswer"):
        assert snap["arrivals"].get(action, 0) >= 1, (action, snap["arrivals"])
    status = deliveries.status(archive)
    assert {c["status"] for c in status["counts"]} == {"delivered"}


def test_a_receiver_down_for_a_while_gets_everything_once_it_is_back(
        archive: Archive, receiver: ReceiverProcess) -> None:
    store_many(archive, dossiers=3, per_dossier=3)
    receiver.stop()
    runner = SyncRunner(archive, [target(receiver)], FAST)
    try:
        runner.drain()
        owed = deliveries.status(archive)["counts"]
        assert sum(c["count"] for c in owed if c["status"] == "retrying") >= 1
        time.sleep(0.5)
        runner.drain()  # still down: nothing lost, nothing marked dead
        assert not any(c["status"] in ("dead", "delivered") for c in
                       deliveries.status(archive)["counts"])
        receiver.start()
        drain_until_done(runner, archive)
    finally:
        runner.close()
    assert_exactly_once(archive, receiver)


def test_a_refused_event_is_kept_with_the_answer_and_holds_back_its_dossier(
        archive: Archive, receiver: ReceiverProcess) -> None:
    store_many(archive, dossiers=2, per_dossier=2)
    receiver.plan(["422"])  # the very first event is refused
    runner = SyncRunner(archive, [target(receiver)], FAST)
    try:
        runner.drain()
        status = deliveries.status(archive)
        dead = status["dead"]
        assert len(dead) == 1 and dead[0]["http_status"] == 422
        assert "giả lập" in dead[0]["response"]  # the receiver's own words are kept
        held = dead[0]["dossier"]
        # The refused dossier's later event waits behind it; the other dossier went through.
        applied = receiver.snapshot()["applied"]
        assert {a["dossier"] for a in applied} == {"H19.22-261206-0000",
                                                    "H19.22-261206-0001"} - {held}
        assert deliveries.retry_dead(archive, all_dead=True) == 1
        drain_until_done(runner, archive)
    finally:
        runner.close()
    assert_exactly_once(archive, receiver)


def test_disposal_sends_a_delete_after_the_stored_event(
        archive: Archive, receiver: ReceiverProcess) -> None:
    rec, pdf, images = make_record("gone", "H19.22-261206-0009", retention="years:10",
                                   issue_date=date(2012, 3, 1), doc_type="citizen_id_card")
    # archived in 2012: a period never starts before the paper entered the archive (tester13 F11)
    rec = dataclasses.replace(rec, ingested_at=datetime(2012, 3, 1, 8, 0, tzinfo=UTC))
    doc_id, _ = archive.store_document(rec, pdf, images)
    lst = disposal.propose(archive, registry=load_registry(), as_of=vietnam_today(),
                           note="thuyết minh", by="Lê Thu Hà")
    assert lst is not None
    list_id = lst["list"]
    disposal.approve(archive, list_id, decision="Quyết định số 12/QĐ-UBND", by="Trần Văn Bình")
    disposal.start(archive, list_id, by="Lê Thu Hà")
    disposal.dispose(archive, list_id, [doc_id], by="Lê Thu Hà",
                     decision="Quyết định số 12/QĐ-UBND", registry=load_registry())
    runner = SyncRunner(archive, [target(receiver)], FAST)
    try:
        drain_until_done(runner, archive)
    finally:
        runner.close()
    snap = assert_exactly_once(archive, receiver)
    assert [a["event_type"] for a in snap["applied"]] == ["document.stored", "document.disposed"]


def test_a_target_added_later_receives_what_was_recorded_before_it(
        archive: Archive, receiver: ReceiverProcess, tmp_path: object) -> None:
    store_many(archive, dossiers=2, per_dossier=1)
    first = SyncRunner(archive, [target(receiver)], FAST)
    drain_until_done(first, archive)
    first.close()
    other = ReceiverProcess(receiver.state.parent / "second")
    other.start()
    try:
        store_many(archive, dossiers=2, per_dossier=1, tag="late")
        both = SyncRunner(archive, [target(receiver),
                                    SyncTarget(name="lgsp", url=other.url, secret=SECRET,
                                               timeout_s=0.5)], FAST)
        drain_until_done(both, archive)
        both.close()
        assert_exactly_once(archive, receiver)
        assert_exactly_once(archive, other)
    finally:
        other.stop()


def test_signature_and_retry_after() -> None:
    body = b'{"a":1}'
    assert signature("k", body) == ("sha256=" + __import__("hmac").new(
        b"k", body, "sha256").hexdigest())
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None


def test_mutual_tls_with_a_client_certificate(archive: Archive, tmp_path: Path) -> None:
    """A receiver that demands a client certificate gets the events from a target configured
    with one (and the CA it trusts); without the certificate nothing is delivered, and the
    reason says TLS."""
    pki = make_pki(tmp_path / "pki")
    receiver = ReceiverProcess(tmp_path / "tls-receiver",
                               tls=(pki["server.pem"], pki["server.key"], pki["ca.pem"]))
    receiver.start()
    try:
        store_many(archive, dossiers=2, per_dossier=2)
        bare = SyncRunner(archive, [SyncTarget(name="mot-cua", url=receiver.url, secret=SECRET,
                                               ca_file=str(pki["ca.pem"]), timeout_s=2.0)],
                          FAST)
        try:
            bare.drain()
        finally:
            bare.close()
        status = deliveries.status(archive)
        assert not any(c["status"] == "delivered" for c in status["counts"])
        with archive.transaction(write=False) as conn:
            from sohoa.archive.sync_models import SyncDelivery

            errors = set(conn.execute(select(SyncDelivery.last_error)
                                      .where(SyncDelivery.last_error.is_not(None))).scalars())
        assert errors and all("TLS" in e or "kết nối" in e for e in errors), errors
        deliveries.retry_dead(archive)  # due now, not after the backoff
        runner = SyncRunner(archive, [SyncTarget(
            name="mot-cua", url=receiver.url, secret=SECRET, client_cert=str(pki["client.pem"]),
            client_key=str(pki["client.key"]), ca_file=str(pki["ca.pem"]), timeout_s=2.0)],
            FAST)
        try:
            drain_until_done(runner, archive)
        finally:
            runner.close()
        assert_exactly_once(archive, receiver)
    finally:
        receiver.stop()
