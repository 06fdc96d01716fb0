"""Procedure results (kết quả giải quyết TTHC) added to a dossier.

A born-digital result (the signed PDF the competent body issued) is verified against the trust
roots and stored exactly as it is — re-signing would replace the issuer's signature with the
archive's. A paper result (``scanned``) is digitized like any document: pages read, recognized,
assembled, signed and stored by the ingest's own stage functions, under the dossier's code.
Either way it gets a result-form digitization code, its validity from the catalogue, and is
reusable under its owner.
"""

from __future__ import annotations

import calendar
import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sohoa.archive import Archive
from sohoa.archive import dossiers as records
from sohoa.archive.archival import ORIGINAL_ELECTRONIC
from sohoa.clock import VIETNAM as VN
from sohoa.doctypes import load_registry
from sohoa.errors import BadInputError, ConfigError, VerificationError
from sohoa.ocr.fields.extract import extract_fields
from sohoa.pipeline.owner import co_owners
from sohoa.pipeline.referencedata import catalogue
from sohoa.pipeline.services import trust_roots
from sohoa.pipeline.settings import Settings
from sohoa.procedures import Procedure
from sohoa.records import DocumentRecord, PageRecord, SignatureSummary, sha256_hex
from sohoa.signing import verify_pdf


def valid_until(proc: Procedure, issued: date) -> date | None:
    """The result's last valid day from the catalogue's rule ("permanent" or "months:N")."""
    if proc.result_validity == "permanent":
        return None
    months = int(proc.result_validity.split(":", 1)[1])
    y, m = divmod(issued.month - 1 + months, 12)
    year, month = issued.year + y, m + 1
    return date(year, month, min(issued.day, calendar.monthrange(year, month)[1]))


def _read_pdf(pdf: bytes, source: str) -> tuple[str, tuple[PageRecord, ...]]:
    """The text layer and one page record per page of a born-digital result. Its pages have
    no image (the PDF is the original, nothing was scanned): a page's hash is that of its
    drawing (content stream), so the record counts and identifies the real pages."""
    import io

    from pypdf import PdfReader

    try:
        pages = PdfReader(io.BytesIO(pdf)).pages
        texts, records = [], []
        for i, page in enumerate(pages):
            texts.append(page.extract_text() or "")
            contents = page.get_contents()
            drawn = contents.get_data() if contents is not None else b""
            records.append(PageRecord(source=source, index=i, sha256=sha256_hex(drawn),
                                      side="front", rotation=0, skew=0.0, confidence=1.0))
        return "\n".join(texts), tuple(records)
    except Exception:  # the text layer is a convenience for search, never a reason to refuse
        return "", ()


def add_result(archive: Archive, settings: Settings, code: str, file: Path, *, scanned: bool,
               by: str, issued_at: datetime | None = None) -> dict[str, Any]:
    state = records.show(archive, code)
    if not state.procedure_code:
        raise ConfigError(f"hồ sơ {state.code} chưa có thủ tục (mở bằng 'sohoa dossier open' "
                          "trước khi thêm kết quả)")
    proc = catalogue(settings).get(state.procedure_code)
    if not file.is_file():
        raise ConfigError(f"không tìm thấy tệp {file}")
    # when it was issued: as the desk says it, else as the one-stop system recorded the
    # dossier resolved; neither said, now is recorded but answers nothing about the paper
    said = issued_at or next((h.at for h in reversed(state.history) if h.status == "resolved"),
                             None)
    when = said or datetime.now(UTC)
    until = valid_until(proc, when.astimezone(VN).date())
    if scanned:
        document_id = _digitize(archive, settings, state.code, state.unit, file, proc)
        # the day its dateline reads, when the scan read it, is the day its validity runs from
        # (review19 N5: a certificate dated the 1st, added on the 8th, ran from the 8th)
        read = archive.get_document(document_id).get("issue_date")
        if read:
            until = valid_until(proc, date.fromisoformat(read))
    else:
        document_id = _store_born_digital(archive, settings, state, file, proc, when, until)
    result, changed = records.add_result(
        archive, state.code, document_id, result_code=proc.result_code, born_digital=not scanned,
        valid_until=until, by=by, code_format=archive.digitization_format,
        issued_at=said if scanned else when)
    return {"dossier": result.code, "document_id": document_id, "changed": changed,
            "result": next((r for r in result.to_json()["results"]  # type: ignore[union-attr]
                            if r["document_id"] == document_id), None)}


def _store_born_digital(archive: Archive, settings: Settings, state: Any, file: Path,
                        proc: Procedure, when: datetime, until: date | None) -> str:
    pdf = file.read_bytes()
    if not pdf.startswith(b"%PDF"):
        raise ConfigError(f"{file} không phải tệp PDF; kết quả giấy thì dùng --scanned")
    try:
        report = verify_pdf(pdf, trust_roots=trust_roots(settings))
    except BadInputError as exc:  # damaged or encrypted: refused, nothing is quarantined
        raise ConfigError(f"không đọc được kết quả {file.name}: {exc}") from exc
    if not report.valid:
        problems = "; ".join([*report.problems, *(p for s in report.signatures
                                                  for p in s.problems)])
        raise VerificationError(
            f"chữ ký số của kết quả {file.name} không hợp lệ ({problems or 'không tin cậy'}); "
            "không lưu. Kiểm tra tệp với 'sohoa verify'")
    first = report.signatures[0]
    signature = SignatureSummary(level=first.level, signer=first.signer,
                                 signed_at=first.signed_at or when)
    registry = load_registry()
    doc_type = registry.get(proc.result_doc_type)
    text, pages = _read_pdf(pdf, file.name)
    # Its fields are read from its text layer as any born-digital paper's are (number, issuing
    # body, each person's number validated); a shared result (a marriage certificate) read for
    # the applicant's part, the other persons it names becoming its co-owners.
    extraction = extract_fields(doc_type.code, text, registry, party=state.owner_id)
    own = extraction.fields.get("id_number")
    read_own = bool(state.owner_id) and own is not None and own.value == state.owner_id \
        and not own.flag
    rec = DocumentRecord(
        doc_key=hashlib.sha256(b"result:" + pdf).hexdigest(), dossier_code=state.code,
        unit=state.unit, doc_type=doc_type.code, title=proc.result_name,
        owner_id=state.owner_id, owner_kind="person" if read_own else None,
        # the name printed in the applicant's own block, when the paper states their number
        owner_name=extraction.owner_name if read_own else None,
        fields=extraction.values(),
        field_flags=tuple(extraction.flags()), text=text, pages=pages, confidence=1.0,
        needs_review=False, review_reasons=(), pdf_sha256=sha256_hex(pdf), pdf_size=len(pdf),
        signature=signature, issue_date=when.astimezone(VN).date(), valid_until=until,
        retention=doc_type.retention, ingested_at=datetime.now(UTC),
        co_owners=co_owners(doc_type.code, extraction, state.owner_id, registry=registry,
                               text=text),
        # TT 02/2019's "Mức độ tin cậy": the issuer's own signed file, not a digitized paper
        extra={"result_of": state.code, "born_digital": True, "source": file.name,
               "reliability": ORIGINAL_ELECTRONIC})
    document_id, _created = archive.store_document(rec, pdf, [])
    return document_id


def _digitize(archive: Archive, settings: Settings, code: str, unit: str | None, file: Path,
              proc: Procedure) -> str:
    from sohoa.pipeline.analysis import AnalyzeOptions
    from sohoa.pipeline.assemble import PageItem
    from sohoa.pipeline.services import load_type_model, make_signer
    from sohoa.pipeline.stages import StoreContext, analyze_cached, page_failure, store_dossier
    from sohoa.records import Quarantined
    from sohoa.scanners import read_pages

    signer = make_signer(settings)
    # as ingest does: a signer that cannot sign now is refused before any page is recognized
    from sohoa.pipeline.signerstatus import check_signer_ready

    check_signer_ready(settings, signer, desk=False)
    options = AnalyzeOptions(settings.ocr_lang, settings.ocr_timeout_s, settings.code_pattern)
    items = []
    for page in read_pages(file):
        if isinstance(page, Quarantined):
            raise ConfigError(f"không đọc được {file}: {page.reason}")
        try:
            items.append(PageItem(page, analyze_cached(archive, page, options)))
        except Exception as exc:  # a page the recognizer cannot read: say which
            raise ConfigError(page_failure(page, str(exc)).reason) from exc
    if not items:
        raise ConfigError(f"{file} không có trang nào")
    job = archive.start_job([str(file)], unit)
    ctx = StoreContext(archive, signer, load_registry(), settings, unit,
                       load_type_model(settings), job)
    outcomes = store_dossier(items, code, ctx)
    archive.sync_index()
    archive.finish_job(job, {"stored": sum(o.created for o in outcomes)})
    if not outcomes:
        raise ConfigError(f"{file} không có trang nào có nội dung (chỉ có trang trắng hoặc tờ "
                          "mã hồ sơ): không có kết quả để ghi")
    matching = [o for o in outcomes if o.doc_type == proc.result_doc_type]
    return (matching or outcomes)[0].document_id
