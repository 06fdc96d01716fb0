"""Reuse lookups in the answer's order: ``ix_documents_reuse_newest`` replaces
``ix_documents_reuse``.

The old covering index was keyed (owner, status, type, validity, issue date), so every lookup
read all of an owner's entries and sorted them; at a million documents an owner with ~400 valid
documents took 1.5 ms. Keyed (owner, status, issue date, id) and read backwards, the index gives
SQLite the answer newest first (undated last, as SQLite orders NULLs first), and a page of it
(``limit``, keyset ``after``) reads only that page. PostgreSQL orders NULLs last, so it reads
the owner's entries from the index alone and keeps the top of them (no table access either).

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0004.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STORED = sa.text("status = 'stored'")


def upgrade() -> None:
    op.drop_index("ix_documents_reuse", table_name="documents",
                  sqlite_where=STORED, postgresql_where=STORED)
    op.create_index(
        "ix_documents_reuse_newest", "documents",
        ["owner_id", "status", "issue_date", "id", "doc_type", "valid_until", "title",
         "document_number", "issuing_body", "signature_level", "signer", "needs_review"],
        unique=False, sqlite_where=STORED, postgresql_where=STORED)


def downgrade() -> None:
    op.drop_index("ix_documents_reuse_newest", table_name="documents",
                  sqlite_where=STORED, postgresql_where=STORED)
    op.create_index(
        "ix_documents_reuse", "documents",
        ["owner_id", "status", "doc_type", "valid_until", "issue_date", "id", "title",
         "document_number", "issuing_body", "signature_level", "signer", "needs_review"],
        unique=False, sqlite_where=STORED, postgresql_where=STORED)
