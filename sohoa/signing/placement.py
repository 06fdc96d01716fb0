"""Where the visible stamp goes on page 1: in the configured corner as the page is displayed, on
blank paper.

A scan that went through the feeder upside down or on its side is stored with the page's
``/Rotate`` (the image bytes stay as scanned), so "top right" of what a reader sees is a
different corner of the unrotated page box for each rotation. The stamp is placed in displayed
coordinates (points, origin at the bottom left of the page as shown) and only then mapped into
the page's own space; the appearance is drawn turned by the same angle, so it reads upright.

"Blank" is judged on what is printed: a grey rendering of the page at ``GRID_DPI`` (the scan
itself, turned upright, when the caller has it; else page 1 rendered by poppler's ``pdftoppm``)
plus any boxes the caller names (the words of the invisible OCR text layer, which no rendering
shows). Every earlier signature's stamp counts as printed too.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image

from sohoa.errors import BadInputError, ConfigError

from .settings import MM

Rect = tuple[float, float, float, float]  # x1, y1, x2, y2 in points

GRID_DPI = 50  # 1.44 pt per cell: finer than any gap that matters, cheap to search
# A resolution tag outside these is not a scan's (a fax TIFF's 1 dpi, a screenshot's 72 is in)
MIN_SCAN_DPI, MAX_SCAN_DPI = 50, 2400
CLEARANCE = 1.5 * MM  # blank paper between the stamp box and ink (the text sits 4 pt inside)
TOP_EDGE = 1 * MM  # NĐ 30/2020 puts the copy signature at the top of page 1, in its margin
SIDE_EDGE = 10 * MM
# How far down the page the stamp may move to find blank paper before it gives up on the
# corner: the national header and the issuer block take the top quarter of an official paper.
CORNER_DEPTH = 0.45
# A cell is ink when it is this much darker than the paper (the page's bright level). Text
# averaged into a 50 dpi cell stays 60-120 levels below the paper; scanner noise and the
# grain of recycled paper average out to a few levels.
INK_CONTRAST = 40
CORNERS = ("top-right", "top-left")
_TRANSPOSE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
              270: Image.Transpose.ROTATE_90}


@dataclass(frozen=True)
class PageInk:
    """What is printed on a displayed page: ``ink[row, col]`` is True where a cell holds ink.

    Row 0 is the top of the page as displayed; the grid spans the whole page.
    """

    ink: np.ndarray

    @classmethod
    def from_gray(cls, gray: np.ndarray) -> PageInk:
        if gray.size == 0:
            return cls(np.zeros((1, 1), dtype=bool))
        # The paper's level: a bright percentile, so a page mostly covered in text still has
        # its paper measured and a dark scanner border does not count as paper.
        paper = float(np.percentile(gray, 90))
        return cls(gray.astype(np.int16) < paper - INK_CONTRAST)

    @classmethod
    def from_image(cls, image: Image.Image | bytes, rotation: int = 0,
                   dpi: float | None = None) -> PageInk:
        """From the page's scan: ``rotation`` is the page's ``/Rotate`` (clockwise degrees that
        turn the scan upright), as the archival PDF stores it; ``dpi`` the scan's resolution
        as the page knows it (its container's, not the image file's own tag).

        A file's own tag is a guess at best: the TIFF around a PDF's CCITT fax data says 1 dpi,
        which asked for a 50× enlargement — 9.7 Gpx for an A4 B/W scan, a worker eating all
        memory (tester14 F1). The grid is never finer than the scan itself."""
        if isinstance(image, bytes | bytearray):
            try:
                image = Image.open(BytesIO(bytes(image)))
            except OSError as exc:
                raise BadInputError(f"Không đọc được ảnh trang ({exc}).") from exc
        if not dpi or dpi <= 0:
            tagged = image.info.get("dpi", (200, 200))[0] or 200
            dpi = float(tagged) if MIN_SCAN_DPI <= float(tagged) <= MAX_SCAN_DPI else 200.0
        scale = min(1.0, GRID_DPI / float(dpi))
        target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        # JPEG decodes at 1/2, 1/4 or 1/8 scale directly (a few ms for an A4 page at 300 dpi).
        image.draft("L", target)
        gray = image.convert("L")
        if gray.size != target:
            gray = gray.resize(target, Image.Resampling.BOX)
        if rotation % 360:
            gray = gray.transpose(_TRANSPOSE[rotation % 360])
        return cls.from_gray(np.asarray(gray))

    @classmethod
    def render(cls, pdf: bytes | Path) -> PageInk:
        """Page 1 as poppler draws it (``/Rotate`` applied), for PDFs that come without a scan."""
        tool = shutil.which("pdftoppm")
        if tool is None:
            raise ConfigError(
                "Chưa cài pdftoppm: sohoa cần xem trang để đặt dấu chữ ký vào chỗ giấy trắng. "
                "Hãy cài poppler-utils (make install có cài)."
            )
        source = str(pdf) if isinstance(pdf, Path) else "-"
        done = subprocess.run(
            [tool, "-f", "1", "-l", "1", "-r", str(GRID_DPI), "-gray", "-singlefile", source],
            input=None if isinstance(pdf, Path) else pdf,
            capture_output=True,
            timeout=120,
        )
        if done.returncode != 0 or not done.stdout:
            raise BadInputError(
                "Không dựng được hình trang 1 của tệp PDF để đặt dấu chữ ký "
                f"({done.stderr.decode(errors='replace').strip()[:200]})."
            )
        with Image.open(BytesIO(done.stdout)) as picture:
            return cls.from_gray(np.asarray(picture.convert("L")))

    def with_boxes(self, boxes: Iterable[Rect], page: tuple[float, float]) -> PageInk:
        """Also mark ``boxes`` (displayed points, origin bottom left) as printed."""
        ink = self.ink.copy()
        rows, cols = ink.shape
        width, height = page
        sx, sy = cols / width, rows / height
        for x1, y1, x2, y2 in boxes:
            c1, c2 = max(0, math.floor(x1 * sx)), min(cols, math.ceil(x2 * sx))
            r1 = max(0, math.floor((height - y2) * sy))
            r2 = min(rows, math.ceil((height - y1) * sy))
            if c1 < c2 and r1 < r2:
                ink[r1:r2, c1:c2] = True
        return PageInk(ink)


def displayed_size(box: Rect, rotation: int) -> tuple[float, float]:
    width, height = box[2] - box[0], box[3] - box[1]
    return (height, width) if rotation % 180 == 90 else (width, height)


def to_page_space(rect: Rect, box: Rect, rotation: int) -> Rect:
    """A rectangle in displayed coordinates mapped into the unrotated page's user space.

    ``/Rotate`` turns the page clockwise for display; this is the inverse (the same matrices
    the archival PDF uses to draw its text layer upright).
    """
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0

    def point(u: float, v: float) -> tuple[float, float]:
        match rotation % 360:
            case 90:
                return x0 + width - v, y0 + u
            case 180:
                return x0 + width - u, y0 + height - v
            case 270:
                return x0 + v, y0 + height - u
            case _:
                return x0 + u, y0 + v

    (ax, ay), (bx, by) = point(rect[0], rect[1]), point(rect[2], rect[3])
    return (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))


def to_displayed(rect: Rect, box: Rect, rotation: int) -> Rect:
    """The inverse of ``to_page_space``: a rectangle of the page's user space as displayed."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0

    def point(x: float, y: float) -> tuple[float, float]:
        match rotation % 360:
            case 90:
                return y - y0, x0 + width - x
            case 180:
                return x0 + width - x, y0 + height - y
            case 270:
                return y0 + height - y, x - x0
            case _:
                return x - x0, y - y0

    (au, av), (bu, bv) = point(rect[0], rect[1]), point(rect[2], rect[3])
    return (min(au, bu), min(av, bv), max(au, bu), max(av, bv))


def place_stamp(
    page: tuple[float, float],
    size: tuple[float, float],
    corner: str,
    ink: PageInk | None,
    taken: Sequence[Rect] = (),
) -> Rect:
    """The stamp's rectangle in displayed coordinates: as near the ``corner`` as blank paper
    allows, ``CLEARANCE`` away from any ink and from the stamps already there.

    It stays in the corner's half of the page and in the top ``CORNER_DEPTH`` of it when it
    can; failing that anywhere down that half; failing that (a page printed edge to edge) at
    the spot of that half's top with the least ink, so signing never stops for want of room.
    """
    if corner not in CORNERS:
        raise ConfigError(f"signing.stamp_corner {corner!r} không hợp lệ: chọn "
                          f"{' hoặc '.join(CORNERS)}.")
    width, height = page
    w, h = min(size[0], width), min(size[1], height)
    if ink is None:
        cells = (max(1, round(height / 72 * GRID_DPI)), max(1, round(width / 72 * GRID_DPI)))
        ink = PageInk(np.zeros(cells, dtype=bool))
    grid = ink.with_boxes(taken, page).ink
    rows, cols = grid.shape
    sx, sy = cols / width, rows / height
    cw, ch = math.ceil(w * sx), math.ceil(h * sy)
    pad = math.ceil(CLEARANCE * max(sx, sy))
    # The stamp may not run off the page, but the clearance around it may (nothing is there).
    padded = np.pad(grid, pad).astype(np.int32)
    sums = np.zeros((padded.shape[0] + 1, padded.shape[1] + 1), dtype=np.int32)
    sums[1:, 1:] = padded.cumsum(0).cumsum(1)
    # Ink under the stamp plus its clearance, for the stamp's top-left cell at (row, col).
    span_r, span_c = ch + 2 * pad, cw + 2 * pad
    max_r, max_c = rows - ch, cols - cw
    if max_r < 0 or max_c < 0:
        return _rect(0, 0, w, h, page, sx, sy)
    window = (sums[span_r:span_r + max_r + 1, span_c:span_c + max_c + 1]
              - sums[:max_r + 1, span_c:span_c + max_c + 1]
              - sums[span_r:span_r + max_r + 1, :max_c + 1]
              + sums[:max_r + 1, :max_c + 1])
    top = min(max_r, round(TOP_EDGE * sy))
    side = min(max_c, round(SIDE_EDGE * sx))
    r_idx = np.arange(max_r + 1)[:, None]
    c_idx = np.arange(max_c + 1)[None, :]
    if corner == "top-right":
        anchor_c = max_c - side
        dx = anchor_c - c_idx
        in_half = (c_idx + cw / 2) >= cols / 2
    else:
        anchor_c = side
        dx = c_idx - anchor_c
        in_half = (c_idx + cw / 2) <= cols / 2
    dy = r_idx - top
    allowed = (dx >= 0) & (dy >= 0) & (in_half | (cw >= cols / 2))
    # Fewest cells moved from the corner; between equals, the higher one.
    cost = (dx + dy) * (rows + cols + 1) + dy
    depth = round(CORNER_DEPTH * rows)
    for region in (allowed & (r_idx <= max(top, depth)), allowed):
        free = region & (window == 0)
        if free.any():
            r, c = np.unravel_index(np.where(free, cost, np.iinfo(cost.dtype).max).argmin(),
                                    cost.shape)
            return _rect(int(r), int(c), w, h, page, sx, sy)
    region = allowed & (r_idx <= max(top, depth))
    if not region.any():
        region = allowed
    score = np.where(region, window.astype(np.int64) * (rows + cols + 1) ** 2 + cost,
                     np.iinfo(np.int64).max)
    r, c = np.unravel_index(score.argmin(), score.shape)
    return _rect(int(r), int(c), w, h, page, sx, sy)


def _rect(row: int, col: int, w: float, h: float, page: tuple[float, float],
          sx: float, sy: float) -> Rect:
    width, height = page
    x1 = min(col / sx, width - w)
    y2 = max(height - row / sy, h)
    return (x1, y2 - h, x1 + w, y2)
