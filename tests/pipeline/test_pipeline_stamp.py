"""The visible signature on stored PDFs, as a reader sees page 1: upright, in the top-right
corner, on blank paper, whichever way the sheet went through the scanner.

Four papers are scanned upright, upside down and on either side, ingested by the real `sohoa`
command (OSD finds the rotation, the PDF keeps the scan with ``/Rotate``), fetched back with
`sohoa get`, and page 1 is drawn by poppler as a viewer would. The stamp is what signing added
to the drawing; Tesseract must read it without being allowed to turn it (so it is upright), it
must sit in the corner, and no ink of the page nor any word of the text layer (poppler's own
``pdftotext -bbox``) may come near it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf
import pytest
from PIL import Image
from pipeline_helpers import json_lines, run_sohoa

from sohoa.synth.degrade import encode_jpeg
from sohoa.synth.document import render_document

DPI = 100  # drawing resolution for the checks: 0.254 mm per pixel
# PIL turns counter-clockwise; a sheet that needs r degrees clockwise to be upright.
_SCANNED = {0: None, 90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
            270: Image.Transpose.ROTATE_270}
PAPERS = {0: "decision", 90: "birth_certificate", 180: "marriage_certificate",
          270: "judicial_record"}


def _draw(pdf: Path, dpi: int = DPI) -> np.ndarray:
    done = subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-gray",
                           "-singlefile", str(pdf)], capture_output=True, check=True)
    from io import BytesIO

    with Image.open(BytesIO(done.stdout)) as picture:
        return np.asarray(picture.convert("L"))


def _unsigned(pdf: Path, out: Path) -> Path:
    """The first revision of the stored file: the archival PDF before signing."""
    data = pdf.read_bytes()
    end = data.index(b"%%EOF") + len(b"%%EOF")
    out.write_bytes(data[:end] + b"\n")
    return out


def _words(pdf: Path) -> list[tuple[float, float, float, float]]:
    """Word boxes of page 1's text layer, in points from the top left as displayed."""
    done = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True)
    return [tuple(float(v) for v in m.groups()) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', done.stdout)]


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    scans = tmp_path_factory.mktemp("scans")
    for n, (rotation, paper) in enumerate(PAPERS.items()):
        document = render_document(paper, 40 + n, dpi=200)
        image = document.pages[0]
        if _SCANNED[rotation] is not None:
            image = image.transpose(_SCANNED[rotation])
        (scans / f"{n}-{paper}.jpg").write_bytes(encode_jpeg(image, "clean", 200))
    home = tmp_path_factory.mktemp("home")
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0
    done = run_sohoa(home, "ingest", str(scans), "--json")
    assert done.returncode == 0, done.stderr
    events: list[dict[str, Any]] = [e for e in json_lines(done.stdout) if e.get("created")]
    out = tmp_path_factory.mktemp("stored")
    by_rotation: dict[int, Path] = {}
    for event in events:
        assert event["signature"]["kind"] == "agency"  # the default workflow: SAO Y copies
        target = out / f"{event['document_id']}.pdf"
        got = run_sohoa(home, "get", event["document_id"], "-o", str(target),
                        "--purpose", "kiểm tra vị trí chữ ký")
        assert got.returncode == 0, got.stderr
        with pikepdf.open(target) as pdf:
            rotation = int(pdf.pages[0].obj.get("/Rotate", 0))
        by_rotation[rotation] = target
    assert sorted(by_rotation) == [0, 90, 180, 270], events
    return by_rotation


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_stamp_is_upright_in_the_top_right_corner_clear_of_text(
    stored: dict[int, Path], rotation: int, tmp_path: Path
) -> None:
    signed_pdf = stored[rotation]
    before_pdf = _unsigned(signed_pdf, tmp_path / "unsigned.pdf")
    signed, before = _draw(signed_pdf), _draw(before_pdf)
    assert signed.shape == before.shape
    height, width = signed.shape
    assert height > width  # portrait as displayed: /Rotate turned the sideways scans
    # The stamp: where signing darkened the page.
    added = (before.astype(int) - signed.astype(int)) > 60
    rows, cols = np.nonzero(added)
    assert rows.size > 200, "no visible stamp on page 1"
    top, bottom, left, right = rows.min(), rows.max(), cols.min(), cols.max()

    # In the top-right corner of the page as displayed.
    assert left > width * 0.4 and right > width * 0.75, (left, right, width)
    assert bottom < height * 0.2, (top, bottom, height)

    # Upright: Tesseract reads it with no orientation detection (psm 6).
    pad = 8
    crop = Image.fromarray(signed[max(0, top - pad):bottom + pad, max(0, left - pad):right + pad])
    crop = crop.resize((crop.width * 3, crop.height * 3), Image.Resampling.LANCZOS)
    crop.save(tmp_path / "stamp.png")
    read = subprocess.run(["tesseract", str(tmp_path / "stamp.png"), "-", "-l", "vie",
                           "--psm", "6"], capture_output=True, text=True, check=True).stdout
    # Upright is what is checked: turned text gives neither line. "SAO Y" itself came back
    # "SAO VY" once in a full run (the stamp's lone "Y" beside the signing time's line).
    assert "SAO" in read, read
    assert "Thời gian ký" in read or "Thoi gian ky" in read, read

    # Clear of ink: nothing printed on the page within 1 mm of the stamp's letters.
    margin = round(1 / 25.4 * DPI)
    near = before[max(0, top - margin):bottom + margin + 1,
                  max(0, left - margin):right + margin + 1]
    paper = float(np.percentile(before, 90))
    assert (near > paper - 60).all(), "the stamp is drawn over or against the page's ink"

    # Clear of the text layer's words (poppler's reading of the stored file).
    scale = 72.0 / DPI
    box = ((left - margin) * scale, (top - margin) * scale,
           (right + margin) * scale, (bottom + margin) * scale)
    words = _words(before_pdf)
    assert words, "the stored PDF has no text layer"
    clash = [w for w in words
             if w[0] < box[2] and box[0] < w[2] and w[1] < box[3] and box[1] < w[3]]
    assert not clash, clash
