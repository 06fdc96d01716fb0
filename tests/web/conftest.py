"""Fixtures: the site under test (web_site.py), one per test module."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))  # api_home, shared
from api_home import Home, make_home
from browser import Browser
from web_site import SHOTS, Server, Site


@pytest.fixture(scope="module")
def site_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """The archive the module's site serves (a module may override it)."""
    return make_home(tmp_path_factory.mktemp("web-home"))


@pytest.fixture(scope="module")
def site(site_home: Home, request: pytest.FixtureRequest) -> Iterator[Site]:
    home = site_home
    browser = Browser()
    try:
        site = Site(home, "", browser, SHOTS / request.module.__name__.rsplit(".")[-1],
                    Server(home))
        site.origin = site.server.__enter__()  # type: ignore[union-attr]
        try:
            yield site
        finally:
            assert site.server is not None
            site.server.__exit__(None, None, None)
    finally:
        browser.close()
