"""A rescanned sheet's image is kept: ``page_rescans``.

A dossier's receipt sheet scanned again is recognised by its printed text as the stored receipt
(``stages.same_sheet``) and was only audited: its image was stored nowhere (review14a S3). The
match reads printed text only, and the rescan is the sheet most likely to carry new ink (the
applicant's signature, "đã nhận kết quả"). Each distinct image of such a rescan is now a blob
and a row here, tied to the stored paper; disposal, fixity and the blob sweep know the rows.

A new, empty table: nothing to back-fill (earlier rescans kept only their hash in the audit
log; their images were never stored).

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0024.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_rescans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(length=16), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_index", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_page_rescans_document_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_rescans")),
        sa.UniqueConstraint("document_id", "blob_sha256",
                            name=op.f("uq_page_rescans_document_id_blob_sha256")),
    )
    op.create_index(op.f("ix_page_rescans_document_id"), "page_rescans", ["document_id"])
    op.create_index(op.f("ix_page_rescans_blob_sha256"), "page_rescans", ["blob_sha256"])


def downgrade() -> None:
    op.drop_index("ix_page_rescans_blob_sha256", table_name="page_rescans")
    op.drop_index("ix_page_rescans_document_id", table_name="page_rescans")
    op.drop_table("page_rescans")
