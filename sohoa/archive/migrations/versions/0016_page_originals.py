"""Page originals (``pages.original_sha256``): the phone photo a page was flattened from, kept
as a second blob beside the flattened page image that the archival PDF/A carries (PDF/A-2 may
embed no file that is not itself PDF/A, and the national guidance keeps the master beside the
archival copy). Disposal deletes it with the page, fixity checks it.

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0015.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sohoa.archive.migrations.kept import refuse_dropping_column

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("original_sha256", sa.String(64), nullable=True))
        batch.create_index("ix_pages_original_sha256", ["original_sha256"])


def downgrade() -> None:
    refuse_dropping_column("pages", "original_sha256")
    with op.batch_alter_table("pages") as batch:
        batch.drop_index("ix_pages_original_sha256")
        batch.drop_column("original_sha256")
