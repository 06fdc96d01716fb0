"""PostgreSQL going away in the middle of a batch, for real (a private server of this test on a
free port and its own directory: the shared test servers are never stopped).

The fault lands mid-batch for sure: the ingest is held still once its first document is in the
catalog (with documents left to store), the server is stopped, and the ingest goes on without
it. Defined outcome: the ingest stops cleanly with the reason (exit 2, "PostgreSQL … chạy lại"),
never a traceback, never exit 1, nothing quarantined, nothing half-stored; once the server is
back the same command stores exactly what a clean run stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from faults_helpers import (
    Stored,
    assert_like_clean,
    ingest_through_outage,
    json_lines,
    run_sohoa,
    stored,
)
from private_servers import Server


def test_postgresql_gone_mid_batch_stops_the_ingest_and_the_same_command_finishes(
        tmp_path: Path, home: Path, own_postgres: tuple[Server, str],
        batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    server, url = own_postgres
    path, _ = batch
    env = {"SOHOA_DB": url}
    code, stdout, stderr = ingest_through_outage(home, path, clean, env, server.service,
                                                 db_url=url)
    assert code == 2, stderr
    assert "PostgreSQL" in stderr and "chạy lại" in stderr, stderr
    assert not [e for e in json_lines(stdout) if "error" in e], stdout  # nothing quarantined

    assert server.service("start").returncode == 0
    partial = stored(home, url)
    assert partial and partial < clean  # what was stored before the outage stays, and is real
    again = run_sohoa(home, "ingest", str(path), "--json", **env)
    assert again.returncode == 0, again.stderr
    assert_like_clean(home, clean, db_url=url)
