"""Alembic migrations of the catalog, run programmatically by ``sohoa.archive.catalog``."""
