"""Checkpoints of the audit and access logs, kept outside the catalog.

A hash chain proves order, not completeness: whoever can write the catalog can cut the tail
off a log (and step the head back) or rewrite an entry and rehash everything after it, and
``audit verify`` alone would still pass. A checkpoint anchors the chains' last seq and hash at
one moment in a small PDF signed with the agency's key (and RFC 3161-timestamped when a TSA is
configured: the signer's PAdES level), kept where the catalog's writer does not reach:

* beside the blobs (``anchors/`` in the blob store: ``sohoa audit checkpoint``, from cron,
  and every disposal execution and export),
* inside every export bag (``data/audit-checkpoint.pdf``),
* and named in every destruction record (its text states both heads).

``audit verify`` then checks that every checkpoint is validly signed and that each log still
holds the anchored entry with the anchored hash; it reads the heads of every destruction record
the catalog's executed lists point at (and of any record given with ``--checkpoint``, a copy
handed over) the same way, so a record still anchors the logs when the checkpoints beside the
blobs are gone. What stays possible: entries appended after
the newest checkpoint can be cut or rewritten undetected, and someone who can delete files
beside the blobs can remove checkpoints there (not the copies in bags handed over).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pikepdf

from sohoa.archive import Archive, disposal
from sohoa.errors import ConfigError, NotFoundError, VerificationError
from sohoa.pdf.textpdf import TextDocument
from sohoa.pipeline.services import make_signer, open_archive, trust_roots
from sohoa.pipeline.settings import Settings
from sohoa.signing import DocumentSigner, verify_pdf
from sohoa.signing.settings import vietnam_time
from sohoa.vntext import nfc

KIND = "sohoa-log-checkpoint"
BAG_FILE = "audit-checkpoint.pdf"
_LABEL = {"audit": "Nhật ký kiểm toán", "access": "Nhật ký truy cập"}


def heads_text(heads: dict[str, dict[str, Any]]) -> list[str]:
    """The heads in words, for a document that states them (checkpoint, destruction record)."""
    return [f"{_LABEL[k]}: mục số {v['seq']}, mã băm SHA-256 {v['hash']}"
            for k, v in heads.items()]


# A head as ``heads_text`` writes it, read back from a text layer with every space removed
# (the record's paragraph wraps wherever the page ends, even inside the hash).
_HEAD_BACK = re.compile(r"(" + "|".join(re.escape("".join(v.split())) for v in _LABEL.values())
                        + r"):mụcsố(\d+),mãbămSHA-256([0-9a-f]{64})")


def heads_in_text(text: str) -> dict[str, dict[str, Any]] | None:
    """The heads a document states in words (``heads_text``), or None if it states none."""
    by_label = {"".join(v.split()): k for k, v in _LABEL.items()}
    heads = {by_label[m[1]]: {"seq": int(m[2]), "hash": m[3]}
             for m in _HEAD_BACK.finditer("".join(nfc(text).split()))}
    return heads or None


def record_heads(pdf: bytes) -> dict[str, dict[str, Any]] | None:
    """The heads a destruction record states (its text layer, by poppler's ``pdftotext``)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise ConfigError("chưa cài pdftotext (gói poppler-utils): không đọc được điểm neo "
                          "ghi trong biên bản hủy")
    with tempfile.TemporaryDirectory(prefix="sohoa-heads-") as tmp:
        source = Path(tmp) / "record.pdf"
        source.write_bytes(pdf)
        done = subprocess.run([tool, "-enc", "UTF-8", str(source), "-"], capture_output=True,
                              timeout=120, check=False)
    if done.returncode != 0:
        return None
    return heads_in_text(done.stdout.decode("utf-8", "replace"))


def checkpoint_pdf(heads: dict[str, dict[str, Any]], *, agency: str, at: datetime,
                   reason: str) -> tuple[bytes, dict[str, Any]]:
    """The unsigned checkpoint (PDF/A) and its payload; the payload is also the PDF's
    subject, which the signature covers."""
    payload = {"kind": KIND, "version": 1, "at": at.isoformat(), "agency": agency,
               "reason": reason, "heads": heads}
    local = datetime.fromisoformat(vietnam_time(at))
    doc = TextDocument(size=10)
    doc.title("ĐIỂM NEO NHẬT KÝ", sub=f"{agency} — {local:%d/%m/%Y %H:%M:%S} (giờ Việt Nam)")
    doc.paragraph("Văn bản này ghi lại mục cuối cùng của các nhật ký tại thời điểm trên, ký số "
                  "bởi cơ quan, để phát hiện việc cắt bớt hoặc viết lại nhật ký về sau.")
    for line in heads_text(heads):
        doc.paragraph(line)
    doc.field("Lý do:", reason)
    subject = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    pdf = doc.pdf(title="Điểm neo nhật ký", author=agency, subject=subject,
                  keywords=[KIND], created=at)
    return pdf, payload


def make(archive: Archive, signer: DocumentSigner, *, agency: str, reason: str, by: str,
         at: datetime | None = None) -> tuple[bytes, dict[str, Any]]:
    """Sign a checkpoint of the logs as they are now and keep it beside the blobs; return the
    signed PDF (for a bag) and its payload. The audit event that records it comes after the
    anchored head, so it is covered by the next checkpoint."""
    at = at or datetime.now(UTC)
    heads = archive.log_heads()
    pdf, payload = checkpoint_pdf(heads, agency=agency, at=at, reason=reason)
    signed, _sig = signer.sign(pdf)
    name = (f"checkpoint-{at:%Y%m%dT%H%M%S%fZ}-a{heads['audit']['seq']}"
            f"-r{heads['access']['seq']}.pdf")
    archive.blobs.put_anchor(name, signed)
    archive.audit("log.checkpoint", actor=by, target=name, detail={
        "reason": reason, "heads": heads})
    return signed, payload


def checkpoint(settings: Settings, *, reason: str, by: str) -> dict[str, Any]:
    """``sohoa audit checkpoint``: one checkpoint now (a cron line keeps them frequent)."""
    signer = make_signer(settings, original=True)
    with open_archive(settings) as archive:
        _pdf, payload = make(archive, signer, agency=settings.agency, reason=reason, by=by)
    return payload


def read(pdf: bytes, roots: list[Path], where: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The payload of a checkpoint if it is validly signed and unchanged since, else the
    problems."""
    report = verify_pdf(pdf, trust_roots=roots)
    if not report.valid or any(s.modification != "none" for s in report.signatures):
        why = "; ".join([*report.problems, *(p for s in report.signatures for p in s.problems)])
        return None, [f"mốc {where} không mang chữ ký số hợp lệ của cơ quan"
                      + (f" ({why})" if why else "")]
    try:
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            payload = json.loads(str(doc.docinfo.get("/Subject", "")))
    except (pikepdf.PdfError, ValueError):
        payload = None
    if not isinstance(payload, dict) or payload.get("kind") != KIND:
        # A destruction record states the heads in its signed text instead.
        heads = record_heads(pdf)
        if heads is None:
            return None, [f"{where} không phải mốc nhật ký của sohoa"]
        return {"kind": "disposal-record", "at": None, "heads": heads}, []
    return payload, []


def verify(settings: Settings, extra: Iterable[Path] = ()) -> dict[str, Any]:
    """``sohoa audit verify``: both chains, then every checkpoint beside the blobs and in the
    given files or bags, against the logs."""
    with open_archive(settings) as archive:
        _ok, problems = archive.audit_verify()
        found: list[tuple[str, bytes]] = [
            (f"anchors/{name}", archive.blobs.get_anchor(name))
            for name in archive.blobs.anchors()]
        with archive.transaction(write=False) as conn:
            records = disposal.record_shas(conn)
        # Records of lists executed before they stated the heads anchor nothing: skipped. A
        # record gone from the store or changed in it is a finding, never the end of the check
        # (whoever can delete the checkpoints beside the blobs can delete a record too).
        for n, sha in records:
            where = f"trong biên bản hủy của danh sách {n}"
            try:
                pdf = archive.blobs.get(sha)
            except NotFoundError:
                problems.append(f"biên bản hủy của danh sách {n} không còn trong kho (tệp "
                                f"{sha} đã bị xóa): các mốc của nhật ký nó ghi không kiểm được")
                continue
            except VerificationError:
                problems.append(f"biên bản hủy của danh sách {n} đã bị thay đổi trong kho (tệp "
                                f"{sha} không còn đúng mã băm)")
                continue
            if record_heads(pdf) is not None:
                found.append((where, pdf))
        for path in extra:
            path = Path(path)
            file = path / "data" / BAG_FILE if path.is_dir() else path
            if not file.is_file():
                raise NotFoundError(f"{path} không chứa mốc nhật ký nào (trong gói lưu trữ, mốc "
                                    f"nằm ở data/{BAG_FILE})")
            found.append((str(path), file.read_bytes()))
        latest: dict[str, Any] | None = None
        roots = trust_roots(settings) if found else []
        for where, pdf in found:
            payload, bad = read(pdf, roots, where)
            problems += bad
            if payload is None:
                continue
            problems += archive.check_log_anchors(payload["heads"], where)
            if payload["at"] is not None and (latest is None or payload["at"] > latest["at"]):
                latest = payload
        heads = archive.log_heads()
    return {"valid": not problems, "problems": problems, "checkpoints": len(found),
            "latest_checkpoint": latest, "heads": heads,
            "unanchored": {k: heads[k]["seq"] - (latest["heads"][k]["seq"] if latest else 0)
                           for k in heads}}
