"""Percentiles of a page's 8-bit grey levels, as ``np.percentile`` gives them, from a histogram.

``np.percentile`` partly sorts every pixel (≈20 ms for an A4 page at 300 dpi), and the
recognizer asks for the paper's and the ink's levels of whole pages and of many strips. Of 8-bit
values, the two ranks a percentile lies between are read off the cumulative histogram
(``cv2.calcHist``: a few ms); when both hold the same level, which is the case for nearly every
page (the paper's and the ink's levels are plateaus of thousands of pixels), that level is the
percentile exactly — numpy's linear interpolation between two equal values gives that value.
Otherwise ``np.percentile`` itself answers, so the result is always numpy's, bit for bit.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

# calcHist counts in float32: exact below 2**24 values.
_MOST = 1 << 24


def percentile(values: np.ndarray, q: float) -> float:
    """``float(np.percentile(values, q))`` (numpy's default, linear), the same value."""
    n = values.size
    if values.dtype != np.uint8 or n == 0 or n >= _MOST:
        return float(np.percentile(values, q))
    # numpy's "linear" rank: (n - 1) * q / 100, between the ranks below and above it.
    virtual = (n - 1) * (q / 100)
    if virtual >= n - 1:
        below = above = n - 1
    elif virtual < 0:
        below = above = 0
    else:
        below = math.floor(virtual)
        above = below + 1
    flat = values if values.ndim == 2 else values.reshape(-1, 1)
    counts = cv2.calcHist([np.ascontiguousarray(flat)], [0], None, [256], [0, 256])
    ranks = np.cumsum(counts.ravel().astype(np.int64))
    low, high = np.searchsorted(ranks, [below, above], side="right")
    if low == high:
        return float(low)
    return float(np.percentile(values, q))
