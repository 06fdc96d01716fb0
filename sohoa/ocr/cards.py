"""Identity cards photocopied on a page: found by their outline, each read as a page of its own.

A photocopy of a citizen ID card (front and back on one A4, as a dossier holds it) prints a
card of the ID-1 size (85.6 × 54 mm, copied at 100-180 %) with a rounded outline, a pale fill,
a guilloche, a photo and 5-7 pt print. Read as part of the A4 page, the page's cleanup takes the
white paper around the cards for the paper, and the card's pale fill and guilloche for
something between paper and print: on tester17's grey JPEG-q35 copies (seed 1701 t17-11) the
number "075066210613" came out "07B066210613" and the card read at 28 % CER; the same card cut
out and read alone, its fill now the paper, read at 10 %. So each card found is read alone
(its own cleanup, photo, MRZ, seal and signer rules), the page around the cards with the cards
painted paper, and the readings are put back together in the page's pixels.

A card is a closed outline: a contour of the page's dark ink (specks under 2 mm dropped) whose
smallest enclosing rectangle has the card's proportions (long side 1.4-1.8 × the short) and
size, and which fills that rectangle (≥ 90 %: a rounded rectangle, not a photo's or a seal's
shape). Found on a half-size copy in a few hundredths of a second; a page with no such outline
(every letter, every form) is read as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from sohoa.records import InkMark, OcrPage, Word

# The card's long side on the copy (mm): ID-1 is 85.6 mm, copied at 80-185 %.
_LONG_MM = (70.0, 160.0)
_SHORT_MM = (44.0, 102.0)
_ASPECT = (1.4, 1.8)  # ID-1: 1.585
_MIN_FILL = 0.9  # the contour's area over its enclosing rectangle's
_INK = 30  # grey levels under the local paper: ink
_SPECK_MM = 2.0  # ink pieces smaller than this on both sides are specks (a heavy copy's noise)
_MARGIN_MM = 2.0  # cut around the outline: the outline itself, a skewed corner
_PAPER_MM = 8.0  # the local paper level: the brightest within this square
_HALF = 2
_GAP_MM = 1.2
# Print around the cards: this many pieces of ink (letters) at least outside them.
_PRINT_AROUND = 8


@dataclass(frozen=True)
class Card:
    """A card's box on the page, in the page's pixels (left, top, width, height)."""

    left: int
    top: int
    width: int
    height: int

    def overlaps(self, other: Card) -> float:
        """The share of the smaller box that lies in the other."""
        w = min(self.left + self.width, other.left + other.width) - max(self.left, other.left)
        h = min(self.top + self.height, other.top + other.height) - max(self.top, other.top)
        if w <= 0 or h <= 0:
            return 0.0
        return w * h / min(self.width * self.height, other.width * other.height)


def _ink(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, float]:
    """The page's ink on a half-size copy, specks dropped, and the copy's pixels per mm."""
    small = cv2.resize(gray, (gray.shape[1] // _HALF, gray.shape[0] // _HALF),
                       interpolation=cv2.INTER_AREA)
    mm = dpi / 25.4 / _HALF
    blur = cv2.GaussianBlur(small, (0, 0), 1.0)
    side = max(3, int(_PAPER_MM * mm))
    paper = cv2.dilate(blur, np.ones((side, side), np.uint8))
    dark = ((paper.astype(np.int16) - blur) > _INK).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    keep = np.zeros(n, np.uint8)
    keep[1:] = np.maximum(stats[1:, 2], stats[1:, 3]) >= _SPECK_MM * mm
    return keep[labels], mm


def find_cards(gray: np.ndarray, dpi: int) -> list[Card]:
    """The ID cards' boxes on a page (grey, 0-255), top to bottom, a margin around each."""
    f = _HALF
    if min(gray.shape) < _SHORT_MM[0] * dpi / 25.4:
        return []
    ink, mm = _ink(gray, dpi)
    # A heavy copy breaks the thin outline: its gaps (up to a millimetre) are closed.
    side = max(5, round(_GAP_MM * mm))
    dark = cv2.dilate(ink, np.ones((side, side), np.uint8))
    contours, _ = cv2.findContours(dark, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found: list[Card] = []
    margin = _MARGIN_MM * mm
    for contour in contours:
        _, (w, h), _ = cv2.minAreaRect(contour)
        long, short = max(w, h), min(w, h)
        if not (_LONG_MM[0] * mm <= long <= _LONG_MM[1] * mm
                and _SHORT_MM[0] * mm <= short <= _SHORT_MM[1] * mm
                and _ASPECT[0] <= long / short <= _ASPECT[1]):
            continue
        if cv2.contourArea(contour) < _MIN_FILL * w * h:
            continue
        x, y, bw, bh = cv2.boundingRect(contour)
        x0, y0 = max(0, int((x - margin) * f)), max(0, int((y - margin) * f))
        x1 = min(gray.shape[1], int((x + bw + margin) * f))
        y1 = min(gray.shape[0], int((y + bh + margin) * f))
        found.append(Card(x0, y0, x1 - x0, y1 - y0))
    # An outline's inner and outer contours are one card: the larger box stays.
    found.sort(key=lambda c: c.width * c.height, reverse=True)
    cards: list[Card] = []
    for card in found:
        if all(card.overlaps(kept) < 0.5 for kept in cards):
            cards.append(card)
    return sorted(cards, key=lambda c: (c.top, c.left))


def merge_readings(around: OcrPage, cards: Sequence[tuple[int, int, OcrPage]]) -> OcrPage:
    """One page's reading from the page read around its cards (``around``, the cards painted
    paper; its rotation is the page's) and each card's (its box's left and top on the upright
    page, its reading in the upright card's own pixels). The lines keep the page's order: a
    card's lines where the card's top is among the page's lines; words, marks and boxes move
    to the page's pixels."""
    lines = around.text.split("\n") if around.text else []
    tops: list[int] = []
    last = 0
    for n in range(len(lines)):
        ys = [w.top for w in around.words if w.line == n]
        last = min(ys) if ys else last
        tops.append(last)
    # (top, order, reading, left, top offset, line) — one row per line of the page
    rows: list[tuple[int, int, int, int, int, int]] = [
        (top, 0, -1, 0, 0, n) for n, top in enumerate(tops)]
    readings = [around, *(read for _, _, read in cards)]
    for k, (left, top, read) in enumerate(cards, 1):
        count = len(read.text.split("\n")) if read.text else 0
        rows += [(top, 1, k, left, top, n) for n in range(count)]
    # A card's lines stay together: by the card's top, then in its own order.
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[5]))
    text_lines: list[str] = []
    words: list[Word] = []
    for new_line, (_, _, k, left, top, n) in enumerate(rows):
        read = readings[0] if k < 0 else readings[k]
        text_lines.append(read.text.split("\n")[n])
        block = 0 if k < 0 else 1000 * k
        words += [replace(w, left=w.left + left, top=w.top + top, line=new_line,
                          block=w.block + block) for w in read.words if w.line == n]
    marks = list(around.marks)
    for left, top, read in cards:
        marks += [InkMark(m.kind, m.left + left, m.top + top, m.width, m.height)
                  for m in read.marks]
    confidence = sum(w.confidence for w in words) / len(words) / 100.0 if words else 0.0
    return OcrPage(
        page_sha256=around.page_sha256, rotation=around.rotation,
        skew=around.skew if around.words or not cards else cards[0][2].skew,
        width=around.width, height=around.height, dpi=around.dpi, words=tuple(words),
        text="\n".join(text_lines), confidence=round(max(0.0, min(1.0, confidence)), 4),
        timed_out=any(r.timed_out for r in readings), marks=tuple(marks),
        renamed=tuple(x for r in readings for x in r.renamed),
        retitled=tuple(x for r in readings for x in r.retitled),
        unsure_ids=tuple(x for r in readings for x in r.unsure_ids),
        unsure_signer=tuple(x for r in readings for x in r.unsure_signer))


def print_around(gray: np.ndarray, dpi: int, cards: Sequence[Card]) -> bool:
    """Whether the page prints anything outside its cards (a certification's stamp and lines,
    a note): pieces of ink, specks dropped. A bare copy's page around its cards is not read
    (on a blank page the orientation's trials cost 4 CPU s for nothing)."""
    ink, _ = _ink(gray, dpi)
    for card in cards:
        ink[card.top // _HALF:(card.top + card.height) // _HALF + 1,
            card.left // _HALF:(card.left + card.width) // _HALF + 1] = 0
    n, _, _, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return n - 1 >= _PRINT_AROUND
