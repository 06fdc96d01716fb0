"""Faults on the work queue, for real: `sohoa worker` and `sohoa ingest` as processes on a
private Redis (own port and directory: the shared test server is never stopped or flushed).

- The SQLite catalog locked past the busy timeout while the workers recognize pages: the
  message is retried, then the job stops with the reason (exit 2); no page is quarantined
  (the dossier-code sheet set aside would file its papers under a made-up dossier).
- Redis stopped and started again mid-batch for sure (the ingest and the worker held still once
  the first document is stored, with documents left; Redis keeps nothing on disk, as the test
  server is set up): the job is gone from the queue, so the ingest stops with the reason
  (exit 2), the worker lives on, and the same command then stores exactly what a clean run
  stores."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

from faults_helpers import (
    Stored,
    assert_like_clean,
    catalog_rows,
    ingest_through_outage,
    job_running,
    json_lines,
    kill_all,
    processes_of,
    run_sohoa,
    start_sohoa,
    wait_for,
)
from private_servers import Server
from test_faults_catalog import exclusive_lock


def _env(url: str, **extra: str) -> dict[str, str]:
    return {"SOHOA_BROKER": url, "SOHOA_QUEUE_MAX_RETRIES": "1",
            "SOHOA_QUEUE_RETRY_BACKOFF_S": "0.2", "SOHOA_QUEUE_HEARTBEAT_S": "10", **extra}


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # a worker finishes what it holds, then exits
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def test_a_locked_catalog_on_the_queue_stops_the_job_and_quarantines_nothing(
        tmp_path: Path, home: Path, own_redis: tuple[Server, str],
        batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    _, url = own_redis
    path, _ = batch
    env = _env(url, SOHOA_CATALOG_BUSY_TIMEOUT_S="2")
    worker = start_sohoa(home, "worker", "--processes", "1", log=tmp_path / "worker.log", **env)
    try:
        proc = start_sohoa(home, "ingest", str(path), "--json", **env)
        wait_for(lambda: job_running(home), 120, "the ingest to start its job")
        with exclusive_lock(home / "catalog.db"):
            try:
                _, stderr = proc.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                kill_all([proc.pid])
                raise
        assert proc.returncode == 2, stderr
        assert "Traceback" not in stderr and "kho lưu trữ không dùng được" in stderr, stderr
        assert "khóa" in stderr, stderr
        assert catalog_rows(home, "SELECT reason FROM quarantine") == []

        again = run_sohoa(home, "ingest", str(path), "--json", **env)
        assert again.returncode == 0, again.stderr
    finally:
        _stop(worker)
        kill_all(processes_of(home))
    assert_like_clean(home, clean)


def test_redis_restarted_mid_batch_stops_the_ingest_and_the_same_command_finishes(
        tmp_path: Path, home: Path, own_redis: tuple[Server, str],
        batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    server, url = own_redis
    path, _ = batch
    env = _env(url)
    worker = start_sohoa(home, "worker", "--processes", "1", log=tmp_path / "worker.log", **env)
    try:
        # the ingest and the worker held still once the first document is stored, Redis
        # stopped and started again (empty: the test server keeps nothing on disk)
        code, stdout, stderr = ingest_through_outage(home, path, clean, env, server.service,
                                                     others=(worker.pid,), restart=True)
        assert code == 2, stderr
        assert "Redis" in stderr and "chạy lại đúng lệnh nạp" in stderr, stderr
        assert not [e for e in json_lines(stdout) if "error" in e], stdout
        assert worker.poll() is None  # the worker rode the outage out

        again = run_sohoa(home, "ingest", str(path), "--json", **env)
        assert again.returncode == 0, again.stderr
    finally:
        _stop(worker)
        kill_all(processes_of(home))
    assert_like_clean(home, clean)
