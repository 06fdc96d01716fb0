"""Jobs say why they stopped and whether their process still lives: ``jobs.reason`` (the
Vietnamese reason of a job stopped by an environment error: a store down, a key refused) and
``jobs.heartbeat_at`` (stamped every ``jobs.HEARTBEAT_S`` by the process running an in-process
job; a running job whose stamp is stale is shown as interrupted: its process was killed with no
chance to write).

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0016.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("reason")
