"""Seals and signatures: found on the page, recorded as marks, and taken out of the recognition
copy so that the print under them is read (issue 18).

A Vietnamese paper closes with the signer's title, a note, the signature and the signer's name;
the agency's round red seal is pressed over the title's left and the signature, in blue pen,
runs over the name. Tesseract's page layout takes such a region for a picture and reads none of
the print in it: the signer's title and name, which an archive keeps, were lost.

- **Colour scans.** Red and blue pixels are grouped into clusters; a cluster about the size of
  a seal (round, 25-50 mm) or of a signature (wide pen strokes, at least 12 mm) is a mark.
  Inside a mark, each coloured pixel is read through the ink's own channel and scaled by the
  ink's full strength there (red channel for a seal, blue for a pen): the ink alone becomes
  white paper, print under it stays as dark as elsewhere (black multiplied by a red tint is
  still dark in red). The plain "brightest channel" rule used elsewhere leaves a full-strength
  blue stroke at the grey of its blue channel (≈160), which is enough to make a picture of the
  signer's block.
- **Grey scans.** A seal has no colour left, but it keeps its shape: two rings of 22-52 mm.
  Circles are found with a Hough transform on a 100 dpi copy and confirmed by the share of dark
  pixels along them (thin rings, at least two, a few millimetres apart). The seal is recorded.
- **Pen strokes without colour** (a grey scan, or black ink on a colour scan): the signature is
  as dark as the name it runs over. :func:`separate_strokes` finds it by shape (one connected
  piece far larger than a glyph, thin, not straight along a row) and takes it apart: off the
  lines of print all of it goes, on them only its long straight-ish runs that cross no
  letter's body. Around a grey seal the pen is only recorded: the seal's own suppression
  (:func:`suppress_strokes`, long strokes off the rows of print) handles that block.

The marks' boxes also tell :mod:`sohoa.ocr.engine` where to read the page once more as a block
of text when the page layout left it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from sohoa.ocr.levels import percentile

# A pixel is "coloured" when its channels spread this far apart (black print and grey paper do
# not; JPEG colour bleeding at print edges stays under it).
_CHROMA = 28
# Full-strength ink is estimated from the strongly coloured pixels of a mark.
_STRONG_CHROMA = 70
# Sizes in millimetres.
_SEAL_MM = (22.0, 56.0)
_SIGNATURE_MIN_MM = 12.0
_RING_MM = (11.0, 26.0)  # radius range of a round seal


@dataclass(frozen=True)
class FoundMark:
    """A seal or signature on the recognition copy, box in its pixels."""

    kind: str  # "seal" | "signature"
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


def _px(mm: float, dpi: float) -> float:
    return mm / 25.4 * dpi


def channel_extremes(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel's brightest and darkest channel (numpy's max over a last axis of three is
    a tenth of a second per A4 page at 300 dpi; OpenCV's per-channel max is a few ms)."""
    r, g, b = cv2.split(np.ascontiguousarray(rgb))
    return cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b)


Hues = tuple[np.ndarray, np.ndarray, np.ndarray]


def hue_masks(rgb: np.ndarray) -> Hues:
    """(red, blue, chroma) of an RGB page (:func:`colour_marks` and :func:`lift_marks` take it
    made once)."""
    top, low = channel_extremes(rgb)
    chroma = cv2.subtract(top, low)  # top ≥ low: exact in 8 bits
    coloured = (chroma >= _CHROMA) & (top >= 60)
    # The hue of the coloured pixels only (a few percent of a page): the conversion is done
    # pixel by pixel, so each one's hue is what the whole page's conversion gives it.
    red, blue = np.zeros_like(coloured), np.zeros_like(coloured)
    if not coloured.any():
        # A tinted dark ink (a blue ballpoint under poor light: saturated, little chroma) makes
        # measure() call a page coloured with no pixel coloured here (review15a M1: OpenCV
        # raised on the empty conversion).
        return red, blue, chroma
    hue = cv2.cvtColor(np.ascontiguousarray(rgb[coloured]).reshape(-1, 1, 3),
                       cv2.COLOR_RGB2HSV)[:, 0, 0]  # 0..179
    red[coloured] = (hue <= 12) | (hue >= 160)
    blue[coloured] = (hue >= 95) & (hue <= 135)
    return red, blue, chroma


def _clusters(mask: np.ndarray, dpi: int, reach_mm: float
              ) -> list[tuple[int, int, int, int, int]]:
    """(left, top, width, height, pixels) of groups of ``mask`` pixels within ``reach_mm`` of
    each other, measured on a quarter-size copy (cheap: seals and signatures are large)."""
    h, w = mask.shape
    small = cv2.resize(mask.astype(np.uint8), (max(1, w // 4), max(1, h // 4)),
                       interpolation=cv2.INTER_AREA)
    reach = max(3, round(_px(reach_mm, dpi) / 4)) | 1
    grown = cv2.dilate((small > 0).astype(np.uint8), np.ones((reach, reach), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    out = []
    for i in range(1, count):
        x, y, bw, bh, _ = (int(v) for v in stats[i])
        # Back to full size, one small pixel wider each way (the quarter-size copy rounds
        # stroke ends off).
        left, top = max(0, x * 4 - 4), max(0, y * 4 - 4)
        right, bottom = min(w, (x + bw) * 4 + 4), min(h, (y + bh) * 4 + 4)
        pixels = int(mask[top:bottom, left:right].sum())
        out.append((left, top, right - left, bottom - top, pixels))
    return out


def coloured_print(mask: np.ndarray, dpi: int,
                   stamps: Sequence[FoundMark] = ()) -> np.ndarray:
    """The pixels of ``mask`` that are lines of print in colour (a card's red "CĂN CƯỚC CÔNG
    DÂN", a letterhead in red or blue), not a seal or a pen: lifting them as ink erased the
    title the page is classified by (tester12 F3: the colour scan of a card read as "other",
    its grey scan as a card).

    A line of print is a row of separate letters of one height standing on one baseline:
    pieces joined across the gaps between letters and words (3 mm) and to their tone marks
    (0.6 mm) make a band 1.5-12 mm high, at least twice as wide, in which

    - there are three letters at least (pieces as tall as the band's letters: a tone mark or
      a dot is not one), covering half of its width at least;
    - the letters stand on baselines: each one's foot level with two others' at least (a
      two-line header joined into one band has two baselines);
    - hardly any ink is in thin pieces running on for more than three letter heights: a
      pen's stroke is long and connected and covers little of its box (a signature cut by the
      black name it crosses still makes a band of few, long pieces — fix12a took such a
      signature for print, so it was not lifted and its remains read as letters over the
      signer's name), while a bold word whose letters touch is a dense piece;
    - it lies in no ``stamps`` (seals found on the page) and inside no closed coloured frame
      of a stamp's size (a ring, a rectangle): a seal's lettering is print-like, and it is the
      seal's (fix12a kept the centre lines of seals).
    """
    out = np.zeros(mask.shape, bool)
    x, y, w, h = cv2.boundingRect(mask.astype(np.uint8))
    if not w or not h:
        return out
    # Looked at on the ink's box, at half size (a page's connected components at full size
    # cost a second on a desk PC; letters at half of 200 dpi still stay apart).
    window = mask[y:y + h, x:x + w].astype(bool)
    even = np.pad(window, ((0, h % 2), (0, w % 2)))
    # A half-size pixel is ink when any of its four pixels is: pieces never break apart.
    half = even.reshape(even.shape[0] // 2, 2, even.shape[1] // 2, 2).any(axis=(1, 3))
    boxes = [((s.left - x) // 2, (s.top - y) // 2, (s.right - x + 1) // 2,
              (s.bottom - y + 1) // 2) for s in stamps]
    found = _print_lines(half, dpi / 2, boxes).repeat(2, axis=0).repeat(2, axis=1)
    out[y:y + h, x:x + w] = found[:h, :w] & window
    return out


# A stamp's frame (a seal's ring, a rectangular stamp's border) encloses this much, in mm.
_FRAME_MM = (8.0, 80.0)


def _framed(ink: np.ndarray, dpi: float) -> np.ndarray:
    """Where ``ink`` encloses a stamp-sized hole: the inside of rings and rectangles, their
    breaks (uneven inking) closed first."""
    bridge = max(3, round(_px(1.0, dpi))) | 1
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((bridge, bridge), np.uint8))
    contours, hierarchy = cv2.findContours(closed, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    inside = np.zeros(ink.shape, np.uint8)
    if hierarchy is None:
        return inside.astype(bool)
    low, high = _px(_FRAME_MM[0], dpi), _px(_FRAME_MM[1], dpi)
    for contour, (_, _, _, parent) in zip(contours, hierarchy[0], strict=True):
        if parent < 0:
            continue  # an outer outline; holes are the contours with a parent
        _, _, cw, ch = cv2.boundingRect(contour)
        if low <= cw <= high and low <= ch <= high:
            cv2.drawContours(inside, [contour], -1, 1, cv2.FILLED)
    return inside.astype(bool)


def _print_lines(mask: np.ndarray, dpi: float,
                 stamps: Sequence[tuple[int, int, int, int]] = ()) -> np.ndarray:
    ink = mask.astype(np.uint8)
    gap = max(3, round(_px(3.0, dpi))) | 1
    rise = max(1, round(_px(0.6, dpi))) | 1
    joined = cv2.dilate(ink, np.ones((rise, gap), np.uint8))
    count, lines, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    _, pieces, piece_stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    # Each piece (specks left out) counted in the band it lies in.
    at = np.flatnonzero(ink.ravel())
    piece_of = pieces.ravel()[at]
    labels, first = np.unique(piece_of, return_index=True)
    real = labels[piece_stats[labels, cv2.CC_STAT_AREA] >= _px(0.3, dpi) ** 2]
    band_of = lines.ravel()[at[first[np.isin(labels, real)]]]
    low, high = _px(1.5, dpi), _px(12.0, dpi)
    framed: np.ndarray | None = None
    keep = np.zeros(count, bool)
    for i in range(1, count):
        bx, by, w, h = (int(v) for v in stats[i, :4])
        if not (low <= h <= high and w >= 2 * h):
            continue
        members = piece_stats[real[band_of == i]]
        if len(members) < 3:
            continue
        heights = members[:, cv2.CC_STAT_HEIGHT]
        letters = members[heights >= 0.6 * np.percentile(heights, 75)]
        tall = float(np.median(letters[:, cv2.CC_STAT_HEIGHT]))
        if len(letters) < 3:
            continue
        # Letters fill the line but for the gaps between words (bold letters, or whole
        # words at half size, touch: counting pieces undercounts them).
        across = np.zeros(w, bool)
        for left, width in letters[:, [cv2.CC_STAT_LEFT, cv2.CC_STAT_WIDTH]] - (bx, 0):
            across[left:left + width] = True
        if across.mean() < 0.5:
            continue
        feet = letters[:, cv2.CC_STAT_TOP] + letters[:, cv2.CC_STAT_HEIGHT]
        level = np.abs(feet[:, None] - feet[None, :]) <= max(1.0, 0.15 * tall)
        if ((level.sum(axis=1) - 1) >= 2).mean() < 0.6:
            continue
        # A pen's stroke: a piece running on for over three letter heights that covers
        # little of its box (12-22% on the foreign pages' signatures); a word whose bold
        # letters touch at half size covers half of it.
        area = members[:, cv2.CC_STAT_AREA]
        widths = members[:, cv2.CC_STAT_WIDTH]
        box = widths * members[:, cv2.CC_STAT_HEIGHT]
        if area[(widths > 3 * tall) & (area < 0.3 * box)].sum() > 0.35 * area.sum():
            continue
        cx, cy = bx + w / 2, by + h / 2
        if any(a <= cx <= c and b <= cy <= d for a, b, c, d in stamps):
            continue
        if framed is None:
            framed = _framed(ink, dpi)
        if framed[min(round(cy), framed.shape[0] - 1), min(round(cx), framed.shape[1] - 1)]:
            continue
        keep[i] = True
    return keep[lines] & mask


def colour_marks(rgb: np.ndarray, dpi: int, hues: Hues | None = None
                 ) -> list[tuple[FoundMark, str]]:
    """Seal- and signature-sized clusters of red and blue ink: (mark, "red"|"blue"); ``hues``:
    ``hue_masks(rgb)`` when the caller has it."""
    red, blue, _ = hues or hue_masks(rgb)
    found: list[tuple[FoundMark, str]] = []
    lo, hi = _px(_SEAL_MM[0], dpi), _px(_SEAL_MM[1], dpi)
    for x, y, w, h, pixels in _clusters(red, dpi, 2.0):
        # Round and seal-sized: a red title line or a red emblem is neither.
        if lo <= w <= hi and lo <= h <= hi and 0.7 <= w / h <= 1.4 and pixels > 0.02 * w * h:
            found.append((FoundMark("seal", x, y, w, h), "red"))
    least = _px(_SIGNATURE_MIN_MM, dpi)
    # A pen stroke is cut where it crosses a bold line of print (black over blue is not
    # blue): its pieces are gathered from further apart than a seal's.
    # A line printed in blue (a letterhead) is no signature: its letters stay print.
    pen = blue & ~coloured_print(blue, dpi)
    for x, y, w, h, pixels in _clusters(pen, dpi, 5.0):
        if w >= least and h >= _px(4.0, dpi) and pixels > 0.01 * w * h:
            found.append((FoundMark("signature", x, y, w, h), "blue"))
    return found


def lift_marks(rgb: np.ndarray, gray: np.ndarray,
               marks: list[tuple[FoundMark, str]], hues: Hues | None = None) -> np.ndarray:
    """``gray`` with each mark's ink turned to paper, the print under it kept; ``hues``:
    ``hue_masks(rgb)`` when the caller has it."""
    if not marks:
        return gray
    out = gray.copy()
    red, blue, chroma = hues or hue_masks(rgb)
    for mark, ink in marks:
        window = (slice(mark.top, mark.bottom), slice(mark.left, mark.right))
        mask = (red if ink == "red" else blue)[window]
        if not mask.any():
            continue
        channel = rgb[window][..., 0 if ink == "red" else 2].astype(np.float32)
        strong = mask & (chroma[window] >= _STRONG_CHROMA)
        # The full-strength ink's own channel: the darkest tenth of strongly coloured pixels
        # (paler ones are ink thinned out; print under ink is not strongly coloured).
        peak = float(np.percentile(channel[strong], 10)) if strong.sum() > 50 else 200.0
        peak = max(peak, 96.0)
        # Ink becomes the paper around it, not pure white: white shapes on grey-white paper
        # still look like a picture to Tesseract's page layout.
        paper = float(np.percentile(gray[window], 75))
        lifted = np.clip(channel * (paper / peak), 0, paper).astype(np.uint8)
        # Stroke edges (JPEG keeps colour at half resolution, so the ink's rim is less
        # coloured than its core): faintly coloured pixels beside the ink are read the same way;
        # black print, which has no colour, is not touched.
        near = cv2.dilate(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        near &= chroma[window] >= 12
        region = out[window]
        region[near] = np.maximum(region[near], lifted[near])
        region[mask] = lifted[mask]
        if ink == "blue":
            # An opaque pen (gel ink over toner) hides the letters it crosses: the print
            # running on at both sides of the stroke, across it, is put back.
            top = channel_extremes(rgb[window])[0]
            pen = mask | near
            # Black print is dark in every channel, the pen bright in its own.
            printed = (top < 0.5 * float(np.percentile(top, 75))) & ~pen
            cut = _print_under_pen(pen, printed)
            if cut is not None:
                region[cut] = np.minimum(region[cut], np.uint8(np.median(top[printed])))
    return out


# Stroke directions tried where a pen may hide print (every 22.5°).
_PEN_DIRECTIONS = 8


def _print_under_pen(pen: np.ndarray, printed: np.ndarray) -> np.ndarray | None:
    """The pixels of ``pen`` (a signature's ink and rim) that hide print (``printed``: the
    print's pixels beside it); None when there are none.

    Where the pen runs across a letter's stroke, the letter goes on at both sides of the pen,
    just beyond its edges, across its direction (the normal of the pen's outline, from the
    structure tensor of its mask); where the pen only passes between two letters or along one,
    paper or the pen itself lies there. Along the pen, across a gap between letters, is not
    looked at: a stroke along the name's baseline would join every letter to the next."""
    if pen.sum() < 50 or printed.sum() < 50:
        return None
    dist = cv2.distanceTransform(pen.astype(np.uint8), cv2.DIST_L2, 3)
    half = float(np.percentile(dist[pen], 95))
    reach = max(3, round(2 * half) + 3)
    soft = cv2.GaussianBlur(pen.astype(np.float32), (0, 0), max(1.0, half))
    gx = cv2.Sobel(soft, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(soft, cv2.CV_32F, 0, 1, ksize=3)
    sigma = max(1.5, 2 * half)
    jxx = cv2.GaussianBlur(gx * gx, (0, 0), sigma)
    jyy = cv2.GaussianBlur(gy * gy, (0, 0), sigma)
    jxy = cv2.GaussianBlur(gx * gy, (0, 0), sigma)
    # The outline's normal (0..π): the direction across the pen.
    normal = (0.5 * np.arctan2(2 * jxy, jxx - jyy)) % np.pi
    step = np.pi / _PEN_DIRECTIONS
    bins = np.round(normal / step).astype(np.int32) % _PEN_DIRECTIONS
    h, w = pen.shape
    # What lies first beyond the pen's edge, each way along a direction: print or paper.
    padded_print = np.zeros((h + 2 * reach, w + 2 * reach), bool)
    padded_print[reach:reach + h, reach:reach + w] = printed
    padded_pen = np.ones((h + 2 * reach, w + 2 * reach), bool)
    padded_pen[reach:reach + h, reach:reach + w] = pen
    cut = np.zeros_like(pen)
    for k in range(_PEN_DIRECTIONS):
        near_bin = (bins == k) | (bins == (k + 1) % _PEN_DIRECTIONS) | (
            bins == (k - 1) % _PEN_DIRECTIONS)
        sides = []
        for sign in (1, -1):
            found = np.zeros_like(pen)
            open_ = np.ones_like(pen)  # still on the pen's ink this far out
            for d in range(1, reach + 1):
                dx = round(np.cos(k * step) * d) * sign
                dy = round(np.sin(k * step) * d) * sign
                there = (slice(reach + dy, reach + dy + h), slice(reach + dx, reach + dx + w))
                found |= open_ & padded_print[there]
                open_ &= padded_pen[there]
            sides.append(found)
        cut |= near_bin & sides[0] & sides[1]
    cut &= pen
    return cut if cut.any() else None


def grey_seals(gray: np.ndarray, dpi: int) -> list[tuple[FoundMark, tuple[float, ...]]]:
    """Round seals on a grey page: (mark, ring radii in pixels) with the centre at the box's
    middle. Found on a 100 dpi copy; a circle counts when most of its circumference is dark."""
    scale = min(1.0, 100.0 / dpi)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    sdpi = dpi * scale
    rmin, rmax = round(_px(_RING_MM[0], sdpi)), round(_px(_RING_MM[1], sdpi))
    # A wide blur: print and paper grain make edges everywhere, which makes the transform slow
    # (1 s on a faded copy at σ 1, 0.03 s at σ 2) and the seal's rings survive it.
    blurred = cv2.GaussianBlur(small, (0, 0), 2.0)
    circles = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT, dp=1, minDist=rmin * 2,
                               param1=100, param2=30, minRadius=rmin, maxRadius=rmax)
    if circles is None:
        return []
    paper = percentile(small, 90)
    # Seal ink is thin and uneven: anything clearly below the paper counts. Along a circle
    # drawn at random over print, at most ≈45% is dark at this level (measured); a ring is
    # ≥60% dark at its radius.
    dark = small < paper - max(15.0, 0.12 * (paper - percentile(small, 1)))
    angles = np.linspace(0, 2 * np.pi, 240, endpoint=False)
    found: list[tuple[FoundMark, tuple[float, ...]]] = []
    for cx, cy, r in circles[0][:4]:
        # The share of each radius's circle that is dark: rings stand out as peaks.
        radii = np.arange(max(2.0, 0.45 * r), 1.12 * r, 1.0)
        shares = []
        for rr in radii:
            xs = np.clip((cx + rr * np.cos(angles)).astype(int), 0, small.shape[1] - 1)
            ys = np.clip((cy + rr * np.sin(angles)).astype(int), 0, small.shape[0] - 1)
            shares.append(float(dark[ys, xs].mean()))
        shares_a = np.array(shares)
        # Rings are thin lines: a few runs of radii (≤ 2.5 mm each) where a good part of the
        # circle is dark, the outer one solid, paler radii between and around them, and two
        # runs at least (the rim text runs between an outer and an inner ring) some
        # millimetres apart. A photo, a filled emblem, an arc of print or a card's rounded
        # corner is not that.
        ringed = shares_a >= 0.3
        if shares_a.max() < 0.6 or ringed.mean() > 0.45:
            continue
        runs = np.flatnonzero(np.diff(np.concatenate(([0], ringed.astype(int), [0]))))
        widths = runs[1::2] - runs[::2]
        if not 2 <= len(widths) <= 4 or widths.max() > _px(2.5, sdpi):
            continue
        if radii[runs[-1] - 1] - radii[runs[0]] < _px(3.0, sdpi):
            continue
        rings = radii[ringed]
        outer = float(rings.max()) / scale
        box = FoundMark("seal", round(cx / scale - outer), round(cy / scale - outer),
                        round(2 * outer), round(2 * outer))
        found.append((box, tuple(float(x) / scale for x in rings)))
    return found


# Pen strokes, by shape (grey scans, black ink): sizes in millimetres.
_STROKE_MIN_WIDTH_MM = 12.0  # a signature is wider than a word of a name
_STROKE_MIN_HEIGHT_MM = 5.0
_STROKE_MAX_WIDTH_MM = 1.3  # pen or seal ring: ink of near-constant, thin width
_STROKE_MAX_FILL = 0.25  # a photo or a filled emblem covers its box; a loop does not
# ...but a hand's loops do cover some of it (a 50 × 20 mm signature of 200 mm of 0.4 mm pen:
# 8%); a wavy background line across a card (guilloche) covers 1-3% of its box.
_STROKE_MIN_FILL = 0.035
_STROKE_STRAIGHT = 0.7  # a rule or a frame runs straight across most of its box
_STROKE_ANGLES = 24  # line directions tried (every 7.5°)


def _longest_run(mask: np.ndarray) -> int:
    """The longest run of ink along any row of ``mask``."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    starts, stops = np.nonzero(edges == 1), np.nonzero(edges == -1)
    if not len(starts[0]):
        return 0
    return int((stops[1] - starts[1]).max())


def _line_kernels(length: int) -> list[np.ndarray]:
    kernels = []
    c = length // 2
    for angle in np.arange(_STROKE_ANGLES) * (180.0 / _STROKE_ANGLES):
        dx, dy = np.cos(np.radians(angle)) * c, np.sin(np.radians(angle)) * c
        k = np.zeros((length, length), np.uint8)
        cv2.line(k, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1, 1)
        kernels.append(k)
    return kernels


def separate_strokes(gray: np.ndarray, dpi: int, seals: Sequence[FoundMark] = (),
                     leave: Sequence[tuple[int, int, int, int]] = ()
                     ) -> tuple[np.ndarray, list[FoundMark]]:
    """``gray`` with handwritten strokes (and a grey seal's rings) taken out by shape, and the
    signatures found.

    A grey scan has no colour to tell a signature from the name under it, and a signature in
    black ink has none on a colour scan either; shape does. Print is many small pieces, each
    about a glyph tall, lined up on the rows of a line; a pen stroke is one connected piece
    far larger than a glyph (12 mm wide, two glyphs tall at least), of thin near-constant
    width, covering little of its box, and not straight along a row or column (a rule, a
    table's frame). Where the pen runs over a name the letters it touches join it, so the
    piece is taken apart rather than erased whole:

    - its pixels off the rows of print (the loops above and below the name) are the pen's;
    - on the rows of print, the pen's pixels are those that a straight segment 1.5 tall
      letters long fits in, at any of 24 directions (a morphological opening): a pen crossing the
      line runs on across several letters, no part of a letter is that long and straight.
      Where such a segment crosses a letter's body (ink on both sides of it, across the
      stroke) the pixels stay, so a stem cut by the pen is not cut again by its removal.

    Only the piece's own ink and its soft edge (paler than the threshold, no ink of another
    piece) are touched; letters the pen does not touch are other pieces.
    A piece with most of its ink on a seal's disk is its ring and rim (``seals``); any other
    is recorded as a signature. A piece that reaches into one of the ``leave`` regions
    (left, top, right, bottom) is recorded and its pixels left for the caller.
    """
    h, w = gray.shape
    threshold, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count < 12:
        return gray, []
    per_mm = dpi / 25.4
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    # The height of tall letters (capitals, ascenders): the upper quartile of pieces 1.5-8 mm
    # tall. A median over all pieces is pulled down by tone marks, dots and, on a worn copy,
    # broken letters; segments shorter than a capital's stem would take stems for the pen.
    small = heights[(heights > 1.5 * per_mm) & (heights < 8 * per_mm)]
    if len(small) < 10:
        return gray, []
    glyph = float(np.percentile(small, 75))
    widths_ok = stats[:, cv2.CC_STAT_WIDTH] >= _STROKE_MIN_WIDTH_MM * per_mm
    heights_ok = stats[:, cv2.CC_STAT_HEIGHT] >= max(2 * glyph, _STROKE_MIN_HEIGHT_MM * per_mm)
    candidates = []
    for i in np.flatnonzero(widths_ok & heights_ok):
        if i == 0:
            continue
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if not _STROKE_MIN_FILL * bw * bh <= area <= _STROKE_MAX_FILL * bw * bh:
            continue
        piece = (labels[y:y + bh, x:x + bw] == i).astype(np.uint8)
        if (_longest_run(piece) > _STROKE_STRAIGHT * bw
                or _longest_run(piece.T) > _STROKE_STRAIGHT * bh):
            continue
        contours, _ = cv2.findContours(piece, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        perimeter = sum(cv2.arcLength(c, True) for c in contours)
        # A stroke's area is its length times its width, its outline twice its length.
        if perimeter <= 0 or 2 * area / perimeter > _STROKE_MAX_WIDTH_MM * per_mm:
            continue
        candidates.append(i)
    if not candidates:
        return gray, []
    out = gray.copy()
    length = round(1.5 * glyph) | 1
    kernels = _line_kernels(length)
    pad = length
    found: list[FoundMark] = []
    strokes = np.isin(labels, candidates) if len(candidates) > 1 else None
    for i in candidates:
        x, y, bw, bh, _ = (int(v) for v in stats[i])
        x0, y0 = max(0, x - pad), max(0, y - pad)
        x1, y1 = min(w, x + bw + pad), min(h, y + bh + pad)
        window = labels[y0:y1, x0:x1]
        piece = (window == i).astype(np.uint8)
        box = FoundMark("signature", x, y, bw, bh)
        ring = any(_on_seal(piece, x0, y0, seal) for seal in seals)
        if any(x < right and left < x + bw and y < bottom and top < y + bh
               for left, top, right, bottom in leave):
            if not ring:
                found.append(box)
            continue
        alongs = [cv2.morphologyEx(piece, cv2.MORPH_OPEN, kernel) for kernel in kernels]
        straight = np.zeros_like(piece)
        for along in alongs:
            straight |= along
        glyphs = piece.astype(bool) & ~straight.astype(bool)
        # The rows of print: where letters are, i.e. the ink of other pieces (not strokes)
        # and what is left of this one once its long straight parts are out.
        others = (window > 0) & (window != i)
        if strokes is not None:
            others &= ~strokes[y0:y1, x0:x1]
        per_row = (others | glyphs).sum(axis=1)
        core = (per_row >= max(3.0, 0.3 * float(per_row.max()))).astype(np.uint8)
        # A line's densest rows are its letters' bodies; capitals with their marks (Ẫ, Ổ)
        # reach most of a glyph above them, descenders less below.
        up, down = round(0.7 * glyph), round(0.4 * glyph)
        reach_rows = np.zeros(up + down + 1, np.uint8)
        reach_rows[:] = 1
        rows = cv2.dilate(core[:, None], reach_rows[:, None],
                          anchor=(0, down))[:, 0] > 0
        # Across the stroke: a pixel of a long straight part with ink on both sides of it,
        # beyond the pen's half width, is where the pen crosses a letter's body; it stays
        # (the pen alone has paper on both sides there).
        contours, _ = cv2.findContours(straight, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        perimeter = sum(cv2.arcLength(c, True) for c in contours)
        pen = 2 * float(straight.sum()) / perimeter if perimeter else 2.0
        reach = max(2, round(pen / 2) + 2)
        body = np.zeros(piece.shape, bool)
        for along, angle in zip(alongs, np.arange(_STROKE_ANGLES) * (180.0 / _STROKE_ANGLES),
                                strict=True):
            if not along.any():
                continue
            dx = round(-np.sin(np.radians(angle)) * reach)
            dy = round(np.cos(np.radians(angle)) * reach)
            ahead = np.roll(piece, (-dy, -dx), axis=(0, 1))
            behind = np.roll(piece, (dy, dx), axis=(0, 1))
            body |= (along > 0) & (ahead > 0) & (behind > 0)
        inked = piece.astype(bool)
        if ring:
            # A seal's ring crossing print is left there (cutting it cut the title's and the
            # note's letters: measured); off the lines of print it goes.
            erase = inked & ~rows[:, None]
        else:
            erase = inked & (~rows[:, None] | (straight.astype(bool) & ~body))
            # Above and below the letters' bodies, where capitals' tops and tone marks are, a
            # part of the piece that runs on out of the line's reach is the pen's (a loop
            # coming down onto the name); one that stays within it is a letter's.
            beside = (piece & ~core.astype(bool)[:, None]).astype(np.uint8)
            parts, part_labels = cv2.connectedComponents(beside, connectivity=8)
            if parts > 1:
                outside = np.unique(part_labels[~rows])
                pen_parts = np.zeros(parts, bool)
                pen_parts[outside[outside > 0]] = True
                erase |= pen_parts[part_labels]
        # The strokes' soft edges (lighter than Otsu's threshold) go with them; no pixel of
        # ink that stays is touched.
        edge = cv2.dilate(erase.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        erase |= edge & ~inked & ~others
        region = out[y0:y1, x0:x1]
        paper = np.uint8(np.percentile(region, 90))
        region[erase] = paper
        if not ring:
            found.append(box)
    del threshold
    return out, _merged(found)


def _on_seal(piece: np.ndarray, left: int, top: int, seal: FoundMark) -> bool:
    """Whether a piece (its mask, placed at ``left``, ``top``) is a seal's ring: three
    quarters of its ink within the seal's disk (a little grown: the print a ring touches, the
    title under the seal's top, joins its piece). A signature beside or over a seal runs well
    out of it."""
    ys, xs = np.nonzero(piece)
    if not len(xs):
        return False
    cx, cy = seal.left + seal.width / 2, seal.top + seal.height / 2
    radius = max(seal.width, seal.height) / 2
    near = np.hypot(xs + left - cx, ys + top - cy) <= 1.1 * radius
    return float(near.mean()) >= 0.75


def _merged(marks: list[FoundMark]) -> list[FoundMark]:
    """Overlapping signature pieces (a pen lifted, or cut by the binarization) as one mark."""
    boxes = [[m.left, m.top, m.right, m.bottom] for m in marks]
    merged: list[list[int]] = []
    for box in boxes:
        for other in merged:
            if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
                other[:] = [min(box[0], other[0]), min(box[1], other[1]),
                            max(box[2], other[2]), max(box[3], other[3])]
                break
        else:
            merged.append(box)
    return [FoundMark("signature", a, b, c - a, d - b) for a, b, c, d in merged]
def suppress_strokes(gray: np.ndarray, region: tuple[int, int, int, int],
                     dpi: int) -> np.ndarray:
    """``gray`` with the long strokes in ``region`` (a seal's rings, a signature's loops: ink
    taller than any letter, 7.5 mm) set to paper, except on the rows and columns of a line of
    print, where they may be the print itself or touch it.

    A grey scan has no colour to tell a signature from the name under it, so shape does:
    letters are short connected pieces lined up in rows (four or more on the same rows make a
    line of print); a pen stroke or a ring is one tall piece. Where a tall piece crosses a
    line of print it is kept (it may have swallowed letters), elsewhere it goes.
    """
    left, top, right, bottom = region
    left, top = max(0, left), max(0, top)
    right, bottom = min(gray.shape[1], right), min(gray.shape[0], bottom)
    if right - left < 32 or bottom - top < 32:
        return gray
    sub = gray[top:bottom, left:right]
    threshold, ink = cv2.threshold(sub, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tall_px, low_px = _px(7.5, dpi), _px(1.2, dpi)
    heights = stats[:, cv2.CC_STAT_HEIGHT]
    tall = np.zeros(count, bool)
    tall[1:] = heights[1:] > tall_px
    if not tall.any():
        return gray
    # Lines of print are the densest rows of ink in the region (a bold name is a run of
    # filled letters; a pen's loop or a ring crosses a row once or twice), and a line of
    # print is at least ~2 mm tall: such runs of rows, a little widened, are kept whole.
    density = (ink > 0).mean(axis=1)
    dense = density >= max(0.04, 0.45 * float(density.max()))
    keep = np.zeros(sub.shape, bool)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], dense.astype(int), [0]))))
    pad = round(_px(0.8, dpi))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start >= _px(1.8, dpi):
            keep[max(0, start - pad):stop + pad] = True
    del low_px
    # The strokes' soft edges (under Otsu's threshold) go with them.
    erase = cv2.dilate((tall[labels] & ~keep).astype(np.uint8),
                       np.ones((3, 3), np.uint8)).astype(bool) & ~keep
    if not erase.any():
        return gray
    out = gray.copy()
    paper = np.uint8(np.percentile(sub, 90))
    out[top:bottom, left:right][erase] = paper
    del threshold
    return out


# Two levels of ink: the lighter one's peak stands this far (grey levels) from the darker one's,
# with a valley between them at most this share of it.
_LEVELS_APART = 12
_LEVELS_VALLEY = 0.5
_CROSSINGS_SHARE = 0.25


def lift_lighter_ink(gray: np.ndarray, region: tuple[int, int, int, int],
                     samples: Sequence[FoundMark], dpi: int) -> np.ndarray | None:
    """``gray`` with the lighter of two inks set to paper in ``region`` (left, top, right,
    bottom), or None when the ink in ``samples`` (the marks' boxes) has one level only.

    On a grey scan a blue pen and a red seal keep no colour but keep their lightness: a
    ballpoint's line and a seal's ring scan a mid grey, toner near black. Where a signature
    crosses the name, shape alone cannot tell the pen's pixels from a letter's (both are thin
    strokes, and the pen joins the letters it touches); their level can. Each stroke's core
    is taken as the darkest level within about a pen's half width (a grey erosion): the edges
    of a letter, lighter than its core, are then counted with their letter. The levels of the
    ink's cores in the marks' boxes are split where their histogram has two peaks and a valley
    between (:func:`_two_levels`); when the darker peak is the print's (:func:`_print_level`,
    from letter-sized pieces of the region), the pixels near a light core and far from any dark
    one are the pen's (or the ring's) and go to paper. A crossing, darker than either, stays
    with the letter.
    """
    h, w = gray.shape
    left, top = max(0, region[0]), max(0, region[1])
    right, bottom = min(w, region[2]), min(h, region[3])
    if right - left < 32 or bottom - top < 32:
        return None
    radius = max(1, round(dpi / 150))
    kernel = np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)
    cores: list[np.ndarray] = []
    inked: list[int] = []
    for mark in samples:
        x0, y0 = max(0, mark.left), max(0, mark.top)
        x1, y1 = min(w, mark.right), min(h, mark.bottom)
        if x1 - x0 < 8 or y1 - y0 < 8:
            continue
        sub = np.ascontiguousarray(gray[y0:y1, x0:x1])
        threshold, ink = cv2.threshold(sub, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        cores.append(cv2.erode(sub, kernel)[ink > 0])
        inked.append(int(threshold))
    if not cores:
        return None
    split = _two_levels(np.concatenate(cores))
    if split is None or _print_level(gray, (left, top, right, bottom), dpi) > split:
        # The darker ink must be the print's: a faded copy signed afterwards in black pen
        # has the pen darker, and lifting the lighter ink would take the print.
        return None
    out = gray.copy()
    sub = out[top:bottom, left:right]
    ink_level = min(inked)
    lowest = cv2.erode(sub, kernel)
    # A pen's core: a light level that is its own neighbourhood's darkest (no darker stroke
    # beside it, so not a letter's edge).
    pen_core = (lowest > split) & (sub < ink_level) & (sub.astype(np.int16) - lowest < 12)
    pen = cv2.dilate(pen_core.astype(np.uint8),
                     np.ones((2 * radius + 3, 2 * radius + 3), np.uint8)) > 0
    # Dark ink is a letter's, except a speck of it inside the pen's path: where the pen
    # crosses itself or a ring, the inks add up to a dark spot a pen's width across.
    dark = (sub <= split).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    inside = np.bincount(labels[pen], minlength=count)
    speck = (stats[:, cv2.CC_STAT_AREA] <= (4 * radius + 2) ** 2) & (
        inside >= 0.8 * stats[:, cv2.CC_STAT_AREA])
    speck[0] = False
    letters = cv2.dilate(((dark > 0) & ~speck[labels]).astype(np.uint8), kernel) > 0
    paper = np.uint8(np.percentile(sub, 90))
    erase = pen & ~letters & (sub < paper)
    if not erase.any():
        return None
    sub[erase] = paper
    return out


def _two_levels(values: np.ndarray) -> float | None:
    """The level between two inks whose strokes' cores are ``values``, or None when they are one
    ink. One ink's cores pile up at its level with a tail of lighter ones (thin strokes, soft
    edges) running down to the paper; two inks make two peaks with a valley between them. The
    line is drawn near the darker ink's side (toner's level is narrow, a pen's wide)."""
    if len(values) < 200:
        return None
    hist = np.bincount(values.astype(np.int64) // 4, minlength=64).astype(np.float64)
    hist = np.convolve(hist, np.ones(3) / 3, mode="same")
    peaks = [j for j in range(len(hist)) if hist[j] > 0
             and (j == 0 or hist[j] >= hist[j - 1])
             and (j + 1 == len(hist) or hist[j] >= hist[j + 1])]
    first = max(peaks, key=lambda j: hist[j])
    pairs = []
    for other in peaks:
        a, b = sorted((first, other))
        if (b - a) * 4 < _LEVELS_APART or hist[other] < 0.05 * hist[first]:
            continue
        # Where two strokes cross, their inks multiply: a crossing is darker than both, and a
        # pen crossing letters of its own level makes a small darker peak of its own. The
        # darker of two inks is print: as common as the crossings at least four times over.
        if (hist[a:b + 1].min() <= _LEVELS_VALLEY * hist[other]
                and hist[a] >= _CROSSINGS_SHARE * hist[b]):
            pairs.append((hist[other], a, b))
    if not pairs:
        return None
    _, dark, light = max(pairs)
    valley = dark + int(np.argmin(hist[dark:light + 1]))
    darker = values[values <= valley * 4 + 2]
    return min(valley * 4 + 2.0, float(darker.mean()) + 2.5 * float(darker.std()))


def _print_level(gray: np.ndarray, region: tuple[int, int, int, int], dpi: int) -> float:
    """The level of the page's print outside ``region`` (its body text: most of a page's
    letters): the middle of the darker half of the ink in letter-sized pieces, on every other
    pixel each way. A photocopy's dark edge or a black band is no letter."""
    sample = gray[::2, ::2].copy()
    left, top, right, bottom = (v // 2 for v in region)
    sample[top:bottom, left:right] = 255
    _, ink = cv2.threshold(sample, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    letter = dpi / 2 / 4  # a quarter inch, in the half-size sample
    small = (stats[:, cv2.CC_STAT_WIDTH] <= 2 * letter) & (stats[:, cv2.CC_STAT_HEIGHT] <= letter)
    small[0] = False
    values = sample[small[labels]]
    return float(np.percentile(values, 25)) if len(values) else 255.0
