"""Which of two readings a printed number's own glyphs say (sohoa.ocr.glyphmatch): a disputed
glyph is compared with the number's other glyphs of either digit, in the same face and wear."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from sohoa.ocr.glyphmatch import glyph_boxes, glyph_choice
from sohoa.synth.forms_official import _face, available_families


def _printed(number: str, family: str, *, wear: float = 0.0, tail: str = "") -> np.ndarray:
    """``number`` (and ``tail``, e.g. a leader's dots) printed at 11 pt and 200 dpi in
    ``family``, greyed and speckled by ``wear`` (0–1), as a grey crop."""
    face = _face(family, "regular", 31)
    image = Image.new("L", (40 + 22 * (len(number) + len(tail)), 50), 255)
    ImageDraw.Draw(image).text((8, 8), number + tail, font=face, fill=20)
    pixels = np.asarray(image, dtype=np.float32)
    rng = np.random.default_rng(7)
    pixels = pixels + wear * (120 * (pixels < 128) + rng.normal(0, 30, pixels.shape))
    return np.clip(pixels, 0, 255).astype(np.uint8)


FACES = [f for f in ("DejaVu Serif", "Noto Serif", "TeX Gyre Termes") if f in available_families()]


@pytest.mark.parametrize("family", FACES)
@pytest.mark.parametrize(("printed", "misread"), [
    ("040080620959", "040080629959"),  # seed 67 page 6700017: a 0 read as 9
    ("040173010488", "040173010888"),  # seed 41 page 4100032: a 4 read as 8
    ("079072882453", "079073882453"),  # seed 59 page 5900032: a 2 read as 3
])
@pytest.mark.parametrize("wear", [0.0, 0.5])
def test_the_glyphs_choose_the_printed_reading(family: str, printed: str, misread: str,
                                               wear: float) -> None:
    crop = _printed(printed, family, wear=wear, tail=".....")
    assert len(glyph_boxes(crop, 12)) == 12
    assert glyph_choice(crop, [misread, printed]) == printed
    assert glyph_choice(crop, [printed, misread]) == printed


def test_a_digit_printed_nowhere_else_in_the_number_settles_nothing() -> None:
    # "…620959" against "…621959": the number prints no other 1 to compare the glyph with.
    crop = _printed("040080620959", FACES[0])
    assert glyph_choice(crop, ["040080620959", "040080621959"]) is None
    assert glyph_choice(crop, ["040080620959"]) is None  # not a pair
    assert glyph_choice(crop, ["040080620959", "04008062095"]) is None  # lengths differ
    assert glyph_boxes(np.full((30, 200), 255, np.uint8), 12) == []  # no ink
