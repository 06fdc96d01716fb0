"""Fixtures: the site under test (web_site.py), one per test module."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))  # api_home, shared
from api_home import make_home
from browser import Browser
from web_site import SHOTS, Server, Site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         request: pytest.FixtureRequest) -> Iterator[Site]:
    home = make_home(tmp_path_factory.mktemp("web-home"))
    browser = Browser()
    try:
        with Server(home) as origin:
            yield Site(home, origin, browser, SHOTS / request.module.__name__.rsplit(".")[-1])
    finally:
        browser.close()
