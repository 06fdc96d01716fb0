"""The certified copy's page 1 keeps every line inside the page margins: with the agency's key
(``signing.certify_with_agency_key``, as ``make demo`` certifies) the signer line reads "Lê Văn
Tâm (ký bằng chữ ký số của cơ quan …)" and ran past the right edge, cut mid-word."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

from sample_files import page_image

from sohoa.pipeline import certify
from sohoa.records import CertificationEntry
from sohoa.signing.identity import _signer_common_name

MM = 72 / 25.4
AGENCY = "Ủy ban nhân dân phường Tân Phong, thành phố Biên Hòa, tỉnh Đồng Nai"
UNIT = "UBND phường Tân Phong, thành phố Biên Hòa"


def _words(pdf: Path) -> list[tuple[float, float, float, str]]:
    """(page width, xMin, xMax, word) of every word pdftotext finds on page 1."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                          check=True, capture_output=True).stdout
    root = ET.fromstring(html.replace(b'<!DOCTYPE', b'<!-- ').replace(b'.dtd">', b'.dtd" -->'))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    page = root.find(".//x:page", ns)
    assert page is not None
    width = float(page.get("width", "0"))
    return [(width, float(w.get("xMin", "0")), float(w.get("xMax", "0")), w.text or "")
            for w in page.iterfind("x:word", ns)]


def test_every_line_of_page_one_fits_inside_the_margins(tmp_path: Path) -> None:
    # the development certificate's name, as `make demo` signs with it
    official = certify.agency_signed("Lê Văn Tâm", _signer_common_name(AGENCY))
    when = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    entry = CertificationEntry(
        id=1, unit="H19.22.31", year=2026, number=17, book="01/2026-SCT/BS",
        certified_at=when, certified_on=when.date(), owner_id="075203001234",
        paper="Giấy khai sinh", doc_type="birth_certificate", pages=1,
        original="file:giay-khai-sinh.jpg", official=official,
        official_title="Phó Chủ tịch Ủy ban nhân dân phường Tân Phong", compared_by=official,
        status="issuing", document_id=None, note=None)
    pdf = tmp_path / "ban-sao.pdf"
    pdf.write_bytes(certify.copy_pdf(entry, [page_image("layout-0")], agency=AGENCY,
                                     unit_name=UNIT, dossier=None,
                                     valid_until=date(2030, 1, 1)))
    words = _words(pdf)
    text = " ".join(w for *_, w in words)
    # The whole signer line is there (wrapped, not cut), test mark included.
    assert "Tâm" in text and "NGHIỆM))" in text, text
    width = words[0][0]
    # 15 mm right margin, 18 mm left (the QR code sits left of it, drawn, not text).
    outside = [(w, round(x0 / MM, 1), round(x1 / MM, 1)) for _, x0, x1, w in words
               if x1 > width - 15 * MM + 0.5 or x0 < 18 * MM - 0.5]
    assert not outside, outside


def test_the_agency_signed_name_fits_the_register_and_closes_its_bracket() -> None:
    long = certify.agency_signed("Nguyễn Thị Phương Thảo Hoàng Lê", "Ủy ban nhân dân " * 8)
    assert len(long) <= certify.OFFICIAL_CHARS and long.endswith("…)"), long
    short = certify.agency_signed("Lê Văn Tâm", "UBND phường Tân Phong")
    assert short == "Lê Văn Tâm (ký bằng chữ ký số của cơ quan UBND phường Tân Phong)"
