"""Catalog and blob store throughput, embedded vs scale-out, in one run on the same inputs.

    scripts/services/postgres.sh start; scripts/services/s3.sh start
    .venv/bin/python bench/storage_bench.py [--docs 300] [--writers 2]

- store_document per second: SQLite + file blobs vs PostgreSQL + S3 (versitygw), one process and
  ``--writers`` processes storing different documents (each document: a 1-page PDF and one
  page image, the audit event, the outbox row);
- blob put/get MB/s: the file store vs S3, 1 MiB blobs and 32 MiB blobs (multipart).

The servers are the test ones (scripts/services/*.sh) on this machine, so S3 and PostgreSQL pay
loopback TCP, HTTP and their own fsyncs, but no network latency: a real cluster adds a
round trip per request.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "contract"))
sys.path.insert(0, str(ROOT / "tests" / "archive"))
os.environ.setdefault("SOHOA_TEST_PG_URL", "postgresql+psycopg://sohoa@127.0.0.1:55432/sohoa_test")
os.environ.setdefault("SOHOA_TEST_S3_ENDPOINT", "http://127.0.0.1:7070")

from archive_records import make_record  # noqa: E402
from backends import PgDatabases, S3Buckets  # noqa: E402

from sohoa.archive import Archive  # noqa: E402
from sohoa.archive.blobstores import open_blob_store  # noqa: E402
from sohoa.archive.s3blobs import S3Options  # noqa: E402


def store_many(urls: tuple[str, str, str], s3: S3Options | None, seeds: list[str],
               start_line: Any = None) -> tuple[float, float]:
    """Store the documents of ``seeds``; return the wall-clock start and end of the stores
    alone (records made and archive opened beforehand, all writers start together)."""
    made = [make_record(seed) for seed in seeds]
    with Archive.open(*urls, s3=s3) as arc:
        if start_line is not None:
            start_line.wait(timeout=300)
        start = time.time()
        for rec, pdf, images in made:
            arc.store_document(rec, pdf, images)
        return start, time.time()


def docs_per_s(urls: tuple[str, str, str], s3: S3Options | None, n: int, writers: int,
               tag: str) -> float:
    seeds = [f"{tag}-{i}" for i in range(n)]
    if writers == 1:
        start, end = store_many(urls, s3, seeds)
        return n / (end - start)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager, ProcessPoolExecutor(writers, mp_context=ctx) as pool:
        line = manager.Barrier(writers)
        spans = list(pool.map(store_many, [urls] * writers, [s3] * writers,
                              [seeds[w::writers] for w in range(writers)], [line] * writers))
    return n / (max(e for _, e in spans) - min(s for s, _ in spans))


def blob_mb_s(url: str, s3: S3Options | None, size: int, count: int) -> tuple[float, float]:
    store = open_blob_store(url, s3)
    blobs = [os.urandom(size) for _ in range(count)]
    start = time.perf_counter()
    shas = [store.put(b) for b in blobs]
    put = time.perf_counter() - start
    start = time.perf_counter()
    for sha in shas:
        store.get(sha)
    get = time.perf_counter() - start
    mb = size * count / 1e6
    return mb / put, mb / get


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--writers", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="storage-bench-"))
    pg, buckets = PgDatabases(), S3Buckets()
    try:
        print(f"command: {' '.join(sys.argv)}; load average {os.getloadavg()[0]:.2f}")
        print("| backends | 1 writer, docs/s | "
              f"{args.writers} writer processes, docs/s |\n| --- | --- | --- |")
        for name in ("SQLite + file", "PostgreSQL + S3"):
            rates = []
            for writers in (1, args.writers):
                root = tmp / f"{name[:2]}-{writers}"
                root.mkdir()
                if name.startswith("SQLite"):
                    urls = (f"sqlite:///{root}/catalog.db", f"file://{root}/blobs",
                            f"tantivy://{root}/index")
                    s3 = None
                else:
                    urls = (pg.create(), f"s3://{buckets.create()}/b", f"tantivy://{root}/index")
                    s3 = buckets.options
                Archive.open(*urls, s3=s3).close()  # migrations are not timed
                rates.append(docs_per_s(urls, s3, args.docs, writers, f"w{writers}"))
            print(f"| {name} | {rates[0]:.0f} | {rates[1]:.0f} |")
        print("\n| blob store | 1 MiB × 64 put / get MB/s | 32 MiB × 4 put / get MB/s |\n"
              "| --- | --- | --- |")
        for name in ("file", "S3"):
            cells = []
            for size, count in ((1 << 20, 64), (32 << 20, 4)):
                if name == "file":
                    url, s3 = f"file://{tmp}/blobs-{size}", None
                else:
                    url, s3 = f"s3://{buckets.create()}/b", buckets.options
                put, get = blob_mb_s(url, s3, size, count)
                cells.append(f"{put:.0f} / {get:.0f}")
            print(f"| {name} | {cells[0]} | {cells[1]} |")
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
    finally:
        pg.drop_all()
        buckets.drop_all()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
