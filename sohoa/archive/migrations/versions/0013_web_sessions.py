"""Web sign-in sessions in the catalog (``web_sessions``), so a restart of ``sohoa serve`` (or
a second server process behind the same catalog) does not sign everybody out. A row holds the
SHA-256 of the session id, the token it stands for (by the token's public id), when it was
made and when it was last seen (idle and absolute expiry are checked against these).

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0012.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_sha256", sa.String(64), primary_key=True),
        sa.Column("token_id", sa.String(16), sa.ForeignKey("api_tokens.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_sessions_token_id", "web_sessions", ["token_id"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_token_id", table_name="web_sessions")
    op.drop_table("web_sessions")
