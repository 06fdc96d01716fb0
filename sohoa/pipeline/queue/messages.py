"""A page in a message: its provenance and the SHA-256 of its image, which is in the blobs."""

from __future__ import annotations

import base64
from dataclasses import fields
from typing import Any

from sohoa.records import Page

_PAGE_FIELDS = tuple(f.name for f in fields(Page) if f.name != "data")


def page_meta(page: Page) -> dict[str, Any]:
    """A page's provenance for a message: everything but the image, which is in the blobs."""
    meta = {name: getattr(page, name) for name in _PAGE_FIELDS}
    # a drawn born-digital page's one-page PDF (its exact words): small, and JSON has no bytes
    meta["text_pdf"] = base64.b64encode(page.text_pdf).decode("ascii")
    return meta


def page_from(meta: dict[str, Any], data: bytes = b"") -> Page:
    values = {k: meta[k] for k in _PAGE_FIELDS if k in meta}
    values["text_pdf"] = base64.b64decode(meta.get("text_pdf", ""))
    return Page(data=data, **values)
