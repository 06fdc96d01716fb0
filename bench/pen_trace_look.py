"""Look at a pen traced as a curve through the signer's name (issue 18, session 13): a lab tool.

    OMP_THREAD_LIMIT=1 nice .venv/bin/python bench/pen_trace_look.py 173 liberation medium 200 0 \
        --out /tmp/sg13/png

Reads the closing of one page of ``sohoa.synth.foreign`` (seed, typeface, wear, dpi, colour
0/1, as ``bench/foreign_ocr_bench.py`` draws it) with sohoa's engine, and for the name's
place's lowest lines of print (``engine._name_strips``) writes one PNG: the page's copy before
the strokes' suppression, that copy with the pen traced as a curve and taken out, and the
recognition copy (``level``: the long strokes painted paper around a grey seal), one above the
other, 3× enlarged; and prints each copy's reading of the line (PSM 7, cut 0 and 0.35 letter
heights below its top, 1× and 2×) with what the names' rules make of it.

How the pen is traced: straight pieces at least 1.3 letter heights long at slants short of
upright (a morphological opening, as ``engine._without_pen``) are seeds; from each, both ways,
a ray-casting follower keeps the direction whose ray stays longest in ink (the smallest turn
among the near-best, ±24° a step inside the letters' band, up to ±90° outside it, no jump over
a gap inside it), centred on the stroke where the ink across it is a pen's width. A traced
path is kept when it is thin (≤ a quarter of a letter's height) and leaves the band by half a
letter or runs four letters long. Taken out: along the path, the ink across it when it is a
pen's width; where it is wider and goes on both sides past the pen's width (a glyph's stroke
crossing), nothing; where it is wider on one side only (the pen along a letter's edge), the
pen's half-width each side.

Nothing of it is in the engine: on the tuning seeds' crops no copy so made read a name the
rules take where the page's copies did not (bench/RESULTS.md, "Session 13 (signer)").
"""

from __future__ import annotations

import argparse
import io
import itertools
import math
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

import sohoa.ocr.engine as engine
import sohoa.ocr.preprocess as preprocess
from sohoa.ocr import recognize_page
from sohoa.pipeline.stages import page_lexicon
from sohoa.synth.foreign import ForeignPage, foreign_page

Path_ = list[tuple[float, float, float, float]]


def closing(page: ForeignPage) -> Image.Image:
    """The page cut to its signer's block (as tests/ocr/test_signer_name_place.py cuts it)."""
    image = Image.open(io.BytesIO(page.jpeg))
    seal = next(m.box for m in page.marks if m.kind == "seal")
    pen = next(m.box for m in page.marks if m.kind == "signature")
    top = min(seal[1], pen[1])
    bottom = min(image.height, max(seal[3], pen[3]) + round(12 * page.dpi / 25.4))
    return image.crop((0, max(0, top - round(0.8 * (bottom - top))), image.width, bottom))


def dark(sub: np.ndarray) -> np.ndarray:
    darkest, paper = np.percentile(sub, [2, 90])
    return sub < (float(darkest) + float(paper)) / 2


def across(ink: np.ndarray, x: float, y: float, nx: float, ny: float, limit: int
           ) -> tuple[int, int]:
    """Ink run through (x, y) along (nx, ny): pixels behind and ahead."""
    h, w = ink.shape
    out = []
    for sgn in (-1, 1):
        n = 0
        while n < limit:
            px, py = round(x + sgn * (n + 1) * nx), round(y + sgn * (n + 1) * ny)
            if not (0 <= px < w and 0 <= py < h) or not ink[py, px]:
                break
            n += 1
        out.append(n)
    return out[0], out[1]


def ray(ink: np.ndarray, x: float, y: float, a: float, length: int) -> int:
    h, w = ink.shape
    ex, ey = math.cos(a), math.sin(a)
    for k in range(1, length + 1):
        px, py = round(x + k * ex), round(y + k * ey)
        if not (0 <= px < w and 0 <= py < h) or not ink[py, px]:
            return k - 1
    return length


def follow(ink: np.ndarray, x: float, y: float, dx: float, dy: float, usual: int,
           band: tuple[int, int]) -> tuple[Path_, float]:
    """The path followed from (x, y) going (dx, dy), and the pen's width met on it."""
    h, w = ink.shape
    step, length = max(2, usual // 6), max(8, usual // 2)
    path: Path_ = [(x, y, dx, dy)]
    widths: list[int] = []
    for _ in range(4000):
        a0 = math.atan2(dy, dx)
        inside = band[0] <= y <= band[1]
        rays = [(t, ray(ink, x, y, a0 + math.radians(t), length)) for t in range(-24, 25, 4)]
        best = max(r for _, r in rays)
        if best < step and not inside:
            rays = [(t, ray(ink, x, y, a0 + math.radians(t), length))
                    for t in range(-90, 91, 6)]
            best = max(r for _, r in rays)
        if best < step:
            if inside:
                break
            gx, gy = x + 2 * step * dx, y + 2 * step * dy
            if 0 <= round(gx) < w and 0 <= round(gy) < h and ink[round(gy), round(gx)]:
                x, y = gx, gy
                path.append((x, y, dx, dy))
                continue
            break
        turn = min((t for t, r in rays if r >= 0.8 * best), key=abs)
        a = a0 + math.radians(turn)
        ex, ey = math.cos(a), math.sin(a)
        px, py = x + step * ex, y + step * ey
        back, ahead = across(ink, px, py, -ey, ex, usual)
        run = back + ahead + 1
        if (widths and run <= 1.8 * float(np.median(widths))) or (
                not widths and run < 0.4 * usual):
            off = (ahead - back) / 2
            px, py = px - off * ey, py + off * ex
            widths.append(run)
        n = math.hypot(px - x, py - y) or 1.0
        k = 0.25 if inside else 0.5
        dx, dy = (1 - k) * dx + k * (px - x) / n, (1 - k) * dy + k * (py - y) / n
        n = math.hypot(dx, dy) or 1.0
        dx, dy = dx / n, dy / n
        x, y = px, py
        path.append((x, y, dx, dy))
        if not (band[0] - usual <= y <= band[1] + usual) or not 0 <= x < w:
            break
    return path, float(np.median(widths)) if widths else 0.0


def seeds(ink: np.ndarray, usual: int) -> list[tuple[float, float, float, float]]:
    """Straight pieces 1.3 letter heights long at slants short of upright: middle, direction."""
    length = max(7, round(1.3 * usual))
    out = []
    u8 = ink.astype(np.uint8)
    for slant in range(-60, 61, 15):
        kernel = np.zeros((length, length), np.uint8)
        c = (length - 1) / 2
        ex, ey = math.cos(math.radians(slant)), math.sin(math.radians(slant))
        cv2.line(kernel, (round(c - ex * c), round(c - ey * c)),
                 (round(c + ex * c), round(c + ey * c)), 1, 1)
        n, labels = cv2.connectedComponents(cv2.morphologyEx(u8, cv2.MORPH_OPEN, kernel))
        for k in range(1, n):
            ys, xs = np.nonzero(labels == k)
            i = int(np.argsort(xs * ex + ys * ey)[len(xs) // 2])
            out.append((float(xs[i]), float(ys[i]), ex, ey))
    return out


def pen_paths(ink: np.ndarray, band: tuple[int, int], usual: int) -> list[tuple[Path_, float]]:
    step = max(2, usual // 6)
    kept = []
    for x, y, ex, ey in seeds(ink, usual):
        a, wa = follow(ink, x, y, ex, ey, usual, band)
        b, wb = follow(ink, x, y, -ex, -ey, usual, band)
        points = a + b
        outside = step * sum(1 for _, py, *_ in points
                             if py < band[0] - 0.15 * usual or py > band[1] + 0.15 * usual)
        width = float(np.median([v for v in (wa, wb) if v])) if wa or wb else 0.0
        if width and width <= 0.25 * usual and (outside >= 0.5 * usual
                                                or len(points) * step >= 4 * usual):
            kept += [(a, width), (b, width)]
    return kept


def without_traced_pen(crop: np.ndarray, band: tuple[int, int], usual: int) -> np.ndarray:
    ink = dark(crop)
    out = crop.copy()
    paper = round(float(np.percentile(crop, 90)))
    h, w = ink.shape
    for path, width in pen_paths(ink, band, usual):
        limit = round(2 * width) + 2
        for (x0, y0, dx, dy), (x1, y1, _, _) in itertools.pairwise(path):
            steps = max(1, round(math.hypot(x1 - x0, y1 - y0)))
            for t in range(steps):
                x, y = x0 + (x1 - x0) * t / steps, y0 + (y1 - y0) * t / steps
                back, ahead = across(ink, x, y, -dy, dx, limit)
                if back + ahead + 1 > 1.5 * width + 1:
                    if min(back, ahead) > width:
                        continue  # a glyph's stroke crosses the pen here
                    half = round(width / 2)
                    back, ahead = min(back, half), min(ahead, half)
                for k in range(-back - 1, ahead + 2):
                    px, py = round(x - k * dy), round(y + k * dx)
                    if 0 <= px < w and 0 <= py < h:
                        out[py, px] = paper
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", type=int)
    parser.add_argument("family")
    parser.add_argument("wear")
    parser.add_argument("dpi", type=int)
    parser.add_argument("colour", type=int)
    parser.add_argument("--out", type=Path, default=Path("."))
    args = parser.parse_args()
    page = foreign_page(args.seed, family=args.family, dpi=args.dpi, colour=bool(args.colour),
                        wear=args.wear)
    print(page.name, page.signer)
    # The engine observed, not changed: the copy before the strokes' separation, the skew, the
    # name's place (when the page's reading left no name under the title).
    seen: dict[str, object] = {}
    separate, skew_of, name_place = (preprocess.separate_strokes, engine.estimate_skew,
                                     engine._read_name_place)

    def separate_seen(gray: np.ndarray, *a: object, **k: object) -> object:
        seen.setdefault("before", gray)
        return separate(gray, *a, **k)

    def skew_seen(gray: np.ndarray) -> float:
        seen.setdefault("skew", skew := skew_of(gray))
        return skew

    def place_seen(api: object, level: np.ndarray, area: tuple[int, int, int, int],
                   usual: int, *a: object, **k: object) -> object:
        seen.update(level=level, usual=usual, strips=engine._name_strips(level, area, usual))
        return name_place(api, level, area, usual, *a, **k)

    preprocess.separate_strokes = separate_seen  # type: ignore[assignment]
    engine.estimate_skew = skew_seen  # type: ignore[assignment]
    engine._read_name_place = place_seen  # type: ignore[assignment]
    ocr = recognize_page(closing(page), page_sha256="x", dpi=page.dpi, lexicon=page_lexicon())
    print("page read:", " | ".join(ocr.text.splitlines()[-2:]))
    if "strips" not in seen or "before" not in seen:
        print("the name's place was not read again (a name was read, or no grey seal)")
        return
    level = seen["level"]
    usual = int(seen["usual"])  # type: ignore[call-overload]
    before = np.ascontiguousarray(engine.deskew(seen["before"], seen["skew"]))
    api = engine._ENGINES.text
    titles = engine.load_titles()
    args.out.mkdir(parents=True, exist_ok=True)
    for n, (left, top, right, bottom) in enumerate(seen["strips"][:2]):  # type: ignore[index]
        # The crop looked in: the strip and two letters round it (the pen outside the band).
        x0, y0 = max(0, left - 2 * usual), max(0, top - 2 * usual)
        x1, y1 = min(before.shape[1], right + 2 * usual), min(before.shape[0], bottom + 2 * usual)
        traced = before.copy()
        traced[y0:y1, x0:x1] = without_traced_pen(before[y0:y1, x0:x1],
                                                  (top - y0, bottom - y0), usual)
        copies = {"before": before, "traced": traced, "level": level}
        stack = np.vstack([c[top:bottom, left:right] for c in copies.values()])
        name = args.out / f"trace-{page.name}-{n}.png"
        Image.fromarray(stack).resize((stack.shape[1] * 3, stack.shape[0] * 3)).save(name)
        print(name)
        for label, copy in copies.items():
            for cut in (0.0, 0.35):
                for scale in (1, 2):
                    band = (left, top + round(cut * usual), right, bottom)
                    words = engine._unhyphenated(engine._read_strip(api, copy, band, page.dpi,
                                                                    20000, scale))
                    tokens = [b.text for b in words]
                    rules = engine.name_reading(tokens, titles, [b.confidence for b in words])
                    print(f"  {label:6s} cut {cut:.2f} ×{scale}: {' '.join(tokens)!r} "
                          f"conf {[round(b.confidence) for b in words]} → {rules}")


if __name__ == "__main__":
    sys.exit(main())
