from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_records import open_archive

from sohoa.archive import Archive


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with open_archive(tmp_path) as arc:
        yield arc
