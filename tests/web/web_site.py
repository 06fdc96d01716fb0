"""The site under test: one archive home, one real HTTP server on loopback and one headless
chromium per test module (see conftest.py); screenshots under ``SOHOA_WEB_SHOTS`` (default
out/web/ at the repository's root, kept after the run for a person to look at)."""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from api_home import Home
from browser import Browser, free_port

from sohoa.api import create_app
from sohoa.api.web.messages import ENGLISH

# A program's name for something (search_pending, id_number) shown instead of words; not a
# part of a dotted code (a digitization code may hold a type's code) or of a path.
IDENTIFIER = re.compile(r"(?<![\w./-])[a-z]+_[a-z_]+(?![\w./-])")
SHOTS = Path(os.environ.get("SOHOA_WEB_SHOTS")
             or Path(__file__).resolve().parents[2] / "out" / "web")


@dataclass
class Site:
    home: Home
    origin: str
    browser: Browser
    shots: Path
    server: Server | None = None

    def restart(self) -> None:
        """Stop the server and start a new app over the same archive on the same port, as a
        restart of `sohoa serve` does (nothing of the old process's memory survives)."""
        assert self.server is not None
        port = self.server.port
        self.server.__exit__(None, None, None)
        self.server = Server(self.home, port=port)
        assert self.server.__enter__() == self.origin

    def go(self, path: str) -> None:
        self.browser.go(self.origin + path)

    def shot(self, name: str) -> Path:
        return self.browser.screenshot(self.shots / f"{name}.png")

    def sign_in(self, who: str) -> None:
        self.go("/web/login")
        self.browser.find("input[name=token]").type(self.home.tokens[who])
        self.browser.find("form[action='/web/login'] button").click()
        self.browser.wait_for("form[action='/web/logout']")

    def sign_out(self) -> None:
        self.browser.find("form[action='/web/logout'] button").click()
        self.browser.wait_for("input[name=token]")

    def assert_local(self) -> None:
        """The build fails if the page refers to, or loaded, anything from another host, if its
        visible text has English sentences in it (a server message leaking through), or if it
        scrolls sideways at 360 px."""
        foreign = self.browser.foreign_urls(self.origin)
        assert not foreign, f"{self.browser.url} refers to other hosts: {foreign}"
        self.assert_session_hidden()
        text = str(self.browser.js("return document.body.innerText"))
        english = [line for line in text.splitlines()
                   if ENGLISH.search(line) or IDENTIFIER.search(line)]
        assert not english, f"{self.browser.url} shows English: {english}"
        self.assert_fits()

    def assert_session_hidden(self) -> None:
        """The session id is in the HttpOnly cookie only: never in the address, in a URL the
        page refers to, in the page's source, or readable by the page's scripts."""
        sid = self.browser.cookie("sohoa_session")
        if sid is None:
            return  # signed out
        assert sid not in self.browser.url
        assert not [u for u in self.browser.page_urls() if sid in u]
        assert sid not in str(self.browser.js("return document.documentElement.outerHTML"))
        assert "sohoa_session" not in str(self.browser.js("return document.cookie"))

    def assert_fits(self, width: int = 360) -> None:
        """Nothing on the current page scrolls sideways at phone width."""
        self.browser.resize(width, 780)
        try:
            assert self.browser.wait_js(f"return window.innerWidth <= {width}"), \
                "the browser window did not shrink to phone width"
            wide = self.browser.scroll_width()
            assert wide <= width, f"{self.browser.url} is {wide} px wide at {width} px"
        finally:
            self.browser.resize(1280, 900)


class Server:
    """The real app under uvicorn on a free loopback port, in a thread of this process."""

    def __init__(self, home: Home, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(create_app(home.settings), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)
