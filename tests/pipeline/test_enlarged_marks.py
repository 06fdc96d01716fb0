"""A page over the analysis ceiling is read reduced; what was found on it comes back in the
stored image's pixels — its words, and its seals' and signatures' boxes too (speed16)."""

from __future__ import annotations

from sohoa.pipeline.stages import enlarged
from sohoa.records import InkMark, OcrPage, Word


def test_enlarged_scales_words_and_marks() -> None:
    word = Word(text="Hà", left=10, top=20, width=30, height=12, confidence=90.0)
    seal = InkMark("seal", 100, 200, 60, 60)
    # a page turned a quarter: its upright copy is the stored image's height wide
    ocr = OcrPage(page_sha256="x", rotation=90, skew=0.0, width=400, height=300, dpi=150,
                  words=(word,), text="Hà", confidence=0.9, marks=(seal,))
    big = enlarged(ocr, 2, (600, 800), 300)
    assert (big.width, big.height, big.dpi) == (800, 600, 300)
    assert (big.words[0].left, big.words[0].top, big.words[0].width, big.words[0].height) == (
        20, 40, 60, 24)
    assert big.marks == (InkMark("seal", 200, 400, 120, 120),)
    assert enlarged(ocr, 1, (300, 400), 150) is ocr
