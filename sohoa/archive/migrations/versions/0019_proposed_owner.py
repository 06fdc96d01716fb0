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
    # The proposals are dropped, not put back as owners: an owner nobody confirmed is the
    # misfiling this revision ends (and a proposal stored since has no owners row to point at).
    # Plain DROP COLUMN (SQLite ≥ 3.35, PostgreSQL): batch mode would copy the table, which
    # SQLite refuses while pages and components point at its rows.
    op.execute("ALTER TABLE documents DROP COLUMN proposed_owner_id")
