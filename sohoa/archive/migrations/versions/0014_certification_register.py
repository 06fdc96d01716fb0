"""The certification register (sổ chứng thực bản sao từ bản chính): a counter per unit and year,
and one row per number handed out (issue 17).

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0013.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sohoa.archive.migrations.kept import refuse_dropping_records

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certification_counters",
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit", "year"),
    )
    op.create_table(
        "certifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("book", sa.String(length=32), nullable=False),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("certified_on", sa.Date(), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=True),
        sa.Column("paper", sa.String(length=256), nullable=False),
        sa.Column("doc_type", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("official", sa.String(length=128), nullable=False),
        sa.Column("official_title", sa.String(length=128), nullable=False),
        sa.Column("compared_by", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("document_id", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit", "year", "number"),
        sa.UniqueConstraint("document_id"),
    )
    op.create_index("ix_certifications_certified_on", "certifications", ["certified_on"])
    op.create_index("ix_certifications_owner_id", "certifications", ["owner_id"])


def downgrade() -> None:
    refuse_dropping_records("certifications")
    op.drop_index("ix_certifications_owner_id", table_name="certifications")
    op.drop_index("ix_certifications_certified_on", table_name="certifications")
    op.drop_table("certifications")
    op.drop_table("certification_counters")
