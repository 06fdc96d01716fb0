"""``kill -9`` of an ingest while its OCR workers recognize pages: the workers die with it (the
kernel's parent-death signal), the job is marked interrupted by the next run instead of staying
"running" forever, and the same command then stores exactly what a clean run stores."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from faults_helpers import (
    Stored,
    alive,
    assert_like_clean,
    catalog_rows,
    children,
    job_running,
    kill_all,
    processes_of,
    run_sohoa,
    start_sohoa,
    wait_for,
)


def test_kill_nine_of_an_ingest_leaves_no_ocr_worker_and_the_job_is_marked(
        tmp_path: Path, home: Path, batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    path, _ = batch
    proc = start_sohoa(home, "ingest", str(path), "--json", SOHOA_OCR_JOBS="2")
    try:
        wait_for(lambda: job_running(home) and len(children(proc.pid)) >= 2, 120,
                 "the ingest to start two OCR workers")
        workers = children(proc.pid)
        time.sleep(1.0)  # they are recognizing now
        os.kill(proc.pid, signal.SIGKILL)  # the ingest alone, as the OOM killer would
        proc.wait(timeout=30)
        wait_for(lambda: not any(alive(w) for w in workers), 15,
                 "the OCR workers to die with their parent")
    finally:
        kill_all(processes_of(home))
    assert processes_of(home) == []
    assert [s for (s,) in catalog_rows(home, "SELECT status FROM jobs")] == ["running"]

    again = run_sohoa(home, "ingest", str(path), "--json")
    assert again.returncode == 0, again.stderr
    assert_like_clean(home, clean)
    statuses = sorted(s for (s,) in catalog_rows(home, "SELECT status FROM jobs"))
    assert statuses == ["finished", "interrupted"]
    audit = run_sohoa(home, "audit", "show", "--json")
    assert "job.interrupted" in audit.stdout, audit.stdout[-2000:]
