"""Portrait photos on identity papers: found, taken out of the recognition copy, and the text
beside them read again as one block.

On a photocopied citizen ID card (CMND, the 2016 and 2021 CCCD, the 2024 thẻ căn cước) the
holder's photo sits left of the number and the name. After the photocopy cleanup the photo is a
large dark block, and Tesseract's page layout takes the text lines beside it into the same
picture region: on the foreign generator's cards (issue 18) the 12-digit number and half of the
name were missing from the text layer while the same lines read perfectly once the photo was
blanked. So a photo is found by what makes it a photo and not print — a large area that stays
solid after every stroke thinner than a few millimetres is eroded away, with a dark core that is
no letter — and painted paper-white; the archival image keeps it.

Found on a quarter-size copy: a few milliseconds a page, and nothing else runs on pages with no
photo (the whole cost on every other page).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# A photo is at least this large (mm): the smallest portrait on a card is ≈ 20 × 25 mm, and a
# photocopy of a card is usually enlarged.
_MIN_SIDE_MM = 14.0
# ...and no larger than this share of the page's width (a dark band along a scanner's edge, or
# a whole photographed page, is no portrait).
_MAX_WIDTH_SHARE = 0.45
# "Not paper": darker than this in the recognition copy (paper is white there after cleanup,
# a card's guilloche ≥ 225, a portrait's background and face mostly ≤ 200).
_NOT_PAPER = 215
# Strokes thinner than this (mm) are print, however bold: a 3-mm opening removes them.
_STROKE_MM = 3.0
# A photo's solid area covers most of its box, and it has a dark core (hair, clothes, shadow)
# that survives the same opening: a grey-shaded form cell with text on it has none.
_MIN_FILL = 0.55
_DARK = 110
_MIN_DARK_SHARE = 0.08


@dataclass(frozen=True)
class Photo:
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


def find_photos(gray: np.ndarray, dpi: int) -> list[Photo]:
    """Portrait photos on a page (8-bit grey recognition copy), in its pixels."""
    height, width = gray.shape
    scale = 4
    small = cv2.resize(gray, (max(1, width // scale), max(1, height // scale)),
                       interpolation=cv2.INTER_AREA)
    px_per_mm = dpi / 25.4 / scale
    k = max(3, round(_STROKE_MM * px_per_mm)) | 1
    kernel = np.ones((k, k), np.uint8)
    # Closed first: a photocopied portrait is mottled (pale flecks where toner did not take).
    solid = cv2.morphologyEx((small < _NOT_PAPER).astype(np.uint8), cv2.MORPH_CLOSE,
                             np.ones((k // 2 | 1, k // 2 | 1), np.uint8))
    solid = cv2.morphologyEx(solid, cv2.MORPH_OPEN, kernel)
    if not solid.any():
        return []
    dark = cv2.morphologyEx((small < _DARK).astype(np.uint8), cv2.MORPH_OPEN, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    side = _MIN_SIDE_MM * px_per_mm
    found: list[Photo] = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        if w < side or h < side or w > _MAX_WIDTH_SHARE * small.shape[1]:
            continue
        if area < _MIN_FILL * w * h or h > 2.5 * w or w > 2.5 * h:
            continue
        core = int(dark[y:y + h, x:x + w][labels[y:y + h, x:x + w] == label].sum())
        if core < _MIN_DARK_SHARE * area:
            continue
        found.append(Photo(x * scale, y * scale, w * scale, h * scale))
    return _merged(found, round(2 * px_per_mm * scale))


def _merged(photos: list[Photo], gap: int) -> list[Photo]:
    """Parts of one portrait (a head and shoulders the background split apart) as one box."""
    boxes = [[p.left, p.top, p.right, p.bottom] for p in photos]
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                if a[0] - gap < b[2] and b[0] - gap < a[2] and a[1] - gap < b[3] \
                        and b[1] - gap < a[3]:
                    boxes[i] = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]),
                                max(a[3], b[3])]
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return [Photo(a, b, c - a, d - b) for a, b, c, d in boxes]


def blank_photos(gray: np.ndarray, photos: list[Photo], dpi: int) -> np.ndarray:
    """``gray`` with each photo (and a millimetre around it: its frame) painted white."""
    out = gray.copy()
    pad = round(dpi / 25.4)
    for p in photos:
        out[max(0, p.top - pad):p.bottom + pad, max(0, p.left - pad):p.right + pad] = 255
    return out


Region = tuple[int, int, int, int]  # left, top, right, bottom


def beside_photos(photos: list[Photo], width: int, height: int) -> list[Region]:
    """Where a card prints its number, name and birth date: right of the photo, as tall as it
    and a little above (the caption of the number stands level with the photo's top), as wide
    as a card is beside its photo (a card is ≈ 4 photos wide)."""
    regions: list[Region] = []
    for p in photos:
        left = p.right + p.width // 20
        right = min(width, p.right + round(3.4 * p.width))
        top = max(0, p.top - p.height // 5)
        bottom = min(height, p.bottom + p.height // 10)
        if right - left > p.width:
            regions.append((left, top, right, bottom))
    return regions
