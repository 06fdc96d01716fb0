"""A scanned result is refused before any page is recognized when the home cannot sign
(tester 10, F23): `sohoa result add CODE file.pdf --scanned` with the PKI down used to
recognize every page and only then refuse at the signature. It now checks the signer's
readiness first, as ingest, watch and scan do."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

from pipeline_helpers import run_sohoa

from sohoa.synth import write_batch

PROCEDURE = "2.001610.000.00.00.H19"  # thành lập doanh nghiệp


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_scanned_result_with_the_pki_down_recognizes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # a dev-PKI home whose CRL, OCSP and TSA address nothing listens on
    made = run_sohoa(home, "init", "--unit", "H19.22", "--dev-pki", "--dev-pki-url",
                     f"http://127.0.0.1:{_free_port()}")
    assert made.returncode == 0, made.stderr
    paper = tmp_path / "paper"
    truth = write_batch(paper, seed=5, dossiers=1, fmt="pdf", duplex=False, severity="clean",
                        docs_per_dossier=(1, 1))
    dossier = truth["dossiers"][0]
    opened = run_sohoa(home, "dossier", "open", dossier["code"], "--procedure", PROCEDURE,
                       "--owner", dossier["applicant_id"], "--unit", "H19.22")
    assert opened.returncode == 0, opened.stderr
    done = run_sohoa(home, "result", "add", dossier["code"], str(paper / "batch.pdf"),
                     "--scanned")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "sohoa dev-pki serve" in done.stderr, done.stderr
    assert "SigningError" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    with sqlite3.connect(home / "catalog.db") as db:
        analysed = db.execute("SELECT count(*) FROM stage_cache").fetchone()[0]
        documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert analysed == 0, "pages were recognized before the refusal"
    assert documents == 0
