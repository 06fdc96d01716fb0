"""New revisions of stored PDFs (signature renewal): the old file stays, the catalog moves on.

Functions over an open :class:`~sohoa.archive.Archive`, using its transaction helpers like
``sohoa.archive.review``. A new revision is written to the blob store first (content-addressed,
so the previous revision's blob is untouched and never overwritten), then the document row is
pointed at it together with an audit event, in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from sohoa.archive import audit as audit_log
from sohoa.archive.documents import IS_STORED
from sohoa.archive.models import Document
from sohoa.errors import NotFoundError

if TYPE_CHECKING:
    from sohoa.archive import Archive


def signed_documents(archive: Archive, level: str | None = None) -> list[dict[str, Any]]:
    """Stored documents with their signature level and current PDF, oldest signature first."""
    stmt = select(Document.id.label("document_id"), Document.pdf_sha256, Document.signature_level,
                  Document.signed_at).where(IS_STORED).order_by(Document.signed_at)
    if level is not None:
        stmt = stmt.where(Document.signature_level == level)
    with archive.transaction(write=False) as conn:
        return [dict(row._mapping) for row in conn.execute(stmt)]


def replace_pdf(archive: Archive, document_id: str, pdf: bytes, *, actor: str, action: str,
                detail: Mapping[str, Any]) -> str:
    """Point ``document_id`` at a new revision of its PDF; returns the new blob's SHA-256."""
    sha = archive.blobs.put(pdf)
    with archive.transaction(write=True) as conn:
        previous = conn.execute(select(Document.pdf_sha256).where(
            Document.id == document_id)).scalar_one_or_none()
        if previous is None:
            raise NotFoundError(f"không có giấy tờ {document_id} được lưu trong kho")
        conn.execute(update(Document).where(Document.id == document_id)
                     .values(pdf_sha256=sha, pdf_size=len(pdf)))
        audit_log.append(conn, action, actor=actor, target=document_id,
                         detail={**detail, "previous_pdf": previous, "pdf": sha})
    return sha
