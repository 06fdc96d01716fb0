import io

import cv2
import numpy as np
import pytest
import zxingcpp
from PIL import Image

from sohoa.synth import render_document


def _read(image) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for result in zxingcpp.read_barcodes(image):
        found.setdefault(result.format.name, set()).add(result.text)
    return found


def _flatten(image: Image.Image) -> np.ndarray:
    """Divide out the paper tone and shadow, as a reader should before a 1D scan."""
    grey = np.asarray(image.convert("L"), dtype=np.float32)
    background = cv2.GaussianBlur(grey, (0, 0), 25)
    return np.clip(grey / background * 230, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("severity", ["clean", "medium"])
def test_receipt_carries_the_code_as_qr_and_code128(seed, severity):
    doc = render_document("dossier_receipt", seed, severity=severity)
    code = doc.truth.fields["dossier_code"]
    scanned = Image.open(io.BytesIO(doc.page_jpeg(0)))
    found = _read(scanned)
    assert found.get("QRCode") == {code}
    assert found.get("Code128") == {code}
    assert f"Mã hồ sơ: {code}" in doc.truth.page_lines[0]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_heavy_receipt_still_decodes(seed):
    doc = render_document("dossier_receipt", seed, severity="heavy")
    code = doc.truth.fields["dossier_code"]
    scanned = Image.open(io.BytesIO(doc.page_jpeg(0)))
    assert scanned.mode == "L"
    assert _read(scanned).get("QRCode") == {code}
    # The photocopy shadow defeats a row-wise threshold over the whole width; with the
    # background flattened the Code 128 reads too.
    assert _read(_flatten(scanned)).get("Code128") == {code}


def test_rotated_receipt_decodes():
    doc = render_document("dossier_receipt", 4, severity="light")
    code = doc.truth.fields["dossier_code"]
    for turn in (Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180):
        found = _read(doc.pages[0].transpose(turn))
        assert found.get("QRCode") == {code}
