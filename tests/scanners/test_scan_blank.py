"""Blank backs (white, dust, show-through) versus pages with even one short line of text."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from scan_fixtures import one_line_page, paper, show_through, speckled, text_page, to_image

from sohoa.scanners import is_blank


def bilevel(img: Image.Image) -> Image.Image:
    return img.point(lambda v: 255 if v > 150 else 0).convert("1")


@pytest.mark.parametrize("dpi", [200, 300])
def test_empty_backs_are_blank(dpi: int) -> None:
    front = text_page(dpi, seed=3)
    backs = {
        "white": to_image(paper(dpi, 1)),
        "dust": speckled(to_image(paper(dpi, 2)), seed=2, count=600),
        "show-through": show_through(front, seed=4),
        "strong show-through": show_through(front, seed=5, strength=0.15, blur=2),
        "show-through and dust": speckled(show_through(front, seed=6), seed=6, count=300),
        "bilevel dust": bilevel(speckled(to_image(paper(dpi, 7)), seed=7, count=600)),
    }
    assert {name for name, img in backs.items() if not is_blank(img, dpi)} == set()


@pytest.mark.parametrize("dpi", [200, 300])
def test_one_short_line_is_not_blank(dpi: int) -> None:
    pages = {
        "Trang 2": one_line_page("Trang 2", dpi, seed=7),
        "10 chars at 10 pt": one_line_page("Số: 12/QĐ", dpi, seed=8),
        "8 pt": one_line_page("Trang 2", dpi, seed=11, points=8),
        "light ink": one_line_page("Trang 2", dpi, seed=10, ink=140),
        "sideways": one_line_page("Trang 2", dpi, seed=9).rotate(90, expand=True),
        "top corner with dust": speckled(one_line_page("Trang 2", dpi, seed=12,
                                                       where=(0.1, 0.05)), seed=12),
        "bilevel": bilevel(one_line_page("Trang 2", dpi, seed=13)),
        "full page": text_page(dpi, seed=14),
    }
    assert {name for name, img in pages.items() if is_blank(img, dpi)} == set()


def test_a_picture_without_text_is_not_blank() -> None:
    page = np.asarray(to_image(paper(200, 15))).astype(np.float32).copy()
    rng = np.random.default_rng(15)
    # A 6 x 8 cm photo: smooth dark tones, no character-like marks at all.
    x, y = np.linspace(0, 6, 630)[None, :], np.linspace(0, 4, 470)[:, None]
    photo = 60 + 50 * np.sin(x) * np.cos(y)
    page[600:1070, 500:1130] = photo + rng.normal(0, 3, photo.shape)
    assert not is_blank(to_image(page), 200)
