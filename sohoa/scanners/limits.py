"""Limits that keep one bad input from exhausting the desk PC.

The ceilings, as a desk clerk's PC sees them (2 cores, a few GB):

- a file: at most ``max_file_bytes`` and ``max_pages_per_file`` pages, read (decoded or
  rendered, page by page) within ``file_seconds``; past that the whole file is refused;
- a page: at most ``max_pixels_per_page`` pixels as declared (checked before decoding), and at
  least ``min_page_pixels`` on its shorter side (a 16×16 "page" is a mis-scan, not content);
- a rendered PDF page: at most ``max_render_pixels`` (a 36-inch page is drawn at a lower dpi,
  not at 300 dpi into 117 Mpx) and ``render_seconds``;
- a page's analysis (barcode, blank test, recognition) works on at most
  ``max_analysis_pixels``: a larger page is looked at reduced, while the stored image keeps
  every pixel. With one page at a time per worker, this bounds what one input can take.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sohoa.records import Page, Quarantined
from sohoa.scanners import reasons


@dataclass(frozen=True)
class InputLimits:
    max_file_bytes: int = 2 * 1024**3
    # Decompression-bomb guard: A4 at 600 dpi is ~35 Mpx, so 120 Mpx leaves room for A3 at 600 dpi.
    max_pixels_per_page: int = 120_000_000
    max_pages_per_file: int = 5000
    pdf_render_dpi: int = 300  # for PDF pages that are not a single scanned image
    # A0 drawings (84×119 cm) still render at 150 dpi; A4 at 300 dpi is 8.7 Mpx.
    max_render_pixels: int = 36_000_000
    render_seconds: float = 30.0
    file_seconds: float = 45.0
    # A business card at 100 dpi is 350×200 px; nothing smaller is a page anyone scanned.
    min_page_pixels: int = 100
    # A3 at 300 dpi is 17.4 Mpx; a larger page is looked at (and read) reduced, by a whole
    # factor, and its word boxes scaled back to the stored image.
    max_analysis_pixels: int = 20_000_000

    def pixels_problem(self, page_number: int, width: int, height: int) -> str | None:
        """The quarantine reason when a page declares more pixels than allowed, else None."""
        if width * height <= self.max_pixels_per_page:
            return None
        return reasons.bomb(page_number, width, height, self.max_pixels_per_page)

    def page_problem(self, page: Page) -> Quarantined | None:
        """A page that cannot be a scan by its size alone, as its quarantine record."""
        if min(page.width, page.height) < self.min_page_pixels:
            return Quarantined(page.source, reasons.too_small(page.index + 1, page.width,
                                                              page.height),
                               page.source_sha256, page.index)
        problem = self.pixels_problem(page.index + 1, page.width, page.height)
        if problem and (page.born_digital or page.drawn) and page.dpi > 0:
            # a program drew it: the paper is too large, not a bomb nor a wrong scanner setting
            problem = reasons.page_too_large(page.index + 1, page.width / page.dpi,
                                             page.height / page.dpi, self.max_pixels_per_page)
        if problem:
            return Quarantined(page.source, problem, page.source_sha256, page.index)
        return None

    def render_dpi(self, width_pt: float, height_pt: float) -> int:
        """The dpi to render a PDF page of this size at: ``pdf_render_dpi``, lowered so that
        the page stays within ``max_render_pixels`` (never below 30 dpi)."""
        area_in2 = abs(width_pt * height_pt) / (72.0 * 72.0)
        if area_in2 <= 0:
            return self.pdf_render_dpi
        fits = math.floor(math.sqrt(self.max_render_pixels / area_in2))
        return max(30, min(self.pdf_render_dpi, fits))
