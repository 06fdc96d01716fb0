"""A page's reading without the archive: what ``sohoa ocr``'s workers run, and the pieces the
ingest's analysis shares with it. Kept apart from :mod:`sohoa.pipeline.stages` so that
``sohoa ocr`` does not import the catalog, the signer and the sync (≈0.6 CPU s a run)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sohoa.pipeline.analysis import AnalyzeOptions
from sohoa.records import OcrPage, Page

if TYPE_CHECKING:
    from sohoa.ocr.correct import Lexicon


def recognize_only(page: Page, options: AnalyzeOptions, image: Any = None) -> OcrPage:
    """Recognition of one page for ``sohoa ocr``: no barcodes, no blank test. ``image``: the
    page's image already decoded (``open_image(page.data)``), not decoded again."""
    from sohoa.ocr import OcrSettings, open_image, recognize_page
    from sohoa.ocr.leaders import erase_dot_leaders
    from sohoa.scanners.pdfborn import PDF_MIME

    if page.mime == PDF_MIME:
        return born_digital_reading(page)
    exact = drawn_reading(page)
    if exact is not None:
        return exact
    settings = OcrSettings(lang=options.lang, timeout_s=options.timeout_s)
    decoded = image if image is not None else open_image(page.data)
    return recognize_page(erase_dot_leaders(decoded, page.dpi),
                          page_sha256=page.sha256, dpi=page.dpi, settings=settings,
                          lexicon=page_lexicon())


def born_digital_reading(page: Page) -> OcrPage:
    """A born-digital page's words as its PDF gives them (``pdftotext``), confidence 1.0:
    nothing is recognized, so nothing is guessed."""
    from sohoa.scanners.pdfborn import page_words  # pikepdf: imported by the first such page

    got = page_words(page.data, page.dpi)
    return OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0,
                   width=got.width or page.width, height=got.height or page.height,
                   dpi=page.dpi, words=got.words, text=got.text, confidence=1.0)


def drawn_reading(page: Page) -> OcrPage | None:
    """A born-digital page that had to be drawn (``Page.text_pdf``): its words as its PDF gives
    them, in the drawn image's pixels (drawn at ``page.dpi`` from the same visible box), so its
    text layer and its fields are the producer's exact text; None when the PDF's text is not
    real after all (the page is then recognized like a scan)."""
    if not page.text_pdf:
        return None
    from sohoa.scanners.pdfborn import page_words, real_text

    got = page_words(page.text_pdf, page.dpi)
    if not real_text(got.text):
        return None
    return OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0, width=page.width,
                   height=page.height, dpi=page.dpi, words=got.words, text=got.text,
                   confidence=1.0)


def page_lexicon() -> Lexicon:
    """The word-correction lexicon of the packaged document-type registry (built once per
    process: load_lexicon caches it per registry)."""
    from sohoa.doctypes import load_registry
    from sohoa.ocr.correct import load_lexicon

    return load_lexicon(load_registry())
