"""A home that cannot sign is refused before any page is recognized (tester 9, F40/F13).

`sohoa init --dev-pki` names OCSP, CRL and TSA addresses that only `sohoa dev-pki serve`
answers; with that server not running, `sohoa ingest` used to recognize every page (minutes on a
real batch) and only then fail at the first signature, with pyHanko's English sentence in the
refusal. The signer's readiness (key, revocation, TSA) is now checked first: exit 2 at once, the
job recorded failed with the reason, no page analysed, the advice in Vietnamese only.
"""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pipeline_helpers import run_sohoa

from sohoa.synth.document import render_document


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def unserved_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dev-PKI home whose CRL, OCSP and TSA address nothing listens on."""
    home = tmp_path_factory.mktemp("home")
    made = run_sohoa(home, "init", "--unit", "H19.22", "--dev-pki", "--dev-pki-url",
                     f"http://127.0.0.1:{_free_port()}")
    assert made.returncode == 0, made.stderr
    return home


def _scans(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"p{n}.jpg").write_bytes(render_document("decision", n, dpi=200).page_jpeg(0))
    return folder


def test_ingest_is_refused_before_any_page_is_recognized(unserved_home: Path,
                                                         tmp_path: Path) -> None:
    scans = _scans(tmp_path / "scans", 3)
    done = run_sohoa(unserved_home, "ingest", str(scans))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "sohoa dev-pki serve" in done.stderr, done.stderr
    # F13: pyHanko's English sentence stays out of the clerk's line
    assert "revocation" not in done.stderr and "could not be validated" not in done.stderr, (
        done.stderr)
    assert "Traceback" not in done.stderr
    with sqlite3.connect(unserved_home / "catalog.db") as db:
        analysed = db.execute("SELECT count(*) FROM stage_cache").fetchone()[0]
        [(status, reason)] = db.execute("SELECT status, reason FROM jobs").fetchall()
    assert analysed == 0, "pages were recognized before the refusal"
    assert status == "failed", status
    assert "sohoa dev-pki serve" in reason and "revocation" not in reason, reason


def test_watch_is_refused_at_start(unserved_home: Path, tmp_path: Path) -> None:
    """Once, at start: an empty hot folder is enough to be told (not the first file later)."""
    hot = tmp_path / "hot"
    hot.mkdir()
    done = run_sohoa(unserved_home, "watch", str(hot), "--once", timeout=120)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "sohoa dev-pki serve" in done.stderr, done.stderr
    assert "revocation" not in done.stderr


def _paper(path: Path, line: str) -> None:
    """A born-digital one-page paper (its own text: nothing to recognize, the test stays short)."""
    from fpdf import FPDF

    from sohoa.pdf.textpdf import FONTS

    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("body", "", next(f for f in FONTS[""] if Path(f).is_file()))
    pdf.set_font("body", "", 12)
    pdf.add_page()
    pdf.multi_cell(0, 7, line)
    path.write_bytes(bytes(pdf.output()))


def test_watch_asks_the_tsa_for_readiness_once_not_per_file(tmp_path: Path) -> None:
    """S4: `watch` checks the signer once at start; each file dropped in then costs only its
    own signature's requests (a TSA may count or bill them), not a second readiness probe."""
    import asyncio
    import hashlib
    import threading

    from aiohttp import web
    from asn1crypto import tsp

    from sohoa.pipeline.home import init_home
    from sohoa.pipeline.settings import load_settings
    from sohoa.pipeline.watchjob import run_watch
    from sohoa.scanners.watch import WatchSettings
    from sohoa.signing.devpki import DevPki, make_app

    url = f"http://127.0.0.1:{_free_port()}"
    home = tmp_path / "home"
    init_home(home, unit="H19.22", dev_pki_url=url)
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    # pyHanko's probe (readiness, and each signer's size estimate) stamps the digest of b""
    probe = hashlib.sha256(b"").digest()
    probes: list[int] = []

    @web.middleware
    async def count(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/tsa":
            asked = tsp.TimeStampReq.load(await request.read())
            if asked["message_imprint"]["hashed_message"].native == probe:
                probes.append(1)
        return await handler(request)

    app = make_app(DevPki.load(settings.pkcs12.parent))
    app.middlewares.append(count)
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    runner = web.AppRunner(app, access_log=None)

    async def serve() -> None:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", int(url.rsplit(":", 1)[1])).start()

    asyncio.run_coroutine_threadsafe(serve(), loop).result(timeout=10)
    try:
        hot = tmp_path / "hot"
        hot.mkdir()
        _paper(hot / "a.pdf", "Giấy xác nhận thứ nhất của Ủy ban nhân dân xã.")
        _paper(hot / "b.pdf", "Giấy xác nhận thứ hai của Ủy ban nhân dân xã.")
        report = run_watch(hot, settings, options=WatchSettings(settle_seconds=0,
                                                                poll_seconds=0.05), once=True)
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
    assert report.files_done == 2 and report.documents == 2, report
    # one readiness probe at start, then one per file's signer (made per ingest): not two
    assert len(probes) == 1 + 2, probes
