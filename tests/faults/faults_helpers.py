"""Forcing faults for real and checking that the archive came out of them whole.

After every fault the same command is run again, and :func:`assert_like_clean` checks what the
issue asks: exactly the documents a clean run stores, in the right dossiers, nothing readable
quarantined, no process left behind, the audit chain and fixity intact."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Stored = set[tuple[str, str, str]]  # (document id, dossier code, type)


def sohoa_env(home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "SOHOA_HOME": str(home), "OMP_THREAD_LIMIT": "1",
            "SOHOA_PURPOSE": "automated fault-injection test", **extra}


def run_sohoa(home: Path, *args: str, timeout: float = 600,
              **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sohoa", *args], env=sohoa_env(home, **env),
                          text=True, capture_output=True, timeout=timeout, check=False)


def start_sohoa(home: Path, *args: str, log: Path | None = None,
                **env: str) -> subprocess.Popen[str]:
    """``sohoa`` in its own session (so a test can kill exactly it and what it started).
    ``log``: its output goes to that file (a long-running worker's log would fill a pipe
    nobody reads and block it), else to pipes."""
    out: Any = subprocess.PIPE
    if log is not None:
        out = log.open("a", encoding="utf-8")
    try:
        return subprocess.Popen([sys.executable, "-m", "sohoa", *args],
                                env=sohoa_env(home, **env), text=True, stdout=out,
                                stderr=subprocess.STDOUT if log is not None else subprocess.PIPE,
                                start_new_session=True)
    finally:
        if log is not None:
            out.close()


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def catalog_rows(home: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows from the SQLite catalog, read without taking any write lock."""
    path = home / "catalog.db"
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []  # not created or migrated yet
    finally:
        conn.close()


def stored(home: Path, db_url: str | None = None) -> Stored:
    """The stored documents: from the home's SQLite catalog, or from ``db_url``."""
    sql = "SELECT id, dossier_code, doc_type FROM documents"
    if db_url is None:
        return {(r[0], r[1], r[2]) for r in catalog_rows(home, sql)}
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return {(r[0], r[1], r[2]) for r in conn.execute(text(sql))}
    finally:
        engine.dispose()


def job_running(home: Path) -> bool:
    return bool(catalog_rows(home, "SELECT id FROM jobs WHERE status = 'running'"))


def processes_of(home: Path) -> list[int]:
    """Live processes started for this archive home (SOHOA_HOME in their environment)."""
    marker = f"SOHOA_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and marker in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (an ingest's OCR workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[1] == str(pid) and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent to reap it does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stderr, result.stderr


def assert_like_clean(home: Path, clean: Stored, db_url: str | None = None,
                      **env: str) -> None:
    """The archive holds exactly what a clean run stores, nothing quarantined, no dossier
    made up (UNASSIGNED-…), no process left, the audit chain and every stored file intact."""
    got = stored(home, db_url)
    assert got == clean, f"missing {sorted(clean - got)}; extra {sorted(got - clean)}"
    assert not [d for _, d, _ in got if d.startswith("UNASSIGNED")]
    quarantine = run_sohoa(home, "quarantine", "--json", **env)
    assert quarantine.returncode == 0 and json_lines(quarantine.stdout) == [], quarantine.stdout
    assert processes_of(home) == []
    audit = run_sohoa(home, "audit", "verify", **env)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    fixity = run_sohoa(home, "fixity", "check", "--all", "--by", "fault-test", **env)
    assert fixity.returncode == 0, fixity.stdout + fixity.stderr


REDIS_PORT = "56391"  # the private Redis of the queue faults (the shared one is never touched)


def redis_service(action: str, run_dir: Path) -> subprocess.CompletedProcess[str]:
    """``scripts/services/redis.sh start|stop`` for the private Redis in ``run_dir``."""
    from testtools import REPO

    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "SOHOA_REDIS_PORT": REDIS_PORT,
           "SOHOA_REDIS_DIR": str(run_dir)}
    return subprocess.run(["bash", str(REPO / "scripts" / "services" / "redis.sh"), action],
                          env=env, capture_output=True, text=True, timeout=60, check=False)


def ingest_through_restart(home: Path, batch: Path, env: dict[str, str],
                           service: Callable[[str], subprocess.CompletedProcess[str]]
                           ) -> tuple[int, str]:
    """Start `sohoa ingest`, wait for its first stored document (the batch is under way), stop
    and start the server with ``service``, and return the ingest's exit code and stderr once
    it has ended: 0 (it rode the outage out) or 2 (it stopped with the reason), never a bug."""
    proc = start_sohoa(home, "ingest", str(batch), "--json", **env)
    assert proc.stdout is not None
    try:
        first = proc.stdout.readline()
        assert '"document_id"' in first, first
        assert service("stop").returncode == 0
        assert service("start").returncode == 0
        _, stderr = proc.communicate(timeout=300)
    finally:
        kill_all(processes_of(home))
    assert proc.returncode in (0, 2), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return proc.returncode, stderr
