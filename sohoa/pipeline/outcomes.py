"""The ingest's outcome model: what happens to each input, as one JSON event, counted once.

Both executors report through these: an input is either a stored document (new, or already in
the catalog: a duplicate) or a quarantined page or file with its reason. ``sohoa ingest --json``
prints the events; ``IngestSummary.count`` is the only place they are counted, whether the
events come straight from the in-process stages or back from the job board of a queued job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sohoa.pipeline.codec import signature_to_json
from sohoa.records import DocumentRecord, Page, Quarantined

Emit = Callable[[dict[str, Any]], None]
Event = dict[str, Any]


@dataclass
class IngestSummary:
    job_id: str = ""
    files: int = 0
    pages: int = 0
    blank_pages: int = 0
    dossiers: int = 0
    stored: int = 0
    duplicates: int = 0
    # papers found already in the catalog but destroyed under a disposal list since: not
    # stored again, and no "đã lưu trước đây" either (nothing of them is kept)
    disposed: int = 0
    quarantined: int = 0
    needs_review: int = 0
    not_colour: int = 0  # pages stored although not scanned in colour at 200 dpi
    known_files: int = 0  # inputs recognized by their SHA-256 as ingested before in full
    # pages set aside because sohoa's own code failed on their file (a bug: exit 1)
    program_errors: int = 0
    # stored papers the search index has not taken yet because it did not answer (the outbox
    # keeps them; ``health.index_in_step``), and what the clerk reads about it
    search_waiting: int = 0
    search_problem: str = field(default="", repr=False)
    seconds: float = 0.0
    document_ids: list[str] = field(default_factory=list)
    # the inputs something new was stored from, the inputs of any document (new or stored
    # before) and the inputs with something quarantined: what ``record_inputs`` says of each
    stored_from: set[str] = field(default_factory=set, repr=False)
    documented_from: set[str] = field(default_factory=set, repr=False)
    quarantined_from: dict[str, str] = field(default_factory=dict, repr=False)  # → first reason
    # the job's last page with content, without its image (``PageScreen.last_content``): the
    # hot folder hands it to the next file's job
    last_content: Page | None = field(default=None, repr=False)

    def counts(self) -> dict[str, int]:
        """The job's figures as the catalog keeps them (``search_waiting`` is a state of the
        index at the job's end, not a figure of the job: said then, never shown later)."""
        return {k: v for k, v in self.__dict__.items()
                if isinstance(v, int) and k != "search_waiting"}

    def count(self, event: Event) -> Event:
        """Count one outcome event (a document, a quarantined input, or a warning about a page
        that is stored all the same); return it, to emit."""
        kind = outcome_of(event)
        if kind == WARNING:
            self.not_colour += len(event.get("pages") or [None])
            return event
        if kind == QUARANTINED:
            self.quarantined += 1
            if event.get("source"):
                self.quarantined_from.setdefault(event["source"], event["error"])
            return event
        self.document_ids.append(event["document_id"])
        self.documented_from.update(p["source"] for p in event.get("pages") or ())
        if kind == STORED:
            self.stored += 1
            self.needs_review += int(bool(event.get("needs_review")))
            self.stored_from.update(p["source"] for p in event["pages"])
        elif event.get("disposed"):
            self.disposed += 1
        else:
            self.duplicates += 1
        return event


WARNING, QUARANTINED, STORED, DUPLICATE = "warning", "quarantined", "stored", "duplicate"


def outcome_of(event: Event) -> str:
    """What an ingest event reports: a WARNING about a page stored all the same (not an
    outcome of its own), a QUARANTINED page or file, a document STORED new, or a DUPLICATE of
    one already in the catalog. Whoever counts events (the summary, the hot folder's report)
    asks this, so that a new kind of event is classified in one place."""
    if "warning" in event:
        return WARNING
    if "error" in event:
        return QUARANTINED
    return STORED if event.get("created") else DUPLICATE


def colour_warning(source: str, pages: Sequence[tuple[int, str]], of: int) -> Event:
    """The one line printed for a file whose ``pages`` (index, why) are stored although not
    scanned in colour at 200 dpi, out of ``of`` pages read from it: a page named when it is
    the only one, else how many and which, once per distinct reason."""
    if len(pages) == 1:
        index, problem = pages[0]
        return {"warning": problem, "source": source, "page": index, "pages": [index]}
    by_problem: dict[str, list[int]] = {}
    for index, problem in pages:
        by_problem.setdefault(problem, []).append(index)
    parts = [f"{len(indices)}/{of} trang ({page_ranges(indices)}): {problem}"
             for problem, indices in by_problem.items()]
    return {"warning": " | ".join(parts), "source": source, "page": None,
            "pages": [index for index, _ in pages]}


def page_ranges(indices: Sequence[int]) -> str:
    """"trang 1–300" or "trang 2, 5–7" (pages counted from 1, as the clerk counts them)."""
    runs: list[list[int]] = []
    for index in sorted(indices):
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return "trang " + ", ".join(f"{a + 1}" if a == b else f"{a + 1}–{b + 1}" for a, b in runs)


def quarantine_event(item: Quarantined) -> Event:
    """The line printed for a page or file that went to quarantine."""
    return {"error": item.reason, "source": item.source, "page": item.page_index,
            "sha256": item.sha256 or None}


def document_json(document_id: str, record: DocumentRecord, created: bool) -> Event:
    """The line printed for a document this job built and stored."""
    return {
        "document_id": document_id,
        "dossier_code": record.dossier_code,
        "doc_type": record.doc_type,
        "title": record.title,
        "owner_id": record.owner_id,
        # read but not confirmed (owner_id is then None): a person confirms it in review
        **({"proposed_owner_id": record.proposed_owner_id}
           if record.proposed_owner_id and not record.owner_id else {}),
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


def stored_document_json(doc: dict[str, Any]) -> Event:
    """The same line from the catalog's view of a document (``Archive.get_document``): a
    queued job's document stored by a worker that died before it reported it."""
    return {"document_id": doc["document_id"], "dossier_code": doc["dossier_code"],
            "doc_type": doc["doc_type"], "title": doc["title"], "owner_id": doc["owner_id"],
            "fields": doc["fields"], "pages": doc["pages"],
            "blank_pages": doc["extra"].get("blank_pages", []),
            "confidence": doc["confidence"], "needs_review": doc["needs_review"],
            "review_reasons": doc["review_reasons"], "signature": doc["signature"],
            "sha256": doc["pdf"]["sha256"], "created": True, "resumed": True}


def duplicate_json(document_id: str, dossier_code: str, doc_type: str,
                   disposed: bool, pages: list[dict[str, Any]] | None = None) -> Event:
    """The line printed for a document that was already in the catalog (``disposed``: stored
    once and destroyed under a disposal list since; its tombstone keeps the key). ``pages``:
    where this run found its pages (source and index)."""
    return {"document_id": document_id, "dossier_code": dossier_code, "doc_type": doc_type,
            "duplicate": True, "created": False, "disposed": disposed,
            "pages": list(pages or [])}


# What a clerk is told when pages were set aside on an error in sohoa's own code.
PROGRAM_ERRORS_LINE = ("{n} trang gặp lỗi của chương trình sohoa (không phải lỗi của tệp): "
                       "tệp của chúng được để riêng; hãy báo cho bộ phận kỹ thuật")


def ingest_exit_code(summary: IngestSummary) -> int:
    """An ingest's exit code: 1 when sohoa's own code failed on a page (a bug, though the
    batch went on), else 3 when something was quarantined, else 0."""
    from sohoa.errors import EXIT_INTERNAL, EXIT_OK, EXIT_QUARANTINED

    if summary.program_errors:
        return EXIT_INTERNAL
    return EXIT_QUARANTINED if summary.quarantined else EXIT_OK
