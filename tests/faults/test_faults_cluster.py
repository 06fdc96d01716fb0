"""PostgreSQL restarted in the middle of a batch, for real (a private server of this test on
its own port and directory: the shared test servers are never stopped).

The ingest either rides it out (the pool checks each connection before use and reconnects) or
stops with the reason and exit 2; never a traceback, never exit 1, nothing quarantined. The
same command then stores exactly what a clean run stores."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faults_helpers import (
    Stored,
    assert_like_clean,
    ingest_through_restart,
    run_sohoa,
)
from testtools import REPO

SCRIPT = REPO / "scripts" / "services" / "postgres.sh"
PORT = "55491"


def _pg(action: str, run_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "SOHOA_PG_PORT": PORT,
           "SOHOA_PG_DIR": str(run_dir)}
    return subprocess.run(["bash", str(SCRIPT), action], env=env, capture_output=True,
                          text=True, timeout=180, check=False)


@pytest.fixture()
def own_postgres() -> Iterator[tuple[str, Path]]:
    if not shutil.which("pg_ctlcluster") and not list(Path("/usr/lib/postgresql").glob("*/bin")):
        pytest.fail("PostgreSQL is not installed (make install installs it)")
    # under /tmp itself: the server runs as the unprivileged postgres user, who cannot walk
    # into pytest's root-only temporary folders
    run_dir = Path(tempfile.mkdtemp(prefix="sohoa-faults-pg-", dir="/tmp"))
    started = _pg("start", run_dir)
    assert started.returncode == 0, started.stderr
    try:
        yield started.stdout.strip(), run_dir
    finally:
        _pg("stop", run_dir)
        shutil.rmtree(run_dir, ignore_errors=True)


def test_postgresql_restarted_mid_batch(tmp_path: Path, own_postgres: tuple[str, Path],
                                        batch: tuple[Path, dict[str, Any]],
                                        clean: Stored) -> None:
    url, run_dir = own_postgres
    path, _ = batch
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0  # the development signing key
    env = {"SOHOA_DB": url}
    code, stderr = ingest_through_restart(home, path, env, lambda action: _pg(action, run_dir))
    if code == 2:
        assert "PostgreSQL" in stderr and "chạy lại" in stderr, stderr

    again = run_sohoa(home, "ingest", str(path), "--json", **env)
    assert again.returncode == 0, again.stderr
    assert_like_clean(home, clean, db_url=url)
