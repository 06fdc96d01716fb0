"""The reference data a province edits, read from the paths the settings give (``dossiers.
procedures``, ``dossiers.units``, ``dossiers.kpi``; ``{home}`` is the archive home) or the packaged
files: the procedure catalogue, the units with their levels and staff, the KPI rules.

Its own module so that the dossier desk and the results it issues (``dossierdesk.py``,
``results.py``) both read them without importing each other."""

from __future__ import annotations

from pathlib import Path

from sohoa.pipeline.settings import Settings
from sohoa.procedures import (
    KPI_PATH,
    PROCEDURES_PATH,
    UNITS_PATH,
    Catalogue,
    KpiRules,
    Units,
    load_catalogue,
    load_kpi_rules,
    load_units,
)


def _path(settings: Settings, key: str, default: Path) -> Path:
    value = str(settings.raw.get(key, "") or "").replace("{home}", str(settings.home))
    return Path(value) if value else default


def catalogue(settings: Settings) -> Catalogue:
    return load_catalogue(_path(settings, "dossiers.procedures", PROCEDURES_PATH))


def units_path(settings: Settings) -> Path:
    """The units file in use: ``dossiers.units``, else the packaged sample."""
    return _path(settings, "dossiers.units", UNITS_PATH)


def units(settings: Settings) -> Units:
    return load_units(units_path(settings))


def kpi_rules(settings: Settings) -> KpiRules:
    return load_kpi_rules(_path(settings, "dossiers.kpi", KPI_PATH))
