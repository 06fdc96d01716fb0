"""One small scanned batch (two dossiers of two documents), what a clean ingest stores, and a
private Redis for the queue's faults."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faults_helpers import Stored, redis_service, run_sohoa, stored


@pytest.fixture(scope="session")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    from sohoa.synth import write_batch

    out = tmp_path_factory.mktemp("faults-batch")
    truth = write_batch(out, seed=5, dossiers=2, fmt="pdf", docs_per_dossier=(1, 1),
                        severity="clean", rotate_fraction=0.0)
    return out, truth


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory, batch: tuple[Path, dict[str, Any]]) -> Stored:
    """The documents (id, dossier, type) a clean run of the batch stores: the yardstick."""
    path, truth = batch
    home = tmp_path_factory.mktemp("faults-clean") / "home"
    assert run_sohoa(home, "init").returncode == 0
    result = run_sohoa(home, "ingest", str(path), "--json")
    assert result.returncode == 0, result.stderr
    documents = stored(home)
    assert len(documents) == sum(len(d["documents"]) for d in truth["dossiers"])
    assert {d for _, d, _ in documents} == {d["code"] for d in truth["dossiers"]}
    return documents


@pytest.fixture()
def own_redis() -> Iterator[tuple[str, Path]]:
    """A private Redis (own port and directory) for the queue's faults: (URL, directory)."""
    run_dir = Path(tempfile.mkdtemp(prefix="sohoa-faults-redis-", dir="/tmp"))
    started = redis_service("start", run_dir)
    if started.returncode != 0:
        shutil.rmtree(run_dir, ignore_errors=True)
        pytest.fail(f"no redis-server here: {started.stderr.strip()}")
    try:
        yield started.stdout.strip(), run_dir
    finally:
        redis_service("stop", run_dir)
        shutil.rmtree(run_dir, ignore_errors=True)
