"""Read-side operations for officers and integrators: search, reuse, show, get, verify.

Every read of personal data goes through :class:`Reader`: it checks the caller's role and unit
(``sohoa.archive.policy``), requires a purpose, reads, and writes the access log with what the
read returned. The HTTP API keeps one Reader (one open archive) for the life of the app; the
module-level functions open one per call for the CLI. Both return JSON-able data, so the CLI and
the API stay free of logic.
"""

from __future__ import annotations

import getpass
import os
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from sohoa import __version__
from sohoa.archive import Archive
from sohoa.archive.access import Read
from sohoa.archive.documents import REUSE_PAGE, reuse_cursor
from sohoa.archive.policy import (
    FOUND_FOR,
    Caller,
    check_document,
    check_reuse,
    clean_owner_id,
    clean_purpose,
    search_unit,
)

# Re-exported (the "as" form): the faces answer these errors without reaching archive/.
from sohoa.archive.policy import (
    AccessDeniedError as AccessDeniedError,
)
from sohoa.archive.policy import (
    NotAuthenticatedError as NotAuthenticatedError,
)
from sohoa.archive.policy import (
    PurposeRequiredError as PurposeRequiredError,
)
from sohoa.clock import shown_date, vietnam_today
from sohoa.doctypes import load_registry
from sohoa.errors import (
    BadInputError,
    ConfigError,
    DestroyedError,
    NotFoundError,
    VerificationError,
)
from sohoa.pipeline.services import open_archive, trust_roots
from sohoa.pipeline.settings import Settings
from sohoa.quiet import library_logs_muted
from sohoa.reasons import vietnamese
from sohoa.records import VerificationReport, paper_form
from sohoa.vntext import nfc

REUSE_MAX_PAGE = 1000


@dataclass(frozen=True)
class ReusePage:
    """One page of a reuse answer; ``next`` is the ``after`` of the following page (None on
    the last one)."""

    documents: list[dict[str, Any]]
    next: str | None


SEARCH_LIMIT_MAX = 100


class Reader:
    """An open archive answering reads on behalf of callers: check, read, log."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    @classmethod
    def open(cls, settings: Settings) -> Reader:
        return cls(open_archive(settings))

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def authenticate(self, token: str | None, *, channel: str = "api") -> Caller:
        return self.archive.authenticate(token, channel=channel)

    # --- reads of personal data -----------------------------------------------------------

    def search(self, caller: Caller, purpose: str | None, query: str, *,
               owner: str | None = None, doc_type: str | None = None, unit: str | None = None,
               date_from: date | None = None, date_to: date | None = None,
               limit: int = 10) -> list[dict[str, Any]]:
        why = clean_purpose(purpose)
        owner = _clean_id(owner)
        if not 1 <= limit <= SEARCH_LIMIT_MAX:
            raise ConfigError(f"số kết quả (limit) phải từ 1 đến {SEARCH_LIMIT_MAX}, "
                              f"không phải {limit}")
        if date_from and date_to and date_from > date_to:
            raise ConfigError(f"khoảng ngày trống: ngày bắt đầu {shown_date(date_from)} sau "
                              f"ngày kết thúc {shown_date(date_to)}")
        doc_type = _check_type(doc_type)
        if not nfc(query).strip() and not (owner or doc_type or (unit or "").strip()
                                           or date_from or date_to):
            # Nothing asked: the index would answer with arbitrary documents.
            raise ConfigError("hãy nhập từ khóa cần tìm (hoặc lọc theo chủ sở hữu, loại giấy "
                              "tờ, đơn vị, ngày cấp)")
        unit = search_unit(caller, unit, owner)
        self.archive.sync_index()  # a crash may have left committed documents unindexed
        hits = self.archive.search(nfc(query), owner=owner, doc_type=doc_type, unit=unit,
                                   date_from=date_from, date_to=date_to, limit=limit)
        request = {"q": nfc(query), "owner": owner, "type": doc_type, "unit": unit,
                   "from": date_from, "to": date_to, "limit": limit}
        per_owner = Counter(h.get("owner_id") for h in hits if h.get("owner_id"))
        reads = [Read(owner_id=o, result_count=n, request={
                    **request, "documents": [h["document_id"] for h in hits
                                             if h.get("owner_id") == o]})
                 for o, n in per_owner.items()]
        # A hit whose owner is not known yet gets an entry of its own naming the document,
        # so that the read reaches its owner's history once review sets the owner.
        reads += [Read(owner_id=None, document_id=h["document_id"], result_count=1,
                       request=request) for h in hits if not h.get("owner_id")]
        self.archive.log_access(caller, "search", why,
                                reads or [Read(owner_id=owner, result_count=0, request=request)])
        return hits

    def reuse(self, caller: Caller, purpose: str | None, owner_id: str, *,
              doc_type: str | None = None, valid_on: date | None = None,
              limit: int = REUSE_PAGE, after: str | None = None) -> ReusePage:
        """One page of the owner's documents valid on ``valid_on``, newest first; the access
        log records the documents of this page."""
        why = clean_purpose(purpose)
        check_reuse(caller)
        owner = _clean_id(owner_id)
        if not owner:
            raise ConfigError("hãy cho số định danh cá nhân hoặc mã số doanh nghiệp của chủ "
                              "sở hữu")
        if not 1 <= limit <= REUSE_MAX_PAGE:
            raise ConfigError(f"mỗi trang kết quả dùng lại có từ 1 đến {REUSE_MAX_PAGE} "
                              f"giấy tờ, không phải {limit}")
        doc_type = _check_type(doc_type)
        day = valid_on or vietnam_today()
        rows = self.archive.reuse(owner, doc_type=doc_type, valid_on=day, limit=limit + 1,
                                  after=after)
        page = ReusePage(with_paper_forms(self.archive, rows[:limit]),
                         reuse_cursor(rows[limit - 1]) if len(rows) > limit else None)
        self.archive.log_access(caller, "reuse", why, [Read(
            owner_id=owner, result_count=len(page.documents),
            request={"owner": owner, "type": doc_type, "valid_on": day, "after": after,
                     "documents": [r["document_id"] for r in page.documents]})])
        return page

    def found(self, caller: Caller, document_id: str) -> bool:
        """Did a lookup of this caller's return this document within FOUND_FOR?"""
        since = (datetime.now(UTC) - FOUND_FOR).isoformat(timespec="microseconds")
        since = since.replace("+00:00", "Z")  # the log's own form, compared as text
        return any(e["action"] in ("reuse", "search") and e["role"] == caller.role
                   for e in self.archive.access_events(document=document_id, since=since,
                                                       user=caller.user, limit=200))

    def show(self, caller: Caller, purpose: str | None, document_id: str) -> dict[str, Any]:
        why = clean_purpose(purpose)
        doc = self.archive.get_document(document_id.strip())
        check_document(caller, doc.get("unit"), lambda: self.found(caller, doc["document_id"]))
        self.archive.log_access(caller, "show", why, [Read(
            owner_id=doc.get("owner_id"), document_id=doc["document_id"], result_count=1)])
        # Older catalogs hold English reasons; the officer reads them in Vietnamese.
        return {**doc, "pages": with_provenance(doc),
                **{key: [vietnamese(t) for t in doc.get(key) or []]
                   for key in ("review_reasons", "field_flags")}}

    def get_pdf(self, caller: Caller, purpose: str | None, document_id: str) -> bytes:
        why = clean_purpose(purpose)
        ref = self.archive.document_ref(document_id.strip())
        check_document(caller, ref.get("unit"), lambda: self.found(caller, ref["document_id"]))
        pdf = self.archive.get_pdf(ref["document_id"])
        self.archive.log_access(caller, "pdf", why, [Read(
            owner_id=ref.get("owner_id"), document_id=ref["document_id"], result_count=1,
            request={"bytes": len(pdf)})])
        return pdf

    def page_image(self, caller: Caller, purpose: str | None, document_id: str,
                   position: int) -> tuple[bytes, str]:
        """One scanned page of a document as the browser shows it: (bytes, media type).
        JPEG and PNG scans are returned as stored; other formats (TIFF) as PNG."""
        why = clean_purpose(purpose)
        doc = self.archive.get_document(document_id.strip())
        check_document(caller, doc.get("unit"))
        pages = {p["position"]: p for p in doc["pages"]}
        if position not in pages or not pages[position].get("blob_sha256"):
            raise NotFoundError(f"giấy tờ {doc['document_id']} không có trang {position}")
        data = self.archive.blobs.get(pages[position]["blob_sha256"])
        self.archive.log_access(caller, "page", why, [Read(
            owner_id=doc.get("owner_id"), document_id=doc["document_id"], result_count=1,
            request={"page": position})])
        return _browser_image(data)

    def rescan_image(self, caller: Caller, purpose: str | None, document_id: str,
                     version: int) -> tuple[bytes, str]:
        """One kept rescan of a document's sheet (``version`` from 1, as ``show`` lists
        them), as the browser shows it; read and logged as a page is."""
        why = clean_purpose(purpose)
        doc = self.archive.get_document(document_id.strip())
        check_document(caller, doc.get("unit"))
        kept = {r["version"]: r for r in doc.get("rescans") or []}
        if version not in kept:
            raise NotFoundError(f"giấy tờ {doc['document_id']} không có lần quét lại {version}")
        data = self.archive.blobs.get(kept[version]["blob_sha256"])
        self.archive.log_access(caller, "page", why, [Read(
            owner_id=doc.get("owner_id"), document_id=doc["document_id"], result_count=1,
            request={"rescan": version})])
        return _browser_image(data)

    def document_history(self, caller: Caller, document_id: str,
                         limit: int = 50) -> list[dict[str, Any]]:
        """Who read this document, newest first, for whoever may open the document."""
        ref = self.archive.document_ref(document_id.strip())
        check_document(caller, ref.get("unit"))
        return self.archive.access_events(document=ref["document_id"], limit=limit)

    # --- not personal data ----------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """Is the catalog answering? (No personal data, no caller needed; cheap.)"""
        return {"status": "ok", "version": __version__,
                "search_pending": self.archive.search_pending()}


def with_provenance(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's pages, each with ``provenance``: how its image came from the input, in
    Vietnamese for the clerk ("" when it is the scan as the scanner wrote it). The record
    keeps that per document (``extra.rendered_pages``, ``extra.converted_pages``,
    ``extra.born_digital_pages``, numbered
    from 1 in page order); here it is put on the page it is about."""
    extra = doc.get("extra") or {}
    notes: dict[int, list[str]] = {}
    for entry in extra.get("rendered_pages") or []:
        notes.setdefault(int(entry.get("page", 0)), []).append(
            f"dựng lại từ trang PDF, không lấy được ảnh quét gốc: {entry.get('reason', '')}")
    for entry in extra.get("converted_pages") or []:
        notes.setdefault(int(entry.get("page", 0)), []).append(
            f"ảnh gốc đã được chuyển đổi: {entry.get('note', '')}")
    for entry in extra.get("born_digital_pages") or []:  # kept as the producer made it
        notes.setdefault(int(entry.get("page", 0)), []).append(str(entry.get("note", "")))
    return [{**page, "provenance": "; ".join(notes.get(int(page.get("position", -1)) + 1, []))}
            for page in doc.get("pages") or []]


def _browser_image(data: bytes) -> tuple[bytes, str]:
    if data[:5] == b"%PDF-":  # a born-digital page, kept as a one-page PDF: shown as drawn
        from sohoa.scanners.pdfborn import picture

        data = picture(data)
    if data[:3] == b"\xff\xd8\xff":
        return data, "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return data, "image/png"
    from io import BytesIO

    from PIL import Image  # TIFF and the rest: browsers show none of them

    with Image.open(BytesIO(data)) as img:
        out = BytesIO()
        img.convert("L" if img.mode in ("1", "L", "I;16") else "RGB").save(out, "PNG")
    return out.getvalue(), "image/png"


def _check_type(doc_type: str | None) -> str | None:
    """The type's code, from its code or its Vietnamese name as listings print it (accents and
    case ignored). An unknown type is refused, never searched: a typo would answer "no
    document" as if the citizen had none, and the officer would ask for the paper again."""
    if not doc_type:
        return doc_type
    registry = load_registry()
    code = registry.code_of(doc_type)
    if code is None:
        known = ", ".join(f"{t.code} ({t.name})" for t in sorted(registry, key=lambda t: t.code))
        raise ConfigError(f"không có loại tài liệu {doc_type!r}; các loại: {known}")
    return code


def _clean_id(value: str | None) -> str | None:
    return clean_owner_id(value)


def cli_caller(settings: Settings, user: str | None) -> Caller:
    """The caller of a CLI read: ``--user`` or the OS user. The CLI works on the catalog files
    directly, so it reads as admin; what it adds is accountability (user and purpose logged)."""
    name = (user or "").strip() or os_user()
    return Caller(user=nfc(name), role="admin", unit=settings.unit or "", channel="cli")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


# --- one-shot functions for the CLI (one archive per call) -------------------------------

def search(settings: Settings, query: str, *, caller: Caller, purpose: str | None,
           owner: str | None = None, doc_type: str | None = None, unit: str | None = None,
           date_from: date | None = None, date_to: date | None = None,
           limit: int = 10) -> list[dict[str, Any]]:
    clean_purpose(purpose)  # refuse before opening anything
    with Reader.open(settings) as reader:
        return reader.search(caller, purpose, query, owner=owner, doc_type=doc_type, unit=unit,
                             date_from=date_from, date_to=date_to, limit=limit)


def with_paper_forms(archive: Archive, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each reusable paper with what it is (tester13 F19: a certified copy was listed as a
    second, unmarked ID card): ``paper_form`` (original / certified_copy / digitized_copy) and,
    for a certified copy, its register line and the paper it was copied from — its
    ``issue_date`` is the certification's day, not the card's."""
    extras = archive.paper_forms([r["document_id"] for r in rows])
    out = []
    for r in rows:
        extra = extras.get(r["document_id"]) or {}
        row = {**r, "paper_form": paper_form(extra)}
        line = extra.get("certified_copy")
        if line:
            row["certified_copy"] = {"number": line.get("number"), "book": line.get("book"),
                                     "unit": line.get("unit"), "certified_on": r["issue_date"],
                                     "original": extra.get("original")}
        out.append(row)
    return out


def reuse(settings: Settings, owner_id: str, *, caller: Caller, purpose: str | None,
          doc_type: str | None = None, valid_on: date | None = None,
          limit: int = REUSE_PAGE, after: str | None = None) -> ReusePage:
    clean_purpose(purpose)
    with Reader.open(settings) as reader:
        return reader.reuse(caller, purpose, owner_id, doc_type=doc_type, valid_on=valid_on,
                            limit=limit, after=after)


def show(settings: Settings, document_id: str, *, caller: Caller,
         purpose: str | None) -> dict[str, Any]:
    clean_purpose(purpose)
    with Reader.open(settings) as reader:
        return reader.show(caller, purpose, document_id)


def get_pdf(settings: Settings, document_id: str, *, caller: Caller,
            purpose: str | None) -> bytes:
    clean_purpose(purpose)
    with Reader.open(settings) as reader:
        return reader.get_pdf(caller, purpose, document_id)


def access_log(settings: Settings, *, owner: str | None = None, document: str | None = None,
               user: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Who looked at this owner's (or document's) data, newest first."""
    with open_archive(settings) as archive:
        return archive.access_events(owner=_clean_id(owner), document=_clean_id(document),
                                     user=user, limit=limit)


def load_pdf(settings: Settings, file_or_id: str) -> bytes:
    """A PDF from a path, or from the archive by document id (for signature verification,
    which shows signers, not content: not an access-logged read)."""
    path = Path(file_or_id)
    if path.is_file():
        return path.read_bytes()
    try:
        with open_archive(settings) as archive:
            return archive.get_pdf(file_or_id)
    except DestroyedError:
        raise  # the paper is known: it was destroyed, and the message says when and under what
    except NotFoundError:
        raise NotFoundError(
            f"{file_or_id!r} không phải tệp, cũng không phải mã giấy tờ trong kho "
            "(tìm mã bằng `sohoa search` hoặc `sohoa reuse`)"
        ) from None


# A file over this size is not read whole to look for a broken signature (a 150 MB scan is
# signed file to file); its signatures, if any, are then not checked before signing.
ALTERED_CHECK_MAX_BYTES = 100 * 1024 * 1024
# Where a PDF's header may be: after whitespace that a mail gateway or an editor put before it.
PDF_HEAD_BYTES = 1024
_CHUNK = 1 << 20


def pdf_header_at(data: bytes) -> int | None:
    """Where the PDF header ("%PDF-") of these first bytes of a file is: after any leading
    whitespace, within the first KB; None when they do not start a PDF. The one header test of
    ``verify`` and of the altered-signature check before signing and certifying: a file that one
    of them takes as a PDF, the other does too. Verified from the header on (pyHanko refuses
    bytes before it; a signature's byte ranges count from it)."""
    head = data[:PDF_HEAD_BYTES]
    start = len(head) - len(head.lstrip())
    return start if head[start:start + 5] == b"%PDF-" else None


def _mentions(stream: BinaryIO, needle: bytes) -> bool:
    """Whether the rest of ``stream`` holds ``needle``, read a MB at a time (a file without a
    signature, most of them, is never held whole); chunks overlap by the needle's length."""
    carry = b""
    while chunk := stream.read(_CHUNK):
        if needle in carry + chunk[:len(needle)] or needle in chunk:
            return True
        carry = chunk[-(len(needle) - 1):]
    return False


def altered_signatures(settings: Settings, path: Path) -> list[str]:
    """The signatures of a PDF file that no longer match its content (changed after signing),
    by their field names; [] when it carries none, or all are intact. Sealing or certifying
    such a file would vouch for content its own signer no longer does."""
    from sohoa.signing import verify_pdf

    try:
        if path.stat().st_size > ALTERED_CHECK_MAX_BYTES:
            return []
        with open(path, "rb") as stream:
            start = pdf_header_at(stream.read(PDF_HEAD_BYTES))
            stream.seek(0)
            if start is None or not _mentions(stream, b"/ByteRange"):
                return []
            stream.seek(start)
            pdf = stream.read()
    except OSError:
        return []
    with library_logs_muted():
        try:
            # Whether the bytes still match their signatures does not depend on trusting the
            # signer; but pyHanko wants roots to check against. Without usable ones, or for a
            # file whose signatures cannot be read, nothing is shown to be altered: signing or
            # certifying then succeeds or fails on its own terms (a missing key is said there).
            report = verify_pdf(pdf, trust_roots=trust_roots(settings), required=0)
        except (ConfigError, BadInputError):
            return []
    return [s.field_name for s in report.signatures if not s.intact]


def altered_refusal(path: Path, fields: list[str], what: str) -> str:
    return (f"{path.name} mang chữ ký số không còn khớp với nội dung ({', '.join(fields)}): tệp "
            f"đã bị sửa sau khi ký, nên không {what}. Yêu cầu bản gốc chưa bị sửa "
            "(kiểm tra: sohoa verify TỆP)")


def verify(settings: Settings, file_or_id: str, *, required: int = 1) -> VerificationReport:
    from sohoa.signing import verify_pdf  # pyHanko's validation stack: only verifying needs it

    return verify_pdf(load_pdf(settings, file_or_id), trust_roots=trust_roots(settings),
                      required=required)


def verify_file(settings: Settings, file_or_id: str
                ) -> tuple[VerificationReport, list[str], bool]:
    """``sohoa verify``: the report, and, when the file goes on after its last signature, what
    the later revision changes or whether it only added long-term validation data
    (:func:`after_last_signature`). pyHanko's own log lines (tracebacks of a damaged file) are
    kept off the terminal: everything they say is in the report, in words."""
    from sohoa.signing import verify_pdf

    pdf = load_pdf(settings, file_or_id)
    name = Path(file_or_id).name
    # Not a PDF (a .txt, a .jpg, an empty file): nothing was verified, so no verdict (4) and no
    # quarantine (3: `verify` quarantines nothing) — the wrong input, exit 2. A damaged PDF is
    # a verification that failed (4): it may be the signed file, broken.
    if not pdf:
        raise ConfigError(f"không kiểm tra được: {name} là tệp rỗng (0 byte); "
                          "sohoa verify chỉ kiểm tra tệp PDF")
    start = pdf_header_at(pdf)
    if start is None:
        raise ConfigError(f"không kiểm tra được: {name} không phải tệp PDF; "
                          "sohoa verify chỉ kiểm tra tệp PDF")
    if start:
        pdf = pdf[start:]  # whitespace before the header is no part of what was signed
    # pyHanko logs from many child loggers (a damaged file's tracebacks): said in the report
    with library_logs_muted():
        try:
            report = verify_pdf(pdf, trust_roots=trust_roots(settings))
        except BadInputError as exc:  # a damaged or encrypted PDF
            raise VerificationError(f"không kiểm tra được: {name}: {exc}") from exc
    return report, *after_last_signature(pdf)


def destroyed_copy(settings: Settings, file: Path) -> DestroyedError | None:
    """The catalog's word on a PDF file whose bytes are the stored copy of a paper destroyed
    since (fetched with `get` before the disposal): the signature may well verify, but the
    archive no longer holds the paper (tester11 F8). None when it is no such copy, or there is
    no catalog here to ask (a file is verified without one)."""
    import hashlib

    from sohoa.pipeline.services import catalog_file

    catalog = catalog_file(settings)
    if catalog is not None and not catalog.exists():
        return None
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    with open_archive(settings) as archive:
        return archive.destroyed_copy(digest)


# What writing a revision changes by itself: the time it was written, the program that wrote it.
_BOOKKEEPING = frozenset({"/ModDate", "/Producer"})


def later_revision(pdf: bytes) -> list[str]:
    """What a revision appended after the last signature changes (empty: none was, or it only
    added long-term validation data — :func:`after_last_signature`)."""
    return after_last_signature(pdf)[0]


# A long-term (B-LTA) signature's last revision, said as what it is (tester13 F13).
VALIDATION_DATA_NOTE = ("phiên bản sau chữ ký cuối cùng chỉ thêm dữ liệu kiểm tra chữ ký dài "
                        "hạn (chứng thư, trả lời OCSP, CRL — /DSS): không thay đổi trang hay "
                        "thông tin mô tả nào")


def after_last_signature(pdf: bytes) -> tuple[list[str], bool]:
    """(what a revision appended after the last signature changes — notes for the inspector,
    empty when nothing did —, whether that revision only added validation data: the /DSS a
    long-term signature appends after its last timestamp, with the /ModDate and /Producer any
    writer stamps)."""
    import io
    import re

    import pikepdf

    ends = [int(a) + int(b) for a, b in re.findall(
        rb"/ByteRange\s*\[\s*\d+\s+\d+\s+(\d+)\s+(\d+)\s*\]", pdf)]
    if not ends:
        return [], False
    signed_end = max(ends)
    tail = pdf[signed_end:]
    if not re.search(rb"%%EOF", tail) or not tail.strip(b"\r\n% EOF"):
        return [], False  # nothing but the end-of-file marker after the signature
    try:
        with pikepdf.open(io.BytesIO(pdf[:signed_end])) as before, \
                pikepdf.open(io.BytesIO(pdf)) as after:
            changes = [f"{key} {str(before.docinfo.get(key, '—'))!r} → "
                       f"{str(after.docinfo.get(key, '—'))!r}"
                       for key in sorted({*before.docinfo.keys(), *after.docinfo.keys()})
                       if str(before.docinfo.get(key, "")) != str(after.docinfo.get(key, ""))
                       and key not in _BOOKKEEPING]
            if len(before.pages) != len(after.pages):
                changes.append(f"số trang {len(before.pages)} → {len(after.pages)}")
            for n, (a, b) in enumerate(zip(before.pages, after.pages, strict=False), start=1):
                # Compared by what the page says, not by object numbers: pikepdf copies an
                # attribute a page inherits (/MediaBox from /Pages) into a new object of each
                # file, numbered after that file's last object — a page nobody touched read
                # as changed (tester13 F13, an fpdf2 result signed by `sohoa sign`).
                if _page_content(a) != _page_content(b):
                    changes.append(f"trang {n}")
            # decided once every page was compared: a revision adding /DSS that also rewrites
            # a page is no validation data
            validation_only = "/DSS" in after.Root and not changes
    except pikepdf.PdfError as exc:
        return [f"có một phiên bản thêm vào sau chữ ký cuối cùng (không đọc được: {exc})"], False
    if validation_only:
        return [], True
    what = ("; ".join(changes) if changes
            else "không đổi thông tin mô tả hay nội dung trang (chỉ các đối tượng khác)")
    return [f"có một phiên bản thêm vào sau chữ ký cuối cùng; nó thay đổi: {what}"], False


def _page_content(page: Any) -> Any:
    """A page as a value: its dictionary with every reference replaced by what it points to
    (streams by their bytes), the way back up (/Parent, an annotation's /P) left out."""
    import hashlib

    import pikepdf

    def value(obj: Any, path: frozenset[tuple[int, int]], depth: int) -> Any:
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in path or depth > 24:
                return "↺"  # a cycle (a widget's /P back to its page) or a very deep tree
            path = path | {obj.objgen}
        if isinstance(obj, pikepdf.Stream):
            return ("stream", value(obj.stream_dict, path, depth + 1),
                    hashlib.sha256(obj.read_raw_bytes()).hexdigest())
        if isinstance(obj, pikepdf.Dictionary):
            return ("dict", tuple(sorted((k, value(obj[k], path, depth + 1))
                                         for k in obj if k not in ("/Parent", "/P"))))
        if isinstance(obj, pikepdf.Array):
            return ("array", tuple(value(v, path, depth + 1) for v in obj))
        return obj.unparse() if isinstance(obj, pikepdf.Object) else repr(obj)

    return value(page.obj, frozenset(), 0)


def verify_qr(settings: Settings, file_or_id: str) -> dict[str, Any]:
    """The QR code on page 1 read back and checked against the catalog
    (``sohoa.pipeline.qrcheck``)."""
    from sohoa.pipeline import qrcheck

    return qrcheck.check(settings, load_pdf(settings, file_or_id))
