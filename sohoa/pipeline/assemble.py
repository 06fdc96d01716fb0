"""From analysed pages to documents: dossier boundaries, document boundaries, type, fields, owner.

Pure functions over records (no I/O), so every rule here is tested without Tesseract.
"""

from __future__ import annotations

import mimetypes
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import PurePath
from typing import Any

from rapidfuzz import fuzz

from sohoa.clock import vietnam_today
from sohoa.doctypes import VALIDITY_UNKNOWN, DocType, Registry, load_registry
from sohoa.ocr.classify import NgramModel, classify, printed_title
from sohoa.ocr.fields.extract import extract_fields, only_unsure
from sohoa.ocr.fields.fixedtitle import fixed_title, titled_page
from sohoa.ocr.fields.headcolumn import left_header_column
from sohoa.ocr.fields.signer import ink_marks, signer_of
from sohoa.ocr.segment import find_dossier_code, starts_document
from sohoa.ocr.titles import changes_letters
from sohoa.pipeline.agreement import AGREEING_FIELDS, Reading, agree
from sohoa.pipeline.analysis import PageAnalysis
from sohoa.pipeline.owner import misread_owner, resolve_owner
from sohoa.procedures import Catalogue, Procedure
from sohoa.reasons import OWNER_UNKNOWN, VALIDITY_UNREAD, label, reason, topic
from sohoa.records import UNASSIGNED_PREFIX, Classification, Extraction, FieldValue, Page
from sohoa.vntext import fold, shown_number


@dataclass(frozen=True)
class PageItem:
    page: Page
    analysis: PageAnalysis


@dataclass
class DocumentDraft:
    dossier_code: str
    pages: list[PageItem]
    classification: Classification
    title: str  # as printed, else the type's name
    extraction: Extraction
    owner_id: str | None
    owner_kind: str | None
    owner_name: str | None
    owner_from: str  # "document" | "dossier" | "none" | "conflict" (owner.CONFLICT)
    confidence: float
    review_reasons: list[str] = field(default_factory=list)
    blank_pages: list[PageItem] = field(default_factory=list)  # blank backs, kept in provenance
    issue_date: date | None = None
    valid_until: date | None = None
    # Fields replaced by the reading other documents of the dossier agree on, and why
    # (field → note naming the reading it had and the documents the new one comes from).
    agreed: dict[str, str] = field(default_factory=dict)
    ocr_confidence: float = 0.0
    owner_label: str | None = None  # the printed wording the owner's number followed
    # ``owner_id`` is only proposed (pipeline/owner.py: read, but unconfirmed): a person must
    # confirm it before the paper is anybody's (stored as the proposal, owner left empty).
    owner_proposed: bool = False
    # The paper's signer as its text names them ({"title", "name", "rank"}: ocr.fields.signer)
    # and the seals and hand signatures found on its pages (present, page, box): metadata an
    # archive keeps (issue 18, tester15 F4).
    signer: dict[str, str] | None = None
    ink_marks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def confirmed_owner_id(self) -> str | None:
        """The owner the paper may be filed under: None while it is only proposed."""
        return None if self.owner_proposed else self.owner_id

    @property
    def text(self) -> str:
        return "\n\n".join(item.analysis.ocr.text for item in self.pages)

    @property
    def needs_review(self) -> bool:
        return bool(self.review_reasons)


# How alike a line's head must be to one of the registry's receipt titles (folded): a title with a
# letter misread scores 95–100, the desk's other slips 59–67, a slip's "(Kèm theo Giấy tiếp nhận
# …)" 74 (review17 M8).
_RECEIPT_TITLE_SCORE = 88


def _receipt_titled(text: str, registry: Registry) -> bool:
    """Whether one of the page's top lines (the headers', then the title) is a title the
    registry gives receipts ("GIẤY TIẾP NHẬN HỒ SƠ …", "PHIẾU HẸN TRẢ KẾT QUẢ"), a letter or two
    misread; not a slip's mention of the receipt."""
    titles = [" ".join(fold(t).split()) for t in registry.get("dossier_receipt").titles]
    for line in text.splitlines()[:12]:
        folded = " ".join(fold(line).strip(" -–—.:*\"'").split())
        if any(fuzz.ratio(title, folded[:len(title)]) >= _RECEIPT_TITLE_SCORE for title in titles):
            return True
    return False
# A receipt opened a dossier but its printed code was not read (stages.DossierGrouper).
UNREAD_RECEIPT_CODE = ("giấy tiếp nhận không đọc được mã hồ sơ: nhập mã in trên giấy để chuyển "
                       "các giấy tờ theo sau vào đúng hồ sơ")


def page_code(item: PageItem, pattern: str | None, registry: Registry | None = None) -> str | None:
    """The dossier code of a page: its barcode, else the code printed on a receipt sheet.
    ``registry``: the document types (default: the packaged registry)."""
    return page_reading(item, pattern, registry)[0]


def page_reading(item: PageItem, pattern: str | None, registry: Registry | None = None
                 ) -> tuple[str | None, bool]:
    """``(code, receipt)``: the page's dossier code (:func:`page_code`), and whether it is the
    first page of a receipt whose printed code could not be read — another dossier's sheet,
    maybe, that must not be glued onto the dossier before it."""
    if item.analysis.code:
        return item.analysis.code, False
    if item.analysis.blank or not item.analysis.ocr.text:
        return None, False
    text = item.analysis.ocr.text
    registry = registry or load_registry()
    if classify(text, registry).doc_type != "dossier_receipt":
        return None, False
    code = find_dossier_code(text, pattern) if pattern else find_dossier_code(text)
    # Only a receipt's own title says "a dossier was received here": the desk's other slips the
    # classifier files with receipts (the process-control slip stapled behind the receipt, a
    # request for more papers) often leave "Mã hồ sơ" blank or handwritten (review17 M5).
    return code, code is None and starts_document(text, registry.titles()) and _receipt_titled(
        text, registry)


def split_documents(items: Sequence[PageItem], registry: Registry
                    ) -> list[tuple[list[PageItem], list[PageItem]]]:
    """Group a dossier's pages into documents: (pages, blank pages that followed them).

    The code sheet (the dossier's first page) is a document of its own; after it, a page starts a
    new document when it opens with a header or a title, or when it is the first page of another
    multi-page file (a PDF or TIFF of its own: what a clerk scanned or received as one file is
    never glued onto the paper before it — that would put one person's pages into another's
    document), or the first page of another single-page file that is not of the same scan
    session (:func:`same_session`: one image per page, as phones and some scanners write, still
    continues a paper; a born-digital letter after a JPEG of a card does not); otherwise it
    continues the previous one. Blank backs are not part of any document but stay counted with
    the one they followed.
    """
    documents: list[tuple[list[PageItem], list[PageItem]]] = []
    leading_blanks: list[PageItem] = []
    titles = registry.titles()
    pages_in = Counter(item.page.source for item in items)
    previous: str | None = None
    last_page: Page | None = None
    for position, item in enumerate(items):
        if item.analysis.blank:
            (documents[-1][1] if documents else leading_blanks).append(item)
            continue
        text = item.analysis.ocr.text
        first_after_sheet = position > 0 and items[0].analysis.code and len(documents) == 1
        source = item.page.source
        other_file = previous is not None and source != previous and (
            pages_in[source] > 1 or pages_in[previous] > 1
            or last_page is None or not same_session(last_page, item.page))
        previous, last_page = source, item.page
        if (not documents or item.analysis.code or first_after_sheet or other_file
                or starts_document(text, titles)):
            documents.append(([item], leading_blanks))
            leading_blanks = []
        else:
            documents[-1][0].append(item)
    return documents


# Pages of one scan session have about the same pixel size; a phone app's or a scanner's crop
# to the sheet varies it (review12 F-a1: 6 % split two photos of one paper) — a card beside an
# A4 sheet still differs far more.
_SESSION_SIZE = 0.2


def _file_kind(page: Page) -> str:
    """The kind of file a page came from, by its name's media type: ``a.jpg`` and ``b.jpeg``,
    ``.tif`` and ``.tiff`` are one kind (one scanner's names vary with its settings), a PDF
    another than the JPEG inside it (``Page.mime`` is the picture's)."""
    suffix = PurePath(page.source).suffix.lower()
    return mimetypes.guess_type(f"x{suffix}", strict=False)[0] or suffix


def same_session(before: Page, page: Page) -> bool:
    """Whether two single-page files look like two pages of one scan session, so that the second
    may continue the paper of the first: the same kind of file (extension and encoding), both
    pictures as scanned (not a born-digital PDF page, nor one drawn from a PDF), the same
    resolution and about the same pixel size (either way up). Anything else is another paper
    brought separately (tester12 F1: a born-digital letter was glued onto the JPEG of an ID
    card before it, and the card lost its owner)."""
    if _file_kind(before) != _file_kind(page) or before.mime != page.mime:
        return False
    if any(p.born_digital or p.drawn or p.text_pdf for p in (before, page)):
        return False  # a scan the reader had to render (a printed page number) is a scan
    if (before.original_sha256 and page.original_sha256 and before.mime == "image/jpeg"
            and not (before.rendered or page.rendered)):
        return True  # two phone photos, each flattened to A4 at the dpi its detail allowed
    if before.dpi != page.dpi:
        return False
    a, b = sorted((before.width, before.height)), sorted((page.width, page.height))
    return all(abs(x - y) <= _SESSION_SIZE * max(x, y) for x, y in zip(a, b, strict=True))


def possible_issue_date(extraction: Extraction, today: date) -> Extraction:
    """``extraction`` without an issue date no paper can have: after the day it is ingested,
    or before the birth of the person it is about (tester15 F3: "năm 2026" read "2096" filed a
    30-day paper as valid until 2096). Such a date is a misreading, never accepted silently: the
    field is left empty, flagged with what was read, for a person to enter from the paper."""
    issued = _parse_iso((fv := extraction.fields.get("issue_date")) and fv.value)
    if issued is None:
        return extraction
    born = _parse_iso((b := extraction.fields.get("date_of_birth")) and b.value)
    if issued > today:
        why = f"sau ngày nhập {today:%d/%m/%Y}"
    elif born is not None and issued < born:
        why = f"trước ngày sinh {born:%d/%m/%Y} của người trong giấy"
    else:
        return extraction
    fields = dict(extraction.fields)
    fields["issue_date"] = FieldValue(None, _IMPOSSIBLE, (
        f"máy đọc được ngày {issued:%d/%m/%Y}, {why} — không thể là ngày cấp (có thể đọc sai "
        "chữ số): nhập ngày cấp theo giấy"))
    return replace(extraction, fields=fields)


# The confidence of a field left empty because what was read cannot be (ocr.fields.scores).
_IMPOSSIBLE = 0.25


def required_fields(extraction: Extraction, doc_type: DocType) -> Extraction:
    """``extraction`` with every field the type always prints (``DocType.required``: the
    card's issue date) that was not read flagged for a person, saying what to enter and where
    to look (tester16 F15: a card photocopy whose issue date was not read was stored as sure —
    its validity comes from the expiry date, so nothing else asked). A field already flagged
    keeps its own reason."""
    missing = [key for key in doc_type.required
               if not ((held := extraction.fields.get(key)) and (held.value or held.flag))]
    if not missing:
        return extraction
    fields = dict(extraction.fields)
    for key in missing:
        what = label(key).lower()
        fields[key] = FieldValue(None, 0.0, (
            f"không đọc được trên bản quét; {doc_type.name} nào cũng ghi {what} (có thể ở mặt "
            f"sau): xem giấy gốc và nhập {what} theo giấy"))
    return replace(extraction, fields=fields)


def _parse_iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def draft_document(pages: list[PageItem], dossier_code: str, registry: Registry,
                   applicant: Extraction | None, threshold: float,
                   unassigned: str | None, model: NgramModel | None = None, *,
                   today: date | None = None) -> DocumentDraft:
    """One document of a dossier. ``today``: the day of ingest (Viet Nam's), after which no
    paper can have been issued; the clock's when not given."""
    classification = classify(pages[0].analysis.ocr.text, registry, model=model)
    doc_type = registry.get(classification.doc_type)
    read_title = printed_title(pages[0].analysis.ocr.text, doc_type.code, registry)
    title = fixed_title(read_title, doc_type.titles)
    if read_title and title and title != read_title:
        # The listed spelling in the page's text and words too: its text layer, the stored
        # text and the search snippet say what the catalogue's title says (tester16 F1).
        first = pages[0]
        pages = [replace(first, analysis=replace(first.analysis, ocr=titled_page(
            first.analysis.ocr, read_title, title))), *pages[1:]]
    full_text = "\n\n".join(item.analysis.ocr.text for item in pages)
    renamed = [pair for item in pages for pair in item.analysis.ocr.renamed]
    unsure = [pair for item in pages for pair in item.analysis.ocr.unsure_ids]
    # The issuing body is read in the header's left column as the words' boxes place it: OCR's
    # line order interleaves the two header columns (tester17 F3).
    first_page = pages[0].analysis.ocr
    header = left_header_column(first_page.words, first_page.width)
    extraction = extract_fields(classification.doc_type, full_text, registry, renamed=renamed,
                                unsure=unsure, header=header)
    owner = resolve_owner(doc_type.code, extraction, applicant, registry=registry)
    if doc_type.owner_shared and owner.owner_id:
        # A paper of several people (both spouses): its person fields are the owner's.
        extraction = extract_fields(classification.doc_type, full_text, registry,
                                    party=owner.owner_id, renamed=renamed, unsure=unsure,
                                    header=header)
    extraction = required_fields(possible_issue_date(extraction, today or vietnam_today()),
                                 doc_type)
    values = extraction.values()
    valid_until = registry.valid_until(doc_type.code, values)

    ocr_confidence = sum(p.analysis.ocr.confidence for p in pages) / len(pages)
    confidence = min(classification.confidence, ocr_confidence)
    reasons: list[str] = []
    if classification.confidence < threshold:
        reasons.append(reason("doc_type", "chưa chắc chắn (độ tin cậy "
                                          f"{shown_number(classification.confidence, 2)})"))
    if ocr_confidence < threshold:
        reasons.append(reason("ocr", "độ tin cậy thấp "
                                     f"({shown_number(ocr_confidence, 2)})"))
    if owner.needs_review:
        reasons.append(reason("owner_id", owner.reason or "chưa xác định"))
    if valid_until == VALIDITY_UNKNOWN:
        reasons.append(reason("validity", VALIDITY_UNREAD))
    if unassigned:
        reasons.append(reason("dossier", unassigned))
    for item in pages:
        if item.analysis.ocr.timed_out:
            reasons.append(reason("ocr", f"quá thời gian ở trang {item.page.index + 1} của "
                                         f"{item.page.source}"))
    signer = signer_of(full_text, [item.analysis.ocr for item in pages])
    for item in pages:
        # The signer's title or rank and surname, rewritten from a near-miss against their
        # lists (sohoa.ocr.titles): a person compares them with the paper. Specks dropped
        # before a title change no letter and ask nothing. A line of the signing block that
        # is not the signer kept (the applicant's column of a receipt) is asked about as the
        # text it is, not as the signer (tester18 F5).
        where = f"ở trang {item.page.index + 1} của {item.page.source}; đối chiếu với giấy"
        for read, written in item.analysis.ocr.retitled:
            if changes_letters(read, written):
                reasons.append(reason(_signer_or_text(written, signer),
                                      f"máy đọc là “{read}” và đã sửa thành “{written}” {where}"))
        for line in item.analysis.ocr.unsure_signer:
            reasons.append(reason(_signer_or_text(line, signer),
                                  f"không đọc chắc chắn “{line}” {where}"))
    if signer and not signer.get("name") and registry.proves(doc_type.code) and not any(
            topic(r) == "signer" for r in reasons):
        # an authority's paper prints its signer's name under the title (NĐ 30/2020): a title
        # read with no name is a name lost in reading — a seal's letter, a pen's speck line
        # (tester18 F4), said so a person enters it rather than the paper kept without it
        reasons.append(reason("signer", f"đọc được chức vụ “{signer['title']}” nhưng không "
                                        "đọc được họ tên người ký; nhập theo giấy (chức vụ — "
                                        "họ tên)"))
    reasons.extend(extraction.flags())

    return DocumentDraft(
        dossier_code=dossier_code,
        pages=pages,
        classification=classification,
        title=title or doc_type.name,
        extraction=extraction,
        owner_id=owner.owner_id,
        owner_kind=owner.owner_kind,
        owner_name=owner.owner_name,
        owner_from=owner.source,
        owner_label=owner.label,
        owner_proposed=owner.needs_review and owner.owner_id is not None,
        confidence=round(confidence, 4),
        review_reasons=reasons,
        issue_date=_parse_iso(values.get("issue_date")),
        valid_until=valid_until,
        ocr_confidence=ocr_confidence,
        signer=signer,
        ink_marks=ink_marks([item.analysis.ocr.marks for item in pages]),
    )


def _signer_or_text(line: str, signer: dict[str, str] | None) -> str:
    """The topic of a question about a line of the signing block: the signer's, unless a
    signer with a name was kept and the line is none of it."""
    if not signer or not signer.get("name"):
        return "signer"
    kept = " ".join(fold(str(v)) for v in signer.values() if v)
    return "signer" if " ".join(fold(line).split()) in " ".join(kept.split()) else "ocr"


def draft_dossier(items: Sequence[PageItem], code: str | None, registry: Registry,
                  threshold: float, model: NgramModel | None = None,
                  opened: Extraction | None = None, *,
                  sheet_follows: bool = False,
                  today: date | None = None,
                  pattern: str | None = None,
                  procedures: Catalogue | None = None,
                  procedure: str | None = None) -> list[DocumentDraft]:
    """All documents of one dossier; the dossier's applicant owns what names no owner.
    ``opened``: the applicant the dossier was opened with (``dossier open``), which the code
    sheet itself and the papers naming no one take (tester12 F10: a bare code sheet went to
    review for its owner); without it, the applicant the first receipt among the pages reads.
    ``model``: the trained classifier fallback (``sohoa types train``), if there is one.
    ``sheet_follows``: pages with no code (``code`` None) that a code sheet follows in the
    batch — they may be the end of the previous stack, so each goes to review; a batch with no
    sheet at all is a loose paper, filed under its owner without that question (tester12
    F19). ``pattern``: the desk's dossier-code pattern (``scan.code_pattern``; None: the
    default). ``procedures``, ``procedure``: the catalogue and the procedure the dossier was
    opened for — else the one its receipt names — which says whose papers besides the
    applicant's the dossier holds (the other spouse's, tester18 F17)."""
    unassigned = None
    if code is None:
        # a receipt whose code was not read is asked about wherever it stands, alone in its
        # file too (review17 M3): its dossier has a code a person can read off the paper
        first = next((it for it in items if not it.analysis.blank), None)
        if first is not None and page_reading(first, pattern, registry)[1]:
            unassigned = UNREAD_RECEIPT_CODE
        elif sheet_follows:
            unassigned = "các trang đứng trước tờ mã hồ sơ đầu tiên"
    dossier_code = code or f"{UNASSIGNED_PREFIX}{items[0].page.sha256[:12]}"
    drafts: list[DocumentDraft] = []
    applicant: Extraction | None = opened if code is not None else None
    for pages, blanks in split_documents(items, registry):
        draft = draft_document(pages, dossier_code, registry, applicant, threshold, unassigned,
                               model, today=today)
        draft.blank_pages = blanks
        if draft.classification.doc_type == "dossier_receipt" and applicant is None:
            applicant = draft.extraction
        drafts.append(draft)
    _proposals_other_papers_confirm(drafts, registry)
    _owners_from_other_papers(drafts, registry)
    if applicant is not None and (code is not None or unassigned == UNREAD_RECEIPT_CODE):
        # behind a receipt whose code was not read too: its papers follow the code a person
        # enters for it (review.set_dossier), and nobody looks at them one by one
        _strangers_to_the_applicant(drafts, applicant,
                                    _procedure(drafts, procedures, procedure))
    for key in AGREEING_FIELDS:
        reconcile(drafts, key, registry)
    return drafts


def _confident_owners(drafts: list[DocumentDraft]) -> dict[str, int]:
    """The person owners papers of the dossier read confidently on themselves, each with the
    first paper that names it. A proposed owner (its readings disagreed) is no one's evidence."""
    owners: dict[str, int] = {}
    for n, d in enumerate(drafts):
        if d.owner_id and d.owner_from == "document" and d.owner_kind == "person" \
                and not d.owner_proposed and d.extraction.owner_id == d.owner_id:
            owners.setdefault(d.owner_id, n)
    return owners


def _proposals_other_papers_confirm(drafts: list[DocumentDraft], registry: Registry) -> None:
    """A paper's owner proposed only because the readings of its number disagreed on a digit
    is confirmed when another paper of the dossier reads that very number as its owner
    confidently: two printings on two papers, read apart, say the same twelve digits (issue
    18: a right owner sent to a person for one reading's doubt). Only that doubt is settled:
    a number that also failed a check (its birth year) stays proposed, and the readings stay
    noted for the reviewer."""
    owners = _confident_owners(drafts)
    for draft in drafts:
        if not draft.owner_proposed or draft.owner_from != "document" \
                or draft.owner_id not in owners:
            continue
        key = registry.get(draft.classification.doc_type).owner_field or "id_number"
        own = draft.extraction.fields.get(key)
        if own is None or own.value != draft.owner_id or not only_unsure(own.flag):
            continue
        source = drafts[owners[draft.owner_id]]
        proposal = reason("owner_id", f"đề xuất {draft.owner_id} ")
        draft.review_reasons = [r for r in draft.review_reasons
                                if r != reason(key, own.flag) and not r.startswith(proposal)]
        draft.extraction = replace(
            draft.extraction, fields={**draft.extraction.fields, key: replace(own, flag=None)},
            owner_id=draft.owner_id, owner_kind="person", proposed_owner_id=None)
        draft.owner_proposed = False
        readings = own.flag.removesuffix(": đối chiếu với giấy tờ")
        draft.agreed["owner_id"] = (f"{readings}; khớp với số chủ sở hữu của tài liệu "
                                    f"{owners[draft.owner_id] + 1} ({source.title}) trong hồ sơ")


_PERSON_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")
_DIGIT_GAP = re.compile(r"(?<=\d)[ .](?=\d)")


def _people_on(draft: DocumentDraft) -> tuple[set[str], str]:
    """The personal numbers a paper names (its owner, its fields, any 12-digit number in its
    text) and its folded text, where names are looked for."""
    text = draft.text
    numbers = set(_PERSON_NUMBER.findall(_DIGIT_GAP.sub("", text)))
    for key in ("id_number", "related_id_numbers"):
        fv = draft.extraction.fields.get(key)
        if fv is not None and fv.value:
            numbers.update(v.strip() for v in fv.value.split(","))
    if draft.owner_id and draft.owner_from != "dossier":
        # an owner the receipt gave the paper is no tie: it says nothing of the paper itself
        numbers.add(draft.owner_id)
    return numbers, " ".join(fold(text).split())


def _own_name(draft: DocumentDraft) -> str | None:
    """The person the paper itself names: its owner's name, or — when the owner came from
    the receipt — the full name its own fields read."""
    if draft.owner_from != "dossier":
        return draft.owner_name
    fv = draft.extraction.fields.get("full_name")
    return fv.value if fv is not None and fv.value else None


def _procedure(drafts: list[DocumentDraft], procedures: Catalogue | None,
               code: str | None) -> Procedure | None:
    """The dossier's procedure: the one it was opened for, else the one its receipt names."""
    if procedures is None:
        return None
    if code:
        return procedures.find(code)
    receipt = next((d for d in drafts if d.classification.doc_type == "dossier_receipt"), None)
    return procedures.named_in(receipt.text) if receipt is not None else None


def _strangers_to_the_applicant(drafts: list[DocumentDraft], applicant: Extraction,
                                procedure: Procedure | None = None) -> None:
    """A paper whose owner nothing in the dossier ties to its applicant goes to review.

    A dossier holds the applicant's papers and those of people its papers name together with
    the applicant (a spouse on the application form, a child whose extract names the parent, the
    other party of an authorization), transitively. A person's paper that no paper ties so — no
    shared number, the applicant's or a tied person's full name nowhere on it and its owner's
    nowhere on theirs — is most likely another dossier's, scanned behind this sheet when that
    dossier's receipt was missing (tester17 F11: four papers of another citizen were filed
    silently under the dossier before them). The owner stays the paper's own; a person decides
    whether the paper is this dossier's.

    A procedure that takes a paper of one type from two people (a marriage: both spouses'
    cards) holds the other party's papers too, though the receipt names the applicant alone
    (tester18 F17: the groom's card was called a stray on every marriage). The people whose
    paper of that type nothing ties fill the places its tied papers (the applicant's, one a
    form names) left, when there are no more of them than places — more, and none is chosen
    (review19 M1: a stray card was taken for the spouse the form had named already). Through
    such a person's number only their papers of the types the procedure asks for follow: a
    stray's other papers are still asked about."""
    if not applicant.owner_id or (applicant.owner_kind or "person") != "person":
        return
    people = [_people_on(d) for d in drafts]
    tied_numbers = {applicant.owner_id}
    tied_names = {n for n in (_folded_name(applicant.owner_name),) if n}
    party_numbers: set[str] = set()
    asked = {c.doc_type for c in procedure.components} if procedure is not None else set()
    tied = [False] * len(drafts)
    by_party = [False] * len(drafts)  # tied as another party's, and only as that

    def tie(n: int, *, party: bool = False) -> None:
        nonlocal changed
        tied[n] = changed = True
        if party:
            by_party[n] = True
            party_numbers.update(people[n][0])
            return
        tied_numbers.update(people[n][0])
        if name := _folded_name(_own_name(drafts[n])):
            tied_names.add(name)

    parties = procedure.parties() if procedure is not None else {}
    changed = True
    while changed:
        changed = False
        for n, (numbers, text) in enumerate(people):
            if tied[n]:
                continue
            name = _folded_name(_own_name(drafts[n]))
            if numbers & tied_numbers or any(t in text for t in tied_names) or (
                    name and any(name in people[k][1] for k in range(len(drafts))
                                 if tied[k] and not by_party[k])):
                tie(n)
            elif numbers & party_numbers and drafts[n].classification.doc_type in asked:
                tie(n, party=True)
        if changed:
            continue
        for doc_type, count in parties.items():
            of_type = [n for n, d in enumerate(drafts) if d.classification.doc_type == doc_type
                       and d.owner_kind == "person" and d.owner_id]
            present = {drafts[n].owner_id for n in of_type if tied[n]} | {applicant.owner_id}
            others = {drafts[n].owner_id for n in of_type if not tied[n]} - present
            if 0 < len(others) <= count - len(present):
                for n in of_type:
                    if not tied[n] and drafts[n].owner_id in others:
                        tie(n, party=True)
        parties = {}  # each procedure's other parties are taken once
    for n, draft in enumerate(drafts):
        if tied[n] or draft.owner_kind != "person" or not draft.owner_id:
            continue
        if draft.owner_from == "dossier" and not _folded_name(_own_name(draft)):
            continue  # it names nobody itself (a handwritten form): nothing to tell by
        who = (f"{_own_name(draft)} (chủ sở hữu đang lấy theo giấy tiếp nhận)"
               if draft.owner_from == "dossier" else
               f"{draft.owner_id}" + (f" ({draft.owner_name})" if draft.owner_name else ""))
        draft.review_reasons.append(reason(
            "dossier", f"giấy tờ của {who}, người mà giấy tiếp nhận và các giấy tờ khác của hồ "
            f"sơ không ghi cùng người nộp {applicant.owner_id}: có thể là giấy tờ của hồ sơ khác "
            "quét lẫn vào (thiếu giấy tiếp nhận của hồ sơ đó) — kiểm tra và chuyển sang đúng hồ "
            "sơ nếu cần"))


def _folded_name(name: str | None) -> str:
    """A full name folded for a match in folded text; a name of one word ties nothing."""
    folded = " ".join(fold(name or "").split())
    return folded if len(folded.split()) >= 2 else ""


def _owners_from_other_papers(drafts: list[DocumentDraft], registry: Registry) -> None:
    """A paper left without an owner because its own ID reading failed its checks takes the
    owner another paper of the dossier names confidently, when the reading is a misread of
    that one number (at most two digits apart) and that number agrees with the birth date and
    sex this paper prints (issue 18: the same person's papers agree). The refused reading's
    flag stays for the reviewer; the note says where the owner came from."""
    owners = _confident_owners(drafts)
    if not owners:
        return
    unknown = reason("owner_id", OWNER_UNKNOWN)
    for draft in drafts:
        if draft.owner_id or unknown not in draft.review_reasons:
            continue
        number = misread_owner(draft.classification.doc_type, draft.extraction,
                               sorted(owners), registry=registry)
        if number is None:
            continue
        source = drafts[owners[number]]
        read = draft.extraction.fields[registry.get(
            draft.classification.doc_type).owner_field or "id_number"].value
        draft.owner_id, draft.owner_kind, draft.owner_proposed = number, "person", False
        draft.owner_name = draft.owner_name or source.owner_name
        draft.owner_from = "dossier"
        draft.review_reasons.remove(unknown)
        draft.agreed["owner_id"] = (f"đọc được \"{read}\" (không hợp lệ); chủ sở hữu theo tài "
                                    f"liệu {owners[number] + 1} ({source.title}) trong hồ sơ, "
                                    "khớp ngày sinh trên giấy này")


def _owners_field(draft: DocumentDraft, key: str, registry: Registry) -> FieldValue | None:
    """``key`` as read on ``draft`` when it is certainly its person owner's: a person's paper
    whose caption for it is the generic one (a land certificate's address is the parcel's, a
    permit's the site's). A paper of several people counts only when the person fields read are
    the owner's (their block was found: its ID number is the owner's)."""
    spec = registry.get(draft.classification.doc_type)
    if spec.owner_kind != "person" or draft.owner_kind != "person" or not draft.owner_id \
            or key not in spec.fields or spec.labels_for(key):
        return None
    own_id = draft.extraction.fields.get("id_number")
    if spec.owner_shared and (own_id is None or own_id.value != draft.owner_id):
        return None
    value = draft.extraction.fields.get(key)
    return value if value is not None and value.value else None


def reconcile(drafts: list[DocumentDraft], key: str, registry: Registry) -> None:
    """Where several documents of one dossier read the same person's ``key`` as variants of
    one string, give each the reading the dossier best supports (:func:`agree`), noted in
    ``agreed`` for the reviewer."""
    by_owner: dict[str, list[Reading]] = {}
    for n, draft in enumerate(drafts):
        value = _owners_field(draft, key, registry)
        if value is not None and value.value and draft.owner_id:
            by_owner.setdefault(draft.owner_id, []).append(
                Reading(n, value.value, draft.ocr_confidence))
    for owner, readings in by_owner.items():
        renamed: dict[str, str] = {}
        for change in agree(readings, names=key == "full_name"):
            draft = drafts[change.doc]
            before = draft.extraction.fields[key]
            confidence = max(drafts[s].extraction.fields[key].confidence
                             for s in change.sources)
            fields = {**draft.extraction.fields, key: FieldValue(change.value, confidence)}
            draft.extraction = replace(draft.extraction, fields=fields)
            shown = ", ".join(f"{s + 1} ({drafts[s].title})" for s in change.sources)
            draft.agreed[key] = (f"đọc được \"{before.value}\"; thống nhất theo cách đọc của "
                                 f"tài liệu {shown} trong hồ sơ")
            if key == "full_name" and before.value:
                renamed[before.value] = change.value
        # The owner's name as stored follows its reading (on this paper, or the receipt's).
        for draft in drafts:
            if draft.owner_id == owner and draft.owner_name in renamed:
                draft.owner_name = renamed[draft.owner_name]
            if draft.extraction.owner_name in renamed and draft.owner_id == owner:
                draft.extraction = replace(draft.extraction,
                                           owner_name=renamed[draft.extraction.owner_name])
