"""Scale-out (issue 8): pages per minute in-process vs dramatiq workers over Redis.

    scripts/services/redis.sh start
    .venv/bin/python bench/queue_bench.py --broker redis://127.0.0.1:56379/1 --dossiers 5

One synthetic batch (``sohoa.synth.write_batch``), ingested from scratch (a fresh archive home:
SQLite catalog, file blobs, tantivy; real Tesseract, PDF/A, signing) by

- the embedded in-process runner with 1 and with 2 recognition processes (``ocr.jobs``);
- ``sohoa worker`` with 1 process, then with 2 processes (``--processes 2``), the producer being
  ``run_ingest`` with ``broker`` set (it enqueues, then waits for the job as ``sohoa ingest``
  does);

then the same batch again in each home, every page now in the stage cache and every document
already stored: what is left is the pipeline's own cost, so the difference between the queued
and the in-process rerun is the broker's overhead per page (messages, board, polling).

Wall time and CPU time (this process + children, ``getrusage``; the workers are children and
are stopped before they are counted) are both reported: on a shared machine the CPU seconds per
page are the steadier figure. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import redis

from sohoa.pipeline.home import init_home
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.outcomes import IngestSummary
from sohoa.pipeline.queue.broker import NAMESPACE
from sohoa.pipeline.settings import Settings, load_settings
from sohoa.synth import write_batch

SCANNERS_PAGES_PER_MIN = 550.0  # 10 ADF scanners at 55 pages/min (the Đồng Nai tender)


def cpu_seconds() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def settings_for(home: Path, broker: str = "", jobs: int = 1) -> Settings:
    init_home(home, unit="H19.22", agency="UBND tỉnh Đồng Nai", dev_key=True)
    env = {"SOHOA_OCR_JOBS": str(jobs), "SOHOA_BROKER": broker}
    return load_settings(home=home, environ=env)


def start_workers(home: Path, broker: str, processes: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_BROKER": broker,
           "OMP_THREAD_LIMIT": "1"}
    log = (home / "logs")
    log.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "sohoa", "worker", "--processes",
                             str(processes)], env=env, stdout=subprocess.DEVNULL,
                            stderr=(log / "worker.log").open("wb"))
    client = redis.Redis.from_url(broker)
    client.flushdb()  # no stale heartbeats: wait for these workers' own
    deadline = time.monotonic() + 120
    while client.zcard(f"{NAMESPACE}:__heartbeats__") < processes:  # each process polls
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit(f"workers did not come up; see {log / 'worker.log'}")
        time.sleep(0.2)
    return proc


def stop_workers(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(120)


def timed(run: Callable[[], IngestSummary]) -> tuple[IngestSummary, float, float]:
    cpu0, t0 = cpu_seconds(), time.monotonic()
    summary = run()
    return summary, time.monotonic() - t0, cpu_seconds() - cpu0


def boot_cpu(home: Path, broker: str, processes: int) -> float:
    """CPU seconds of starting and stopping idle workers (imports, opening the archive): a
    once-per-worker cost, taken out of the per-page figures."""
    settings_for(home, broker)
    cpu0 = cpu_seconds()
    stop_workers(start_workers(home, broker, processes))
    return cpu_seconds() - cpu0


def measure(label: str, home: Path, batch: Path, broker: str, jobs: int,
            processes: int) -> dict[str, Any]:
    settings = settings_for(home, broker, jobs)
    rows: dict[str, Any] = {"label": label}
    boot = boot_cpu(home, broker, processes) if broker else 0.0
    rows["boot_cpu"] = boot
    for phase in ("cold", "cached"):
        workers = None
        if broker:
            workers = start_workers(home, broker, processes)
        cpu0 = cpu_seconds()
        summary, wall, _ = timed(lambda: run_ingest([batch], settings))
        if workers is not None:
            stop_workers(workers)  # its CPU is in RUSAGE_CHILDREN once it has been waited for
        cpu = cpu_seconds() - cpu0 - boot
        ok = summary.quarantined == 0 and (summary.stored if phase == "cold"
                                           else summary.duplicates) > 0
        rows[phase] = {"wall": wall, "cpu": cpu, "pages": summary.pages,
                       "stored": summary.stored, "duplicates": summary.duplicates, "ok": ok}
        print(f"  {label:<34} {phase:<6} {summary.pages} pages, {summary.stored} stored, "
              f"{summary.duplicates} already stored, {summary.quarantined} quarantined: "
              f"{wall:6.1f} s wall, {cpu:6.1f} s CPU, "
              f"{summary.pages / wall * 60:6.1f} pages/min", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", default=os.environ.get("SOHOA_BENCH_BROKER",
                                                           "redis://127.0.0.1:56379/1"))
    parser.add_argument("--dossiers", type=int, default=5)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--keep", action="store_true", help="Keep the work directory.")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sohoa-queue-bench-"))
    load_before = os.getloadavg()
    started = time.monotonic()
    try:
        batch = work / "batch"
        truth = write_batch(batch, args.seed, dossiers=args.dossiers, fmt="pdf",
                            severity="light", docs_per_dossier=(2, 3))
        pages = len(truth["pages"])
        documents = sum(len(d["documents"]) for d in truth["dossiers"])
        print(f"batch: {args.dossiers} dossiers, {pages} pages, {documents} documents; "
              f"{os.cpu_count()} cores; load average {load_before[0]:.2f} (1 min)", flush=True)
        runs = [
            measure("embedded, 1 recognition process", work / "emb1", batch, "", 1, 1),
            measure("embedded, 2 recognition processes", work / "emb2", batch, "", 2, 1),
            measure("sohoa worker, 1 process", work / "w1", batch, args.broker, 1, 1),
            measure("sohoa worker --processes 2", work / "w2", batch, args.broker, 1, 2),
        ]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    print()
    print(f"load average (1 min): {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"{time.monotonic() - started:.0f} s in all")
    print("| runner | pages/min (wall) | CPU s/page | rerun, all cached: ms/page wall, "
          "CPU |")
    print("| --- | ---: | ---: | ---: |")
    for r in runs:
        c, k = r["cold"], r["cached"]
        print(f"| {r['label']} | {c['pages'] / c['wall'] * 60:.1f} | {c['cpu'] / c['pages']:.2f}"
              f" | {k['wall'] / k['pages'] * 1000:.0f}, {k['cpu'] / k['pages'] * 1000:.0f} |")
    print("worker start and stop, CPU s (not in the figures above): "
          + ", ".join(f"{r['label']} {r['boot_cpu']:.1f}" for r in runs if r["boot_cpu"]))
    emb1, _, w1, w2 = runs

    def per_page(r: dict[str, Any], phase: str, what: str) -> float:
        return r[phase][what] / r[phase]["pages"] * 1000

    print("broker overhead per page, 1 worker process minus 1 in-process recognition process: "
          f"cached reruns {per_page(w1, 'cached', 'wall') - per_page(emb1, 'cached', 'wall'):.0f}"
          f" ms wall, {per_page(w1, 'cached', 'cpu') - per_page(emb1, 'cached', 'cpu'):.0f} ms "
          f"CPU; cold runs {per_page(w1, 'cold', 'wall') - per_page(emb1, 'cold', 'wall'):.0f} "
          f"ms wall, {per_page(w1, 'cold', 'cpu') - per_page(emb1, 'cold', 'cpu'):.0f} ms CPU")
    cpu_per_page = w1["cold"]["cpu"] / w1["cold"]["pages"]
    per_core_wall = w1["cold"]["pages"] / w1["cold"]["wall"] * 60
    scaling = (w2["cold"]["pages"] / w2["cold"]["wall"]) / (w1["cold"]["pages"] /
                                                            w1["cold"]["wall"])
    cores_cpu = SCANNERS_PAGES_PER_MIN / 60 * cpu_per_page
    cores_wall = SCANNERS_PAGES_PER_MIN / per_core_wall
    print(f"2 worker processes vs 1: {scaling:.2f}x")
    print(f"cores to keep pace with 10 ADF scanners ({SCANNERS_PAGES_PER_MIN:.0f} pages/min): "
          f"{cores_cpu:.1f} by CPU time ({cpu_per_page:.2f} CPU s/page, all stages, producer "
          f"included), {cores_wall:.1f} by wall time of 1 worker process on this shared machine")
    if not all(r[p]["ok"] for r in runs for p in ("cold", "cached")):
        raise SystemExit("some run did not store the batch cleanly; see above")


if __name__ == "__main__":
    main()
