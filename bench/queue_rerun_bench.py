"""What the same ingest costs again, in-process vs on the work queue (issue: queue leftovers,
item 1): every file known, every dossier stored.

    scripts/services/redis.sh start
    .venv/bin/python bench/queue_rerun_bench.py --broker redis://127.0.0.1:56379/14

One synthetic batch (``sohoa.synth.write_batch``) is ingested into a fresh home by the
in-process runner and, into another, through ``sohoa worker`` (one process); then the same
command again in each home, which finds every file known by its SHA-256 and every dossier
stored. The second run's wall and CPU time are what a re-run costs: the worker is a thread of
this process (``run_worker`` with a stop callback, started before the first run), so the CPU of
this process (``getrusage``: producer, worker, and the in-process runner's recognition
children) holds all of it and no worker start-up. Run with ``PYTHONPATH`` at an older checkout
to measure that code. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import redis
from queue_bench import cpu_seconds, settings_for

import sohoa
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.queue.workers import run_worker
from sohoa.synth import write_batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", default="redis://127.0.0.1:56379/14")
    parser.add_argument("--dossiers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sohoa-rerun-bench-"))
    print(f"sohoa from {Path(sohoa.__file__).parent}; load average {os.getloadavg()[0]:.2f}",
          flush=True)
    try:
        batch = work / "batch"
        truth = write_batch(batch, args.seed, dossiers=args.dossiers, fmt="pdf",
                            severity="light", docs_per_dossier=(2, 3))
        print(f"batch: {args.dossiers} dossiers, {len(truth['pages'])} pages", flush=True)
        for label, broker in (("in-process", ""), ("sohoa worker, 1 process", args.broker)):
            home = work / ("q" if broker else "e")
            settings = settings_for(home, broker)
            halt = threading.Event()
            worker = None
            if broker:
                redis.Redis.from_url(broker).flushdb()
                worker = threading.Thread(target=run_worker, args=(settings,),
                                          kwargs={"stop": halt.is_set}, daemon=True)
                worker.start()
            try:
                for phase in ("first", "again"):
                    cpu0, t0 = cpu_seconds(), time.monotonic()
                    summary = run_ingest([batch], settings)
                    wall, cpu = time.monotonic() - t0, cpu_seconds() - cpu0
                    print(f"  {label:<24} {phase:<5} {summary.pages} pages, "
                          f"{summary.known_files} known file(s), {summary.stored} stored, "
                          f"{summary.duplicates} already stored: {wall:6.2f} s wall, "
                          f"{cpu:6.2f} s CPU", flush=True)
            finally:
                halt.set()
                if worker is not None:
                    worker.join(60)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
