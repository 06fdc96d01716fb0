"""Fixtures: a real receiver on loopback, an archive whose events go to it, and a catalog URL on
SQLite and on PostgreSQL (the contract tests' databases)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_helpers import ReceiverProcess

from sohoa.archive import Archive


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[ReceiverProcess]:
    rec = ReceiverProcess(tmp_path / "receiver")
    rec.start()
    yield rec
    rec.stop()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    root = tmp_path / "home"
    root.mkdir()
    arc = Archive.open(f"sqlite:///{root}/catalog.db", f"file://{root}/blobs",
                       f"tantivy://{root}/index")
    yield arc
    arc.close()


@pytest.fixture(params=("sqlite", "postgresql"))
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A catalog for the home at ``tmp_path/home``: SQLite, or a fresh PostgreSQL database
    (skipped where no server is given, as the contract tests are)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/home/catalog.db"
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "contract"))
    from backends import PgDatabases

    pg = PgDatabases()
    try:
        yield pg.create()
    finally:
        pg.drop_all()
