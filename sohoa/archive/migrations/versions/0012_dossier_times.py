"""Dossiers keep their first ticket time (queued) and first resolution time (resolved or
returned) beside the history, so the KPI report reads them from the dossier row instead of
grouping a history of millions of rows (bench/RESULTS.md). Backfilled from the history.

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0011.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True),
                                      nullable=True))
    op.execute(
        "UPDATE dossiers SET "
        "queued_at = (SELECT MIN(h.at) FROM dossier_status_history h "
        "WHERE h.dossier_code = dossiers.code AND h.status = 'queued'), "
        "resolved_at = (SELECT MIN(h.at) FROM dossier_status_history h "
        "WHERE h.dossier_code = dossiers.code AND h.status IN ('resolved', 'returned')) "
        "WHERE EXISTS (SELECT 1 FROM dossier_status_history h "
        "WHERE h.dossier_code = dossiers.code)")
    op.create_index("ix_dossiers_resolved_at", "dossiers", ["resolved_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dossiers_resolved_at", table_name="dossiers")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("queued_at")
