"""Which process runs a job (``jobs.runner``), so that a job whose process died is marked.

An in-process ingest killed with ``kill -9`` (or by a power cut) left its job "running"
forever. The runner is "host:pid:start-time" of the process (the start time tells a reused pid
from the original); a later run on the same host marks the job "interrupted" once that process
is gone. Jobs run by queue workers have no runner: their progress lives on the job board.

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0006.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("runner", sa.String(160), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("runner")
