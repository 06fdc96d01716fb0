"""Load a generated year of dossier events (``sohoa.synth.year``) into an archive through the
desk's own functions: dossiers opened, papers stored (the store hook fills components and
hands out digitization codes), reuse decisions, statuses, results. Each generated paper is a
small one-page PDF/A made here (born-digital text; the scan pipeline is not what is measured).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sohoa.archive import Archive
from sohoa.archive import dossiers as records
from sohoa.doctypes import load_registry
from sohoa.errors import ConfigError
from sohoa.pipeline.dossierdesk import catalogue, opening
from sohoa.pipeline.settings import Settings
from sohoa.records import DocumentRecord, sha256_hex

ACTOR = "synth-year"


def _paper_pdf() -> bytes:
    from sohoa.pdf.textpdf import TextDocument

    doc = TextDocument()
    doc.title("GIẤY TỜ MẪU", sub="Dữ liệu tổng hợp cho báo cáo chỉ số (không có giá trị)")
    return doc.pdf(title="Giấy tờ mẫu", author="sohoa synth year",
                   created=datetime(2020, 1, 1, tzinfo=UTC))


def load(archive: Archive, settings: Settings, year: Any,
         progress: Callable[[int, int], None] = lambda _d, _t: None) -> dict[str, int]:
    pdf = _paper_pdf()
    registry = load_registry()
    docs: dict[str, str] = {}  # generator key → document id
    owners_of: dict[str, str] = {}
    counts: dict[str, int] = {}

    def store(key: str, code: str, doc_type: str, owner: str, at: datetime,
              valid_until: date | None = None) -> str:
        kind = registry.get(doc_type)
        rec = DocumentRecord(
            doc_key=hashlib.sha256(f"synth-year:{key}".encode()).hexdigest(),
            dossier_code=code, unit=None, doc_type=kind.code, title=kind.name.upper(),
            owner_id=owner, owner_kind="person", owner_name=None, fields={}, field_flags=(),
            text=kind.name, pages=(), confidence=1.0, needs_review=False, review_reasons=(),
            pdf_sha256=sha256_hex(pdf), pdf_size=len(pdf), signature=None,
            issue_date=at.date(), valid_until=valid_until, retention=kind.retention,
            ingested_at=at.astimezone(UTC), extra={"synthetic": True})
        doc_id, _ = archive.store_document(rec, pdf, [])
        docs[key] = doc_id
        return doc_id

    total = len(year.events)
    for n, event in enumerate(year.events):
        at = datetime.fromisoformat(event["at"])
        kind = event["kind"]
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "legacy":
            until = (date(year.year + 5, 12, 31) if event["doc_type"] == "citizen_id_card"
                     else None)
            store(event["key"], f"LEGACY-{event['owner']}", event["doc_type"], event["owner"],
                  at, until)
        elif kind == "open":
            spec = opening(settings, event["code"], procedure=event["procedure"],
                           owner=event["owner"], unit=event["unit"], received=at,
                           channel=event["channel"])
            records.open_dossier(archive, spec, by=ACTOR)
            if event.get("queued_at"):
                records.set_status(archive, event["code"], "queued",
                                   at=datetime.fromisoformat(event["queued_at"]), by=ACTOR)
            owners_of[event["code"]] = event["owner"]
        elif kind == "status":
            records.set_status(archive, event["code"], event["status"], at=at, by=ACTOR)
        elif kind == "scan":
            store(event["key"], event["code"], event["doc_type"], event["owner"], at)
        elif kind in ("reuse", "store"):
            records.reuse(archive, event["code"], docs[event["key"]],
                          component=event["component"], by=ACTOR, purpose=event["code"],
                          from_store=kind == "store", today=at.date())
        elif kind == "result":
            proc = catalogue(settings).get(event["procedure"])
            doc_id = store(event["key"], event["code"], event["doc_type"], event["owner"], at)
            records.add_result(archive, event["code"], doc_id, result_code=proc.result_code,
                               born_digital=True, valid_until=None, by=ACTOR,
                               code_format=archive.digitization_format, issued_at=at)
        elif kind == "pushed":
            records.mark_pushed_to_store(archive, docs[event["key"]], at)
        if n % 200 == 0 or n == total - 1:
            progress(n + 1, total)
    return counts


def require_test_archive(settings: Settings) -> None:
    """Made-up dossiers, papers under generated citizen IDs and their outgoing events belong
    in a trial archive only: one that signs with sohoa init's development identity
    ("THỬ NGHIỆM"), never one that signs with an agency's certificate."""
    from sohoa.signing.identity import P12_NAME

    if settings.pkcs12.name != P12_NAME:
        raise ConfigError(
            f"sohoa synth year ghi hồ sơ và giấy tờ giả vào kho lưu trữ; kho này ký bằng "
            f"chứng thư {settings.pkcs12} (không phải khóa thử nghiệm của sohoa init) nên có "
            "thể là kho thật. Chạy trong một kho thử: SOHOA_HOME=… sohoa init, rồi synth year")


def make_year(archive: Archive, settings: Settings, generated: Any,
              progress: Callable[[int, int], None] = lambda _d, _t: None) -> dict[str, Any]:
    """Load a year that ``sohoa.synth.year.generate`` made (the face generates it: no product
    room imports the generator) into a trial archive; its truth comes back beside the counts."""
    require_test_archive(settings)
    counts = load(archive, settings, generated, progress)
    return {"events": counts, "truth": generated.truth}
