"""New revisions of stored PDFs (signature renewal): the old file stays, the catalog moves on.

Functions over an open :class:`~sohoa.archive.Archive`, using its transaction helpers like
``sohoa.archive.review``. A new revision is written to the blob store (content-addressed, so
the previous revision's blob is untouched and never overwritten) once the paper is known to be
still stored, then the document row is pointed at it together with an audit event, in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from sohoa.archive import audit as audit_log
from sohoa.archive.catalog import dossier_locks
from sohoa.archive.documents import IS_STORED
from sohoa.archive.models import STATUS_DISPOSED, STATUS_STORED, Document
from sohoa.errors import NotFoundError, StorageError, WorkflowError

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
    """Point ``document_id`` at a new revision of its PDF; returns the new blob's SHA-256.

    In the one lock order (``catalog.xact_lock``): the paper's dossier first, then its row, then
    the audit log. Its status is read again under the dossier's lock and the row is changed only
    while it is still stored: a disposal batch that destroyed the paper meanwhile (it takes the
    same dossier's lock) is seen, and its tombstone is never pointed at a file the disposal did
    not list (review14a M1). WorkflowError for a paper no longer stored, StorageError when the
    catalog fails: one paper never ends a renewal run."""
    try:
        with archive.transaction(write=True) as conn:
            code = conn.execute(select(Document.dossier_code).where(
                Document.id == document_id)).scalar_one_or_none()
            if code is None:
                raise NotFoundError(f"không có giấy tờ {document_id} được lưu trong kho")
            dossier_locks(conn, code)
            row = conn.execute(select(Document.status, Document.pdf_sha256).where(
                Document.id == document_id)).one()
            if row.status != STATUS_STORED:
                raise WorkflowError(_not_stored(document_id, row.status))
            sha = archive.blobs.put(pdf)
            changed = conn.execute(
                update(Document).where(Document.id == document_id, IS_STORED)
                .values(pdf_sha256=sha, pdf_size=len(pdf))).rowcount
            if changed != 1:  # destroyed by a writer that took no dossier lock: never re-point
                raise WorkflowError(_not_stored(document_id, STATUS_DISPOSED))
            audit_log.append(conn, action, actor=actor, target=document_id,
                             detail={**detail, "previous_pdf": row.pdf_sha256, "pdf": sha})
    except SQLAlchemyError as exc:  # a deadlock, a serialization failure: nothing was written
        said = str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__]
        raise StorageError(
            f"không ghi được bản mới của giấy tờ {document_id} vào danh mục ({said[0]}); giấy "
            "tờ vẫn trỏ tới bản cũ, chạy lại lệnh để gia hạn giấy tờ này") from exc
    return sha


def _not_stored(document_id: str, status: str) -> str:
    gone = "đã bị tiêu hủy" if status == STATUS_DISPOSED else f"không còn lưu giữ ({status})"
    return (f"giấy tờ {document_id} {gone}, không còn lưu giữ trong kho: không gia hạn chữ ký "
            "của nó")
