"""A shared paper is each named person's: ``document_co_owners``.

A marriage certificate (``owner_shared`` in doctypes.toml) names both spouses, but a document
had one owner: the spouse whose dossier it was filed in. The other could not reuse it, did not
see it in ``sohoa reuse`` and its store never heard of it. Each other person the paper itself
names (their number read and validated) is now a row here; ``documents.owner_id`` is unchanged.

Papers stored before are not back-filled: their numbers were read without this in mind, and a
person confirms a co-owner by storing or reviewing the paper again.

The rows are decisions about whose paper it is (the store's reading, a reviewer's
confirmation), so going down does not throw them away (store16, N10's pattern): the downgrade
writes each paper's co-owners into its ``extra["co_owners_kept"]`` before it drops the table —
the code before this revision keeps an ``extra`` it does not know as it is — and the upgrade
puts them back and takes the note away (0022 then leaves those papers alone: they have rows).
Rows are read in keyset batches.

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0020.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


KEPT = "co_owners_kept"  # documents.extra[KEPT]: the paper's co-owners while the table is away
BATCH = 1000


def _json(value: object, empty: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return empty
    return empty if value is None else value


def _tables() -> tuple[sa.TableClause, sa.TableClause]:
    documents = sa.table("documents", sa.column("id", sa.String), sa.column("extra", sa.JSON))
    co = sa.table("document_co_owners", sa.column("document_id", sa.String),
                  sa.column("owner_id", sa.String))
    return documents, co


def _restore() -> None:
    """Put back the rows a downgrade kept in the papers' ``extra``, and take the note away."""
    documents, co = _tables()
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
                conn.execute(co.insert(), [{"document_id": row.id, "owner_id": o}
                                           for o in dict.fromkeys(kept)])
            conn.execute(sa.update(documents).where(documents.c.id == row.id)
                         .values(extra=extra))
        if len(rows) < BATCH:
            return
        last = rows[-1].id


def _keep() -> None:
    """Write each paper's co-owners into its ``extra`` (the table is about to go)."""
    documents, co = _tables()
    conn = op.get_bind()
    stmt = (sa.select(co.c.document_id).distinct().order_by(co.c.document_id).limit(BATCH))
    last = None
    while True:
        ids = list(conn.execute(stmt if last is None
                                else stmt.where(co.c.document_id > last)).scalars())
        for doc_id in ids:
            owners = list(conn.execute(sa.select(co.c.owner_id).where(
                co.c.document_id == doc_id).order_by(co.c.owner_id)).scalars())
            extra = dict(_json(conn.execute(sa.select(documents.c.extra).where(
                documents.c.id == doc_id)).scalar(), {}))
            extra[KEPT] = owners
            conn.execute(sa.update(documents).where(documents.c.id == doc_id)
                         .values(extra=extra))
        if len(ids) < BATCH:
            return
        last = ids[-1]


def upgrade() -> None:
    op.create_table(
        "document_co_owners",
        sa.Column("document_id", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_document_co_owners_document_id_documents")),
        sa.PrimaryKeyConstraint("document_id", "owner_id",
                                name=op.f("pk_document_co_owners")),
    )
    op.create_index(op.f("ix_document_co_owners_owner_id"), "document_co_owners", ["owner_id"])
    _restore()


def downgrade() -> None:
    _keep()
    op.drop_index("ix_document_co_owners_owner_id", table_name="document_co_owners")
    op.drop_table("document_co_owners")
