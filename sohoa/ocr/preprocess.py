"""Cleanup of the *recognition copy* of a page. The archival image is never touched.

Each page is measured first (a few percentiles on a small copy: milliseconds), and only the
steps the measurements call for are run, so a clean page costs nothing extra:

- coloured ink (red seals, blue signatures and handwriting over the print) is lifted out by
  reading such pixels through their brightest channel, where red and blue ink look like paper
  and black print stays black;
- faded, grey, yellowed or deeply shadowed pages get their background flattened (divided by a
  large blur of the page, so paper becomes white everywhere);
- photocopies (grey paper) are then denoised with a 3x3 median and their contrast stretched so
  that the darkest print is black and everything from the paper's median up is white: toner
  grain and dust specks break Tesseract's binarization into ragged strokes and false dots, which
  it reads as stray diacritics and punctuation. Measured on the 13 synthetic heavy pages at
  200 dpi (order-independent CER, flattening alone 9.0%): median 6.1%, median + stretch 4.8%
  (ID card 36% → 17%), a Gaussian blur (σ 0.7) 8.7%, for ≈0.02 CPU s;
- a copy from a worn drum on white paper (paper and toner far apart, even light: clean by the
  measures above) is told by its pepper speckle, isolated toner specks per cm² counted on a
  sample of its rows (:mod:`sohoa.ocr.specks`, ≈0.02 CPU s on a clean page): its specks are
  painted paper by size and isolation (a 3x3 median keeps one 3 px across), then it is cleaned
  as any other copy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

import cv2
import numpy as np
from PIL import Image

from sohoa.ocr.marks import (
    FoundMark,
    channel_extremes,
    colour_marks,
    coloured_print,
    grey_seals,
    hue_masks,
    lift_lighter_ink,
    lift_marks,
    separate_strokes,
    suppress_strokes,
)
from sohoa.ocr.photos import Photo, blank_photos, find_photos
from sohoa.ocr.specks import remove_specks, speckle

# Measured on a small copy: enough pixels for stable percentiles, cheap on a 2-core desk PC.
_MEASURE_WIDTH = 600
# The resolution assumed when none is given (``prepare``'s default).
_DEFAULT_DPI = 200
# A pixel is "coloured ink" when clearly saturated and not too dark (black print is unsaturated).
_INK_SATURATION = 70
_INK_MIN_VALUE = 60
# Colour pages below this share of coloured ink have nothing worth lifting out.
_MIN_COLOUR_SHARE = 0.0005
# Pages that need their background flattened: grey paper (a photocopy), print faded to grey,
# or light so uneven that paper in the shade is darker than print in the light. Measured on the
# synthetic corpus: scanner pages (paper ≥ 248, unevenness ≤ 42) read as well or better without
# flattening, photocopies (paper ≤ 186, unevenness ≥ 54) gain 50 CER points with it.
_CLEAN_PAPER = 215
_CLEAN_INK = 140
_CLEAN_UNEVENNESS = 48.0
# ...and a photocopy on fairly white paper: print and paper less than this far apart (a scan's
# black print on white is ≥ 180 apart). Pages the project never drew (issue 18) showed it: a
# heavy photocopy with paper at 217 and toner at 113 passed the three gates above, was read
# raw and lost 63% of its characters; flattened and denoised it lost 4.4%.
_CLEAN_CONTRAST = 150.0
# ...and a copy from a worn drum on white paper: this many isolated specks of toner per cm² or
# more (sohoa.ocr.specks). Tesseract joins them to the letters: two such copies (issue 18,
# tester16 F5, 25 and 63 per cm²) were read as noise (89% and 91% CER) and lost 7% once
# denoised as copies. Scans and clean copies have fewer than 1 per cm², mildly worn copies 1-9.
_SPECKLED = 10.0


@dataclass(frozen=True)
class PageMeasures:
    """Cheap facts about a page that decide its cleanup."""

    paper: float  # 90th percentile of grey: the paper's brightness
    ink: float  # 1st percentile of grey: the darkest print
    unevenness: float  # spread of the paper brightness over the page (shadows, folds)
    colour_share: float  # share of pixels that are coloured ink (seal, signature)
    # Isolated specks of toner per cm² (sohoa.ocr.specks); measured only on pages the other
    # measures call clean, 0 elsewhere.
    speckle: float = 0.0

    @property
    def _toned(self) -> bool:
        return (
            self.paper >= _CLEAN_PAPER
            and self.ink <= _CLEAN_INK
            and self.unevenness <= _CLEAN_UNEVENNESS
            and self.paper - self.ink >= _CLEAN_CONTRAST
        )

    @property
    def clean(self) -> bool:
        return self._toned and self.speckle < _SPECKLED

    @property
    def copy(self) -> bool:
        """A photocopy: grey paper, print and paper close in tone (faded toner), or paper
        peppered with specks of toner."""
        return (self.paper < _CLEAN_PAPER or self.paper - self.ink < _CLEAN_CONTRAST
                or self.speckle >= _SPECKLED)


@dataclass(frozen=True)
class Prepared:
    """The recognition copy (8-bit grey, same size and orientation as the page given), the
    cleanup steps that were run, by name, and the seals and signatures found (boxes in the
    copy's pixels; their ink is out of the copy)."""

    gray: np.ndarray
    measures: PageMeasures
    steps: tuple[str, ...]
    marks: tuple[FoundMark, ...] = ()
    # Portrait photos (an ID card's), painted white in the copy (sohoa.ocr.photos).
    photos: tuple[Photo, ...] = ()
    # Other copies of the page where the signer's block was treated otherwise (the pen taken
    # apart by shape around a grey seal), made when first asked for: a line of the block
    # unsure in ``gray`` is read in these too, and the surest reading kept (sohoa.ocr.engine).
    alternatives: Callable[[], list[np.ndarray]] | None = None


def to_array(image: Image.Image) -> np.ndarray:
    """8-bit grey or RGB array of ``image`` (palettes, alpha, 16-bit and bilevel converted)."""
    if image.mode in ("L", "RGB"):
        return np.asarray(image)
    if image.mode == "1":
        return np.asarray(image.convert("L"))
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        wide = np.asarray(image, dtype=np.float64)
        top = max(float(wide.max()), 1.0)
        return np.clip(wide * (255.0 / (65535.0 if top > 255 else 255.0)), 0, 255).astype(np.uint8)
    has_colour = image.mode not in ("LA", "La", "F")
    return np.asarray(image.convert("RGB" if has_colour else "L"))


def _small(array: np.ndarray) -> np.ndarray:
    scale = min(1.0, _MEASURE_WIDTH / array.shape[1])
    if scale >= 1.0:
        return array
    return cv2.resize(array, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _ink_mask(rgb: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    return (hsv[..., 1] >= _INK_SATURATION) & (hsv[..., 2] >= _INK_MIN_VALUE)


def measure(array: np.ndarray, dpi: int = 0) -> PageMeasures:
    """Measure an 8-bit grey or RGB page (see :class:`PageMeasures`). Its speckle is measured
    (on the full-size page: a speck is a pixel or two) when ``dpi`` is given and the page is
    otherwise clean."""
    small = _small(array)
    colour_share = 0.0
    if small.ndim == 3:
        colour_share = float(_ink_mask(small).mean())
        gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    else:
        gray = small
    paper, ink = np.percentile(gray, [90, 1])
    # Paper brightness per region: a max filter removes the print, a blur smooths the rest;
    # its spread says whether the light is even.
    kernel = max(3, gray.shape[1] // 40) | 1
    background = cv2.dilate(gray, np.ones((kernel, kernel), np.uint8))
    background = cv2.blur(background, (kernel * 3, kernel * 3))
    low, high = np.percentile(background, [5, 95])
    measures = PageMeasures(
        paper=float(paper),
        ink=float(ink),
        unevenness=float(high - low),
        colour_share=colour_share,
    )
    if dpi > 0 and measures.clean:
        measures = replace(measures, speckle=speckle(array, dpi, measures.paper, measures.ink))
    return measures


def lift_coloured_ink(rgb: np.ndarray, dpi: int = 0,
                      stamps: Sequence[FoundMark] = ()) -> np.ndarray:
    """Grey copy of ``rgb`` in which red/blue ink reads as paper and black print stays.

    Saturated pixels are read through their brightest channel (HSV value): red ink is bright in
    red, blue ink in blue, while black print is dark in every channel. Print under a seal is
    kept because it is dark in all channels there too. Lines printed in colour (a card's red
    title, a red or blue letterhead) stay print (:func:`sohoa.ocr.marks.coloured_print`);
    lettering in ``stamps`` (the seals found) is the seal's and goes.
    """
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    ink = _ink_mask(rgb)
    if not ink.any():
        return gray
    brightest = channel_extremes(rgb)[0]
    # Lines printed in colour (a card's red title) are print, not ink laid over it.
    dpi = dpi or _DEFAULT_DPI
    printed = cv2.dilate(coloured_print(ink, dpi, stamps).astype(np.uint8),
                         np.ones((3, 3), np.uint8)).astype(bool)
    # Grow the mask a little: anti-aliased stroke edges are less saturated than stroke cores.
    ink = cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & ~printed
    cleaned = gray.copy()
    cleaned[ink] = np.maximum(gray[ink], brightest[ink])
    return cleaned


def paper_level(gray: np.ndarray) -> np.ndarray:
    """The paper's brightness under every pixel (same size as ``gray``): the page with its print
    closed away (a max filter then a min filter, as wide as a few letters) and smoothed.

    A max filter alone, then a wide blur, ran ahead of a shadow along the page's edge (the
    paper's brightness falling from 195 to 115 over the last 3 cm): the paper there came out
    grey after division, and its grain, stretched, came out as a field of specks that Tesseract
    joined to the ends of the lines beside it and read as noise. Closing follows a slope
    exactly and still takes away any print narrower than its window.
    """
    h, w = gray.shape
    # The background is estimated on a quarter-size copy: a large window there is 16x cheaper
    # and the paper's brightness changes slowly anyway.
    small = cv2.resize(gray, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    kernel = max(3, min(small.shape) // 30) | 1
    square = np.ones((kernel, kernel), np.uint8)
    # The page's own edge pixels are carried on beyond it for a window's width: without them
    # the closing's second (min) filter has nothing darker past the edge to come back down to,
    # and where a shadow darkens towards the edge the paper's level over the last half window
    # was the brighter paper further in; the last ≈25 columns came out grey, were stretched to
    # black and read as a column of junk letters ("M%.e.ask", "2 1š") beside the lines.
    # The blur too runs over them (mirrored past the edge, the slope came back up).
    pad = 2 * kernel
    padded = cv2.copyMakeBorder(small, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    paper = cv2.erode(cv2.dilate(padded, square), square)
    paper = cv2.GaussianBlur(paper, (0, 0), sigmaX=kernel / 2)[pad:-pad, pad:-pad]
    return cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)


def flatten_background(gray: np.ndarray, paper: np.ndarray | None = None) -> np.ndarray:
    """Even out the paper: divide the page by a large blur of its paper brightness (or by
    ``paper``, :func:`paper_level`, on a page with a shadow).

    Paper becomes white everywhere (shadows, grey or yellowed stock, uneven light) and print
    keeps its grey levels, which Tesseract's own thresholding handles better than a global Otsu
    would: measured on the synthetic corpus at 200 dpi, heavy pages went from 65% CER to 13%
    with this alone, the same as with an extra blur + Otsu (12.5%), and card layouts with photos
    and tinted backgrounds fared much better without the Otsu (50% vs 83%).
    """
    if paper is None:
        h, w = gray.shape
        # The background is estimated on a quarter-size copy: a large blur there is 16x
        # cheaper and the paper's brightness changes slowly anyway.
        small = cv2.resize(gray, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
        kernel = max(3, min(small.shape) // 30) | 1
        paper = cv2.dilate(small, np.ones((kernel, kernel), np.uint8))
        paper = cv2.GaussianBlur(paper, (0, 0), sigmaX=kernel)
        paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(paper, 1), scale=255)


# A page has a shadow when its darkest 5% of paper is below this share of its usual paper:
# 0.64-0.72 on every faded copy of the foreign generator (seeds 1, 7, 23: a shadow along one
# edge), 0.83 or more on every other copy, card and scan.
_SHADOW_SHARE = 0.78


def shadowed(paper: np.ndarray) -> bool:
    """Whether a page's paper level (:func:`paper_level`) has a shadow in it."""
    sample = paper[::4, ::4]
    return float(np.percentile(sample, 5)) < _SHADOW_SHARE * float(np.median(sample))


# Paper is what lies within this many of its grain's spreads of the paper's level.
_GRAIN_SPREADS = 3.5


def denoise(gray: np.ndarray, paper: np.ndarray | None = None) -> np.ndarray:
    """3x3 median of a flattened photocopy (grain and specks go, strokes stay), then a contrast
    stretch: the 1st percentile to black, paper to white.

    What is paper is decided in the scan's own grey levels when ``paper`` (the level the page
    was flattened by, :func:`paper_level`) is given: the grain's spread is the same in light and
    in shadow there, while dividing by the paper makes it larger where the paper was darker (a
    shadow along one edge). A pixel less dark than the paper's level by 3.5 of its spreads
    is paper; the white point of each pixel follows its paper's brightness. Without ``paper``
    the 60th percentile and above are white (print covers far less of a page)."""
    smooth = cv2.medianBlur(gray, 3)
    low = float(np.percentile(smooth[::4, ::4], 1))
    if paper is None:
        high = float(np.percentile(smooth[::4, ::4], 60))
        if high - low < 16:
            return smooth
        ramp = (np.arange(256, dtype=np.float32) - low) * (255.0 / (high - low))
        return cv2.LUT(smooth, np.clip(ramp, 0, 255).astype(np.uint8))
    level = paper.astype(np.float32)
    # How much darker than its paper each pixel is, in the scan's grey levels (of the pixels
    # sampled only: nothing else needs it).
    sample = (1.0 - smooth[::4, ::4].astype(np.float32) / 255.0) * level[::4, ::4]
    centre = float(np.median(sample))
    spread = 1.4826 * float(np.median(np.abs(sample - centre)))
    white = 255.0 * (1.0 - (centre + _GRAIN_SPREADS * spread) / np.maximum(level, 1.0))
    # Nothing to stretch when the darkest print is no further below the white point than the
    # white point is from the paper (a blank page: grain and a few specks). A faded copy's
    # print can lie only 13-15 levels below it, ten spreads of the grain: with a fixed floor
    # of 16 levels such pages were left unstretched, their paper grey with its grain, and the
    # palest of them read worst (a personal number dropped, whole words misread). The gain
    # stays at most 255/16 whatever the page (the floor below).
    grain = 255.0 * _GRAIN_SPREADS * spread / max(float(np.median(level)), 1.0)
    if float(np.median(white)) - low < grain:
        return smooth
    out = (smooth.astype(np.float32) - low) * (255.0 / np.maximum(white - low, 16.0))
    return np.clip(out, 0, 255).astype(np.uint8)


def prepare(image: Image.Image, *, clean: bool = True, denoise_copies: bool = True,
            dpi: int = 200, photos_found: Sequence[Photo] = ()) -> Prepared:
    """Recognition copy of a page: grey, with only the cleanup the page needs.

    ``photos_found``: portraits found in the scan as it is, taken when the cleaned copy shows
    none (a card read alone: its cleanup takes the pale fill for paper and the portrait comes
    out too pale to be found, sohoa.ocr.cards).

    Nothing here depends on the page's orientation, so it may run before OSD (which then sees
    the cleaned copy). ``clean=False`` only converts to grey. ``dpi`` sizes the seals and
    signatures looked for (:mod:`sohoa.ocr.marks`).
    """
    array = to_array(image)
    measures = measure(array, dpi if clean else 0)
    steps: list[str] = []
    marks: list[FoundMark] = []
    alternatives: list[Callable[[], np.ndarray | None]] = []
    if array.ndim == 3:
        if clean and measures.colour_share >= _MIN_COLOUR_SHARE:
            hues = hue_masks(array)  # made once for both
            coloured = colour_marks(array, dpi, hues)
            gray = lift_coloured_ink(array, dpi, [m for m, _ in coloured if m.kind == "seal"])
            steps.append("lift_coloured_ink")
            if coloured:
                gray = lift_marks(array, gray, coloured, hues)
                marks += [mark for mark, _ in coloured]
                steps.append("lift_marks")
        else:
            gray = cv2.cvtColor(array, cv2.COLOR_RGB2GRAY)
    else:
        gray = array
    # Where grey seals and photos are looked for: the recognition copy, except on a page with
    # a shadow (below).
    search: np.ndarray | None = None
    # The copy before a photocopy's contrast stretch, which takes a pen's mid grey to black
    # with the print (the level copy below needs the inks' own levels), and that stretch.
    levels: np.ndarray | None = None
    stretch: Callable[[np.ndarray], np.ndarray] | None = None
    if clean and measures.speckle >= _SPECKLED:
        # A copy from a worn drum: its specks go first (the median below keeps those 3 px
        # across), then it is cleaned as any other copy.
        gray = remove_specks(gray, dpi, measures.paper, measures.ink)
        steps.append("remove_specks")
    if clean and not measures.clean:
        paper: np.ndarray | None = None
        if denoise_copies and measures.copy:
            paper = paper_level(gray)
            if not shadowed(paper):
                paper = None
        # A second cleanup (5x5 median) read on each unsure line, the more confident reading
        # kept, was tried for faded copies (issue 18): on the foreign generator's seed-1 faded
        # and heavy copies it replaced no line (CER 2.95% / 4.85% either way) and cost CPU on
        # every copy, so it is not done.
        if paper is not None:
            # A copy with a shadow is flattened by a level that follows the shadow, and its
            # grain there goes to white (denoise). A grey seal's rings are faint and thin and
            # some go with the grain, a card's portrait has light parts: both are looked for
            # in the copy made as on any other page, as their searches were measured on.
            search = denoise(flatten_background(gray))
            levels = flatten_background(gray, paper)
            gray = denoise(levels, paper)
            stretch = partial(denoise, paper=paper)
            steps += ["flatten_background", "denoise"]
        else:
            gray = flatten_background(gray)
            steps.append("flatten_background")
            if denoise_copies and measures.copy:
                levels, stretch = gray, denoise
                gray = denoise(gray)
                steps.append("denoise")
    if clean:
        seals = [m for m in marks if m.kind == "seal"]
        # No red seal: a seal scanned (or photocopied) in grey keeps only its shape. It is
        # recorded, and the long strokes around it (its rings, the pen beside it) are taken
        # out except on the rows of a line of print.
        grey = [] if seals else [seal for seal, _ in grey_seals(
            gray if search is None else search, dpi)]
        around = []
        for seal in grey:
            reach = round(seal.width * 0.8)
            around.append((seal.left - reach // 2, seal.top - reach // 4,
                           seal.right + reach, seal.bottom + reach // 2))
        # Pen strokes in ink that has no colour here (a grey scan, black ink) are taken out
        # by shape, the print they cross kept, and recorded as signatures. Around a grey
        # seal the pen is only recorded: there the seal's suppression already does as well
        # (seed 1's eleven grey letters with a seal: 27.8 CER points with the pen taken
        # apart, 28.1 without), and any other change of the signer's block moved Tesseract's
        # layout of the whole page (a faded copy lost its national motto line, 5.6 → 8.1%).
        before = gray
        gray, signatures = separate_strokes(gray, dpi, seals or grey, leave=around)
        if signatures:
            steps.append("separate_strokes")
        marks += signatures
        for seal, region in zip(grey, around, strict=True):
            marks.append(seal)
            gray = suppress_strokes(gray, region, dpi)
            if "suppress_strokes" not in steps:
                steps.append("suppress_strokes")
        if grey and gray is not before:
            # Around a grey seal the suppression can take the letters a pen crosses with it
            # (a bold name under a signature lost whole words), and taking the pen apart by
            # shape can take a tone mark: which copy reads a line of the signer's block
            # better is known only per line, by the recognizer's confidence.
            def pen_free(before: np.ndarray = before, grey: list[FoundMark] = grey,
                         around: list[tuple[int, int, int, int]] = around) -> np.ndarray:
                # Only around the seals (the signer's block), not the whole page.
                h, w = before.shape
                left, top = max(0, min(r[0] for r in around)), max(0, min(r[1] for r in around))
                right = min(w, max(r[2] for r in around))
                bottom = min(h, max(r[3] for r in around))
                out = before.copy()
                seals = [FoundMark(m.kind, m.left - left, m.top - top, m.width, m.height)
                         for m in grey]
                out[top:bottom, left:right] = separate_strokes(
                    np.ascontiguousarray(before[top:bottom, left:right]), dpi, seals)[0]
                return out

            alternatives.append(pen_free)

            # A third copy, by the inks' levels: on a grey scan the pen and the seal scan
            # lighter than toner, and where the pen crosses the name only their level tells
            # them apart (the two copies above take a tone mark or a capital's top with it).
            # The inks' levels are sampled in the signatures' boxes (pen and name, in about
            # equal parts), or over the whole block when none was found (a heavy blur joins
            # the pen to the name into one piece of no stroke's shape).
            samples = [m for m in signatures if any(
                m.left < c and a < m.right and m.top < d and b < m.bottom
                for a, b, c, d in around)] or [
                FoundMark("block", a, b, c - a, d - b) for a, b, c, d in around]

            alternatives.append(_lighter_free(before if levels is None else levels, samples,
                                              around, stretch, dpi))
        elif signatures and not seals:
            # No seal here (a grey one too faint to be found): the pen over the name is still
            # lighter than toner on a grey scan, and its level tells it from the letters the
            # shape left it joined to (tester16 p12: "Đặng Mỹ Ỷ Lan" read "Đặng MỹÝ(an,").
            # A copy for the name's rereads only, as above: the page's reading is unchanged.
            reach = round(dpi / 25.4 * 3)
            blocks = [(m.left - reach, m.top - reach, m.right + reach, m.bottom + reach)
                      for m in signatures]

            alternatives.append(_lighter_free(before if levels is None else levels, signatures,
                                              blocks, stretch, dpi))
    photos: list[Photo] = find_photos(gray if search is None else search, dpi) if clean else []
    photos = photos or (list(photos_found) if clean else [])
    if photos:
        # Tesseract's layout takes the lines beside a dark portrait into its picture region
        # and reads none of them (the card's number and name: sohoa.ocr.photos).
        gray = blank_photos(gray, photos, dpi)
        steps.append("blank_photos")
    return Prepared(gray=np.ascontiguousarray(gray), measures=measures, steps=tuple(steps),
                    marks=tuple(marks), photos=tuple(photos),
                    alternatives=_once(alternatives) if alternatives else None)


def _lighter_free(before: np.ndarray, samples: list[FoundMark],
                  regions: list[tuple[int, int, int, int]],
                  stretch: Callable[[np.ndarray], np.ndarray] | None, dpi: int
                  ) -> Callable[[], np.ndarray | None]:
    """A maker of the copy with the lighter of two inks lifted in each of ``regions`` (levels
    sampled in ``samples``), stretched as the page was; None when no region had two inks."""
    def make() -> np.ndarray | None:
        out: np.ndarray | None = None
        for region in regions:
            lifted = lift_lighter_ink(before if out is None else out, region, samples, dpi)
            out = lifted if lifted is not None else out
        return out if out is None or stretch is None else stretch(out)

    return make


def _once(makers: list[Callable[[], np.ndarray | None]]) -> Callable[[], list[np.ndarray]]:
    """The copies ``makers`` make (a maker may have none to make), made on the first call and
    kept."""
    made: list[np.ndarray] = []
    done = False

    def copies() -> list[np.ndarray]:
        nonlocal done
        if not done:
            made.extend(c for c in (make() for make in makers) if c is not None)
            done = True
        return made

    return copies
