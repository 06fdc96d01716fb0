"""Known input files (``known_inputs``): the SHA-256 of an input file whose pages all went into
stored documents, with the list of its pages, so that the same file given again is recognized
before any page is decoded or rendered (re-running an interrupted ingest costs milliseconds per
finished file).

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0014.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_inputs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("job_id", sa.String(32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("known_inputs")
