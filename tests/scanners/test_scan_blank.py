"""Blank backs (white, dust, show-through) versus pages with even one short line of text."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image
from scan_fixtures import a4, one_line_page, paper, show_through, speckled, text_page, to_image

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


def _ruled(dpi: int, seed: int, lines: list[tuple[tuple[int, int], tuple[int, int]]],
           width_mm: float = 0.5) -> Image.Image:
    page = np.asarray(to_image(paper(dpi, seed))).copy()
    thick = max(1, round(width_mm * dpi / 25.4))
    for start, end in lines:
        cv2.line(page, start, end, 30, thick)
    return to_image(page.astype(np.float32))


@pytest.mark.parametrize("dpi", [100, 200])
def test_a_drawing_or_a_ruled_page_is_not_blank(dpi: int) -> None:
    """tester12 F16: an A0 plan of ruled lines and a diagonal, read at ~76 dpi, was called
    blank: its lines are too long for letters and too thin for the dark-area test."""
    w, _h = a4(dpi)
    mm = dpi / 25.4
    rules = [((int(20 * mm), int(y * mm)), (w - int(20 * mm), int(y * mm)))
             for y in range(40, 280, 12)]
    frame = [((int(30 * mm), int(50 * mm)), (int(150 * mm), int(50 * mm))),
             ((int(150 * mm), int(50 * mm)), (int(150 * mm), int(120 * mm))),
             ((int(150 * mm), int(120 * mm)), (int(30 * mm), int(120 * mm))),
             ((int(30 * mm), int(120 * mm)), (int(30 * mm), int(50 * mm)))]
    pages = {"ruled": _ruled(dpi, 21, rules), "a frame": _ruled(dpi, 22, frame),
             "two strokes": _ruled(dpi, 23, [((int(40 * mm), int(60 * mm)),
                                              (int(120 * mm), int(200 * mm))),
                                             ((int(60 * mm), int(220 * mm)),
                                              (int(170 * mm), int(230 * mm)))])}
    assert {name for name, img in pages.items() if is_blank(img, dpi)} == set()


def test_a_scanner_streak_leaves_an_empty_back_blank() -> None:
    """A dirty glass draws a thin line along the whole page: one or two leave it blank."""
    dpi = 200
    w, h = a4(dpi)
    one = _ruled(dpi, 24, [((w // 3, 0), (w // 3, h - 1))], width_mm=0.25)
    two = _ruled(dpi, 25, [((w // 3, 0), (w // 3, h - 1)), ((w // 2, 0), (w // 2, h - 1))],
                 width_mm=0.25)
    assert is_blank(one, dpi) and is_blank(two, dpi)
