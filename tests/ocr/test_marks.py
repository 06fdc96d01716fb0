"""Seals and signatures over the signer's block (issue 18): the print under them is read, the
marks are recorded where they are, never read as letters."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from sohoa.ocr import recognize_page
from sohoa.ocr.marks import _CHROMA, colour_marks, grey_seals, hue_masks, lift_marks
from sohoa.pipeline.codec import ocr_from_json, ocr_to_json
from sohoa.pipeline.stages import page_lexicon
from sohoa.synth.foreign import foreign_page


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over the smaller of two (left, top, right, bottom) boxes."""
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    if dx <= 0 or dy <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return dx * dy / smaller


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_signer_under_red_seal_and_blue_signature_is_read_and_marks_recorded() -> None:
    # Seed 1, Liberation Serif, clean colour at 200 dpi: before issue 18 Tesseract's layout
    # took the seal + signature + name for a picture and the name was missing from the text.
    page = foreign_page(1, family="liberation", dpi=200, colour=True, wear="clean")
    ocr = recognize_page(page.jpeg, page_sha256="x", dpi=200, lexicon=page_lexicon())
    title, name = page.signer
    text = _flat(ocr.text)
    assert title in text
    # The family and middle names are whole; the given name's tone marks are the second
    # reading's business (ẫ/ã), its letters are there.
    family_middle, given = name.rsplit(" ", 1)
    assert f"{family_middle} {given[0]}" in text, text[-300:]
    kinds = {m.kind for m in ocr.marks}
    assert kinds == {"seal", "signature"}
    drawn = {m.kind: m.box for m in page.marks}
    for mark in ocr.marks:
        box = (mark.left, mark.top, mark.left + mark.width, mark.top + mark.height)
        assert _overlap(box, drawn[mark.kind]) > 0.7, (mark, drawn[mark.kind])
    # Nothing of the seal's rim or the signature's loops comes out as words on the signer's
    # lines: the lines read there are the title, the note and the name.
    seal = next(m for m in ocr.marks if m.kind == "seal")
    inside = {w.line for w in ocr.words
              if seal.top <= w.top + w.height / 2 <= seal.top + seal.height
              and seal.left <= w.left + w.width / 2 <= seal.left + seal.width}
    lines = ocr.text.split("\n")
    assert all(any(part in lines[k] for part in (title, "(Ký", family_middle)) for k in inside)
    # Marks survive the page cache.
    assert ocr_from_json(ocr_to_json(ocr)).marks == ocr.marks


def test_grey_scan_seal_is_found_by_its_ring() -> None:
    page = foreign_page(1, family="liberation", dpi=200, colour=False, wear="medium")
    gray = np.asarray(Image.open(io.BytesIO(page.jpeg)))
    seals = grey_seals(gray, 200)
    assert len(seals) == 1
    mark, radii = seals[0]
    drawn = next(m.box for m in page.marks if m.kind == "seal")
    assert _overlap((mark.left, mark.top, mark.right, mark.bottom), drawn) > 0.8
    assert len(radii) >= 2  # the outer and the inner ring
    # A page of print without a seal has none.
    plain = np.asarray(Image.open(io.BytesIO(foreign_page(
        2, family="noto", dpi=200, colour=False, wear="clean", kind="card").jpeg)))
    assert grey_seals(plain, 200) == []


def test_lifting_keeps_black_print_under_the_inks() -> None:
    paper = np.full((400, 400, 3), 250, np.uint8)
    paper[190:210, 40:360] = 20  # a black bar of print
    # A red disc over the print's left half and a blue stroke over its right half, multiplied
    # as ink lies on paper.
    yy, xx = np.mgrid[0:400, 0:400]
    red = (np.hypot(xx - 130, yy - 200) < 120) & (np.hypot(xx - 130, yy - 200) > 110)
    blue = (np.abs(yy - 200 - 40 * np.sin(xx / 30)) < 3) & (xx > 260)
    page = paper.astype(np.float32)
    page[red] *= np.array([205, 32, 42]) / 255
    page[blue] *= np.array([24, 46, 160]) / 255
    rgb = page.astype(np.uint8)
    gray = np.asarray(Image.fromarray(rgb).convert("L"))
    marks = colour_marks(rgb, 200)
    assert {m.kind for m, _ in marks} == {"seal", "signature"}
    lifted = lift_marks(rgb, gray, marks)
    ring_off_print = red & ~((yy >= 190) & (yy < 210))
    pen_off_print = blue & ~((yy >= 190) & (yy < 210))
    assert lifted[ring_off_print].min() >= 200  # the seal's ink reads as paper
    assert lifted[pen_off_print].min() >= 200  # and so does the pen's
    assert lifted[190:210, 40:360].max() <= 60  # the print under both stays black


def test_hues_of_the_coloured_pixels_alone_are_the_whole_pages() -> None:
    """hue_masks converts only the coloured pixels to HSV (a few percent of a page): its red
    and blue are those of the whole page's conversion, on every colour of the cube."""
    rng = np.random.default_rng(18)
    rgb = rng.integers(0, 256, (300, 301, 3), dtype=np.uint8)
    rgb[:100] = 245  # and paper, as on a page
    red, blue, chroma = hue_masks(rgb)
    top, low = rgb.max(axis=2), rgb.min(axis=2)
    coloured = (top - low >= _CHROMA) & (top >= 60)
    hue = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[..., 0]
    assert np.array_equal(red, coloured & ((hue <= 12) | (hue >= 160)))
    assert np.array_equal(blue, coloured & (hue >= 95) & (hue <= 135))
    assert np.array_equal(chroma, top - low)
    assert red.any() and blue.any() and not red[:100].any()


def test_a_page_of_dim_tinted_ink_is_prepared_without_a_coloured_pixel() -> None:
    # review15a M1: a dark ink with a colour cast (62, 68, 88) — saturated enough for measure()
    # to call the page coloured, too little chroma for any pixel to be — crashed prepare():
    # the hue of no pixel was asked of OpenCV.
    from PIL import ImageDraw

    from sohoa.ocr.preprocess import prepare

    image = Image.new("RGB", (1654, 2339), (235, 235, 232))
    draw = ImageDraw.Draw(image)
    for y in range(200, 2200, 60):
        draw.rectangle((200, y, 1400, y + 12), fill=(62, 68, 88))
    prepared = prepare(image, dpi=200)
    assert prepared.marks == () and prepared.gray.shape == (2339, 1654)


def test_an_opaque_pen_over_print_gives_the_letters_it_hides_back() -> None:
    # tester16 F6 (p06): a gel pen laid over the name hides the toner where it crosses it; the
    # pen lifted to paper cut every letter it crossed ("Hữu" read "ïïúu"). Where the print goes
    # on at both sides of the stroke, across it, the letter is put back; where the pen only
    # runs between two letters along the line, the gap stays paper.
    page = np.full((300, 500, 3), 250, np.uint8)
    stems = [(100, 118), (124, 142), (200, 218), (300, 318)]  # letters' stems, 6 px apart
    for left, right in stems:
        page[100:200, left:right] = 15
    yy, xx = np.mgrid[0:300, 0:500]
    # A wavy opaque blue stroke along the name across every stem, and a loop above it.
    pen = (np.abs(yy - 150 - 6 * np.sin(xx / 25)) < 3.5) & (xx > 60) & (xx < 440)
    pen |= (np.abs(np.hypot(xx - 250, yy - 80) - 50) < 3) & (xx > 60)
    page[pen] = (30, 50, 170)
    gray = np.asarray(Image.fromarray(page).convert("L"))
    marks = colour_marks(page, 200)
    assert [m.kind for m, _ in marks] == ["signature"]
    lifted = lift_marks(page, gray, marks)
    under = np.zeros(pen.shape, bool)
    for left, right in stems:
        under[:, left + 2:right - 2] = True
    hidden = pen & under & (yy >= 100) & (yy < 200)
    assert lifted[hidden].max() <= 90  # each stem is whole again under the pen
    gap = pen & (xx >= 120) & (xx < 122)
    assert lifted[gap].min() >= 200  # the pen between two letters is paper
    assert lifted[pen & ((yy < 95) | (xx > 330))].min() >= 200  # off the print it is paper
