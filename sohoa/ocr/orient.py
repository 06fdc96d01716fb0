"""Page orientation (0/90/180/270) and skew: detect, correct, and map boxes back.

Orientation is Tesseract's OSD (the caller passes an engine loaded with ``osd``); skew is measured
here from the page's own ink with a projection profile, which is cheap on a downscaled copy and
does not depend on Tesseract having found any lines yet.

Conventions: ``rotation`` is the *clockwise* turn (degrees) that makes the scanned image upright,
as in :class:`sohoa.records.OcrPage`; ``skew`` is the angle (degrees, counter-clockwise positive,
as the text lines rise to the right) by which the upright page's lines are tilted.
"""

from __future__ import annotations

import math
from typing import Protocol

import cv2
import numpy as np
from PIL import Image

# OSD on a sparse administrative page (a few header lines and a form) reports confidences of
# 3-8 for correct answers (OCRmyPDF's default threshold, 14, would throw those away), and on
# photocopied ID cards it is wrong now and then even at 2-5, mostly by 180 degrees. So OSD's
# answer is taken as it is only from SURE_OSD_CONFIDENCE on; below, the caller checks it
# against its opposite (and below MIN_OSD_CONFIDENCE, against every turn) by recognizing them.
SURE_OSD_CONFIDENCE = 6.0
MIN_OSD_CONFIDENCE = 2.0
# Administrative scans are fed by hand or by a sheet feeder: a few degrees at most. Searching a
# wider range costs time and finds false maxima on tables.
MAX_SKEW_DEG = 6.0
# Skew below this is not worth resampling the recognition copy for.
MIN_SKEW_DEG = 0.15
_SKEW_WORK_WIDTH = 1000

_TRANSPOSE_CLOCKWISE = {
    90: Image.Transpose.ROTATE_270,  # PIL turns counter-clockwise
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


class OrientationDetector(Protocol):
    """The part of ``tesserocr.PyTessBaseAPI`` (loaded with ``osd``) that OSD needs."""

    def SetImageBytes(
        self, imagedata: bytes, width: int, height: int, bytes_per_pixel: int, bytes_per_line: int
    ) -> None: ...

    def DetectOrientationScript(self) -> dict[str, float | int | str] | None: ...


def upright_image(image: Image.Image, rotation: int) -> Image.Image:
    """Turn ``image`` clockwise by ``rotation`` (0, 90, 180 or 270) degrees, losslessly."""
    rotation %= 360
    if rotation == 0:
        return image
    if rotation not in _TRANSPOSE_CLOCKWISE:
        raise ValueError(f"rotation must be a multiple of 90 degrees, got {rotation}")
    return image.transpose(_TRANSPOSE_CLOCKWISE[rotation])


def detect_rotation(osd: OrientationDetector, gray: np.ndarray) -> tuple[int, float]:
    """OSD's answer for an 8-bit grey page: (clockwise rotation making it upright, confidence).

    (0, 0.0) when OSD finds no usable text (blank or picture-only pages).
    """
    height, width = gray.shape
    osd.SetImageBytes(np.ascontiguousarray(gray).tobytes(), width, height, 1, width)
    try:
        result = osd.DetectOrientationScript()
    except RuntimeError:
        return 0, 0.0
    if not result:
        return 0, 0.0
    # Tesseract reports how far the image is turned clockwise from upright; we undo that.
    rotation = (360 - int(result.get("orient_deg", 0))) % 360
    return rotation, float(result.get("orient_conf", 0.0))


def rotation_candidates(rotation: int, confidence: float) -> tuple[int, ...]:
    """The rotations worth trying, most likely first, given OSD's answer (see above)."""
    if confidence >= SURE_OSD_CONFIDENCE:
        return (rotation,)
    pair = (rotation, (rotation + 180) % 360)
    if confidence >= MIN_OSD_CONFIDENCE:
        return pair
    # Barely an answer: keep "as scanned" first, then try everything else.
    return tuple(dict.fromkeys((0, *pair, 180, 90, 270)))


def _ink_mask(gray: np.ndarray) -> np.ndarray:
    scale = min(1.0, _SKEW_WORK_WIDTH / gray.shape[1])
    small = gray
    if scale < 1.0:
        small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, mask = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask.astype(np.float32)


# The mask is cut into vertical strips this many pixels wide; a strip's rows are shifted as a
# whole (at 0.1° steps a 16 px strip's two edges differ by 0.03 px: nothing).
_SKEW_STRIP = 16


def _strip_profiles(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each vertical strip's ink per row (strips × rows), and each strip's middle's distance
    from the page's middle."""
    w = mask.shape[1]
    count = max(1, w // _SKEW_STRIP)
    edges = np.linspace(0, w, count + 1).astype(int)
    profiles = np.add.reduceat(mask, edges[:-1], axis=1).T  # strips × rows
    middles = (edges[:-1] + edges[1:]) / 2 - w / 2
    return profiles, middles


def _profile_score(profiles: np.ndarray, middles: np.ndarray, angle: float) -> float:
    """How level the lines are once the page is turned by ``angle`` (degrees, counter-
    clockwise): each strip's rows shifted by how far the turn moves its middle (a shear, which
    is the turn for the few degrees a scan is skewed), summed, and the squared row-to-row jumps
    of that profile added up (sharp line/gap alternation when the lines are level)."""
    rows = profiles.shape[1]
    shifts = np.rint(-np.tan(np.radians(angle)) * middles).astype(int)
    pad = int(np.abs(shifts).max()) if len(shifts) else 0
    total = np.zeros(rows + 2 * pad, np.float64)
    for profile, shift in zip(profiles, shifts, strict=True):
        start = pad + int(shift)
        total[start:start + rows] += profile
    return float(np.square(np.diff(total)).sum())


def estimate_skew(gray: np.ndarray) -> float:
    """Angle in degrees (counter-clockwise positive) of the text lines of an upright page.

    Projection-profile search on a ≤1000 px wide Otsu mask: coarse 0.5° steps, then 0.1° steps
    around the best. Returns 0.0 for pages with (almost) no ink.
    """
    mask = _ink_mask(gray)
    ink = mask.mean()
    if ink < 0.002 or ink > 0.6:
        return 0.0
    profiles, middles = _strip_profiles(mask)
    coarse = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-6, 0.5)
    scores = [_profile_score(profiles, middles, float(a)) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.4, best + 0.4 + 1e-6, 0.1)
    scores = [_profile_score(profiles, middles, float(a)) for a in fine]
    # The rotation that levels the lines is the opposite of their tilt.
    tilt = -float(fine[int(np.argmax(scores))])
    return round(tilt, 2) if abs(tilt) >= MIN_SKEW_DEG else 0.0


# A page whose print runs down rather than across (turned by 90°): its columns' profile is
# this many times sharper than its rows', with the page's outer tenth left out (a photocopy's
# dark edge and shadow are long straight lines). Measured on tester17's seed 1701 (40 pages, as
# scanned): the two pages turned by 90° score 0.21 and 0.22 (rows ÷ columns), upright pages
# 0.96 (a skewed card) to 16; upside-down pages are upright here (their lines run across).
_RUNS_DOWN_RATIO = 0.5
_RUNS_DOWN_ANGLES = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-6, 0.5)


def lines_run_down(gray: np.ndarray) -> bool:
    """Whether the page's text lines run down the page as scanned (a page turned by 90° or
    270°): the same projection profiles as :func:`estimate_skew`, across and down a ≤1000 px
    mask (≈0.03 CPU s). Only a cost is decided by it: a page so found has its orientation asked
    before it is read, rather than being read once as scanned for nothing."""
    mask = _ink_mask(gray)
    mask = cv2.resize(mask, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    h, w = mask.shape
    mask = np.ascontiguousarray(mask[h // 10: h - h // 10, w // 10: w - w // 10])
    ink = mask.mean() if mask.size else 0.0
    if ink < 0.002 or ink > 0.6:
        return False
    scores = []
    for side in (mask, np.ascontiguousarray(mask.T)):
        profiles, middles = _strip_profiles(side)
        scores.append(max(_profile_score(profiles, middles, float(a))
                          for a in _RUNS_DOWN_ANGLES))
    across, down = scores
    return across < _RUNS_DOWN_RATIO * down


# A line of print has more ink above its x-height band than below it: tone marks, capitals
# and ascenders above; only g, p, q, y and the dot of nặng below. Upside down it is the other
# way round. Measured on tester17's seed 1701 (the 38 pages not turned by 90°, levelled, at
# full size): upright pages 1.58 to 11 (above ÷ below), the two upside-down ones 0.81 (a heavy
# card copy) and 0.14.
_UPSIDE_DOWN_RATIO = 1.0
_LINE_ROWS = (4, 60)  # a band of rows this high is a line of print


def upside_down(level: np.ndarray) -> bool:
    """Whether a levelled page's lines of print look upside down (≈0.02 CPU s): only a cost
    is decided by it, as by :func:`lines_run_down` (the page's turn is then asked before it
    is read)."""
    _, mask = cv2.threshold(level, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    h, w = mask.shape
    mask = mask[h // 10: h - h // 10, w // 10: w - w // 10]
    if not mask.size:
        return False
    rows = mask.sum(axis=1, dtype=np.int64)
    on = np.flatnonzero(rows > 0.02 * mask.shape[1])
    if not len(on):
        return False
    # Runs of rows with ink: each is a line (or a picture, a rule: too high or too low).
    breaks = np.flatnonzero(np.diff(on) > 1)
    above = below = 0
    for start, end in zip(np.r_[on[0], on[breaks + 1]], np.r_[on[breaks], on[-1]] + 1,
                          strict=True):
        if not _LINE_ROWS[0] <= end - start <= _LINE_ROWS[1]:
            continue
        band = rows[start:end]
        core = np.flatnonzero(band >= 0.5 * band.max())
        above += int(band[:core[0]].sum())
        below += int(band[core[-1] + 1:].sum())
    return above < _UPSIDE_DOWN_RATIO * below


def quarter_turn(gray: np.ndarray) -> int:
    """The clockwise turn (90 or 270) that makes upright a page whose lines run down
    (:func:`lines_run_down`): the page turned a quarter clockwise and levelled, its lines' ink
    above and below their x-height band (:func:`upside_down`) tells the quarter from the
    three quarters (≈0.05 CPU s, against ≈0.2 for OSD). The caller checks the turn by its
    reading, and asks OSD when that does not read upright."""
    turned = np.ascontiguousarray(np.rot90(gray, k=-1))
    level = np.ascontiguousarray(deskew(turned, estimate_skew(turned)))
    return 270 if upside_down(level) else 90


def deskew(gray: np.ndarray, skew: float) -> np.ndarray:
    """Level the lines of a page tilted by ``skew`` degrees; same size, white borders."""
    if skew == 0.0:
        return gray
    h, w = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
    return cv2.warpAffine(
        gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def unskew_box(
    box: tuple[int, int, int, int], skew: float, size: tuple[int, int]
) -> tuple[int, int, int, int]:
    """Map a (left, top, width, height) box from the deskewed copy back onto the tilted page.

    The box keeps its size; its centre turns back by ``skew`` about the page centre, which is
    where the word sits on the scanned (not deskewed) image.
    """
    left, top, width, height = box
    if skew == 0.0:
        return box
    w, h = size
    cx, cy = w / 2, h / 2
    x, y = left + width / 2 - cx, top + height / 2 - cy
    # Image y runs down, so a counter-clockwise tilt on paper is a negative angle here.
    theta = math.radians(-skew)
    rx = x * math.cos(theta) - y * math.sin(theta)
    ry = x * math.sin(theta) + y * math.cos(theta)
    new_left = round(rx + cx - width / 2)
    new_top = round(ry + cy - height / 2)
    new_left = min(max(new_left, 0), max(w - width, 0))
    new_top = min(max(new_top, 0), max(h - height, 0))
    return new_left, new_top, width, height
