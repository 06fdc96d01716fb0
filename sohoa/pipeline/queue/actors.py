"""The queued ingest's actors: thin over the stage functions, one stage per message.

The bodies do the stage and mark the board; they never catch: a failure is retried by dramatiq's
``Retries`` and, when the message gives up (``policy``), ``give_up`` takes over here.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import dramatiq

from sohoa.archive import Archive, faults
from sohoa.doctypes import load_registry
from sohoa.errors import SigningError
from sohoa.pipeline.analysis import AnalyzeOptions
from sohoa.pipeline.assemble import PageItem
from sohoa.pipeline.health import index_in_step
from sohoa.pipeline.jobboard import FAILED, FINISHED, JobBoard
from sohoa.pipeline.knownfiles import remembered
from sohoa.pipeline.outcomes import Event, IngestSummary, stored_document_json
from sohoa.pipeline.queue.broker import DOCUMENTS_QUEUE, PAGES_QUEUE, connect, make_broker
from sohoa.pipeline.queue.messages import TEXT_PDF, page_from, page_meta, with_text_pdf
from sohoa.pipeline.queue.policy import (
    GIVE_UP,
    MACHINE,
    MACHINE_CAUSES,
    MESSAGE_BUG,
    REASON,
    describe,
)
from sohoa.pipeline.services import load_type_model, make_document_signer, open_archive
from sohoa.pipeline.settings import Settings
from sohoa.pipeline.stages import (
    PROGRAM_ERROR,
    StoreContext,
    StoreOutcome,
    analysed_item,
    analyze_cached,
    cached_analysis,
    group_dossiers,
    page_failure,
    program_error_reason,
    quarantine,
    record_inputs,
    screen_pages,
    store_dossier,
    stored_dossier,
)
from sohoa.records import Page, Quarantined

log = logging.getLogger("sohoa.worker")

ANALYZE, SPLIT, STORE, CLOSE = ("sohoa.analyze_page", "sohoa.split_job", "sohoa.store_dossier",
                                "sohoa.close_job")
GIVE_UP_LIMIT_MS = 60_000
GIVE_UP_RETRIES = 3
# the messages whose takings are counted, and what each holds (for the quarantine reason)
COUNTED = {ANALYZE: "page", STORE: "dossier"}


class Queue:
    """The broker, the job board and the actors, for one settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.board = JobBoard(connect(settings.broker))
        self.broker = make_broker(settings, self.board, COUNTED)
        self._lock = threading.Lock()
        self._archive: Archive | None = None
        self._store_parts: tuple[Any, Any] | None = None
        self._signers: dict[str | None, Any] = {}  # per officer a job names (None: none)
        # An officer whose key failed to open in this process: a wrong PIN tried again for
        # every dossier and retry locks the officer's USB token after a few attempts.
        self._key_failures: dict[str | None, SigningError] = {}
        backoff = int(settings.queue_retry_backoff_s * 1000)
        limit = int(settings.queue_time_limit_s * 1000)
        retries = {"broker": self.broker, "max_retries": settings.queue_max_retries,
                   "min_backoff": backoff, "max_backoff": backoff * 10}
        max_retries = settings.queue_max_retries

        def retry_when(attempts: int, exc: BaseException) -> bool:
            # A key that does not open will not open on a retry either (and a token counts
            # every wrong PIN): the message gives up at once and the job stops with why.
            return not isinstance(exc, SigningError) and attempts < max_retries

        common = {**retries, "on_retry_exhausted": GIVE_UP, "retry_when": retry_when}

        def actor(fn: Any, name: str, queue: str, time_limit: int, **options: Any) -> Any:
            return dramatiq.actor(fn, actor_name=name, queue_name=queue, time_limit=time_limit,
                                  **options)

        self.analyze = actor(self._analyze, ANALYZE, PAGES_QUEUE, limit, **common)
        self.split = actor(self._as_runner(self._split), SPLIT, DOCUMENTS_QUEUE, limit,
                           **common)
        self.store = actor(self._as_runner(self._store), STORE, DOCUMENTS_QUEUE, limit * 4,
                           **common)
        self.close_job = actor(self._as_runner(self._close), CLOSE, DOCUMENTS_QUEUE, limit,
                               **common)
        # A give-up is a few catalog and board writes that must happen for the job to end: it
        # is not held to a page's time limit (a test sets 0.2 s) and gets a few retries even
        # when pages get none; one that still fails stays in dramatiq's dead letters.
        self.give_up = actor(self._give_up, GIVE_UP, DOCUMENTS_QUEUE, max(limit, GIVE_UP_LIMIT_MS),
                             **{**retries, "max_retries": max(settings.queue_max_retries,
                                                              GIVE_UP_RETRIES)})

    # --- what a worker process opens once ---------------------------------------------------

    def archive(self) -> Archive:
        with self._lock:
            if self._archive is None:
                self._archive = open_archive(self.settings)
            return self._archive

    def _context(self, job_id: str, unit: str | None, officer: str | None) -> StoreContext:
        with self._lock:
            if self._store_parts is None:
                self._store_parts = (load_registry(), load_type_model(self.settings))
            registry, model = self._store_parts
            # Desk digitization is signed by the officer whose desk enqueued the job, with
            # that officer's key as this worker's config finds it (a PKCS#11 HSM slot, or a
            # PKCS#12 file), never by whoever runs the worker.
            if officer in self._key_failures:
                raise SigningError(str(self._key_failures[officer]))
            if officer not in self._signers:
                try:
                    self._signers[officer] = make_document_signer(self.settings, officer)
                except SigningError as exc:
                    self._key_failures[officer] = SigningError(
                        f"{exc} (máy xử lý này không thử lại khóa này nữa: sửa xong thì khởi "
                        "động lại sohoa worker)")
                    raise self._key_failures[officer] from exc
            signer = self._signers[officer]
        return StoreContext(self.archive(), signer, registry, self.settings, unit, model, job_id)

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None
        self.broker.close()

    # --- who the job's events name -----------------------------------------------------------

    @contextmanager
    def _acting(self, job_id: str) -> Iterator[None]:
        """The audit events written while handling a message of ``job_id`` (stored documents,
        quarantined inputs, the job finished or stopped) name who ran the job (the board's
        ``by``: `sohoa ingest`, watch, scan, a retry), in this thread only: the worker's one
        archive serves several people's jobs at once."""
        by = self.board.info(job_id).get("by")
        archive: Archive | None = None
        if by:
            try:
                archive = self.archive()
            except Exception:
                # A catalog locked or gone cannot be opened to name anyone; the handler, which
                # needs it too, meets that fault itself and deals with it as ever (a give-up
                # marks the job failed on the board without the catalog): naming who ran the
                # job must never be what stops a job from ending (the producer would wait).
                archive = None
        if archive is None:
            yield
            return
        with archive.acting_as(str(by)):
            yield

    def _as_runner(self, fn: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(fn)
        def run(job_id: str, *args: Any, **kwargs: Any) -> None:
            with self._acting(job_id):
                fn(job_id, *args, **kwargs)
        return run

    # --- the actors -------------------------------------------------------------------------

    def _analyze(self, job_id: str, position: int, meta: dict[str, Any]) -> None:
        s = self.settings
        log.info("job %s: page %d (%s p.%d)", job_id[:8], position, meta["source"],
                 meta["index"] + 1)
        archive = self.archive()
        faults.point(f"queue.analyze_page:{meta['sha256']}")
        if cached_analysis(archive, meta["sha256"]) is None:  # else: no need for the image
            page = with_text_pdf(page_from(meta, archive.blobs.get(meta["sha256"])), meta,
                                 archive.blobs)
            analyze_cached(archive, page, AnalyzeOptions(s.ocr_lang, s.ocr_timeout_s,
                                                         s.code_pattern))
        if self.board.page_done(job_id, position):
            self.split.send(job_id)

    def _split(self, job_id: str) -> None:
        archive = self.archive()
        failed = self.board.failed(job_id)
        items: list[PageItem | tuple[Page, str]] = []
        where: dict[int, int] = {}
        positions: dict[tuple[str, int], int] = {}
        for position, meta in enumerate(self.board.pages(job_id)):
            positions[(meta["source"], meta["index"])] = position
            if position in failed:
                # a page given up (its recognizer raised, or it stopped its workers): its
                # whole file goes with it (PageScreen.refuse), never a document missing it
                items.append((page_from(meta), failed[position]))
                continue
            item = analysed_item(archive, page_from(meta), f"lô {job_id}, trang {position}")
            where[id(item)] = position
            items.append(item)
        admitted: list[PageItem] = []
        info = self.board.info(job_id)
        after = page_from(info["after"]) if info.get("after") else None
        for kept in screen_pages(items, bool(info.get("batch")), after):
            if isinstance(kept, Quarantined):  # a refused page, or every page of a blank file
                archive.record_quarantine(job_id, kept)
                for (source, index), position in positions.items():
                    if source == kept.source and kept.page_index in (None, index):
                        self.board.page_failed(job_id, position, kept.reason)
            else:
                admitted.append(kept)
        dossiers = group_dossiers(admitted, self.settings.code_pattern)
        blank = sum(int(item.analysis.blank) for item in admitted)
        last = next((it.page for it in reversed(admitted) if not it.analysis.blank), None)
        self.board.set_dossiers(job_id, len(dossiers), blank,
                                page_meta(last) if last is not None else None)
        log.info("job %s: %d dossier(s)", job_id[:8], len(dossiers))
        for number, (members, code) in enumerate(dossiers):
            # pages with no code before a sheet, or behind a receipt whose code was not read:
            # asked about; a batch with no sheet at all is a loose paper
            self.store.send(job_id, number, [where[id(item)] for item in members], code,
                            code is None and len(dossiers) > 1)
        if not dossiers:
            self.close_job.send(job_id)

    def _store(self, job_id: str, number: int, positions: list[int], code: str | None,
               sheet_follows: bool = False) -> None:
        if self._already_recorded(job_id, number):
            return
        if self.board.info(job_id).get("status") == FAILED:
            # The job stopped (a key that does not open, a store gone): its other dossiers
            # are not signed or stored now; the same ingest run again does them.
            log.info("job %s: dossier %d not stored: the job has stopped", job_id[:8], number)
            return
        faults.point(f"queue.store_dossier:{number}")
        log.info("job %s: dossier %d (%s, %d pages)", job_id[:8], number, code, len(positions))
        archive = self.archive()
        metas = self.board.pages(job_id)
        # The pages without their images first: a dossier stored before from exactly these
        # pages (a re-run of an interrupted ingest) is answered from the stage cache, as
        # in-process, without fetching an image, drafting or opening a signing key.
        items = [analysed_item(archive, page_from(metas[p]), f"lô {job_id}, trang {p}")
                 for p in positions]
        again = stored_dossier(items, code, archive)
        if again is not None:
            events = [self._again(event, job_id) for event in again]
        else:
            # blank pages of a known file have no blob (never stored): stages._store fetches
            # what a document needs (knownfiles.materialize)
            items = [replace(it, page=page_from(metas[p], archive.blobs.get(metas[p]["sha256"])))
                     if archive.blobs.exists(metas[p]["sha256"]) else it
                     for it, p in zip(items, positions, strict=True)]
            info = self.board.info(job_id)
            outcomes = store_dossier(items, code, self._context(job_id, info.get("unit"),
                                                                 info.get("officer")),
                                     sheet_follows=sheet_follows)
            events = [self._event(o, job_id) for o in outcomes]
        self._dossier_done(job_id, number, events, positions)
        self._remember_files(job_id, metas, positions)

    def _already_recorded(self, job_id: str, number: int) -> bool:
        """A dossier message redelivered after its outcome was recorded does nothing more than
        pass the join on (the close may not have been sent)."""
        if not self.board.has_dossier(job_id, number):
            return False
        if self.board.dossiers_complete(job_id):
            self.close_job.send(job_id)
        return True

    def _dossier_done(self, job_id: str, number: int, events: list[Event],
                      stored: list[int] | None = None) -> None:
        """``stored``: the dossier's page positions, when its documents are stored (not when
        it was given up)."""
        _sync_index(self.archive())  # searchable now, not only when the whole job is done
        if self.board.dossier_done(job_id, number, events, stored or ()):
            self.close_job.send(job_id)

    def _remember_files(self, job_id: str, metas: list[dict[str, Any]],
                        positions: list[int]) -> None:
        """Each input file of this dossier whose pages are all in stored dossiers now is known
        at once (``known_inputs``), as in-process: a job killed later still has its finished
        files known, and a re-run skips them before a page is decoded. A file with a page
        quarantined is never complete here (and ``remember_input`` refuses it anyway). The
        board's mark is written before this reads it, so of two dossiers of one file stored
        at once on two workers, the later one sees both."""
        stored = self.board.stored_pages(job_id)
        for source in {metas[p]["source"] for p in positions}:
            mine = [n for n, meta in enumerate(metas) if meta["source"] == source]
            if all(n in stored for n in mine):
                pages = [page_from(metas[n]) for n in mine]
                self.archive().remember_input(job_id, pages[0].source_sha256,
                                              remembered(pages))

    def _again(self, event: Event, job_id: str) -> Event:
        """A document of a dossier answered from the stage cache: stored by this very job
        (before a worker died and its message came again), it counts as stored by the job."""
        doc = self.archive().get_document(event["document_id"])
        return stored_document_json(doc) if doc["extra"].get("job_id") == job_id else event

    def _event(self, outcome: StoreOutcome, job_id: str) -> Event:
        """The document's event; a document this very job stored before a worker died (and
        its message came again) still counts as stored by this job, not as a duplicate."""
        if outcome.created or outcome.record is not None:
            return outcome.event()
        doc = self.archive().get_document(outcome.document_id)
        if doc["extra"].get("job_id") != job_id:
            return outcome.event()
        return stored_document_json(doc)

    def _close(self, job_id: str) -> None:
        info = self.board.info(job_id)
        if info.get("status") == FINISHED:
            return
        archive = self.archive()
        metas = self.board.pages(job_id)
        summary = IngestSummary(job_id=job_id, files=int(info.get("files", 0)),
                                pages=len(metas), blank_pages=int(info.get("blank_pages", 0)),
                                dossiers=int(info.get("dossiers", 0)),
                                quarantined=int(info.get("quarantined", 0)))
        failed = self.board.failed(job_id)
        summary.quarantined += len(failed)
        summary.program_errors = sum(PROGRAM_ERROR in why for why in failed.values())
        for position, why in failed.items():
            if position < len(metas):
                summary.quarantined_from.setdefault(metas[position]["source"], why)
        for _, events in sorted(self.board.results(job_id).items()):
            for event in events:
                summary.count(event)
        record_inputs(archive, job_id, [page_from(m) for m in metas], summary,
                      with_images=False)
        # the drawn pages' one-page PDFs only travelled to the analysis (cached now)
        archive.drop_unreferenced([m[TEXT_PDF] for m in metas if m.get(TEXT_PDF)])
        # an index down is said to the desk (the summary on the board), not fatal
        index_in_step(archive, summary, self.settings.search)
        summary.seconds = round(time.time() - float(info.get("started", time.time())), 2)
        if archive.get_job(job_id)["status"] != "finished":
            archive.finish_job(job_id, summary.counts())
        retrying = info.get("retrying")
        if isinstance(retrying, dict):  # a retry queued from the web: its entries, if stored
            from sohoa.pipeline.quarantinelist import entries, settle

            settle(archive, entries(archive), [int(i) for i in retrying["entries"]], job_id,
                   by=str(retrying["by"]), fixed=bool(retrying.get("fixed")))
        self.board.finish(job_id, {**summary.counts(), "document_ids": summary.document_ids,
                                   "search_waiting": summary.search_waiting,
                                   "search_problem": summary.search_problem})
        log.info("job %s finished: %s", job_id[:8], summary.counts())

    # --- giving up --------------------------------------------------------------------------

    def _give_up(self, message: dict[str, Any], _retries: dict[str, Any]) -> None:
        """A message that will not succeed (``policy``): what it held is set aside with the
        reason, and the job goes on without it."""
        with self._acting(message["args"][0]):
            self._give_up_as_runner(message)

    def _give_up_as_runner(self, message: dict[str, Any]) -> None:
        reason = message["options"].get(REASON) or "lần thử nào cũng không thành công"
        cause = message["options"].get(MACHINE)
        if cause:
            self._machine_given_up(message["args"][0], reason=reason, cause=cause)
            return
        if message["actor_name"] == ANALYZE:
            self._page_given_up(*message["args"], reason=reason,
                                bug=message["options"].get(MESSAGE_BUG) or "")
            return
        handler = {SPLIT: self._split_given_up, STORE: self._dossier_given_up,
                   CLOSE: self._close_given_up}
        handler[message["actor_name"]](*message["args"], reason=reason, **message["kwargs"])

    def _page_given_up(self, job_id: str, position: int, meta: dict[str, Any], *,
                       reason: str, bug: str = "") -> None:
        """The page is marked failed with why; the split then quarantines its whole file
        (every page of it, this one included), as the in-process executor does. ``bug``: the
        exception's type when sohoa's own code failed on the page (the reason says so, and
        the job's summary counts it: exit 1)."""
        page = page_from(meta)
        why = (program_error_reason(page.index, bug, reason) if bug
               else page_failure(page, reason).reason)
        log.warning("job %s: page %d set aside: %s", job_id[:8], position, why)
        if self.board.page_failed(job_id, position, why):
            self.split.send(job_id)

    def _split_given_up(self, job_id: str, *, reason: str) -> None:
        """The job's pages cannot go on to dossiers: quarantine every page not quarantined
        yet, with the reason, and close the job (a job left open would never finish). The
        analyses stay in the stage cache, so the same ingest run again is quick."""
        archive = self.archive()
        failed = self.board.failed(job_id)
        why = (f"không chia được các trang vào hồ sơ: {reason}; khắc phục xong thì chạy lại "
               "đúng lệnh nạp này")
        log.warning("job %s: %s", job_id[:8], why)
        for position, meta in enumerate(self.board.pages(job_id)):
            # a page given up before is recorded with its own reason (only the split records
            # given-up pages, and it did not get that far)
            archive.record_quarantine(job_id, Quarantined(
                meta["source"], failed.get(position) or f"trang {meta['index'] + 1}: {why}",
                meta["source_sha256"], meta["index"]))
            if position not in failed:
                self.board.page_failed(job_id, position, why)
        self.board.set_dossiers(job_id, 0, 0)
        self.close_job.send(job_id)

    def _dossier_given_up(self, job_id: str, number: int, positions: list[int],
                          code: str | None, sheet_follows: bool = False, *,
                          reason: str) -> None:
        """Takes the ``store_dossier`` message's own arguments (``sheet_follows`` included:
        a signature behind the message's made the give-up itself fail, tester14 F2)."""
        del sheet_follows  # where the sheet is does not change what is set aside
        if self._already_recorded(job_id, number):
            return
        why = f"không lưu được hồ sơ {code or '(không có mã)'}: {reason}"
        log.warning("job %s: %s", job_id[:8], why)
        archive, metas = self.archive(), self.board.pages(job_id)
        events = [quarantine(archive, job_id, Quarantined(
            metas[p]["source"], why, metas[p]["source_sha256"], metas[p]["index"]))
            for p in positions]
        self._dossier_done(job_id, number, events)

    def _machine_given_up(self, job_id: str, *, reason: str, cause: str | bool = True) -> None:
        """The last attempt failed on the machine (the catalog locked past its wait or gone, a
        full disk, a store that does not answer): that is no statement about the page or
        dossier, so nothing is quarantined (a dossier-code sheet set aside would file its
        papers under a made-up dossier for good). The job stops with the reason; the same
        ingest run again finds every analysed page in the cache and every stored document.
        ``cause``: what failed (``policy.MACHINE_CAUSES``), named to the clerk."""
        what = MACHINE_CAUSES.get(cause if isinstance(cause, str) else "storage",
                                  MACHINE_CAUSES["storage"])
        why = f"công việc dừng vì {what} ({reason})"
        log.error("job %s: %s", job_id[:8], why)
        self.board.fail(job_id, why)
        self._fail_in_catalog(job_id, why)

    def _fail_in_catalog(self, job_id: str, why: str) -> None:
        """The catalog's job says it stopped, and why, at once (``sohoa jobs``, the web's jobs
        page), not "running" for ever: best effort, the catalog may be what failed."""
        try:
            # the reason's own closing period is not doubled ("…không.. Khắc phục")
            self.archive().fail_job(job_id, f"{why.rstrip().rstrip('.')}. Khắc phục rồi chạy "
                                    "lại đúng lệnh nạp: trang đã đọc không phải đọc lại, "
                                    "tài liệu đã lưu không lưu hai lần")
        except Exception as exc:
            log.warning("job %s not marked stopped in the catalog: %s", job_id[:8],
                        describe(exc))

    def _close_given_up(self, job_id: str, *, reason: str) -> None:
        # What was stored stays stored (and counted in the catalog); the job is marked
        # failed on the board so that whoever follows it stops waiting and says why.
        why = f"không đóng được lô: {reason}"
        log.error("job %s: %s", job_id[:8], why)
        self.board.fail(job_id, why)
        self._fail_in_catalog(job_id, f"không đóng được lô ({reason})")


def _sync_index(archive: Archive) -> None:
    """Bring the search index in step. The documents are committed already and the outbox
    keeps what is not indexed yet (every search and every later job drains it), so an index
    that cannot be reached now must not send the job round the retries."""
    try:
        archive.sync_index()
    except Exception as exc:
        log.warning("search index not brought in step (the outbox keeps the changes): %s",
                    describe(exc))
