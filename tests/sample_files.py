"""Small real files for archive tests: a PNG page image and a one-page PDF, deterministic."""

from __future__ import annotations

import io

import pikepdf
from PIL import Image, ImageDraw


def page_image(seed: str) -> bytes:
    img = Image.new("L", (160, 220), 255)
    ImageDraw.Draw(img).text((8, 8), seed[:20], fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def pdf_bytes(title: str) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = title
    buf = io.BytesIO()
    # Deterministic bytes: no random /ID, fixed dates, so the same title gives the same PDF.
    pdf.save(buf, deterministic_id=True)
    return buf.getvalue()
