"""Blank-page detection without OCR.

A duplex scan's empty backs are near-white with faint, blurred, mirrored show-through of the
front and a sprinkle of scanner dust. Text, even one short line such as "Trang 2", shows as
several small, sharp, dark marks of similar height side by side. So: flatten the paper, keep
marks well above the noise, drop specks and anything not shaped like a character, and call
the page blank unless some of those marks line up like a word. Large dark areas (a photo, a
drawing) also make a page non-blank.
"""

from __future__ import annotations

from io import BytesIO

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from sohoa.scanners import reasons
from sohoa.scanners.pilsafe import grey8

_WORK_DPI = 150  # enough for 8 pt text; halves the work on 300 dpi scans
_MIN_INK_CONTRAST = 22  # grey levels below the local paper; show-through stays well under this
_NOISE_FACTOR = 4.5  # and marks must stand this many noise deviations out of the paper
_MARGIN = 0.02  # share of each side ignored: scanner edges and the sheet's shadow live there
_CHARS_IN_A_WORD = 4  # "Trang 2" has six marks; dust rarely lines up four in a row
_WORD_SPAN = 3.5  # or three marks as wide as 3.5 line heights (letters merged at 150 dpi)
_DARK_AREA = 0.004  # share of the page that is solidly dark: a picture, not dust
_LONG_MARK_MM = 30  # a mark this long is a line of a drawing or a form, not a character
_STREAK_WIDTH_MM = 1.5  # a scanner's streak: this thin …
_STREAK_SPAN = 0.8  # … running along this share of the page …
_SCANNER_STREAKS = 3  # … and no more of them than a dirty glass makes


_DARK_LEVEL = 64  # grey levels: below this a pixel is "black" for the all-dark test
_DARK_SHARE = 0.9  # a page this much black is a scanner with its lid open, not a document
_FLAT_RANGE = 12  # the darkest and lightest 1 % this close: no mark at all on the page
_PAPER_LEVEL = 150  # a flat page lighter than this is empty paper; darker, a mis-scan


def unusable(image: Image.Image, dpi: int) -> str | None:
    """Why the page cannot be a scanned sheet, or None: all (or nearly all) black, or one
    flat colour darker than any paper. Such a page is neither content nor a blank back: it
    goes to quarantine, never into a document, so that a scanner fault is seen and re-scanned.
    """
    grey, _ = _working_grey(image, dpi)
    sample = grey[::2, ::2]
    if sample.size == 0:
        return reasons.uniform()
    if np.count_nonzero(sample < _DARK_LEVEL) >= _DARK_SHARE * sample.size:
        return reasons.all_dark()
    low, mid, high = np.percentile(sample, (1, 50, 99))
    if high - low < _FLAT_RANGE and mid < _PAPER_LEVEL:
        return reasons.uniform()
    return None


def misscan(data: bytes, dpi: int) -> str | None:
    """``unusable`` of an encoded page, looked at small (a JPEG decoded at an eighth of its
    size, ~5 ms): for what is said about a page as it is read, before the analysis decodes it
    in full and refuses it (a scan-colour warning for a page about to be quarantined as all
    black is noise). None when it cannot be decoded here: the analysis says why."""
    try:
        with Image.open(BytesIO(data)) as image:
            full_width = image.width
            if image.format == "JPEG":
                image.draft("L", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
            seen = max(1, round(dpi * image.width / max(full_width, 1)))
            return unusable(image, seen)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def is_blank(image: Image.Image, dpi: int) -> bool:
    """True when the page holds no text and no picture: an empty back, dust and show-through."""
    grey, px_per_mm = _working_grey(image, dpi)
    h, w = grey.shape
    my, mx = round(h * _MARGIN), round(w * _MARGIN)
    grey = grey[my:h - my, mx:w - mx]
    if grey.size == 0:
        return True

    # The paper: a median over ~6 mm at quarter size (text covers well under half of any such
    # window), small for speed. Uneven light and yellowed paper are subtracted with it.
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    k = max(3, round(1.5 * px_per_mm) | 1)
    paper = cv2.resize(cv2.medianBlur(small, k), (grey.shape[1], grey.shape[0]),
                       interpolation=cv2.INTER_LINEAR)
    darkness = paper.astype(np.int16) - grey.astype(np.int16)
    # Robust noise level (MAD) of the page; marks must stand well out of it.
    sample = darkness[::4, ::4]
    sigma = 1.4826 * float(np.median(np.abs(sample - np.median(sample))))
    threshold = max(_MIN_INK_CONTRAST, _NOISE_FACTOR * sigma)
    ink = (darkness > threshold).astype(np.uint8)

    # Measured against the page's paper level, not the local median: inside a photo larger
    # than the median window, the "local paper" is the photo itself.
    dark = grey < float(np.percentile(grey[::4, ::4], 90)) - 80
    if np.count_nonzero(dark) > _DARK_AREA * grey.size and _solid_dark(dark):
        return False
    if not ink.any():
        return True
    return not (_has_a_word(ink, px_per_mm) or _has_a_drawing(ink, px_per_mm))


def _has_a_drawing(ink: np.ndarray, px_per_mm: float) -> bool:
    """Ruled lines, a plan, a diagram: marks far longer than any character (tester12 F16: an
    A0 drawing of 67 lines was called blank, its lines too thin to survive the dark-area test
    and too long to be letters). A scanner's dirty glass draws one thin straight streak along
    the whole page: such streaks alone, up to three, leave a page blank."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return False
    height, width = ink.shape
    w, h = stats[1:, 2], stats[1:, 3]
    long = np.maximum(w, h) >= _LONG_MARK_MM * px_per_mm
    if not long.any():
        return False
    streak = long & (np.minimum(w, h) <= _STREAK_WIDTH_MM * px_per_mm) & (
        (h >= _STREAK_SPAN * height) | (w >= _STREAK_SPAN * width))
    # a frame, a grid, lines joined by another: long both ways (a hair is neither this long
    # nor this dark at the working resolution)
    wide = long & ~streak & (np.minimum(w, h) >= _LONG_MARK_MM * px_per_mm)
    return (wide.any() or np.count_nonzero(long & ~streak) >= 2
            or np.count_nonzero(long) > _SCANNER_STREAKS)


def _solid_dark(dark: np.ndarray) -> bool:
    """A picture or a filled area: dark pixels that survive opening, unlike dust and text."""
    opened = cv2.morphologyEx(dark.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    return np.count_nonzero(opened) > _DARK_AREA * dark.size


def _working_grey(image: Image.Image, dpi: int) -> tuple[np.ndarray, float]:
    bilevel = image.mode == "1"
    grey = grey8(image)
    if bilevel:
        # Bilevel scanners turn paper grain into isolated black pixels; a 3x3 median removes
        # them while strokes of 10 pt text (2+ px at 200 dpi) survive.
        grey = cv2.medianBlur(grey, 3)
    dpi = max(dpi, 1)
    if dpi > _WORK_DPI:
        grey = cv2.resize(grey, None, fx=_WORK_DPI / dpi, fy=_WORK_DPI / dpi,
                          interpolation=cv2.INTER_AREA)
        dpi = _WORK_DPI
    return grey, dpi / 25.4


def _has_a_word(ink: np.ndarray, px_per_mm: float) -> bool:
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    boxes = stats[1:]
    x, y, w, h, area = (boxes[:, i] for i in range(5))
    # Character-sized: 1-8 mm tall (6-28 pt), not a hair or a rule, not a speck of dust.
    min_h, max_h = 1.0 * px_per_mm, 8.0 * px_per_mm
    big = np.maximum(w, h)
    small = np.minimum(w, h)
    chars = (
        (big >= min_h) & (big <= max_h)
        & (area >= max(4, 0.25 * px_per_mm * px_per_mm))
        & (small * 6 >= big)  # a fibre of lint is long and one pixel thin
        & (area >= 0.12 * w * h)
    )
    if np.count_nonzero(chars) < 3:
        return False
    sel = np.column_stack([x[chars], y[chars], w[chars], h[chars]]).astype(np.float64)
    # A line of text runs along x on an upright page and along y on a page scanned sideways.
    return _aligned_run(sel) or _aligned_run(sel[:, [1, 0, 3, 2]])


def _aligned_run(boxes: np.ndarray) -> bool:
    """True when some boxes chain left to right like the characters of a word.

    A chain counts when it has several marks, or when a few marks (letters that touch at
    scan resolution merge into one) span a word's width: several line heights.
    """
    order = np.argsort(boxes[:, 0], kind="stable")
    b = boxes[order]
    n = len(b)
    parent = list(range(n))
    size = [1] * n
    left = b[:, 0].tolist()
    right = (b[:, 0] + b[:, 2]).tolist()
    tall = b[:, 3].tolist()

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cy = b[:, 1] + b[:, 3] / 2
    for i in range(n):
        hi = b[i, 3]
        j = i + 1
        # Characters sit at most about one character height apart within a word or a number.
        while j < n and b[j, 0] - b[i, 0] - b[i, 2] <= 1.2 * max(hi, b[j, 3]):
            hj = b[j, 3]
            if (abs(cy[j] - cy[i]) <= 0.35 * max(hi, hj) + 1
                    and max(hi, hj) <= 2.5 * min(hi, hj)):
                ri, rj = root(i), root(j)
                if ri != rj:
                    parent[rj] = ri
                    size[ri] += size[rj]
                    left[ri] = min(left[ri], left[rj])
                    right[ri] = max(right[ri], right[rj])
                    tall[ri] = max(tall[ri], tall[rj])
                    if size[ri] >= _CHARS_IN_A_WORD or (
                            size[ri] >= 3 and right[ri] - left[ri] >= _WORD_SPAN * tall[ri]):
                        return True
            j += 1
    return False
