"""What is not typed on a page: the red round seal, a blue signature, QR and Code 128 symbols."""

from __future__ import annotations

import math
import random

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw

from sohoa.synth.fonts import font
from sohoa.synth.sheet import Sheet
from sohoa.vntext import nfc

SEAL_RED = (205, 32, 42)
SIGNATURE_BLUE = (24, 46, 160)


def stamp_ink(sheet: Sheet, mask: Image.Image, left: int, top: int,
              color: tuple[int, int, int]) -> None:
    """Lay ``mask`` (L, 255 = full ink) on the sheet as translucent ink: multiplied, so the
    typed text under a seal or signature stays visible as it does on paper."""
    box = (left, top, left + mask.width, top + mask.height)
    region = np.asarray(sheet.image.crop(box), dtype=np.float32)
    alpha = np.asarray(mask, dtype=np.float32)[..., None] / 255.0
    tint = np.array(color, dtype=np.float32) / 255.0
    blended = region * (1.0 - alpha + alpha * tint)
    sheet.image.paste(Image.fromarray(blended.astype(np.uint8), "RGB"), box[:2])


def seal_mask(sheet: Sheet, text: str, center_text: str, rng: random.Random) -> Image.Image:
    """A round seal (36-42 mm): double ring, the unit's name around the rim, a star and
    the unit's short name in the middle."""
    diameter = sheet.mm(rng.uniform(36, 40))
    size = diameter + 8
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c = size / 2
    r = diameter / 2
    ring = max(3, sheet.mm(0.7))
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=ring)
    inner = r - sheet.mm(7.5)
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255,
                 width=max(2, ring // 2))
    # The rim text goes clockwise from the lower left round the top to the lower right.
    text = nfc(text.upper())
    # Long unit names get smaller letters so the rim text never closes on itself.
    glyph_font = font("sansbold", sheet.pt(min(7.5, 7.5 * 34 / max(len(text), 1))))
    radius = (r + inner) / 2
    span = 300.0
    step = span / max(len(text), 1)
    for i, ch in enumerate(text):
        if ch == " ":
            continue
        angle = -150.0 + step * (i + 0.5)  # 0° is straight up
        glyph = Image.new("L", (glyph_font.size * 2, glyph_font.size * 2), 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=glyph_font,
                                   fill=255, anchor="mm")
        glyph = glyph.rotate(-angle, resample=Image.BILINEAR)
        rad = math.radians(angle)
        gx = c + radius * math.sin(rad) - glyph.width / 2
        gy = c - radius * math.cos(rad) - glyph.height / 2
        mask.paste(255, (round(gx), round(gy)), glyph)
    star = sheet.mm(3.2)
    points = []
    for k in range(10):
        rr = star if k % 2 == 0 else star * 0.42
        a = math.radians(k * 36)
        points.append((c + rr * math.sin(a), c - sheet.mm(5) - rr * math.cos(a)))
    draw.polygon(points, fill=255)
    centre_font = font("sansbold", sheet.pt(6.5))
    for j, part in enumerate(nfc(center_text.upper()).split("\n")):
        draw.text((c, c + sheet.mm(1.5) + j * sheet.pt(8)), part, font=centre_font, fill=255,
                  anchor="mm")
    # Real stamps never ink evenly: thin the ink at random and leave a paler side.
    arr = np.asarray(mask, dtype=np.float32)
    noise = np.random.default_rng(rng.getrandbits(32)).uniform(0.55, 1.0, arr.shape)
    yy, xx = np.mgrid[0:size, 0:size]
    side = 0.75 + 0.25 * np.cos(np.arctan2(yy - c, xx - c) - rng.uniform(0, 2 * math.pi))
    arr = arr * noise * side * rng.uniform(0.75, 0.92)
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8), "L")


def signature_mask(sheet: Sheet, rng: random.Random, width_mm: float = 42,
                   height_mm: float = 16) -> Image.Image:
    """A quick pen stroke: a tall opening letter, a run of loops of uneven size slanting up,
    and the underline flourish most Vietnamese officials end with. Each signer differs."""
    w, h = sheet.mm(width_mm), sheet.mm(height_mm)
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    pen = max(2, sheet.mm(0.45))
    # Opening capital: up-stroke and down-stroke.
    x0 = w * rng.uniform(0.05, 0.12)
    cap = [(x0, h * 0.7), (x0 + w * 0.05, h * rng.uniform(0.05, 0.2)),
           (x0 + w * 0.08, h * 0.65), (x0 + w * 0.12, h * 0.45)]
    draw.line(cap, fill=255, width=pen, joint="curve")
    loops = rng.randint(3, 6)
    steps = 180
    # A smooth random envelope makes some loops tall and others small.
    knots = [rng.uniform(0.45, 1.0) for _ in range(loops + 2)]
    slant = rng.uniform(0.15, 0.35)
    width = rng.uniform(0.55, 0.75)
    phase = rng.uniform(0, math.pi)
    points = []
    for i in range(steps):
        t = i / (steps - 1)
        k = t * (loops + 1)
        j = int(k)
        envelope = knots[j] + (knots[min(j + 1, loops + 1)] - knots[j]) * (k - j)
        angle = 2 * math.pi * loops * t + phase
        x = w * (0.2 + width * t) + w * 0.045 * math.cos(angle) * envelope
        y = h * (0.55 - slant * t) - h * 0.3 * envelope * math.sin(angle)
        points.append((x, y))
    draw.line(points, fill=255, width=pen, joint="curve")
    y0 = h * rng.uniform(0.62, 0.8)
    end = rng.uniform(0.85, 0.97)
    draw.line([(w * rng.uniform(0.08, 0.3), y0 + h * 0.12), (w * 0.55, y0),
               (w * end, y0 - h * rng.uniform(0.05, 0.25))], fill=255, width=pen,
              joint="curve")
    return mask


def barcode_image(content: str, symbology: str, module_px: int,
                  height_px: int | None = None) -> Image.Image:
    """A QR code or Code 128 symbol with quiet zones, scaled by whole modules (no blur)."""
    fmt = {"qr": zxingcpp.BarcodeFormat.QRCode,
           "code128": zxingcpp.BarcodeFormat.Code128}[symbology]
    symbol = zxingcpp.create_barcode(content, fmt)
    modules = np.asarray(symbol.to_image(scale=1, add_quiet_zones=True))
    if symbology == "code128":
        row = np.ascontiguousarray(modules[modules.shape[0] // 2 : modules.shape[0] // 2 + 1])
        image = Image.fromarray(row, "L")
        return image.resize((image.width * module_px, height_px or module_px * 40),
                            Image.NEAREST)
    image = Image.fromarray(modules, "L")
    return image.resize((image.width * module_px, image.height * module_px), Image.NEAREST)
