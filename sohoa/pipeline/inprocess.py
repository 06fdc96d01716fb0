"""The in-process executor: the ingest's stages on a pool of worker processes beside the clerk.

Pages are recognized in worker processes (one Tesseract engine each, kept between pages) while
this process, which owns the catalog, the signer and the order of pages, groups them into
dossiers and stores each dossier as soon as the next dossier's code sheet shows it complete.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sohoa.archive import Archive
from sohoa.doctypes import load_registry
from sohoa.errors import WorkerDiedError
from sohoa.pipeline.analysis import AnalyzeOptions, PageAnalysis
from sohoa.pipeline.assemble import PageItem
from sohoa.pipeline.health import index_in_step
from sohoa.pipeline.jobstate import job_running
from sohoa.pipeline.knownfiles import FileTracker, is_placeholder, materialize
from sohoa.pipeline.outcomes import Emit, Event, IngestSummary
from sohoa.pipeline.progress import NoProgress, Progress
from sohoa.pipeline.services import load_type_model, make_document_signer, open_archive
from sohoa.pipeline.settings import Settings, worker_log
from sohoa.pipeline.signerstatus import readiness_check
from sohoa.pipeline.stages import (
    PROGRAM_ERROR,
    Dossier,
    DossierGrouper,
    IngestJob,
    PageScreen,
    StoreContext,
    analyze_page,
    cached_analysis,
    open_job,
    page_error,
    quarantine,
    record_inputs,
    remember_analysis,
    store_dossier,
    stored_dossier,
)
from sohoa.pipeline.sync import deliver_after_ingest
from sohoa.pipeline.workerproc import worker_init
from sohoa.records import Page, Quarantined


def ingest_in_process(job: IngestJob, settings: Settings, *, emit: Emit = lambda _: None,
                      progress: Progress | None = None,
                      check_signer: bool = True) -> IngestSummary:
    started = time.monotonic()
    progress = progress or NoProgress()
    summary = IngestSummary()
    registry = load_registry()
    signer = make_document_signer(settings)  # fail on a missing key before any OCR work
    model = load_type_model(settings)  # `sohoa types train`'s classifier fallback, if any
    # a heartbeat while the job runs; stopped by an environment error (exit 2), it is marked
    # failed at once with the reason, not left "running" (jobstate)
    with open_archive(settings) as archive, job_running(archive, lambda: summary.job_id):
        if job.by:
            archive.actor = job.by
        pages = open_job(archive, job, summary, emit, in_process=True)
        progress.start(len(pages))
        options = AnalyzeOptions(settings.ocr_lang, settings.ocr_timeout_s, settings.code_pattern)
        ctx = StoreContext(archive, signer, registry, settings, job.unit, model, summary.job_id)

        files = FileTracker(archive, summary.job_id, pages)

        def finish_dossier(dossier: Dossier | None, *, sheet_follows: bool) -> None:
            if dossier is None:
                return
            summary.dossiers += 1
            again = stored_dossier(*dossier, archive)  # the same pages stored before: as is
            for event in again if again is not None else (
                    outcome.event() for outcome in store_dossier(
                        *dossier, ctx, sheet_follows=sheet_follows)):
                emit(summary.count(event))
            # A file whose pages are all stored now is known at once: an interrupted ingest
            # run again skips it without decoding a page.
            files.done(item.page for item in dossier[0])

        # Pages arrive in order while the workers go on recognizing the next ones; a dossier is
        # stored as soon as the next dossier's code sheet shows that it is complete.
        grouper = DossierGrouper(settings.code_pattern)
        # refused pages and all-blank files never reach the grouper
        screen = PageScreen(job.batch, job.after)

        def admit(item: PageItem | Quarantined) -> None:
            if isinstance(item, Quarantined):
                summary.program_errors += int(PROGRAM_ERROR in item.reason)
                emit(summary.count(quarantine(archive, summary.job_id, item)))
            else:
                # a dossier the grouper hands back here is ended by the next code sheet
                finish_dossier(grouper.add(item), sheet_follows=True)
        log_path = str(worker_log(settings))
        # The signer is made ready before the first page is recognized (font subset and stamp,
        # then the key, the OCSP/CRL and the TSA the signing level needs, each asked as a
        # signature would), so that a font without a Vietnamese letter or a `sohoa dev-pki serve`
        # not running stops the job in seconds, not after minutes of OCR; a run whose pages are
        # all cached (known files) signs nothing and checks nothing. A caller that checked at its
        # own start (watch, scan) has only the local part done here: no request per file.
        # through status's keeper: a refusal here is what `sohoa status` then says (F13)
        ready = readiness_check(settings, signer) if check_signer else signer.prepare
        for page, result in _analyses(pages, archive, options, settings.ocr_jobs, progress,
                                      log_path, warn=emit, before_work=ready):
            if isinstance(result, PageKillsWorker):  # its whole file, as a refused page
                for item in screen.refuse(page, str(result)):
                    admit(item)
                continue
            if isinstance(result, Exception):
                # A page that breaks the recognizer takes its whole file with it: the rest
                # stored alone would be a document missing a page (a misfile), and the
                # rescan of the whole file would store the paper a second time.
                # An error in sohoa's own code is set aside the same way (the batch goes on),
                # worded as sohoa's fault (``admit`` counts it: the run ends with exit 1).
                for item in screen.refuse(page, page_error(page, result).reason):
                    admit(item)
                continue
            summary.blank_pages += int(result.blank)
            for item in screen.add(PageItem(page, result)):
                admit(item)
        for item in screen.close():
            admit(item)
        summary.last_content = screen.last_content
        # the last dossier: codeless after other dossiers only when a receipt's code was not
        # read (it is asked about, as the queue's split does); alone, it is a loose paper
        finish_dossier(grouper.close(), sheet_follows=summary.dossiers > 0)
        record_inputs(archive, summary.job_id, pages, summary)
        index_in_step(archive, summary, settings.search)  # an index down: said, not fatal
        deliver_after_ingest(archive, settings)  # the one-stop system / portal, if configured
        summary.seconds = round(time.monotonic() - started, 2)
        archive.finish_job(summary.job_id, summary.counts())
    return summary


def _analyses(pages: Sequence[Page], archive: Archive, options: AnalyzeOptions, jobs: int,
              progress: Progress, log_path: str, warn: Callable[[Event], object],
              before_work: Callable[[], object] = lambda: None,
              ) -> Iterator[tuple[Page, PageAnalysis | Exception]]:
    """Each page's analysis, in page order, from the cache or from the worker pool (``warn``
    is told when the pool had to be made anew; ``before_work`` is called once before the first
    page that is not cached is analysed)."""
    cached: dict[int, PageAnalysis] = {}
    for i, page in enumerate(pages):
        hit = cached_analysis(archive, page.sha256)
        if hit is not None:
            cached[i] = hit
    todo = [i for i in range(len(pages)) if i not in cached]
    if todo:
        before_work()
    pages = list(pages)
    need = [i for i in todo if is_placeholder(pages[i])]
    if need:  # a known file's page whose analysis is not cached (any more): its image back
        for i, page in zip(need, materialize(archive, [pages[i] for i in need]), strict=True):
            pages[i] = page

    def finish(i: int, result: PageAnalysis | Exception) -> tuple[Page, PageAnalysis | Exception]:
        if isinstance(result, PageAnalysis) and i not in cached:
            remember_analysis(archive, result)
        progress.advance()
        return pages[i], result

    # Only the recognizer's own exception is a statement about the page (quarantine it); the
    # catalog write in ``finish`` is outside the ``try``: a storage error stops the job with its
    # reason and the same command finishes the dossier later, from the cache.
    if jobs <= 1 or len(todo) <= 1:
        for i in range(len(pages)):
            if i in cached:
                yield finish(i, cached[i])
                continue
            result: PageAnalysis | Exception
            try:
                result = analyze_page(pages[i], options)
            except Exception as exc:  # a page that breaks the recognizer is quarantined
                result = exc
            yield finish(i, result)
        return

    pool = _pool(jobs, log_path)
    futures: dict[int, Future[PageAnalysis]] = {
        i: _submit(pool, pages[i], options) for i in todo
    }
    tries = dict.fromkeys(todo, 1)
    try:
        for i in range(len(pages)):
            if i in cached:
                yield finish(i, cached[i])
                continue
            while True:
                try:
                    result = futures[i].result()
                except BrokenProcessPool as exc:
                    # A worker was killed from outside (the OOM killer, kill -9): that says
                    # nothing about the page, so it is never quarantined. The pool is made anew
                    # and what it lost is recognized again, once; a page whose worker dies again
                    # stops the job with the reason, and the same command finishes it later.
                    if tries[i] > 1:
                        # Twice: find out whether a page kills its worker (read alone, it dies
                        # again while others read alone do not) or the machine is short.
                        pool.shutdown(wait=True)
                        lost = [j for j in todo if j >= i and _lost(futures[j])]
                        # Pages this job's workers did recognize show the machine can: when the
                        # killer is the only page lost, no other page is left to read alone.
                        recognized = any(_recognized(futures[j]) for j in todo if j not in lost)
                        killers = _read_alone(lost, pages, options, log_path, futures,
                                              recognized=recognized)
                        if killers is None:
                            raise WorkerDiedError(_worker_died(pages[i], jobs)) from exc
                        continue
                    pool.shutdown(wait=True)
                    pool = _pool(jobs, log_path)
                    lost = [j for j in todo if j >= i and _lost(futures[j])]
                    for j in lost:
                        futures[j] = _submit(pool, pages[j], options)
                        tries[j] += 1
                    warn({"warning": _pool_restarted(pages[i], len(lost)),
                          "source": pages[i].source, "page": pages[i].index})
                    continue
                except Exception as exc:
                    result = exc
                break
            yield finish(i, result)
    except BaseException:
        # Stopping (a storage error, Ctrl-C, the consumer gone): drop the pages not started
        # rather than recognizing the whole rest of the batch before the reason is shown.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


class PageKillsWorker(Exception):
    """A page whose recognition kills its worker process every time, read alone too: the page's
    doing (an image that exhausts memory), not the machine's. Its file goes to quarantine."""


def _read_alone(lost: Sequence[int], pages: Sequence[Page], options: AnalyzeOptions,
                log_path: str, futures: dict[int, Future[PageAnalysis]], *,
                recognized: bool = False) -> list[int] | None:
    """Read each of ``lost`` in a worker of its own (twice for a page whose worker dies),
    putting each outcome into ``futures``: a page that kills its lone worker both times gets a
    :class:`PageKillsWorker`. The killers found; None when no page was recognized at all, alone
    or (``recognized``) by the job's workers before: every worker died, the machine, not a
    page — nothing can be said about any page then."""
    killers: list[int] = []
    survived = recognized  # other pages of the job were recognized: the machine can
    for j in lost:
        done: Future[PageAnalysis] = Future()
        for _attempt in range(2):
            alone = _pool(1, log_path)
            try:
                done.set_result(alone.submit(analyze_page, pages[j], options).result())
            except BrokenProcessPool:
                continue
            except Exception as exc:  # the recognizer's own failure: about the page, as ever
                done.set_exception(exc)
            finally:
                alone.shutdown(wait=True)
            survived = True
            break
        else:
            killers.append(j)
            if not survived and len(killers) >= 2:
                return None  # two pages in a row cannot be read alone: the machine
            done.set_exception(PageKillsWorker(_page_kills_worker(pages[j])))
        futures[j] = done
    return killers if survived else None


def _page_kills_worker(page: Page) -> str:
    # PageScreen words the file's refusal around it ("tệp có 1/3 trang không dùng được (…)")
    return (f"trang {page.index + 1} làm tiến trình nhận dạng chữ bị dừng đột ngột mỗi lần đọc, "
            "kể cả khi đọc riêng một mình, trong khi các trang khác đọc riêng vẫn được: lỗi ở "
            "trang này (ảnh quá lớn hoặc hỏng, làm hết bộ nhớ), không phải ở máy")


def _pool(jobs: int, log_path: str) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, initializer=worker_init,
                               initargs=(log_path, os.getpid()))


def _submit(pool: ProcessPoolExecutor, page: Page,
            options: AnalyzeOptions) -> Future[PageAnalysis]:
    """The page's recognition in ``pool``. A pool whose worker was killed between its making
    and this call (the OOM killer is that fast) refuses the page at once: that is the same
    fault as a worker dying mid-page, so it is handed back as a future broken the same way and
    the caller's one rule for a broken pool applies (made anew once, then stop with the
    reason) instead of an internal error."""
    try:
        return pool.submit(analyze_page, page, options)
    except BrokenProcessPool as exc:
        broken: Future[PageAnalysis] = Future()
        broken.set_exception(exc)
        return broken


def _recognized(future: Future[PageAnalysis]) -> bool:
    """Whether a worker finished this page (whatever the recognizer said of it)."""
    return (future.done() and not future.cancelled()
            and not isinstance(future.exception(), BrokenProcessPool | PageKillsWorker))


def _lost(future: Future[PageAnalysis]) -> bool:
    """Whether a page's recognition went down with a broken pool (not finished before it)."""
    return not future.done() or isinstance(future.exception(), BrokenProcessPool)


def _pool_restarted(page: Page, pages: int) -> str:
    return (f"một tiến trình nhận dạng chữ đã bị dừng đột ngột khi đọc {page.source} (trang "
            f"{page.index + 1}), có lẽ do máy hết bộ nhớ: đã khởi động lại các tiến trình "
            f"nhận dạng và đọc lại {pages} trang chưa xong")


def _worker_died(page: Page, jobs: int) -> str:
    return (f"Tiến trình nhận dạng chữ bị dừng đột ngột hai lần khi đọc {page.source} (trang "
            f"{page.index + 1}), có lẽ do máy hết bộ nhớ (hệ điều hành dừng tiến trình dùng "
            f"nhiều bộ nhớ nhất). Không trang nào bị đưa vào khu cách ly; tài liệu đã lưu vẫn "
            f"giữ nguyên. Giải phóng bộ nhớ hoặc giảm số tiến trình (đang là {jobs}: ocr.jobs "
            f"trong sohoa.toml hay SOHOA_OCR_JOBS) rồi chạy lại đúng lệnh này.")
