"""Dossier codes printed as QR or Code 128 on the receipt or separator sheet.

zxing-cpp finds both symbologies at any rotation. A page is first searched at a reduced size,
which is several times faster on a 200-300 dpi scan and enough for the code sheet's symbols;
only when that finds nothing is the full-resolution page searched, then a despeckled copy
for bilevel scans whose noise breaks the bars.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

import cv2
import numpy as np
import zxingcpp
from PIL import Image

# Agency code (dotted parts), receipt date yymmdd, sequence: H19.22-241105-0042.
DEFAULT_CODE_PATTERN = r"[A-Z0-9]{1,6}(?:\.[A-Z0-9]{1,6})*-\d{6}-\d{4}"

_FORMATS = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.Code128)
# Long side of the first, reduced search: about 150 dpi for A4, where Code 128 bars of 0.25 mm
# are still ~1.5 px wide and QR modules ~3 px.
_REDUCED_LONG_SIDE = 1800
_DATE_BEFORE_SEQUENCE = re.compile(r"-(\d{6})-[^-]*$")


def read_dossier_code(image: Image.Image, pattern: str = DEFAULT_CODE_PATTERN) -> str | None:
    """The dossier code carried by a QR or Code 128 symbol on the page, or None.

    Only symbols whose whole text matches ``pattern`` and whose ``yymmdd`` part is a real date
    count, so a product barcode or a QR with a web address is ignored. If a ``date`` named group
    is in ``pattern``, it gives the ``yymmdd``; otherwise the six digits before the last dash do.
    """
    grey = _grey_array(image)
    regex = _compile(pattern)
    for attempt in _attempts(grey):
        codes = _codes(attempt, regex)
        if codes:
            # The QR and the Code 128 on one sheet carry the same code; if two different valid
            # codes show up, the one printed more often wins, then the smaller for determinism.
            counts = Counter(codes)
            return min(counts, key=lambda c: (-counts[c], c))
    return None


def _attempts(grey: np.ndarray) -> Iterator[np.ndarray]:
    long_side = max(grey.shape)
    if long_side > _REDUCED_LONG_SIDE * 1.15:
        scale = _REDUCED_LONG_SIDE / long_side
        yield cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    yield grey
    # Salt-and-pepper noise on bilevel scans cuts bars and finder patterns; a 3x3 median removes
    # isolated specks without moving edges.
    yield cv2.medianBlur(grey, 3)


def _codes(grey: np.ndarray, regex: re.Pattern[str]) -> list[str]:
    found = []
    for barcode in zxingcpp.read_barcodes(grey, formats=_FORMATS, try_rotate=True,
                                          try_downscale=True, try_invert=False):
        text = barcode.text.strip()
        match = regex.fullmatch(text)
        if match and _real_date(text, match):
            found.append(text)
    return found


def _real_date(text: str, match: re.Match[str]) -> bool:
    yymmdd = match.groupdict().get("date")
    if yymmdd is None:
        tail = _DATE_BEFORE_SEQUENCE.search(text)
        if tail is None:
            return True  # a custom pattern without a date part: nothing to check
        yymmdd = tail.group(1)
    if len(yymmdd) != 6 or not yymmdd.isdigit():
        return False
    try:
        date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=32)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _grey_array(image: Image.Image) -> np.ndarray:
    if image.mode != "L":
        image = image.convert("L")
    return np.asarray(image)
