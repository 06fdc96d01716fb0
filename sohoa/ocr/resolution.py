"""The resolution a page is read at (issue 18: 300-dpi scans cost far more than 200-dpi ones).

A page scanned finer than :data:`READING_DPI` is read from a copy shrunk to it (each pixel the
average of the area it covers), and its words are put back in the scan's pixels by the caller
(``pipeline.stages.enlarged``). Every step before Tesseract's line recognizer works per pixel —
the cleanup, the dotted leaders, the skew, Tesseract's own binarization and layout — and
Tesseract scales each text line to its network's height anyway, so at 300 dpi more than two
pixels in three went to work that the reading did not need.

Measured (speed16, bench/RESULTS.md "Session 16 (speed)"): on the 300-dpi pages of
``bench/foreign_ocr_bench.py`` tuning seeds the CPU per page fell by about a third and the
character error rate fell with it (body text of 12–14 pt at 200 dpi is 15–20 px high, where
the engine's thresholds were tuned and where Tesseract reads Vietnamese well; at 300 dpi the
same heavy and medium wear left more specks big enough to be read as marks). The photocopied
ID cards, whose print is the smallest, lost a few characters: said there.

A measured x-height was tried as the guide instead of the scan's dpi: the median height of
the page's ink components tells clean letters from cards, but not from heavy copies, whose
specks bring it down as much as a card's small print does; the dpi is what a scan states.
"""

from __future__ import annotations

import cv2
from PIL import Image

from sohoa.ocr.preprocess import to_array

# Pages scanned finer than this are read at it; coarser pages are read as they are (never
# enlarged: pixels a scan does not hold cannot be made up).
READING_DPI = 200


def reading_copy(image: Image.Image, dpi: int) -> tuple[Image.Image, int]:
    """The copy of ``image`` (scanned at ``dpi``) that is read, and its resolution: the image
    itself at :data:`READING_DPI` or below, else a copy shrunk to it by area averaging."""
    if dpi <= READING_DPI:
        return image, dpi
    scale = READING_DPI / dpi
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if size == image.size:
        return image, dpi
    shrunk = cv2.resize(to_array(image), size, interpolation=cv2.INTER_AREA)
    return Image.fromarray(shrunk), READING_DPI
