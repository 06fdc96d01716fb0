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
