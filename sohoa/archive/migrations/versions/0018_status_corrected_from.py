"""A corrected status step keeps the moment it replaced: ``dossier_status_history.corrected_from``
(``dossier status … --correct``). A resend of (status, replaced moment) by the one-stop system
or a clerk then changes nothing, as it did before the correction, instead of adding a second row.

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0017.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sohoa.archive.migrations.kept import refuse_dropping_column

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier_status_history") as batch:
        batch.add_column(sa.Column("corrected_from", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    refuse_dropping_column("dossier_status_history", "corrected_from")
    with op.batch_alter_table("dossier_status_history") as batch:
        batch.drop_column("corrected_from")
