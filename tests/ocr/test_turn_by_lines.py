"""A page whose own lines tell its turn (running down the page, or upside down) is read turned
so without asking OSD (≈0.2 CPU s a turned page); OSD is asked only when that reading is not
upright, and its answer wins as before."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import sohoa.ocr.engine as engine
from sohoa.ocr import recognize_page
from sohoa.ocr.orient import quarter_turn
from sohoa.pipeline.stages import page_lexicon
from sohoa.synth.foreign import foreign_page
from tests.ocr.test_lines_run_down import _letter


@pytest.mark.parametrize("skew", [0.0, 2.3, -4.0])
def test_the_quarter_is_told_from_the_three_quarters(skew: float) -> None:
    page = _letter(skew)
    # PIL turns counter-clockwise: the page is made upright by the same turn clockwise.
    assert quarter_turn(np.asarray(page.transpose(Image.Transpose.ROTATE_90))) == 90
    assert quarter_turn(np.asarray(page.transpose(Image.Transpose.ROTATE_270))) == 270


def _counting_osd(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """OSD as it runs, its answers recorded."""
    answers: list[int] = []
    asked = engine._orientation

    def counted(*args: object, **kwargs: object) -> int:
        answers.append(asked(*args, **kwargs))  # type: ignore[arg-type]
        return answers[-1]

    monkeypatch.setattr(engine, "_orientation", counted)
    return answers


@pytest.mark.parametrize("turned", [90, 180, 270])
def test_a_turned_letter_is_read_upright_without_osd(turned: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    page = foreign_page(3, dpi=200, colour=False, wear="light", rotation=turned)
    answers = _counting_osd(monkeypatch)
    ocr = recognize_page(page.jpeg, page_sha256="x", dpi=200, lexicon=page_lexicon())
    assert ocr.rotation == (360 - turned) % 360
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in ocr.text.splitlines()
    assert answers == []


def test_a_wrong_quarter_from_the_lines_is_put_right_by_osd(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The lines' quarter read sideways does not read upright: OSD is asked, its turn read."""
    page = foreign_page(3, dpi=200, colour=False, wear="light", rotation=90)
    answers = _counting_osd(monkeypatch)
    monkeypatch.setattr(engine, "quarter_turn", lambda gray: 90)  # the wrong quarter
    ocr = recognize_page(page.jpeg, page_sha256="x", dpi=200, lexicon=page_lexicon())
    assert answers == [270]
    assert ocr.rotation == 270
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in ocr.text.splitlines()
