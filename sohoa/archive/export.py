"""What an export to the historical archive holds: the selected documents, their metadata and
their dossiers' in the TT 02/2019 sense (Vietnamese labels beside the machine keys), and the
audit events about them with their chain hashes. Writing the bag is ``sohoa.archive.bagit``'s;
running the export is ``sohoa.pipeline.exportjob``'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from sohoa.archive.archival import LABELS, ORIGINAL_ELECTRONIC
from sohoa.archive.archivist_models import RetentionOverride
from sohoa.archive.audit import AUDIT
from sohoa.archive.documents import IS_STORED
from sohoa.archive.models import Document, DocumentCoOwner, Dossier, Owner
from sohoa.errors import ConfigError, NotFoundError
from sohoa.vntext import nfc
from sohoa.vocabulary import DIGITIZED_COPY, ORIGINAL, PAPER_FORM_NAMES, sentence_start

if TYPE_CHECKING:
    from sohoa.archive import Archive

_CHUNK = 500
# Catalog keys → the circular's labels for the dossier (Phụ lục, hồ sơ).
DOSSIER_LABELS = {
    "code": "Mã hồ sơ",
    "procedure_code": "Mã thủ tục hành chính",
    "receiving_unit": "Đơn vị tiếp nhận",
    "competent_unit": "Cơ quan có thẩm quyền giải quyết",
    "received_date": "Ngày tiếp nhận",
}


def select_documents(archive: Archive, *, dossier: str | None = None,
                     doc_type: str | None = None, owner: str | None = None,
                     permanent_only: bool = False) -> list[str]:
    """Ids of the stored documents matching every filter given, by dossier then id."""
    if not (dossier or doc_type or owner):
        raise ConfigError("hãy chọn giấy tờ cần xuất: --dossier MÃ_HỒ_SƠ, --type LOẠI hoặc "
                          "--owner SỐ_ĐỊNH_DANH")
    stmt = select(Document.id).where(IS_STORED).order_by(Document.dossier_code, Document.id)
    for column, value in ((Document.dossier_code, dossier), (Document.doc_type, doc_type)):
        if value:
            stmt = stmt.where(column == nfc(value.strip()))
    if owner:
        # the owner's papers and those shared with them (a spouse's marriage certificate)
        who = nfc(owner.strip())
        stmt = stmt.where(or_(Document.owner_id == who, Document.id.in_(
            select(DocumentCoOwner.document_id).where(DocumentCoOwner.owner_id == who))))
    if permanent_only:
        stmt = stmt.where(Document.arc_retention == "Vĩnh viễn")
    with archive.transaction(write=False) as conn:
        ids = list(conn.execute(stmt).scalars())
    if not ids:
        raise NotFoundError("không có giấy tờ nào trong kho khớp điều kiện; hãy kiểm tra mã hồ "
                            "sơ, loại giấy tờ hoặc số định danh (giấy tờ đã hủy không được xuất)")
    return ids


def _keywords(doc: dict[str, Any], archival: dict[str, Any]) -> list[str]:
    """Từ khóa: what an archivist searches a paper by (type, number, owner, dossier)."""
    owner = doc.get("owner") or {}
    words = [archival.get("ten_loai_van_ban"), doc.get("document_number"), owner.get("name"),
             owner.get("id"), doc.get("dossier_code")]
    return [w for i, w in enumerate(words) if w and w not in words[:i]]


def _notes(doc: dict[str, Any]) -> str | None:
    """Ghi chú: what a reader of the record should know that no other field says."""
    extra = doc.get("extra") or {}
    if extra.get("born_digital") and extra.get("result_of"):
        # the competent body's own signed file (sohoa result add): nothing was digitized, and
        # the signature is the issuer's, not a copier's
        return "; ".join([f"{sentence_start(PAPER_FORM_NAMES[ORIGINAL])} (kết quả giải quyết "
                          "thủ tục hành chính do cơ quan có thẩm quyền ký số)",
                          *(["chưa được kiểm tra xong"] if doc.get("needs_review") else [])])
    notes = [sentence_start(PAPER_FORM_NAMES[DIGITIZED_COPY])]
    kind = (doc.get("signature") or {}).get("kind")
    if kind == "officer":
        notes.append("ký số bởi người thực hiện số hóa (TT 01/2023/TT-VPCP Điều 8)")
    elif kind == "agency":
        notes.append("ký số bởi cơ quan sao (NĐ 30/2020/NĐ-CP)")
    for item in (doc.get("extra") or {}).get("scan_colour") or ():
        notes.append(f"trang {item.get('page')}: {item.get('problem')}")
    if doc.get("needs_review"):
        notes.append("chưa được kiểm tra xong")
    return "; ".join(notes)


def kept_images(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(blob SHA-256, the bag's file name without its extension) of each image the catalogue
    keeps with the document that no PDF holds, once each: the phone photo a page was flattened
    from (the master beside the archival copy, migration 0016), then each image of the sheet
    scanned again since (``page_rescans``: a receipt brought back signed, migration 0025)."""
    doc_id = doc["document_id"]
    named: dict[str, str] = {}
    for page in doc.get("pages") or []:
        if sha := page.get("original_sha256"):
            named.setdefault(sha, f"{doc_id}.anh-goc-trang-{int(page['position']) + 1}")
    for rescan in doc.get("rescans") or []:
        named.setdefault(rescan["blob_sha256"], f"{doc_id}.quet-lai-{int(rescan['version'])}")
    return list(named.items())


def document_metadata(doc: dict[str, Any],
                      files: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One document's metadata file: the archival fields with their Vietnamese labels, and
    the catalog's identification, provenance and signature (the OCR text is in the PDF).
    ``files`` names, by SHA-256, the bag's copy of each image of :func:`kept_images`: they
    are in no PDF, so the bag carries them beside it and says which is which."""
    files = files or {}
    rescans = [{**{k: r.get(k) for k in ("version", "source", "index", "job", "at")},
                "sha256": r["blob_sha256"], "file": files.get(r["blob_sha256"])}
               for r in doc.get("rescans") or []]
    pages = [{**p, **({"original_file": files.get(p["original_sha256"])}
                      if p.get("original_sha256") else {})} for p in doc.get("pages") or []]
    originals = [f"trang {int(p['position']) + 1}: {p['original_file']} (ảnh chụp gốc mà "
                 "trang trong PDF được làm phẳng từ đó)" for p in pages if p.get("original_file")]
    archival = dict(doc.get("archival") or {})
    extra = doc.get("extra") or {}
    if extra.get("born_digital") and extra.get("result_of"):
        # stored before results were told apart: the issuer's signed file is no digitized copy
        archival["muc_do_tin_cay"] = ORIGINAL_ELECTRONIC
    owner = doc.get("owner") or {}
    return {
        "tai_lieu": {
            **{LABELS[k]: archival.get(k) for k in LABELS},
            # TT 01/2023 Điều 9-10 and TT 02/2019's other input fields.
            "Mã số hóa": doc.get("digitization_code"),
            "Mã loại giấy tờ": doc.get("doc_type"),
            "Số định danh chủ hồ sơ": owner.get("id"),
            "Tên chủ hồ sơ": owner.get("name"),
            "Số và ký hiệu": doc.get("document_number"),
            "Thời hạn hiệu lực": doc.get("valid_until"),
            # Ký hiệu thông tin: the paper's place in the agency's classification, here the
            # type code of the document-type registry sohoa files it under.
            "Ký hiệu thông tin": doc.get("doc_type"),
            "Từ khóa": _keywords(doc, archival),
            "Ghi chú": _notes(doc),
            **({"Ảnh gốc": originals} if originals else {}),
            **({"Ảnh quét lại": [
                f"lần {r['version']}: {r['file']} (tệp {r['source']}, trang "
                f"{int(r['index'] or 0) + 1}; không có trong PDF)" for r in rescans]}
               if rescans else {}),
        },
        "digitization_code": doc.get("digitization_code"),
        "archival": archival,
        "document_id": doc["document_id"],
        "doc_key": doc["doc_key"],
        "doc_type": doc["doc_type"],
        "title": doc["title"],
        "document_number": doc["document_number"],
        "issuing_body": doc["issuing_body"],
        "issue_date": doc["issue_date"],
        "valid_until": doc["valid_until"],
        "owner": doc["owner"],
        "dossier_code": doc["dossier_code"],
        "unit": doc["unit"],
        "fields": doc["fields"],
        "retention": doc["retention"],
        "pdf": {**doc["pdf"], "file": f"{doc['document_id']}.pdf"},
        "signature": doc["signature"],
        "pages": pages,
        "rescans": rescans,
        "ingested_at": doc["ingested_at"],
    }


def dossier_metadata(archive: Archive, dossier: dict[str, Any] | None, code: str,
                     documents: list[dict[str, Any]],
                     images: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    """The dossier's file; ``images`` lists, by document id, the bag's copies of the images
    kept with each paper beside its PDF (:func:`kept_images`)."""
    with archive.transaction(write=False) as conn:
        override = conn.execute(select(RetentionOverride).where(
            RetentionOverride.dossier_code == code)).mappings().first()
    values = dossier or {"code": code}
    dates = sorted(d["issue_date"] for d in documents if d.get("issue_date"))
    retentions = [(d.get("archival") or {}).get("thoi_han_bao_quan") for d in documents]
    applicants = _applicants(archive, code)
    derived = {
        # Tiêu đề hồ sơ: the procedure and whose dossier it is (the applicant the one-stop
        # system opened it for, with the persons its shared papers name), else the code.
        "Tiêu đề hồ sơ": _dossier_title(values, applicants),
        "Chủ hồ sơ": [{"Số định danh": i, "Họ và tên": n} for i, n in applicants],
        "Thời hạn bảo quản": _longest(retentions),
        "Thời gian bắt đầu": dates[0] if dates else None,
        "Thời gian kết thúc": dates[-1] if dates else None,
        "Số lượng tờ": sum(_sheets(d) for d in documents),
        "Số lượng trang": sum(_page_count(d) for d in documents),
        "Số lượng văn bản": len(documents),
    }
    return {
        "ho_so": {**{label: values.get(key) for key, label in DOSSIER_LABELS.items()},
                  **derived},
        "dossier": values,
        "retention_override": {
            "years": override["years"], "permanent": override["years"] is None,
            "counted_from": override["counted_from"], "reason": override["reason"],
        } if override else None,
        "documents": [{"document_id": d["document_id"], "doc_type": d["doc_type"],
                       "title": d["title"], "metadata": f"{d['document_id']}.json",
                       "pdf": f"{d['document_id']}.pdf",
                       **({"images": (images or {})[d["document_id"]]}
                          if (images or {}).get(d["document_id"]) else {})}
                      for d in documents],
    }


def _page_count(doc: dict[str, Any]) -> int:
    """A document's pages: its page records, or the count the catalog keeps when it has none
    (a born-digital file stored before its pages were recorded)."""
    return max(len(doc.get("pages") or ()), int(doc.get("page_count") or 0))


def _sheets(doc: dict[str, Any]) -> int:
    """A sheet is a front with or without its back; a back is never a sheet of its own."""
    pages = doc.get("pages") or ()
    if not pages:
        return _page_count(doc)
    return sum(1 for p in pages if p.get("side") != "back")


def _applicants(archive: Archive, code: str) -> list[tuple[str, str | None]]:
    """Whose dossier ``code`` is, (number, name) each: the applicant the dossier was opened
    for, then every other person a shared paper of theirs in it names (both spouses of a
    marriage registration). Never a person of another paper filed in it: a wrong sheet, a
    relative's card, belongs to the dossier, not the dossier to them."""
    with archive.transaction(write=False) as conn:
        owner = conn.execute(select(Dossier.owner_id).where(Dossier.code == code)
                             ).scalar_one_or_none()
        if not owner:
            # A dossier known only from its scans: its person when all its owned papers are
            # one person's, else nobody (no paper's person is picked over another's).
            owners = set(conn.execute(select(Document.owner_id).where(
                Document.dossier_code == code, Document.owner_id.is_not(None), IS_STORED)
            ).scalars())
            owner = owners.pop() if len(owners) == 1 else None
        if not owner:
            return []
        others = conn.execute(
            select(DocumentCoOwner.owner_id).join(Document,
                                                  Document.id == DocumentCoOwner.document_id)
            .where(Document.dossier_code == code, Document.owner_id == owner, IS_STORED)
            .distinct().order_by(DocumentCoOwner.owner_id)).scalars().all()
        ids = [owner, *(o for o in others if o != owner)]
        names = dict(conn.execute(select(Owner.id, Owner.name).where(Owner.id.in_(ids))).all())
    return [(i, names.get(i)) for i in ids]


def _dossier_title(values: dict[str, Any], applicants: list[tuple[str, str | None]]) -> str:
    procedure = values.get("procedure_code")
    parts = [f"Hồ sơ {values.get('code')}"]
    if procedure:
        parts.append(f"thủ tục {procedure}")
    if applicants:
        parts.append("của " + " và ".join(f"{name} ({number})" if name else number
                                          for number, name in applicants))
    return ", ".join(parts)


def _longest(labels: list[str | None]) -> str | None:
    """The longest of the documents' retention periods ("Vĩnh viễn" beats any "N năm")."""
    best: tuple[int, str] | None = None
    for label in labels:
        if not label:
            continue
        if label == "Vĩnh viễn":
            return label
        try:
            years = int(label.split()[0])
        except (ValueError, IndexError):
            continue
        if best is None or years > best[0]:
            best = (years, label)
    return best[1] if best else None


def audit_events(archive: Archive, targets: Iterable[str]) -> list[dict[str, Any]]:
    """Every audit event about these targets, oldest first, with the chain's hashes so that
    the receiving archive can see each one's place in the chain."""
    e = AUDIT.entries.c
    wanted = sorted(set(targets))
    events: list[dict[str, Any]] = []
    with archive.transaction(write=False) as conn:
        for start in range(0, len(wanted), _CHUNK):
            for r in conn.execute(select(AUDIT.entries).where(
                    e.target.in_(wanted[start:start + _CHUNK]))).mappings():
                events.append({"seq": r["seq"], "at": r["at"], "actor": r["actor"],
                               "action": r["action"], "target": r["target"],
                               "detail": json.loads(r["detail"]),
                               "prev_hash": r["prev_hash"], "hash": r["hash"]})
    events.sort(key=lambda ev: ev["seq"])
    return events
