"""The KPI report for signed-in callers (the web workplace): ``sohoa report kpi``'s figures
and charts, for the roles that manage the service."""

from __future__ import annotations

from typing import Any

from sohoa.archive import Archive
from sohoa.archive.policy import REPORT_READERS, Caller, check_role
from sohoa.pipeline import dossierdesk, kpi, kpireport
from sohoa.pipeline.settings import Settings


def kpi_report(archive: Archive, settings: Settings, caller: Caller, period: kpi.Period, *,
               unit: str | None = None) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The report as JSON-able figures, and its charts as PNG bytes."""
    check_role(caller, REPORT_READERS, "xem báo cáo chỉ số (KPI)")
    # the portal's sync ratio (DOSSIER_SYNCED) when a portal target is configured, as
    # `sohoa report kpi` registers it: the page and the CLI print the same indicators
    from sohoa.pipeline.sync import register_kpi_source

    register_kpi_source(settings)
    made = kpi.compute(archive, period, unit=unit, level=None,
                       catalogue=dossierdesk.catalogue(settings),
                       units=dossierdesk.units(settings), rules=dossierdesk.kpi_rules(settings))
    return made.to_json(), kpireport.charts(made)
