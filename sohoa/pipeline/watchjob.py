"""The hot-folder job: every file a scanner drops is ingested once, then moved out of the way.

Orchestration only. ``sohoa.scanners.watch`` finds the files that are complete and keeps the
ledger that makes each one handled exactly once (across restarts and ``kill -9``);
``run_ingest`` does the work, one file per ingest job, so that one bad file fails alone.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sohoa.errors import ConfigError
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.outcomes import DUPLICATE, QUARANTINED, WARNING, Emit, outcome_of
from sohoa.pipeline.progress import Progress
from sohoa.pipeline.services import make_document_signer
from sohoa.pipeline.settings import Settings
from sohoa.pipeline.stages import BATCH_REFUSED, PROGRAM_ERROR
from sohoa.records import Page
from sohoa.scanners.watch import Notice, Outcome, ProgramFault, WatchSettings, members, watch

RATE_WINDOW_S = 300.0  # pages per minute over the last five minutes: idle nights do not count
# With --duplex, a blank page file written within this long of the file before it, in the same
# scan session, is that page's back (a page-per-file scanner's duplex); later, or from a simplex
# scanner, it is a page that came out white: set aside to be rescanned (review13a S2).
SESSION_GAP_S = 120.0


@dataclass
class WatchReport:
    """What the watcher has done so far; the status line draws it, ``--once`` returns it."""

    folder: Path
    started: float = field(default_factory=time.monotonic)
    queue: int = 0  # files seen and not handled yet (still being written, or waiting their turn)
    current: str | None = None  # the file being ingested now
    current_pages: tuple[int, int] = (0, 0)  # (done, total) in the current file
    files_done: int = 0
    files_failed: int = 0
    pages: int = 0
    documents: int = 0
    duplicates: int = 0
    disposed: int = 0  # papers destroyed since, found again: not stored, not "stored before"
    needs_review: int = 0
    quarantined: int = 0
    # files set aside because sohoa's own code failed on them (a bug, not a bad file): the
    # command then ends with exit 1, as `sohoa ingest` does
    program_errors: int = 0
    _recent: deque[tuple[float, int]] = field(default_factory=deque, repr=False)

    def add_pages(self, n: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self.pages += n
        self._recent.append((now, n))
        while self._recent and now - self._recent[0][0] > RATE_WINDOW_S:
            self._recent.popleft()

    def pages_per_minute(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        window = min(RATE_WINDOW_S, max(now - self.started, 1.0))
        recent = sum(n for t, n in self._recent if now - t <= RATE_WINDOW_S)
        return recent / window * 60.0

    def counts(self) -> dict[str, int]:
        return {"files_done": self.files_done, "files_failed": self.files_failed,
                "queue": self.queue, "pages": self.pages, "documents": self.documents,
                "duplicates": self.duplicates, "disposed": self.disposed,
                "needs_review": self.needs_review,
                "quarantined": self.quarantined, "program_errors": self.program_errors}


Listener = Callable[[WatchReport], None]


class _FileProgress:
    """The ingest's per-page progress, turned into the watcher's counters."""

    def __init__(self, report: WatchReport, listener: Listener) -> None:
        self.report = report
        self.listener = listener

    def start(self, total: int) -> None:
        self.report.current_pages = (0, total)
        self.listener(self.report)

    def advance(self, n: int = 1) -> None:
        done, total = self.report.current_pages
        self.report.current_pages = (done + n, total)
        self.report.add_pages(n)
        self.listener(self.report)


def _after(previous: list[tuple[Page, float]], written: float | None) -> Page | None:
    """The previous top-level file's last page with content, when the file now handled (its
    modification time ``written``; None for a folder, which is a batch of its own) was written
    within ``SESSION_GAP_S`` of it. Whether it is the same scan session (the same kind of
    picture) the ingest's screen decides, page by page (``stages.PageScreen``)."""
    if written is None or not previous:
        return None
    page, before = previous[-1]
    return page if 0 <= written - before <= SESSION_GAP_S else None


def outcome_json(outcome: Outcome, stored: int, duplicates: int, pages: int,
                 program_error: bool = False) -> dict[str, Any]:
    return {"file": str(outcome.source), "outcome": "done" if outcome.ok else "failed",
            "moved_to": str(outcome.moved_to), "reason": outcome.reason, "pages": pages,
            "stored": stored, "duplicates": duplicates, "program_error": program_error}


def run_watch(folder: Path, settings: Settings, *, options: WatchSettings | None = None,
              unit: str | None = None, duplex: bool = False, once: bool = False,
              emit: Emit = lambda _: None, listener: Listener = lambda _: None,
              stop: Callable[[], bool] = lambda: False, by: str | None = None) -> WatchReport:
    """Watch ``folder`` until ``stop()`` (or, with ``once``, until nothing is left to do).
    ``by``: who runs the watch, named in the audit log's events of its jobs.

    ``emit`` gets every document event of the ingest jobs (as ``sohoa ingest --json`` prints
    them) and one outcome event per file. A problem of the machine (configuration, storage,
    signing, a worker killed, a full disk or a share gone) stops the watch with its error; the
    file it was working on stays in the folder and is redone on restart.
    """
    folder = Path(folder)
    options = options or WatchSettings()
    if not folder.is_dir():
        raise ConfigError(f"{folder} không phải thư mục: hãy tạo thư mục đó, hoặc chỉ đúng "
                          "thư mục mà máy quét ghi vào")
    # refused now, not at the first file (or after the feeder ran); an empty one too
    from sohoa.pipeline.dossierdesk import refuse_given_unit

    refuse_given_unit(settings, unit)
    # A signer that cannot sign (no key; OCSP, CRL or TSA not answering) stops the desk now,
    # once, not after the first file has been recognized; the files' ingests do not ask again
    # (a signing failure later stops the watch, and its restart checks anew).
    from sohoa.pipeline.signerstatus import check_signer_ready

    check_signer_ready(settings, make_document_signer(settings))
    report = WatchReport(folder)
    progress: Progress = _FileProgress(report, listener)
    per_file: dict[str, int] = {}
    # the last page with content of the previous top-level file and that file's mtime: a lone
    # blank file right after it, of the same scan session, is its back (``_after``)
    previous: list[tuple[Page, float]] = []

    def handle(path: Path) -> str | None:
        problems: list[str] = []
        per_file.update(stored=0, duplicates=0, pages=0, program_errors=0)
        try:
            written = path.stat().st_mtime if path.is_file() else None
        except OSError:  # gone meanwhile: the ingest says so
            written = None
        after = _after(previous, written) if duplex else None  # simplex: no file is a back
        previous.clear()  # kept again below only for a file that went through

        def on_event(event: dict[str, Any]) -> None:
            kind = outcome_of(event)
            if kind == WARNING:  # a page stored all the same: said, not counted as a document
                pass
            elif kind == QUARANTINED:
                page = event.get("page")
                where = f"trang {page + 1}" if page is not None else ""
                if str(event["error"]).startswith(BATCH_REFUSED):  # names its page file itself
                    where = ""
                elif path.is_dir():  # say which page file of the folder it was
                    where = f"{Path(event['source']).relative_to(path).as_posix()} {where}"
                problems.append(f"{where.strip()}: {event['error']}" if where.strip()
                                else str(event["error"]))
                report.quarantined += 1
            elif kind == DUPLICATE and event.get("disposed"):
                report.disposed += 1  # said by its own event line (tester11 F14)
            elif kind == DUPLICATE:
                per_file["duplicates"] += 1
                report.duplicates += 1
            else:
                per_file["stored"] += 1
                report.documents += 1
                report.needs_review += int(bool(event.get("needs_review")))
            emit(event)

        report.current = path.relative_to(folder).as_posix()
        listener(report)
        # a folder dropped in is one batch: its files are split into dossiers together, and a
        # page refused keeps the whole batch out (a scanner writes one file per page: stored
        # without it, the batch put back after the fix would store the paper a second time)
        summary = run_ingest(members(path, options), settings, unit=unit, duplex=duplex,
                             emit=on_event, progress=progress, batch=path.is_dir(),
                             check_signer=False, by=by, after=after)
        per_file["pages"] = summary.pages
        if summary.search_problem:  # stored: the file is done, the index catches up later
            emit({"file": str(path), "index_behind": summary.search_problem})
        per_file["program_errors"] = summary.program_errors  # pages sohoa's code failed on
        if summary.program_errors:  # a bug: the file is handled again once it is fixed
            raise ProgramFault("; ".join(dict.fromkeys(problems))
                               or f"{PROGRAM_ERROR}: hãy báo cho bộ phận kỹ thuật")
        if problems:
            return "; ".join(dict.fromkeys(problems))
        if summary.pages == 0:
            return ("không có trang nào đọc được trong tệp này: hãy xem lại định dạng tệp "
                    "máy quét ghi ra")
        last = summary.last_content or after  # a blank back continues the session
        if written is not None and last is not None:
            previous.append((last, written))
        if path.is_file():  # a fixed copy dropped back under its name settles its entry
            from sohoa.pipeline.quarantinelist import settle_redropped
            from sohoa.pipeline.services import open_archive

            with open_archive(settings) as archive:
                settle_redropped(archive, path, summary.job_id, by=by or "sohoa watch")
        return None

    def on_poll(waiting: int) -> None:
        report.queue = waiting
        listener(report)

    def on_notice(notice: Notice) -> None:
        emit({"file": str(notice.source), "waiting": notice.message})

    for outcome in watch(folder, handle, options, stop=stop, once=once, on_poll=on_poll,
                         on_notice=on_notice):
        # per_file is empty when the file was not handed to the ingest (already handled)
        if outcome.ok:
            report.files_done += 1
        else:
            report.files_failed += 1
        bug = outcome.program_error or bool(per_file.get("program_errors"))
        report.program_errors += int(bug)
        emit(outcome_json(outcome, per_file.get("stored", 0), per_file.get("duplicates", 0),
                          per_file.get("pages", 0), bug))
        per_file.clear()
        report.current, report.current_pages = None, (0, 0)
        listener(report)
    return report
