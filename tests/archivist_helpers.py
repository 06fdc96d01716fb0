"""A real archive home (dev signing identity from `sohoa init`) with documents whose PDFs are
really signed, for the archivist tests. No OCR: the records are built directly, the way the
pipeline hands them to the archive."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import testtools
from sample_files import page_image, pdf_bytes

from sohoa.archive import Archive
from sohoa.pipeline.home import init_home
from sohoa.pipeline.services import make_signer, open_archive
from sohoa.pipeline.settings import Settings, load_settings
from sohoa.records import DocumentRecord, PageRecord, sha256_hex
from sohoa.signing import DocumentSigner


def make_home(root: Path) -> Settings:
    init_home(root, unit="UBND phường Tân Phong")
    return load_settings(home=root, environ={})


def store(archive: Archive, signer: DocumentSigner | None, seed: str, *,
          doc_type: str = "citizen_id_card", title: str = "CĂN CƯỚC CÔNG DÂN",
          owner_id: str | None = "075203001234", owner_name: str = "Nguyễn Thị Ánh Tuyết",
          dossier: str = "HS-075-2015-0001", unit: str = "UBND phường Tân Phong",
          issue_date: date | None = date(2012, 3, 1), retention: str = "years:10",
          images: list[bytes] | None = None, ingested_at: datetime | None = None,
          needs_review: bool = False, co_owners: tuple[tuple[str, str], ...] = (),
          originals: list[bytes] | None = None) -> str:
    """Store one document (signed unless ``signer`` is None); return its id. It entered the
    archive the day it was issued (08:00 UTC), or on 05/01/2016 when undated, unless
    ``ingested_at`` says otherwise — a period never starts before that day."""
    if ingested_at is None:
        ingested_at = (datetime(issue_date.year, issue_date.month, issue_date.day, 8, 0,
                                tzinfo=UTC) if issue_date else datetime(2016, 1, 5, 8, 0,
                                                                        tzinfo=UTC))
    images = images if images is not None else [page_image(f"{seed}-0")]
    # ``originals``: the input each page was flattened from (a phone photo), kept beside it
    kept = [archive.blobs.put(o) for o in originals or ()]
    pages = tuple(PageRecord(source=f"/scans/{seed}.tif", index=i, sha256=sha256_hex(img),
                             side="front", rotation=0, skew=0.0, confidence=0.9,
                             original_sha256=kept[i] if i < len(kept) else "")
                  for i, img in enumerate(images))
    doc_key = hashlib.sha256("".join(p.sha256 for p in pages).encode()).hexdigest()
    pdf = pdf_bytes(f"{title} {seed}")
    signature = None
    if signer is not None:
        pdf, signature = signer.sign(pdf)
    rec = DocumentRecord(
        doc_key=doc_key, dossier_code=dossier, unit=unit, doc_type=doc_type, title=title,
        owner_id=owner_id, owner_kind="person" if owner_id else None, owner_name=owner_name,
        fields={"full_name": owner_name, "id_number": owner_id}, field_flags=(),
        text=f"{title}. Họ và tên: {owner_name}. Nơi cư trú: phường Tân Phong, Biên Hòa.",
        pages=pages, confidence=0.9, needs_review=needs_review,
        review_reasons=("Họ và tên: chưa chắc chắn",) if needs_review else (),
        pdf_sha256=sha256_hex(pdf), pdf_size=len(pdf), signature=signature,
        issue_date=issue_date, retention=retention,
        ingested_at=ingested_at, co_owners=co_owners)
    doc_id, created = archive.store_document(rec, pdf, images)
    assert created
    return doc_id


def signer_for(settings: Settings) -> DocumentSigner:
    return make_signer(settings)


def opened(settings: Settings) -> Archive:
    return open_archive(settings)


def run_sohoa(home: Path, *args: str, env: dict[str, str] | None = None,
              timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """testtools' runner, as the archivist (the audit log names who ran each command)."""
    return testtools.run_sohoa(home, *args, env={"SOHOA_USER": "Lê Thu Hà", **(env or {})},
                               timeout=timeout)


def pdftotext(pdf: bytes, tmp: Path) -> str:
    path = tmp / "record.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout


def flip_bit(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset % len(data)] ^= 0x01
    path.write_bytes(bytes(data))
