"""A page turned by 90° (lines down the page) or upside down is told before it is read."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from sohoa.ocr.orient import lines_run_down, upside_down

_FONT = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"


def _letter(skew: float = 0.0) -> Image.Image:
    """An A4 page at 100 dpi with a letter's worth of lines, tilted by ``skew`` degrees."""
    font = ImageFont.truetype(_FONT, 16)
    page = Image.new("L", (827, 1169), 255)
    draw = ImageDraw.Draw(page)
    draw.text((260, 90), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=font, fill=0)
    words = ["Ủy", "ban", "nhân", "dân", "phường", "xác", "nhận", "ông", "Nguyễn", "Văn",
             "An", "cư", "trú", "tại", "số", "nhà", "đường", "Lê", "Lợi", "quận", "Hải",
             "Châu", "thành", "phố", "Đà", "Nẵng", "từ", "năm", "hai", "nghìn"]
    rng = random.Random(18)
    for row in range(30):
        # Lines of different words (the same line repeated would line its letters up in
        # columns, as no page does).
        line = " ".join(rng.choice(words) for _ in range(14))
        draw.text((90, 160 + row * 28), line, font=font, fill=0)
    return page.rotate(skew, fillcolor=255) if skew else page


@pytest.mark.parametrize("skew", [0.0, 2.3, -4.0])
def test_lines_across_and_down(skew):
    page = _letter(skew)
    assert not lines_run_down(np.asarray(page))
    assert not lines_run_down(np.asarray(page.transpose(Image.Transpose.ROTATE_180)))
    assert lines_run_down(np.asarray(page.transpose(Image.Transpose.ROTATE_90)))
    assert lines_run_down(np.asarray(page.transpose(Image.Transpose.ROTATE_270)))


def test_blank_page_is_not_turned():
    assert not lines_run_down(np.full((1169, 827), 255, np.uint8))


def test_upside_down_letter_is_told_from_an_upright_one():
    page = _letter()
    assert not upside_down(np.asarray(page))
    assert upside_down(np.asarray(page.transpose(Image.Transpose.ROTATE_180)))
    assert not upside_down(np.full((1169, 827), 255, np.uint8))
