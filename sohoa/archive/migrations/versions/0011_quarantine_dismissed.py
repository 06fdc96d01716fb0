"""A quarantined input can be dismissed (``sohoa quarantine dismiss``): who, when and why, so
the list shows what still needs a person and the decision is kept (the row is not deleted).

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0010.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sohoa.archive.migrations.kept import refuse_dropping_column

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quarantine") as batch:
        batch.add_column(sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("dismissed_by", sa.String(128), nullable=True))
        batch.add_column(sa.Column("dismiss_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    refuse_dropping_column("quarantine", "dismissed_by")
    with op.batch_alter_table("quarantine") as batch:
        batch.drop_column("dismiss_reason")
        batch.drop_column("dismissed_by")
        batch.drop_column("dismissed_at")
