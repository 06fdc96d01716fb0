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
  pixels along them (thin rings, at least two, a few millimetres apart). The seal is recorded;
  its ink stays in the copy: painting the rings out cut the print crossing them (tried: the
  note under the title lost letters, CER went up on grey pages), the block re-read below is
  what brings the signer's lines back.

The marks' boxes also tell :mod:`sohoa.ocr.engine` where to read the page once more as a block
of text when the page layout left it out.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

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


def _px(mm: float, dpi: int) -> float:
    return mm / 25.4 * dpi


def _hue_masks(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(red, blue, chroma) of an RGB page."""
    top = rgb.max(axis=2)
    chroma = top.astype(np.int16) - rgb.min(axis=2)
    coloured = (chroma >= _CHROMA) & (top >= 60)
    hue = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[..., 0]  # 0..179
    red = coloured & ((hue <= 12) | (hue >= 160))
    blue = coloured & (hue >= 95) & (hue <= 135)
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


def colour_marks(rgb: np.ndarray, dpi: int) -> list[tuple[FoundMark, str]]:
    """Seal- and signature-sized clusters of red and blue ink: (mark, "red"|"blue")."""
    red, blue, _ = _hue_masks(rgb)
    found: list[tuple[FoundMark, str]] = []
    lo, hi = _px(_SEAL_MM[0], dpi), _px(_SEAL_MM[1], dpi)
    for x, y, w, h, pixels in _clusters(red, dpi, 2.0):
        # Round and seal-sized: a red title line or a red emblem is neither.
        if lo <= w <= hi and lo <= h <= hi and 0.7 <= w / h <= 1.4 and pixels > 0.02 * w * h:
            found.append((FoundMark("seal", x, y, w, h), "red"))
    least = _px(_SIGNATURE_MIN_MM, dpi)
    # A pen stroke is cut where it crosses a bold line of print (black over blue is not
    # blue): its pieces are gathered from further apart than a seal's.
    for x, y, w, h, pixels in _clusters(blue, dpi, 5.0):
        if w >= least and h >= _px(4.0, dpi) and pixels > 0.01 * w * h:
            found.append((FoundMark("signature", x, y, w, h), "blue"))
    return found


def lift_marks(rgb: np.ndarray, gray: np.ndarray,
               marks: list[tuple[FoundMark, str]]) -> np.ndarray:
    """``gray`` with each mark's ink turned to paper, the print under it kept."""
    if not marks:
        return gray
    out = gray.copy()
    red, blue, chroma = _hue_masks(rgb)
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
    return out


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
    paper = float(np.percentile(small, 90))
    # Seal ink is thin and uneven: anything clearly below the paper counts. Along a circle
    # drawn at random over print, at most ≈45% is dark at this level (measured); a ring is
    # ≥60% dark at its radius.
    dark = small < paper - max(15.0, 0.12 * (paper - float(np.percentile(small, 1))))
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
