"""Electronic certified copies (chứng thực bản sao điện tử từ bản chính, Decree 23/2015 and
Decree 45/2020): the official compares the original the citizen shows with its scan, the unit's
certification register hands out the next number, and the copy is drawn, signed and stored under
its owner, reusable like any stored paper.

The copy is one PDF/A: page 1 carries the QR code at the top left (TT 01/2023 Điều 26), the
paper's particulars and the certification statement in the Decree 23/2015 form ("Chứng thực bản
sao đúng với bản chính", Số chứng thực …, Quyển số …/YYYY-SCT/BS, the date, the official's name
and title); the copied pages follow, each with a footer naming the certification (the
electronic counterpart of the seal across the pages). Drawing the statement on a page of its own
keeps the official's ink off the original's content. The certifying official signs it: with
their personal key when one is configured for them, else with the agency's.

Order of work, and what a failure leaves: the number is allocated and recorded in one
transaction (``archive.certifications.allocate``); then the copy is drawn, signed and stored,
and the register's line points at it. If drawing, signing or storing fails, the number is marked
spoiled with the reason — still in the register, never handed out again.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sohoa.archive import Archive, certifications
from sohoa.archive.policy import clean_owner_id
from sohoa.clock import VIETNAM as VN
from sohoa.doctypes import VALIDITY_UNKNOWN, load_registry
from sohoa.errors import (
    ConfigError,
    NotFoundError,
    SigningError,
    SohoaError,
    StorageError,
    VerificationError,
    WorkflowError,
)
from sohoa.idcodes import requester_id_problems
from sohoa.pdf import qrmark
from sohoa.pdf.textpdf import TextDocument
from sohoa.pipeline import certqr
from sohoa.pipeline.referencedata import units
from sohoa.pipeline.services import make_certifier_signer, open_archive
from sohoa.pipeline.settings import Settings
from sohoa.records import (
    CertificationEntry,
    CertificationRequest,
    DocumentRecord,
    Page,
    Quarantined,
    sha256_hex,
)
from sohoa.scanners.pdfborn import picture
from sohoa.vntext import nfc

STATEMENT = "Chứng thực bản sao đúng với bản chính."
PAPER_PREFIX = "Bản sao chứng thực từ bản chính"
PURPOSE = "chứng thực bản sao điện tử từ bản chính"
OFFICIAL_CHARS = 128  # the register's official column
log = logging.getLogger("sohoa.certify")
NOT_COMPARED = ("chưa xác nhận đã đối chiếu bản sao với bản chính: người thực hiện chứng thực "
                "phải kiểm tra bản chính do người yêu cầu xuất trình (Nghị định 23/2015/NĐ-CP, "
                "Điều 20) rồi chạy lại lệnh với --original-compared")


def certify_copy(settings: Settings, source: str, *, owner: str | None, unit: str,
                 official: str, title: str, compared: bool, compared_by: str | None = None,
                 paper: str | None = None, doc_type: str | None = None,
                 valid_until: date | None = None, dossier: str | None = None,
                 at: datetime | None = None) -> dict[str, Any]:
    """Certify ``source`` (a file, or a stored document's id) as a copy of the original that
    was shown; return the register's line and the stored copy's id."""
    if not compared:
        raise WorkflowError(NOT_COMPARED)
    owner_id = clean_owner_id(owner)
    if not owner_id:
        raise ConfigError("cho biết số định danh của người yêu cầu chứng thực (--owner)")
    # Checked before a number is taken: a register line is never taken back, and a typo
    # would file the copy (reusable) under another citizen or an impossible number.
    problems = requester_id_problems(owner_id)
    if problems:
        raise ConfigError("số định danh của người yêu cầu chứng thực (--owner) không hợp lệ: "
                          + "; ".join(problems) + "; hãy kiểm tra lại trên giấy tờ tùy thân")
    official = nfc(official.strip())
    if not official or not title.strip():
        raise ConfigError("cho biết người thực hiện chứng thực (--by) và chức danh (--title): "
                          "được ghi trong lời chứng và sổ chứng thực")
    known = units(settings)
    place = known.get(nfc(unit.strip()))
    if place is None:
        # A typo would open a register of its own, numbered from 1 again.
        raise ConfigError(f"không có đơn vị {unit!r} trong danh mục đơn vị (units.toml): "
                          + ", ".join(f"{u.code} {u.name}" for u in known.units.values()))
    registry = load_registry()
    if doc_type is not None and doc_type not in registry:
        raise ConfigError(f"không có loại giấy tờ {doc_type}; xem doctypes.toml")
    # A destroyed paper is said first (exit 5), before the official's key is looked at: no
    # key would make it certifiable, and "no personal key" sent the clerk after the wrong
    # fix (tester11 F7). Read from its status alone: nothing of it is delivered, so nothing
    # goes to the access log (as `sohoa get` of a destroyed paper).
    if not Path(source).is_file():
        _refuse_destroyed(settings, source)
    person = official  # who certifies, as the access log names them (not the signing mode)
    # A missing key stops us before a number is taken (a spoiled number is still a line).
    signer = make_certifier_signer(settings, official)
    if signer.settings.kind == "officer":
        # Signed with the official's own certificate: the statement and the register name
        # them as the certificate does (``--by`` may be a login such as "tam.lv").
        official = signer.key.signer_name
    else:
        # The agency's key (allowed by signing.certify_with_agency_key): the name typed at
        # --by is not what signs, so the statement and register say whose signature it is.
        official = agency_signed(official, signer.key.signer_name)
    if Path(source).is_file():
        # before a number is taken: a register line is never taken back
        from sohoa.pipeline.lookup import altered_refusal, altered_signatures

        altered = altered_signatures(settings, Path(source))
        if altered:
            raise VerificationError(altered_refusal(Path(source), altered, "chứng thực từ đó"))
    # A signer that cannot sign now (PKI, OCSP/CRL or TSA unreachable) is refused before a
    # number is taken too: each retry would otherwise spoil a line of the legal register.
    from sohoa.pipeline.signerstatus import check_signer_ready

    check_signer_ready(settings, signer, desk=False)
    when = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    with open_archive(settings) as archive:
        original = _original(archive, settings, source, owner_id, person)
        kind = doc_type or original["doc_type"] or "other"
        if kind not in registry:
            kind = "other"
        name = nfc((paper or original["paper"] or registry.get(kind).name).strip())
        request = CertificationRequest(
            unit=place.code, owner_id=owner_id, paper=name, doc_type=kind,
            pages=len(original["pages"]), original=original["ref"], official=official,
            official_title=nfc(title.strip()), compared_by=nfc((compared_by or official).strip()))
        # A copy is valid as long as its original: the stored paper's validity, else the
        # type's rule (a CCCD copied from a file without --valid-until: unknown, not reusable).
        until = valid_until or (original["valid_until"] if original["ref"].startswith(
            "document:") else registry.valid_until(kind, {}))
        settle(archive, place.code, by=official)
        entry = certifications.allocate(archive, request, at=when)
        try:
            pdf = copy_pdf(entry, original["pages"], agency=settings.agency, unit_name=place.name,
                           dossier=dossier or original["dossier"],
                           valid_until=until if until != VALIDITY_UNKNOWN else None)
            signed, signature = signer.sign(pdf, signed_at=when)
            rec = DocumentRecord(
                doc_key=copy_key(entry),
                dossier_code=dossier or f"SCT-{entry.unit}-{entry.year}-{entry.number:05d}",
                unit=entry.unit, doc_type=kind, title=name, owner_id=owner_id,
                owner_kind=original["owner_kind"], owner_name=original["owner_name"],
                fields={**original["fields"], "certification_number": str(entry.number),
                        "certification_book": entry.book},
                field_flags=(), text=_text(entry, original["text"]), pages=(), confidence=1.0,
                needs_review=False, review_reasons=(), pdf_sha256=sha256_hex(signed),
                pdf_size=len(signed), signature=signature, issue_date=entry.certified_on,
                valid_until=until,
                retention=registry.get(kind).retention, ingested_at=datetime.now(UTC),
                extra={"certified_copy": {"unit": entry.unit, "number": entry.number,
                                          "book": entry.book, "official": entry.official,
                                          "official_title": entry.official_title,
                                          "compared_by": entry.compared_by},
                       "original": entry.original, "source": original["source"]})
            document_id, _created = archive.store_document(rec, signed, [])
            entry = certifications.complete(archive, entry.id, document_id, by=official)
        except BaseException as exc:
            # Spoil the number only when no copy bears it: a copy stored before the failure
            # (the register's update hit a lock, Ctrl-C between the two) keeps its line
            # "issuing" and the next certification at the unit records it (settle). When the
            # catalog cannot even say, leave the line for settle too: never spoil a number a
            # valid copy may carry.
            try:
                stored = archive.has_document(copy_key(entry))
            except Exception:  # the original error is what the desk must see
                stored = "unknown"
            if stored is None:
                # The official reads this line: the reason in Vietnamese (the error itself
                # follows, in words); the Python class is for the debug log.
                log.error("bản sao chứng thực số %s/%s không lập được, số này bị hủy: %s",
                          entry.number, entry.book, spoiled_reason(exc))
                log.debug("số %s/%s bị hủy do %s: %s", entry.number, entry.book,
                          type(exc).__name__, exc)
                certifications.spoil(archive, entry.id,
                                     reason=f"không lập được bản sao: {spoiled_reason(exc)}",
                                     by=official)
            raise
        archive.sync_index()
    return {"certification": entry.to_json(), "document_id": document_id,
            "signature": {"signer": signature.signer, "kind": signature.kind,
                          "level": signature.level,
                          "certificate_sha256": signature.certificate_sha256}}


def spoiled_reason(exc: BaseException) -> str:
    """Why a number was spoiled, as the register shows it to the clerk and the inspector: in
    Vietnamese, by kind of failure; the technical text goes to the log only."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        return "việc lập bản sao bị dừng giữa chừng (máy tắt hoặc người dùng ngắt)"
    if isinstance(exc, SigningError):
        return "không ký số được bản sao (khóa ký số hoặc token của người ký)"
    if isinstance(exc, StorageError):
        return "kho lưu trữ không ghi được bản sao"
    if isinstance(exc, SohoaError):
        return str(exc)  # our own errors are written for the clerk already
    if isinstance(exc, OSError):
        return "máy không đọc/ghi được tệp (ví dụ hết chỗ trên đĩa)"
    return "lỗi của chương trình (chi tiết trong nhật ký của máy)"


def copy_key(entry: CertificationEntry) -> str:
    """The stored copy's key: one document per register line, whoever stores it."""
    return hashlib.sha256(
        f"certified-copy:{entry.unit}:{entry.year}:{entry.number}".encode()).hexdigest()


# A copy is drawn, signed and stored in seconds; a line still without its copy a day after
# its number was taken belongs to a desk that stopped (killed, power cut) before storing.
ABANDONED_AFTER = timedelta(hours=24)
ABANDONED = (f"không lập được bản sao: quá {int(ABANDONED_AFTER.total_seconds() // 3600)} giờ "
             "sau khi lấy số mà bản sao chưa được lưu (máy lập bản sao đã dừng giữa chừng)")


def settle(archive: Archive, unit: str, *, by: str,
           now: datetime | None = None) -> list[CertificationEntry]:
    """Record the copies a desk stored but did not get to record (a crash or a kill between
    the two): their line points at them now. A line whose copy is not stored is left alone —
    another desk may be drawing it at this moment — unless it is older than
    ``ABANDONED_AFTER``: then nobody is, and it is spoiled with that reason."""
    moment = now or datetime.now(UTC)
    settled = []
    for entry in certifications.issuing(archive, unit=unit):
        document_id = archive.has_document(copy_key(entry))
        if document_id is not None:
            settled.append(certifications.complete(archive, entry.id, document_id, by=by))
        elif moment - entry.certified_at > ABANDONED_AFTER:
            settled.append(certifications.spoil(archive, entry.id, reason=ABANDONED, by=by))
    return settled


def _refuse_destroyed(settings: Settings, source: str) -> None:
    from sohoa.archive.archive import destroyed

    with open_archive(settings) as archive:
        try:
            ref = archive.document_ref(source.strip())
        except SohoaError:
            return  # not found, or an ambiguous prefix: said by _original in its words
        if ref["status"] == "disposed":
            doc = archive.get_document(ref["document_id"])
            raise destroyed(ref["document_id"], doc.get("extra"))


def _original(archive: Archive, settings: Settings, source: str, owner_id: str,
              official: str) -> dict[str, Any]:
    """The pages and particulars of what is certified: a file as scanned, or a stored paper
    (read on the official's behalf, written to the access log)."""
    path = Path(source)
    if path.is_file():
        return {"ref": path.name, "source": path.name, "pages": _pages(path), "doc_type": None,
                "paper": None, "fields": {}, "text": "", "owner_kind": None,
                "owner_name": None, "valid_until": None, "dossier": None}
    from sohoa.pipeline.lookup import Reader, cli_caller

    reader = Reader(archive)
    caller = cli_caller(settings, official)
    try:
        doc = reader.show(caller, PURPOSE, source)
    except NotFoundError:
        raise NotFoundError(f"{source!r} không phải tệp, cũng không phải mã giấy tờ trong kho "
                            "(tìm mã bằng 'sohoa reuse' hoặc 'sohoa search')") from None
    if doc["status"] == "disposed":
        from sohoa.archive.archive import destroyed

        raise destroyed(doc["document_id"], doc.get("extra"))
    if doc["status"] != "stored":
        raise WorkflowError(f"giấy tờ {doc['document_id']} không còn lưu giữ ({doc['status']}): "
                            "không chứng thực từ đó")
    if doc["owner_id"] and doc["owner_id"] != owner_id:
        raise WorkflowError(f"giấy tờ {doc['document_id']} thuộc về {doc['owner_id']}, không "
                            f"phải {owner_id}: không chứng thực cho người khác")
    if not doc["owner_id"] and owner_id not in _numbers_on(doc["fields"]):
        # An unresolved owner is often exactly the ambiguous paper (several people named):
        # certifying it for whatever number is typed would file it, and another person's
        # particulars, under that number.
        raise WorkflowError(f"giấy tờ {doc['document_id']} chưa xác định chủ sở hữu và không "
                            f"ghi số định danh {owner_id}: hãy rà soát, ghi chủ sở hữu của giấy "
                            "tờ trước (sohoa review) rồi chứng thực")
    pdf = reader.get_pdf(caller, PURPOSE, doc["document_id"])
    images = [picture(archive.blobs.get(p["blob_sha256"])) for p in doc["pages"]
              if p["blob_sha256"]]
    if images and len(images) == len(doc["pages"]):
        pages = images
    else:  # a born-digital paper: its pages as drawn
        with tempfile.TemporaryDirectory(prefix="sohoa-cert-") as tmp:
            stored = Path(tmp) / f"{doc['document_id']}.pdf"
            stored.write_bytes(pdf)
            pages = _pages(stored)
    owner = doc.get("owner") or {}
    until = doc.get("valid_until")
    return {"ref": f"document:{doc['document_id']}", "source": doc["document_id"],
            "pages": pages, "doc_type": doc["doc_type"], "paper": None,
            "fields": {k: v for k, v in doc["fields"].items() if v is not None},
            "text": doc.get("text") or "", "owner_kind": owner.get("kind"),
            "owner_name": owner.get("name"), "dossier": None,
            # The catalog's face says an unknown validity as null beside its flag: the copy
            # keeps it unknown (not reusable), never permanent.
            "valid_until": VALIDITY_UNKNOWN if doc.get("validity_unknown")
            else date.fromisoformat(until) if until else None}


def agency_signed(official: str, signer_name: str) -> str:
    """The official's name as the statement and the register give it when the agency's key
    signs (what the copy's signer line reads), within the register's 128 characters: the
    certificate's name is shortened with "…" and the bracket closed, never cut mid-word."""
    official, signer_name = nfc(official), nfc(signer_name)
    text = f"{official} (ký bằng chữ ký số của cơ quan {signer_name})"
    while len(text) > OFFICIAL_CHARS and signer_name:
        signer_name = signer_name[:-1]
        text = f"{official} (ký bằng chữ ký số của cơ quan {signer_name.rstrip()}…)"
    return text[:OFFICIAL_CHARS]


def _numbers_on(fields: dict[str, Any]) -> set[str]:
    """The personal numbers the paper itself states (its own and related people's)."""
    return {n.strip() for key in ("id_number", "related_id_numbers")
            for n in str(fields.get(key) or "").split(",") if n.strip()}


def _pages(path: Path) -> list[bytes]:
    from sohoa.scanners import read_pages

    pages: list[bytes] = []
    for page in read_pages(path):
        if isinstance(page, Quarantined):
            raise ConfigError(f"không đọc được {path.name}: {page.reason}")
        assert isinstance(page, Page)
        pages.append(picture(page.data))  # a born-digital page is copied as drawn
    if not pages:
        raise ConfigError(f"{path.name} không có trang nào")
    return pages


def _text(entry: CertificationEntry, original_text: str) -> str:
    return nfc(f"{PAPER_PREFIX}. {entry.paper}. {STATEMENT} Số chứng thực {entry.number}, "
               f"quyển số {entry.book}. {original_text}".strip())


def _day_words(day: date) -> str:
    return f"Ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def copy_pdf(entry: CertificationEntry, pages: list[bytes], *, agency: str, unit_name: str,
             dossier: str | None, valid_until: date | None) -> bytes:
    """The certified copy before signing: page 1 with the QR code, the particulars and the
    statement; then the copied pages."""
    doc = TextDocument(size=12)
    doc.qr_code(qrmark.payload_text(certqr.copy_fields(entry, agency=agency, dossier=dossier,
                                              valid_until=valid_until)))
    doc.header_columns([agency.upper(), unit_name.upper()],
                       ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    doc.title("BẢN SAO ĐIỆN TỬ ĐƯỢC CHỨNG THỰC TỪ BẢN CHÍNH")
    doc.field("Tên giấy tờ:", entry.paper)
    doc.field("Người yêu cầu chứng thực (số định danh):", entry.owner_id or "")
    doc.field("Số trang bản sao:", f"{entry.pages} trang, kèm theo sau trang này")
    if valid_until:
        doc.field("Giá trị sử dụng đến:", f"{valid_until:%d/%m/%Y}")
    doc.field("Người đối chiếu bản chính:", entry.compared_by)
    local = entry.certified_at.astimezone(VN)
    doc.heading("LỜI CHỨNG")
    doc.paragraph(STATEMENT)
    doc.paragraph(f"Số chứng thực: {entry.number}     Quyển số: {entry.book}")
    doc.paragraph(f"{_day_words(local.date())} (lúc {local:%H giờ %M})")
    doc.signatures(["", ""], ["NGƯỜI THỰC HIỆN CHỨNG THỰC", entry.official_title,
                              "(đã ký số)", entry.official])
    for i, data in enumerate(pages, 1):
        doc.page_image(data, footer=f"Bản sao chứng thực số {entry.number}, quyển số "
                                    f"{entry.book} — trang {i}/{len(pages)}")
    return doc.pdf(title=f"{PAPER_PREFIX}: {entry.paper} — số {entry.number}/{entry.book}",
                   author=agency, subject=STATEMENT,
                   keywords=["chứng thực bản sao", entry.book, str(entry.number)],
                   created=entry.certified_at)
