"""The ingest on a work queue: the same stages as ``run_ingest``, as dramatiq actors on Redis.

Message flow of one job (``broker = "redis://…"``)::

  sohoa ingest / watch      read the inputs (bad files → quarantine), put every page image in
                            the blob store, write the job on the board (``jobboard``), send one
                            analyze_page message per page: provenance + blob SHA-256, no bytes
  analyze_page(job, n, p)   stage cache hit, or blob → analyze_page → stage cache (catalog);
                            board: page n done; whoever completes the job's pages → split_job
  split_job(job)            cached analyses in scan order → dossiers → one store_dossier each
  store_dossier(job, d, …)  draft, PDF/A, sign, store_document (one transaction, keyed by the
                            pages' SHA-256s); board: dossier d done; the last one → close_job
  close_job(job)            inputs' outcomes, sync_index, finish_job in the catalog; board done

Exactly once: a message is acknowledged only after its actor returned, so a worker killed
mid-stage leaves its message unacknowledged, and Redis hands it to another worker once the dead
one's heartbeat is ``queue.heartbeat_s`` old. Every effect is idempotent under that redelivery:
page analyses are upserts keyed by the page SHA-256, documents are unique by document key (one
catalog transaction: a kill before the commit leaves only unreferenced blobs), board marks are
set members and first-write-wins hash fields, and a stage sent twice finds its work done.

Dead letters: an actor that raised is retried with backoff (Retries); on its last attempt it
does not raise but quarantines what it was working on, with the reason, and marks it done, so
the job goes on without it. A page or dossier that kills its worker (a crash in a library, the
kernel's OOM killer) never raises: Redis would hand it to the next worker forever. So every
taking of a page or dossier message is counted on the board, and one taken more often than its
attempts allow (``queue.max_retries`` + 1) is quarantined as soon as a worker takes it again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import (
    CurrentMessage,
    TimeLimit,
    TimeLimitExceeded,
    default_middleware,
)

from sohoa.archive import Archive, faults
from sohoa.doctypes import load_registry
from sohoa.errors import ConfigError, StorageError
from sohoa.pipeline.assemble import PageItem
from sohoa.pipeline.ingest import (
    DossierGrouper,
    Emit,
    IngestSummary,
    StoreContext,
    StoreOutcome,
    _read_all,
    _record_inputs,
    analyze_cached,
    mark_duplex_sides,
    page_failure,
    store_dossier,
)
from sohoa.pipeline.jobboard import FAILED, FINISHED, JobBoard
from sohoa.pipeline.progress import NoProgress, Progress
from sohoa.pipeline.services import load_type_model, make_document_signer, open_archive
from sohoa.pipeline.settings import Settings
from sohoa.pipeline.stages import PAGE_STAGE, AnalyzeOptions, PageAnalysis
from sohoa.pipeline.sync import background
from sohoa.records import Page, Quarantined
from sohoa.scanners import expand_inputs

log = logging.getLogger("sohoa.worker")

PAGES_QUEUE = "sohoa-pages"
DOCUMENTS_QUEUE = "sohoa-documents"
NAMESPACE = "sohoa-dramatiq"
# Chance per million broker commands that a worker looks for dead workers and puts their
# unacknowledged messages back (dramatiq's default, 1000, would leave a killed worker's page
# waiting for minutes at a few polls a second; the look is two cheap commands per dead worker).
MAINTENANCE_CHANCE = 100_000
# An idle consumer polls Redis with a backoff that grows to this (dramatiq's default is 1 s):
# each hand-over between stages (last page → split → dossiers → close) waits up to this long.
IDLE_POLL_MS = 250
POLL_S = 0.5

_PAGE_FIELDS = tuple(f.name for f in fields(Page) if f.name != "data")


def page_meta(page: Page) -> dict[str, Any]:
    """A page's provenance for a message: everything but the image, which is in the blobs."""
    return {name: getattr(page, name) for name in _PAGE_FIELDS}


def page_from(meta: dict[str, Any], data: bytes = b"") -> Page:
    return Page(data=data, **{k: meta[k] for k in _PAGE_FIELDS})


def check_broker_url(url: str) -> str:
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"broker URL {url!r}: sohoa's work queue runs on Redis; give "
                          "redis://host:6379/0 (or leave broker empty for in-process workers)")
    return url


def connect(url: str) -> redis.Redis:
    """A client for the broker's Redis, once it has answered (ConfigError if it does not)."""
    client = redis.Redis.from_url(check_broker_url(url), socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ConfigError(f"the broker {url} does not answer ({exc}): start Redis there, fix "
                          "broker in sohoa.toml (SOHOA_BROKER), or leave it empty to work "
                          "in-process") from exc
    return client


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeLimitExceeded):
        return "took longer than the time limit (queue.time_limit_s)"
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


class Queue:
    """The broker, the job board and the actors, for one settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        url = settings.broker
        self.board = JobBoard(connect(url))
        # dramatiq's default middleware, with TimeLimit looking at the clock ten times a second
        # instead of once, so that a limit of a few seconds is kept to within 0.1 s.
        middleware = [TimeLimit(interval=100) if m is TimeLimit else m()
                      for m in default_middleware]
        self.broker = RedisBroker(url=url, namespace=NAMESPACE, middleware=middleware,
                                  heartbeat_timeout=int(settings.queue_heartbeat_s * 1000),
                                  maintenance_chance=MAINTENANCE_CHANCE)
        self.broker.add_middleware(CurrentMessage())
        self._lock = threading.Lock()
        self._archive: Archive | None = None
        self._store_parts: tuple[Any, Any, Any] | None = None
        backoff = int(settings.queue_retry_backoff_s * 1000)
        limit = int(settings.queue_time_limit_s * 1000)
        common = {"broker": self.broker, "max_retries": settings.queue_max_retries,
                  "min_backoff": backoff, "max_backoff": backoff * 10}
        self.analyze = dramatiq.actor(self._analyze, actor_name="sohoa.analyze_page",
                                      queue_name=PAGES_QUEUE, time_limit=limit, **common)
        self.split = dramatiq.actor(self._split, actor_name="sohoa.split_job",
                                    queue_name=DOCUMENTS_QUEUE, time_limit=limit, **common)
        self.store = dramatiq.actor(self._store, actor_name="sohoa.store_dossier",
                                    queue_name=DOCUMENTS_QUEUE, time_limit=limit * 4, **common)
        self.close_job = dramatiq.actor(self._close, actor_name="sohoa.close_job",
                                        queue_name=DOCUMENTS_QUEUE, time_limit=limit, **common)

    # --- what a worker process opens once ---------------------------------------------------

    def archive(self) -> Archive:
        with self._lock:
            if self._archive is None:
                self._archive = open_archive(self.settings)
            return self._archive

    def _context(self, job_id: str, unit: str | None) -> StoreContext:
        with self._lock:
            if self._store_parts is None:
                self._store_parts = (make_document_signer(self.settings), load_registry(),
                                     load_type_model(self.settings))
            signer, registry, model = self._store_parts
        return StoreContext(self.archive(), signer, registry, self.settings, unit, model, job_id)

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None
        self.broker.close()

    # --- the actors -------------------------------------------------------------------------

    def _analyze(self, job_id: str, position: int, meta: dict[str, Any]) -> None:
        s = self.settings
        options = AnalyzeOptions(s.ocr_lang, s.ocr_timeout_s, s.code_pattern)
        log.info("job %s: page %d (%s p.%d)", job_id[:8], position, meta["source"],
                 meta["index"] + 1)
        archive = self.archive()
        reason = self._taken_too_often(job_id, self.analyze, "page")
        if reason is None:
            try:
                faults.point(f"queue.analyze_page:{meta['sha256']}")
                if archive.cache_get(PAGE_STAGE, meta["sha256"]) is None:
                    page = page_from(meta, archive.blobs.get(meta["sha256"]))
                    analyze_cached(archive, page, options)
            except (Exception, TimeLimitExceeded) as exc:
                if not self._last_attempt_of(self.analyze):
                    raise
                reason = _describe(exc)
        if reason is not None:
            log.warning("job %s: page %d quarantined: %s", job_id[:8], position, reason)
            archive.record_quarantine(job_id, page_failure(page_from(meta), reason))
            complete = self.board.page_failed(job_id, position, reason)
        else:
            complete = self.board.page_done(job_id, position)
        if complete:
            self.split.send(job_id)

    def _split(self, job_id: str) -> None:
        try:
            self._split_pages(job_id)
        except (Exception, TimeLimitExceeded) as exc:
            if not self._last_attempt_of(self.split):
                raise
            self._set_aside(job_id, f"its pages could not be put into dossiers: "
                                    f"{_describe(exc)}")

    def _set_aside(self, job_id: str, why: str) -> None:
        """The job's pages cannot go on to dossiers: quarantine every page not quarantined
        yet, with the reason, and close the job (a job left open would never finish). The
        analyses stay in the stage cache, so the same ingest run again is quick."""
        archive = self.archive()
        failed = self.board.failed(job_id)
        reason = f"{why}; run the same ingest again once this is fixed"
        log.warning("job %s: %s", job_id[:8], reason)
        for position, meta in enumerate(self.board.pages(job_id)):
            if position not in failed:
                archive.record_quarantine(job_id, Quarantined(
                    meta["source"], f"page {meta['index'] + 1}: {reason}",
                    meta["source_sha256"], meta["index"]))
                self.board.page_failed(job_id, position, reason)
        self.board.set_dossiers(job_id, 0, 0)
        self.close_job.send(job_id)

    def _split_pages(self, job_id: str) -> None:
        archive = self.archive()
        metas = self.board.pages(job_id)
        failed = self.board.failed(job_id)
        grouper = DossierGrouper(self.settings.code_pattern)
        where: dict[int, int] = {}
        dossiers: list[tuple[list[int], str | None]] = []
        blank = 0

        def add(done: tuple[list[PageItem], str | None] | None) -> None:
            if done is not None:
                dossiers.append(([where[id(item)] for item in done[0]], done[1]))

        for position, meta in enumerate(metas):
            if position in failed:
                continue
            hit = archive.cache_get(PAGE_STAGE, meta["sha256"])
            if hit is None:  # the page was marked done only after its analysis was committed
                raise StorageError(f"job {job_id}: the analysis of page {position} is not in "
                                   "the stage cache")
            item = PageItem(page_from(meta), PageAnalysis.from_json(hit))
            blank += int(item.analysis.blank)
            where[id(item)] = position
            add(grouper.add(item))
        add(grouper.close())
        self.board.set_dossiers(job_id, len(dossiers), blank)
        log.info("job %s: %d dossier(s)", job_id[:8], len(dossiers))
        for number, (positions, code) in enumerate(dossiers):
            self.store.send(job_id, number, positions, code)
        if not dossiers:
            self.close_job.send(job_id)

    def _store(self, job_id: str, number: int, positions: list[int], code: str | None) -> None:
        if self.board.has_dossier(job_id, number):  # redelivered after it was recorded
            if self.board.dossiers_complete(job_id):
                self.close_job.send(job_id)
            return
        log.info("job %s: dossier %d (%s, %d pages)", job_id[:8], number, code, len(positions))
        archive = self.archive()
        metas = self.board.pages(job_id)
        why = self._taken_too_often(job_id, self.store, "dossier")
        if why is None:
            try:
                events = self._store_items(archive, job_id, positions, metas, code)
            except (Exception, TimeLimitExceeded) as exc:
                if not self._last_attempt_of(self.store):
                    raise
                why = _describe(exc)
        if why is not None:
            reason = f"dossier {code or '(no code)'} could not be stored: {why}"
            log.warning("job %s: %s", job_id[:8], reason)
            events = []
            for position in positions:
                meta = metas[position]
                item = Quarantined(meta["source"], reason, meta["source_sha256"], meta["index"])
                archive.record_quarantine(job_id, item)
                events.append({"error": reason, "source": item.source, "page": item.page_index,
                               "sha256": item.sha256})
        self._sync_index(archive)  # searchable now, not only when the whole job is done
        if self.board.dossier_done(job_id, number, events):
            self.close_job.send(job_id)

    def _store_items(self, archive: Archive, job_id: str, positions: list[int],
                     metas: list[dict[str, Any]], code: str | None) -> list[dict[str, Any]]:
        items = []
        for position in positions:
            meta = metas[position]
            hit = archive.cache_get(PAGE_STAGE, meta["sha256"])
            if hit is None:
                raise StorageError(f"job {job_id}: the analysis of page {position} is not "
                                   "in the stage cache")
            items.append(PageItem(page_from(meta, archive.blobs.get(meta["sha256"])),
                                  PageAnalysis.from_json(hit)))
        unit = self.board.info(job_id).get("unit")
        outcomes = store_dossier(items, code, self._context(job_id, unit))
        return [self._event(o, job_id) for o in outcomes]

    def _event(self, outcome: StoreOutcome, job_id: str) -> dict[str, Any]:
        """The document's event; a document this very job stored before a worker died (and
        its message came again) still counts as stored by this job, not as a duplicate."""
        if outcome.created or outcome.record is not None:
            return outcome.event()
        doc = self.archive().get_document(outcome.document_id)
        if doc["extra"].get("job_id") != job_id:
            return outcome.event()
        return {"document_id": doc["document_id"], "dossier_code": doc["dossier_code"],
                "doc_type": doc["doc_type"], "title": doc["title"], "owner_id": doc["owner_id"],
                "fields": doc["fields"], "pages": doc["pages"],
                "blank_pages": doc["extra"].get("blank_pages", []),
                "confidence": doc["confidence"], "needs_review": doc["needs_review"],
                "review_reasons": doc["review_reasons"], "signature": doc["signature"],
                "sha256": doc["pdf"]["sha256"], "created": True, "resumed": True}

    def _close(self, job_id: str) -> None:
        try:
            self._close_job(job_id)
        except (Exception, TimeLimitExceeded) as exc:
            if not self._last_attempt_of(self.close_job):
                raise
            # What was stored stays stored (and counted in the catalog); the job is marked
            # failed on the board so that whoever follows it stops waiting and says why.
            reason = f"the job could not be closed: {_describe(exc)}"
            log.error("job %s: %s", job_id[:8], reason)
            self.board.fail(job_id, reason)

    def _close_job(self, job_id: str) -> None:
        info = self.board.info(job_id)
        if info.get("status") == FINISHED:
            return
        archive = self.archive()
        metas = self.board.pages(job_id)
        summary = IngestSummary(job_id=job_id, files=int(info.get("files", 0)),
                                pages=len(metas), blank_pages=int(info.get("blank_pages", 0)),
                                dossiers=int(info.get("dossiers", 0)),
                                quarantined=int(info.get("quarantined", 0)))
        created_from: set[str] = set()
        failed = self.board.failed(job_id)
        summary.quarantined += len(failed)
        for _, events in sorted(self.board.results(job_id).items()):
            for event in events:
                if "error" in event:
                    summary.quarantined += 1
                    continue
                summary.document_ids.append(event["document_id"])
                if event.get("created"):
                    summary.stored += 1
                    summary.needs_review += int(bool(event.get("needs_review")))
                    created_from.update(p["source"] for p in event["pages"])
                else:
                    summary.duplicates += 1
        _record_inputs(archive, job_id, [page_from(m) for m in metas], created_from)
        self._sync_index(archive)
        summary.seconds = round(time.time() - float(info.get("started", time.time())), 2)
        if archive.get_job(job_id)["status"] != "finished":
            archive.finish_job(job_id, summary.counts())
        self.board.finish(job_id, {**summary.counts(), "document_ids": summary.document_ids})
        log.info("job %s finished: %s", job_id[:8], summary.counts())

    @staticmethod
    def _sync_index(archive: Archive) -> None:
        """Bring the search index in step. The documents are committed already and the outbox
        keeps what is not indexed yet (every search and every later job drains it), so an
        index that cannot be reached now must not send the job round the retries."""
        try:
            archive.sync_index()
        except Exception as exc:
            log.warning("search index not brought in step (the outbox keeps the changes): %s",
                        _describe(exc))

    def _taken_too_often(self, job_id: str, actor: Any, what: str) -> str | None:
        """Count this taking of the current message; the quarantine reason if it has been
        taken more often than its attempts allow (the workers before stopped without an
        answer), else None."""
        message = CurrentMessage.get_current_message()
        if message is None:
            return None
        taken = self.board.attempt(job_id, message.message_id)
        retries = int(message.options.get("retries", 0))
        allowed = int(message.options.get("max_retries", actor.options.get("max_retries", 0)))
        if taken <= allowed + 1:
            return None
        stopped = taken - 1 - retries
        return (f"a worker stopped {stopped} time(s) while working on this {what}, without an "
                "answer (it crashed, ran out of memory or was killed); set aside so that the "
                "rest of the job can finish. Check the workers' logs and memory before "
                "scanning it again")

    def _last_attempt_of(self, actor: Any) -> bool:
        message = CurrentMessage.get_current_message()
        if message is None:
            return True
        limit = message.options.get("max_retries", actor.options.get("max_retries", 0))
        return int(message.options.get("retries", 0)) >= int(limit)


# --- the producer side: sohoa ingest / watch with a broker -----------------------------------


def run_queued_ingest(paths: Sequence[Path], settings: Settings, *, unit: str | None = None,
                      duplex: bool = False, emit: Emit = lambda _: None,
                      progress: Progress | None = None, wait: bool = True) -> IngestSummary:
    """Enqueue an ingest job for ``sohoa worker`` processes; with ``wait``, follow it to its
    end, emitting the same events as the in-process ingest."""
    started = time.monotonic()
    unit = unit if unit is not None else settings.unit
    queue = Queue(settings)
    try:
        summary = IngestSummary()
        files = expand_inputs(paths)
        summary.files = len(files)
        with open_archive(settings) as archive:
            summary.job_id = archive.start_job([str(f) for f in files], unit)
            pages = _read_all(files, archive, summary.job_id, emit, summary,
                              settings.scan_colour)
            if duplex:
                pages = mark_duplex_sides(pages)
            for page in pages:  # the page images travel through the blob store, not Redis
                archive.blobs.put(page.data)
        summary.pages = len(pages)
        metas = [page_meta(p) for p in pages]
        queue.board.create(summary.job_id, metas, {"files": summary.files, "unit": unit or None,
                                                    "quarantined": summary.quarantined})
        for position, meta in enumerate(metas):
            queue.analyze.send(summary.job_id, position, meta)
        if not metas:
            queue.split.send(summary.job_id)
        if not wait:
            summary.seconds = round(time.monotonic() - started, 2)
            return summary
        return follow_job(queue.board, summary, emit, progress or NoProgress(), started)
    finally:
        queue.close()


def follow_job(board: JobBoard, summary: IngestSummary, emit: Emit, progress: Progress,
               started: float, poll_s: float = POLL_S) -> IngestSummary:
    """Wait for a queued job, advancing ``progress`` and emitting each page quarantined and
    each document stored as the workers report them."""
    job_id = summary.job_id
    progress.start(summary.pages)
    shown_pages = 0
    shown_failed: set[int] = set()
    shown_dossiers: set[int] = set()
    metas: list[dict[str, Any]] | None = None
    while True:
        snap = board.snapshot(job_id)
        accounted = snap["pages_done"] + snap["pages_failed"]
        if accounted > shown_pages:
            progress.advance(accounted - shown_pages)
            shown_pages = accounted
        if snap["pages_failed"] > len(shown_failed):
            metas = metas if metas is not None else board.pages(job_id)
            for position, reason in sorted(board.failed(job_id).items()):
                if position not in shown_failed:
                    shown_failed.add(position)
                    meta = metas[position]
                    emit({"error": reason, "source": meta["source"], "page": meta["index"],
                          "sha256": meta["source_sha256"]})
        if snap["dossiers_done"] > len(shown_dossiers):
            for number, events in sorted(board.results(job_id).items()):
                if number not in shown_dossiers:
                    shown_dossiers.add(number)
                    for event in events:
                        emit(event)
        if snap["status"] == FINISHED:
            break
        if snap["status"] == FAILED:
            raise StorageError(
                f"job {job_id}: {snap['error']}. Documents stored so far are kept; run the "
                "same command again to finish the job (pages already read are not read again)")
        time.sleep(poll_s)
    done = snap["summary"] or {}
    for key in ("blank_pages", "dossiers", "stored", "duplicates", "quarantined", "needs_review"):
        setattr(summary, key, int(done.get(key, 0)))
    summary.document_ids = list(done.get("document_ids", []))
    summary.seconds = round(time.monotonic() - started, 2)
    return summary


def queue_status(settings: Settings, jobs: int = 5) -> dict[str, Any]:
    """Queue lengths, live workers and the recent jobs, from the broker (any machine)."""
    url = settings.broker
    client = connect(url)
    ns = NAMESPACE
    queues = {}
    for name in (PAGES_QUEUE, DOCUMENTS_QUEUE):
        queues[name] = {"waiting": client.llen(f"{ns}:{name}"),
                        "in_progress_or_waiting": client.hlen(f"{ns}:{name}.msgs"),
                        "retrying": client.hlen(f"{ns}:{name}.DQ.msgs"),
                        "dead_lettered": client.zcard(f"{ns}:{name}.XQ")}
    now_ms = time.time() * 1000
    alive = client.zcount(f"{ns}:__heartbeats__", now_ms - settings.queue_heartbeat_s * 1000,
                          "+inf")
    return {"broker": url, "workers": alive, "queues": queues,
            "jobs": JobBoard(client).recent(jobs)}


# --- the worker side: sohoa worker ------------------------------------------------------------


def run_worker(settings: Settings, *, processes: int = 1, threads: int = 1,
               stop: Callable[[], bool] = lambda: False) -> None:
    """Run ``processes`` worker processes of ``threads`` threads until SIGINT/SIGTERM (or
    ``stop()``). One process runs here; more are forked children that follow the parent."""
    check_broker_url(settings.broker)
    if processes <= 1:
        _worker_process(settings, threads, None, stop)
        return
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_worker_process, name=f"sohoa-worker-{i + 1}",
                                args=(settings, threads, os.getpid(), lambda: False))
                for i in range(processes)]
    for child in children:
        child.start()
    halt = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        halt.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not halt.wait(0.5) and not stop() and any(c.is_alive() for c in children):
            pass
    finally:
        for child in children:
            if child.is_alive() and child.pid is not None:
                os.kill(child.pid, signal.SIGTERM)
        for child in children:
            child.join()
        for s, handler in previous.items():
            signal.signal(s, handler)


def _worker_process(settings: Settings, threads: int, parent: int | None,
                    stop: Callable[[], bool]) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one page per thread; Tesseract must not fan out
    # The worker's own lines (a page, a dossier, a job) and dramatiq's warnings (retries);
    # not the libraries' chatter (fontTools reports every subset it makes at INFO).
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(process)d %(name)s "
                        "%(levelname)s %(message)s")
    log.setLevel(logging.INFO)
    queue = Queue(settings)
    # What dramatiq's own CLI announces once a worker process is up: TimeLimit starts the
    # thread that interrupts messages past their limit only on this signal.
    queue.broker.emit_after("process_boot")
    worker = dramatiq.Worker(queue.broker, worker_threads=threads, worker_timeout=IDLE_POLL_MS)
    # One message per thread at a time: a page takes seconds, so prefetching more would only
    # leave pages waiting behind a busy worker while another one idles.
    worker.queue_prefetch = threads
    halt = threading.Event()
    in_main = threading.current_thread() is threading.main_thread()
    previous = {}
    if in_main:
        def on_signal(signum: int, _frame: Any) -> None:
            halt.set()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    worker.start()
    # Events for the one-stop system / portal leave from every worker, as they are stored.
    sync_sender = background(settings, lambda: open_archive(settings), halt)
    log.info("worker %d up: %d thread(s), broker %s", os.getpid(), threads,
             redis.Redis.from_url(settings.broker).connection_pool.connection_kwargs.get("host"))
    try:
        while not halt.wait(0.5) and not stop():
            if parent is not None and os.getppid() != parent:
                break  # the parent was killed: do not linger as an orphan
    finally:
        # Stop taking messages, finish the ones in hand, put prefetched ones back.
        worker.stop(timeout=int(settings.queue_time_limit_s * 1000))
        halt.set()
        if sync_sender is not None:
            sync_sender.join(timeout=30)
        queue.close()
        for s, handler in previous.items():
            signal.signal(s, handler)
