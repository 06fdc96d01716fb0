"""The reuse loop through the real pipeline: a dossier the one-stop system opened before its
batch was scanned gets the scanned papers (real OCR) on its components by type, with their
digitization codes; a born-digital signed result is verified and kept byte for byte; a result
whose signature does not verify is refused (exit 4) and nothing is stored; the KPI report
comes out as HTML with charts and as a signed PDF/A."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from pipeline_helpers import run_sohoa
from testtools import verapdf

from sohoa.synth import render_document, write_batch

PROCEDURE = "2.001610.000.00.00.H19"  # thành lập doanh nghiệp: TP1 đơn đề nghị, TP2 căn cước


@pytest.mark.timeout(1800)  # two OCR runs and some twenty `sohoa` processes on a shared machine
def test_open_then_ingest_then_result_then_report(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    # the receipt and the application form (TP1): the papers this test follows; the batch's
    # other papers (3 more documents, 4 pages) were recognized and signed for nothing
    truth = write_batch(batch, seed=3, dossiers=1, fmt="pdf", duplex=False, severity="clean",
                        docs_per_dossier=(1, 1))
    dossier = truth["dossiers"][0]
    code, owner = dossier["code"], dossier["applicant_id"]
    home = tmp_path / "home"
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0
    opened = run_sohoa(home, "dossier", "open", code, "--procedure", PROCEDURE, "--owner", owner,
                       "--unit", "H19.22", "--received", "2024-02-26T08:30")
    assert opened.returncode == 0, opened.stderr

    ingested = run_sohoa(home, "ingest", str(batch), "--json")
    assert ingested.returncode == 0, ingested.stderr
    state = json.loads(run_sohoa(home, "dossier", "show", code, "--json").stdout)
    form = next(c for c in state["components"] if c["code"] == "TP1")
    assert form["satisfied"] == "digitized" and form["document_id"] in state["documents"]
    assert form["digitization_code"] == f"{owner}.{PROCEDURE}.TP1.01"
    # The scan did not overwrite what the one-stop system said.
    assert state["unit"] == "H19.22" and state["received_at"] == "2024-02-26T01:30:00+00:00"

    # A born-digital result: signed by the agency's key, verified, stored as is.
    # (a one-page PDF the agency's own software made: its making is not what is tested here,
    # so no third OCR run of the batch for it)
    unsigned = tmp_path / "kq.pdf"
    certificate = render_document("business_registration", 11, dpi=100).page_jpeg(0)
    Image.open(io.BytesIO(certificate)).convert("RGB").save(unsigned, resolution=100)
    signed = tmp_path / "kq-signed.pdf"
    # (a picture stands in for it: the person says it is the agency's own issue)
    assert run_sohoa(home, "sign", str(unsigned), "-o", str(signed),
                     "--original").returncode == 0
    refused = run_sohoa(home, "result", "add", code, str(unsigned))
    assert refused.returncode == 4, refused.stderr
    assert "không hợp lệ" in refused.stderr
    assert json.loads(run_sohoa(home, "dossier", "show", code, "--json").stdout)["results"] == []
    # a signed result with one byte changed in its scan: refused in Vietnamese alone, with no
    # pyHanko log line or traceback on the clerk's terminal
    tampered = tmp_path / "kq-tampered.pdf"
    data = bytearray(signed.read_bytes())
    data[len(data) // 3] ^= 0x01
    tampered.write_bytes(bytes(data))
    bad = run_sohoa(home, "result", "add", code, str(tampered))
    assert bad.returncode == 4 and "không hợp lệ" in bad.stderr, bad.stderr
    assert "Traceback" not in bad.stderr and "imprint" not in bad.stderr, bad.stderr

    added = run_sohoa(home, "result", "add", code, str(signed), "--json")
    assert added.returncode == 0, added.stderr
    outcome = json.loads(added.stdout)
    assert outcome["result"]["digitization_code"] == f"{owner}.KQ.001610.1.01"
    assert outcome["result"]["born_digital"] is True
    kept = tmp_path / "kept.pdf"
    got = run_sohoa(home, "get", outcome["document_id"], "-o", str(kept), "--purpose", code)
    assert got.returncode == 0, got.stderr
    assert kept.read_bytes() == signed.read_bytes()
    reusable = run_sohoa(home, "reuse", owner, "--json", "--purpose", code)
    assert outcome["document_id"] in reusable.stdout

    # A paper result: digitized like any scan (OCR, PDF/A, the agency's signature), recorded
    # as the dossier's second result with its own code.
    paper = tmp_path / "paper"
    write_batch(paper, seed=5, dossiers=1, fmt="pdf", duplex=False, severity="clean",
                docs_per_dossier=(1, 1))
    scanned = run_sohoa(home, "result", "add", code, str(paper / "batch.pdf"), "--scanned",
                        "--json")
    assert scanned.returncode == 0, scanned.stderr
    second = json.loads(scanned.stdout)
    assert second["result"]["born_digital"] is False
    # The code names the owner the paper itself names (this synthetic paper is someone
    # else's: a result keeps the owner read from it, the applicant only when none was read).
    shown = json.loads(run_sohoa(home, "show", second["document_id"], "--json", "--purpose",
                                 code).stdout)
    assert second["result"]["digitization_code"] == (
        f"{shown['owner_id'] or owner}.KQ.001610.2.01")
    assert second["document_id"] != outcome["document_id"]
    state = json.loads(run_sohoa(home, "dossier", "show", code, "--json").stdout)
    assert [r["document_id"] for r in state["results"]] == [outcome["document_id"],
                                                           second["document_id"]]

    html_path, pdf_path = tmp_path / "report.html", tmp_path / "report.pdf"
    for path in (html_path, pdf_path):
        made = run_sohoa(home, "report", "kpi", "--from", "2024-02-01", "--to", "2024-02-29",
                         "-o", str(path))
        assert made.returncode == 0, made.stderr
    page = html_path.read_text(encoding="utf-8")
    assert "Tỷ lệ hồ sơ TTHC thực hiện số hóa hồ sơ" in page
    assert page.count("data:image/png;base64,") == 2 and "http" not in page.replace(
        "http-equiv", "")
    verified = run_sohoa(home, "verify", str(pdf_path))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verapdf(pdf_path).startswith("PASS"), verapdf(pdf_path)
