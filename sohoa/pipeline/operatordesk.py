"""The desk's view of the work for signed-in callers (the web workplace): what ``sohoa
status`` and ``sohoa quarantine`` show (the catalog's counts and jobs, the queue's jobs with
their progress when a broker is configured), and the dossiers received on a day with their
components. Desk staff see their own unit's dossiers, as the API's dossier routes."""

from __future__ import annotations

from datetime import date
from typing import Any

from sohoa.archive import Archive
from sohoa.archive.policy import OPERATORS, Caller, check_role
from sohoa.pipeline.dossierdesk import Desk
from sohoa.pipeline.settings import Settings


class OperatorDesk:
    def __init__(self, archive: Archive, settings: Settings) -> None:
        self.archive = archive
        self.settings = settings

    def status(self, caller: Caller) -> dict[str, Any]:
        check_role(caller, OPERATORS, "see the jobs and the quarantine")
        queue = None
        if self.settings.broker:
            from sohoa.pipeline.queue.status import queue_status

            queue = queue_status(self.settings)
        return {"stats": self.archive.stats(), "jobs": self.archive.jobs(limit=20),
                "queue": queue}

    def quarantine(self, caller: Caller) -> list[dict[str, Any]]:
        check_role(caller, OPERATORS, "see the jobs and the quarantine")
        return self.archive.list_quarantine()

    def dossiers(self, caller: Caller, day: date) -> list[dict[str, Any]]:
        """The dossiers received on ``day``, each with its components (name, how satisfied,
        by which document): one access-log entry per owner, as the API's listing."""
        check_role(caller, OPERATORS, "see the desk's dossiers")
        desk = Desk(self.archive, self.settings)
        rows = desk.listing(caller, unit=None, date_from=day, date_to=day, limit=500)
        from sohoa.pipeline import dossierdesk

        return [{**r, "state": dossierdesk.show(self.archive, r["code"])} for r in rows]
