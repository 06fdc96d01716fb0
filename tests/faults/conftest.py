"""One small scanned batch (two dossiers of two documents), what a clean ingest stores, and
the private servers the faults stop and start (free ports, own directories)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import private_servers
import pytest
from faults_helpers import Stored, fresh_home, run_sohoa, stored
from private_servers import Server


@pytest.fixture(scope="session")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    from sohoa.synth import write_batch

    out = tmp_path_factory.mktemp("faults-batch")
    truth = write_batch(out, seed=5, dossiers=2, fmt="pdf", docs_per_dossier=(1, 1),
                        severity="clean", rotate_fraction=0.0)
    return out, truth


@pytest.fixture(scope="session")
def initialized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive home as `sohoa init` makes it (catalog, index, development signing key),
    made once: each test starts from a copy of it."""
    home = tmp_path_factory.mktemp("faults-init") / "home"
    made = run_sohoa(home, "init")
    assert made.returncode == 0, made.stderr
    return home


@pytest.fixture()
def home(tmp_path: Path, initialized: Path) -> Path:
    """A fresh archive home of this test's own (a copy of :func:`initialized`: `sohoa init`
    costs a sohoa start and a signing key each time)."""
    return fresh_home(initialized, tmp_path / "home")


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory, initialized: Path,
          batch: tuple[Path, dict[str, Any]]) -> Stored:
    """The documents (id, dossier, type) a clean run of the batch stores: the yardstick."""
    path, truth = batch
    home = fresh_home(initialized, tmp_path_factory.mktemp("faults-clean") / "home")
    result = run_sohoa(home, "ingest", str(path), "--json")
    assert result.returncode == 0, result.stderr
    documents = stored(home)
    assert len(documents) == sum(len(d["documents"]) for d in truth["dossiers"])
    assert {d for _, d, _ in documents} == {d["code"] for d in truth["dossiers"]}
    return documents


@pytest.fixture()
def own_postgres() -> Iterator[tuple[Server, str]]:
    yield from private_servers.postgres()


@pytest.fixture()
def own_s3() -> Iterator[tuple[Server, str]]:
    yield from private_servers.s3()


@pytest.fixture()
def own_redis() -> Iterator[tuple[Server, str]]:
    yield from private_servers.redis()


@pytest.fixture()
def own_elasticsearch() -> Iterator[tuple[Server, str]]:
    yield from private_servers.elasticsearch()
