"""How long the officer's "did I find this document?" check takes on a large access log.

An officer opening another unit's document needs an entry of theirs in the access log (a
reuse lookup or owner-named search that returned it in the last 24 hours). The log has no
index on time or user; the check limits itself to the last day's entries by a binary search
over the primary key (``access.first_seq_since``). This script fills a SQLite catalog with N
entries spread over 29 days and times the check with and without that bound.

    .venv/bin/python bench/access_found_bench.py [N]
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sohoa.archive import Archive
from sohoa.archive.models import AccessEntry


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    root = Path(tempfile.mkdtemp(prefix="sohoa-access-bench-"))
    arc = Archive.open(f"sqlite:///{root}/catalog.db", f"file://{root}/blobs",
                       f"tantivy://{root}/index")
    with arc.transaction(write=True) as conn:
        for start in range(1, n + 1, 10_000):
            conn.execute(AccessEntry.__table__.insert(), [{
                "seq": i, "at": f"2026-11-{1 + i * 29 // (n + 1):02d}T00:00:00.000000Z",
                "prev_hash": "0" * 64, "hash": "0" * 64, "user": f"user{i % 500}",
                "role": "officer", "unit": "H19.22", "channel": "api", "action": "reuse",
                "purpose": "HS", "owner_id": f"0752030{i % 100_000:05d}", "document_id": None,
                "request": json.dumps({"documents": [f"{i:016x}"]}), "result_count": 1,
            } for i in range(start, min(start + 10_000, n + 1))])
    doc = f"{n - 5:016x}"
    for label, since in (("whole log", None), ("last 24 h", "2026-11-29T00:00:00.000000Z")):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            arc.access_events(document=doc, user="user3", limit=200, since=since)
            times.append((time.perf_counter() - t) * 1000)
        print(f"{n:,} entries, {label}: median {statistics.median(times):.1f} ms "
              f"(min {min(times):.1f})")
    arc.close()


if __name__ == "__main__":
    main()
