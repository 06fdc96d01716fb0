"""Dotted leaders erased before recognition: "Họ và tên: ....NGUYỄN VĂN AN.........".

Vietnamese forms print a row of dots after each caption for the value to be written or typed
on. Tesseract reads a line with such a row as noise and loses the value with it: on the
official-form pages of issue 18, "2. Ngày, tháng, năm sinh: ....19/01/1956......" came out as
"2.NEQÿV, THAI, TÌia1m SITH: -::.19/071/1956...-0......", and the owner's number on 15 of 16
missed pages. A leader is a run of at least four small round specks, evenly spaced, on one
baseline: no letter is that, and the dots a letter carries (i, j, the nặng under a vowel) are
a syllable apart, never four in a row this close. Those specks are painted with the paper's
colour; everything else is left as scanned. The page's pixel size does not change, so word
boxes stay in the scan's coordinates.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np
from PIL import Image

from sohoa.ocr.levels import percentile

_MIN_RUN = 4  # dots in a row to be a leader (an ellipsis has three)


def _runs(cx: np.ndarray, cy: np.ndarray, scale: float) -> np.ndarray:
    """Indices of the specks that belong to a run along x (rows of dots)."""
    order = np.lexsort((cx, np.round(cy / (3 * scale))))
    keep = np.zeros(len(cx), dtype=bool)
    run = [order[0]]
    for a, b in itertools.pairwise(order):
        if abs(cy[b] - cy[a]) <= 2 * scale and 2 * scale <= cx[b] - cx[a] <= 16 * scale:
            run.append(b)
            continue
        if len(run) >= _MIN_RUN:
            keep[run] = True
        run = [b]
    if len(run) >= _MIN_RUN:
        keep[run] = True
    return keep


def leader_mask(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Pixels of the dotted leaders on a greyscale page (True = leader ink)."""
    ink = (gray < min(160, int(percentile(gray, 95)) - 40)).astype(np.uint8)
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return np.zeros(gray.shape, dtype=bool)
    scale = dpi / 200.0
    w, h, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    small = (w <= 6 * scale) & (h <= 6 * scale) & (area >= 2) \
        & (w <= 2 * np.maximum(h, 1)) & (h <= 2 * np.maximum(w, 1))
    index = np.flatnonzero(small) + 1
    if len(index) < _MIN_RUN:
        return np.zeros(gray.shape, dtype=bool)
    cx, cy = centroids[index, 0], centroids[index, 1]
    # Rows of dots, and columns too: a page scanned turned a quarter is uprighted later.
    keep = _runs(cx, cy, scale) | _runs(cy, cx, scale)
    if not keep.any():  # most pages: no leader, and no page-sized lookup of the labels
        return np.zeros(gray.shape, dtype=bool)
    chosen = np.zeros(count, dtype=bool)
    chosen[index[keep]] = True
    return chosen[labels]


def erase_dot_leaders(image: Image.Image, dpi: int) -> Image.Image:
    """``image`` with its dotted leaders painted in the paper's colour (the same object when
    it has none)."""
    rgb = image.mode not in ("L", "1")  # a bilevel or grey scan stays grey, colour stays colour
    gray = np.asarray(image.convert("L"))
    mask = leader_mask(gray, dpi)
    if not mask.any():
        return image
    pixels = np.array(image.convert("RGB") if rgb else image.convert("L"))
    # The paper's colour: each channel's 90th percentile.
    paper = np.array([percentile(pixels[..., c], 90) for c in range(3)] if rgb
                     else percentile(pixels, 90))
    pixels[mask] = paper.astype(np.uint8)
    return Image.fromarray(pixels, "RGB" if rgb else "L")
