"""Fixtures: a fresh archive home per test and the real app over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_home import Home, make_home
from fastapi.testclient import TestClient

from sohoa.api import create_app


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return make_home(tmp_path)


@pytest.fixture
def client(home: Home) -> Iterator[TestClient]:
    with TestClient(create_app(home.settings)) as c:
        yield c
