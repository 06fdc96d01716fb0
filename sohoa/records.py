"""Small frozen records that pass between the rooms (scanners → ocr → signing → archive).

Rooms never import each other; they exchange these. Everything here is plain data: no I/O,
no ORM rows, no engine handles. Text fields hold NFC text; dates are ``datetime.date``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sohoa.clock import shown_date
from sohoa.reasons import reason
from sohoa.vocabulary import CERTIFIED_COPY, DIGITIZED_COPY, ORIGINAL, PAPER_FORM_NAMES


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- scanners → pipeline -------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One scanned page as it came from its source, with where it came from.

    ``data`` is the page image encoded as scanned (JPEG, PNG or a single-page TIFF), so that the
    archival PDF can carry it without recompression. ``sha256`` (of ``data``) keys every stage
    result computed from this page.
    """

    source: str  # the input file, as given by the user
    index: int  # 0-based page index inside the source file
    source_sha256: str
    data: bytes
    mime: str  # "image/jpeg" | "image/png" | "image/tiff" | "application/pdf" (born digital)
    width: int
    height: int
    dpi: int
    side: str = "front"  # "front" | "back" (duplex batches)
    sha256: str = ""
    # Why a PDF page had to be rendered instead of taken as its producer's image (Vietnamese,
    # shown in the document's record); "" when the page is the image as scanned.
    rendered: str = ""
    # What was done to the producer's image bytes when they could not be kept as they are
    # (a CMYK JPEG made RGB, strips joined into one page); "" when they are kept.
    converted: str = ""
    # A born-digital PDF page kept as its producer made it (``data`` is then a one-page PDF,
    # ``mime`` "application/pdf", its words read from the PDF, not recognized): what was kept
    # and how, in Vietnamese; "" for a scanned or rendered page.
    born_digital: str = ""
    # Drawn from a PDF page that holds no scanned image (vector text and lines a program made,
    # rendered because PDF/A refuses it as it is): never scanned, so the scanning rules (colour,
    # 200 dpi) are not its own.
    drawn: bool = False
    # A drawn born-digital page whose PDF text is real (``pdfborn.real_text``): the page alone
    # as a one-page PDF, whose own text (ToUnicode) and positions are the drawn page's words,
    # exact where OCR would guess ("NGUYỄN" read back as "NGUYÊN"); b"" otherwise.
    text_pdf: bytes = b""
    # The input file itself, kept by the pipeline beside the page as a blob of its own (one per
    # file): a phone photo flattened into this page, or a PDF that is signed or a form (its
    # pages are re-written, its signature and fields live only in its own bytes); "" otherwise.
    original_sha256: str = ""

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", sha256_hex(self.data))


@dataclass(frozen=True)
class Quarantined:
    """An input file (``page_index`` None) or one page of it that could not be used, and why."""

    source: str
    reason: str
    sha256: str = ""
    page_index: int | None = None


# --- ocr → pipeline ------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A recognized word with its box in the pixel space of the upright page image."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float  # 0..100 as Tesseract reports it
    block: int = 0
    line: int = 0  # index of the line within the page, in reading order


@dataclass(frozen=True)
class InkMark:
    """A seal or a signature found on a page: recorded as present where it is, never read as
    letters. The box is in the upright page image's pixels, like the words'."""

    kind: str  # "seal" | "signature"
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class OcrPage:
    """What recognition made of one page.

    ``rotation`` is the clockwise rotation (0/90/180/270) that makes the scanned image upright;
    ``skew`` the small angle (degrees) that was corrected for recognition only. Word boxes are in
    the coordinates of the upright (rotated, not deskewed) image of ``width`` × ``height``.
    """

    page_sha256: str
    rotation: int
    skew: float
    width: int
    height: int
    dpi: int
    words: tuple[Word, ...]
    text: str  # lines in reading order, joined by "\n"
    confidence: float  # mean word confidence, 0..1
    blank: bool = False
    timed_out: bool = False
    marks: tuple[InkMark, ...] = ()  # seals and signatures (sohoa.ocr.marks)
    # Name words whose tone marks the second reading rewrote in ``text``: (as read, as
    # written). The name fields are flagged for a person to compare with the paper.
    renamed: tuple[tuple[str, str], ...] = ()
    # Lines of the signer's block whose title or rank was rewritten to the closed vocabulary
    # (sohoa.ocr.titles): (as read, as written), so the signer read from them can be flagged.
    retitled: tuple[tuple[str, str], ...] = ()
    # Personal numbers whose readings disagreed (sohoa.ocr.idreread): (as written in ``text``,
    # every reading joined by "/"). Still the best reading, but the owner taken from one goes
    # to a person.
    unsure_ids: tuple[tuple[str, str], ...] = ()
    # Lines of the signer's name kept as read that are no plausible name (sohoa.ocr.titles.
    # doubtful_name: "Bui Lhị Yến"): the text is not rewritten; a person compares the paper.
    unsure_signer: tuple[str, ...] = ()


# --- understanding (ocr) → pipeline --------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    doc_type: str  # a registry code, e.g. "birth_certificate"; "other" when unknown
    confidence: float  # 0..1
    method: str = "title"  # "title" | "model" | "default"


@dataclass(frozen=True)
class FieldValue:
    value: str | None
    confidence: float = 0.0  # 0..1
    flag: str | None = None  # why a person should look at it, in Vietnamese, without the field
    # The printed wording the value was read after ("Giấy CMND/CCCD/Hộ chiếu: Căn cước công
    # dân số"), so a clerk sees where an owner came from; None when not recorded.
    label: str | None = None


@dataclass(frozen=True)
class Extraction:
    """Key fields of one document. Dates are ISO strings (YYYY-MM-DD) in ``fields``."""

    fields: Mapping[str, FieldValue]
    owner_id: str | None = None
    owner_kind: str | None = None  # "person" | "organization"
    owner_name: str | None = None
    # The owner's number when it was read but is not sure (its readings disagreed: an
    # ``OcrPage.unsure_ids`` number): proposed to a person, never an owner by itself.
    proposed_owner_id: str | None = None

    def values(self) -> dict[str, str | None]:
        return {k: v.value for k, v in self.fields.items()}

    def flags(self) -> list[str]:
        """``"<nhãn>: <lý do>"`` per flagged field (``sohoa.reasons``)."""
        return [reason(k, v.flag) for k, v in self.fields.items() if v.flag]


# --- signing → pipeline --------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureSummary:
    level: str  # "B-B" | "B-T" | "B-LT" | "B-LTA"
    signer: str  # the signer certificate's subject common name (NFC)
    signed_at: datetime
    certificate_sha256: str = ""
    # "agency": the agency's copy signature (NĐ 30/2020, "SAO Y"); "officer": the personal
    # signature of the officer who digitized the paper at the desk (TT 01/2023 Điều 8.1).
    kind: str = "agency"


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a verified PDF."""

    field_name: str
    signer: str
    intact: bool
    trusted: bool
    revoked: bool
    level: str
    signed_at: datetime | None
    timestamp: datetime | None
    modification: str  # "none" | "form_filling" | "annotations" | "other"
    covers_whole_file: bool
    problems: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and not self.revoked and not self.problems


@dataclass(frozen=True)
class VerificationReport:
    signatures: tuple[SignatureCheck, ...]
    problems: tuple[str, ...] = ()  # document-level: "no signature", "signature removed", …

    @property
    def valid(self) -> bool:
        return bool(self.signatures) and not self.problems and all(
            s.valid for s in self.signatures
        )


# --- pipeline → archive --------------------------------------------------------------------


@dataclass(frozen=True)
class PageRecord:
    """Provenance of one stored page."""

    source: str
    index: int
    sha256: str
    side: str
    rotation: int
    skew: float
    confidence: float
    blob_sha256: str = ""  # the page image as scanned, in the blob store
    original_sha256: str = ""  # the input file (a phone photo, a signed PDF/form), a blob


# The dossier code of pages ingested before (or without) any dossier-code sheet: an
# identifier, never shown to a person as it is (:func:`shown_dossier_code`).
UNASSIGNED_PREFIX = "UNASSIGNED-"
UNASSIGNED_SHOWN = "chưa có mã hồ sơ"
_LOOSE_GROUP = re.compile(r"(?:unassigned-|nh[oóòỏõọ]m\s*)([0-9a-f]{12})", re.IGNORECASE)


def shown_dossier_code(code: str | None) -> str:
    """A dossier code as a clerk reads it: the placeholder of papers whose dossier is not known
    ("UNASSIGNED-cc2f471827e3") as "chưa có mã hồ sơ (nhóm cc2f471827e3)" (tester18 F7: the
    English placeholder was printed in every clerk's line); "—" for none."""
    if not code:
        return "—"
    if code.startswith(UNASSIGNED_PREFIX):
        return f"{UNASSIGNED_SHOWN} (nhóm {code[len(UNASSIGNED_PREFIX):]})"
    return code


def given_dossier_code(text: str) -> str:
    """A dossier code as a person typed it: a group of loose papers given as shown ("nhóm
    cc2f471827e3", "nhom …") or by its identifier names its placeholder; any other text is
    returned as typed."""
    typed = " ".join(unicodedata.normalize("NFC", text or "").split())
    if found := _LOOSE_GROUP.fullmatch(typed):
        return f"{UNASSIGNED_PREFIX}{found.group(1).lower()}"
    return typed
# ``extra["owner_from"]`` of a paper left without an owner because what it reads disagrees with
# its dossier's receipt: a person decides whose it is before any target hears of it.
OWNER_FROM_CONFLICT = "conflict"


@dataclass(frozen=True)
class DocumentRecord:
    """A finished document, ready to be stored. ``doc_key`` makes storing it idempotent:
    it is the SHA-256 of the ordered page hashes, so the same pages always give the same key."""

    doc_key: str
    dossier_code: str  # "UNASSIGNED-<batch sha prefix>" for pages before the first code sheet
    unit: str | None
    doc_type: str
    title: str  # the document's title as printed (NFC), e.g. "GIẤY KHAI SINH"
    owner_id: str | None
    owner_kind: str | None
    owner_name: str | None
    fields: Mapping[str, str | None]
    field_flags: tuple[str, ...]
    text: str
    pages: tuple[PageRecord, ...]
    confidence: float
    needs_review: bool
    review_reasons: tuple[str, ...]
    pdf_sha256: str
    pdf_size: int
    signature: SignatureSummary | None
    issue_date: date | None = None
    valid_until: date | None = None
    retention: str | None = None  # registry retention code: "permanent" or "years:N"
    ingested_at: datetime | None = None
    extra: Mapping[str, object] = field(default_factory=dict)
    # A number read on the paper that nobody confirmed (``owner_id`` is then None): kept for
    # the reviewer as "đề xuất", never filed, listed or announced as the owner.
    proposed_owner_id: str | None = None
    # The other people a shared paper (``owner_shared``: both spouses) belongs to, by the
    # numbers it states itself, each with the name printed beside it (or None): each finds
    # and reuses it as its owner does.
    co_owners: tuple[tuple[str, str | None], ...] = ()


# --- the reuse loop: dossiers, components, results (archive ↔ pipeline ↔ cli/api) ----------


@dataclass(frozen=True)
class DossierOpening:
    """A dossier as the one-stop system announces it (before or after its papers are scanned).

    ``components`` are (code, name, doc_type, required) from the procedure catalogue.
    ``received_at`` is an aware instant; the dossier's received day is its local (+07:00) date.
    """

    code: str  # <agency code>-<YYMMDD>-<4-digit daily sequence>
    procedure_code: str  # mã TTHC
    procedure_name: str
    unit: str  # receiving unit code
    unit_level: str | None  # a level code of units.toml ("tinh", "xa", …)
    channel: str  # "counter" | "postal" | "online"
    owner_id: str  # applicant: 12-digit personal ID or organization code
    received_at: datetime
    appointment_date: date | None
    components: tuple[tuple[str, str, str, bool], ...] = ()


# How a dossier's component was satisfied, as an officer reads it (every message and listing).
SATISFIED_NAMES: dict[str | None, str] = {
    "digitized": "số hóa tại bộ phận", "reused": "dùng lại",
    "owner_store": "lấy từ kho dữ liệu của công dân", None: "còn thiếu"}


@dataclass(frozen=True)
class ComponentState:
    """One component of a dossier and how it was satisfied: ``satisfied`` is "digitized"
    (scanned here, ``document_id``), "reused" (an already stored, still valid document),
    "owner_store" (taken from the owner's data store) or None (still missing)."""

    position: int
    code: str
    name: str
    doc_type: str
    required: bool
    satisfied: str | None
    document_id: str | None
    digitization_code: str | None
    satisfied_at: datetime | None
    satisfied_by: str | None


def party_marks(components: Sequence[ComponentState]) -> list[str]:
    """What tells apart the rows of a component taken once per party (its code on several
    rows, procedures.toml ``parties``): " (bên 1/2)", " (bên 2/2)"; "" for the others."""
    total: dict[str, int] = {}
    for c in components:
        total[c.code] = total.get(c.code, 0) + 1
    seen: dict[str, int] = {}
    marks = []
    for c in components:
        seen[c.code] = seen.get(c.code, 0) + 1
        marks.append(f" (bên {seen[c.code]}/{total[c.code]})" if total[c.code] > 1 else "")
    return marks


@dataclass(frozen=True)
class StatusChange:
    status: str  # queued | received | processing | supplement | resolved | returned | rejected
    at: datetime
    recorded_by: str
    note: str | None = None


@dataclass(frozen=True)
class ResultState:
    """A procedure result (kết quả giải quyết TTHC) issued for a dossier."""

    document_id: str
    result_code: str  # mã loại kết quả
    digitization_code: str | None
    born_digital: bool  # signed electronic original (True) or a digitized paper result
    issued_at: datetime
    valid_until: date | None  # None: does not expire
    pushed_to_store_at: datetime | None


@dataclass(frozen=True)
class DossierState:
    """Everything the catalog knows of one dossier."""

    code: str
    procedure_code: str | None
    procedure_name: str | None
    unit: str | None
    unit_level: str | None
    channel: str | None
    owner_id: str | None
    received_at: datetime | None
    received_date: date | None
    appointment_date: date | None
    status: str | None
    status_at: datetime | None
    components: tuple[ComponentState, ...]
    history: tuple[StatusChange, ...]
    results: tuple[ResultState, ...]
    documents: tuple[str, ...]  # ids of the documents scanned into this dossier

    def to_json(self) -> dict[str, object]:
        def iso(v: date | datetime | None) -> str | None:
            return v.isoformat() if v is not None else None

        return {
            "code": self.code, "procedure_code": self.procedure_code,
            "procedure_name": self.procedure_name, "unit": self.unit,
            "unit_level": self.unit_level, "channel": self.channel, "owner_id": self.owner_id,
            "received_at": iso(self.received_at), "received_date": iso(self.received_date),
            "appointment_date": iso(self.appointment_date), "status": self.status,
            "status_at": iso(self.status_at),
            "components": [{"position": c.position, "code": c.code, "name": c.name,
                            "doc_type": c.doc_type, "required": c.required,
                            "satisfied": c.satisfied, "document_id": c.document_id,
                            "digitization_code": c.digitization_code,
                            "satisfied_at": iso(c.satisfied_at),
                            "satisfied_by": c.satisfied_by} for c in self.components],
            "history": [{"status": h.status, "at": iso(h.at), "recorded_by": h.recorded_by,
                         "note": h.note} for h in self.history],
            "results": [{"document_id": r.document_id, "result_code": r.result_code,
                         "digitization_code": r.digitization_code,
                         "born_digital": r.born_digital, "issued_at": iso(r.issued_at),
                         "valid_until": iso(r.valid_until),
                         "pushed_to_store_at": iso(r.pushed_to_store_at)}
                        for r in self.results],
            "documents": list(self.documents),
        }


# --- the certification register (sổ chứng thực, Decree 23/2015) ----------------------------


@dataclass(frozen=True)
class CertificationRequest:
    """What the certifying official confirms before a number is handed out."""

    unit: str
    owner_id: str | None
    paper: str  # the paper's name (tên giấy tờ), as written in the register
    doc_type: str
    pages: int
    original: str  # the original: its file name, or "document:<id>"
    official: str  # người thực hiện chứng thực
    official_title: str
    compared_by: str  # who compared the copy with the original shown


@dataclass(frozen=True)
class CertificationEntry:
    """One line of a unit's certification register."""

    id: int
    unit: str
    year: int
    number: int
    book: str  # "01/2026-SCT/BS"
    certified_at: datetime
    certified_on: date
    owner_id: str | None
    paper: str
    doc_type: str
    pages: int
    original: str
    official: str
    official_title: str
    compared_by: str
    status: str  # issuing | issued | spoiled
    document_id: str | None
    note: str | None

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "unit": self.unit, "year": self.year, "number": self.number,
                "book": self.book, "certified_at": self.certified_at.isoformat(),
                "certified_on": self.certified_on.isoformat(), "owner_id": self.owner_id,
                "paper": self.paper, "doc_type": self.doc_type, "pages": self.pages,
                "original": self.original, "official": self.official,
                "official_title": self.official_title, "compared_by": self.compared_by,
                "status": self.status, "document_id": self.document_id, "note": self.note}


# The paper forms (ORIGINAL, CERTIFIED_COPY, DIGITIZED_COPY) and their names are in
# sohoa/vocabulary.py, one name per form on every face; imported here for paper_form().


def paper_form(extra: Mapping[str, Any] | None) -> str:
    """The form of a stored paper from its record's ``extra``, as its storing step wrote it."""
    extra = extra or {}
    if extra.get("certified_copy"):
        return CERTIFIED_COPY
    if extra.get("born_digital"):
        return ORIGINAL
    return DIGITIZED_COPY


def certified_copy_note(extra: Mapping[str, Any] | None,
                        certified_on: str | date | None = None) -> str:
    """A certified copy's marking in words: its register line ("số 1, quyển số 01/2026-SCT/BS")
    and the day; empty for any other paper."""
    line = (extra or {}).get("certified_copy") or {}
    if not line:
        return ""
    parts = [PAPER_FORM_NAMES[CERTIFIED_COPY]]
    if line.get("number") is not None:
        parts.append(f"số chứng thực {line['number']}"
                     + (f", quyển số {line['book']}" if line.get("book") else ""))
    if certified_on:
        parts.append(f"ngày chứng thực {shown_date(certified_on)}")
    return "; ".join(parts)
