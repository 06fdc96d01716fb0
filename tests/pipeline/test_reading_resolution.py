"""A page scanned finer than the reading resolution is read from a copy shrunk to it, and its
words and marks come back in the scan's own pixels (issue 18, speed16)."""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pytest
from PIL import Image

import sohoa.ocr
from sohoa.ocr import engine
from sohoa.ocr.resolution import READING_DPI, reading_copy
from sohoa.pipeline.analysis import AnalyzeOptions
from sohoa.pipeline.stages import enlarged, recognize_only
from sohoa.records import InkMark, OcrPage, Page, Word
from sohoa.synth.hostile import text_page
from sohoa.vntext import fold


def _page(image: Image.Image, dpi: int) -> Page:
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(dpi, dpi))
    data = buf.getvalue()
    return Page(source="p.png", index=0, source_sha256="0" * 64, data=data, mime="image/png",
                width=image.width, height=image.height, dpi=dpi,
                sha256=hashlib.sha256(data).hexdigest())


def test_reading_copy_shrinks_only_finer_scans() -> None:
    fine = Image.new("RGB", (2480, 3508), "white")  # A4 at 300 dpi
    copy, dpi = reading_copy(fine, 300)
    assert dpi == READING_DPI == 200
    assert copy.size == (1653, 2339)
    assert copy.mode == "RGB"
    coarse = Image.new("L", (1654, 2339), 255)
    assert reading_copy(coarse, 200) == (coarse, 200)
    assert reading_copy(coarse, 150) == (coarse, 150)


def test_a_300_dpi_page_is_read_at_200_and_given_back_in_its_own_pixels(
        monkeypatch: pytest.MonkeyPatch) -> None:
    image, lines = text_page(3, dpi=300)
    seen: list[tuple[int, tuple[int, int]]] = []
    real = engine.recognize_page

    def spy(picture: Image.Image, **kwargs: object) -> OcrPage:
        seen.append((int(kwargs["dpi"]), picture.size))  # type: ignore[call-overload]
        return real(picture, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sohoa.ocr, "recognize_page", spy)
    ocr = recognize_only(_page(image, 300), AnalyzeOptions("vie", 60.0, ""))
    assert seen == [(200, (round(image.width * 2 / 3), round(image.height * 2 / 3)))]
    assert (ocr.dpi, ocr.width, ocr.height) == (300, image.width, image.height)
    read = fold(ocr.text)
    assert all(fold(line) in read for line in lines if "Họ và tên" in line)
    # every word's box is on the scan's ink: its darkest pixel is print, not paper
    grey = np.asarray(image)
    assert ocr.words
    for word in ocr.words:
        assert word.left >= 0 and word.left + word.width <= image.width
        assert word.top >= 0 and word.top + word.height <= image.height
        box = grey[word.top:word.top + word.height, word.left:word.left + word.width]
        assert box.min() < 128, word


def test_enlarged_scales_words_and_marks_along_the_upright_page() -> None:
    word = Word(text="Hà", left=10, top=20, width=30, height=12, confidence=90.0)
    seal = InkMark("seal", 100, 200, 60, 60)
    # a page turned a quarter: upright it is 400 wide (the scan's height, shrunk by 1.5) and
    # 300 high (the scan's width, shrunk by 2)
    ocr = OcrPage(page_sha256="x", rotation=90, skew=0.0, width=400, height=300, dpi=200,
                  words=(word,), text="Hà", confidence=0.9, marks=(seal,))
    big = enlarged(ocr, (2.0, 1.5), (600, 600), 300)
    assert (big.width, big.height, big.dpi) == (600, 600, 300)
    assert (big.words[0].left, big.words[0].top, big.words[0].width, big.words[0].height) == (
        15, 40, 45, 24)
    assert big.marks == (InkMark("seal", 150, 400, 90, 120),)
    assert enlarged(ocr, (1.0, 1.0), (300, 400), 200) is ocr
