"""A page in a message: its provenance and the SHA-256 of its image, which is in the blobs."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sohoa.records import Page

_PAGE_FIELDS = tuple(f.name for f in fields(Page) if f.name != "data")


def page_meta(page: Page) -> dict[str, Any]:
    """A page's provenance for a message: everything but the image, which is in the blobs."""
    return {name: getattr(page, name) for name in _PAGE_FIELDS}


def page_from(meta: dict[str, Any], data: bytes = b"") -> Page:
    return Page(data=data, **{k: meta[k] for k in _PAGE_FIELDS})
