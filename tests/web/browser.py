"""A small W3C WebDriver client over httpx for Debian's chromium + chromium-driver.

Nothing is downloaded: the driver is /usr/bin/chromedriver (package chromium-driver, installed
by the Makefile) and the browser /usr/bin/chromium. One browser per test module keeps the suite's
wall time modest. Every host but loopback is made unresolvable, so a page that refers to the
internet cannot load it, and ``foreign_urls`` reports what a page asked for."""

from __future__ import annotations

import base64
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

# What chromedriver says of an element its page replaced since it was found.
_GONE = ("stale element", "does not belong to the document")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
ENTER = "\ue007"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--lang=vi",
        # Nothing but loopback resolves: an asset from the internet fails visibly.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]

# Every URL the page refers to: attributes that load something, and what was loaded.
_URLS_JS = """
const out = [];
for (const el of document.querySelectorAll('[src],[href],[action],[poster],[data]')) {
  for (const name of ['src', 'href', 'action', 'poster', 'data']) {
    const v = el.getAttribute(name);
    if (v) { out.push(new URL(v, document.baseURI).href); }
  }
}
for (const e of performance.getEntriesByType('resource')) { out.push(e.name); }
for (const sheet of document.styleSheets) {
  try { for (const rule of sheet.cssRules) {
    const m = rule.cssText.match(/url\\(["']?([^"')]+)/g) || [];
    for (const u of m) {
      out.push(new URL(u.replace(/url\\(["']?/, ''), sheet.href || document.baseURI).href);
    }
  } } catch (err) { out.push('unreadable-stylesheet:' + sheet.href); }
}
return out;
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WebDriverError(RuntimeError):
    pass


class Element:
    def __init__(self, browser: Browser, element_id: str) -> None:
        self.browser = browser
        self.id = element_id

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        return self.browser.call(method, f"/element/{self.id}{path}", body)

    def click(self) -> None:
        self._call("POST", "/click", {})

    def type(self, text: str) -> None:
        self._call("POST", "/value", {"text": text})

    def clear(self) -> None:
        self._call("POST", "/clear", {})

    @property
    def text(self) -> str:
        return str(self._call("GET", "/text"))

    def attr(self, name: str) -> str | None:
        value = self._call("GET", f"/property/{name}")
        return None if value is None else str(value)


class Browser:
    """A chromium session driven through chromedriver; ``close`` ends both."""

    def __init__(self, *, width: int = 1280, height: int = 900) -> None:
        driver = shutil.which("chromedriver")
        binary = shutil.which("chromium")
        if not driver or not binary:
            raise RuntimeError("chromium and chromium-driver are missing: run `make install` "
                               "(the Makefile installs Debian's packages)")
        self.profile = tempfile.mkdtemp(prefix="sohoa-chromium-")
        port = free_port()
        self.driver = subprocess.Popen([driver, f"--port={port}", "--allowed-ips=127.0.0.1"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        deadline = time.monotonic() + 20
        while True:
            try:
                if self.http.get("/status").json()["value"]["ready"]:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.driver.kill()
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "pageLoadStrategy": "normal",
            "goog:chromeOptions": {"binary": binary,
                                   "args": [*ARGS, f"--user-data-dir={self.profile}",
                                            f"--window-size={width},{height}"]}}}}
        answer = self.http.post("/session", json=caps).json()["value"]
        if "sessionId" not in answer:
            self.driver.kill()
            raise RuntimeError(f"chromium did not start: {answer}")
        self.session = answer["sessionId"]

    def call(self, method: str, path: str, body: Any = None) -> Any:
        r = self.http.request(method, f"/session/{self.session}{path}", json=body)
        value = r.json().get("value")
        if r.status_code >= 400:
            raise WebDriverError(f"{method} {path}: {value}")
        return value

    def close(self) -> None:
        try:
            self.http.delete(f"/session/{self.session}")
        finally:
            self.driver.terminate()
            try:
                self.driver.wait(10)
            except subprocess.TimeoutExpired:
                self.driver.kill()
            self.http.close()
            shutil.rmtree(self.profile, ignore_errors=True)

    # --- navigation and elements ---------------------------------------------------------

    def go(self, url: str) -> None:
        self.call("POST", "/url", {"url": url})

    @property
    def url(self) -> str:
        return str(self.call("GET", "/url"))

    @property
    def title(self) -> str:
        return str(self.call("GET", "/title"))

    def find(self, css: str) -> Element:
        value = self.call("POST", "/element", {"using": "css selector", "value": css})
        return Element(self, value[ELEMENT])

    def active(self) -> Element:
        """The element that has the keyboard focus."""
        return Element(self, self.call("GET", "/element/active")[ELEMENT])

    def find_all(self, css: str) -> list[Element]:
        values = self.call("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, v[ELEMENT]) for v in values]

    def text(self, css: str = "body") -> str:
        """The visible text of the first match, waiting for it (a click that submits a form
        may return before the next page is there, on a loaded machine). Found again when the
        page was replaced between finding it and reading it (a submit's answer arriving, or a
        page that reloads itself while a job runs): "stale element reference", or, when the
        new document replaced the node mid-read, chromedriver's "Node with given id does not
        belong to the document"."""
        for _ in range(20):
            try:
                return self.wait_for(css).text
            except WebDriverError as exc:
                if not any(gone in str(exc) for gone in _GONE):
                    raise
                time.sleep(0.1)
        return self.wait_for(css).text

    def js(self, script: str, *args: Any) -> Any:
        return self.call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def keys(self, text: str) -> None:
        """Keys pressed on whatever has the focus (a reviewer's shortcuts)."""
        actions = []
        for ch in text:
            actions += [{"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch}]
        self.call("POST", "/actions", {"actions": [
            {"type": "key", "id": "keyboard", "actions": actions}]})
        self.call("DELETE", "/actions")

    def resize(self, width: int, height: int) -> None:
        self.call("POST", "/window/rect", {"width": width, "height": height})

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self.call("GET", "/screenshot")))
        return path

    def wait_for(self, css: str, timeout: float = 60) -> Element:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.find(css)
            except WebDriverError:
                if time.monotonic() > deadline:
                    page = self.js("return document.body ? document.body.innerText : ''")
                    raise WebDriverError(f"{css} not on {self.url}; the page reads:\n"
                                         f"{str(page)[:1500]}") from None
                time.sleep(0.05)

    def wait_js(self, script: str, timeout: float = 60) -> Any:
        """Poll a script until it returns something true; that value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(script)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.05)

    # --- checks ---------------------------------------------------------------------------

    def page_urls(self) -> list[str]:
        """Every URL the current page refers to or loaded."""
        return [str(u) for u in self.js(_URLS_JS)]

    def cookie(self, name: str) -> str | None:
        """A cookie's value as the browser holds it (HttpOnly ones too), None if absent."""
        try:
            return str(self.call("GET", f"/cookie/{name}")["value"])
        except WebDriverError:
            return None

    def foreign_urls(self, origin: str) -> list[str]:
        """URLs the current page refers to or loaded that are not on ``origin``."""
        base = urlsplit(origin)
        found = []
        for u in self.page_urls():
            parts = urlsplit(u)
            if parts.scheme in ("data", "blob", "about", "javascript") or (
                    parts.scheme == base.scheme and parts.netloc == base.netloc):
                continue
            found.append(u)
        return found

    def scroll_width(self) -> int:
        return int(self.js("return document.documentElement.scrollWidth"))
