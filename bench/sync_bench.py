"""The exchange with the one-stop system / portal: events per second delivered to a receiver on
loopback, and what sync adds to every stored document, in one run.

    scripts/services/postgres.sh start      # for the PostgreSQL rows (skipped without it)
    .venv/bin/python bench/sync_bench.py [--docs 300] [--events 2000] [--dossiers 100]

1. Extra cost per stored document. ``store_document`` of the same kind of documents (a 1-page
   PDF, one page image, the catalog transaction) timed with the outbox event and with it taken
   out (``outbox.record`` replaced by a no-op for the control run), CPU of this process; then
   the sender's CPU per event (spreading, claiming, posting, recording the outcome) while it
   drains those documents' events to the receiver. Their sum is what sync costs a document,
   set against a page's CPU in the ingest (1.11 s, bench/RESULTS.md "Work queue").
2. Events/s: ``--events`` events over ``--dossiers`` dossiers (so each dossier's events go one
   after the other, as the per-dossier order requires) drained by one sender, on SQLite and on
   PostgreSQL; wall time, and the sender's CPU per event.

The receiver is tests/sync/receiver.py (checks each signature, validates each body against the
contract, applies each Idempotency-Key once) in its own process, so its CPU is not counted; it
records deliveries without fsync (``--no-fsync``) so that its disk does not set the pace.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "sync"), str(ROOT / "tests"), str(ROOT / "tests" / "contract")]
os.environ.setdefault("SOHOA_TEST_PG_URL", "postgresql+psycopg://sohoa@127.0.0.1:55432/sohoa_test")

from sync_helpers import SECRET, ReceiverProcess, make_record  # noqa: E402

from sohoa.archive import Archive, deliveries, outbox  # noqa: E402
from sohoa.pipeline.sync import SyncRunner  # noqa: E402
from sohoa.pipeline.synctargets import SyncOptions, SyncTarget  # noqa: E402

PAGE_CPU_S = 1.11  # bench/RESULTS.md, embedded ingest, 1 recognition process, run B
OPTIONS = SyncOptions(backoff_s=0.05, max_backoff_s=0.5, lease_s=30.0, batch=50, poll_s=0.05)


def _open(root: Path, db: str | None = None) -> Archive:
    return Archive.open(db or f"sqlite:///{root}/catalog.db", f"file://{root}/blobs",
                        f"tantivy://{root}/index")


def store_cost(root: Path, docs: int, *, with_event: bool) -> tuple[float, float]:
    """CPU and wall seconds per stored document."""
    records = [make_record(f"b{with_event}-{i}", f"H19.22-261206-{i % 50:04d}")
               for i in range(docs)]
    real = outbox.record
    if not with_event:
        outbox.record = lambda *a, **k: 0  # type: ignore[assignment]
    try:
        with _open(root) as archive:
            cpu, wall = time.process_time(), time.perf_counter()
            for rec, pdf, images in records:
                archive.store_document(rec, pdf, images)
            return ((time.process_time() - cpu) / docs, (time.perf_counter() - wall) / docs)
    finally:
        outbox.record = real  # type: ignore[assignment]


def drain(archive: Archive, receiver: ReceiverProcess) -> tuple[int, float, float]:
    """(events delivered, wall s, sender CPU s) for one sender draining everything."""
    runner = SyncRunner(archive, [SyncTarget(name="bench", url=receiver.url, secret=SECRET,
                                             timeout_s=10.0)], OPTIONS)
    cpu, wall = time.process_time(), time.perf_counter()
    delivered = 0
    try:
        while deliveries.pending_total(archive):
            delivered += runner.drain().delivered
    finally:
        runner.close()
    return delivered, time.perf_counter() - wall, time.process_time() - cpu


def record_events(archive: Archive, events: int, dossiers: int) -> None:
    data = outbox.document_disposed(document_id="0" * 16, dossier_code="", owner_id=None,
                                    doc_type="birth_certificate", list_id=1,
                                    decision="Quyết định số 1/QĐ-UBND")
    with archive.transaction(write=True) as conn:
        for i in range(events):
            code = f"H19.22-261206-{i % dossiers:04d}"
            outbox.record(conn, outbox.DOCUMENT_DISPOSED, {**data, "MaHoSo": code},
                          dossier_code=code)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--dossiers", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print("command: .venv/bin/python bench/sync_bench.py "
          f"--docs {args.docs} --events {args.events} --dossiers {args.dossiers} "
          f"--rounds {args.rounds}")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        receiver = ReceiverProcess(base / "receiver", durable=False)
        receiver.start()
        try:
            # 1. per stored document
            # Alternating rounds, the least of each kept: the machine is shared, and the
            # difference sought is a few percent of a store.
            offs, ons = [], []
            for r in range(args.rounds):
                for label, runs in (("off", offs), ("on", ons)):
                    root = base / f"{label}{r}"
                    root.mkdir()
                    runs.append(store_cost(root, args.docs, with_event=label == "on"))
            off_cpu, off_wall = min(c for c, _ in offs), min(w for _, w in offs)
            on_cpu, on_wall = min(c for c, _ in ons), min(w for _, w in ons)
            with _open(base / "on0") as archive:
                n, wall, cpu = drain(archive, receiver)
            record_ms = (on_cpu - off_cpu) * 1000
            send_ms = cpu / max(n, 1) * 1000
            total = record_ms + send_ms
            print(f"\nstore_document, {args.docs} documents (SQLite + files), least of "
                  f"{args.rounds} alternating rounds:")
            print(f"  without the event: {off_cpu * 1000:.2f} ms CPU, {off_wall * 1000:.2f} ms "
                  "wall per document")
            print(f"  with the event:    {on_cpu * 1000:.2f} ms CPU, {on_wall * 1000:.2f} ms "
                  "wall per document")
            print(f"  recording the event: {record_ms:+.2f} ms CPU per document")
            print(f"  sending it ({n} events): {send_ms:.2f} ms CPU per event, "
                  f"{n / wall:.0f} events/s")
            print(f"  sync per stored document: {total:.2f} ms CPU = "
                  f"{total / (PAGE_CPU_S * 1000):.2%} of a page's CPU ({PAGE_CPU_S} s)")

            # 2. events/s
            rows = []
            catalogs: list[tuple[str, str | None]] = [("SQLite", None)]
            pg = None
            try:
                from backends import PgDatabases

                pg = PgDatabases()
                catalogs.append(("PostgreSQL", pg.create()))
            except Exception as exc:  # no server: the SQLite rows still count
                print(f"(PostgreSQL skipped: {exc})")
            for name, db in catalogs:
                root = base / f"ev-{name}"
                root.mkdir()
                receiver.plan([])
                with _open(root, db) as archive:
                    record_events(archive, args.events, args.dossiers)
                    n, wall, cpu = drain(archive, receiver)
                rows.append((name, n, wall, cpu))
            if pg is not None:
                pg.drop_all()
            print(f"\n{args.events} events over {args.dossiers} dossiers, one sender:")
            print("| catalog | events | wall s | events/s | sender CPU ms per event |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for name, n, wall, cpu in rows:
                print(f"| {name} | {n} | {wall:.2f} | {n / wall:.0f} | {cpu / n * 1000:.2f} |")
        finally:
            receiver.stop()


if __name__ == "__main__":
    main()
