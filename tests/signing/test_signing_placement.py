"""Where the stamp goes: the configured corner of page 1 as displayed, on blank paper."""

from __future__ import annotations

import io
from datetime import timedelta

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw
from signing_helpers import A4, AGENCY, SIGNED_AT, image_pdf

from sohoa.errors import ConfigError
from sohoa.signing import DocumentSigner, KeySource, PageInk, SigningSettings
from sohoa.signing.placement import (
    CLEARANCE,
    place_stamp,
    to_displayed,
    to_page_space,
)

PAGE = (0.0, 0.0, A4[0], A4[1])
STAMP = (180.0, 50.0)


def _rotated(pdf: bytes, rotation: int) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        doc.pages[0].obj.Rotate = rotation
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def _widgets(pdf: bytes) -> list[tuple[tuple[float, ...], list[float] | None]]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        found = []
        for annot in doc.pages[0].obj.get("/Annots", []):
            if annot.get("/FT") == "/Sig" or "/AP" in annot:
                rect = tuple(float(v) for v in annot.Rect)
                matrix = annot.AP.N.get("/Matrix")
                found.append((rect, [float(v) for v in matrix] if matrix is not None else None))
        return found


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_displayed_and_page_space_are_inverse(rotation: int) -> None:
    box = (10.0, 20.0, 10.0 + A4[0], 20.0 + A4[1])
    rect = (30.0, 700.0, 200.0, 760.0) if rotation % 180 == 0 else (30.0, 500.0, 200.0, 560.0)
    there = to_page_space(rect, box, rotation)
    assert to_displayed(there, box, rotation) == pytest.approx(rect)


def test_top_right_of_a_page_turned_90_degrees_is_its_unrotated_bottom_right() -> None:
    # /Rotate 90 shows the page turned clockwise: its right edge becomes the bottom.
    width, height = A4[1], A4[0]  # displayed
    corner = (width - 100, height - 50, width, height)
    x1, y1, x2, y2 = to_page_space(corner, PAGE, 90)
    assert (x1, y1) == pytest.approx((0.0, A4[1] - 100)) and (x2, y2) == pytest.approx((50, A4[1]))


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_signed_rotated_page_has_its_stamp_turned_into_the_displayed_top_right(
    agency_key: KeySource, rotation: int
) -> None:
    signer = DocumentSigner(agency_key, SigningSettings(), AGENCY)
    pdf = _rotated(image_pdf(1), rotation)
    blank = PageInk(np.zeros((100, 70), dtype=bool))
    signed, _ = signer.sign(pdf, signed_at=SIGNED_AT, ink=blank)
    [(rect, matrix)] = _widgets(signed)
    shown = to_displayed(rect, PAGE, rotation)
    width, height = (A4[1], A4[0]) if rotation % 180 else A4
    assert shown[2] > width - 40 and shown[3] > height - 10, shown
    assert shown[2] - shown[0] > shown[3] - shown[1]  # wider than tall as read
    expected = {0: None, 90: [0, 1, -1, 0, 0, 0], 180: [-1, 0, 0, -1, 0, 0],
                270: [0, -1, 1, 0, 0, 0]}[rotation]
    assert matrix == expected


def test_stamp_moves_below_ink_in_the_corner_and_keeps_clear_of_it() -> None:
    width, height = A4
    grid = np.zeros((585, 414), dtype=bool)  # 50 dpi
    grid[20:60, 200:400] = True  # a header block across the top right, 10-30 mm down
    _x1, _y1, x2, y2 = place_stamp((width, height), STAMP, "top-right", PageInk(grid))
    ink_bottom = height - 60 * 72 / 50
    assert y2 <= ink_bottom - CLEARANCE + 0.01
    assert x2 > width * 0.8 and y2 > height * 0.6  # still the top right, just below the block


def test_stamp_takes_the_top_edge_when_the_margin_is_blank() -> None:
    width, height = A4
    grid = np.zeros((585, 414), dtype=bool)
    grid[60:100, 20:400] = True  # text starts 30 mm down
    _x1, _y1, x2, y2 = place_stamp((width, height), STAMP, "top-right", PageInk(grid))
    assert y2 > height - 5 and x2 > width - 40


def test_words_given_as_boxes_are_avoided_like_ink() -> None:
    width, height = A4
    words = [(300.0, height - 80.0, 560.0, height - 2.0)]
    _x1, _y1, _x2, y2 = place_stamp((width, height), STAMP, "top-right", None, words)
    assert y2 <= height - 80.0 - CLEARANCE + 0.01


def test_top_left_corner() -> None:
    x1, _y1, _x2, y2 = place_stamp(A4, STAMP, "top-left", None)
    assert x1 < 40 and y2 > A4[1] - 10


def test_a_page_inked_everywhere_still_gets_its_stamp_in_the_corner_region() -> None:
    grid = np.ones((585, 414), dtype=bool)
    grid[100:200, :] = False  # blank only below the corner region's top
    _x1, y1, x2, _y2 = place_stamp(A4, STAMP, "top-right", PageInk(grid))
    assert x2 > A4[0] / 2 and y1 >= A4[1] - 200 * 72 / 50 - 0.01


def test_unknown_corner_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="stamp_corner"):
        SigningSettings(stamp_corner="bottom-left")


def test_second_stamp_does_not_cover_the_first(twice_signed_pdf: bytes) -> None:
    (a, _), (b, _) = _widgets(twice_signed_pdf)
    assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_page_is_rendered_when_no_ink_is_given(agency_signer: DocumentSigner) -> None:
    # image_pdf's page has dark bars from 120 px down (of 877): the stamp must sit above them.
    signed, _ = agency_signer.sign(image_pdf(1), signed_at=SIGNED_AT + timedelta(seconds=5))
    [(rect, _)] = _widgets(signed)
    first_bar = A4[1] - 120 * A4[1] / 877
    assert rect[1] >= first_bar + CLEARANCE - 1.5  # one 1.44 pt grid cell of rounding


def test_a_fax_tiffs_1_dpi_tag_never_enlarges_the_grid() -> None:
    # The TIFF written around a PDF's CCITT data says 1 dpi: read as the scan's resolution, the
    # 50-dpi grid asked for a 50x enlargement — 9.7 Gpx for an A4 B/W page (tester14 F1).
    bits = Image.new("1", (400, 300), 1)
    ImageDraw.Draw(bits).rectangle((40, 40, 120, 80), fill=0)
    buf = io.BytesIO()
    bits.save(buf, format="TIFF", compression="group4", dpi=(1, 1))
    tagged = buf.getvalue()
    assert Image.open(io.BytesIO(tagged)).info["dpi"][0] == 1
    # The page's own resolution, when the caller knows it, decides the grid.
    assert PageInk.from_image(tagged, dpi=200).ink.shape == (75, 100)
    # Without it, a tag no scanner writes is not believed, and the grid is never finer than
    # the scan: at most one cell per pixel.
    alone = PageInk.from_image(tagged).ink
    assert alone.shape[0] <= 300 and alone.shape[1] <= 400
    assert alone.any()
