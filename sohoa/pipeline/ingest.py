"""The ingest job: files in, signed documents stored, every outcome reported.

Orchestration only; the work is in the stage functions (``stages``, ``assemble``) and the rooms.
Crash safety comes from two rules: every page analysis is cached under the page's SHA-256 as soon
as it is done, and a document is stored under the SHA-256 of its pages in one catalog transaction.
Running the same command again after a crash therefore redoes only what was not committed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from sohoa.archive import Archive
from sohoa.doctypes import Registry, load_registry
from sohoa.ocr import PdfPage, build_pdf
from sohoa.pipeline.assemble import DocumentDraft, PageItem, draft_dossier, page_code
from sohoa.pipeline.codec import signature_to_json
from sohoa.pipeline.progress import NoProgress, Progress
from sohoa.pipeline.services import load_type_model, make_document_signer, open_archive
from sohoa.pipeline.settings import Settings, worker_log
from sohoa.pipeline.stages import (
    PAGE_STAGE,
    AnalyzeOptions,
    PageAnalysis,
    analyze_page,
    document_key,
    worker_init,
)
from sohoa.pipeline.sync import deliver_after_ingest
from sohoa.records import DocumentRecord, OcrPage, Page, PageRecord, Quarantined, sha256_hex
from sohoa.scanners import expand_inputs, read_pages
from sohoa.scanners.colour import scan_problem
from sohoa.scanners.split import opens_dossier
from sohoa.signing import DocumentSigner, PageInk

Emit = Callable[[dict[str, Any]], None]

# Every stored document reports these fields, null when the document does not show them.
BASE_FIELDS = ("full_name", "id_number", "date_of_birth", "document_number", "issuing_body",
               "issue_date")


@dataclass
class IngestSummary:
    job_id: str = ""
    files: int = 0
    pages: int = 0
    blank_pages: int = 0
    dossiers: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    needs_review: int = 0
    not_colour: int = 0  # pages stored although not scanned in colour at 200 dpi
    seconds: float = 0.0
    document_ids: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}


def _quarantine(archive: Archive, job_id: str, item: Quarantined, emit: Emit,
                summary: IngestSummary) -> None:
    summary.quarantined += 1
    archive.record_quarantine(job_id, item)
    emit({"error": item.reason, "source": item.source, "page": item.page_index,
          "sha256": item.sha256 or None})


def _read_all(files: Sequence[Path], archive: Archive, job_id: str, emit: Emit,
              summary: IngestSummary, colour: str = "warn") -> list[Page]:
    """Every readable page of every file, in order; the rest goes to quarantine. A page not
    scanned in colour at 200 dpi is reported (``scan.colour = "warn"``) or quarantined
    (``"refuse"``)."""
    pages: list[Page] = []
    for path in files:
        problems: list[str] = []
        file_sha = ""
        for item in read_pages(path):
            if isinstance(item, Quarantined):
                problems.append(item.reason)
                file_sha = file_sha or item.sha256
                _quarantine(archive, job_id, item, emit, summary)
            else:
                file_sha = item.source_sha256
                problem = scan_problem(item.data, item.dpi)
                if problem and colour == "refuse":
                    refused = Quarantined(item.source, problem, item.source_sha256, item.index)
                    problems.append(problem)
                    _quarantine(archive, job_id, refused, emit, summary)
                    continue
                if problem:
                    summary.not_colour += 1
                    emit({"warning": problem, "source": item.source, "page": item.index})
                pages.append(item)
        if problems:
            archive.input_done(job_id, str(path), file_sha, "quarantined", "; ".join(problems))
    return pages


def mark_duplex_sides(pages: Sequence[Page]) -> list[Page]:
    """A duplex scan alternates front and back: within each multi-page file, and along a run of
    single-page files (a scanner writing one image per side)."""
    marked: list[Page] = []
    single_run = 0
    for _, group in groupby(pages, key=lambda p: p.source):
        sheet = list(group)
        if len(sheet) == 1:
            sides = ["back" if single_run % 2 else "front"]
            single_run += 1
        else:
            sides = ["back" if i % 2 else "front" for i in range(len(sheet))]
            single_run = 0
        marked.extend(replace(p, side=side) for p, side in zip(sheet, sides, strict=True))
    return marked


def analyze_cached(archive: Archive, page: Page, options: AnalyzeOptions) -> PageAnalysis:
    """One page's analysis from the stage cache, else computed and committed to it at once
    (what a queue worker does with one page message; redelivery finds the cached result)."""
    hit = archive.cache_get(PAGE_STAGE, page.sha256)
    if hit is not None:
        return PageAnalysis.from_json(hit)
    result = analyze_page(page, options)
    archive.cache_put(PAGE_STAGE, page.sha256, result.to_json())
    return result


def _analyses(pages: Sequence[Page], archive: Archive, options: AnalyzeOptions, jobs: int,
              progress: Progress, log_path: str) -> Iterator[tuple[Page, PageAnalysis | Exception]]:
    """Each page's analysis, in page order, from the cache or from the worker pool."""
    cached: dict[int, PageAnalysis] = {}
    for i, page in enumerate(pages):
        hit = archive.cache_get(PAGE_STAGE, page.sha256)
        if hit is not None:
            cached[i] = PageAnalysis.from_json(hit)
    todo = [i for i in range(len(pages)) if i not in cached]

    def finish(i: int, result: PageAnalysis | Exception) -> tuple[Page, PageAnalysis | Exception]:
        if isinstance(result, PageAnalysis) and i not in cached:
            archive.cache_put(PAGE_STAGE, pages[i].sha256, result.to_json())
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

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_init,
                               initargs=(log_path, os.getpid()))
    try:
        futures: dict[int, Future[PageAnalysis]] = {
            i: pool.submit(analyze_page, pages[i], options) for i in todo
        }
        for i in range(len(pages)):
            if i in cached:
                yield finish(i, cached[i])
                continue
            try:
                result = futures[i].result()
            except Exception as exc:
                result = exc
            yield finish(i, result)
    except BaseException:
        # Stopping (a storage error, Ctrl-C, the consumer gone): drop the pages not started
        # rather than recognizing the whole rest of the batch before the reason is shown.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _record(draft: DocumentDraft, registry: Registry, key: str, pdf_sha: str, pdf_size: int,
            signature: Any, unit: str | None, job_id: str) -> DocumentRecord:
    doc_type = registry.get(draft.classification.doc_type)
    pages = tuple(
        PageRecord(source=it.page.source, index=it.page.index, sha256=it.page.sha256,
                   side=it.page.side, rotation=it.analysis.ocr.rotation,
                   skew=it.analysis.ocr.skew, confidence=it.analysis.ocr.confidence,
                   blob_sha256=it.page.sha256)
        for it in draft.pages
    )
    blanks = [{"source": it.page.source, "index": it.page.index} for it in draft.blank_pages]
    return DocumentRecord(
        doc_key=key, dossier_code=draft.dossier_code, unit=unit or None,
        doc_type=doc_type.code, title=draft.title, owner_id=draft.owner_id,
        owner_kind=draft.owner_kind, owner_name=draft.owner_name,
        fields={**dict.fromkeys(BASE_FIELDS), **draft.extraction.values()},
        field_flags=tuple(draft.extraction.flags()),
        text=draft.text, pages=pages, confidence=draft.confidence,
        needs_review=draft.needs_review, review_reasons=tuple(draft.review_reasons),
        pdf_sha256=pdf_sha, pdf_size=pdf_size, signature=signature,
        issue_date=draft.issue_date, valid_until=draft.valid_until,
        retention=doc_type.retention, ingested_at=datetime.now(UTC),
        extra={"blank_pages": blanks, "owner_from": draft.owner_from, "job_id": job_id,
               # Tên loại văn bản from the registry, not the title as read (which can come
               # with a stray dash or in capitals); a paper of no known type keeps its title.
               **({"type_name": doc_type.name} if doc_type.code != "other" else {}),
               # Pages not scanned in colour at 200 dpi (TT 01/2023), for review and audit.
               **({"scan_colour": not_colour} if (not_colour := [
                   {"page": n + 1, "problem": problem} for n, it in enumerate(draft.pages)
                   if (problem := scan_problem(it.page.data, it.page.dpi))]) else {}),
               "classification": {"method": draft.classification.method,
                                  "confidence": draft.classification.confidence},
               # fields whose reading was reconciled with the dossier's other papers: how
               **({"agreed": dict(draft.agreed)} if draft.agreed else {})},
    )


def document_json(document_id: str, record: DocumentRecord, created: bool) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "dossier_code": record.dossier_code,
        "doc_type": record.doc_type,
        "title": record.title,
        "owner_id": record.owner_id,
        "fields": dict(record.fields),
        "pages": [{"source": p.source, "index": p.index, "side": p.side, "rotation": p.rotation,
                   "skew": p.skew, "confidence": p.confidence} for p in record.pages],
        "blank_pages": record.extra.get("blank_pages", []),
        "confidence": record.confidence,
        "needs_review": record.needs_review,
        "review_reasons": list(record.review_reasons),
        "signature": signature_to_json(record.signature),
        "sha256": record.pdf_sha256,
        "created": created,
    }


@dataclass(frozen=True)
class StoreContext:
    """What storing a dossier's documents needs, opened once per process (or per job)."""

    archive: Archive
    signer: DocumentSigner
    registry: Registry
    settings: Settings
    unit: str | None
    model: Any  # the trained classifier fallback, or None
    job_id: str


@dataclass(frozen=True)
class StoreOutcome:
    draft: DocumentDraft
    document_id: str
    record: DocumentRecord | None  # None: the document was already stored, nothing was built
    created: bool
    disposed: bool = False  # it was stored once and destroyed under a disposal list since

    def event(self) -> dict[str, Any]:
        """The line ``sohoa ingest --json`` prints for this document."""
        if self.record is None or not self.created:
            return {"document_id": self.document_id, "dossier_code": self.draft.dossier_code,
                    "doc_type": self.draft.classification.doc_type, "duplicate": True,
                    "created": False, "disposed": self.disposed}
        return document_json(self.document_id, self.record, self.created)


def store_dossier(members: Sequence[PageItem], code: str | None,
                  ctx: StoreContext) -> list[StoreOutcome]:
    """Draft, build, sign and store every document of one dossier (idempotent by document key:
    running it twice, or in two workers at once, stores each document once)."""
    return [_store(draft, ctx) for draft in draft_dossier(
        members, code, ctx.registry, ctx.settings.review_threshold, ctx.model)]


class DossierGrouper:
    """Analysed pages in, complete dossiers out: a dossier is complete when the next dossier's
    code sheet arrives (or the batch ends)."""

    def __init__(self, pattern: str | None) -> None:
        self.pattern = pattern or None
        self.members: list[PageItem] = []
        self.code: str | None = None

    def add(self, item: PageItem) -> tuple[list[PageItem], str | None] | None:
        code = page_code(item, self.pattern)
        done = None
        if opens_dossier(code, self.code):
            done = self.close()
            self.code = code
        self.members.append(item)
        return done

    def close(self) -> tuple[list[PageItem], str | None] | None:
        done = (self.members, self.code) if self.members else None
        self.members = []
        return done


def page_failure(page: Page, reason: str) -> Quarantined:
    """The quarantine record of a page that could not be recognized."""
    return Quarantined(page.source, f"page {page.index + 1} could not be recognized: {reason}",
                       page.source_sha256, page.index)


def word_boxes(ocr: OcrPage, dpi: int) -> list[tuple[float, float, float, float]]:
    """The recognized words of a page as the stored PDF displays them (points from the bottom
    left): the stamp keeps clear of them as it does of the printed ink."""
    scale = 72.0 / dpi
    return [(w.left * scale, (ocr.height - w.top - w.height) * scale,
             (w.left + w.width) * scale, (ocr.height - w.top) * scale)
            for w in ocr.words if w.text.strip()]


def _store(draft: DocumentDraft, ctx: StoreContext) -> StoreOutcome:
    archive, settings, registry = ctx.archive, ctx.settings, ctx.registry
    key = document_key([it.page for it in draft.pages])
    existing = archive.has_document(key)
    if existing:
        # A disposed document is not stored again (its tombstone keeps the key): say so, it is
        # not "already stored".
        disposed = archive.document_ref(existing)["status"] == "disposed"
        return StoreOutcome(draft, existing, None, False, disposed)
    doc_type = registry.get(draft.classification.doc_type)
    pdf = build_pdf(
        [PdfPage(it.page.data, it.page.mime, it.page.dpi, it.analysis.ocr) for it in draft.pages],
        title=f"{doc_type.name} — {draft.owner_name or draft.owner_id or draft.dossier_code}",
        author=settings.agency,
        subject=f"Hồ sơ {draft.dossier_code}",
        keywords=[doc_type.code, draft.dossier_code, *([draft.owner_id] if draft.owner_id else [])],
        extra_xmp={"dossierCode": draft.dossier_code, "docType": doc_type.code,
                   "ownerId": draft.owner_id or "", "retention": doc_type.retention_label},
    )
    first = draft.pages[0]
    signed, signature = ctx.signer.sign(
        pdf, ink=PageInk.from_image(first.page.data, first.analysis.ocr.rotation),
        avoid=word_boxes(first.analysis.ocr, first.page.dpi))
    record = _record(draft, registry, key, sha256_hex(signed), len(signed), signature, ctx.unit,
                     ctx.job_id)
    images = [it.page.data for it in draft.pages]
    document_id, created = archive.store_document(record, signed, images)
    return StoreOutcome(draft, document_id, record, created)


def _record_inputs(archive: Archive, job_id: str, pages: Sequence[Page],
                   created_from: set[str]) -> None:
    """Each readable input's outcome: something new stored from it, or nothing new."""
    sources = {p.source: p.source_sha256 for p in pages}
    for source, sha in sources.items():
        status = "stored" if source in created_from else "duplicate"
        archive.input_done(job_id, source, sha, status)


def count_outcome(summary: IngestSummary, outcome: StoreOutcome, created_from: set[str]) -> None:
    summary.document_ids.append(outcome.document_id)
    if outcome.record is None or not outcome.created:
        summary.duplicates += 1
        return
    summary.stored += 1
    summary.needs_review += int(outcome.record.needs_review)
    created_from.update(p.source for p in outcome.record.pages)


def run_ingest(paths: Sequence[Path], settings: Settings, *, unit: str | None = None,
               duplex: bool = False, emit: Emit = lambda _: None,
               progress: Progress | None = None, wait: bool = True) -> IngestSummary:
    """Ingest files or folders of scans. Expected problems are reported, never raised.

    ``duplex``: the scans alternate front and back sides (recorded in each page's provenance).
    With a ``broker`` configured the pages are enqueued for ``sohoa worker`` processes, which run
    the same stages; ``wait`` then follows the job to its end (else returns once it is queued).
    """
    if settings.broker:
        from sohoa.pipeline.queue import run_queued_ingest

        return run_queued_ingest(paths, settings, unit=unit, duplex=duplex, emit=emit,
                                 progress=progress, wait=wait)
    started = time.monotonic()
    progress = progress or NoProgress()
    unit = unit if unit is not None else settings.unit
    summary = IngestSummary()
    files = expand_inputs(paths)
    summary.files = len(files)
    registry = load_registry()
    signer = make_document_signer(settings)  # fail on a missing key before any OCR work
    model = load_type_model(settings)  # `sohoa types train`'s classifier fallback, if any
    with open_archive(settings) as archive:
        summary.job_id = archive.start_job([str(f) for f in files], unit, in_process=True)
        pages = _read_all(files, archive, summary.job_id, emit, summary, settings.scan_colour)
        if duplex:
            pages = mark_duplex_sides(pages)
        summary.pages = len(pages)
        progress.start(len(pages))
        options = AnalyzeOptions(settings.ocr_lang, settings.ocr_timeout_s, settings.code_pattern)

        created_from: set[str] = set()
        ctx = StoreContext(archive, signer, registry, settings, unit, model, summary.job_id)

        def finish_dossier(dossier: tuple[list[PageItem], str | None] | None) -> None:
            if dossier is None:
                return
            summary.dossiers += 1
            for outcome in store_dossier(*dossier, ctx):
                count_outcome(summary, outcome, created_from)
                emit(outcome.event())

        # Pages arrive in order while the workers go on recognizing the next ones; a dossier is
        # stored as soon as the next dossier's code sheet shows that it is complete.
        grouper = DossierGrouper(settings.code_pattern)
        log_path = str(worker_log(settings))
        for page, result in _analyses(pages, archive, options, settings.ocr_jobs, progress,
                                      log_path):
            if isinstance(result, Exception):
                _quarantine(archive, summary.job_id, page_failure(page, str(result)), emit,
                            summary)
                continue
            summary.blank_pages += int(result.blank)
            finish_dossier(grouper.add(PageItem(page, result)))
        finish_dossier(grouper.close())
        _record_inputs(archive, summary.job_id, pages, created_from)
        archive.sync_index()
        deliver_after_ingest(archive, settings)  # the one-stop system / portal, if configured
        summary.seconds = round(time.monotonic() - started, 2)
        archive.finish_job(summary.job_id, summary.counts())
    return summary
