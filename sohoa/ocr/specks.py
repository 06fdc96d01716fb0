"""Pepper speckle of a photocopy: how much of it a page has, and taking it away.

A worn copier drum leaves dark dots of toner all over the paper, isolated and much smaller than
a dot of print. On a white-paper copy (paper ≈227, toner ≈60: a page the other measures call
clean) Tesseract's binarization keeps them, joins them to the letters and reads whole pages as
noise (issue 18, tester16 F5: two heavy copies at 89% and 91% CER). A mark of print as small
(a full stop, an i's dot, a tone mark) sits next to a letter; a speck has no print near it.

Speckle is measured on a sample of the page (bands of rows, a quarter of it) as isolated specks
per cm², so the measure costs a few milliseconds whatever the resolution.
"""

from __future__ import annotations

import cv2
import numpy as np

# A speck is at most this wide (mm): a full stop of 10-pt print is ≈0.35 mm across.
SPECK_MM = 0.25
# ...and no print within this distance (mm) of its box: a tone mark or an i's dot lies ≈0.2-0.4
# mm from its letter.
ALONE_MM = 0.8
# Dark pixels of other things (mostly other specks) tolerated in that reach, in specks' areas:
# a letter's stroke in reach brings many times more.
_CROWD = 3
# Rows sampled for the measure: this many bands, each this share of its slice of the page.
_BANDS = 8
_BAND_SHARE = 4


def _speck_area(dpi: int) -> int:
    return max(2, round((SPECK_MM * dpi / 25.4) ** 2))


def _isolated(dark: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """``dark``'s 8-connected pieces (labels) and which of them (by label - 1) are specks:
    small, with hardly anything dark within reach."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    area = stats[1:, cv2.CC_STAT_AREA]
    most = _speck_area(dpi)
    reach = max(2, round(ALONE_MM * dpi / 25.4))
    h, w = dark.shape
    total = cv2.integral(dark)
    left, top = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    x0 = np.clip(left - reach, 0, w)
    y0 = np.clip(top - reach, 0, h)
    x1 = np.clip(left + stats[1:, cv2.CC_STAT_WIDTH] + reach, 0, w)
    y1 = np.clip(top + stats[1:, cv2.CC_STAT_HEIGHT] + reach, 0, h)
    near = total[y1, x1] - total[y0, x1] - total[y1, x0] + total[y0, x0]
    return labels, (area <= most) & (near - area <= _CROWD * most)


def _dark(gray: np.ndarray, paper: float, ink: float) -> np.ndarray:
    """Pixels darker than halfway from paper to ink (1) and the rest (0)."""
    return (gray < (paper + ink) / 2).astype(np.uint8)


def speckle(page: np.ndarray, dpi: int, paper: float, ink: float) -> float:
    """Isolated specks per cm² of page, counted on a sample of its rows (8-bit grey or RGB
    page; ``paper`` and ``ink`` its grey levels, :func:`sohoa.ocr.preprocess.measure`)."""
    h = page.shape[0]
    step = h // _BANDS
    tall = step // _BAND_SHARE
    if tall < 4 * max(2, round(ALONE_MM * dpi / 25.4)):
        sample = page  # a small image: all of it
    else:
        starts = [i * step + (step - tall) // 2 for i in range(_BANDS)]
        sample = np.concatenate([page[s:s + tall] for s in starts])
    if sample.ndim == 3:
        sample = cv2.cvtColor(sample, cv2.COLOR_RGB2GRAY)
    _, alone = _isolated(_dark(sample, paper, ink), dpi)
    cm2 = sample.size / (dpi / 2.54) ** 2
    return float(np.count_nonzero(alone)) / max(cm2, 1e-6)


def remove_specks(gray: np.ndarray, dpi: int, paper: float, ink: float) -> np.ndarray:
    """A copy of 8-bit grey ``gray`` with its isolated specks, and the ring of pixels around
    each where blur and JPEG smear it, painted the paper's level. Print, and the dots, tone
    marks and full stops beside its letters, are kept. A 3x3 median alone keeps a speck 3 px
    across (0.25 mm at 300 dpi)."""
    labels, alone = _isolated(_dark(gray, paper, ink), dpi)
    if not alone.any():
        return gray
    pick = np.zeros(alone.size + 1, np.uint8)
    pick[1:][alone] = 1
    mask = cv2.dilate(pick[labels], np.ones((3, 3), np.uint8)).astype(bool)
    out = gray.copy()
    out[mask] = np.uint8(min(255, round(paper)))
    return out
