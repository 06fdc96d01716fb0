"""One probe, not a scan, to know whether a desk's dossiers are opened by the one-stop system.

Every paper stored behind a dossier sheet the one-stop system never opened asks whether it has
opened any dossier for the paper's receiving unit (``dossiers._unopened_at_open_first_desk``,
tester13 F21). No index led with ``receiving_unit``: at a desk that never had a dossier opened
the question read every dossier, for every paper. A partial index on the opened dossiers'
receiving unit answers it from one entry (both engines take the partial index: the query
repeats its condition).

Built without CONCURRENTLY on PostgreSQL (review14a N12): the build holds a SHARE lock on
``dossiers``, so writes to dossiers (an opening, a status, a paper placed) wait until it ends,
while reads go on. At the sizes measured (a province's dossiers of a year, one small column)
that is seconds, inside the upgrade's one transaction, which CONCURRENTLY could not run in;
processes opening the catalog meanwhile wait for the migration (``catalog.migrate``). Fine at
those sizes; a far larger catalog would want a concurrent build outside the transaction.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

OPENED = sa.text("received_at IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_dossiers_opened_unit", "dossiers", ["receiving_unit"], unique=False,
                    sqlite_where=OPENED, postgresql_where=OPENED)


def downgrade() -> None:
    op.drop_index("ix_dossiers_opened_unit", table_name="dossiers", sqlite_where=OPENED,
                  postgresql_where=OPENED)
