"""The archivists' records that travel with an export: what was decided about each paper's
keeping, the legal holds on it, and the certification register's lines about it.

A receiving archive takes over the papers *and* the decisions about them: when each may be
destroyed and why (the retention schedule as the rules give it today, the dossier's override,
the dated events periods count from, every disposal list that named the paper with its
proposal, approval or cancellation and what became of the paper there), the holds that keep it
(released ones too: the history of why it was kept), and, for a certified copy or a paper a
copy was certified from, the register's line (sổ chứng thực: number, book, official, state).
The audit log beside them in the bag says who did what when; these are the state itself,
machine-readable, each record naming the exported papers it is about.

Functions over an open :class:`~sohoa.archive.Archive`; the bag is written by
``sohoa.pipeline.exportjob``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, or_, select

from sohoa.archive import retention
from sohoa.archive.archivist_models import (
    DisposalItem,
    DisposalList,
    LegalHold,
    RetentionEvent,
    RetentionOverride,
)
from sohoa.archive.certification_models import Certification
from sohoa.archive.values import iso
from sohoa.doctypes import Registry

if TYPE_CHECKING:
    from sohoa.archive import Archive

_CHUNK = 500
# retention.evaluate reads the catalog's overrides, events and holds once per call: fewer,
# larger calls (SQLite takes 32766 bound values since 3.32)
_EVALUATE_CHUNK = 5000
RETENTION_FILE = "retention.json"
HOLDS_FILE = "legal-holds.json"
CERTIFICATIONS_FILE = "certification-register.json"


def _chunks(values: Iterable[str], size: int = _CHUNK) -> Iterable[list[str]]:
    wanted = sorted(set(values))
    for start in range(0, len(wanted), size):
        yield wanted[start:start + size]


def _persons(doc: Mapping[str, Any]) -> list[str]:
    """Everybody the paper belongs to: its owner, then each person a shared paper names."""
    return [p for p in [doc.get("owner_id"), *(doc.get("co_owner_ids") or ())] if p]


def retention_records(archive: Archive, docs: Sequence[Mapping[str, Any]], *,
                      registry: Registry, as_of: date) -> dict[str, Any]:
    """Each exported paper's retention: its schedule, the overrides and events it counts from,
    and every disposal list that named it (proposed, approved, cancelled, skipped)."""
    ids = [d["document_id"] for d in docs]
    dossiers = sorted({d["dossier_code"] for d in docs})
    # a co-owner's recorded death counts too: her shared paper's period may start from it
    owners = sorted({p for d in docs for p in _persons(d)})
    with archive.transaction(write=False) as conn:
        schedule: dict[str, retention.Eligibility] = {}
        for chunk in _chunks(ids, _EVALUATE_CHUNK):
            schedule.update((e.document_id, e) for e in retention.evaluate(
                conn, registry=registry, document_ids=chunk))
        overrides = [_override(r) for chunk in _chunks(dossiers) for r in conn.execute(
            select(RetentionOverride).where(RetentionOverride.dossier_code.in_(chunk))
        ).mappings()]
        events = _events(conn, dossiers, owners)
        disposal = _disposal(conn, ids)
    documents = []
    for doc in docs:
        e = schedule.get(doc["document_id"])
        documents.append({
            "document_id": doc["document_id"], "dossier_code": doc["dossier_code"],
            "owner_id": doc.get("owner_id"),
            "schedule": {**_schedule(e), "eligible_on_export_day": e.eligible(as_of),
                         "due_on_export_day": e.due(as_of)} if e else None,
            "disposal": disposal.get(doc["document_id"], []),
        })
    return {
        "mo_ta": "Quyết định về thời hạn bảo quản của từng giấy tờ trong gói: thời hạn và "
                 "ngày hết hạn theo quy định, thời hạn riêng của hồ sơ, các sự kiện tính thời "
                 "hạn (kết thúc hồ sơ, chủ sở hữu qua đời) và các danh mục tiêu hủy đã nêu "
                 "giấy tờ (đề xuất, phê duyệt, hủy bỏ, bỏ qua)",
        "as_of": as_of.isoformat(),
        "documents": documents,
        "overrides": overrides,
        "events": events,
    }


def _schedule(e: retention.Eligibility) -> dict[str, Any]:
    keep = ("retention", "eligible_on", "basis", "starts_on", "start", "notes", "holds",
            "on_list", "in_use", "unreviewed")
    values = e.as_dict()
    return {k: values[k] for k in keep}


def _override(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"dossier_code": r["dossier_code"], "years": r["years"],
            "permanent": r["years"] is None, "counted_from": r["counted_from"],
            "reason": r["reason"], "set_by": r["set_by"], "set_at": iso(r["set_at"])}


def _events(conn: Connection, dossiers: Sequence[str],
            owners: Sequence[str]) -> list[dict[str, Any]]:
    e = RetentionEvent.__table__.c
    rows: list[dict[str, Any]] = []
    for subject, keys in (("dossier", dossiers), ("owner", owners)):
        for chunk in _chunks(keys):
            rows += [{"subject": r["subject"], "subject_id": r["subject_id"],
                      "event": r["event"], "on": iso(r["on_date"]), "reason": r["reason"],
                      "recorded_by": r["recorded_by"], "recorded_at": iso(r["recorded_at"])}
                     for r in conn.execute(select(RetentionEvent.__table__).where(
                         e.subject == subject, e.subject_id.in_(chunk))).mappings()]
    return sorted(rows, key=lambda r: (r["subject"], r["subject_id"], r["event"]))


def _disposal(conn: Connection, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """By document: each list that named it, the list's decisions and the item's fate."""
    i, lst = DisposalItem.__table__.c, DisposalList.__table__.c
    found: dict[str, list[dict[str, Any]]] = {}
    for chunk in _chunks(ids):
        for r in conn.execute(select(
                i.document_id, i.status.label("item_status"), i.reason.label("item_reason"),
                i.eligible_on, i.basis, i.retention, i.done_at, lst.id, lst.status, lst.as_of,
                lst.note, lst.proposed_by, lst.proposed_at, lst.decision, lst.approved_by,
                lst.approved_at, lst.executed_by, lst.executed_at, lst.cancel_reason,
                lst.record_sha256).join(DisposalList, lst.id == i.list_id)
                .where(i.document_id.in_(chunk)).order_by(lst.id)).mappings():
            found.setdefault(r["document_id"], []).append({
                "list": r["id"], "list_status": r["status"], "as_of": iso(r["as_of"]),
                "note": r["note"], "proposed_by": r["proposed_by"],
                "proposed_at": iso(r["proposed_at"]), "decision": r["decision"],
                "approved_by": r["approved_by"], "approved_at": iso(r["approved_at"]),
                "executed_by": r["executed_by"], "executed_at": iso(r["executed_at"]),
                "cancel_reason": r["cancel_reason"], "record_sha256": r["record_sha256"],
                "item_status": r["item_status"], "item_reason": r["item_reason"],
                "retention": r["retention"], "eligible_on": iso(r["eligible_on"]),
                "basis": r["basis"], "done_at": iso(r["done_at"])})
    return found


def hold_records(archive: Archive, docs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Every legal hold, active or released, on an exported paper, its dossier or a person it
    belongs to (its owner or a co-owner of a shared paper), with the papers each one keeps."""
    by_target: dict[tuple[str, str], list[str]] = {}
    for doc in docs:
        doc_id = doc["document_id"]
        by_target.setdefault(("document", doc_id), []).append(doc_id)
        by_target.setdefault(("dossier", doc["dossier_code"]), []).append(doc_id)
        for person in _persons(doc):
            by_target.setdefault(("owner", person), []).append(doc_id)
    h = LegalHold.__table__.c
    holds: dict[int, dict[str, Any]] = {}
    with archive.transaction(write=False) as conn:
        for scope in ("document", "dossier", "owner"):
            for chunk in _chunks(t for s, t in by_target if s == scope):
                for r in conn.execute(select(LegalHold.__table__).where(
                        h.scope == scope, h.target.in_(chunk))).mappings():
                    holds[r["id"]] = {
                        "hold": r["id"], "scope": r["scope"], "target": r["target"],
                        "reason": r["reason"], "placed_by": r["placed_by"],
                        "placed_at": iso(r["placed_at"]), "active": r["released_at"] is None,
                        "released_by": r["released_by"], "released_at": iso(r["released_at"]),
                        "release_reason": r["release_reason"],
                        "documents": sorted(set(by_target[(r["scope"], r["target"])]))}
    return {
        "mo_ta": "Các lệnh phong tỏa (giữ lại theo yêu cầu pháp lý) trên giấy tờ, hồ sơ hoặc "
                 "chủ sở hữu của các giấy tờ trong gói, kể cả lệnh đã gỡ; mỗi lệnh nêu các "
                 "giấy tờ trong gói mà nó giữ",
        "holds": [holds[k] for k in sorted(holds)],
    }


def persons_named(docs: Sequence[Mapping[str, Any]], kept: Mapping[str, Any],
                  held: Mapping[str, Any], register: Mapping[str, Any]
                  ) -> dict[str, dict[str, list[Any]]]:
    """Every person the bag names, with what names them: the papers they own or share
    (``documents``), the holds placed on them (``holds``), the retention events recorded about
    them (``retention_events``), the register's lines of copies they asked for
    (``certifications``). Each one's personal data leaves the archive with the bag, so each
    gets an access-log entry for the export (Decree 13)."""
    named: dict[str, dict[str, list[Any]]] = {}

    def add(person: str | None, kind: str, item: Any) -> None:
        if person:
            items = named.setdefault(person, {}).setdefault(kind, [])
            if item not in items:
                items.append(item)

    for doc in docs:
        for person in _persons(doc):
            add(person, "documents", doc["document_id"])
    for h in held["holds"]:
        if h["scope"] == "owner":
            add(h["target"], "holds", h["hold"])
    for e in kept["events"]:
        if e["subject"] == "owner":
            add(e["subject_id"], "retention_events", f"{e['event']} {e['on']}")
    for line in register["entries"]:
        add(line["owner_id"], "certifications",
            f"{line['number']}/{line['book']} {line['unit']}")
    return named


def certification_records(archive: Archive, ids: Sequence[str]) -> dict[str, Any]:
    """The certification register's lines about the exported papers: a certified copy's own
    line, and every line whose original (bản chính) is an exported paper."""
    c = Certification.__table__.c
    lines: dict[int, dict[str, Any]] = {}
    with archive.transaction(write=False) as conn:
        for chunk in _chunks(ids):
            for r in conn.execute(select(Certification.__table__).where(or_(
                    c.document_id.in_(chunk),
                    c.original.in_([f"document:{d}" for d in chunk])))).mappings():
                original = r["original"] or ""
                lines[r["id"]] = {
                    "unit": r["unit"], "year": r["year"], "number": r["number"],
                    "book": r["book"], "certified_at": iso(r["certified_at"]),
                    "certified_on": iso(r["certified_on"]), "owner_id": r["owner_id"],
                    "paper": r["paper"], "doc_type": r["doc_type"], "pages": r["pages"],
                    "original": original, "official": r["official"],
                    "official_title": r["official_title"], "compared_by": r["compared_by"],
                    "status": r["status"], "copy_document_id": r["document_id"],
                    "original_document_id": original.removeprefix("document:")
                    if original.startswith("document:") else None,
                    "note": r["note"]}
    return {
        "mo_ta": "Các dòng của sổ chứng thực bản sao từ bản chính liên quan đến giấy tờ trong "
                 "gói: bản sao được chứng thực, hoặc bản chính đã dùng để chứng thực bản sao",
        "entries": [lines[k] for k in sorted(lines, key=lambda k: (
            lines[k]["unit"], lines[k]["year"], lines[k]["number"]))],
    }
