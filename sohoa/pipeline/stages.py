"""Stage functions: pure where they can be, each keyed by the SHA-256 of its input.

``analyze_page`` runs in worker processes (one Tesseract engine per worker, kept between pages);
everything after it runs in the parent, which owns the catalog, the signer and the order of pages.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Any

from sohoa.records import OcrPage, Page

# Bump when the analysis changes in a way that makes cached results stale.
PAGE_STAGE = "page-analysis/7"


@dataclass(frozen=True)
class PageAnalysis:
    """Everything learned from one page image on its own, before dossiers and documents."""

    page_sha256: str
    blank: bool
    code: str | None  # dossier code read from a QR / Code 128 symbol
    ocr: OcrPage

    def to_json(self) -> dict[str, Any]:
        from sohoa.pipeline.codec import ocr_to_json

        return {"page_sha256": self.page_sha256, "blank": self.blank, "code": self.code,
                "ocr": ocr_to_json(self.ocr)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageAnalysis:
        from sohoa.pipeline.codec import ocr_from_json

        return cls(page_sha256=data["page_sha256"], blank=data["blank"], code=data["code"],
                   ocr=ocr_from_json(data["ocr"]))


@dataclass(frozen=True)
class AnalyzeOptions:
    lang: str
    timeout_s: float
    code_pattern: str


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int | None) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies, however it dies.

    A worker of an ingest that was killed with ``kill -9`` (or by the OOM killer, or a closed
    terminal) would otherwise live on as an orphan, holding a Tesseract engine (about 250 MB)
    forever. The parent may already have died before the request was made: then the process
    has been re-parented and ``getppid`` no longer names it, and the worker ends at once.
    """
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the pool's own pipes still end idle workers when the parent goes
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)


def worker_init(log_path: str | None = None, parent_pid: int | None = None) -> None:
    """Tesseract must not spawn OpenMP threads: parallelism is one page per worker process.

    Leptonica and Tesseract print diagnostics straight to file descriptor 2 ("Error in
    pixScanForForeground: invalid box" on noisy photocopies) that mean nothing to a desk clerk
    and break the progress bar; with ``log_path`` a worker's stderr goes to that file instead.
    Failures still reach the parent as exceptions, with their reason. ``parent_pid``: the
    process that made the pool; the worker dies with it (:func:`die_with_parent`).
    """
    die_with_parent(parent_pid)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if log_path:
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 2)
        os.close(log)


def _blank_page(page: Page, width: int, height: int) -> OcrPage:
    return OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0, width=width, height=height,
                   dpi=page.dpi, words=(), text="", confidence=0.0, blank=True)


def analyze_page(page: Page, options: AnalyzeOptions) -> PageAnalysis:
    """Barcode, blank test and recognition of one page. Never raises for page content."""
    from sohoa.ocr import OcrSettings, open_image, recognize_page
    from sohoa.scanners.barcodes import DEFAULT_CODE_PATTERN, read_dossier_code
    from sohoa.scanners.blank import is_blank

    image = open_image(page.data)
    code = read_dossier_code(image, options.code_pattern or DEFAULT_CODE_PATTERN)
    if code is None and is_blank(image, page.dpi):
        return PageAnalysis(page.sha256, True, None, _blank_page(page, image.width, image.height))
    settings = OcrSettings(lang=options.lang, timeout_s=options.timeout_s)
    ocr = recognize_page(image, page_sha256=page.sha256, dpi=page.dpi, settings=settings)
    return PageAnalysis(page.sha256, False, code, ocr)


def document_key(pages: list[Page]) -> str:
    """The same pages in the same order always make the same document."""
    return hashlib.sha256("\n".join(p.sha256 for p in pages).encode()).hexdigest()


def recognize_only(page: Page, options: AnalyzeOptions) -> OcrPage:
    """Recognition of one page for ``sohoa ocr``: no barcodes, no blank test."""
    from sohoa.ocr import OcrSettings, recognize_page

    settings = OcrSettings(lang=options.lang, timeout_s=options.timeout_s)
    return recognize_page(page.data, page_sha256=page.sha256, dpi=page.dpi, settings=settings)
