"""The exchange with the one-stop system and the national portal: the outbox of outgoing events
(``sync_events``), their delivery per target (``sync_deliveries``) and the targets seen
(``sync_targets``).

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0008; portable types
only, so it runs on SQLite and PostgreSQL alike.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sohoa.archive.migrations.kept import refuse_dropping_records

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("ordering_key", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=16), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fanned", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_sync_events_event_id")),
        sa.UniqueConstraint("ordering_key", "sequence",
                            name=op.f("uq_sync_events_ordering_key_sequence")),
    )
    with op.batch_alter_table("sync_events", schema=None) as batch_op:
        batch_op.create_index("ix_sync_events_document_id", ["document_id"], unique=False)
        batch_op.create_index("ix_sync_events_unfanned", ["id"], unique=False,
                              sqlite_where=sa.text("fanned = 0"),
                              postgresql_where=sa.text("fanned = false"))
    op.create_table(
        "sync_deliveries",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("ordering_key", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["sync_events.id"],
                                name=op.f("fk_sync_deliveries_event_id_sync_events")),
        sa.PrimaryKeyConstraint("event_id", "target", name=op.f("pk_sync_deliveries")),
    )
    with op.batch_alter_table("sync_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_sync_deliveries_due", ["target", "status", "next_attempt_at"],
                              unique=False)
        batch_op.create_index("ix_sync_deliveries_order", ["target", "ordering_key", "event_id"],
                              unique=False)
    op.create_table(
        "sync_targets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_sync_targets")),
    )


def downgrade() -> None:
    refuse_dropping_records("sync_events")
    op.drop_table("sync_targets")
    with op.batch_alter_table("sync_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_deliveries_order")
        batch_op.drop_index("ix_sync_deliveries_due")
    op.drop_table("sync_deliveries")
    with op.batch_alter_table("sync_events", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_events_unfanned", sqlite_where=sa.text("fanned = 0"),
                            postgresql_where=sa.text("fanned = false"))
        batch_op.drop_index("ix_sync_events_document_id")
    op.drop_table("sync_events")
