"""Scanner and photocopier damage by severity, deterministic from a numpy Generator."""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

SEVERITIES = ("clean", "light", "medium", "heavy")


@dataclass(frozen=True)
class Profile:
    skew_deg: float  # the largest skew drawn, either way
    grain: float  # paper and toner grain, grey levels; the scanner optics blur it
    noise: float  # Gaussian sensor noise after the optics, grey levels
    blur: float  # Gaussian sigma in pixels at 200 dpi
    light: float  # depth of uneven illumination, 0..1
    speckles: int  # dark dust specks per page
    jpeg_quality: int  # quality the page is stored with
    grey: bool  # a photocopy: greyscale, faded, on grey paper


PROFILES: dict[str, Profile] = {
    "clean": Profile(0.0, 0.0, 1.5, 0.0, 0.0, 0, 92, False),
    "light": Profile(1.0, 4.0, 2.5, 0.0, 0.05, 20, 85, False),
    "medium": Profile(2.5, 8.0, 3.5, 0.8, 0.16, 160, 70, False),
    "heavy": Profile(2.0, 16.0, 2.0, 1.4, 0.0, 600, 60, True),
}


def profile(severity: str) -> Profile:
    try:
        return PROFILES[severity]
    except KeyError:
        raise ValueError(
            f"unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}") from None


def degrade(image: Image.Image, severity: str, rng: np.random.Generator,
            dpi: int = 200) -> Image.Image:
    """The page as a scanner (or a photocopier, then a scanner) would give it back.

    Colour severities stay RGB so the red seal and blue signature keep their colours; "heavy"
    comes out greyscale because it imitates a photocopy.
    """
    prof = profile(severity)
    arr = np.asarray(image, dtype=np.float32)
    scale = dpi / 200.0
    h, w = arr.shape[:2]
    if prof.grey:
        arr = _photocopy(arr, rng)
    if prof.grain:
        arr = arr + _noise(arr.shape, prof.grain, rng)
    if prof.skew_deg:
        angle = float(rng.uniform(-prof.skew_deg, prof.skew_deg))
        paper = float(np.median(arr[:8, :8]))
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        border = (paper,) * 3 if arr.ndim == 3 else paper
        arr = cv2.warpAffine(arr, matrix, (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=border)
    if prof.blur:
        arr = cv2.GaussianBlur(arr, (0, 0), prof.blur * scale)
    if prof.light:
        field = _illumination(h, w, prof.light, rng)
        arr = arr * (field[..., None] if arr.ndim == 3 else field)
    if prof.speckles:
        _speckle(arr, prof.speckles, rng, scale)
    arr = arr + _noise(arr.shape, prof.noise, rng)
    out = np.clip(arr, 0, 255).astype(np.uint8)
    return Image.fromarray(out, "L" if out.ndim == 2 else "RGB")


def _photocopy(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Faded toner on grey recycled paper with a shadow along the spine: low contrast, but a
    person still reads it."""
    grey = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    h, w = grey.shape
    paper = float(rng.uniform(182, 198))
    toner = float(rng.uniform(108, 124))
    # Coloured inks copy lighter than black toner: red seals become pale grey.
    faded = toner + (grey / 255.0) * (paper - toner)
    # Toner drop-outs: the copier skips spots inside strokes.
    small = rng.uniform(0, 1, (h // 8 + 1, w // 8 + 1)).astype(np.float32)
    dropout = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    faded = faded + (dropout > 0.86) * (paper - faded) * 0.35
    # The shadow of a book spine or a lifted lid along one long edge.
    side = int(rng.integers(0, 2))
    x = np.linspace(0, 1, w, dtype=np.float32)
    edge = x if side else 1 - x
    # Deep enough that one global threshold cannot serve the whole page, as with real copies.
    depth = float(rng.uniform(0.38, 0.48))
    shadow = 1.0 - depth * np.exp(-edge / 0.3)
    # and a gentle top-to-bottom gradient
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    gradient = 1.0 - float(rng.uniform(0.03, 0.08)) * y
    return faded * shadow[None, :] * gradient


def _illumination(h: int, w: int, depth: float, rng: np.random.Generator) -> np.ndarray:
    """A smooth light field: a bright spot somewhere and darker corners."""
    small = 24
    yy, xx = np.mgrid[0:small, 0:small].astype(np.float32) / (small - 1)
    cx, cy = rng.uniform(0.2, 0.8, 2)
    field = 1.0 - depth * ((xx - cx) ** 2 + (yy - cy) ** 2) / 0.7
    field = cv2.resize(field.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    return field


def _speckle(arr: np.ndarray, count: int, rng: np.random.Generator, scale: float) -> None:
    h, w = arr.shape[:2]
    ys = rng.integers(0, h, count)
    xs = rng.integers(0, w, count)
    sizes = rng.integers(1, max(2, round(3 * scale)), count)
    levels = rng.uniform(40, 140, count)
    for y, x, s, v in zip(ys, xs, sizes, levels, strict=True):
        arr[y:y + s, x:x + s] = np.minimum(arr[y:y + s, x:x + s], v)


def _noise(shape: tuple[int, ...], sigma: float, rng: np.random.Generator) -> np.ndarray:
    # Sensor noise is mostly luminance: one plane, shared by the colour channels. float32
    # draws keep this the cheap step it should be on a 4-megapixel page.
    plane = rng.standard_normal(shape[:2], dtype=np.float32)
    plane *= np.float32(sigma)
    return plane if len(shape) == 2 else plane[..., None]


def blank_back(front: Image.Image, severity: str, rng: np.random.Generator,
               dpi: int = 200) -> Image.Image:
    """The empty back of a printed sheet: paper tone, the front showing through mirrored at
    very low contrast, and scanner dust. No text."""
    prof = profile(severity)
    grey = np.asarray(front.convert("L"), dtype=np.float32)
    mirrored = grey[:, ::-1]
    blurred = cv2.GaussianBlur(mirrored, (0, 0), 2.5 * dpi / 200.0)
    paper = float(rng.uniform(188, 204)) if prof.grey else float(rng.uniform(246, 252))
    # Show-through keeps a few percent of the ink's darkness.
    strength = float(rng.uniform(0.03, 0.06))
    ink = (np.median(grey[::8, ::8]) - blurred).clip(0, None)
    back = paper - ink * strength
    _speckle(back, 30 + prof.speckles // 4, rng, dpi / 200.0)
    back = back + _noise(back.shape, max(prof.noise, 1.5), rng)
    out = np.clip(back, 0, 255).astype(np.uint8)
    if front.mode == "RGB":
        return Image.fromarray(np.repeat(out[..., None], 3, axis=2), "RGB")
    return Image.fromarray(out, "L")


def encode_jpeg(image: Image.Image, severity: str, dpi: int) -> bytes:
    """The page as the scanner stores it: baseline JPEG at the severity's quality, JFIF density
    set to the scan resolution. Deterministic (no timestamps, no optimisation passes)."""
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=profile(severity).jpeg_quality, dpi=(dpi, dpi),
               subsampling=2 if image.mode == "RGB" else 0)
    return buf.getvalue()
