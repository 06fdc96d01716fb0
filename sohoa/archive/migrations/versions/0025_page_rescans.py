"""A rescanned sheet's image is kept: ``page_rescans``.

A dossier's receipt sheet scanned again is recognised by its printed text as the stored receipt
(``stages.same_sheet``) and was only audited: its image was stored nowhere (review14a S3). The
match reads printed text only, and the rescan is the sheet most likely to carry new ink (the
applicant's signature, "đã nhận kết quả"). Each distinct image of such a rescan is now a blob
and a row here, tied to the stored paper; disposal, fixity and the blob sweep know the rows.

A new, empty table: nothing to back-fill (earlier rescans kept only their hash in the audit
log; their images were never stored).

The rows are a clerk's work (the sheet brought back signed, scanned again), so going down does
not throw them away (store16, N10's pattern): the downgrade writes each paper's rows into its
``extra["page_rescans_kept"]`` before it drops the table — the code before this revision keeps
an ``extra`` it does not know as it is — and the upgrade puts them back and takes the note
away. The images stay in the blob store throughout. Rows are read in keyset batches.

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0024.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


KEPT = "page_rescans_kept"  # documents.extra[KEPT]: the rows while the table is away
BATCH = 1000
_FIELDS = ("blob_sha256", "source", "source_index", "job_id")


def _json(value: object, empty: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return empty
    return empty if value is None else value


def _documents() -> sa.TableClause:
    return sa.table("documents", sa.column("id", sa.String), sa.column("extra", sa.JSON))


def _rescans() -> sa.TableClause:
    return sa.table("page_rescans", sa.column("id", sa.Integer),
                    sa.column("document_id", sa.String), sa.column("blob_sha256", sa.String),
                    sa.column("source", sa.Text), sa.column("source_index", sa.Integer),
                    sa.column("job_id", sa.String),
                    sa.column("created_at", sa.DateTime(timezone=True)))


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _restore() -> None:
    """Put back the rows a downgrade kept in the papers' ``extra``, and take the note away."""
    documents, rescans = _documents(), _rescans()
    conn = op.get_bind()
    stmt = (sa.select(documents.c.id, documents.c.extra)
            .where(sa.cast(documents.c.extra, sa.String).like(f'%"{KEPT}"%'))
            .order_by(documents.c.id).limit(BATCH))
    last = None
    while True:
        rows = conn.execute(stmt if last is None else stmt.where(documents.c.id > last)).all()
        for row in rows:
            extra = dict(_json(row.extra, {}))
            kept = extra.pop(KEPT, None)
            if not isinstance(kept, list):
                continue
            if kept:
                conn.execute(rescans.insert(), [
                    {"document_id": row.id, **{k: item.get(k) for k in _FIELDS},
                     "created_at": _aware(datetime.fromisoformat(item["created_at"]))}
                    for item in kept])
            conn.execute(sa.update(documents).where(documents.c.id == row.id)
                         .values(extra=extra))
        if len(rows) < BATCH:
            return
        last = rows[-1].id


def _keep() -> None:
    """Write each paper's rows into its ``extra`` (the table is about to go)."""
    documents, rescans = _documents(), _rescans()
    conn = op.get_bind()
    stmt = (sa.select(rescans.c.document_id).distinct().order_by(rescans.c.document_id)
            .limit(BATCH))
    last = None
    while True:
        ids = list(conn.execute(stmt if last is None
                                else stmt.where(rescans.c.document_id > last)).scalars())
        for doc_id in ids:
            kept = [{**{k: getattr(r, k) for k in _FIELDS},
                     "created_at": _aware(r.created_at).isoformat()}
                    for r in conn.execute(sa.select(rescans).where(
                        rescans.c.document_id == doc_id).order_by(rescans.c.id))]
            extra = dict(_json(conn.execute(sa.select(documents.c.extra).where(
                documents.c.id == doc_id)).scalar(), {}))
            extra[KEPT] = kept
            conn.execute(sa.update(documents).where(documents.c.id == doc_id)
                         .values(extra=extra))
        if len(ids) < BATCH:
            return
        last = ids[-1]


def upgrade() -> None:
    op.create_table(
        "page_rescans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(length=16), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_index", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_page_rescans_document_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_rescans")),
        sa.UniqueConstraint("document_id", "blob_sha256",
                            name=op.f("uq_page_rescans_document_id_blob_sha256")),
    )
    op.create_index(op.f("ix_page_rescans_document_id"), "page_rescans", ["document_id"])
    op.create_index(op.f("ix_page_rescans_blob_sha256"), "page_rescans", ["blob_sha256"])
    _restore()


def downgrade() -> None:
    _keep()
    op.drop_index("ix_page_rescans_blob_sha256", table_name="page_rescans")
    op.drop_index("ix_page_rescans_document_id", table_name="page_rescans")
    op.drop_table("page_rescans")
