"""An OCR worker of an ingest killed from outside (the OOM killer's SIGKILL of one pool process),
for real.

Defined outcome: a killed worker says nothing about the page it was reading, so no page is ever
quarantined for it. The pool is made anew and the pages it lost are read again, once, with a
warning that says so (the job then ends like a clean run); a page whose worker dies again stops
the job with the reason (exit 2: the machine, likely out of memory; run it again), and the same
command then stores exactly what a clean run stores."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

from faults_helpers import (
    Stored,
    assert_like_clean,
    catalog_rows,
    children,
    json_lines,
    kill_all,
    processes_of,
    run_sohoa,
    start_sohoa,
    wait_for,
)


def _without_memory(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Run ``proc`` to its end on a machine without memory: each of its OCR workers is killed
    (SIGKILL, as the OOM killer does) as soon as it appears. Its stdout and stderr."""
    stop = threading.Event()

    def oom_killer() -> None:
        while not stop.is_set() and proc.poll() is None:
            kill_all(children(proc.pid))
            stop.wait(0.02)

    killer = threading.Thread(target=oom_killer, daemon=True)
    killer.start()
    try:
        return proc.communicate(timeout=300)
    finally:
        stop.set()
        killer.join()


def test_one_ocr_worker_killed_mid_batch_is_replaced_and_no_page_is_quarantined(
        tmp_path: Path, home: Path, batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    path, _ = batch
    proc = start_sohoa(home, "ingest", str(path), "--json", SOHOA_OCR_JOBS="2")
    try:
        # Both workers are up and the batch's first pages are being read (no page of this
        # fresh home is cached, and none is read in the moment it takes to get here).
        wait_for(lambda: len(children(proc.pid)) >= 2, 120, "the ingest's two OCR workers")
        os.kill(children(proc.pid)[0], signal.SIGKILL)  # one of them, as the OOM killer would
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        kill_all(processes_of(home))
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    events = json_lines(stdout)
    # the fault landed mid-batch, and the clerk is told what happened
    [restarted] = [e for e in events if "warning" in e]
    assert "hết bộ nhớ" in restarted["warning"] and "đọc lại" in restarted["warning"], restarted
    assert not [e for e in events if "error" in e], events
    assert_like_clean(home, clean)


def test_a_page_whose_worker_dies_again_stops_the_job_and_the_same_command_finishes(
        tmp_path: Path, home: Path, batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    path, _ = batch
    proc = start_sohoa(home, "ingest", str(path), "--json", SOHOA_OCR_JOBS="2")
    try:
        stdout, stderr = _without_memory(proc)
    finally:
        kill_all(processes_of(home))
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert "hết bộ nhớ" in stderr and "chạy lại đúng lệnh này" in stderr, stderr
    assert [e for e in json_lines(stdout) if "warning" in e], stdout  # it did retry, once
    assert catalog_rows(home, "SELECT reason FROM quarantine") == []  # nothing set aside

    again = run_sohoa(home, "ingest", str(path), "--json")
    assert again.returncode == 0, again.stderr
    assert_like_clean(home, clean)


def test_sohoa_ocr_whose_workers_are_killed_exits_2_with_the_reason(
        tmp_path: Path, batch: tuple[Path, dict[str, Any]]) -> None:
    path, _ = batch
    home = tmp_path / "home"
    output = tmp_path / "out.pdf"
    proc = start_sohoa(home, "ocr", str(path), "-o", str(output), "--jobs", "2")
    try:
        _, stderr = _without_memory(proc)
    finally:
        kill_all(processes_of(home))
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert "hết bộ nhớ" in stderr and "chạy lại đúng lệnh này" in stderr, stderr
    assert not output.exists()
