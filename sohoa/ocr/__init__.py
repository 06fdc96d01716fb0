"""Recognition and the searchable archival PDF.

This package's own entry points (the recognition engine and the PDF/A writer) are re-exported
here; classification and field extraction live in their own modules and are imported from there.
The re-exported names are imported from their modules when first asked for (PEP 562): the
light modules (classification, fields, dates) are used without loading OpenCV, Tesseract or
pikepdf (issue 19: a re-run ingest that recognizes nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sohoa.ocr.engine import OcrSettings, open_image, recognize_page, upright_image
    from sohoa.ocr.pdfa import PdfPage, build_pdf

__all__ = [
    "OcrSettings",
    "PdfPage",
    "build_pdf",
    "open_image",
    "recognize_page",
    "upright_image",
]


def __getattr__(name: str) -> object:
    if name in ("OcrSettings", "open_image", "recognize_page", "upright_image"):
        from sohoa.ocr import engine as module
    elif name in ("PdfPage", "build_pdf"):
        from sohoa.ocr import pdfa as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value  # once found, an ordinary attribute
    return value
