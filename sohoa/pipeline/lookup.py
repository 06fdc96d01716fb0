"""Read-side operations for officers and integrators: search, reuse, show, get, verify.

Every function opens what it needs from settings and returns JSON-able data, so the CLI and the
HTTP API stay free of logic.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sohoa.errors import NotFoundError
from sohoa.pipeline.services import open_archive, trust_roots
from sohoa.pipeline.settings import Settings
from sohoa.records import VerificationReport
from sohoa.signing import verify_pdf
from sohoa.vntext import nfc


def search(settings: Settings, query: str, *, owner: str | None = None,
           doc_type: str | None = None, unit: str | None = None, date_from: date | None = None,
           date_to: date | None = None, limit: int = 10) -> list[dict[str, Any]]:
    with open_archive(settings) as archive:
        archive.sync_index()  # a crash may have left committed documents unindexed
        return archive.search(nfc(query), owner=owner, doc_type=doc_type, unit=unit,
                              date_from=date_from, date_to=date_to, limit=limit)


def reuse(settings: Settings, owner_id: str, *, doc_type: str | None = None,
          valid_on: date | None = None) -> list[dict[str, Any]]:
    with open_archive(settings) as archive:
        return archive.reuse(owner_id.strip(), doc_type=doc_type, valid_on=valid_on)


def show(settings: Settings, document_id: str) -> dict[str, Any]:
    with open_archive(settings) as archive:
        return archive.get_document(document_id)


def get_pdf(settings: Settings, document_id: str) -> bytes:
    with open_archive(settings) as archive:
        return archive.get_pdf(document_id)


def load_pdf(settings: Settings, file_or_id: str) -> tuple[str, bytes]:
    """A PDF from a path, or from the archive by document id."""
    path = Path(file_or_id)
    if path.is_file():
        return str(path), path.read_bytes()
    try:
        return file_or_id, get_pdf(settings, file_or_id)
    except NotFoundError:
        raise NotFoundError(
            f"{file_or_id!r} is neither a file nor a stored document id "
            "(find ids with `sohoa search` or `sohoa reuse`)"
        ) from None


def verify(settings: Settings, file_or_id: str, *, required: int = 1) -> VerificationReport:
    _, pdf = load_pdf(settings, file_or_id)
    return verify_pdf(pdf, trust_roots=trust_roots(settings), required=required)
