"""Every co-owner is an owner: the ``owners`` rows 0022 did not make.

The store and the review record an ``owners`` row for each co-owner of a shared paper
(``owners.record_owner``); 0022's back-fill made ``document_co_owners`` rows only (review14a S7).
A spouse known only through a back-filled marriage certificate then had no owner row: no legal
hold by owner could name her, no owner-level retention event, no name in an export.

This revision makes the missing rows (``kind = 'person'``, no name: the paper's printed name is
the review's to confirm), reading the co-owner ids in keyset batches. Each row it makes is noted
on the co-owner's first paper (lowest id) in ``extra["co_owner_rows_backfilled"]``; the
downgrade takes the notes away and deletes those rows still as this revision made them — never
one a person has given something since (store15 N10): a name (a reviewer confirmed the
spouse's, another paper of hers named her), another kind, any change since it was made, a
paper filed under that person as its owner, a legal hold or a retention event ("died") naming
her. Such a row is kept: revision 0025's code makes the same rows itself (the store and the
review record one for each co-owner), so a kept row is data 0025 understands, and nothing a
person entered is lost by going back.

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0025.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

NOTE = "co_owner_rows_backfilled"
BATCH = 1000


def _json(value: object, empty: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return empty
    return empty if value is None else value


def _referents() -> tuple[sa.TableClause, sa.TableClause]:
    holds = sa.table("legal_holds", sa.column("scope", sa.String),
                     sa.column("target", sa.String))
    events = sa.table("retention_events", sa.column("subject", sa.String),
                      sa.column("subject_id", sa.String))
    return holds, events


def _tables() -> tuple[sa.TableClause, sa.TableClause, sa.TableClause]:
    documents = sa.table("documents", sa.column("id", sa.String),
                         sa.column("owner_id", sa.String), sa.column("extra", sa.JSON))
    co = sa.table("document_co_owners", sa.column("document_id", sa.String),
                  sa.column("owner_id", sa.String))
    owners = sa.table("owners", sa.column("id", sa.String), sa.column("kind", sa.String),
                      sa.column("name", sa.String),
                      sa.column("created_at", sa.DateTime(timezone=True)),
                      sa.column("updated_at", sa.DateTime(timezone=True)))
    return documents, co, owners


def _note(conn: sa.Connection, documents: sa.TableClause, document_id: str,
          change: Any) -> None:
    extra = dict(_json(conn.execute(sa.select(documents.c.extra).where(
        documents.c.id == document_id)).scalar_one(), {}))
    change(extra)
    conn.execute(sa.update(documents).where(documents.c.id == document_id).values(extra=extra))


def upgrade() -> None:
    documents, co, owners = _tables()
    conn = op.get_bind()
    now = datetime.now(UTC)
    has_row = sa.exists().where(owners.c.id == co.c.owner_id)
    last = ""
    while True:
        # keyset over the co-owner index: each pass reads the next BATCH ids without a row
        batch = list(conn.execute(
            sa.select(co.c.owner_id, sa.func.min(co.c.document_id).label("first"))
            .where(co.c.owner_id > last, ~has_row).group_by(co.c.owner_id)
            .order_by(co.c.owner_id).limit(BATCH)))
        if not batch:
            return
        conn.execute(owners.insert(), [{"id": r.owner_id, "kind": "person", "name": None,
                                        "created_at": now, "updated_at": now} for r in batch])
        by_paper: dict[str, list[str]] = {}
        for r in batch:
            by_paper.setdefault(r.first, []).append(r.owner_id)
        for document_id, ids in sorted(by_paper.items()):
            _note(conn, documents, document_id, lambda extra, ids=ids: extra.__setitem__(
                NOTE, sorted({*extra.get(NOTE, []), *ids})))
        if len(batch) < BATCH:
            return
        last = batch[-1].owner_id


def downgrade() -> None:
    documents, _co, owners = _tables()
    holds, events = _referents()
    conn = op.get_bind()
    # a row still as upgrade() made it: no name, no change since, nothing naming the person
    untouched = sa.and_(
        owners.c.name.is_(None), owners.c.kind == "person",
        owners.c.updated_at == owners.c.created_at,
        ~sa.exists().where(documents.c.owner_id == owners.c.id),
        ~sa.exists().where(holds.c.scope == "owner", holds.c.target == owners.c.id),
        ~sa.exists().where(events.c.subject == "owner", events.c.subject_id == owners.c.id))
    last = ""
    while True:
        rows = list(conn.execute(
            sa.select(documents.c.id, documents.c.extra)
            .where(documents.c.id > last,
                   sa.cast(documents.c.extra, sa.String).like(f'%"{NOTE}"%'))
            .order_by(documents.c.id).limit(BATCH)))
        for row in rows:
            extra = dict(_json(row.extra, {}))
            ids = extra.pop(NOTE, None)
            if isinstance(ids, list) and ids:
                conn.execute(sa.delete(owners).where(owners.c.id.in_(ids), untouched))
            conn.execute(sa.update(documents).where(documents.c.id == row.id)
                         .values(extra=extra))
        if len(rows) < BATCH:
            return
        last = rows[-1].id
