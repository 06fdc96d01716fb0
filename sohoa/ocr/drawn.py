"""A printed word told among spellings that differ only in their marks, by drawing them.

The signer's name is printed in a serif face, bold (Nghị định 30/2020, Phụ lục I: Times New
Roman). Where two listed names share their letters and differ in a mark ("Bốn"/"Bổn",
"Cẩm"/"Cầm"), reading the word again often gives the same mark whatever was printed. Here each
spelling is drawn in the serif bold faces found on the machine, scaled to the word's height on
the page; the face that fits the word's ink best is taken as the print's, and in it each two
spellings are compared with the page only where those two differ (the marks' pixels): the rest
of the word says nothing about which it is, and neither does a third spelling's mark.

The comparison is believed only when the face fits the word well, one spelling matches the
marks' pixels clearly better than each other one (``FIT``, ``MARGIN``), and no other one beats
it with each spelling drawn alone to the word's box (:func:`alone_scores`); otherwise it says
nothing (None) and the caller keeps to its other evidence.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

# Serif bold faces: Times New Roman's metric clones first (the official documents' face), then
# other common serif faces; those present on the machine are used.
FACES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    "/usr/share/texmf/fonts/opentype/public/tex-gyre/texgyretermes-bold.otf",
    "/usr/share/fonts/opentype/tex-gyre/texgyretermes-bold.otf",
    "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman_Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
)
# The best face's correlation with the word's ink (whole word, marks and all) below which the
# drawing is no evidence (a pen across the word, another face).
FIT = 0.7
# How much better (share of the pixels where two spellings differ agreeing with the word) the
# best spelling must match than each other one.
MARGIN = 0.05
# The spelling's own box is drawn as tall as the word's ink, and a little smaller at each of its
# corners: a pen's dash over a mark or a stroke glued to the first letter makes the ink's box
# larger than the print's ("Quyển" under the pen's dash, seed 173: fit 0.48, then 0.9).
_SHRINKS = (1.0, 0.93)
_SIZE = 96  # the size the spellings are drawn at before scaling, in pixels
_SHIFT_X, _SHIFT_Y = 3, 2  # the drawing is slid this many pixels each way over the word


@lru_cache(maxsize=1)
def faces() -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for f in FACES if Path(f).is_file()))


@lru_cache(maxsize=256)
def _drawn(spellings: tuple[str, ...], face: str) -> tuple[np.ndarray, ...]:
    """The spellings drawn in one frame (the same origin), cut to the box of their union."""
    font = ImageFont.truetype(face, _SIZE)
    width = _SIZE * (max(len(s) for s in spellings) + 2)
    inks = []
    for spelling in spellings:
        image = Image.new("L", (width, 3 * _SIZE), 255)
        ImageDraw.Draw(image).text((_SIZE // 2, _SIZE // 2), spelling, font=font, fill=0)
        inks.append(np.asarray(image) < 128)
    union = np.logical_or.reduce(inks)
    rows, cols = np.flatnonzero(union.any(axis=1)), np.flatnonzero(union.any(axis=0))
    return tuple(ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1] for ink in inks)



@lru_cache(maxsize=256)
def _drawn_alone(spellings: tuple[str, ...], face: str) -> tuple[np.ndarray, ...]:
    """Each spelling drawn alone, cut to its own box (a spelling with a taller mark is a
    taller box)."""
    font = ImageFont.truetype(face, _SIZE)
    width = _SIZE * (max(len(s) for s in spellings) + 2)
    inks = []
    for spelling in spellings:
        image = Image.new("L", (width, 3 * _SIZE), 255)
        ImageDraw.Draw(image).text((_SIZE // 2, _SIZE // 2), spelling, font=font, fill=0)
        ink = np.asarray(image) < 128
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        inks.append(ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
    return tuple(inks)

def word_ink(crop: np.ndarray) -> np.ndarray | None:
    """The word's ink in a grey crop around it (Otsu), cut to its box; None when there is no ink.

    The crop is the word's box with a margin, so what reaches its left or right edge is not
    the word's (:func:`_letters`): a stroke running out of the crop along a row (a pen's line
    across the name, the seal's rim) and a neighbour's letter cut by the edge are left out, as
    are specks of one or two pixels. Left in, they set the box the drawing is scaled and slid
    to ("‘: Quyển", a pen over "Cẩm"), and no face fits the word."""
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    kept = _letters(ink.astype(np.uint8))
    rows, cols = np.flatnonzero(kept.any(axis=1)), np.flatnonzero(kept.any(axis=0))
    if len(rows) < 4 or len(cols) < 4:
        return None
    return kept[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


# A straight run at least this share of the crop's height long, along a row or a few degrees
# off it (a letter's bar or its serifs are shorter), reaching the crop's left or right edge, is
# a stroke across the word.
_RUN = 0.6
_SLOPES = (-0.14, -0.07, 0.0, 0.07, 0.14)
# The crop's margin: a part touching the crop's edge and lying within this share of the crop's
# height of it is no letter of the word (a neighbour's letter, the end of a pen's stroke).
_EDGE = 0.22


@lru_cache(maxsize=64)
def _run_kernel(length: int, slope: float) -> np.ndarray:
    rise = round(abs(slope) * (length - 1))
    kernel = np.zeros((rise + 1, length), np.uint8)
    ends = ((0, rise), (length - 1, 0)) if slope > 0 else ((0, 0), (length - 1, rise))
    cv2.line(kernel, ends[0], ends[1], 1, 1)
    return kernel


def _letters(ink: np.ndarray) -> np.ndarray:
    """The pixels of ``ink`` (0/1, a word's crop with a margin) that are the word's letters:
    without straight runs that reach the crop's side (a pen's stroke), the parts touching the
    crop's edge that lie within its margin (a neighbour's letter), and specks of one or two
    pixels."""
    height, width = ink.shape
    run = max(3, round(_RUN * height))
    if run < width:
        across = np.zeros_like(ink)
        for slope in _SLOPES:
            long = cv2.morphologyEx(ink, cv2.MORPH_OPEN, _run_kernel(run, slope))
            count, labels, stats, _ = cv2.connectedComponentsWithStats(long, 8)
            sides = [k for k in range(1, count) if stats[k, cv2.CC_STAT_LEFT] == 0
                     or stats[k, cv2.CC_STAT_LEFT] + stats[k, cv2.CC_STAT_WIDTH] >= width]
            across |= np.isin(labels, sides).astype(np.uint8)
        ink = ink & ~across.astype(bool)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), 8)
    edge = _EDGE * height
    keep = []
    for k in range(1, count):
        left, top = stats[k, cv2.CC_STAT_LEFT], stats[k, cv2.CC_STAT_TOP]
        right = left + stats[k, cv2.CC_STAT_WIDTH]
        bottom = top + stats[k, cv2.CC_STAT_HEIGHT]
        if stats[k, cv2.CC_STAT_AREA] < 3:
            continue
        if ((left == 0 and right <= edge) or (right >= width and left >= width - edge)
                or (top == 0 and bottom <= edge) or (bottom >= height and top >= height - edge)):
            continue
        keep.append(k)
    return np.isin(labels, keep)


def _placed(image: np.ndarray, shape: tuple[int, int], dy: int, dx: int) -> np.ndarray:
    """``image`` in a frame of ``shape``, its corner at (dy, dx) past the frame's margin for
    sliding, clipped to the frame."""
    out = np.zeros(shape, np.float32)
    h, w = image.shape
    y, x = _SHIFT_Y + dy, _SHIFT_X + dx
    part = image[max(0, -y):max(0, min(h, shape[0] - y)), max(0, -x):max(0, min(w, shape[1] - x))]
    out[max(0, y):max(0, y) + part.shape[0], max(0, x):max(0, x) + part.shape[1]] = part
    return out


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum() + 1e-9))


def marks_scores(ink: np.ndarray, spellings: Sequence[str]
                 ) -> tuple[float, dict[tuple[str, str], float]]:
    """How well the best-fitting face fits the word (correlation, -1..1) and, in that face,
    for each ordered pair of spellings (a, b), how much better a agrees with the word's ink
    than b where the two differ (-1..1).

    The spellings are drawn in one frame (the same origin), and the frame is scaled and slid so
    that one spelling's own box is the word's: each spelling in turn, the one that then fits the
    word best setting the frame. Scaled so that the union of the spellings is the word's box,
    a word printed without the tallest mark ("Lan" under "Lân"'s hat) came out too small and no
    face fitted it. When no face fits so, the frame is drawn a little smaller (``_SHRINKS``) at
    each corner of the word's box, as a pen's dash or stroke can make the ink's box larger than
    the print's."""
    best: tuple[float, dict[tuple[str, str], float]] = (-1.0, {})
    for shrink in _SHRINKS:
        if best[0] >= FIT:
            break  # drawn as tall as the ink, a face fits: the smaller drawings are not tried
        for face in faces():
            drawn = _drawn(tuple(spellings), face)
            for mine in range(len(drawn)):
                found = _framed(ink, drawn, mine, shrink, spellings)
                if found is not None and found[0] > best[0]:
                    best = found
    return best


def _framed(ink: np.ndarray, drawn: Sequence[np.ndarray], mine: int, shrink: float,
            spellings: Sequence[str]) -> tuple[float, dict[tuple[str, str], float]] | None:
    """The fit of spelling ``mine`` drawn (in the frame ``drawn``) with its own box ``shrink``
    times the word's height, and the spellings' pairs in that frame; None without pairs."""
    height, width = ink.shape
    own = drawn[mine]
    rows, cols = np.flatnonzero(own.any(axis=1)), np.flatnonzero(own.any(axis=0))
    if not len(rows):
        return None
    scale = shrink * height / (rows[-1] - rows[0] + 1)
    size = (max(1, round(own.shape[1] * scale)), max(1, round(own.shape[0] * scale)))
    scaled = [cv2.resize(d.astype(np.float32), size, interpolation=cv2.INTER_AREA)
              for d in drawn]
    top, left = round(rows[0] * scale), round(cols[0] * scale)
    tall = round((rows[-1] - rows[0] + 1) * scale)
    wide = round((cols[-1] - cols[0] + 1) * scale)
    # The word's box where the spelling's own box is: at its top left, or, drawn smaller than
    # the box, at any of its corners.
    corners = [(top, left)] if shrink == 1.0 else [
        (top + a * (tall - height), left + b * (wide - width)) for a in (0, 1) for b in (0, 1)]
    best: tuple[float, dict[tuple[str, str], float]] | None = None
    for y, x in corners:
        y0, x0 = min(0, y), min(0, x)
        shape = (max(size[1], y + height) - y0 + 2 * _SHIFT_Y,
                 max(size[0], x + width) - x0 + 2 * _SHIFT_X)
        page = _placed(ink.astype(np.float32), shape, y - y0, x - x0)
        fit, dy, dx = max((_correlation(page, _placed(scaled[mine], shape, dy - y0, dx - x0)),
                           dy, dx)
                          for dy in range(-_SHIFT_Y, _SHIFT_Y + 1)
                          for dx in range(-_SHIFT_X, _SHIFT_X + 1))
        if best is not None and fit <= best[0]:
            continue
        placed = [_placed(d, shape, dy - y0, dx - x0) for d in scaled]
        pairs = _pair_edges(page, placed, spellings)
        if pairs:
            best = (fit, pairs)
    return best


def _pair_edges(page: np.ndarray, placed: Sequence[np.ndarray], spellings: Sequence[str]
                ) -> dict[tuple[str, str], float]:
    """For each ordered pair of spellings (a, b) drawn as ``placed`` over ``page``, how much
    better a agrees with the page than b where the two differ (-1..1)."""
    pairs: dict[tuple[str, str], float] = {}
    for i, j in itertools.combinations(range(len(placed)), 2):
        # Where these two differ only: a third spelling's mark elsewhere says nothing of which
        # of the two was printed, and counted there it only evens their scores ("Hiển" 0.794
        # against "Hiến" 0.768 over all four spellings' marks, seed 313).
        differ = cv2.dilate((np.abs(placed[i] - placed[j]) > 0.5).astype(np.uint8),
                            np.ones((3, 3), np.uint8)).astype(bool)
        if not differ.any():
            continue
        edge = float(np.abs(page[differ] - placed[j][differ]).mean()
                     - np.abs(page[differ] - placed[i][differ]).mean())
        pairs[spellings[i], spellings[j]] = edge
        pairs[spellings[j], spellings[i]] = -edge
    return pairs


def alone_scores(ink: np.ndarray, spellings: Sequence[str]) -> dict[tuple[str, str], float]:
    """:func:`marks_scores`' pairs with each spelling drawn alone to the word's whole box and
    slid to where it fits best, in the face one of them fits best. In one frame scaled to the
    word's height, a spelling whose marks are shorter than the tallest comes out too small
    (a printed "Hiến" drawn under "Hiển"'s hook): here each is as tall as the word would be
    printed so, and the two drawings must not disagree."""
    height, width = ink.shape
    shape = (height + 2 * _SHIFT_Y, width + 2 * _SHIFT_X)
    page = _placed(ink.astype(np.float32), shape, 0, 0)
    best: tuple[float, dict[tuple[str, str], float]] = (-1.0, {})
    for face in faces():
        placed, fit = [], -1.0
        for drawn in _drawn_alone(tuple(spellings), face):
            scaled = cv2.resize(drawn.astype(np.float32), (width, height),
                                interpolation=cv2.INTER_AREA)
            one, dy, dx = max((_correlation(page, _placed(scaled, shape, dy, dx)), dy, dx)
                              for dy in range(-_SHIFT_Y, _SHIFT_Y + 1)
                              for dx in range(-_SHIFT_X, _SHIFT_X + 1))
            placed.append(_placed(scaled, shape, dy, dx))
            fit = max(fit, one)
        if fit > best[0]:
            best = (fit, _pair_edges(page, placed, spellings))
    return best[1]

def drawn_spelling(crop: np.ndarray | Sequence[np.ndarray], spellings: Sequence[str]
                   ) -> str | None:
    """The one of ``spellings`` (a word's spellings that differ in their marks) the grey
    ``crop`` around the printed word shows, by drawing them; None when the drawing cannot
    tell (no face fits the word well, or no spelling matches clearly best).

    ``crop`` may be several copies of the same place (the page's recognition copy, copies
    where the pen was taken apart otherwise), each compared on its own. The copies differ by
    ink taken away: a pen taken out by shape can take a tone mark it runs close to (the hook
    over "Ẩ" gone, the word then drawn as "Ân" with a good fit), never add one. So where two
    copies tell different spellings, the one holding every mark of the others is the print's
    ("Ẩn" over "Ân"); when none does ("Cẩm" against "Cầm") nothing is told."""
    if len(spellings) < 2 or not faces():
        return None
    told: list[str] = []
    for one in [crop] if isinstance(crop, np.ndarray) else crop:
        ink = word_ink(one)
        if ink is not None and (spelling := _told(ink, spellings)) is not None:
            told.append(spelling)
    told = list(dict.fromkeys(told))
    fullest = [a for a in told if all(_marks_within(b, a) for b in told)]
    return fullest[0] if len(fullest) == 1 else None


def _marks(word: str) -> list[str]:
    return sorted(ch for ch in unicodedata.normalize("NFD", word) if unicodedata.combining(ch))


def _marks_within(inner: str, outer: str) -> bool:
    """Whether each mark of ``inner`` is on ``outer`` too (the same letters)."""
    rest = _marks(outer)
    for mark in _marks(inner):
        if mark not in rest:
            return False
        rest.remove(mark)
    return True


def _told(ink: np.ndarray, spellings: Sequence[str]) -> str | None:
    """The spelling one copy of the word shows: the face must fit it (``FIT``), one spelling
    match clearly better than each other one where the two differ (``MARGIN``), and no other
    beat it with each drawn alone to the word's box (:func:`alone_scores`)."""
    fit, pairs = marks_scores(ink, spellings)
    if fit < FIT or not pairs:
        return None
    winners = [a for a in dict.fromkeys(spellings)
               if all(pairs.get((a, b), 0.0) >= MARGIN for b in spellings if b != a)]
    if len(winners) != 1:
        return None
    alone = alone_scores(ink, spellings)
    if any(alone.get((winners[0], b), 0.0) < 0 for b in spellings if b != winners[0]):
        return None
    return winners[0]
