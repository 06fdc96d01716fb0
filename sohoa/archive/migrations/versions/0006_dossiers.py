"""The reuse loop: dossiers opened by the one-stop system (procedure, level, channel, applicant,
received-at, appointment, status), their status history and components, procedure results,
and the digitization code of every stored paper with its counters (TT 01/2023 Điều 10).

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0005; portable types
only, so it runs on SQLite (batch mode for the altered tables) and PostgreSQL alike.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sohoa.archive.migrations.kept import refuse_dropping_column, refuse_dropping_records

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_DOSSIER_COLUMNS = (
    ("procedure_name", sa.String(length=256)),
    ("unit_level", sa.String(length=16)),
    ("channel", sa.String(length=16)),
    ("owner_id", sa.String(length=32)),
    ("received_at", sa.DateTime(timezone=True)),
    ("appointment_date", sa.Date()),
    ("status", sa.String(length=16)),
    ("status_at", sa.DateTime(timezone=True)),
    ("opened_by", sa.String(length=128)),
)


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        for name, type_ in _DOSSIER_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.create_index("ix_dossiers_owner_id", ["owner_id"], unique=False)
        batch_op.create_index("ix_dossiers_received_date", ["received_date", "receiving_unit"],
                              unique=False)
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digitization_code", sa.String(length=200), nullable=True))
        batch_op.create_index("ix_documents_digitization_code", ["digitization_code"],
                              unique=True)
    op.create_table(
        "dossier_status_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"],
                                name=op.f("fk_dossier_status_history_dossier_code_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_status_history")),
        sa.UniqueConstraint("dossier_code", "status", "at",
                            name=op.f("uq_dossier_status_history_dossier_code_status_at")),
    )
    op.create_index("ix_dossier_status_history_dossier", "dossier_status_history",
                    ["dossier_code", "at"], unique=False)
    op.create_table(
        "dossier_components",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("doc_type", sa.String(length=64), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("satisfied", sa.String(length=16), nullable=True),
        sa.Column("document_id", sa.String(length=16), nullable=True),
        sa.Column("satisfied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("satisfied_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"],
                                name=op.f("fk_dossier_components_dossier_code_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_components")),
        sa.UniqueConstraint("dossier_code", "position",
                            name=op.f("uq_dossier_components_dossier_code_position")),
    )
    op.create_index("ix_dossier_components_dossier", "dossier_components", ["dossier_code"],
                    unique=False)
    op.create_index("ix_dossier_components_document_id", "dossier_components", ["document_id"],
                    unique=False)
    op.create_table(
        "dossier_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dossier_code", sa.String(length=64), nullable=False),
        sa.Column("document_id", sa.String(length=16), nullable=False),
        sa.Column("result_code", sa.String(length=64), nullable=False),
        sa.Column("born_digital", sa.Boolean(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("pushed_to_store_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["dossier_code"], ["dossiers.code"],
                                name=op.f("fk_dossier_results_dossier_code_dossiers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_results")),
        sa.UniqueConstraint("document_id", name=op.f("uq_dossier_results_document_id")),
    )
    op.create_index("ix_dossier_results_dossier_code", "dossier_results", ["dossier_code"],
                    unique=False)
    op.create_index("ix_dossier_results_issued_on", "dossier_results", ["issued_on"],
                    unique=False)
    op.create_table(
        "digitization_counters",
        sa.Column("prefix", sa.String(length=200), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_digitization_counters")),
    )


def downgrade() -> None:
    refuse_dropping_column("documents", "digitization_code")
    refuse_dropping_records("dossier_status_history", "dossier_components", "dossier_results")
    op.drop_table("digitization_counters")
    op.drop_index("ix_dossier_results_issued_on", table_name="dossier_results")
    op.drop_index("ix_dossier_results_dossier_code", table_name="dossier_results")
    op.drop_table("dossier_results")
    op.drop_index("ix_dossier_components_document_id", table_name="dossier_components")
    op.drop_index("ix_dossier_components_dossier", table_name="dossier_components")
    op.drop_table("dossier_components")
    op.drop_index("ix_dossier_status_history_dossier", table_name="dossier_status_history")
    op.drop_table("dossier_status_history")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_digitization_code")
        batch_op.drop_column("digitization_code")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index("ix_dossiers_received_date")
        batch_op.drop_index("ix_dossiers_owner_id")
        for name, _ in reversed(_DOSSIER_COLUMNS):
            batch_op.drop_column(name)
