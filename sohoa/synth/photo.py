"""A page photographed with a phone on a desk, with the truth of where the page is.

The page (a generated document) is warped onto a textured wooden desk by a random perspective
(the phone held above and a little to the side), lit unevenly (brighter where the lamp is,
darker towards the far corners), with the soft shadow of the phone and hand across part of it,
a little defocus and sensor noise, and saved as a phone saves it: JPEG at 72 "dpi" with no scan
resolution. Deterministic from the seed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

PHONE_SIZE = (3024, 4032)  # a 12-Mpx phone camera, portrait


@dataclass(frozen=True)
class PagePhoto:
    jpeg: bytes
    corners: np.ndarray  # 4×2 float: the page's top-left, top-right, bottom-right, bottom-left


def _desk(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """Wood grain: streaks along one direction, in brown, with knots of darker tone."""
    small_w, small_h = width // 4, height // 4
    grain = rng.standard_normal((small_h, max(8, small_w // 40))).astype(np.float32)
    grain = cv2.resize(grain, (small_w, small_h), interpolation=cv2.INTER_CUBIC)
    fine = rng.standard_normal((small_h, small_w)).astype(np.float32)
    fine = cv2.GaussianBlur(fine, (0, 0), 1.2)
    tone = 0.55 + 0.08 * grain + 0.03 * fine
    tone = cv2.resize(tone, (width, height), interpolation=cv2.INTER_LINEAR)
    base = np.array(rng.uniform([120, 80, 45], [165, 115, 70]), dtype=np.float32)
    return np.clip(tone[..., None] * base[None, None, :] * 1.6, 0, 255)


def _light(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """Uneven light: a lamp somewhere, falling off to 70 % at the far side, and a soft shadow
    (the phone and the hand) covering a band of the frame at 60-75 % of the light."""
    yy, xx = np.mgrid[0:height:8, 0:width:8].astype(np.float32)
    cx, cy = rng.uniform(0.1, 0.9) * width, rng.uniform(0.0, 0.4) * height
    dist = np.hypot(xx - cx, yy - cy) / np.hypot(width, height)
    field = 1.0 - 0.45 * dist
    # the shadow: a half-plane with a blurred edge, at a random angle
    angle = rng.uniform(0, 2 * np.pi)
    nx, ny = np.cos(angle), np.sin(angle)
    offset = rng.uniform(0.25, 0.45) * (abs(nx) * width + abs(ny) * height)
    side = (xx - width / 2) * nx + (yy - height / 2) * ny - offset + (
        abs(nx) * width + abs(ny) * height) / 2
    depth = rng.uniform(0.25, 0.4)
    edge = max(width, height) * 0.03
    shadow = 1.0 - depth / (1.0 + np.exp(-side / edge))
    field = (field * shadow).astype(np.float32)
    return cv2.resize(field, (width, height), interpolation=cv2.INTER_LINEAR)


def page_corners(rng: np.random.Generator, width: int, height: int,
                 aspect: float) -> np.ndarray:
    """Where the page lands: most of the frame, turned a little, in perspective (the near
    edge wider than the far one)."""
    page_h = rng.uniform(0.72, 0.82) * height
    page_w = page_h / aspect
    page_w = min(page_w, 0.86 * width)
    page_h = page_w * aspect
    cx = width / 2 + rng.uniform(-0.05, 0.05) * width
    cy = height / 2 + rng.uniform(-0.04, 0.04) * height
    tilt = rng.uniform(0.04, 0.10)  # the far edge this much narrower
    near = rng.choice([-1.0, 1.0])
    top_w = page_w * (1 - tilt if near > 0 else 1)
    bottom_w = page_w * (1 if near > 0 else 1 - tilt)
    pts = np.array([[-top_w / 2, -page_h / 2], [top_w / 2, -page_h / 2],
                    [bottom_w / 2, page_h / 2], [-bottom_w / 2, page_h / 2]],
                   dtype=np.float64)
    pts[:, 0] += rng.uniform(-0.03, 0.03, 4) * page_w  # a hand is never square
    pts[:, 1] += rng.uniform(-0.02, 0.02, 4) * page_h
    turn = np.deg2rad(rng.uniform(-7, 7))
    rot = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    return (pts @ rot.T + [cx, cy]).astype(np.float32)


def photograph(page: Image.Image, seed: int, *, size: tuple[int, int] = PHONE_SIZE,
               quality: int = 88) -> PagePhoto:
    """``page`` (an upright scan-like image) photographed on a desk."""
    rng = np.random.default_rng([seed, 19])
    width, height = size
    rgb = np.asarray(page.convert("RGB"), dtype=np.float32)
    # paper under a lamp is warmer than the generated white
    rgb = rgb * np.array([1.0, 0.985, 0.95], dtype=np.float32)
    corners = page_corners(rng, width, height, page.height / page.width)
    src = np.array([[0, 0], [page.width, 0], [page.width, page.height], [0, page.height]],
                   dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners)
    scene = _desk(rng, width, height)
    warped = cv2.warpPerspective(rgb, matrix, (width, height), flags=cv2.INTER_AREA,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    mask = cv2.warpPerspective(np.ones(rgb.shape[:2], np.float32), matrix, (width, height),
                               flags=cv2.INTER_LINEAR)
    # the sheet's own faint shadow on the desk along its edges
    halo = cv2.GaussianBlur(mask, (0, 0), width * 0.006)
    scene = scene * (1 - 0.35 * np.clip(halo - mask, 0, 1))[..., None]
    scene = scene * (1 - mask[..., None]) + warped * mask[..., None]
    scene = scene * _light(rng, width, height)[..., None]
    scene = cv2.GaussianBlur(scene, (0, 0), rng.uniform(0.6, 1.0))  # focus and the lens
    scene = scene + rng.normal(0, 3.0, scene.shape[:2]).astype(np.float32)[..., None]
    out = Image.fromarray(np.clip(scene, 0, 255).astype(np.uint8), "RGB")
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=quality, dpi=(72, 72))
    return PagePhoto(buf.getvalue(), corners)
