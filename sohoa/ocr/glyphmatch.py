"""Which of two readings of a printed number its own glyphs say: a disputed digit compared with
the number's other glyphs, in the same font, size and wear.

Two readers may each read a number's crop the same way at every size and disagree with each
other on one digit (issue 18: seed 67 page 6700017, "…620959" by the digits reader six times,
"…629959" by the page's model six times and on the page; seed 41 page 4100032 the other way
round, the page's model right). Neither reader is right more often enough to be believed over
the other. The page itself settles it: the number prints the disputed digit's candidates
elsewhere too ("040080620959" has four other 0s and two other 9s), and the disputed glyph
looks like the digits it is. The number's ink is cut into one cell per digit (the digits share
one advance width), each cell's ink scaled to one size and compared by correlation with the
glyphs both readings agree on; a candidate wins only when every disputed position prefers it
clearly. No decision when a cell holds no ink, or a candidate digit is printed nowhere else in
the number.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

_SIZE = (16, 24)  # (width, height) every glyph is scaled to before comparing
# A disputed glyph is the candidate's when it matches that digit's glyphs better by this much
# (correlation, -1..1) than the other candidate's.
_MARGIN = 0.08


def glyph_boxes(crop: np.ndarray, count: int) -> list[tuple[int, int]]:
    """The (left, right) column spans of the ``count`` digits printed in ``crop`` (grey, dark
    ink on light paper), left to right. A number's digits share one advance width in the
    faces forms are printed in (tabular figures), so the span from the first to the last
    column of ink as tall as a digit (components at least 60 % as tall as the tallest: not a
    leader's dots, a colon or a speck) is cut into ``count`` equal cells — a digit cracked
    into pieces on a worn copy stays in its cell. Empty when a cell holds no ink."""
    if crop.size == 0 or count < 2:
        return []
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    found, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if found <= 1:
        return []
    tall = float(np.percentile(stats[1:, cv2.CC_STAT_HEIGHT], 95))
    digits = [s for s in stats[1:] if s[cv2.CC_STAT_HEIGHT] >= 0.6 * tall]
    first = min(int(s[cv2.CC_STAT_LEFT]) for s in digits)
    last = max(int(s[cv2.CC_STAT_LEFT] + s[cv2.CC_STAT_WIDTH]) for s in digits)
    pitch = (last - first) / count
    spans = [(round(first + i * pitch), round(first + (i + 1) * pitch)) for i in range(count)]
    if pitch < 3 or any(not ink[:, a:b].any() for a, b in spans):
        return []
    return spans


def _glyphs(crop: np.ndarray, spans: list[tuple[int, int]]) -> list[np.ndarray]:
    """Each cell's glyph: the ink components whose centre lies in the cell (a neighbour's edge
    reaching into it is its neighbour's), cut to their box, scaled to one size, centred and
    of unit norm, so that the sum of a product is their correlation."""
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    found, labels, stats, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out: list[np.ndarray] = []
    for left, right in spans:
        mine = [k for k in range(1, found) if left <= centres[k][0] < right
                and stats[k][cv2.CC_STAT_AREA] >= 3]
        mask = np.isin(labels, mine)
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        if not mine or rows.size == 0:
            out.append(np.zeros(_SIZE[::-1], np.float32))
            continue
        box = mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].astype(np.float32)
        glyph = cv2.resize(box, _SIZE, interpolation=cv2.INTER_AREA)
        glyph -= glyph.mean()
        norm = float(np.linalg.norm(glyph))
        out.append(glyph / norm if norm else glyph)
    return out


def glyph_choice(crop: np.ndarray, candidates: Sequence[str]) -> str | None:
    """The one of two same-length ``candidates`` (readings of the number printed in ``crop``)
    whose digits the crop's glyphs match at every position where they differ; None when the
    glyphs cannot be cut one per digit, a disputed digit has no other glyph of either
    candidate to compare with, or the positions do not all prefer one candidate clearly."""
    if len(candidates) != 2 or len(candidates[0]) != len(candidates[1]):
        return None
    a, b = candidates
    spans = glyph_boxes(crop, len(a))
    if not spans:
        return None
    glyphs = _glyphs(crop, spans)
    agreed = [i for i in range(len(a)) if a[i] == b[i]]
    votes: set[str] = set()
    for i in (i for i in range(len(a)) if a[i] != b[i]):
        scores = []
        for digit in (a[i], b[i]):
            refs = [j for j in agreed if a[j] == digit]
            if not refs:
                return None
            scores.append(max(float((glyphs[i] * glyphs[j]).sum()) for j in refs))
        if abs(scores[0] - scores[1]) < _MARGIN:
            return None
        votes.add(a if scores[0] > scores[1] else b)
    return votes.pop() if len(votes) == 1 else None
