"""Forcing faults for real and checking that the archive came out of them whole.

After every fault the same command is run again, and :func:`assert_like_clean` checks what the
issue asks: exactly the documents a clean run stores, in the right dossiers, nothing readable
quarantined, no process left behind, the audit chain and fixity intact."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
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


def fresh_home(initialized: Path, home: Path) -> Path:
    """A copy of an initialized archive home at ``home`` (same key, its own catalog)."""
    shutil.copytree(initialized, home, symlinks=True)
    return home


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


def document_counter(home: Path, db_url: str | None = None) -> Callable[[], int]:
    """A cheap way to ask, again and again, how many documents the catalog holds."""
    if db_url is None:
        return lambda: len(catalog_rows(home, "SELECT id FROM documents"))
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url, pool_pre_ping=True)

    def count() -> int:
        try:
            with engine.connect() as conn:
                return int(conn.execute(text("SELECT count(*) FROM documents")).scalar_one())
        except Exception:  # not migrated yet
            return 0

    return count


def job_running(home: Path) -> bool:
    return bool(catalog_rows(home, "SELECT id FROM jobs WHERE status = 'running'"))


def processes_of(home: Path, but: tuple[int, ...] = ()) -> list[int]:
    """Live processes started for this archive home (SOHOA_HOME in their environment), less
    the process groups ``but`` (a queue worker the test stops itself)."""
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
            with contextlib.suppress(ProcessLookupError):
                if os.getpgid(int(entry.name)) in but:
                    continue
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
    assert processes_of(home) == []
    # two commands at once (each pays a sohoa start of its own), then the audit chain, with
    # what fixity appended to it
    checks = {name: start_sohoa(home, *args, **env) for name, args in (
        ("quarantine", ("quarantine", "--json")),
        ("fixity", ("fixity", "check", "--all", "--by", "fault-test")))}
    done = {name: (proc, *proc.communicate(timeout=300)) for name, proc in checks.items()}
    proc, stdout, stderr = done["quarantine"]
    assert proc.returncode == 0 and json_lines(stdout) == [], stdout + stderr
    proc, stdout, stderr = done["fixity"]
    assert proc.returncode == 0, stdout + stderr
    audit = run_sohoa(home, "audit", "verify", **env)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert processes_of(home) == []


def signal_groups(leaders: list[int], sig: signal.Signals) -> None:
    """Send ``sig`` to the process groups of ``leaders`` (each started with start_sohoa, in
    its own session: the command and every process it started, e.g. its OCR workers)."""
    for leader in leaders:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(leader, sig)


def freeze_mid_batch(home: Path, proc: subprocess.Popen[str], clean: Stored,
                     db_url: str | None = None, others: tuple[int, ...] = ()) -> None:
    """Wait until the ingest ``proc`` has stored its first document, then freeze it (SIGSTOP of
    its process group, and of ``others``' groups: queue workers) where it stands. Asserted, not
    hoped: the ingest is still running and has documents left to store, so whatever the test
    does to a server now lands in the middle of the batch. ``signal_groups(..., SIGCONT)``
    lets it go on."""
    leaders = [proc.pid, *others]
    count = document_counter(home, db_url)
    deadline = time.monotonic() + 300
    while not count() and proc.poll() is None:  # polled often: the window is a page or two
        assert time.monotonic() < deadline, "timed out waiting for the first stored document"
        time.sleep(0.02)
    signal_groups(leaders, signal.SIGSTOP)
    assert proc.poll() is None, "the ingest ended before the fault could land"
    done = stored(home, db_url)
    assert 0 < len(done) < len(clean), f"not mid-batch: {len(done)} of {len(clean)} stored"


def ingest_through_outage(home: Path, batch: Path, clean: Stored, env: dict[str, str],
                          service: Callable[[str], subprocess.CompletedProcess[str]], *,
                          db_url: str | None = None, others: tuple[int, ...] = (),
                          restart: bool = False) -> tuple[int, str, str]:
    """Run `sohoa ingest` into a server outage that lands mid-batch for sure: once the first
    document is stored the ingest is frozen (:func:`freeze_mid_batch`), the server is stopped
    (``restart``: and started again, empty or with what it kept) and the ingest goes on with
    the server in that state until it ends. Return its exit code, stdout and stderr; the
    server is left stopped (or restarted). One OCR process: the pages of the dossiers after
    the first are still to be read when the fault lands, so there is work left to meet it."""
    proc = start_sohoa(home, "ingest", str(batch), "--json", SOHOA_OCR_JOBS="1", **env)
    leaders = [proc.pid, *others]
    try:
        freeze_mid_batch(home, proc, clean, db_url, others)
        try:
            stopped = service("stop")
            assert stopped.returncode == 0, stopped.stderr
            if restart:
                started = service("start")
                assert started.returncode == 0, started.stderr
        finally:
            signal_groups(leaders, signal.SIGCONT)
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        signal_groups(leaders, signal.SIGCONT)
        kill_all(processes_of(home, but=others))
        proc.wait(timeout=30)
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return proc.returncode, stdout, stderr
