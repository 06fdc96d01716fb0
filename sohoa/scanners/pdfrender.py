"""The render fallback: a PDF page drawn by poppler at the resolution its images have.

A page that is more than one scanned image (vector text, a stamp image over the scan, a
slanted scan) is rendered by ``pdftoppm`` straight to PPM on a pipe: no PNG encoding (which
cost most of the 21 s a 300 dpi colour page took before). A bilevel page is drawn in grey and
thresholded at mid-grey (poppler's ``-mono`` dithers). The resolution is the page's own — the
finest image it draws — capped by ``InputLimits.pdf_render_dpi`` (300): a 200 dpi scan is not
blown up to 300 dpi.

What is stored: a bilevel page as CCITT G4 (lossless, small) — also a page that draws no image
and comes out black on white (type whose only greys are its anti-aliased edges) — a page without
colour as a grey JPEG, a colour page as an RGB JPEG. A rendered photo stored losslessly was what
made a 1.35 MB input a 10.4 MB archive.
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from sohoa.scanners.pilsafe import DECODE_ERRORS, g4_tiff, quiet_bomb_warning

# Wall time allowed to draw one page. A scan page renders in about a second; a page that takes
# longer is a hostile or broken file, not one worth waiting minutes for.
RENDER_TIMEOUT_S = 60
# Quality of a rendered page stored as JPEG: the page was a picture already, and the
# recognizer reads it as well as the lossless render.
RENDER_QUALITY = 85
MIN_RENDER_DPI = 100  # below this the recognizer cannot read body text; upsample tiny scans


@dataclass(frozen=True)
class Rendered:
    data: bytes
    mime: str
    width: int
    height: int


class RenderFailed(Exception):
    pass


def render_dpi(image_dpis: list[float], cap: int) -> int:
    """The finest resolution of the page's images, within [MIN_RENDER_DPI, cap]; the cap
    itself for a page without images (born-digital text)."""
    if not image_dpis:
        return cap
    return max(min(cap, round(max(image_dpis))), min(MIN_RENDER_DPI, cap))


def render_page(path: Path, number: int, dpi: int, *, bilevel: bool,
                timeout_s: float = RENDER_TIMEOUT_S, drawn_only: bool = False) -> Rendered:
    """Page ``number`` (1-based) of ``path`` drawn at ``dpi``, encoded as it will be stored.
    ``drawn_only``: the page draws no image (vector text and lines): stored bilevel when it
    is black on white (:func:`black_on_white`)."""
    # -cropbox: the page as viewers show it (pdftoppm draws the whole MediaBox by default).
    args = ["pdftoppm", "-r", str(dpi), "-f", str(number), "-l", str(number), "-cropbox"]
    if bilevel:
        # Grey, thresholded here: poppler's -mono dithers, which speckles a 1:1 bilevel scan.
        args.append("-gray")
    try:
        done = subprocess.run([*args, "--", str(path)], capture_output=True, timeout=timeout_s,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise RenderFailed(f"timeout after {timeout_s:g} s") from exc
    except OSError as exc:
        raise RenderFailed(str(exc)) from exc
    if done.returncode != 0 or not done.stdout:
        raise RenderFailed(done.stderr.decode(errors="replace")[-200:])
    try:
        with quiet_bomb_warning():
            im = Image.open(io.BytesIO(done.stdout), formats=["PPM"])
            im.load()
    except DECODE_ERRORS as exc:
        raise RenderFailed(str(exc)) from exc
    cut = 128
    if not bilevel and drawn_only:
        im = grey_if_grey(im)
        if im.mode == "L" and black_on_white(np.asarray(im), dpi):
            # Cut near the paper, not at mid-grey: a hairline or a grey rule poppler draws
            # lighter than mid-grey stays ink (a little bolder) instead of vanishing.
            bilevel, cut = True, DRAWN_CUT
    if bilevel:
        im = im.convert("L").point(lambda v: 255 if v >= cut else 0, mode="1")
    return encode_render(im, dpi)


# Grey pixels farther than this from any black one are the page's own grey (a shaded cell,
# grey type, a grey rule), not the soft edge poppler draws around black type.
_EDGE_REACH = 2
# A drawn page stored bilevel is cut at this level: darker is ink.
DRAWN_CUT = 192
# How much of the page's own grey a bilevel copy may change, in pixels per dpi (at 300 dpi:
# 300 pixels lost to paper — the fringe of a few hairlines — and 3000 made black, a few
# grey marks): beyond that the page keeps its greys.
_LOST_PER_DPI = 1
_DARKENED_PER_DPI = 10


def black_on_white(grey: np.ndarray, dpi: int = 300) -> bool:
    """Whether a drawn page is black ink on white paper: its grey pixels (all but near-black
    and near-white) are all but the anti-aliased edges of black strokes, so a bilevel copy cut
    at DRAWN_CUT loses nothing a reader would miss. Such a page is stored as CCITT G4 (a
    300 dpi page of type: tens of KB, where a grey JPEG takes hundreds) and reads as well; a
    page with shading, grey type or light grey rules keeps its greys."""
    dark = grey < 64
    mid = (grey >= 64) & (grey < 240)  # a light shaded cell is grey too, not paper
    if not mid.any():
        return True
    # within _EDGE_REACH pixels of black, every way (PIL's max filter on the black mask)
    near = np.asarray(Image.fromarray(dark.astype(np.uint8) * 255).filter(
        ImageFilter.MaxFilter(2 * _EDGE_REACH + 1))) > 0
    own = mid & ~near
    lost = int((own & (grey >= DRAWN_CUT)).sum())  # would turn to paper
    darkened = int((own & (grey < DRAWN_CUT)).sum())  # would turn black
    return lost <= _LOST_PER_DPI * dpi and darkened <= _DARKENED_PER_DPI * dpi


def encode_render(im: Image.Image, dpi: int) -> Rendered:
    if im.mode == "1":
        return Rendered(g4_tiff(im, dpi), "image/tiff", im.width, im.height)
    im = grey_if_grey(im)
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=RENDER_QUALITY, dpi=(dpi, dpi))
    return Rendered(buf.getvalue(), "image/jpeg", im.width, im.height)


def grey_if_grey(im: Image.Image) -> Image.Image:
    """A rendered page with no colour is stored as greyscale: a third of the data."""
    if im.mode != "RGB":
        return im
    arr = np.asarray(im)
    if np.array_equal(arr[..., 0], arr[..., 1]) and np.array_equal(arr[..., 1], arr[..., 2]):
        return Image.fromarray(arr[..., 0], "L")
    return im
