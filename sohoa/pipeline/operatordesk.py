"""The desk's view of the work for signed-in callers (the web workplace): what ``sohoa
status`` and ``sohoa quarantine`` show (the catalog's counts and jobs, the queue's jobs with
their progress when a broker is configured), and the dossiers received on a day with their
components. Desk staff see their own unit's dossiers, as the API's dossier routes."""

from __future__ import annotations

import logging
import threading
from datetime import date
from pathlib import Path
from typing import Any

from sohoa.archive import Archive
from sohoa.archive.access import Read
from sohoa.archive.policy import OPERATORS, AccessDeniedError, Caller, check_role
from sohoa.errors import ConfigError, NotFoundError, WorkflowError
from sohoa.pipeline import quarantinelist as quarantine
from sohoa.pipeline.dossierdesk import Desk
from sohoa.pipeline.jobstate import listed_jobs
from sohoa.pipeline.settings import Settings

log = logging.getLogger(__name__)

QUARANTINE_READERS = ("desk", "archivist", "admin")
QUARANTINE_PURPOSE = "xem danh sách tệp bị cách ly"
_RUNNING: dict[str, str | None] = {}  # file → unit: what this server's threads re-ingest
_RUNNING_LOCK = threading.Lock()


def quarantine_unit(caller: Caller) -> str | None:
    """The unit whose quarantine the caller sees: their own for desk staff (as the
    certification register), None (all) for an archivist or admin."""
    if caller.role in ("archivist", "admin"):
        return None
    if not caller.unit:
        raise AccessDeniedError(f"{caller.user} (bộ phận một cửa) chưa được gán đơn vị nên "
                                "không xem được tệp bị cách ly")
    return caller.unit


def rows_target(rows: list[dict[str, Any]], entry_id: int) -> str:
    row = next(r for r in rows if entry_id in r["ids"])
    return str(row.get("sha256") or row["source"])


class OperatorDesk:
    def __init__(self, archive: Archive, settings: Settings) -> None:
        self.archive = archive
        self.settings = settings

    def status(self, caller: Caller) -> dict[str, Any]:
        check_role(caller, OPERATORS, "xem các lượt xử lý và danh sách cách ly")
        queue = None
        if self.settings.broker:
            import redis

            from sohoa.pipeline.queue.status import queue_status

            try:
                queue = queue_status(self.settings)
            except (ConfigError, redis.RedisError) as exc:  # the page shows the rest
                log.warning("hàng đợi không trả lời: %s", exc)
        # The retried files' names are the citizens' papers: the quarantine list's rule says
        # who sees which (a desk user with no unit sees none, the rest of the page all the same)
        try:
            unit: str | None = quarantine_unit(caller)
            allowed = True
        except AccessDeniedError:
            unit, allowed = None, False
        with _RUNNING_LOCK:  # retries started here, before their job is in the catalog too
            retrying = sorted(Path(f).name for f, u in _RUNNING.items()
                              if allowed and (unit is None or u == unit))
        # a queued job the board no longer runs is not shown running (tester14 F3)
        return {"stats": self.archive.stats(),
                "jobs": listed_jobs(self.archive, self.settings, limit=20),
                "queue": queue, "retrying": retrying}

    def quarantine(self, caller: Caller) -> list[dict[str, Any]]:
        """What is in quarantine, once per input (as ``sohoa quarantine``), with where its file
        is now: desk staff see what their own unit's jobs quarantined (file names and paths
        are the citizens' papers), an archivist or admin everything. The read is written to
        the access log under the caller's name."""
        check_role(caller, QUARANTINE_READERS, "xem danh sách cách ly")
        unit = quarantine_unit(caller)
        rows = quarantine.entries(self.archive, unit=unit)
        self.archive.log_access(caller, "quarantine.list", QUARANTINE_PURPOSE, [
            Read(owner_id=None, result_count=len(rows), request={"unit": unit})])
        return rows

    def _entry(self, caller: Caller, entry_id: int) -> list[dict[str, Any]]:
        """The caller's entries, ``entry_id`` among them: another unit's entry is "not
        found" to a desk clerk, as it is not on their list."""
        rows = quarantine.entries(self.archive, unit=quarantine_unit(caller))
        if not any(entry_id in r["ids"] for r in rows):
            raise NotFoundError(f"không có mục cách ly số {entry_id} (hoặc đã bỏ qua) trong "
                                "danh sách của đơn vị bạn")
        return rows

    def dismiss(self, caller: Caller, entry_id: int, reason: str) -> int:
        """Take an entry off the list with the reason (``sohoa quarantine dismiss``): every
        report of the same input, audited under the caller's name."""
        check_role(caller, OPERATORS, "bỏ một tệp bị cách ly")
        why = " ".join((reason or "").split())
        if not why:
            raise ConfigError("hãy ghi lý do bỏ qua, ví dụ: tệp gửi nhầm, đã quét lại")
        self._entry(caller, entry_id)
        return self.archive.dismiss_quarantine([entry_id], reason=why, by=caller.user)

    def retry(self, caller: Caller, entry_id: int, *, fixed: bool = False) -> dict[str, Any]:
        """Ingest an entry's file again from where it is now (``sohoa quarantine retry``),
        under the unit of the job that quarantined it. With a broker the job is queued (the
        worker that closes it settles the entry). Without one it runs in a thread of this
        server, never inside the clerk's request (a long file held the page, and the request,
        for minutes): the answer says it started, the jobs page shows it running, and when it
        ends the entry is settled and the retry audited with what became of it. One retry of
        a file at a time. ``fixed``: the person says the file now at the recorded path is the
        fixed copy of the quarantined one (``quarantinelist.settle``)."""
        check_role(caller, OPERATORS, "xử lý lại một tệp bị cách ly")
        rows = self._entry(caller, entry_id)
        paths = quarantine.paths_of(rows, [entry_id])
        row = next(r for r in rows if entry_id in r["ids"])
        unit = row.get("unit") or caller.unit or None
        outcome = {"source": str(paths[0]), "changed": bool(row.get("changed")),
                   "queued": bool(self.settings.broker), "background": False, "fixed": fixed}
        if self.settings.broker:
            from sohoa.pipeline.queue.producer import enqueue_ingest

            summary = enqueue_ingest(paths, self.settings, unit=unit, wait=False,
                                     retrying={"entries": [entry_id], "by": caller.user,
                                               "fixed": fixed})
            self._settle(caller, rows, entry_id, unit, summary, outcome)
            return outcome
        key = str(paths[0])
        with _RUNNING_LOCK:
            if key in _RUNNING:
                raise WorkflowError(f"tệp «{Path(key).name}» đang được xử lý lại; xem tiến độ "
                                    "ở trang Công việc")
            _RUNNING[key] = unit
        threading.Thread(target=self._retry_here, name=f"sohoa-retry-{entry_id}", daemon=True,
                         args=(caller, rows, entry_id, unit, paths, outcome)).start()
        return {**outcome, "background": True}

    def _retry_here(self, caller: Caller, rows: list[dict[str, Any]], entry_id: int,
                    unit: str | None, paths: list[Path], outcome: dict[str, Any]) -> None:
        from sohoa.pipeline.ingest import run_ingest
        from sohoa.pipeline.services import open_archive

        try:
            summary = run_ingest(paths, self.settings, unit=unit, by=caller.user)
            with open_archive(self.settings) as archive:
                OperatorDesk(archive, self.settings)._settle(caller, rows, entry_id, unit,
                                                             summary, outcome)
        except Exception as exc:  # a thread has nobody to raise to: the audit log says it
            log.exception("retry of quarantine entry %s failed", entry_id)
            with open_archive(self.settings) as archive:
                archive.audit("input.retried", actor=caller.user,
                              target=rows_target(rows, entry_id),
                              detail={**outcome, "entry": entry_id, "unit": unit,
                                      "error": str(exc)})
        finally:
            with _RUNNING_LOCK:
                _RUNNING.pop(str(paths[0]), None)

    def _settle(self, caller: Caller, rows: list[dict[str, Any]], entry_id: int,
                unit: str | None, summary: Any, outcome: dict[str, Any]) -> None:
        settled = quarantine.settle(self.archive, rows, [entry_id], summary.job_id,
                                    by=caller.user, fixed=bool(outcome.get("fixed")))
        outcome.update({"job_id": summary.job_id, "stored": summary.stored,
                        "duplicates": summary.duplicates, "quarantined": summary.quarantined,
                        "settled": settled})
        self.archive.audit("input.retried", actor=caller.user,
                           target=rows_target(rows, entry_id),
                           detail={**outcome, "entry": entry_id, "unit": unit})

    def dossiers(self, caller: Caller, day: date) -> list[dict[str, Any]]:
        """The dossiers received on ``day``, each with its components (name, how satisfied,
        by which document): one access-log entry per owner, as the API's listing."""
        check_role(caller, OPERATORS, "xem hồ sơ của bộ phận một cửa")
        desk = Desk(self.archive, self.settings)
        rows = desk.listing(caller, unit=None, date_from=day, date_to=day, limit=500)
        from sohoa.pipeline import dossierdesk

        return [{**r, "state": dossierdesk.show(self.archive, r["code"])} for r in rows]
