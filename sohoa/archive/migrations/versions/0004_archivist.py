"""Archivists' jobs: retention overrides and events, legal holds, disposal lists and items,
fixity runs and per-document fixity state.

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0003; portable types
only, so it runs on SQLite and PostgreSQL alike.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sohoa.archive.migrations.kept import refuse_dropping_records

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_overrides",
        sa.Column("dossier_code", sa.String(length=64), nullable=False),
        sa.Column("years", sa.Integer(), nullable=True),
        sa.Column("counted_from", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=128), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("dossier_code", name=op.f("pk_retention_overrides")),
    )
    op.create_table(
        "retention_events",
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject", "subject_id", "event",
                                name=op.f("pk_retention_events")),
    )
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=128), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_by", sa.String(length=128), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index("ix_legal_holds_scope_target", ["scope", "target"], unique=False)
    op.create_table(
        "disposal_lists",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("proposed_by", sa.String(length=128), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("approved_by", sa.String(length=128), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("executed_by", sa.String(length=128), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("executed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("record_sha256", sa.String(length=64), nullable=True),
        sa.Column("record_size", sa.Integer(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_lists")),
    )
    with op.batch_alter_table("disposal_lists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disposal_lists_record_sha256"), ["record_sha256"],
                              unique=False)
    op.create_table(
        "disposal_items",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("dossier_code", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=True),
        sa.Column("unit", sa.String(length=128), nullable=True),
        sa.Column("document_number", sa.String(length=128), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("retention", sa.String(length=64), nullable=False),
        sa.Column("eligible_on", sa.Date(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("blobs", sa.JSON(), nullable=True),
        sa.Column("blobs_removed", sa.Boolean(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["list_id"], ["disposal_lists.id"],
                                name=op.f("fk_disposal_items_list_id_disposal_lists")),
        sa.PrimaryKeyConstraint("list_id", "document_id", name=op.f("pk_disposal_items")),
    )
    with op.batch_alter_table("disposal_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disposal_items_document_id"), ["document_id"],
                              unique=False)
    op.create_table(
        "fixity_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("sample", sa.Integer(), nullable=True),
        sa.Column("signatures", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_by", sa.String(length=128), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cursor", sa.String(length=64), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fixity_runs")),
    )
    op.create_table(
        "fixity_state",
        sa.Column("document_id", sa.String(length=16), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_fixity_state")),
    )
    with op.batch_alter_table("fixity_state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fixity_state_checked_at"), ["checked_at"],
                              unique=False)


def downgrade() -> None:
    refuse_dropping_records(
        "retention_overrides", "retention_events", "legal_holds", "disposal_lists",
        "disposal_items", "fixity_runs")
    with op.batch_alter_table("fixity_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fixity_state_checked_at"))
    op.drop_table("fixity_state")
    op.drop_table("fixity_runs")
    with op.batch_alter_table("disposal_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposal_items_document_id"))
    op.drop_table("disposal_items")
    with op.batch_alter_table("disposal_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposal_lists_record_sha256"))
    op.drop_table("disposal_lists")
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.drop_index("ix_legal_holds_scope_target")
    op.drop_table("legal_holds")
    op.drop_table("retention_events")
    op.drop_table("retention_overrides")
