"""Phone photos of pages: find the sheet on the desk, flatten it, even out the light.

A photo is not a scan: the page is a quadrilateral somewhere in the frame (perspective, turned),
on a desk, under uneven light with a shadow across it. ``find_page`` finds the largest
quadrilateral of paper (low-saturation and bright against a desk of another colour or much
darker: a white sheet on a white desk is not found and stays a photo), its corners refined on the
sheet's own edges at full resolution; ``flatten`` maps it with a
four-corner perspective warp onto an upright sheet (A4 when the sides say so), which removes the
perspective, the turn (deskew) and the desk (crop) at once, and divides out the light so the paper
is white again, shadow included. The result is what a scanner would have given; the photo itself
is kept beside it by the pipeline (``Page.original_sha256``).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image, ImageOps

from sohoa.records import Page
from sohoa.scanners.pilsafe import DECODE_ERRORS, quiet_bomb_warning

_WORK = 1200  # long side of the working copy for finding the page
_MIN_SHARE, _MAX_SHARE = 0.15, 0.97  # of the frame a photographed page covers
_A4 = math.sqrt(2)
_PHOTO_DPI = 150  # a file declaring less (phones say 72, or nothing) may be a photo
MAX_PHOTO_PIXELS = 50_000_000  # 48-Mpx phone sensors; anything larger is not looked at
_COLOUR = ("RGB", "RGBA", "RGBX", "YCbCr", "CMYK", "P")
# what the stored page says about itself (Vietnamese: shown with the document's record)
PHOTO_NOTE = ("ảnh chụp trang giấy (điện thoại): đã tìm trang, nắn phẳng theo 4 góc, cắt bỏ nền "
              "và cân lại ánh sáng; ảnh chụp gốc được lưu kèm")


@dataclass(frozen=True)
class FoundPage:
    corners: np.ndarray  # 4×2 float32 in image pixels: top-left, top-right, bottom-right, left
    share: float  # of the frame the page covers


def may_be_photo(declared_dpi: float | None) -> bool:
    """Scanners write their resolution (200, 300 dpi); phones write 72 or none."""
    return declared_dpi is None or declared_dpi < _PHOTO_DPI


def photo_page(page: Page) -> Page:
    """A JPEG or PNG page that is a photo of a sheet on a desk, as the flattened sheet (JPEG at
    200 dpi, 300 when the photo holds that much) with ``original_sha256`` naming the photo
    (the input file) that the pipeline keeps beside it; any other page unchanged (a scan
    declares its resolution and fills its frame)."""
    try:
        with quiet_bomb_warning():
            image = Image.open(io.BytesIO(page.data))
            declared = image.info.get("dpi")
            dpi = float(declared[0]) if isinstance(declared, tuple) and declared else None
            # a phone photo is colour and at most a few tens of Mpx: a grey or huge image is
            # taken as it is (looking for a sheet in 120 Mpx would cost more than the page)
            if (not may_be_photo(dpi) or image.mode not in _COLOUR
                    or image.width * image.height > MAX_PHOTO_PIXELS):
                return page
            # a phone stores the sensor's rows and says in EXIF how to turn them
            image = ImageOps.exif_transpose(image)
            image.load()
    except (*DECODE_ERRORS, TypeError, ZeroDivisionError):
        return page
    found = find_page(image)
    if found is None:
        return page
    out_dpi = 300 if _held_dpi(found.corners) >= 300 else 200
    flat = flatten(image, found.corners, out_dpi)
    return replace(page, data=flattened_jpeg(flat, out_dpi), mime="image/jpeg",
                   width=flat.width, height=flat.height, dpi=out_dpi, sha256="",
                   converted=PHOTO_NOTE, original_sha256=page.source_sha256)


def _held_dpi(corners: np.ndarray) -> float:
    """The resolution the photo holds of the sheet, taken as A4 along its longer side."""
    sides = [float(np.hypot(*(corners[(i + 1) % 4] - corners[i]))) for i in range(4)]
    return max(sides) / (297 / 25.4)


def find_page(image: Image.Image) -> FoundPage | None:
    """The sheet of paper in a photo, or None when there is none to find (a scan: the page
    fills the frame; or no clear quadrilateral)."""
    rgb = np.asarray(image.convert("RGB"))
    h, w = rgb.shape[:2]
    scale = _WORK / max(h, w)
    small = cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))),
                       interpolation=cv2.INTER_AREA)
    # Only by colour: edges alone would take a table's frame or a card printed on a scanned
    # page for a sheet on a desk, and flatten a scan that needs nothing.
    for mask in (_paper_by_colour(small),):
        quad = _quadrilateral(mask)
        if quad is None:
            continue
        share = cv2.contourArea(quad.astype(np.float32)) / (small.shape[0] * small.shape[1])
        if not _MIN_SHARE <= share <= _MAX_SHARE or not _on_a_desk(small, quad):
            continue
        refined = _refine(mask, quad) / scale
        snapped = _snap_to_edges(rgb.min(axis=2), refined)
        return FoundPage(snapped.astype(np.float32), float(share))
    return None


def _paper_by_colour(small: np.ndarray) -> np.ndarray:
    """Paper: unsaturated and lighter than the desk; Otsu picks the split on this photo."""
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    sat = cv2.GaussianBlur(hsv[..., 1], (0, 0), 2)
    val = cv2.GaussianBlur(hsv[..., 2], (0, 0), 2)
    # whiteness: high value, low saturation; shadows lower the value but not the colour
    score = np.clip(val.astype(np.int16) - 2 * sat.astype(np.int16), 0, 255).astype(np.uint8)
    _, mask = cv2.threshold(score, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return _clean(mask)


def _on_a_desk(small: np.ndarray, quad: np.ndarray) -> bool:
    """The sheet lies on something else: around it the colour is clearly stronger (wood, a
    tablecloth) or the light much lower (a dark desk). A scan's shaded margin or a photocopy's
    grey spine is neither, so a scan is never "flattened"."""
    inside = np.zeros(small.shape[:2], np.uint8)
    cv2.fillConvexPoly(inside, quad.round().astype(np.int32), 1)
    ring = cv2.dilate(inside, np.ones((25, 25), np.uint8)) - inside
    if ring.sum() < 100:
        return False
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV).astype(np.float32)
    sat_in, sat_out = (float(np.median(hsv[..., 1][m > 0])) for m in (inside, ring))
    val_in, val_out = (float(np.median(hsv[..., 2][m > 0])) for m in (inside, ring))
    return sat_out - sat_in > 30 or val_out < 0.6 * val_in


def _clean(mask: np.ndarray) -> np.ndarray:
    """The largest blob of the mask, holes (the printed text) filled."""
    k = max(3, mask.shape[1] // 150) | 1
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    if count <= 1:
        return np.zeros_like(mask)
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    blob = np.where(labels == biggest, 255, 0).astype(np.uint8)
    contours, _ = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros_like(blob)
    cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
    return filled


def _quadrilateral(mask: np.ndarray) -> np.ndarray | None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            return _ordered(approx.reshape(4, 2).astype(np.float64))
    return None


def _ordered(pts: np.ndarray) -> np.ndarray:
    """top-left, top-right, bottom-right, bottom-left (image y grows downwards)."""
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen, starting near "left"
    start = int(np.argmin(pts.sum(axis=1)))  # the top-left has the smallest x + y
    return np.roll(pts, -start, axis=0)


def _refine(mask: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Sub-pixel corners: a line fitted to the boundary points of each side (the middle 80 %,
    away from rounded or torn corners), intersected with its neighbours."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    boundary = max(contours, key=cv2.contourArea).reshape(-1, 2).astype(np.float64)
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(*d))
        if length < 1:
            return quad
        t = ((boundary - a) @ d) / (length * length)
        rel = boundary - a
        dist = np.abs(d[0] * rel[:, 1] - d[1] * rel[:, 0]) / length
        near = boundary[(t > 0.1) & (t < 0.9) & (dist < max(3.0, 0.02 * length))]
        if len(near) < 10:
            return quad
        vx, vy, x0, y0 = cv2.fitLine(near.astype(np.float32), cv2.DIST_HUBER, 0, 0.01,
                                     0.01).ravel()
        lines.append((np.array([x0, y0], np.float64), np.array([vx, vy], np.float64)))
    corners = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        denom = d1[0] * d2[1] - d1[1] * d2[0]
        if abs(denom) < 1e-6:
            return quad
        s = ((p2[0] - p1[0]) * d2[1] - (p2[1] - p1[1]) * d2[0]) / denom
        corners.append(p1 + s * d1)
    out = np.array(corners)
    # the boundary pixels are the paper's outermost pixels: move out by half a pixel
    return out + 0.5 * np.sign(out - out.mean(axis=0))


def _snap_to_edges(grey: np.ndarray, corners: np.ndarray, search: int = 24,
                   samples: int = 80) -> np.ndarray:
    """Corners from the paper's own edges at full resolution: along each side, the strongest
    fall from paper to desk within ``search`` px across the side found at working size (the
    mask's edge can sit a few pixels inside the sheet where a shadow dims it), a line fitted to
    those edge points, the lines intersected. The darkest channel is used: paper is light in
    all three, a wooden or coloured desk is dark in at least one."""
    centre = corners.mean(axis=0)
    offsets = np.arange(-search, search + 1, dtype=np.float32)
    lines = []
    for i in range(4):
        a, b = corners[i], corners[(i + 1) % 4]
        length = float(np.hypot(*(b - a)))
        if length < 2 * samples:
            return corners
        d = (b - a) / length
        n = np.array([-d[1], d[0]])
        if np.dot((a + b) / 2 - centre, n) < 0:
            n = -n  # the normal points out of the page
        ts = np.linspace(0.1, 0.9, samples, dtype=np.float32)
        base = a[None, :] + ts[:, None] * (b - a)[None, :]
        xs = (base[:, 0:1] + offsets[None, :] * n[0]).astype(np.float32)
        ys = (base[:, 1:2] + offsets[None, :] * n[1]).astype(np.float32)
        profile = cv2.remap(grey, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        profile = cv2.GaussianBlur(profile.astype(np.float32), (5, 1), 0)
        fall = profile[:, :-1] - profile[:, 1:]  # positive where it darkens going outwards
        k = np.argmax(fall, axis=1)
        strong = fall[np.arange(samples), k] > 12  # a clear step, not desk grain
        inner = (k > 0) & (k < fall.shape[1] - 1)
        good = strong & inner
        if good.sum() < samples // 4:
            return corners
        kk = k[good]
        rows = np.arange(samples)[good]
        left, mid, right = fall[rows, kk - 1], fall[rows, kk], fall[rows, kk + 1]
        denom = left - 2 * mid + right
        sub = np.where(np.abs(denom) > 1e-6, 0.5 * (left - right) / denom, 0.0)
        where = offsets[kk] + 0.5 + np.clip(sub, -0.5, 0.5)
        points = base[good] + where[:, None] * n[None, :]
        vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01,
                                     0.01).ravel()
        lines.append((np.array([x0, y0], np.float64), np.array([vx, vy], np.float64)))
    out = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        denom = d1[0] * d2[1] - d1[1] * d2[0]
        if abs(denom) < 1e-6:
            return corners
        s = ((p2[0] - p1[0]) * d2[1] - (p2[1] - p1[1]) * d2[0]) / denom
        out.append(p1 + s * d1)
    snapped = np.array(out)
    if np.abs(snapped - corners).max() > 2 * search:
        return corners  # the lines went astray: keep the working-size corners
    return snapped


def page_size(corners: np.ndarray, dpi: int) -> tuple[int, int]:
    """The flattened page's size in pixels: A4 at ``dpi`` when the sides' ratio is within 12 %
    of A4's (perspective makes the measured ratio imprecise), else the measured ratio."""
    top, right = np.hypot(*(corners[1] - corners[0])), np.hypot(*(corners[2] - corners[1]))
    bottom, left = np.hypot(*(corners[2] - corners[3])), np.hypot(*(corners[3] - corners[0]))
    width, height = (top + bottom) / 2, (left + right) / 2
    ratio = height / width
    long_px = round(297 / 25.4 * dpi)
    if abs(ratio - _A4) < 0.12 * _A4:
        return round(210 / 25.4 * dpi), long_px
    if abs(1 / ratio - _A4) < 0.12 * _A4:
        return long_px, round(210 / 25.4 * dpi)
    if ratio >= 1:
        return round(long_px / ratio), long_px
    return long_px, round(long_px * ratio)


def flatten(image: Image.Image, corners: np.ndarray, dpi: int = 200) -> Image.Image:
    """The page inside ``corners`` warped flat onto an upright sheet at ``dpi``, its light
    evened out (paper white, shadow gone, ink kept dark in proportion)."""
    width, height = page_size(corners, dpi)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    rgb = np.asarray(image.convert("RGB"))
    flat = cv2.warpPerspective(rgb, matrix, (width, height), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)
    return Image.fromarray(_even_light(flat), "RGB")


def _even_light(rgb: np.ndarray) -> np.ndarray:
    """Divide each channel by the paper's brightness around it: the largest values in a
    window wider than any stroke (a dilation at quarter size), smoothed."""
    h, w = rgb.shape[:2]
    small = cv2.resize(rgb, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    k = max(5, (w // 4) // 40) | 1
    paper = cv2.dilate(small, np.ones((k, k), np.uint8))
    paper = cv2.GaussianBlur(paper.astype(np.float32), (0, 0), k)
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    out = rgb.astype(np.float32) * (245.0 / np.maximum(paper, 1.0))
    return np.clip(out, 0, 255).astype(np.uint8)


def flattened_jpeg(image: Image.Image, dpi: int, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi), subsampling=0)
    return buf.getvalue()
