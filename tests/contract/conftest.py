"""Fixtures: each contract test runs once per engine (see ``engines``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engines import ENGINES, OpenArchive, drop_indexes, search_url

from sohoa.archive import Archive


@pytest.fixture(params=ENGINES, scope="module")
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_engine(engine: str) -> Iterator[OpenArchive]:
    """Open archives on ``root`` with this engine (the same index for the same root)."""
    urls: dict[Path, str] = {}
    opened: list[Archive] = []

    def _open(root: Path) -> Archive:
        url = urls.setdefault(root, search_url(engine, root))
        arc = Archive.open(f"sqlite:///{root}/catalog.db", f"file://{root}/blobs", url)
        opened.append(arc)
        return arc

    yield _open
    for arc in opened:
        arc.close()
    drop_indexes(engine, urls.values())
