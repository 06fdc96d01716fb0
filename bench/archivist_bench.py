"""Archivist jobs (issue 9): fixity throughput beside sha256sum and pdfsig, and the disposal of
10,000 documents end to end with the signed destruction record written.

    .venv/bin/python bench/archivist_bench.py [--fixity-docs 200] [--dispose 10000]

Fixity: N documents with really signed PDFs (dev identity) of ~300 KB and a ~200 KB page image
each, stored through ``Archive.store_document``. Timed on a warm page cache, in one run:
``sohoa fixity`` hash-only and with signature verification, ``sha256sum`` over the same blob
files, and ``pdfsig`` (poppler) over the same PDFs, one process per file as a script would.

Disposal: M catalog documents (real blob files, one PDF and one page image each, written
straight into the blob directory and bulk-inserted into the catalog: setup, not measured), then
propose → approve → execute (tombstones, outbox, audit events, blob removal, index sync, the
PDF/A record built and PAdES-signed, kept) are timed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pikepdf

from sohoa.archive import FileBlobStore, disposal
from sohoa.archive.models import Document, Dossier, Owner, PageRow
from sohoa.doctypes import load_registry
from sohoa.pipeline.disposaljob import execute_in
from sohoa.pipeline.fixityjob import check_in
from sohoa.pipeline.home import init_home
from sohoa.pipeline.services import make_signer, open_archive, trust_roots
from sohoa.pipeline.settings import load_settings
from sohoa.records import DocumentRecord, PageRecord, sha256_hex


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def padded_pdf(title: str, payload: bytes) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = title
    pdf.Root.SohoaPadding = pikepdf.Stream(pdf, payload)  # stands in for the scan's bytes
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True)
    return buf.getvalue()


def load_fixity_set(settings: Any, n: int) -> None:
    rng = random.Random(9)
    signer = make_signer(settings)
    with open_archive(settings) as archive:
        for i in range(n):
            image = rng.randbytes(200_000)
            pdf, sig = signer.sign(padded_pdf(f"CĂN CƯỚC {i}", rng.randbytes(300_000)))
            page = PageRecord(source=f"/scans/{i}.tif", index=0, sha256=sha256_hex(image),
                              side="front", rotation=0, skew=0.0, confidence=0.9)
            archive.store_document(DocumentRecord(
                doc_key=hashlib.sha256(page.sha256.encode()).hexdigest(),
                dossier_code=f"HS-F-{i:05d}", unit="UBND phường Tân Phong",
                doc_type="birth_certificate", title="GIẤY KHAI SINH", owner_id=None,
                owner_kind=None, owner_name=None, fields={}, field_flags=(), text="",
                pages=(page,), confidence=0.9, needs_review=False, review_reasons=(),
                pdf_sha256=sha256_hex(pdf), pdf_size=len(pdf), signature=sig,
                retention="permanent"), pdf, [image])


def bench_fixity(settings: Any, n: int) -> dict[str, Any]:
    home = settings.home
    log(f"fixity: storing {n} signed documents")
    load_fixity_set(settings, n)
    blob_dir = home / "blobs"
    files = sorted(str(p) for p in blob_dir.rglob("*") if p.is_file()
                   and not p.name.startswith("."))
    total_bytes = sum(os.path.getsize(f) for f in files)
    with open_archive(settings) as archive:
        pdfs = [str(FileBlobStore(blob_dir).path(archive.get_document(d)["pdf"]["sha256"]))
                for d in _ids(archive)]
    roots = trust_roots(settings)
    subprocess.run(["cat", *files], stdout=subprocess.DEVNULL, check=True)  # warm the cache

    def ours(signatures: bool) -> tuple[float, dict[str, Any]]:
        with open_archive(settings) as archive:
            started = time.perf_counter()
            result = check_in(archive, roots, sample=None, signatures=signatures, by="bench",
                              restart=True)
            return time.perf_counter() - started, result

    log("fixity: sohoa hash-only")
    hash_s, hashed = ours(False)
    log("fixity: sha256sum")
    started = time.perf_counter()
    subprocess.run(["sha256sum", *files], stdout=subprocess.DEVNULL, check=True)
    sha_s = time.perf_counter() - started
    log("fixity: sohoa with signatures")
    sig_s, signed = ours(True)
    log("fixity: pdfsig")
    started = time.perf_counter()
    for pdf in pdfs:
        subprocess.run(["pdfsig", pdf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
    pdfsig_s = time.perf_counter() - started
    pdf_bytes = sum(os.path.getsize(p) for p in pdfs)
    assert hashed["mismatches"] == 0 and signed["mismatches"] == 0, (hashed, signed)
    return {"documents": n, "files": len(files), "mb": total_bytes / 1e6,
            "hash_s": hash_s, "sha256sum_s": sha_s, "sig_s": sig_s, "pdfsig_s": pdfsig_s,
            "pdf_mb": pdf_bytes / 1e6}


def _ids(archive: Any) -> list[str]:
    from sqlalchemy import select

    with archive.transaction(write=False) as conn:
        return list(conn.execute(select(Document.id).order_by(Document.id)).scalars())


def bulk_documents(settings: Any, m: int) -> None:
    """M expired ID-card copies with real blob files, bulk-inserted (setup only)."""
    rng = random.Random(5)
    blobs = FileBlobStore(settings.home / "blobs")
    now = datetime.now(UTC)
    owners, dossiers, docs, pages = [], [], [], []
    for i in range(m):
        owner = f"0752{i:08d}"
        dossier = f"HS-D-{i // 4:06d}"
        pdf = padded_pdf(f"CĂN CƯỚC {i}", rng.randbytes(3_000))
        image = rng.randbytes(2_000)
        for data in (pdf, image):
            path = blobs.path(sha256_hex(data))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        doc_id = f"d{i:015d}"
        if i % 4 == 0:
            dossiers.append({"code": dossier, "receiving_unit": "UBND phường Tân Phong",
                             "created_at": now})
        owners.append({"id": owner, "kind": "person", "name": f"Nguyễn Văn Bình {i}",
                       "created_at": now, "updated_at": now})
        docs.append({
            "id": doc_id, "doc_key": hashlib.sha256(doc_id.encode()).hexdigest(),
            "dossier_code": dossier, "owner_id": owner, "unit": "UBND phường Tân Phong",
            "doc_type": "citizen_id_card", "title": "CĂN CƯỚC CÔNG DÂN",
            "document_number": None, "issuing_body": "Cục Cảnh sát QLHC về TTXH",
            "issue_date": date(2010 + i % 4, 1 + i % 12, 1 + i % 28),
            "valid_until": None, "status": "stored", "page_count": 1,
            "pdf_sha256": sha256_hex(pdf), "pdf_size": len(pdf), "fields": {},
            "field_flags": [], "confidence": 0.9, "needs_review": False,
            "review_reasons": [], "signature_level": None, "signer": None,
            "signed_at": None, "signer_cert_sha256": None, "retention": "years:10",
            "text": f"Căn cước công dân số {owner}", "extra": {}, "ingested_at": now,
            "created_at": now, "arc_retention": "10 năm"})
        pages.append({"document_id": doc_id, "position": 0, "source": f"/scans/{i}.tif",
                      "source_index": 0, "sha256": sha256_hex(image), "side": "front",
                      "rotation": 0, "skew": 0.0, "confidence": 0.9,
                      "blob_sha256": sha256_hex(image)})
    with open_archive(settings) as archive:
        with archive.transaction(write=True) as conn:
            for table, rows in ((Owner, owners), (Dossier, dossiers), (Document, docs),
                                (PageRow, pages)):
                for start in range(0, len(rows), 1000):
                    conn.execute(table.__table__.insert(), rows[start:start + 1000])
        archive.rebuild_index()


def bench_disposal(settings: Any, m: int) -> dict[str, Any]:
    log(f"disposal: loading {m:,} documents")
    bulk_documents(settings, m)
    signer = make_signer(settings)
    with open_archive(settings) as archive:
        started = time.perf_counter()
        lst = disposal.propose(archive, registry=load_registry(), as_of=date(2026, 6, 1),
                               note="hết thời hạn bảo quản", by="bench",
                               doc_type="citizen_id_card")
        propose_s = time.perf_counter() - started
        assert lst is not None and lst["documents"] == m, lst
        disposal.approve(archive, lst["list"], decision="Quyết định số 1/QĐ-UBND",
                         by="bench-head")  # four eyes: not the proposer
        log("disposal: executing")
        started = time.perf_counter()
        result = execute_in(archive, lst["list"], by="bench", signer=signer,
                            agency=settings.agency)
        execute_s = time.perf_counter() - started
        record = disposal.record_pdf(archive, lst["list"])
    with pikepdf.open(io.BytesIO(record)) as pdf:
        record_pages = len(pdf.pages)
    summary = result["summary"]
    assert summary["disposed"] == m, summary
    return {"documents": m, "propose_s": propose_s, "execute_s": execute_s,
            "blobs_removed": summary["blobs_removed"], "record_bytes": len(record),
            "record_pages": record_pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fixity-docs", type=int, default=200)
    parser.add_argument("--dispose", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sohoa-archivist-bench"))
    args = parser.parse_args()
    command = "bench/archivist_bench.py " + " ".join(sys.argv[1:])
    shutil.rmtree(args.work, ignore_errors=True)
    fix_home, dis_home = args.work / "fixity", args.work / "disposal"
    for home in (fix_home, dis_home):
        init_home(home)
    f = bench_fixity(load_settings(home=fix_home, environ={}), args.fixity_docs)
    d = bench_disposal(load_settings(home=dis_home, environ={}), args.dispose)
    load = os.getloadavg()[0]
    rows = [
        ("fixity, hash only (sohoa)", f"{f['mb'] / f['hash_s']:.0f} MB/s",
         f"{f['documents'] / f['hash_s']:.0f} docs/s"),
        ("sha256sum, same files", f"{f['mb'] / f['sha256sum_s']:.0f} MB/s",
         f"ratio sohoa/sha256sum {f['sha256sum_s'] / f['hash_s']:.2f}"),
        ("fixity, hash + signatures (sohoa)", f"{f['mb'] / f['sig_s']:.0f} MB/s",
         f"{f['documents'] / f['sig_s']:.1f} docs/s"),
        ("pdfsig, same PDFs (1 process/file)", f"{f['pdf_mb'] / f['pdfsig_s']:.0f} MB/s",
         f"{f['documents'] / f['pdfsig_s']:.1f} docs/s; ratio sohoa/pdfsig "
         f"{f['pdfsig_s'] / f['sig_s']:.2f}"),
        (f"disposal propose ({d['documents']:,} docs)", f"{d['propose_s']:.1f} s",
         f"{d['documents'] / d['propose_s']:.0f} docs/s"),
        (f"disposal execute ({d['documents']:,} docs, record signed)",
         f"{d['execute_s']:.1f} s", f"{d['documents'] / d['execute_s']:.0f} docs/s; "
         f"{d['blobs_removed']:,} blobs removed; record {d['record_pages']} pages, "
         f"{d['record_bytes'] / 1e6:.1f} MB"),
    ]
    print(f"command: .venv/bin/python {command}")
    print(f"fixity set: {f['documents']} documents, {f['files']} blob files, {f['mb']:.0f} MB "
          f"(PDFs {f['pdf_mb']:.0f} MB); cores: {os.cpu_count()}; 1-min load average at "
          f"the end: {load:.2f}")
    print("| measure | throughput | notes |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
