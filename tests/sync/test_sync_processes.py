"""`sohoa sync run` as real processes against one catalog, on SQLite and on PostgreSQL: a
sender killed with SIGKILL mid-batch, and two senders racing. After each: every event applied
by the receiver once, in order per dossier, none lost, and no event ever sent by two senders
at the same time."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from sync_helpers import (
    SECRET,
    ReceiverProcess,
    assert_exactly_once,
    event_ids,
    run_sohoa,
    sohoa_process,
    store_many,
    wait_for,
    write_config,
)

from sohoa.archive import Archive, deliveries


def _home(tmp_path: Path, db_url: str, receiver: ReceiverProcess, **sync: object) -> Path:
    home = tmp_path / "home"
    write_config(home, db_url, [{"name": "mot-cua", "url": receiver.url, "secret": SECRET,
                                 "timeout_s": 1.0}], **sync)
    with Archive.open(db_url, f"file://{home}/blobs", f"tantivy://{home}/index") as archive:
        store_many(archive, dossiers=8, per_dossier=5)
    return home


def _finish(home: Path, db_url: str, receiver: ReceiverProcess,
            procs: list[object]) -> dict[str, object]:
    with Archive.open(db_url, f"file://{home}/blobs", f"tantivy://{home}/index") as archive:
        total = len(event_ids(archive))
        wait_for(lambda: len(receiver.snapshot()["applied"]) >= total, 90,
                 "every event at the receiver")
        # … and every delivery settled: an event applied by the receiver whose answer was lost
        # is still owed a retry (answered as a repeat) before it counts as delivered.
        wait_for(lambda: deliveries.pending_total(archive) == 0, 60, "every delivery settled")
        for p in procs:
            p.send_signal(signal.SIGTERM)  # type: ignore[attr-defined]
        for p in procs:
            _out, err = p.communicate(timeout=30)  # type: ignore[attr-defined]
            assert p.returncode == 0, err  # type: ignore[attr-defined]
        snap = assert_exactly_once(archive, receiver)
    status = run_sohoa(home, "sync", "status", "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert (report["pending"], report["retrying"], report["dead"]) == (0, 0, 0)
    assert report["delivered"] == total and report["targets"][0]["delivered"] == total
    return snap


def test_a_sender_killed_mid_batch_loses_and_doubles_nothing(
        tmp_path: Path, db_url: str, receiver: ReceiverProcess) -> None:
    home = _home(tmp_path, db_url, receiver, lease_s=3.0)
    receiver.plan([], delay_s=0.05)  # slow enough to be killed in the middle of a batch
    first = sohoa_process(home, "sync", "run")
    wait_for(lambda: len(receiver.snapshot()["applied"]) >= 6, 60, "the first deliveries")
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=10)
    done_before = len(receiver.snapshot()["applied"])
    assert done_before < 40  # killed mid-way, not after the end
    second = sohoa_process(home, "sync", "run")
    _finish(home, db_url, receiver, [second])


def test_two_senders_racing_never_send_one_event_twice(
        tmp_path: Path, db_url: str, receiver: ReceiverProcess) -> None:
    home = _home(tmp_path, db_url, receiver, batch=5)
    receiver.plan([], delay_s=0.02)
    senders = [sohoa_process(home, "sync", "run") for _ in range(2)]
    snap = _finish(home, db_url, receiver, senders)
    # Without faults and with live leases, each event was posted exactly once in all.
    per_key = snap["arrivals_per_key"]
    assert max(per_key.values()) == 1, [k for k, n in per_key.items() if n > 1][:5]


def test_two_senders_through_every_fault(
        tmp_path: Path, db_url: str, receiver: ReceiverProcess) -> None:
    """500, 503 and 429 with Retry-After, timeouts, resets and answers lost after the commit,
    while two sender processes race: still each event applied once, in order, none lost, and
    no key handled by two requests at once."""
    home = _home(tmp_path, db_url, receiver, batch=5)
    receiver.plan(["ok", "500", "ok", "503", "timeout", "ok", "reset", "ok",
                   "commit-noanswer", "429", "ok"], cycle=True, retry_after=0.2, slow_s=1.5)
    senders = [sohoa_process(home, "sync", "run") for _ in range(2)]
    snap = _finish(home, db_url, receiver, senders)
    for action in ("500", "503", "429", "timeout", "reset", "commit-noanswer"):
        assert snap["arrivals"].get(action, 0) >= 1, (action, snap["arrivals"])
