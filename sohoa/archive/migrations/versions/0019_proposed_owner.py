"""A proposed owner is kept apart from the owner: ``documents.proposed_owner_id``.

A number read on a paper but not confirmed (its readings disagreed, or a citizen's number read
on a paper whose type takes no owner) used to be stored as ``owner_id``: the owner listings,
search by owner and the ``document.stored`` event then named a person nobody had confirmed. It
is now stored in ``proposed_owner_id`` with ``owner_id`` NULL until a reviewer confirms it.

Documents stored before with such a proposal are moved over: still waiting for review, and a
review reason about the owner says "đề xuất …" (``pipeline/owner.py`` wrote exactly that
wording, behind the label "Chủ sở hữu: ").

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0018.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_PROPOSAL = "Chủ sở hữu: đề xuất "


def _reasons(value: object) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [str(r) for r in value] if isinstance(value, list) else []


def upgrade() -> None:
    op.add_column("documents", sa.Column("proposed_owner_id", sa.String(length=32),
                                         nullable=True))
    documents = sa.table("documents", sa.column("id", sa.String), sa.column("owner_id", sa.String),
                         sa.column("proposed_owner_id", sa.String),
                         sa.column("needs_review", sa.Boolean),
                         sa.column("review_reasons", sa.JSON))
    conn = op.get_bind()
    rows = conn.execute(sa.select(documents.c.id, documents.c.owner_id,
                                  documents.c.review_reasons)
                        .where(documents.c.needs_review.is_(True),
                               documents.c.owner_id.is_not(None))).all()
    moved = [r for r in rows if any(text.startswith(_PROPOSAL + r.owner_id)
                                    for text in _reasons(r.review_reasons))]
    for r in moved:
        conn.execute(sa.update(documents).where(documents.c.id == r.id).values(
            proposed_owner_id=r.owner_id, owner_id=None))


def downgrade() -> None:
    # The proposals go back where the code before this revision kept them, as the owner (with
    # an owners row, which that code made for every owner): a downgrade loses no number, and
    # upgrading again moves each aside once more (its "đề xuất <number>" reason stays). Going
    # back to that code brings back its way of listing them, which is what it is.
    documents = sa.table("documents", sa.column("id", sa.String), sa.column("owner_id", sa.String),
                         sa.column("proposed_owner_id", sa.String))
    owners = sa.table("owners", sa.column("id", sa.String), sa.column("kind", sa.String),
                      sa.column("name", sa.String),
                      sa.column("created_at", sa.DateTime(timezone=True)),
                      sa.column("updated_at", sa.DateTime(timezone=True)))
    conn = op.get_bind()
    proposed = conn.execute(sa.select(documents.c.id, documents.c.proposed_owner_id)
                            .where(documents.c.proposed_owner_id.is_not(None),
                                   documents.c.owner_id.is_(None))).all()
    numbers = {r.proposed_owner_id for r in proposed}
    known = set(conn.execute(sa.select(owners.c.id).where(owners.c.id.in_(numbers))).scalars()) \
        if numbers else set()
    now = datetime.now(UTC)
    for number in sorted(numbers - known):
        # Only citizens' numbers are proposed (pipeline/owner.py); the name is the paper's,
        # which the row never had, so it stays unknown.
        conn.execute(sa.insert(owners).values(id=number, kind="person", name=None,
                                              created_at=now, updated_at=now))
    for r in proposed:
        conn.execute(sa.update(documents).where(documents.c.id == r.id).values(
            owner_id=r.proposed_owner_id))
    # Plain DROP COLUMN (SQLite ≥ 3.35, PostgreSQL): batch mode would copy the table, which
    # SQLite refuses while pages and components point at its rows.
    op.execute("ALTER TABLE documents DROP COLUMN proposed_owner_id")
