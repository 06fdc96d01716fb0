"""Spellings of a name word that differ only in their marks, told apart by drawing them."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from sohoa.ocr.drawn import drawn_spelling, faces
from sohoa.synth.foreign import FONTS


def _printed(word: str, face: str, height: int = 36) -> np.ndarray:
    """``word`` printed in ``face`` (bold), a little blurred and grey as a scan gives it."""
    font = ImageFont.truetype(face, height)
    image = Image.new("L", (height * (len(word) + 2), 2 * height), 235)
    ImageDraw.Draw(image).text((height // 2, height // 3), word, font=font, fill=35)
    return np.asarray(image.filter(ImageFilter.GaussianBlur(0.6)))


@pytest.mark.parametrize("word", ["Cẩm", "Cầm", "Bổn", "Bốn"])
def test_the_printed_spelling_is_the_one_whose_marks_match(word: str) -> None:
    # `make install` puts the serif faces there (fonts-liberation2, fonts-texgyre, …): a machine
    # without them is a broken install, not a reason to skip
    assert faces(), "no serif bold face: run make install"
    twins = {"Cẩm": ["Cẩm", "Cầm"], "Cầm": ["Cầm", "Cẩm"], "Bổn": ["Bốn", "Bổn"],
             "Bốn": ["Bổn", "Bốn"]}[word]
    face = FONTS["termes"][1]  # TeX Gyre Termes Bold: Times New Roman's design
    assert drawn_spelling(_printed(word, face), twins) == word


def test_nothing_is_told_where_the_crop_is_no_such_word() -> None:
    face = FONTS["termes"][1]
    # Another word (the face fits it badly), and a blank crop.
    assert drawn_spelling(_printed("Nguyễn", face), ["Cẩm", "Cầm"]) is None
    assert drawn_spelling(np.full((40, 120), 235, np.uint8), ["Cẩm", "Cầm"]) is None
