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
    """The word's ink in a grey crop around it (Otsu), cut to its box; specks of one or two
    pixels left out. None when there is no ink."""
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), 8)
    kept = np.isin(labels, [k for k in range(1, count) if stats[k, cv2.CC_STAT_AREA] >= 3])
    rows, cols = np.flatnonzero(kept.any(axis=1)), np.flatnonzero(kept.any(axis=0))
    if len(rows) < 4 or len(cols) < 4:
        return None
    return kept[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def _placed(image: np.ndarray, shape: tuple[int, int], dy: int, dx: int) -> np.ndarray:
    out = np.zeros(shape, np.float32)
    h, w = image.shape
    out[_SHIFT_Y + dy:_SHIFT_Y + dy + h, _SHIFT_X + dx:_SHIFT_X + dx + w] = image
    return out


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum() + 1e-9))


def marks_scores(ink: np.ndarray, spellings: Sequence[str]
                 ) -> tuple[float, dict[tuple[str, str], float]]:
    """How well the best-fitting face fits the word (correlation, -1..1) and, in that face,
    for each ordered pair of spellings (a, b), how much better a agrees with the word's ink
    than b where the two differ (-1..1)."""
    height, width = ink.shape
    best: tuple[float, dict[tuple[str, str], float]] = (-1.0, {})
    for face in faces():
        drawn = _drawn(tuple(spellings), face)
        wide = max(1, round(drawn[0].shape[1] * height / drawn[0].shape[0]))
        scaled = [cv2.resize(d.astype(np.float32), (wide, height), interpolation=cv2.INTER_AREA)
                  for d in drawn]
        shape = (height + 2 * _SHIFT_Y, max(width, wide) + 2 * _SHIFT_X)
        page = _placed(ink.astype(np.float32), shape, 0, 0)
        common = np.mean(scaled, axis=0)
        fit, dy, dx = max((_correlation(page, _placed(common, shape, dy, dx)), dy, dx)
                          for dy in range(-_SHIFT_Y, _SHIFT_Y + 1)
                          for dx in range(-_SHIFT_X, _SHIFT_X + 1))
        if fit <= best[0]:
            continue
        placed = [_placed(s, shape, dy, dx) for s in scaled]
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
    where the pen was taken apart otherwise): the copy whose print the face fits best is
    compared. A pen taken out by shape can take a tone mark it runs close to (the hook over
    "Ẩ" gone, the word then drawn as "Ân" with a good fit), and the copy that kept the mark
    fits the drawing better, as its word is whole."""
    if len(spellings) < 2 or not faces():
        return None
    best: tuple[float, dict[tuple[str, str], float], np.ndarray | None] = (-1.0, {}, None)
    for one in [crop] if isinstance(crop, np.ndarray) else crop:
        ink = word_ink(one)
        if ink is None:
            continue
        fit, pairs = marks_scores(ink, spellings)
        if pairs and fit > best[0]:
            best = (fit, pairs, ink)
    fit, pairs, ink = best
    if fit < FIT or not pairs or ink is None:
        return None
    # The one spelling that matches clearly better than each other one, compared with it where
    # the two differ ...
    winners = [a for a in dict.fromkeys(spellings)
               if all(pairs.get((a, b), 0.0) >= MARGIN for b in spellings if b != a)]
    if len(winners) != 1:
        return None
    # ... and that no other one beats with each drawn alone to the word's box.
    alone = alone_scores(ink, spellings)
    if any(alone.get((winners[0], b), 0.0) < 0 for b in spellings if b != winners[0]):
        return None
    return winners[0]
