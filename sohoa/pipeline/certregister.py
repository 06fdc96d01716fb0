"""``sohoa certify register``: a unit's certification register (sổ chứng thực bản sao từ bản
chính) for a year, printable (a signed PDF/A with the QR code like every record sohoa issues)
and exportable (CSV, UTF-8 with a BOM so a spreadsheet opens the Vietnamese right).

The printed register's QR code states the unit and year, the last number it lists, how many
lines and a digest of those lines as the catalog holds them; ``sohoa verify`` recomputes the
digest from the register, so a line changed, removed or added among the printed numbers shows
(lines certified after the printing do not: they come after its last number).

Every line names the citizen who asked (số định danh) and their paper, so every read of the
register — listing, CSV, printed PDF — names its caller, is allowed by role (desk staff read
their own unit's book only) and is written to the access log, one entry per owner it showed,
like ``DossierDesk.listing`` (Decree 13/2023: no unattributed read of personal data).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime

from sohoa.archive import certifications
from sohoa.archive.access import Read
from sohoa.archive.policy import AccessDeniedError, Caller, check_role, clean_purpose
from sohoa.clock import VIETNAM as VN
from sohoa.errors import ConfigError
from sohoa.pdf import qrmark
from sohoa.pdf.textpdf import TextDocument
from sohoa.pipeline import certqr
from sohoa.pipeline.referencedata import units
from sohoa.pipeline.services import make_signer, open_archive
from sohoa.pipeline.settings import Settings
from sohoa.records import CertificationEntry
from sohoa.signing import DocumentSigner
from sohoa.vntext import nfc

PAPER = certqr.REGISTER_PAPER
STATUS_NAMES = certqr.STATUS_NAMES
CSV_HEADER = ["Số chứng thực", "Quyển số", "Ngày chứng thực", "Thời điểm", "Đơn vị",
              "Số định danh người yêu cầu", "Tên giấy tờ", "Số trang", "Bản chính",
              "Người thực hiện chứng thực", "Chức danh", "Người đối chiếu", "Trạng thái",
              "Mã tài liệu bản sao", "Ghi chú"]


READERS = ("desk", "officer", "archivist", "admin")


def lines(settings: Settings, caller: Caller, *, unit: str | None, year: int | None,
          purpose: str | None = None) -> list[CertificationEntry]:
    """The register's lines the caller may read, in number order; the read is logged (one
    entry per owner shown, or one saying nothing was shown)."""
    check_role(caller, READERS, "xem sổ chứng thực")
    if caller.role == "desk":  # desk staff read their own unit's book
        if not caller.unit or (unit and nfc(unit) != nfc(caller.unit)):
            own = caller.unit or "chưa có đơn vị"
            raise AccessDeniedError(f"{caller.user} (bộ phận một cửa, {own}) chỉ xem được sổ "
                                    "chứng thực của đơn vị mình")
        unit = caller.unit
    why = clean_purpose(purpose or f"sổ chứng thực {unit or 'mọi đơn vị'}"
                        f"{f' năm {year}' if year else ''}")
    with open_archive(settings) as archive:
        entries = certifications.register(archive, unit=unit, year=year)
        owners = sorted({e.owner_id for e in entries if e.owner_id})
        request = {"unit": unit, "year": year}
        archive.log_access(caller, "certification-register", why, [
            Read(owner_id=o, result_count=sum(e.owner_id == o for e in entries),
                 request=request) for o in owners]
            or [Read(owner_id=None, result_count=len(entries), request=request)])
    return entries


def to_csv(entries: Sequence[CertificationEntry]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for e in entries:
        local = e.certified_at.astimezone(VN)
        writer.writerow([e.number, e.book, f"{e.certified_on:%d/%m/%Y}", local.isoformat(),
                         e.unit, e.owner_id or "", e.paper, e.pages, e.original, e.official,
                         e.official_title, e.compared_by, STATUS_NAMES.get(e.status, e.status),
                         e.document_id or "", e.note or ""])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def register_pdf(settings: Settings, caller: Caller, *, unit: str, year: int,
                 purpose: str | None = None, at: datetime | None = None) -> bytes:
    """The register of one unit and year as a signed PDF/A (the agency's own record)."""
    if not unit or not year:
        raise ConfigError("in sổ chứng thực cần --unit và --year (mỗi đơn vị một sổ mỗi năm)")
    signer = ready_signer(settings)
    entries = lines(settings, caller, unit=unit, year=year,
                    purpose=purpose or f"in sổ chứng thực {unit} năm {year}")
    return draw_register(settings, entries, unit=unit, year=year, at=at, signer=signer)


def ready_signer(settings: Settings) -> DocumentSigner:
    """The agency's signer of the printed register, checked able to sign now: taken before
    the lines are read, so that a PKI that is down logs no read of citizens' names for a
    printout that is never made."""
    signer = make_signer(settings, original=True)
    from sohoa.pipeline.signerstatus import check_signer_ready

    check_signer_ready(settings, signer, desk=False)
    return signer


def draw_register(settings: Settings, entries: Sequence[CertificationEntry], *, unit: str,
                  year: int, at: datetime | None = None,
                  signer: DocumentSigner | None = None) -> bytes:
    """The signed PDF/A of lines already read (through ``lines``, which logged the read)."""
    if not unit or not year:
        raise ConfigError("in sổ chứng thực cần --unit và --year (mỗi đơn vị một sổ mỗi năm)")
    signer = signer or make_signer(settings, original=True)
    when = (at or datetime.now(UTC)).replace(microsecond=0)
    local = when.astimezone(VN)
    doc = TextDocument(landscape=True, size=10)
    doc.qr_code(qrmark.payload_text(certqr.register_fields(entries, unit=unit, year=year,
                                              agency=settings.agency, at=when)))
    known = units(settings).get(unit)
    doc.header_columns([settings.agency.upper(), (known.name if known else unit).upper()],
                       ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"])
    doc.title("SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH",
              sub=f"Quyển số {certifications.book_name(year)} — năm {year}")
    doc.paragraph(f"In ngày {local:%d/%m/%Y} lúc {local:%H giờ %M}: {len(entries)} số chứng "
                  "thực, theo thứ tự số.")
    doc.table(["Số", "Ngày", "Người yêu cầu", "Tên giấy tờ", "Trang", "Người ký chứng thực",
               "Người đối chiếu", "Trạng thái", "Bản sao", "Ghi chú"],
              [[str(e.number), f"{e.certified_on:%d/%m/%Y}", e.owner_id or "", e.paper,
                str(e.pages), f"{e.official} ({e.official_title})", e.compared_by,
                STATUS_NAMES.get(e.status, e.status), e.document_id or "", e.note or ""]
               for e in entries],
              [10, 20, 28, 50, 14, 50, 35, 18, 30, 40], wrap=True)
    if not entries:
        doc.paragraph("Chưa có số chứng thực nào.")
    doc.signatures(["NGƯỜI LẬP", ""], ["THỦ TRƯỞNG ĐƠN VỊ", "(đã ký số)"],
                   lead=["Sổ được lập thành bản điện tử, ký số bởi cơ quan."])
    pdf = doc.pdf(title=f"{PAPER} — {unit} — {year}", author=settings.agency,
                  subject=f"Quyển số {certifications.book_name(year)}",
                  keywords=["sổ chứng thực", unit, str(year)], created=when)
    signed, _sig = signer.sign(pdf, signed_at=when)
    return signed
