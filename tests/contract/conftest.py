"""Fixtures: each contract test runs once per search engine (``engine``, see ``engines``) or
once per catalog + blob backend pair (``backend``/``new_place``/``place``, see ``backends``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from backends import BACKENDS, CATALOGS, PgDatabases, Place, S3Buckets
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


@pytest.fixture(params=BACKENDS, scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def new_place(backend: str, tmp_path: Path) -> Iterator[Callable[[], Place]]:
    """Make a fresh, empty archive place (a database and a bucket of its own on scale-out)."""
    pg = PgDatabases() if backend.startswith("postgresql") else None
    buckets = S3Buckets() if backend.endswith("s3") else None
    count = 0

    def make() -> Place:
        nonlocal count
        count += 1
        root = tmp_path / f"a{count}"
        root.mkdir()
        search = f"tantivy://{root}/index"
        if pg is None or buckets is None:
            return Place((f"sqlite:///{root}/catalog.db", f"file://{root}/blobs", search), None)
        return Place((pg.create(), f"s3://{buckets.create()}/archive", search), buckets.options)

    yield make
    if pg is not None:
        pg.drop_all()
    if buckets is not None:
        buckets.drop_all()


@pytest.fixture
def place(new_place: Callable[[], Place]) -> Place:
    return new_place()


def _file_place(catalog: str, tmp_path: Path) -> Iterator[Place]:
    files = (f"file://{tmp_path}/blobs", f"tantivy://{tmp_path}/index")
    if catalog == "sqlite":
        yield Place((f"sqlite:///{tmp_path}/catalog.db", *files), None)
        return
    pg = PgDatabases()
    try:
        yield Place((pg.create(), *files), None)
    finally:
        pg.drop_all()


@pytest.fixture(params=CATALOGS)
def catalog_place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Place]:
    """Each catalog with a file blob store: for what is the catalog's alone (a dossier's
    locks, the races of tests/contract/races.py)."""
    yield from _file_place(request.param, tmp_path)


@pytest.fixture
def pg_place(tmp_path: Path) -> Iterator[Place]:
    """PostgreSQL only, with a file blob store: what SQLite cannot have (it serialises
    writers; its locks are files)."""
    yield from _file_place("postgresql", tmp_path)
