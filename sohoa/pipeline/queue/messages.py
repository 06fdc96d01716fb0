"""A page in a message: its provenance and the SHA-256 of its image, which is in the blobs; a
drawn born-digital page's one-page PDF (``Page.text_pdf``) is in the blobs too, by its own
SHA-256: with its fonts it can weigh MBs, and the message and the job board (read whole at every
step) carry only names."""

from __future__ import annotations

import hashlib
from dataclasses import fields, replace
from typing import Any

from sohoa.records import Page

_PAGE_FIELDS = tuple(f.name for f in fields(Page) if f.name not in ("data", "text_pdf"))
TEXT_PDF = "text_pdf_sha256"


def page_meta(page: Page) -> dict[str, Any]:
    """A page's provenance for a message: everything but the image and the one-page PDF, which
    are in the blobs (the producer puts them there: ``text_pdf_digest``)."""
    meta = {name: getattr(page, name) for name in _PAGE_FIELDS}
    if page.text_pdf:
        meta[TEXT_PDF] = text_pdf_digest(page)
    return meta


def text_pdf_digest(page: Page) -> str:
    return hashlib.sha256(page.text_pdf).hexdigest()


def page_from(meta: dict[str, Any], data: bytes = b"") -> Page:
    """The page of ``meta`` with its image ``data``; without its one-page PDF (``with_text_pdf``
    adds it, for the one step that reads it: the analysis)."""
    return Page(data=data, **{k: meta[k] for k in _PAGE_FIELDS if k in meta})


def with_text_pdf(page: Page, meta: dict[str, Any], blobs: Any) -> Page:
    """``page`` with its one-page PDF from the blob store, if it has one and it is there (gone:
    the page is recognized like a scan, as a drawn page whose text is not real)."""
    digest = meta.get(TEXT_PDF)
    if not digest or not blobs.exists(digest):
        return page
    return replace(page, text_pdf=blobs.get(digest))
