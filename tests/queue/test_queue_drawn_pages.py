"""A drawn born-digital page through the workers (review10 S2): its one-page PDF (fonts and
all) travels in the blob store by its SHA-256, not base64 in every message and in the job board
that each step reads whole; the worker reads the page's exact words from it, and the blob is
gone once the job is closed (kept, it would hold the citizen's page past a disposal)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from fpdf import FPDF
from test_queue import make_settings, worker

from sohoa.pdf.textpdf import FONTS
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.queue.actors import Queue
from sohoa.pipeline.queue.messages import TEXT_PDF
from sohoa.pipeline.services import open_archive

pytestmark = pytest.mark.timeout(300)

LINES = ["GIẤY KHAI SINH", "Họ, chữ đệm, tên: NGUYỄN THỊ HỒNG NHUNG",
         "Ủy ban nhân dân phường Láng Hạ ghi vào Sổ đăng ký khai sinh ngày 20 tháng 3."]


def _drawn_paper(path: Path) -> None:
    """A page in an embedded Vietnamese font that also shows CID 0: sohoa draws it (PDF/A
    forbids .notdef) and reads its words from the PDF (``Page.text_pdf``)."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("body", "", next(f for f in FONTS[""] if Path(f).is_file()))
    pdf.set_font("body", "", 12)
    pdf.add_page()
    for line in LINES:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    doc = pikepdf.open(io.BytesIO(bytes(pdf.output())))
    font = next(iter(doc.pages[0].Resources.Font))
    doc.pages[0].contents_add(pikepdf.Stream(
        doc, f"BT {font} 12 Tf 72 300 Td <0000> Tj ET".encode()), prepend=False)
    doc.save(path)


def test_a_drawn_page_is_read_by_a_worker_from_the_blob_store(tmp_path: Path,
                                                              broker_url: str) -> None:
    paper = tmp_path / "in" / "khai-sinh.pdf"
    paper.parent.mkdir()
    _drawn_paper(paper)
    settings = make_settings(tmp_path / "home", broker_url)
    events: list[dict[str, Any]] = []
    with worker(settings):
        summary = run_ingest([paper.parent], settings, emit=events.append)
    assert summary.stored == 1 and summary.quarantined == 0, events
    queue = Queue(settings)
    try:
        [meta] = queue.board.pages(summary.job_id)
    finally:
        queue.close()
    assert meta.get("drawn") and meta.get(TEXT_PDF), meta
    assert len(json.dumps(meta)) < 4096  # the board holds a name, not the PDF
    with open_archive(settings) as archive:
        # the worker's words are the PDF's own (F21), so it had the one-page PDF
        hits = archive.search("Sổ đăng ký khai sinh")
        assert set(summary.document_ids) & {h["document_id"] for h in hits}, hits
        assert not archive.blobs.exists(meta[TEXT_PDF])  # dropped at the job's close
