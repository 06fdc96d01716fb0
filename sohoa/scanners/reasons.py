"""Quarantine reasons, worded for the desk clerk who has to act on them.

Kept in one place so that the same problem reads the same whether it comes from a PDF, a TIFF
or a JPEG, and so that tests and the review list can recognise them.
"""

from __future__ import annotations

EMPTY = "empty file: re-scan it"
MISSING = "the file is missing: it was moved or deleted before it could be read"
FOLDER = "this is a folder, not a file: give the files inside it"
NOT_IMAGE = "not an image or PDF: only PDF, TIFF, JPEG and PNG scans can be ingested"
ENCRYPTED = "the PDF is password-protected: ask the sender for an unprotected copy"
TRUNCATED = "the file is truncated: re-scan it"
DAMAGED = "the file is damaged and cannot be read: re-scan it"
NO_PAGES = "the file has no pages: re-scan it"


def unreadable(strerror: str | None) -> str:
    return f"the file cannot be opened ({strerror or 'read error'}): check that sohoa may read it"


def too_big(size: int, limit: int) -> str:
    return (
        f"the file is {_human(size)}, over the {_human(limit)} limit: "
        "split the batch into smaller files"
    )


def too_many_pages(count: int, limit: int) -> str:
    return f"the file has {count} pages, over the {limit}-page limit: split the batch"


def page_damaged(page_number: int) -> str:
    return f"page {page_number} is damaged and cannot be decoded: re-scan it"


def page_truncated(page_number: int) -> str:
    return f"page {page_number} is truncated: re-scan it"


def page_unrenderable(page_number: int) -> str:
    return f"page {page_number} of the PDF could not be rendered: re-scan it or export it again"


def bomb(page_number: int, width: int | None = None, height: int | None = None,
         max_pixels: int = 0) -> str:
    size = f" is {width}×{height} px," if width and height else ""
    limit = f" over the {max_pixels / 1_000_000:g} Mpx limit" if max_pixels else " too large"
    return f"page {page_number}{size}{limit}: a decompression bomb or a mis-scan"


def _human(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"
