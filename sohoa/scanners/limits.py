"""Limits that keep one bad input from exhausting the desk PC."""

from __future__ import annotations

from dataclasses import dataclass

from sohoa.scanners import reasons


@dataclass(frozen=True)
class InputLimits:
    max_file_bytes: int = 2 * 1024**3
    # Decompression-bomb guard: A4 at 600 dpi is ~35 Mpx, so 120 Mpx leaves room for A3 at 600 dpi.
    max_pixels_per_page: int = 120_000_000
    max_pages_per_file: int = 5000
    pdf_render_dpi: int = 300  # for PDF pages that are not a single scanned image

    def pixels_problem(self, page_number: int, width: int, height: int) -> str | None:
        """The quarantine reason when a page declares more pixels than allowed, else None."""
        if width * height <= self.max_pixels_per_page:
            return None
        return reasons.bomb(page_number, width, height, self.max_pixels_per_page)
