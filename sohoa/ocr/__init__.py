"""Recognition and the searchable archival PDF.

This package's own entry points (the recognition engine and the PDF/A writer) are re-exported
here; classification and field extraction live in their own modules and are imported from there.
"""

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
