"""Builders of real inputs for the archive tests: DocumentRecords with Vietnamese text, real
one-page PDFs (pikepdf) and real PNG page images (Pillow)."""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from sohoa.archive import Archive
from sohoa.records import DocumentRecord, PageRecord, SignatureSummary, sha256_hex

# Child processes import this file by path; the shared sample files live one level up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sample_files import page_image, pdf_bytes


def open_archive(root: Path) -> Archive:
    return Archive.open(f"sqlite:///{root}/catalog.db", f"file://{root}/blobs",
                        f"tantivy://{root}/index")


def make_record(seed: str, *, title: str = "GIẤY KHAI SINH", doc_type: str = "birth_certificate",
                text: str = "Giấy khai sinh của Nguyễn Văn An, sinh tại Đồng Nai.",
                owner_id: str | None = "075203001234", owner_name: str | None = "Nguyễn Văn An",
                dossier_code: str = "HS-075-2024-0001", unit: str | None = "UBND phường Tân Phong",
                issue_date: date | None = date(2024, 3, 1), valid_until: date | None = None,
                fields: dict[str, str | None] | None = None, retention: str | None = "permanent",
                needs_review: bool = False, pages: int = 1,
                signed: bool = True) -> tuple[DocumentRecord, bytes, list[bytes]]:
    """A record, its PDF and page images; ``seed`` makes the doc_key (and so the id) unique."""
    images = [page_image(f"{seed}-{i}") for i in range(pages)]
    page_records = tuple(
        PageRecord(source=f"/scans/{seed}.tif", index=i, sha256=sha256_hex(img), side="front",
                   rotation=0, skew=0.4, confidence=0.91)
        for i, img in enumerate(images))
    doc_key = hashlib.sha256("".join(p.sha256 for p in page_records).encode()).hexdigest()
    pdf = pdf_bytes(f"{title} {seed}")
    rec = DocumentRecord(
        doc_key=doc_key, dossier_code=dossier_code, unit=unit, doc_type=doc_type, title=title,
        owner_id=owner_id, owner_kind="person" if owner_id else None, owner_name=owner_name,
        fields=fields if fields is not None else {"full_name": owner_name},
        field_flags=(), text=text, pages=page_records, confidence=0.9,
        needs_review=needs_review, review_reasons=("low confidence",) if needs_review else (),
        pdf_sha256=sha256_hex(pdf), pdf_size=len(pdf),
        signature=SignatureSummary(level="B-LT", signer="UBND phường Tân Phong",
                                   signed_at=datetime(2024, 3, 1, 9, 30, tzinfo=UTC))
        if signed else None,
        issue_date=issue_date, valid_until=valid_until, retention=retention,
        ingested_at=datetime(2024, 3, 2, 8, 0, tzinfo=UTC),
    )
    return rec, pdf, images
