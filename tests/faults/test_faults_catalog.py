"""The catalog in the way, for real: another process holding ``BEGIN EXCLUSIVE`` past the busy
timeout while an ingest recognizes pages, and the catalog file made immutable mid-run.

Neither is a statement about a page: the ingest stops with the reason in Vietnamese and exit 2
(never a traceback, never exit 1), quarantines nothing, makes up no dossier, and the same
command afterwards stores exactly what a clean run stores."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from faults_helpers import (
    Stored,
    assert_like_clean,
    assert_no_traceback,
    catalog_rows,
    job_running,
    kill_all,
    processes_of,
    run_sohoa,
    start_sohoa,
    stored,
    wait_for,
)

BUSY = {"SOHOA_CATALOG_BUSY_TIMEOUT_S": "2"}  # so that the lock outlasts the wait in seconds


@contextmanager
def exclusive_lock(catalog: Path) -> Iterator[None]:
    """Another process's view of the catalog: one write transaction held open (the test
    process is not the ingest's process, so for SQLite this is another process's lock)."""
    conn = sqlite3.connect(catalog, timeout=60, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def _finish(proc: subprocess.Popen[str], timeout: float = 300) -> tuple[int, str]:
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_all([proc.pid])
        raise
    return proc.returncode, stderr


def _nothing_misfiled(home: Path) -> None:
    assert catalog_rows(home, "SELECT reason FROM quarantine") == []
    assert not [d for _, d, _ in stored(home) if d.startswith("UNASSIGNED")]


def test_a_catalog_locked_past_the_timeout_stops_the_ingest_and_a_rerun_finishes(
        tmp_path: Path, home: Path, batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    path, _ = batch
    proc = start_sohoa(home, "ingest", str(path), "--json", **BUSY)
    try:
        wait_for(lambda: job_running(home), 120, "the ingest to start its job")
        with exclusive_lock(home / "catalog.db"):
            code, stderr = _finish(proc)  # pages are being recognized: the first cache write
    finally:
        kill_all(processes_of(home))
    assert code == 2, stderr
    assert "đang bị một tiến trình khác khóa" in stderr and "chạy lại" in stderr, stderr
    assert "Traceback" not in stderr
    _nothing_misfiled(home)

    again = run_sohoa(home, "ingest", str(path), "--json")
    assert again.returncode == 0, again.stderr
    assert_like_clean(home, clean)
    statuses = sorted(s for (s,) in catalog_rows(home, "SELECT status FROM jobs"))
    assert statuses == ["finished", "interrupted"]  # the stopped job is not "running" forever


def test_other_commands_on_a_locked_catalog_exit_2_with_the_reason(home: Path) -> None:
    with exclusive_lock(home / "catalog.db"):
        for args in (("tokens", "add", "an", "--role", "officer", "--unit", "H19.22"),
                     ("hold", "add", "--dossier", "H19.22-240816-2379", "--reason", "kiểm tra")):
            result = run_sohoa(home, *args, **BUSY)
            assert result.returncode == 2, (args, result.stderr)
            assert_no_traceback(result)
            assert "đang bị một tiến trình khác khóa" in result.stderr


@contextmanager
def immutable(*files: Path) -> Iterator[None]:
    try:
        subprocess.run(["chattr", "+i", *map(str, files)], check=True)
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, files)], check=False)


def test_a_catalog_made_immutable_mid_run_stops_with_exit_2_and_a_rerun_finishes(
        tmp_path: Path, home: Path, batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    path, _ = batch
    proc = start_sohoa(home, "ingest", str(path), "--json")
    catalog = home / "catalog.db"
    try:
        wait_for(lambda: job_running(home), 120, "the ingest to start its job")
        # the database file and its write-ahead log (SQLite writes the log first)
        with immutable(catalog, catalog.with_name("catalog.db-wal")):
            code, stderr = _finish(proc)
    finally:
        kill_all(processes_of(home))
    assert code == 2, stderr
    assert "Không ghi được cơ sở dữ liệu danh mục" in stderr, stderr
    assert "Traceback" not in stderr
    _nothing_misfiled(home)

    again = run_sohoa(home, "ingest", str(path), "--json")
    assert again.returncode == 0, again.stderr
    assert_like_clean(home, clean)
