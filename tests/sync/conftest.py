"""Fixtures: a real receiver on loopback, and an archive whose events go to it."""

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
