"""Which signature a document carries (``documents.signature_kind``).

TT 01/2023/TT-VPCP Điều 8.1 has papers digitized at the one-stop desk signed by the officer who
digitized them with their personal signature; NĐ 30/2020 has an agency's certified copy ("SAO Y")
signed by the agency. Both are PAdES signatures; an inspector asks which one a document has.
"officer" or "agency"; NULL for documents stored before this was recorded (they are agency
copies: that was the only workflow).

Self-contained on purpose (no imports from sohoa.archive models), like 0001–0007.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("signature_kind", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("signature_kind")
