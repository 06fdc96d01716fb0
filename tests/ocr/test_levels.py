"""Percentiles of 8-bit levels from a histogram (sohoa.ocr.levels): numpy's value, bit for bit,
whatever the array (plateaus, spread levels, one pixel, strided views)."""

from __future__ import annotations

import numpy as np

from sohoa.ocr.levels import percentile


def test_the_histogram_percentile_is_numpys() -> None:
    rng = np.random.default_rng(18)
    arrays = [np.full((1, 1), 7, np.uint8), np.array([[0, 255]], np.uint8)]
    for n in range(45):
        h, w = int(rng.integers(1, 40)), int(rng.integers(1, 40))
        if n % 3 == 0:
            a = rng.integers(0, 256, (h, w), dtype=np.uint8)  # levels spread: numpy answers
        elif n % 3 == 1:
            a = np.full((h, w), 236, np.uint8)  # paper with some print: plateaus
            a[rng.random((h, w)) < 0.15] = int(rng.integers(0, 90))
        else:
            a = rng.integers(0, 256, (h, 2 * w, 3), dtype=np.uint8)[:, ::2, 1]  # a strided view
        arrays.append(a)
    for a in arrays:
        for q in (0, 1, 2, 5, 10, 50, 60, 75, 90, 95, 99, 100, 33.3):
            assert percentile(a, q) == float(np.percentile(a, q)), (a.shape, q)
    # Not 8-bit: numpy's own answer.
    floats = rng.random((5, 5))
    assert percentile(floats, 90) == float(np.percentile(floats, 90))
