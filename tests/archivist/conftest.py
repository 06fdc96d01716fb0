from __future__ import annotations

from pathlib import Path

import pytest
from archivist_helpers import make_home

from sohoa.pipeline.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_home(tmp_path / "home")
