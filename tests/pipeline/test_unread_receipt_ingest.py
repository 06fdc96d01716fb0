"""A receipt whose printed code is not read, end to end through the in-process executor
(born-digital pages: their text is read, no OCR): alone in its file or behind another dossier,
its papers are filed under an UNASSIGNED-… dossier with the question a clerk can act on, never
under the dossier before it nor silently (tester16 F10, review17 M3/N7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from sohoa.pdf.textpdf import FONTS
from sohoa.pipeline.assemble import UNREAD_RECEIPT_CODE
from sohoa.pipeline.home import init_home
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings, load_settings
from sohoa.synth import make_person, render_document
from sohoa.vntext import nfc


def _pdf(pages: list[list[str]], path: Path) -> None:
    font = next(f for f in FONTS[""] if Path(f).is_file())
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_font("body", "", font)
    pdf.set_font("body", "", 11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 6, nfc(line), new_x="LMARGIN", new_y="NEXT")
    path.write_bytes(bytes(pdf.output()))


def _dossier(seed: int, types: list[str], *, unread: bool) -> tuple[list[list[str]], str]:
    person = make_person(seed)
    pages: list[list[str]] = []
    code = ""
    for k, doc_type in enumerate(types):
        doc = render_document(doc_type, seed + k, person=person)
        if doc_type == "dossier_receipt":
            code = doc.truth.fields["dossier_code"]
        for lines in doc.truth.page_lines:
            pages.append([line.replace(code, "……………") if unread and code else line
                          for line in lines])
    return pages, code


def _ingested(tmp_path: Path, pages: list[list[str]]) -> tuple[Settings, list[str]]:
    """A desk home (unit H19.22) with ``pages`` ingested as one batch: its settings and the ids
    of the documents stored, in order."""
    home = tmp_path / "home"
    init_home(home, dev_key=True, unit="H19.22")
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    _pdf(pages, tmp_path / "batch.pdf")
    events: list[dict] = []
    run_ingest([tmp_path / "batch.pdf"], settings, emit=events.append)
    return settings, [e["document_id"] for e in events if e.get("document_id")]


@pytest.mark.parametrize("layout", ["alone", "behind another dossier"])
def test_an_unread_receipts_papers_are_asked_about(tmp_path: Path, layout: str) -> None:
    home = tmp_path / "home"
    init_home(home, dev_key=True, unit="H19.22")
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    unread, _ = _dossier(31, ["dossier_receipt", "birth_certificate"], unread=True)
    first_code = None
    if layout == "alone":
        pages = unread
    else:
        first, first_code = _dossier(11, ["dossier_receipt", "birth_certificate"], unread=False)
        pages = first + unread
    _pdf(pages, tmp_path / "batch.pdf")
    events: list[dict] = []
    run_ingest([tmp_path / "batch.pdf"], settings, emit=events.append)
    with open_archive(settings) as archive:
        docs = [archive.get_document(e["document_id"]) for e in events if e.get("document_id")]
        pdfs = {d["document_id"]: archive.get_pdf(d["document_id"]) for d in docs}
    assert len(docs) == len(pages)
    asked = [d for d in docs if d["dossier_code"].startswith("UNASSIGNED-")]
    # review19 N4: the signed PDF's title and subject say the group as a person reads it
    import io

    import pikepdf
    for doc in asked:
        with pikepdf.open(io.BytesIO(pdfs[doc["document_id"]])) as pdf:
            said = f"{pdf.docinfo.get('/Title')} {pdf.docinfo.get('/Subject')}"
        assert "UNASSIGNED" not in said and "chưa có mã hồ sơ (nhóm " in said, said
    assert len(asked) == 2
    for doc in asked:
        assert doc["needs_review"]
        assert any(UNREAD_RECEIPT_CODE in r for r in doc["review_reasons"]), doc["review_reasons"]
    assert all(d["dossier_code"] == first_code for d in docs if d not in asked)
