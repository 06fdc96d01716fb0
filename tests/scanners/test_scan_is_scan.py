"""``pdfpages.is_scan``: whether page 1 of a PDF is a picture of a paper, which `sohoa sign`
will not stamp as the agency's original unless told (review14a S4)."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from PIL import Image

from sohoa.scanners.pdfpages import is_scan


def _png(size: tuple[int, int]) -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, format="PNG")
    buf.seek(0)
    return buf


def _pdf(path: Path, *, image: tuple[float, float] | None, hidden_text: bool = False,
         text: bool = False) -> Path:
    doc = FPDF(unit="pt", format=(595, 842))
    doc.add_page()
    if image is not None:
        doc.image(_png((200, 280)), x=0, y=0, w=image[0], h=image[1])
    doc.set_font("helvetica", size=12)
    if hidden_text:  # a scanner's searchable PDF: the OCR words, invisible, over the picture
        doc.text_mode = 3
        doc.text(40, 60, "GIAY XAC NHAN CU TRU so 123/XN")
    if text:
        doc.text(40, 200, "UY BAN NHAN DAN PHUONG TAN PHONG - GIAY XAC NHAN")
    doc.output(str(path))
    return path


def test_a_picture_of_a_paper_is_a_scan_with_or_without_its_ocr_words(tmp_path: Path) -> None:
    assert is_scan(_pdf(tmp_path / "scan.pdf", image=(595, 842))) is True
    assert is_scan(_pdf(tmp_path / "searchable.pdf", image=(595, 842), hidden_text=True)) is True
    assert is_scan(_pdf(tmp_path / "margin.pdf", image=(580, 830))) is True  # a thin margin


def test_a_page_a_program_wrote_is_not(tmp_path: Path) -> None:
    assert is_scan(_pdf(tmp_path / "text.pdf", image=None, text=True)) is False
    assert is_scan(_pdf(tmp_path / "logo.pdf", image=(120, 120), text=True)) is False
    assert is_scan(_pdf(tmp_path / "blank.pdf", image=None)) is False
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert is_scan(broken) is None
