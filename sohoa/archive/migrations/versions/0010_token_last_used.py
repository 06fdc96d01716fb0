"""When each API token was last used (``api_tokens.last_used_at``), for ``sohoa tokens list``:
an admin deciding which tokens to revoke needs to see the ones nobody uses any more. Updated
at most once a minute per token, so busy integrations do not write on every request. NULL:
never used since this was recorded.

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0009.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("api_tokens", sa.Column("last_used_at", sa.DateTime(timezone=True),
                                          nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("last_used_at")
