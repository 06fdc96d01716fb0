"""The ingest's stage functions, in the order a batch goes through them, and the job they run.

::

  IngestJob.describe   the job: files (folders expanded), unit, duplex — resolved once
  open_job             start_job in the catalog · read_inputs (bad files → quarantine) · duplex
  analyze_page         barcode · blank test · recognition of one page (in worker processes)
  analyze_cached       … from the stage cache, else computed and committed to it at once
  DossierGrouper       analysed pages in scan order → complete dossiers
  store_dossier        draft → PDF/A → sign → store_document (one transaction per document)
  record_inputs        each input's outcome (stored / duplicate) for the job's record

Both executors call these and only these: ``inprocess`` (a process pool beside the clerk) and
``queue`` (dramatiq actors on Redis). The executors decide where and when a stage runs; what a
stage does, and what it reports (``outcomes``), is written here once.

Crash safety comes from two rules: every page analysis is cached under the page's SHA-256 as
soon as it is done, and a document is stored under the SHA-256 of its pages in one catalog
transaction. Running the same job again after a crash redoes only what was not committed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from difflib import SequenceMatcher
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sohoa.archive import Archive
from sohoa.archive.dossiers import scanned_into
from sohoa.doctypes import Registry
from sohoa.errors import NotFoundError, StorageError, WorkflowError
from sohoa.pipeline.analysis import PAGE_STAGE, AnalyzeOptions, PageAnalysis
from sohoa.pipeline.assemble import (
    DocumentDraft,
    PageItem,
    draft_dossier,
    page_reading,
    same_session,
)
from sohoa.pipeline.knownfiles import (
    file_sha256,
    is_placeholder,
    materialize,
    placeholders,
    remember_files,
)
from sohoa.pipeline.outcomes import (
    Emit,
    Event,
    IngestSummary,
    colour_warning,
    document_json,
    duplicate_json,
    quarantine_event,
)
from sohoa.pipeline.owner import co_owners
from sohoa.pipeline.recognition import (  # noqa: F401 (recognize_only: re-exported)
    born_digital_reading,
    drawn_reading,
    page_lexicon,
    recognize_only,
)
from sohoa.pipeline.referencedata import catalogue
from sohoa.pipeline.settings import Settings
from sohoa.records import (
    UNASSIGNED_PREFIX,
    DocumentRecord,
    Extraction,
    OcrPage,
    Page,
    PageRecord,
    Quarantined,
    sha256_hex,
    shown_dossier_code,
)
from sohoa.scanners import expand_inputs, read_pages, reasons
from sohoa.scanners.colour import scan_problem
from sohoa.scanners.entries import entry_problem
from sohoa.scanners.inputs import given_folder
from sohoa.scanners.limits import InputLimits
from sohoa.scanners.split import opens_dossier
from sohoa.vntext import fold, nfc

if TYPE_CHECKING:
    from sohoa.signing import DocumentSigner

ANALYSIS_LIMITS = InputLimits()
# Every stored document reports these fields, null when the document does not show them.
BASE_FIELDS = ("full_name", "id_number", "date_of_birth", "document_number", "issuing_body",
               "issue_date")


# --- the job ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestJob:
    """What one ingest is asked to do, resolved once at the edge, whichever executor runs it."""

    files: tuple[Path, ...]
    unit: str | None
    duplex: bool  # the scans alternate front and back sides
    colour: str = "warn"  # scan.colour: a page not in colour at 200 dpi is "warn"ed or "refuse"d
    # the folders the clerk gave: a link found in one is followed only to a file inside it
    folders: tuple[Path, ...] = ()
    # the files are one scanner batch (a folder of one file per page): PageScreen's unit is the
    # whole job, so a refused page keeps every page of the batch out (``PageScreen``)
    batch: bool = False
    # who ran the ingest (the audit log's actor for its events); None: sohoa itself
    by: str | None = None
    # the last page with content of the file before, in the same scan session (the hot folder
    # runs each file as its own job): a lone blank page after it is its back (``PageScreen``)
    after: Page | None = None

    @classmethod
    def describe(cls, paths: Sequence[Path], settings: Settings, unit: str | None = None,
                 duplex: bool = False, batch: bool = False,
                 by: str | None = None, after: Page | None = None) -> IngestJob:
        return cls(tuple(expand_inputs(paths)), unit if unit is not None else settings.unit,
                   duplex, settings.scan_colour, tuple(Path(p) for p in paths), batch,
                   nfc(by.strip()) if by and by.strip() else None, after)


def open_job(archive: Archive, job: IngestJob, summary: IngestSummary, emit: Emit, *,
             in_process: bool = False) -> list[Page]:
    """Start the job in the catalog and read its inputs: every readable page, in order (the
    rest quarantined, counted and reported). ``in_process``: this process runs the job (not
    queue workers), so a later run can tell that the job died with it."""
    summary.files = len(job.files)
    summary.job_id = archive.start_job([str(f) for f in job.files], job.unit,
                                       in_process=in_process)
    pages = read_inputs(job.files, archive, summary.job_id,
                        lambda event: emit(summary.count(event)), job.colour, job.folders)
    summary.known_files = len({p.source for p in pages if is_placeholder(p)})
    if job.duplex:
        pages = mark_duplex_sides(pages)
    summary.pages = len(pages)
    return pages


# --- reading ----------------------------------------------------------------------------------


def quarantine(archive: Archive, job_id: str, item: Quarantined) -> Event:
    """Put a page or file in quarantine with its reason; the event that reports it."""
    archive.record_quarantine(job_id, item)
    return quarantine_event(item)


def read_inputs(files: Sequence[Path], archive: Archive, job_id: str,
                report: Callable[[Event], None], colour: str = "warn",
                folders: Sequence[Path] = ()) -> list[Page]:
    """Every readable page of every file, in order; the rest goes to quarantine. A page not
    scanned in colour at 200 dpi is reported (``scan.colour = "warn"``) or quarantined
    (``"refuse"``). A file refused as a whole after some of its pages were read (it took too
    long) gives none of its pages: half a file never makes a document. ``folders``: the
    folders given (a link in one is read only when it leads inside it)."""
    pages: list[Page] = []
    for path in files:
        folder = given_folder(path, folders)
        # Bytes ingested before in full: their pages without decoding anything (knownfiles).
        # Only a regular file (or a link into the folder) is hashed: opening a FIFO blocks, and
        # a link out of the folder must not be read at all; read_pages says why.
        sha = file_sha256(path) if entry_problem(path, folder) is None else None
        known = archive.known_input(sha) if sha else None
        if known and sha:
            pages.extend(placeholders(path, sha, known))
            continue
        problems: list[str] = []
        file_sha = ""
        kept: list[tuple[Page, str | None]] = []
        for item in read_pages(path, folder=folder):
            if isinstance(item, Quarantined):
                problems.append(item.reason)
                file_sha = file_sha or item.sha256
                if item.page_index is None:
                    kept = []
                report(quarantine(archive, job_id, item))
            else:
                file_sha = item.source_sha256
                problem = scan_problem(item.data, item.dpi, item.drawn)
                if problem and _misscan(item.data, item.dpi):
                    # all black, one flat colour: the analysis quarantines it as a mis-scan;
                    # how it was scanned is no warning about a page that is not kept
                    problem = None
                kept.append((item, problem))
        refused = [problem for _, problem in kept if problem]
        if refused and colour == "refuse":
            # The whole file, never a page of it: a refused dossier-code sheet would file the
            # next dossier's papers under the previous code, a refused middle page would store
            # a document without it (and a colour rescan would store it a second time).
            why = (f"tệp có {len(refused)}/{len(kept)} trang không đạt yêu cầu quét màu "
                   f"({refused[0]}); quét lại cả tệp ở chế độ màu, từ 200 dpi")
            for item, _ in kept:
                report(quarantine(archive, job_id,
                                  Quarantined(item.source, why, item.source_sha256, item.index)))
            problems.append(why)
            kept = []
        short = [(item, problem) for item, problem in kept if problem]
        if short:
            # One line per file, not per page: 300 blank stand-ins of an empty PDF printed 300
            # identical warnings, burying what the clerk had to read.
            report(colour_warning(short[0][0].source,
                                  [(item.index, problem or "") for item, problem in short],
                                  len(kept)))
        for item, _problem in kept:
            if item.original_sha256:
                keep_original(archive, path, item.original_sha256)
            pages.append(item)
        if problems:
            # "quarantined" for now; record_inputs makes it "partial" if something of the file
            # is stored in the end
            archive.input_done(job_id, str(path), file_sha, "quarantined", "; ".join(problems))
    return pages


def _misscan(data: bytes, dpi: int) -> str | None:
    from sohoa.scanners.blank import misscan  # OpenCV: loaded only for a page with a problem

    return misscan(data, dpi)


def keep_original(archive: Archive, path: Path, sha256: str) -> None:
    """Put the input file a page names as its original (a phone photo it was flattened from, a
    signed PDF or a form whose pages were re-written) in the blob store, beside the page, once
    per file: blobs first, so the document that points at it is written after it. PDF/A-2
    embeds no non-PDF/A file, so it is a blob of its own, named by the page record."""
    if archive.blobs.exists(sha256):
        return
    data = path.read_bytes()
    if sha256_hex(data) != sha256:
        raise WorkflowError(f"{path} đã thay đổi trong lúc đọc: chạy lại đúng lệnh này")
    archive.blobs.put(data)


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


# --- one page ---------------------------------------------------------------------------------


def _blank_page(page: Page, width: int, height: int) -> OcrPage:
    return OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0, width=width, height=height,
                   dpi=page.dpi, words=(), text="", confidence=0.0, blank=True)


def analyze_page(page: Page, options: AnalyzeOptions) -> PageAnalysis:
    """Barcode, blank test and recognition of one page. Never raises for page content."""
    from sohoa.ocr import OcrSettings, open_image, recognize_page
    from sohoa.ocr.leaders import erase_dot_leaders
    from sohoa.scanners.barcodes import DEFAULT_CODE_PATTERN, read_dossier_code
    from sohoa.scanners.blank import is_blank, unusable
    from sohoa.scanners.pdfborn import PDF_MIME, SYMBOL_DPI, may_carry_symbol, picture
    from sohoa.scanners.pdfrender import RenderFailed
    from sohoa.scanners.pilsafe import reduced

    if page.mime == PDF_MIME:  # born digital: the producer's own text, no OCR
        code = None
        if may_carry_symbol(page.data):  # a receipt printed to PDF: its dossier code's symbol
            try:
                drawn = open_image(picture(page.data, SYMBOL_DPI))
            except RenderFailed:
                drawn = None  # the page itself was read; only its symbol cannot be looked at
            if drawn is not None:
                code = read_dossier_code(drawn, options.code_pattern or DEFAULT_CODE_PATTERN)
        return PageAnalysis(page.sha256, False, code, born_digital_reading(page))
    image = open_image(page.data)
    full = (image.width, image.height)
    exact = drawn_reading(page)
    if exact is not None:  # a drawn born-digital page: its own words; only its symbol is looked at
        reduced_image, _factor = reduced(image, ANALYSIS_LIMITS.max_analysis_pixels)
        code = read_dossier_code(reduced_image, options.code_pattern or DEFAULT_CODE_PATTERN)
        return PageAnalysis(page.sha256, False, code, exact)
    # A page over the analysis ceiling (a 120-Mpx PNG) is looked at and read reduced: the
    # barcode, the blank test and Tesseract would each take the full pixels several times over.
    image, factor = reduced(image, ANALYSIS_LIMITS.max_analysis_pixels)
    dpi = max(1, round(page.dpi / factor))
    refused = unusable(image, dpi)
    if refused is not None:  # a mis-scan: neither content nor a blank back
        return PageAnalysis(page.sha256, False, None,
                            replace(_blank_page(page, *full), blank=False), refused=refused)
    code = read_dossier_code(image, options.code_pattern or DEFAULT_CODE_PATTERN)
    if code is None and is_blank(image, dpi):
        return PageAnalysis(page.sha256, True, None, _blank_page(page, *full))
    settings = OcrSettings(lang=options.lang, timeout_s=options.timeout_s)
    # Forms' dotted leaders make Tesseract lose the value typed on them (ocr/leaders.py).
    ocr = recognize_page(erase_dot_leaders(image, dpi), page_sha256=page.sha256, dpi=dpi,
                         settings=settings, lexicon=page_lexicon())
    return PageAnalysis(page.sha256, False, code, enlarged(ocr, factor, full, page.dpi))


def enlarged(ocr: OcrPage, factor: int, full: tuple[int, int], dpi: int) -> OcrPage:
    """A reading of a page reduced by ``factor``, in the stored (full-size) image's pixels:
    its words and its seals' and signatures' boxes (kept with the document as
    ``extra.ink_marks``; they stayed in the reduced copy's pixels before)."""
    if factor == 1:
        return ocr
    width, height = full if ocr.rotation in (0, 180) else (full[1], full[0])
    words = tuple(replace(w, left=w.left * factor, top=w.top * factor,
                          width=w.width * factor, height=w.height * factor) for w in ocr.words)
    marks = tuple(replace(m, left=m.left * factor, top=m.top * factor,
                          width=m.width * factor, height=m.height * factor) for m in ocr.marks)
    return replace(ocr, width=width, height=height, dpi=dpi, words=words, marks=marks)


def cached_analysis(archive: Archive, page_sha256: str) -> PageAnalysis | None:
    hit = archive.cache_get(PAGE_STAGE, page_sha256)
    return None if hit is None else PageAnalysis.from_json(hit)


def analyze_cached(archive: Archive, page: Page, options: AnalyzeOptions) -> PageAnalysis:
    """One page's analysis from the stage cache, else computed and committed to it at once
    (a crash, or a redelivered message, then finds the cached result)."""
    hit = cached_analysis(archive, page.sha256)
    if hit is not None:
        return hit
    result = analyze_page(page, options)
    remember_analysis(archive, result)
    return result


def remember_analysis(archive: Archive, result: PageAnalysis) -> None:
    archive.cache_put(PAGE_STAGE, result.page_sha256, result.to_json())


def analysed_item(archive: Archive, page: Page, what: str) -> PageItem:
    """A page with its cached analysis, for the stages after analysis (``what`` names the page
    in the error if the analysis is missing: a page is marked done only once it is cached)."""
    analysis = cached_analysis(archive, page.sha256)
    if analysis is None:
        # the records are inconsistent, not the machine in the way: the queue's give-up
        # quarantines the pages with this reason (a StorageError would stop the job instead)
        raise WorkflowError(f"{what}: kết quả phân tích trang không có trong bộ nhớ đệm các "
                            "bước")
    return PageItem(page, analysis)


def page_failure(page: Page, reason: str) -> Quarantined:
    """The quarantine record of a page that could not be recognized. Its reason starts with
    the page ("trang N …"): ``PageScreen`` words its whole file's refusal around it."""
    return Quarantined(page.source, failure_reason(page.index, reason),
                       page.source_sha256, page.index)


# What a page's quarantine reason says when the page failed on an error in sohoa's own code:
# the file is set aside all the same (the batch goes on), but the clerk must not be told the
# citizen's paper is bad, and the run ends with exit 1 (a bug).
PROGRAM_ERROR = "lỗi của chương trình sohoa, không phải của tệp"
# Python's own errors that recognizers, decoders and the machine do not raise for a bad page
# (those raise RuntimeError from tesserocr, cv2.error, OSError and PIL's errors, ValueError,
# TimeoutError): here they mean a mistake in sohoa's code.
_PROGRAM_ERRORS = (LookupError, TypeError, AttributeError, AssertionError, NameError,
                   ZeroDivisionError)


def is_program_error(exc: BaseException) -> bool:
    """Whether ``exc``, raised while a page was recognized, is a bug in sohoa, not the page's
    doing (IndexError, KeyError, TypeError, AttributeError, AssertionError…)."""
    return isinstance(exc, _PROGRAM_ERRORS)


def program_error_reason(index: int, kind: str, text: str) -> str:
    """Why page ``index`` (0-based) was set aside when sohoa's own code failed on it
    (``kind``: the exception's type, for the technician)."""
    return (f"trang {index + 1} không xử lý được vì {PROGRAM_ERROR}: hãy báo cho bộ phận kỹ "
            f"thuật ({kind}: {text})")


def page_error(page: Page, exc: BaseException) -> Quarantined:
    """``page_failure`` for the exception the recognizer raised on ``page``, worded as a bug
    of sohoa's when it is one (``is_program_error``)."""
    if not is_program_error(exc):
        return page_failure(page, str(exc))
    text = (str(exc).strip().splitlines() or [""])[0][:300]
    return Quarantined(page.source, program_error_reason(page.index, type(exc).__name__, text),
                       page.source_sha256, page.index)


def failure_reason(index: int, reason: str) -> str:
    """Why page ``index`` (0-based) could not be recognized, in Vietnamese (``reason``: the
    recognizer's own words, kept for the technician)."""
    return f"trang {index + 1} không nhận dạng được (lỗi khi đọc trang: {reason})"


# --- dossiers ---------------------------------------------------------------------------------


# How a scanner batch's refusal starts (``PageScreen(batch=True)``): the hot folder says it alone,
# not once per page file of the folder.
BATCH_REFUSED = "lô quét (thư mục) có"


class PageScreen:
    """Analysed pages in scan order in; what may join a dossier out, and what may not as
    quarantine records: every page of a file with a page the analysis refused (all black, one
    dark colour), and a file of two or more pages that are all blank (a stack fed upside down,
    or 300 empty pages). One blank single-page file after a page with content is a duplex back
    (one image per page) and passes; with nothing before it in the job it is the whole input
    and is set aside too — passed, it would be stored as nothing and remembered as read
    (tester12 F16). A re-run's known files (not decoded again) pass through with their cached
    analyses, so a blank back the interrupted run never reached follows its front. A file's
    pages are held until the file ends. Used by both executors, before the ``DossierGrouper``.

    A refused page takes its whole file with it, never itself alone (as the colour refusal in
    ``read_inputs``): the rest of the file would be stored as a document missing that page
    (a refused dossier-code sheet would file its papers under the previous code), and the
    rescan of the whole file would then store the paper a second time.

    ``batch``: the job's files are one scanner batch (a folder of one JPEG per page, as the
    hot folder hands it): there the file is the page, so the unit is the whole batch.

    ``after``: the last page with content of the file before this job's, when the caller knows
    it (the hot folder runs each file as its own job): a lone blank page of the same scan
    session (``assemble.same_session``) is that page's back, as it would be within one job.
    ``last_content`` is this job's own last page with content, to hand to the next."""

    def __init__(self, batch: bool = False, after: Page | None = None) -> None:
        self.batch = batch
        self.after = after
        self.last_content: Page | None = None
        self.source: str | None = None
        self.held: list[PageItem] = []
        self.refused: list[tuple[Page, str]] = []  # pages refused without an analysis
        self.order: list[Page] = []  # the unit's pages in scan order (a batch spans files)
        # a page with content passed before: a lone blank page after it is that paper's back
        self.content_seen = False

    def add(self, item: PageItem) -> list[PageItem | Quarantined]:
        out = self._file(item.page)
        self.held.append(item)
        self.order.append(item.page)
        return out

    def refuse(self, page: Page, reason: str) -> list[PageItem | Quarantined]:
        """A page refused by the executor (its recognition kills its worker, or the recognizer
        raised on it): its whole file goes, as for a page the analysis refused. ``reason``
        starts with "trang N " when it names the page itself."""
        out = self._file(page)
        self.refused.append((page, reason))
        self.order.append(page)
        return out

    def _file(self, page: Page) -> list[PageItem | Quarantined]:
        key = "" if self.batch else page.source
        if key == self.source:
            return []
        out = self.close()
        self.source = key
        return out

    def close(self) -> list[PageItem | Quarantined]:
        held, failed, order = self.held, self.refused, self.order
        self.held, self.refused, self.order, self.source = [], [], [], None
        position = {id(pg): n for n, pg in enumerate(order)}
        refused = sorted([*((it.page, it.analysis.refused) for it in held if it.analysis.refused),
                          *failed], key=lambda pr: position[id(pr[0])])
        if refused:
            first = refused[0]
            if self.batch:  # name the page file: each file of a batch is its own page 1
                where = Path(first[0].source).name
                reason = f"{where}: {first[1]}"
                why = (f"{BATCH_REFUSED} {len(refused)}/{len(order)} trang không dùng được "
                       f"({reason}); hãy quét lại cả lô, không riêng trang đó")
                if PROGRAM_ERROR in reason:
                    why = (f"{BATCH_REFUSED} trang không xử lý được, cả lô được để riêng "
                           f"({reason}); không phải quét lại: khi lỗi đã được sửa, xử lý lại "
                           "cả lô")
                return [Quarantined(pg.source, why, pg.source_sha256, pg.index) for pg in order]
            numbers = ", ".join(str(pg.index + 1) for pg, _ in refused)
            reason = first[1] if first[1].startswith(f"trang {first[0].index + 1} ") else (
                f"trang {numbers}: {first[1]}")
            why = (f"tệp có {len(refused)}/{len(order)} trang không dùng được ({reason}); "
                   "hãy quét lại cả tệp, không riêng trang đó")
            if PROGRAM_ERROR in reason:  # the paper is fine: no rescan, a retry once fixed
                why = (f"cả tệp được để riêng ({reason}); không phải quét lại: khi lỗi đã được "
                       "sửa, xử lý lại tệp từ danh sách cách ly")
            return [Quarantined(pg.source, why, pg.source_sha256, pg.index) for pg in order]
        if held and all(it.analysis.blank for it in held) and (
                len(held) >= 2 or not self._after_content(held[0].page)):
            # one record per file: a batch's files are each set aside
            firsts = {it.page.source: it.page for it in reversed(held)}
            return [Quarantined(pg.source, reasons.ONLY_BLANK, pg.source_sha256)
                    for pg in sorted(firsts.values(), key=lambda pg: position[id(pg)])]
        self.content_seen = self.content_seen or any(not it.analysis.blank for it in held)
        self.last_content = next((replace(it.page, data=b"", text_pdf=b"") for it in
                                  reversed(held) if not it.analysis.blank), self.last_content)
        return list(held)

    def _after_content(self, page: Page) -> bool:
        """Whether a page with content came before ``page``: in this job, or as the file
        before it in the same scan session (``after``)."""
        return self.content_seen or (self.after is not None and same_session(self.after, page))


def screen_pages(items: Sequence[PageItem | tuple[Page, str]], batch: bool = False,
                 after: Page | None = None) -> list[PageItem | Quarantined]:
    """A whole job's pages (in scan order) through a ``PageScreen``: analysed pages, and
    ``(page, reason)`` for a page that could not be analysed (``PageScreen.refuse``);
    ``batch``, ``after``: as ``PageScreen`` takes them."""
    screen = PageScreen(batch, after)
    out = [kept for item in items
           for kept in (screen.add(item) if isinstance(item, PageItem) else screen.refuse(*item))]
    return out + screen.close()


Dossier = tuple[list[PageItem], str | None]


class DossierGrouper:
    """Analysed pages in, complete dossiers out: a dossier is complete when the next dossier's
    code sheet arrives (or the batch ends)."""

    def __init__(self, pattern: str | None) -> None:
        self.pattern = pattern or None
        self.members: list[PageItem] = []
        self.code: str | None = None
        self.coded: set[int] = set()  # ids of members whose page carries a dossier code

    def add(self, item: PageItem) -> Dossier | None:
        code, unread_receipt = page_reading(item, self.pattern)
        done = None
        if opens_dossier(code, self.code) or (unread_receipt and self._past_sheet()):
            # A receipt whose code is not read, after the current dossier's own papers, is
            # another dossier's sheet: it opens a dossier with no code (kept for review), never
            # glued onto the one before — that would file one applicant's papers under another's
            # code (tester16 F10).
            done = self.close()
            self.code = code
        if code is not None:
            self.coded.add(id(item))
        self.members.append(item)
        return done

    def _past_sheet(self) -> bool:
        """Whether the current dossier holds a paper besides the pages that carry its code (a
        bare barcode sheet, a receipt whose code was read): a receipt read right behind them
        is that dossier's own."""
        return any(not it.analysis.blank and id(it) not in self.coded for it in self.members)

    def close(self) -> Dossier | None:
        done = (self.members, self.code) if self.members else None
        self.members = []
        self.coded = set()
        return done


def group_dossiers(items: Sequence[PageItem], pattern: str | None) -> list[Dossier]:
    """A whole job's analysed pages (in scan order) as dossiers."""
    grouper = DossierGrouper(pattern)
    dossiers = [d for d in (grouper.add(item) for item in items) if d is not None]
    last = grouper.close()
    return dossiers + ([last] if last is not None else [])


# --- storing ----------------------------------------------------------------------------------


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
    # A duplicate: the stored document's own type and dossier (the catalog's, not this run's
    # reading — a new reading may guess another type, and an unassigned code is new each run).
    stored: tuple[str, str] | None = None

    @property
    def doc_type(self) -> str:
        return self.stored[0] if self.stored else self.draft.classification.doc_type

    @property
    def dossier_code(self) -> str:
        return self.stored[1] if self.stored else self.draft.dossier_code

    def event(self) -> Event:
        """The line ``sohoa ingest --json`` prints for this document."""
        if self.record is None or not self.created:
            return duplicate_json(self.document_id, self.dossier_code, self.doc_type,
                                  self.disposed,
                                  [{"source": it.page.source, "index": it.page.index}
                                   for it in self.draft.pages])
        return document_json(self.document_id, self.record, self.created)


def document_key(pages: list[Page]) -> str:
    """The same pages in the same order always make the same document."""
    return hashlib.sha256("\n".join(p.sha256 for p in pages).encode()).hexdigest()


def store_dossier(members: Sequence[PageItem], code: str | None,
                  ctx: StoreContext, *, sheet_follows: bool = False) -> list[StoreOutcome]:
    """Draft, build, sign and store every document of one dossier (idempotent by document key:
    running it twice, or in two workers at once, stores each document once). What it stored is
    remembered under the dossier's pages (``stored_dossier`` answers a re-run from it).
    ``sheet_follows``: pages with no code that a code sheet follows (``draft_dossier``)."""
    # one read of the catalog: a dossier that is over names no applicant for what is scanned
    # into it now (review12 M2)
    over, opened, procedure = scanned_into(ctx.archive, code) if code else (None, None, None)
    drafts = draft_dossier(members, code, ctx.registry, ctx.settings.review_threshold,
                           ctx.model, opened=Extraction({}, *opened) if opened is not None
                           else None, sheet_follows=sheet_follows,
                           pattern=ctx.settings.code_pattern or None,
                           procedures=catalogue(ctx.settings), procedure=procedure)
    if over is not None:
        settle_late_papers(drafts, code or "", *over)
    outcomes: list[StoreOutcome] = []
    try:
        for draft in drafts:
            outcomes.append(_store(draft, ctx))
        # Each document's pages as positions among the members (the key fixes their order), so
        # a re-run answered from this entry still says which of its files each document came
        # from: without them every such file would be recorded as holding only blank pages.
        position = {(it.page.source, it.page.index): n for n, it in enumerate(members)}
        ctx.archive.cache_put(DOSSIER_STAGE, dossier_key(members, code), {"documents": [
            {"document_id": o.document_id, "dossier_code": o.dossier_code,
             "doc_type": o.doc_type,
             "pages": [position[(it.page.source, it.page.index)] for it in o.draft.pages]}
            for o in outcomes]})
    except StorageError as exc:
        if not outcomes:
            raise
        # The documents stored before the machine failed are in the catalog (each its own
        # transaction) but were never reported: the clerk read "chưa được lưu" for them
        # (tester14 F6). Say which; a rerun answers them as stored before.
        raise type(exc)(stopped_after(exc, code, outcomes)) from exc
    return outcomes


DOSSIER_STAGE = "dossier-stored"


def stopped_after(exc: BaseException, code: str | None,
                  outcomes: Sequence[StoreOutcome]) -> str:
    """The machine's reason, and the documents of the dossier stored before it stopped."""
    ids = ", ".join(o.document_id[:16] for o in outcomes)
    return (f"{str(exc).rstrip('.')}. Trước khi dừng đã lưu {len(outcomes)} giấy tờ của hồ sơ "
            f"{code or '(không có mã)'}: {ids} — chạy lại sẽ không lưu chúng lần nữa.")


def settle_late_papers(drafts: Sequence[DocumentDraft], code: str, status: str,
                       since: datetime | None) -> None:
    """Papers scanned under the sheet of a dossier that is over: stored (nothing is lost), but
    each goes to review, and an owner that came from the dossier (its receipt's applicant) is
    only proposed — never filed nor announced under the applicant before a person looks
    (review12b S1)."""
    why = settled_reason(code, status, since)
    for draft in drafts:
        draft.review_reasons.append(why)
        if draft.owner_from == "dossier" and draft.owner_id:
            draft.owner_proposed = True


def settled_reason(code: str, status: str, since: datetime | None) -> str:
    """Why a paper scanned under the code sheet of a dossier that is over goes to review."""
    from sohoa.clock import shown_moment
    from sohoa.reasons import DOSSIER_STATUS_NAMES, reason

    when = f" từ {shown_moment(since)}" if since is not None else ""
    return reason("dossier", f"hồ sơ {code} đã ở trạng thái "
                  f"“{DOSSIER_STATUS_NAMES.get(status, status)}”{when}: giấy tờ quét sau đó — "
                  "tờ mã hồ sơ có đúng là của giấy tờ này không?")


def dossier_key(members: Sequence[PageItem], code: str | None) -> str:
    """The same pages in the same order under the same code are the same dossier."""
    return hashlib.sha256("\n".join([code or "", *(it.page.sha256 for it in members)])
                          .encode()).hexdigest()


def stored_dossier(members: Sequence[PageItem], code: str | None,
                   archive: Archive) -> list[Event] | None:
    """The events of a dossier stored before from exactly these pages, without drafting it
    again (reading fields costs about a second a document; a re-run of a finished ingest
    should cost milliseconds); None when it was not, or a document of it is gone."""
    hit = archive.cache_get(DOSSIER_STAGE, dossier_key(members, code))
    if hit is None or not hit.get("documents"):
        return None
    events: list[Event] = []
    for doc in hit["documents"]:
        positions = doc.get("pages")
        if positions is None or any(not 0 <= n < len(members) for n in positions):
            return None  # an entry written before pages were kept: drafted once more
        try:
            ref = archive.document_ref(doc["document_id"])
        except NotFoundError:
            return None
        events.append(duplicate_json(
            doc["document_id"], ref["dossier_code"], ref["doc_type"], ref["status"] == "disposed",
            [{"source": members[n].page.source, "index": members[n].page.index}
             for n in positions]))
    return events


def document_record(draft: DocumentDraft, registry: Registry, key: str, pdf_sha: str,
                    pdf_size: int, signature: Any, unit: str | None,
                    job_id: str) -> DocumentRecord:
    doc_type = registry.get(draft.classification.doc_type)
    pages = tuple(
        PageRecord(source=it.page.source, index=it.page.index, sha256=it.page.sha256,
                   side=it.page.side, rotation=it.analysis.ocr.rotation,
                   skew=it.analysis.ocr.skew, confidence=it.analysis.ocr.confidence,
                   blob_sha256=it.page.sha256, original_sha256=it.page.original_sha256)
        for it in draft.pages
    )
    blanks = [{"source": it.page.source, "index": it.page.index} for it in draft.blank_pages]
    return DocumentRecord(
        doc_key=key, dossier_code=draft.dossier_code, unit=unit or None,
        doc_type=doc_type.code, title=draft.title, owner_id=draft.confirmed_owner_id,
        owner_kind=None if draft.owner_proposed else draft.owner_kind,
        owner_name=None if draft.owner_proposed else draft.owner_name,
        proposed_owner_id=draft.owner_id if draft.owner_proposed else None,
        co_owners=co_owners(doc_type.code, draft.extraction, draft.confirmed_owner_id,
                               registry=registry, text=draft.text),
        fields={**dict.fromkeys(BASE_FIELDS), **draft.extraction.values()},
        field_flags=tuple(draft.extraction.flags()),
        text=draft.text, pages=pages, confidence=draft.confidence,
        needs_review=draft.needs_review, review_reasons=tuple(draft.review_reasons),
        pdf_sha256=pdf_sha, pdf_size=pdf_size, signature=signature,
        issue_date=draft.issue_date, valid_until=draft.valid_until,
        retention=doc_type.retention, ingested_at=datetime.now(UTC),
        extra={"blank_pages": blanks, "owner_from": draft.owner_from, "job_id": job_id,
               # which printed wording the owner's number was read after (issue 18)
               **({"owner_label": draft.owner_label} if draft.owner_label else {}),
               # who signed the paper, and its seals and hand signatures (tester15 F4)
               **({"signer": draft.signer} if draft.signer else {}),
               **({"ink_marks": draft.ink_marks} if draft.ink_marks else {}),
               # Tên loại văn bản from the registry, not the title as read (which can come
               # with a stray dash or in capitals); a paper of no known type keeps its title.
               **({"type_name": doc_type.name} if doc_type.code != "other" else {}),
               # Pages not scanned in colour at 200 dpi (TT 01/2023), for review and audit.
               **({"scan_colour": not_colour} if (not_colour := [
                   {"page": n + 1, "problem": problem} for n, it in enumerate(draft.pages)
                   if (problem := scan_problem(it.page.data, it.page.dpi,
                                                it.page.drawn))]) else {}),
               "classification": {"method": draft.classification.method,
                                  "confidence": draft.classification.confidence},
               # fields whose reading was reconciled with the dossier's other papers: how
               **({"agreed": dict(draft.agreed)} if draft.agreed else {}),
               # PDF pages drawn by the renderer instead of taken as the producer's image, and
               # pages whose image had to be converted (CMYK, strips joined): which, and why.
               **({"rendered_pages": rendered} if (rendered := [
                   {"page": n + 1, "source": it.page.source, "index": it.page.index,
                    "reason": it.page.rendered}
                   for n, it in enumerate(draft.pages) if it.page.rendered]) else {}),
               # born-digital pages kept as the producer made them: text from the PDF itself
               **({"born_digital_pages": kept} if (kept := [
                   {"page": n + 1, "source": it.page.source, "index": it.page.index,
                    "note": it.page.born_digital, "text_from": "pdf"}
                   for n, it in enumerate(draft.pages) if it.page.born_digital]) else {}),
               **({"converted_pages": converted} if (converted := [
                   {"page": n + 1, "source": it.page.source, "index": it.page.index,
                    "note": it.page.converted}
                   for n, it in enumerate(draft.pages) if it.page.converted]) else {})},
    )


def word_boxes(ocr: OcrPage, dpi: int) -> list[tuple[float, float, float, float]]:
    """The recognized words of a page as the stored PDF displays them (points from the bottom
    left): the stamp keeps clear of them as it does of the printed ink."""
    scale = 72.0 / dpi
    return [(w.left * scale, (ocr.height - w.top - w.height) * scale,
             (w.left + w.width) * scale, (ocr.height - w.top) * scale)
            for w in ocr.words if w.text.strip()]


def _known(draft: DocumentDraft, document_id: str, archive: Archive) -> StoreOutcome:
    """A document already in the catalog, as the catalog holds it."""
    ref = archive.document_ref(document_id)
    return StoreOutcome(draft, document_id, None, False, ref["status"] == "disposed",
                        (ref["doc_type"], ref["dossier_code"]))


RECEIPT = "dossier_receipt"
_NUMBERS = re.compile(r"\d{2,}")


def same_sheet(read: str, stored: str) -> bool:
    """Is a receipt sheet read now the stored one scanned again? Every number both readings
    print (the dossier code, dates, the applicant's number, the appointment) the same, in the
    same order, and its words as near as two readings of one page are. A receipt issued again
    with another appointment, or a supplement's, differs in a number: a paper of its own; a
    reading that took a digit for another is stored as before (a second paper, never a lost
    one). A short number one reading lost to letters that look like its digits ("ngày 0Š tháng
    l2" for "05 tháng 12") is no number that differs (tester18 F19: the desk's own sheet,
    scanned again, was held as a second receipt because the first scan had garbled its
    dateline); letters that are not its digits' look-alikes ("l0" for "07") are another number
    (review19 N2: a receipt issued again, its new day misread)."""
    a, b = " ".join(fold(read).split()), " ".join(fold(stored).split())
    in_a, in_b = list(_NUMBERS.finditer(a)), list(_NUMBERS.finditer(b))
    if not in_a:
        return False
    chars = SequenceMatcher(None, a, b, autojunk=False)
    lost = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(
            None, [m.group() for m in in_a], [m.group() for m in in_b],
            autojunk=False).get_opcodes():
        if tag == "replace":
            return False
        if tag == "equal":
            continue
        lost += (i2 - i1) + (j2 - j1)
        if lost > _LOST_NUMBERS or not all(
                _garbled_there(m, other, chars, swapped)
                for m, other, swapped in [*((m, b, False) for m in in_a[i1:i2]),
                                          *((m, a, True) for m in in_b[j1:j2])]):
            return False
    return chars.ratio() >= SAME_SHEET_SIMILARITY


# What one reading of a sheet may lose that the other kept: a few short numbers (a date's day
# or month, an hour) garbled into look-alike letters. A long number (the dossier code's parts,
# the applicant's, a phone number) is never let go, nor a number read as another.
_LOST_NUMBERS, _LOST_NUMBER_DIGITS = 2, 2
# Letters (folded) a scan makes of a digit, each of one digit only ("t" may be a 1 or a 7, "b" a
# 6 or an 8: a reissued day 11 read "lt" beside a stored 17 is another number, review19); a mark
# that is no letter or digit stands for any.
_LOOK_ALIKE = {"0": "o", "1": "lij", "2": "z", "4": "a", "5": "s"}


def _garbled_there(number: re.Match[str], other: str, chars: SequenceMatcher[str],
                   swapped: bool) -> bool:
    """Does the other reading hold, where this number stands, as many look-alikes of its
    digits (``chars`` aligns the two folded readings; ``swapped``: the number is in its
    second text)?"""
    digits = number.group()
    if len(digits) > _LOST_NUMBER_DIGITS:
        return False
    there = []
    for tag, i1, i2, j1, j2 in chars.get_opcodes():
        if swapped:
            i1, i2, j1, j2 = j1, j2, i1, i2
        if tag not in ("equal", "replace") or i2 - i1 != j2 - j1:
            continue
        there += [other[j1 + k - i1] for k in range(number.start(), number.end())
                  if i1 <= k < i2]
    return len(there) == len(digits) and all(
        c == d or c in _LOOK_ALIKE.get(d, "") or not c.isalnum()
        for c, d in zip(there, digits, strict=True))


# Two Tesseract readings of one printed page (a rescan, another scanner's file) differ in a few
# marks; two receipts of one dossier with the same numbers differ in their words.
SAME_SHEET_SIMILARITY = 0.85


def _rescanned_sheet(draft: DocumentDraft, archive: Archive) -> str | None:
    """The stored receipt of this draft's dossier that the draft is a rescan of, or None."""
    if draft.classification.doc_type != RECEIPT or draft.dossier_code.startswith(
            UNASSIGNED_PREFIX):
        return None
    return next((doc_id for doc_id, text in archive.dossier_papers_of_type(
        draft.dossier_code, RECEIPT) if same_sheet(draft.text, text)), None)


def _store(draft: DocumentDraft, ctx: StoreContext) -> StoreOutcome:
    archive, settings, registry = ctx.archive, ctx.settings, ctx.registry
    key = document_key([it.page for it in draft.pages])
    existing = archive.has_document(key)
    if existing:
        # A disposed document is not stored again (its tombstone keeps the key): say so, it is
        # not "already stored".
        return _known(draft, existing, archive)
    # Every page already in the catalog, in another document (the same scan given again
    # alone, after it was stored with a neighbouring file's page; a known file's pages
    # grouped otherwise): one paper is stored once — this is that document, not a new one.
    if holder := archive.document_with_pages([it.page.sha256 for it in draft.pages]):
        return _known(draft, holder, archive)
    if rescanned := _rescanned_sheet(draft, archive):
        # The dossier's receipt sheet scanned again (a paper brought later behind the same
        # sheet, the receipt brought back signed when the result is handed over): the same
        # receipt, never a second one (tester13 F4) — but its images are kept with it, since
        # the text match cannot see new ink (review14a S3).
        pages = [it.page for it in draft.pages]
        if any(is_placeholder(p) for p in pages):
            pages = materialize(archive, pages)
        archive.record_rescan(rescanned, job_id=ctx.job_id, pages=[
            {"source": p.source, "index": p.index, "sha256": p.sha256} for p in pages],
            images=[p.data for p in pages])
        return _known(draft, rescanned, archive)
    if any(is_placeholder(it.page) for it in draft.pages):
        # A known file's page in a document not stored yet: its image is needed after all.
        filled = materialize(archive, [it.page for it in draft.pages])
        draft = replace(draft, pages=[replace(it, page=page)
                                      for it, page in zip(draft.pages, filled, strict=True)])
        if document_key(filled) != key:
            # a page read anew (knownfiles.materialize): a new image, so a new document key
            key = document_key(filled)
            if existing := archive.has_document(key):
                return _known(draft, existing, archive)
    # Imported by the first document made: pikepdf (the PDF/A) and the stamp's placement are
    # not needed by a run whose dossiers were all stored before.
    from sohoa.ocr import PdfPage, build_pdf
    from sohoa.scanners.pdfborn import PDF_MIME
    from sohoa.signing import PageInk

    doc_type = registry.get(draft.classification.doc_type)
    # The signed PDF never names a proposed owner: it outlives any review.
    owner = draft.confirmed_owner_id
    dossier = shown_dossier_code(draft.dossier_code)
    pdf = build_pdf(
        [PdfPage(it.page.data, it.page.mime, it.page.dpi, it.analysis.ocr) for it in draft.pages],
        # said as a person reads it: a paper of no known dossier is no "UNASSIGNED-…" in a
        # viewer's title bar (review19 N4); the XMP keeps the identifier
        title=f"{doc_type.name} — {(draft.owner_name if owner else None) or owner or dossier}",
        author=settings.agency,
        subject=f"Hồ sơ {dossier}",
        keywords=[doc_type.code, draft.dossier_code, *([owner] if owner else [])],
        extra_xmp={"dossierCode": draft.dossier_code, "docType": doc_type.code,
                   "ownerId": owner or "", "retention": doc_type.retention_label},
    )
    first = draft.pages[0]
    # A born-digital first page has no scan to look at: the signer renders page 1 itself.
    ink = (None if first.page.mime == PDF_MIME
           else PageInk.from_image(first.page.data, first.analysis.ocr.rotation,
                                   dpi=first.page.dpi))
    signed, signature = ctx.signer.sign(
        pdf, ink=ink,
        avoid=word_boxes(first.analysis.ocr, first.page.dpi))
    record = document_record(draft, registry, key, sha256_hex(signed), len(signed), signature,
                             ctx.unit, ctx.job_id)
    images = [it.page.data for it in draft.pages]
    document_id, created = archive.store_document(record, signed, images)
    if created:
        # The catalog flags a paper naming a known owner otherwise (archive/owners.py), a
        # paper of another person than the dossier's applicant, and one behind the sheet of a
        # dossier the one-stop system never opened (archive/dossiers.place): the clerk's
        # count of papers to review must include it.
        needs_review, reasons = archive.review_state(document_id)
        record = replace(record, needs_review=needs_review, review_reasons=reasons)
    return StoreOutcome(draft, document_id, record, created)


# --- closing ----------------------------------------------------------------------------------


def record_inputs(archive: Archive, job_id: str, pages: Sequence[Page],
                  summary: IngestSummary, *, with_images: bool = True) -> None:
    """Each readable input's outcome, as it is: "stored" (something new stored from it),
    "duplicate" (every document from it was stored before), "partial" (something stored, but
    some of it quarantined), "quarantined" (nothing stored: every page set aside) or "blank"
    (only blank pages, kept in a document's provenance or dropped)."""
    sources = {p.source: p.source_sha256 for p in pages}
    earlier = {d["source"]: d for d in archive.get_job(job_id)["done"]}
    for source, sha in sources.items():
        before = earlier.get(source) or {}
        partly = source in summary.quarantined_from or before.get("status") == "quarantined"
        if source in summary.stored_from or source in summary.documented_from:
            status = ("partial" if partly else
                      "stored" if source in summary.stored_from else "duplicate")
        elif partly:
            status = "quarantined"
        else:
            status = "blank"
        reason = (before.get("reason") or summary.quarantined_from.get(source)
                  if status in ("partial", "quarantined") else None)
        archive.input_done(job_id, source, sha, status, reason)
    remember_files(archive, job_id, pages, with_images=with_images)
