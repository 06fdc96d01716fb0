"""The QR code (ISO/IEC 18004) printed at the top left of what sohoa issues, and reading it back.

TT 01/2023/TT-VPCP Điều 26 asks that a paper the system prints carry a QR code at the top left
with at least the dossier code, the procedure code, the owner's ID, the paper's name, the
system's name and the time of issue (and the validity on a result). The payload is compact JSON
(UTF-8, keys in this order, absent values left out rather than written null, so the symbol
stays small enough to read from a 200 dpi render or a phone):

=============  =============================================================================
``v``          payload version (1)
``system``     the issuing system: ``sohoa`` and the agency (``sohoa · UBND xã …``)
``paper``      the paper's name in Vietnamese (``Biên bản hủy tài liệu hết giá trị``)
``kind``       what the catalog knows it as: ``disposal-record``, ``kpi-report``, …
``ref``        its key in the catalog (a disposal list's number, a report's period)
``dossier``    the dossier code (papers of a dossier)
``procedure``  the procedure code (papers of a dossier)
``owner``      the owner's ID number (papers of a person)
``issued``     the time of issue, ISO 8601 with +07:00
``valid_until``  a result's last valid day (ISO date)
(others)       what the catalog can confirm for that kind (a destruction record's decision and
               count, a report's totals)
=============  =============================================================================

The symbol is drawn as vector squares (no image: sharp at any zoom, nothing for PDF/A to object
to) by :meth:`sohoa.pdf.textpdf.TextDocument.qr_code` before the document is signed, so the
signature covers it. :func:`read_pdf` renders the top left of page 1 with poppler's
``pdftoppm`` and decodes it with zxing-cpp; checking it against the catalog is the pipeline's
(``sohoa.pipeline.qrcheck``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import zxingcpp

from sohoa.errors import ConfigError
from sohoa.vntext import nfc

SYSTEM = "sohoa"
VERSION = 1
ORDER = ("v", "system", "paper", "kind", "ref", "dossier", "procedure", "owner", "issued",
         "valid_until")
RENDER_DPI = 200
RENDER_MM = 80  # the top-left square rendered to look for the symbol


def payload_text(fields: Mapping[str, Any]) -> str:
    """The compact JSON the symbol carries (NFC text, documented keys first)."""
    data = {"v": VERSION}
    for key in ORDER[1:]:
        if fields.get(key) not in (None, ""):
            data[key] = fields[key]
    for key, value in fields.items():
        if key not in data and value not in (None, ""):
            data[key] = value
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return nfc(text)


def system_name(agency: str) -> str:
    return f"{SYSTEM} · {agency}" if agency else SYSTEM


def modules(text: str) -> np.ndarray:
    """The symbol's dark modules (True = dark), without the quiet zone. Error correction M:
    a printed page survives a stain or a fold over 15 % of the symbol."""
    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    return np.asarray(symbol.to_image(scale=1, add_quiet_zones=False)) < 128


def parse(text: str) -> dict[str, Any] | None:
    """A decoded symbol's payload if it is one of ours, else None (another QR on the page)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not str(data.get("system", "")).startswith(SYSTEM):
        return None
    return data


def read_pdf(pdf: bytes, *, dpi: int = RENDER_DPI) -> list[str]:
    """The texts of the QR codes at the top left of page 1 (rendered by ``pdftoppm``)."""
    from PIL import Image

    tool = shutil.which("pdftoppm")
    if tool is None:
        raise ConfigError("chưa cài pdftoppm (gói poppler-utils): không đọc lại được mã QR")
    side = round(RENDER_MM / 25.4 * dpi)
    with tempfile.TemporaryDirectory(prefix="sohoa-qr-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        done = subprocess.run(
            [tool, "-r", str(dpi), "-f", "1", "-l", "1", "-x", "0", "-y", "0", "-W", str(side),
             "-H", str(side), "-gray", "-png", "-singlefile", "--", str(source),
             str(Path(tmp) / "page")], capture_output=True, timeout=120, check=False)
        rendered = Path(tmp) / "page.png"
        if done.returncode != 0 or not rendered.is_file():
            return []  # not a PDF poppler can draw: the signature check says what is wrong
        with Image.open(rendered) as image:
            grey = np.asarray(image.convert("L"))
    return [b.text for b in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode)
            if b.valid]
