"""Copies from a worn drum (issue 18, tester16 F5): white paper peppered with isolated specks
of toner passed every other measure as a clean scan, were read raw and came out as noise."""

from __future__ import annotations

from collections import Counter

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from sohoa.ocr import recognize_page
from sohoa.ocr.engine import open_image
from sohoa.ocr.preprocess import measure, prepare, to_array
from sohoa.ocr.specks import speckle
from sohoa.pipeline.stages import page_lexicon
from sohoa.synth.foreign import FONTS, foreign_page


def _cer(lines: tuple[str, ...], text: str) -> float:
    """Order-independent character error rate (bag of characters, as bench/ does)."""
    truth = Counter(ch for line in lines for ch in line if not ch.isspace())
    got = Counter(ch for ch in text if not ch.isspace())
    errors = max(sum((truth - got).values()), sum((got - truth).values()))
    return errors / sum(truth.values())


def _print(dpi: int) -> np.ndarray:
    """Lines dense with i-dots, tone marks and full stops, black on white, at ``dpi``."""
    size = round(11 * dpi / 72)
    face = ImageFont.truetype(FONTS["dejavu"][0], size)
    image = Image.new("L", (round(8.27 * dpi), round(4 * dpi)), 255)
    draw = ImageDraw.Draw(image)
    line = "Ý kiến: chị Bùi Thị Hiền, ở thôn Phú Lộc, xã Hòa Vĩnh. Số: 123/QĐ-UBND."
    for row in range(6):
        draw.text((dpi // 2, dpi // 3 + row * round(size * 1.6)), line, font=face, fill=0)
    return np.asarray(image)


def test_dots_and_tone_marks_beside_letters_are_not_specks() -> None:
    for dpi in (200, 300):
        page = _print(dpi)
        assert speckle(page, dpi, 255.0, 0.0) < 0.5
        # The same page with isolated dots of toner, 40 per cm², away from the lines too.
        rng = np.random.default_rng(dpi)
        peppered = page.copy()
        count = round(40 * page.size / (dpi / 2.54) ** 2)
        ys, xs = rng.integers(0, page.shape[0] - 2, count), rng.integers(0, page.shape[1] - 2,
                                                                          count)
        peppered[ys, xs] = peppered[ys + 1, xs] = 30
        # Most fall on paper (a line is a small part of the page) and count.
        assert 25 < speckle(peppered, dpi, 255.0, 0.0) < 45


def test_a_clean_scan_is_not_cleaned_as_a_copy() -> None:
    # Its i-dots, tone marks and full stops stay as they are: no median, no stretch.
    for dpi, family in ((200, "liberation"), (300, "dejavu")):
        page = foreign_page(3, family=family, dpi=dpi, colour=True, wear="clean")
        image = open_image(page.jpeg)
        measures = measure(to_array(image), dpi)
        assert measures.clean and measures.speckle < 1.0
        assert "denoise" not in prepare(image, dpi=dpi).steps


def test_speckled_copy_is_denoised_and_read() -> None:
    # Seed 3, Noto Serif at 300 dpi in colour: paper ≈227, toner ≈50, even light — a clean scan
    # by every other measure; read raw, Tesseract joined the specks to the letters.
    page = foreign_page(3, family="noto", dpi=300, colour=True, wear="speckled")
    image = open_image(page.jpeg)
    measures = measure(to_array(image), 300)
    assert measures.speckle >= 10 and not measures.clean and measures.copy
    assert "denoise" in prepare(image, dpi=300).steps
    ocr = recognize_page(page.jpeg, page_sha256="x", dpi=300, lexicon=page_lexicon())
    assert _cer(page.lines, ocr.text) < 0.08
