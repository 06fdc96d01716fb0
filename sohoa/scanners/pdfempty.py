"""PDF pages that draw nothing, found without rendering them.

A 3 KB file of 300 empty pages, or three empty 36-inch pages in 800 bytes, must not cost minutes
of rendering and gigabytes of pixels to find out that there is nothing on them. A page whose
content leaves no ink (``pdfscan.walk_page``: no text, path, image, shading) and that has no
annotations is empty paper whatever its size: it becomes a small white image, which the blank
test then calls blank at no cost.
"""

from __future__ import annotations

import io

from PIL import Image

# dpi of the white stand-in image: enough for the blank test, a few KB as PNG
EMPTY_DPI = 50


def empty_page_png(width_pt: float, height_pt: float) -> tuple[bytes, int, int, int]:
    """(PNG, width, height, dpi) of a white bilevel image of the page's size at EMPTY_DPI."""
    width = max(1, round(abs(width_pt) / 72 * EMPTY_DPI))
    height = max(1, round(abs(height_pt) / 72 * EMPTY_DPI))
    buf = io.BytesIO()
    Image.new("1", (width, height), 1).save(buf, "PNG", dpi=(EMPTY_DPI, EMPTY_DPI))
    return buf.getvalue(), width, height, EMPTY_DPI
