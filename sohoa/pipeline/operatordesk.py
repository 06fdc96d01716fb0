"""The desk's view of the work for signed-in callers (the web workplace): what ``sohoa
status`` and ``sohoa quarantine`` show (the catalog's counts and jobs, the queue's jobs with
their progress when a broker is configured), and the dossiers received on a day with their
components. Desk staff see their own unit's dossiers, as the API's dossier routes."""

from __future__ import annotations

from datetime import date
from typing import Any

from sohoa.archive import Archive
from sohoa.archive.policy import OPERATORS, Caller, check_role
from sohoa.errors import ConfigError
from sohoa.pipeline import quarantinelist as quarantine
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
        """What is in quarantine, once per input (as ``sohoa quarantine``), with where its file
        is now."""
        check_role(caller, OPERATORS, "see the jobs and the quarantine")
        return quarantine.entries(self.archive)

    def dismiss(self, caller: Caller, entry_id: int, reason: str) -> int:
        """Take an entry off the list with the reason (``sohoa quarantine dismiss``): every
        report of the same input, audited under the caller's name."""
        check_role(caller, OPERATORS, "dismiss a quarantined file")
        why = " ".join((reason or "").split())
        if not why:
            raise ConfigError("hãy ghi lý do bỏ qua, ví dụ: tệp gửi nhầm, đã quét lại")
        return self.archive.dismiss_quarantine([entry_id], reason=why, by=caller.user)

    def retry(self, caller: Caller, entry_id: int) -> dict[str, Any]:
        """Ingest an entry's file again from where it is now (``sohoa quarantine retry``),
        under the unit of the job that quarantined it. With a broker the job is queued and
        followed on the jobs page; without one it runs here, and its outcome is returned. The
        retry is written to the audit log with who asked and what became of it."""
        check_role(caller, OPERATORS, "retry a quarantined file")
        rows = quarantine.entries(self.archive)
        paths = quarantine.paths_of(rows, [entry_id])
        row = next(r for r in rows if entry_id in r["ids"])
        jobs = {q["id"]: q["job_id"] for q in self.archive.list_quarantine()}
        job = jobs.get(entry_id)
        unit = (self.archive.get_job(job).get("unit") if job else None) or caller.unit or None
        if self.settings.broker:  # the worker that closes the job settles the entry
            from sohoa.pipeline.queue.producer import enqueue_ingest

            summary = enqueue_ingest(paths, self.settings, unit=unit, wait=False,
                                     retrying={"entries": [entry_id], "by": caller.user})
        else:
            from sohoa.pipeline.ingest import run_ingest

            summary = run_ingest(paths, self.settings, unit=unit)
        settled = quarantine.settle(self.archive, rows, [entry_id], summary.job_id,
                                    by=caller.user)
        outcome = {"job_id": summary.job_id, "queued": bool(self.settings.broker),
                   "source": str(paths[0]), "stored": summary.stored,
                   "duplicates": summary.duplicates, "quarantined": summary.quarantined,
                   "settled": settled, "changed": bool(row.get("changed"))}
        self.archive.audit("input.retried", actor=caller.user,
                           target=row.get("sha256") or row["source"],
                           detail={**outcome, "entry": entry_id, "unit": unit})
        return outcome

    def dossiers(self, caller: Caller, day: date) -> list[dict[str, Any]]:
        """The dossiers received on ``day``, each with its components (name, how satisfied,
        by which document): one access-log entry per owner, as the API's listing."""
        check_role(caller, OPERATORS, "see the desk's dossiers")
        desk = Desk(self.archive, self.settings)
        rows = desk.listing(caller, unit=None, date_from=day, date_to=day, limit=500)
        from sohoa.pipeline import dossierdesk

        return [{**r, "state": dossierdesk.show(self.archive, r["code"])} for r in rows]
