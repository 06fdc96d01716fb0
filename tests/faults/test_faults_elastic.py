"""Elasticsearch going away in the middle of a batch and coming back, for real (a private node of
this test on its own port and directory: the shared node on 9201 is never stopped).

The catalog is the truth and the search outbox catches up: the ingest either rides the outage
out or stops with the reason and exit 2 (never a traceback, never exit 1, nothing quarantined).
The node comes back empty (the service script starts every node on a fresh data directory), so
the catch-up is the whole index: the same command then stores exactly what a clean run stores,
and ``sohoa search`` finds every document through the node."""

from __future__ import annotations

import os
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
    assert_no_traceback,
    job_running,
    json_lines,
    kill_all,
    processes_of,
    run_sohoa,
    start_sohoa,
    stored,
    wait_for,
)
from testtools import REPO

SCRIPT = REPO / "scripts" / "services" / "elasticsearch.sh"
PORT = "59291"  # its transport port is PORT + 100


def _es(action: str, run_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": os.environ.get("HOME", "/root"),
           "SOHOA_ES_PORT": PORT,
           "SOHOA_ES_DIR": str(run_dir), "SOHOA_ES_HEAP": "384m"}
    return subprocess.run(["bash", str(SCRIPT), action], env=env, capture_output=True,
                          text=True, timeout=240, check=False)


@pytest.fixture()
def own_elasticsearch() -> Iterator[tuple[str, Path]]:
    # under /tmp itself: the node runs as the unprivileged user sohoa-es
    run_dir = Path(tempfile.mkdtemp(prefix="sohoa-faults-es-", dir="/tmp"))
    started = _es("start", run_dir)
    if started.returncode != 0:
        shutil.rmtree(run_dir, ignore_errors=True)
        pytest.fail(f"no Elasticsearch node here: {started.stderr.strip()[-400:]}")
    try:
        yield started.stdout.strip(), run_dir
    finally:
        _es("stop", run_dir)
        shutil.rmtree(run_dir, ignore_errors=True)


def test_elasticsearch_gone_mid_batch_and_back_the_outbox_catches_up(
        tmp_path: Path, own_elasticsearch: tuple[str, Path],
        batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    url, run_dir = own_elasticsearch
    path, truth = batch
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    env = {"SOHOA_SEARCH": url}
    proc = start_sohoa(home, "ingest", str(path), "--json", **env)
    try:
        # the job is open and its pages are being recognized: the node goes away mid-batch
        # and stays away until the ingest has ended (its last step brings the index in step)
        wait_for(lambda: job_running(home), 120, "the ingest to start its job")
        assert _es("stop", run_dir).returncode == 0
        _, stderr = proc.communicate(timeout=300)
    finally:
        kill_all(processes_of(home))
    assert proc.returncode in (0, 2), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    if proc.returncode == 2:
        assert "Elasticsearch" in stderr, stderr
    # Whatever the ingest said, what it stored is in the catalog, waiting for the index.
    assert stored(home) <= clean

    # While the node is away a search says so (exit 2), it does not crash or answer empty.
    away = run_sohoa(home, "search", "giấy", "--json", **env)
    assert away.returncode == 2, away.stdout + away.stderr
    assert_no_traceback(away)

    assert _es("start", run_dir).returncode == 0  # back, and empty
    again = run_sohoa(home, "ingest", str(path), "--json", **env)
    assert again.returncode == 0, again.stderr
    assert_like_clean(home, clean, **env)

    found: set[str] = set()
    for dossier in truth["dossiers"]:
        for doc in dossier["documents"]:
            hits = run_sohoa(home, "search", doc["title"], "--owner", doc["owner_id"],
                             "--json", **env)
            assert hits.returncode == 0, hits.stderr
            found |= {h["document_id"] for h in json_lines(hits.stdout)}
    assert found == {doc_id for doc_id, _, _ in clean}
