"""``sohoa export``: permanent records to the historical archive as a BagIt package, and
``sohoa export verify``.

Layout of the bag's payload::

    data/<dossier code>/dossier.json          the dossier (TT 02/2019-style labels + keys)
    data/<dossier code>/<document id>.pdf     the signed PDF/A as stored (checked on read)
    data/<dossier code>/<document id>.json    the document's metadata
    data/<dossier code>/<document id>.anh-goc-trang-<n>.<jpg|png|…>
                                              the phone photo page n was flattened from
    data/<dossier code>/<document id>.quet-lai-<n>.<jpg|png|tif|pdf>
                                              each kept image of the sheet scanned again since
                                              (a receipt brought back signed); neither is in
                                              any PDF, both are named in the metadata
    data/retention.json                       each paper's retention decisions: its schedule,
                                              the dossier's override, the events periods count
                                              from, every disposal list that named it
    data/legal-holds.json                     the holds, active or released, that keep them
    data/certification-register.json          the certification register's lines about them
                                              (a certified copy, or the original of one)
    data/audit-events.jsonl                   the audit events about them, with chain hashes
    data/audit-checkpoint.pdf                 the logs' heads, signed (``sohoa.pipeline.anchors``)

Interrupting an export and running the same command again completes it (files already written
with the right bytes are skipped; the manifests are written last). Every export is an audit
event, and an access-log entry per person the bag names (owner, co-owner, a hold's or a
retention event's person, a register line's citizen), written before the bag is finished.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sohoa import __version__
from sohoa.archive import bagit, export, exportrecords
from sohoa.archive.access import Read
from sohoa.archive.policy import Caller
from sohoa.clock import vietnam_today
from sohoa.doctypes import load_registry
from sohoa.errors import ConfigError, NotFoundError, VerificationError
from sohoa.pipeline import anchors
from sohoa.pipeline.progress import NoProgress, Progress
from sohoa.pipeline.services import make_signer, open_archive
from sohoa.pipeline.settings import Settings
from sohoa.scanners.inputs import sniff

if TYPE_CHECKING:
    from sohoa.archive import Archive

_HEAD = 1024  # the bytes sniff reads a file's type from

_UNSAFE = re.compile(r"[^\w.\-]+")


def write(settings: Settings, out: Path, *, dossier: str | None = None,
          doc_type: str | None = None, owner: str | None = None, permanent_only: bool = False,
          by: str, purpose: str,
          emit: Callable[[dict[str, Any]], None] = lambda _e: None,
          progress: Progress | None = None) -> dict[str, Any]:
    progress = progress or NoProgress()
    out = Path(out)
    if (out / "tagmanifest-sha256.txt").exists():
        raise ConfigError(f"{out} đã chứa một gói BagIt hoàn chỉnh; hãy xuất vào thư mục mới")
    if out.exists() and any(out.iterdir()) and not (
            (out / "data").is_dir() and (out / bagit.DECLARATION).is_file()):
        # only a bag an earlier export began is gone on with; a folder with a data/ of its own
        # would have its files carried in the payload (review17 N13)
        raise ConfigError(f"{out} không trống; hãy xuất vào thư mục mới hoặc trống")
    # Signs the bag's log checkpoint (an original: no copy stamp); a key problem stops us first.
    signer = make_signer(settings, original=True)
    # ...and a signer that cannot sign now (PKI or TSA unreachable) too: the checkpoint is
    # signed after every document is copied, and a bag without it is no transfer.
    from sohoa.pipeline.signerstatus import check_signer_ready

    check_signer_ready(settings, signer, desk=False)
    with open_archive(settings) as archive:
        ids = export.select_documents(archive, dossier=dossier, doc_type=doc_type, owner=owner,
                                      permanent_only=permanent_only)
        bag = bagit.BagWriter(out)
        progress.start(len(ids))
        by_dossier: dict[str, list[dict[str, Any]]] = {}
        dossiers: dict[str, dict[str, Any] | None] = {}
        owners: dict[str, list[str]] = {}
        images: dict[str, list[str]] = {}
        unowned: list[str] = []
        written = 0
        for doc_id in ids:
            doc = archive.get_document(doc_id)
            folder = _folder(doc["dossier_code"])
            pdf = archive.get_pdf(doc_id)  # re-hashed on read: a corrupt file is not exported
            written += bag.put(f"{folder}/{doc_id}.pdf", pdf)
            kept = _put_kept_images(archive, bag, folder, doc)
            if kept:
                images[doc_id] = list(kept.values())
            bag.put(f"{folder}/{doc_id}.json", _json(export.document_metadata(doc, kept)))
            by_dossier.setdefault(doc["dossier_code"], []).append(doc)
            dossiers[doc["dossier_code"]] = doc["dossier"]
            if doc["owner_id"]:
                owners.setdefault(doc["owner_id"], []).append(doc_id)
            else:
                unowned.append(doc_id)
            emit({"document_id": doc_id, "dossier_code": doc["dossier_code"],
                  "file": f"data/{folder}/{doc_id}.pdf"})
            progress.advance()
        for code, docs in by_dossier.items():
            bag.put(f"{_folder(code)}/dossier.json",
                    _json(export.dossier_metadata(archive, dossiers[code], code, docs,
                                                  images)))
        exported = [d for docs in by_dossier.values() for d in docs]
        records, named = _put_records(archive, bag, exported)
        # about the papers, their dossiers and everyone they belong to (a co-owner's hold and
        # recorded death travel in the records above: who placed or recorded them too)
        sharing = [p for p, what in named.items() if "documents" in what]
        events = export.audit_events(archive, [*ids, *by_dossier, *owners, *sharing])
        bag.put("audit-events.jsonl", "".join(
            json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in events
        ).encode("utf-8"))
        selection = {"dossier": dossier, "type": doc_type, "owner": owner,
                     "permanent_only": permanent_only}
        # A signed checkpoint of the logs travels with the bag: the receiving archive holds
        # an anchor the agency's catalog writer cannot rewrite (`audit verify --checkpoint`).
        checkpoint, _payload = anchors.make(archive, signer, agency=settings.agency,
                                            reason=f"export {out.resolve()}", by=by)
        bag.put(anchors.BAG_FILE, checkpoint)
        # The reads are logged before the bag is finished: if the access log cannot be
        # written, the files this run put in the bag are taken off the disk again (review17
        # N10; only those — a folder may hold files that are not the bag's, M9) and
        # what is left is an unfinished bag without them (`export verify` refuses it, running
        # the export again completes it) — never personal data nobody's log shows leaving.
        caller = Caller(user=by, role="archivist", unit=settings.unit or "", channel="cli")
        try:
            archive.log_access(caller, "export", purpose, _reads(
                {"export": str(out.resolve()), **selection}, named, unowned))
        except BaseException:
            bag.discard()
            raise
        totals = bag.finish({
            "Source-Organization": settings.agency,
            # The person who answers for the transfer: the archivist named with --by (or
            # SOHOA_USER), else the agency; a login name such as "root" tells the archive nothing.
            "Contact-Name": contact_name(settings, by),
            "External-Description": "Tài liệu số hóa chuyển giao lưu trữ lịch sử: "
                                    + ", ".join(f"{k}={v}" for k, v in selection.items() if v),
            "External-Identifier": ",".join(sorted(by_dossier)),
            "Bag-Software-Agent": f"sohoa {__version__}",
            "Payload-Documents": str(len(ids)),
        })
        archive.audit("export.written", actor=by, target=str(out.resolve()), detail={
            "selection": selection, "documents": ids, "dossiers": sorted(by_dossier),
            "purpose": purpose, **totals})
    return {"bag": str(out), "documents": len(ids), "dossiers": len(by_dossier),
            "audit_events": len(events), "pdfs_written": written, **records, **totals}


def _reads(request: dict[str, Any], named: dict[str, dict[str, list[Any]]],
           unowned: list[str]) -> list[Read]:
    """One entry per person the bag names (owner, co-owner, a hold's or a retention event's
    person, a register line's citizen) saying what names them, and one per document whose
    owner is not known yet: every read is findable by document, and by person once known."""
    return [Read(owner_id=o, result_count=sum(len(v) for v in what.values()),
                 request={**request, **what}) for o, what in sorted(named.items())] + [
        Read(owner_id=None, document_id=d, result_count=1, request=request)
        for d in unowned] or [Read(owner_id=None, result_count=0, request=request)]


def _put_records(archive: Archive, bag: bagit.BagWriter, docs: list[dict[str, Any]]
                 ) -> tuple[dict[str, int], dict[str, dict[str, list[Any]]]]:
    """Write the archivists' records about the exported papers (``exportrecords``): their
    retention decisions, their legal holds, the certification register's lines; return how
    many of each the bag holds, and every person the bag names with what names them."""
    kept = exportrecords.retention_records(archive, docs, registry=load_registry(),
                                           as_of=vietnam_today())
    holds = exportrecords.hold_records(archive, docs)
    register = exportrecords.certification_records(archive, [d["document_id"] for d in docs])
    bag.put(exportrecords.RETENTION_FILE, _json(kept))
    bag.put(exportrecords.HOLDS_FILE, _json(holds))
    bag.put(exportrecords.CERTIFICATIONS_FILE, _json(register))
    return {"disposal_listings": sum(len(d["disposal"]) for d in kept["documents"]),
            "retention_events": len(kept["events"]), "holds": len(holds["holds"]),
            "certifications": len(register["entries"])}, \
        exportrecords.persons_named(docs, kept, holds, register)


_EXTENSIONS = {"jpeg": "jpg", "png": "png", "tiff": "tif", "pdf": "pdf"}


def _put_kept_images(archive: Archive, bag: bagit.BagWriter, folder: str,
                     doc: dict[str, Any]) -> dict[str, str]:
    """Write beside the document's PDF each image the catalogue keeps with it that no PDF holds
    (``export.kept_images``: the phone photo a page was flattened from, the sheet scanned again
    since with new ink on it); return the bag's file name by SHA-256. Each is re-hashed on
    read: an image that no longer matches its hash stops the export, as a PDF does."""
    files: dict[str, str] = {}
    for sha, stem in export.kept_images(doc):
        data = archive.blobs.get(sha)
        name = f"{stem}.{_EXTENSIONS.get(sniff(data[:_HEAD]) or '', 'bin')}"
        bag.put(f"{folder}/{name}", data)
        files[sha] = name
    return files


def contact_name(settings: Settings, by: str) -> str:
    """bag-info's Contact-Name: a named person, or the agency when ``by`` is only the OS login."""
    from sohoa.pipeline.lookup import os_user

    named = (by or "").strip()
    if not named or (named == os_user() and not os.environ.get("SOHOA_USER")):
        return settings.agency
    return named


def verify(path: Path) -> dict[str, Any]:
    if not Path(path).is_dir():
        # Nothing there is not a damaged bag: "not found" (exit 5), not "not valid" (exit 4).
        raise NotFoundError(f"không có thư mục {path}: hãy kiểm tra đường dẫn tới gói BagIt")
    problems = bagit.validate(Path(path))
    info = bagit.bag_info(Path(path)) if not problems else {}
    return {"bag": str(path), "valid": not problems, "problems": problems,
            "payload_oxum": info.get("Payload-Oxum")}


def require_valid(report: dict[str, Any]) -> None:
    if not report["valid"]:
        raise VerificationError(f"{report['bag']} không phải gói BagIt hợp lệ: "
                                + "; ".join(report["problems"][:5]))


def _folder(dossier_code: str) -> str:
    return _UNSAFE.sub("_", dossier_code).strip("._") or "dossier"


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
