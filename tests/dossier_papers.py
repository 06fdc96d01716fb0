"""Papers of a dossier as ingest stores them, without OCR: the records the dossier, review and
sync tests store into a real catalog, and the dossier opening they are scanned under.

One builder for them all (tests/pipeline/test_dossier_codes_follow.py,
tests/sync/test_sync_dossier_holds.py, …): a card unless told otherwise, its number as its
``id_number`` field, signed by a test signature, issued 14/08/2025 and valid to 2040."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sample_files import page_image, pdf_bytes

from sohoa.archive import Archive
from sohoa.archive import dossiers as records
from sohoa.pipeline import dossierdesk
from sohoa.pipeline.settings import Settings
from sohoa.records import DocumentRecord, PageRecord, SignatureSummary, sha256_hex

HUSBAND, WIFE = "001090012345", "079195004321"  # born 1990 (a man), 1995 (a woman)


def marriage_certificate_text(wife_number: str = WIFE) -> str:
    """A marriage certificate's text naming both spouses, each in a block of their own (the
    wife's number as given: a misread one must not make her a co-owner)."""
    return ("GIẤY CHỨNG NHẬN KẾT HÔN\nSố: 145/2026\n"
            "Họ, chữ đệm, tên vợ: NGUYỄN THỊ THẢO ÁNH\nNgày, tháng, năm sinh: 05/03/1995\n"
            f"Giấy tờ tùy thân: Căn cước công dân số {wife_number}\n"
            "Họ, chữ đệm, tên chồng: ĐỖ HOÀNG VIỆT\nNgày, tháng, năm sinh: 01/02/1990\n"
            f"Giấy tờ tùy thân: Căn cước công dân số {HUSBAND}\n")


def paper(seed: str, dossier: str, *, owner: str | None, unit: str,
          doc_type: str = "citizen_id_card", title: str = "CĂN CƯỚC", text: str = "CĂN CƯỚC",
          number: str | None = None, fields: Mapping[str, str | None] | None = None,
          reasons: tuple[str, ...] = (), extra: Mapping[str, Any] | None = None,
          confidence: float = 0.95) -> tuple[DocumentRecord, bytes, bytes]:
    """A paper's record, its PDF and its page image; ``seed`` makes it unique. ``number``: the
    number it prints when it has no owner (one read but not taken); a paper with review
    ``reasons`` needs review."""
    image = page_image(seed)
    page = PageRecord(source=f"/scans/{seed}.pdf", index=0, sha256=sha256_hex(image),
                      side="front", rotation=0, skew=0.0, confidence=confidence)
    pdf = pdf_bytes(f"{title} {seed}")
    rec = DocumentRecord(
        doc_key=hashlib.sha256(page.sha256.encode()).hexdigest(), dossier_code=dossier,
        unit=unit, doc_type=doc_type, title=title, owner_id=owner,
        owner_kind="person" if owner else None, owner_name=None,
        fields=dict(fields) if fields is not None else {
            "id_number": owner or number, "issue_date": "2025-08-14",
            "expiry_date": "2040-08-14"},
        field_flags=(), text=text, pages=(page,), confidence=confidence,
        needs_review=bool(reasons), review_reasons=reasons, pdf_sha256=sha256_hex(pdf),
        pdf_size=len(pdf), extra=dict(extra or {}),
        signature=SignatureSummary("B-B", "THỬ NGHIỆM", datetime(2025, 8, 14, tzinfo=UTC)),
        issue_date=date(2025, 8, 14), valid_until=date(2040, 8, 14), retention="permanent",
        ingested_at=datetime(2026, 12, 7, tzinfo=UTC))
    return rec, pdf, image


def store_paper(archive: Archive, seed: str, dossier: str, **how: Any) -> str:
    """Store :func:`paper` (its keywords); return the new document's id."""
    rec, pdf, image = paper(seed, dossier, **how)
    doc_id, created = archive.store_document(rec, pdf, [image])
    assert created
    return doc_id


def open_for(archive: Archive, settings: Settings, code: str, *, procedure: str, owner: str,
             unit: str, received: datetime) -> None:
    """Open dossier ``code`` as the one-stop system does, with the catalogue's components."""
    records.open_dossier(archive, dossierdesk.opening(
        settings, code, procedure=procedure, owner=owner, unit=unit, received=received),
        by="Trần Thị Bình")
