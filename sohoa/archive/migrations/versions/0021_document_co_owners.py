"""A shared paper is each named person's: ``document_co_owners``.

A marriage certificate (``owner_shared`` in doctypes.toml) names both spouses, but a document
had one owner: the spouse whose dossier it was filed in. The other could not reuse it, did not
see it in ``sohoa reuse`` and its store never heard of it. Each other person the paper itself
names (their number read and validated) is now a row here; ``documents.owner_id`` is unchanged.

Papers stored before are not back-filled: their numbers were read without this in mind, and a
person confirms a co-owner by storing or reviewing the paper again.

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0020.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_co_owners",
        sa.Column("document_id", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_document_co_owners_document_id_documents")),
        sa.PrimaryKeyConstraint("document_id", "owner_id",
                                name=op.f("pk_document_co_owners")),
    )
    op.create_index(op.f("ix_document_co_owners_owner_id"), "document_co_owners", ["owner_id"])


def downgrade() -> None:
    op.drop_index("ix_document_co_owners_owner_id", table_name="document_co_owners")
    op.drop_table("document_co_owners")
