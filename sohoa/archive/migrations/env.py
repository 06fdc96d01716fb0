"""Alembic environment: always online, on the connection handed over by the catalog.

There is no alembic.ini: ``sohoa.archive.catalog.migrate`` builds the Alembic config in code and
passes its open connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from sohoa.archive.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run catalog migrations through sohoa.archive.catalog.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
