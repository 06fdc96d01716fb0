"""The foreign-page generator (issue 18): deterministic, every typeface prints Vietnamese, and
the signer's block is drawn under its seal and signature."""

from __future__ import annotations

import io
import random

import cv2
import numpy as np
import pytest
from PIL import Image

from sohoa.synth.foreign import FAMILIES, FONTS, _font, foreign_page

STACKED = "ĐỖẨẪỂỄỞỰ"


@pytest.mark.parametrize("family", FAMILIES)
def test_every_typeface_has_the_stacked_capitals(family: str) -> None:
    # A face without Vietnamese draws the same empty box for every missing letter: compare
    # each capital with a private-use code point, which no face has.
    face = _font(FONTS[family][0], 40)
    tofu = face.getmask("\ue000").getbbox(), bytes(face.getmask("\ue000"))
    for ch in STACKED:
        mask = face.getmask(ch)
        assert mask.getbbox() is not None, (family, ch)
        assert (mask.getbbox(), bytes(mask)) != tofu, (family, ch)


def test_same_arguments_same_bytes_and_seeds_differ() -> None:
    one = foreign_page(3, family="termes", dpi=200, colour=True, wear="light")
    again = foreign_page(3, family="termes", dpi=200, colour=True, wear="light")
    other = foreign_page(4, family="termes", dpi=200, colour=True, wear="light")
    assert one.jpeg == again.jpeg and one.lines == again.lines
    assert other.jpeg != one.jpeg and other.lines != one.lines


def test_letter_has_a_signer_under_seal_and_signature() -> None:
    page = foreign_page(5, family="noto", dpi=200, colour=True, wear="clean")
    title, name = page.signer[0], page.signer[-1]
    assert title in page.lines and name in page.lines
    assert page.lines.index(name) > page.lines.index(title)
    kinds = {m.kind: m.box for m in page.marks}
    assert set(kinds) == {"seal", "signature"}
    image = np.asarray(Image.open(io.BytesIO(page.jpeg)).convert("RGB"), dtype=np.int16)
    # Red dominates inside the seal's box, blue inside the signature's.
    x0, y0, x1, y1 = kinds["seal"]
    seal = image[y0:y1, x0:x1]
    assert ((seal[..., 0] - seal[..., 2]) > 80).mean() > 0.005
    x0, y0, x1, y1 = kinds["signature"]
    sig = image[y0:y1, x0:x1]
    assert ((sig[..., 2] - sig[..., 0]) > 80).mean() > 0.01


def test_faded_copy_is_grey_low_contrast_q35() -> None:
    page = foreign_page(2, family="dejavu", dpi=200, colour=False, wear="faded")
    image = Image.open(io.BytesIO(page.jpeg))
    assert image.mode == "L" and image.info["dpi"][0] == pytest.approx(200, abs=1)
    grey = np.asarray(image, dtype=np.float32)
    # Ink is light grey: even the darkest 0.5% stays far above black.
    assert np.percentile(grey, 0.5) > 110
    # One edge is shadowed: the mean of its outer tenth differs from the other's.
    tenth = grey.shape[1] // 10
    assert abs(grey[:, :tenth].mean() - grey[:, -tenth:].mean()) > 25


def test_a_letter_printed_in_colour_is_the_same_letter_in_red_or_blue() -> None:
    black = foreign_page(7, family="noto", dpi=200, colour=True, wear="clean")
    tinted = foreign_page(7, family="noto", dpi=200, colour=True, wear="clean",
                          colour_print=True)
    assert tinted.lines == black.lines and tinted.signer == black.signer
    assert tinted.name == black.name + "-cp" and tinted.jpeg != black.jpeg
    image = np.asarray(Image.open(io.BytesIO(tinted.jpeg)).convert("RGB"), dtype=np.int16)
    top = image[: image.shape[0] // 3]
    spread = top.max(axis=2) - top.min(axis=2)
    # The issuing body and the title are in red or blue ink; the seal and pen lie lower.
    assert (spread > 80).sum() > 2000


def test_a_card_front_is_deterministic_and_its_title_red() -> None:
    from sohoa.synth.foreign import card_front

    one, again = card_front(3, family="termes"), card_front(3, family="termes")
    assert one.jpeg == again.jpeg and "CĂN CƯỚC CÔNG DÂN" in one.lines
    image = np.asarray(Image.open(io.BytesIO(one.jpeg)).convert("RGB"), dtype=np.int16)
    assert ((image[..., 0] - image[..., 1]) > 60).sum() > 800


def test_a_letter_signed_with_an_opaque_pen_is_the_same_letter() -> None:
    # tester16 F6: a thinner pen that covers the print it crosses, a stroke along the name.
    # Its draws are its own: the letter, its seal and its other pages are those of before.
    plain = foreign_page(7, family="termes", dpi=300, colour=True, wear="clean")
    penned = foreign_page(7, family="termes", dpi=300, colour=True, wear="clean",
                          opaque_pen=True)
    assert penned.lines == plain.lines and penned.signer == plain.signer
    assert penned.name == plain.name + "-op" and penned.jpeg != plain.jpeg
    assert [m for m in penned.marks if m.kind == "seal"] == [
        m for m in plain.marks if m.kind == "seal"]
    a = np.asarray(Image.open(io.BytesIO(plain.jpeg)).convert("L"), dtype=np.int16)
    b = np.asarray(Image.open(io.BytesIO(penned.jpeg)).convert("L"), dtype=np.int16)
    changed = np.argwhere(np.abs(a - b) > 60)
    left, top, right, bottom = next(m.box for m in penned.marks if m.kind == "signature")
    # Only the signature differs (JPEG's blocks aside).
    assert len(changed) > 500
    assert (changed[:, 0] >= top - 16).all() and (changed[:, 0] < bottom + 16).all()
    assert (changed[:, 1] >= left - 16).all() and (changed[:, 1] < right + 16).all()


def test_a_varied_seal_is_the_same_letter_with_the_seal_cut_otherwise() -> None:
    plain = foreign_page(11, family="dejavu", dpi=300, colour=False, wear="light")
    varied = foreign_page(11, family="dejavu", dpi=300, colour=False, wear="light",
                          varied_seal=True)
    again = foreign_page(11, family="dejavu", dpi=300, colour=False, wear="light",
                         varied_seal=True)
    assert varied.jpeg == again.jpeg and varied.jpeg != plain.jpeg
    assert varied.lines == plain.lines and varied.signer == plain.signer
    assert varied.name == plain.name + "-vs"
    assert [m.box for m in varied.marks] == [m.box for m in plain.marks]
    # Only the seal's box differs: the rest of the page is drawn by the same draws.
    a = np.asarray(Image.open(io.BytesIO(plain.jpeg)), dtype=np.int16)
    b = np.asarray(Image.open(io.BytesIO(varied.jpeg)), dtype=np.int16)
    x0, y0, x1, y1 = next(m.box for m in plain.marks if m.kind == "seal")
    outside = np.abs(a - b)
    outside[y0 - 40:y1 + 40, x0 - 40:x1 + 40] = 0
    assert outside.max() <= 24  # JPEG blocks at the seal's edge, nothing drawn otherwise


def test_seal_styles_range_from_hair_lines_to_thick_and_weak_to_full_ink() -> None:
    from sohoa.synth.foreign import seal_style

    styles = [seal_style(random.Random(f"style:{k}")) for k in range(400)]
    outer = [s.outer_mm for s in styles]
    assert min(outer) < 0.2 and max(outer) > 0.8
    assert all(s.inner_mm <= s.outer_mm for s in styles)
    assert 0.3 < sum(s.double_mm is not None for s in styles) / len(styles) < 0.7
    assert min(s.ink for s in styles) < 0.45 and max(s.ink for s in styles) > 0.95
    assert min(s.rim_size for s in styles) < 0.6 and {s.rim_bold for s in styles} == {
        True, False}


def test_a_hair_line_seal_is_drawn_thinner_and_paler_than_the_thick_one() -> None:
    from sohoa.synth.foreign import THICK, SealStyle, _Page, _seal

    page = _Page(300, "noto", random.Random(1))
    thick = _seal(page, "ỦY BAN NHÂN DÂN PHƯỜNG 1", ["UBND", "PHƯỜNG 1"], random.Random(2))
    hair = _seal(page, "ỦY BAN NHÂN DÂN PHƯỜNG 1", ["UBND", "PHƯỜNG 1"], random.Random(2),
                 SealStyle(outer_mm=0.15, inner_mm=0.15, rim_size=0.6, rim_bold=False,
                           ink=0.5))
    assert SealStyle() == THICK
    assert hair.shape == thick.shape
    assert (hair > 0.1).sum() < 0.5 * (thick > 0.1).sum()
    assert hair.max() <= 0.5 * thick.max() + 1e-6


@pytest.mark.parametrize(("dpi", "colour"), [(200, False), (300, True)])
def test_speckled_copy_is_white_paper_peppered_with_isolated_specks(dpi: int,
                                                                   colour: bool) -> None:
    # A copy from a worn drum (issue 18, tester16 F5): white paper, dark print, even light —
    # and tens of isolated toner dots per cm², with a thin streak down the page.
    page = foreign_page(3, family="noto", dpi=dpi, colour=colour, wear="speckled")
    image = Image.open(io.BytesIO(page.jpeg))
    assert image.mode == ("RGB" if colour else "L")
    grey = np.asarray(image.convert("L"), dtype=np.float32)
    assert np.percentile(grey, 90) > 215
    # Specks: dark pixels with nothing dark around them (3x3 neighbourhood all paper-ish).
    dark = (grey < 140).astype(np.uint8)
    neighbours = cv2.filter2D(dark, -1, np.ones((5, 5), np.float32)) - dark
    lone = (dark == 1) & (neighbours <= 3)
    per_cm2 = lone.sum() / (grey.size / (dpi / 2.54) ** 2)
    assert per_cm2 > 15
    # A copier streak: a column darker than the paper all down the page.
    columns = np.median(grey, axis=0)
    assert columns.min() < 0.9 * np.median(columns)
