"""Review rounds in the catalog: what reviewers decided, and the document updates it causes.

Functions over an open :class:`~sohoa.archive.Archive`. They use its own transaction helpers
(``Archive._write`` — the writer engine under the archive's write lock, ``BEGIN IMMEDIATE`` on
SQLite — and ``Archive._read``), so a correction, the document update it causes, the search
outbox row and the audit event are committed together or not at all, exactly like
``store_document``. The rules (which rounds, which documents are sampled, what a value must
look like) belong to ``sohoa.pipeline.review``; this module only reads and writes rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, cast, delete, func, select, update

from sohoa.archive import audit as audit_log
from sohoa.archive import dossiers, owners, statements
from sohoa.archive.archival import (
    ISSUER_FIELDS,
    NUMBER_FIELDS,
    first_field,
    retention_label,
    split_number,
)
from sohoa.archive.catalog import dossier_locks, upsert
from sohoa.archive.documents import IS_STORED
from sohoa.archive.models import (
    Document,
    DocumentCoOwner,
    Dossier,
    Owner,
    PageRow,
    SearchOutbox,
)
from sohoa.archive.review_models import ReviewEvent
from sohoa.archive.values import iso, nfc_opt, utc_now, validity_iso
from sohoa.errors import NotFoundError, WorkflowError

if TYPE_CHECKING:  # the archive package itself imports nothing from here
    from sohoa.archive import Archive


@dataclass(frozen=True)
class Decision:
    """One review row to write: a correction or confirmation of ``field``, or a round's accept."""

    action: str  # "correct" | "confirm" | "accept"
    field: str | None
    old_value: str | None
    new_value: str | None
    produced_by: str
    reason: str | None = None

    @property
    def error(self) -> bool:
        return self.action == "correct"


@dataclass
class DocumentUpdate:
    """The new state of a reviewed document (only the catalog columns review may change)."""

    doc_type: str
    title: str
    fields: dict[str, str | None]
    field_flags: list[str]
    review_reasons: list[str]
    needs_review: bool
    owner_id: str | None
    owner_kind: str | None
    owner_name: str | None
    issue_date: date | None
    valid_until: date | None
    retention: str | None
    type_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The number still only proposed as the owner (kept while ``owner_id`` is None and the
    # document waits for review; dropped once an owner is set or the review ends).
    proposed_owner_id: str | None = None
    # The dossier a reviewer files the paper under instead (the sheet it was scanned behind was
    # not its own); None: where it is.
    dossier_code: str | None = None
    # The other people a shared paper belongs to (number, name as printed) after the decision:
    # its ``document_co_owners`` rows are replaced by these; None leaves them as they are.
    co_owners: tuple[tuple[str, str | None], ...] | None = None
    # ``dossier_code`` is a dossier the catalog does not know yet, read off a receipt whose code
    # the scan missed: the decision makes it, as the scan would have (review17 N12).
    opens_dossier: bool = False
    # The paper is filed by the code read off its receipt, which the scan missed: placed in its
    # dossier as the scan would have (dossiers.on_document_reviewed).
    as_scanned: bool = False


def review_documents(archive: Archive) -> list[dict[str, Any]]:
    """Id, needs_review and confidence of every stored document (the round queues are built
    from these; sampling needs every id)."""
    with archive.transaction(write=False) as conn:
        rows = conn.execute(select(Document.id, Document.needs_review, Document.confidence)
                            .where(IS_STORED).order_by(Document.id)).all()
    return [{"document_id": r.id, "needs_review": bool(r.needs_review),
             "confidence": r.confidence} for r in rows]


def scan_colour_count(archive: Archive) -> int:
    """Stored documents with pages not scanned in colour at 200 dpi (``extra.scan_colour``,
    written at ingest). A text match on the JSON: the same on SQLite and PostgreSQL."""
    stmt = select(func.count()).select_from(Document).where(
        IS_STORED, cast(Document.extra, String).like('%"scan_colour"%'))
    with archive.transaction(write=False) as conn:
        return int(conn.execute(stmt).scalar_one())


def document_rows(archive: Archive, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The review-relevant columns of these documents (stored ones only)."""
    out: dict[str, dict[str, Any]] = {}
    with archive.transaction(write=False) as conn:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            for r in conn.execute(select(
                    Document.id, Document.doc_type, Document.title, Document.owner_id,
                    Document.proposed_owner_id, Document.dossier_code, Document.fields,
                    Document.field_flags,
                    Document.confidence, Document.needs_review, Document.review_reasons,
                    Document.extra, Document.issue_date, Document.valid_until, Document.unit)
                    .where(Document.id.in_(chunk), IS_STORED)).mappings():
                out[r["id"]] = {
                    "document_id": r["id"], "doc_type": r["doc_type"], "title": r["title"],
                    "owner_id": r["owner_id"],
                    "proposed_owner_id": None if r["owner_id"] else r["proposed_owner_id"],
                    "dossier_code": r["dossier_code"],
                    "fields": dict(r["fields"]), "field_flags": list(r["field_flags"]),
                    "confidence": r["confidence"], "needs_review": bool(r["needs_review"]),
                    "review_reasons": list(r["review_reasons"]), "extra": dict(r["extra"]),
                    "issue_date": iso(r["issue_date"]),
                    "valid_until": validity_iso(r["valid_until"]),
                    "unit": r["unit"],
                }
    return out


def document_text(archive: Archive, document_id: str) -> str:
    """A stored paper's read text, one column: what a decision re-reads (a new type's fields,
    a shared paper's co-owners), not the whole document with its owner, dossier and pages
    (review14a N11)."""
    with archive.transaction(write=False) as conn:
        text = conn.execute(select(Document.text).where(Document.id == document_id)
                            ).scalar_one_or_none()
    return text or ""


def dossier_applicant(archive: Archive, dossier_code: str) -> tuple[str, str | None,
                                                                     str | None] | None:
    """Owner id, kind and name of the stored receipt of ``dossier_code`` (the applicant that
    ingest hands to owner resolution), or None."""
    with archive.transaction(write=False) as conn:
        r = conn.execute(select(Document.owner_id, Owner.kind, Owner.name)
                         .join(Owner, Owner.id == Document.owner_id)
                         .where(Document.dossier_code == dossier_code,
                                Document.doc_type == "dossier_receipt",
                                Document.owner_id.is_not(None), IS_STORED)
                         .order_by(Document.id).limit(1)).first()
    return (r.owner_id, r.kind, r.name) if r is not None else None


def dossier_exists(archive: Archive, code: str) -> bool:
    """Is ``code`` a dossier the catalog knows (opened, or created by a scan)?"""
    with archive.transaction(write=False) as conn:
        return conn.execute(select(Dossier.code).where(Dossier.code == code)).first() is not None


def dossier_applicants(archive: Archive, code: str, but: str) -> set[str]:
    """Who dossier ``code`` was received from: its opening's applicant, else the owners of its
    stored receipts (``but`` this paper)."""
    with archive.transaction(write=False) as conn:
        opened = conn.execute(select(Dossier.owner_id).where(Dossier.code == code)
                              ).scalar_one_or_none()
        if opened:
            return {opened}
        return {r for r in conn.execute(select(Document.owner_id).where(
            Document.dossier_code == code, Document.doc_type == "dossier_receipt",
            Document.id != but, IS_STORED)).scalars() if r}


def desk_opens_dossiers(archive: Archive, document_id: str) -> bool:
    """Does the one-stop system open the dossiers of the unit that received this paper (it has
    opened one there)? Such a desk files papers only into dossiers it opened; one that never
    had a dossier opened works from its sheets."""
    with archive.transaction(write=False) as conn:
        unit = conn.execute(select(Document.unit).where(Document.id == document_id)
                            ).scalar_one_or_none()
        return bool(unit) and conn.execute(dossiers.OPENED_AT_UNIT,
                                           {"unit": unit}).first() is not None


# documents.extra: the paper was filed by a code a person read off its receipt, which the scan
# missed ({"stack": the placeholder its stack was stored under}; pipeline.review.set_dossier)
RECEIPT_CODE_ENTERED = "receipt_code_entered"


def papers_of_stack(archive: Archive, code: str, question: str, stack: str) -> list[str]:
    """The stored papers of dossier ``code`` of the stack stored under placeholder ``stack``:
    those still asking ``question`` there, or filed with it by an entered code
    (``extra["receipt_code_entered"]``), in the order they were stored."""
    with archive.transaction(write=False) as conn:
        rows = conn.execute(select(Document.id, Document.review_reasons, Document.extra).where(
            Document.dossier_code == code, IS_STORED)
            .order_by(Document.created_at, Document.id)).all()
    return [r.id for r in rows
            if (code == stack and any(question in w for w in r.review_reasons or ()))
            or ((r.extra or {}).get(RECEIPT_CODE_ENTERED) or {}).get("stack") == stack]


def dossier_opened(archive: Archive, code: str) -> bool:
    """Did the one-stop system (or the desk) open dossier ``code``, rather than a scan or an
    entered receipt code making it?"""
    with archive.transaction(write=False) as conn:
        return conn.execute(select(Dossier.received_at).where(Dossier.code == code)
                            ).scalar_one_or_none() is not None


def dossier_units(archive: Archive, code: str) -> set[str] | None:
    """The units dossier ``code`` belongs to, or None when the catalog has no such dossier.
    One the one-stop system or the desk opened (``received_at``): its receiving and competent
    units. One a scan made: those and the units that received its papers (a scan writes the
    last stored paper's unit as its receiving unit)."""
    with archive.transaction(write=False) as conn:
        row = conn.execute(select(Dossier.receiving_unit, Dossier.competent_unit,
                                  Dossier.received_at).where(Dossier.code == code)).first()
        if row is None:
            return None
        units = {u for u in (row.receiving_unit, row.competent_unit) if u}
        if row.received_at is not None and units:
            return units
        return units | {u for u in conn.execute(select(Document.unit).distinct().where(
            Document.dossier_code == code)).scalars() if u}


def page_shas(archive: Archive, document_id: str) -> list[str]:
    """The page image SHA-256s of a document, in order (blob ids and stage-cache keys)."""
    with archive.transaction(write=False) as conn:
        rows = conn.execute(select(PageRow.sha256, PageRow.blob_sha256)
                            .where(PageRow.document_id == document_id)
                            .order_by(PageRow.position)).all()
    return [r.blob_sha256 or r.sha256 for r in rows]


def events(archive: Archive, document_ids: Iterable[str] | None = None,
           actions: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Review rows (of these documents, of these actions), oldest first."""
    stmt = select(ReviewEvent).order_by(ReviewEvent.id)
    if actions:
        stmt = stmt.where(ReviewEvent.action.in_(list(actions)))
    ids = list(document_ids) if document_ids is not None else None
    out: list[dict[str, Any]] = []
    with archive.transaction(write=False) as conn:
        chunks = [ids[i:i + 500] for i in range(0, len(ids), 500)] if ids is not None else [None]
        for chunk in chunks:
            part = stmt if chunk is None else stmt.where(ReviewEvent.document_id.in_(chunk))
            out += [_event_dict(r) for r in conn.execute(part).mappings()]
    out.sort(key=lambda e: e["id"])
    return out


def _event_dict(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": r["id"], "document_id": r["document_id"], "round": r["round"],
            "action": r["action"], "field": r["field"], "old_value": r["old_value"],
            "new_value": r["new_value"], "error": bool(r["error"]), "reviewer": r["reviewer"],
            "produced_by": r["produced_by"], "reason": r["reason"], "at": iso(r["at"])}


def record(archive: Archive, document_id: str, round_no: int, reviewer: str,
           decisions: Sequence[Decision], new: DocumentUpdate | None, *,
           audit_action: str, audit_detail: Mapping[str, Any]) -> None:
    """Write the decisions, the document's new state (if any), its search-outbox row, the
    ``document.stored`` event the targets need (:func:`statements.announce`: a held paper whose
    owner is now decided, or a changed record) and one audit event, in one transaction."""
    for _ in range(_MOVED_TRIES):
        try:
            _record(archive, document_id, round_no, reviewer, decisions, new,
                    audit_action=audit_action, audit_detail=audit_detail)
            return
        except _MovedMeanwhile:
            continue  # rolled back, nothing written: again, under its new dossier's locks
    raise WorkflowError(f"giấy tờ {document_id} vừa được chuyển sang hồ sơ khác trong lúc ghi "
                        "quyết định rà soát; chưa có gì được ghi, hãy chạy lại")


# how often a review is tried again when its paper moved to another dossier meanwhile
_MOVED_TRIES = 3


class _MovedMeanwhile(Exception):
    """The paper's dossier changed between the first read and the dossier's locks."""


def _record(archive: Archive, document_id: str, round_no: int, reviewer: str,
            decisions: Sequence[Decision], new: DocumentUpdate | None, *,
            audit_action: str, audit_detail: Mapping[str, Any]) -> None:
    now = utc_now()
    with archive.transaction(write=True) as conn:
        row = conn.execute(select(Document.status, Document.dossier_code)
                           .where(Document.id == document_id)).first()
        status = row.status if row is not None else None
        if row is not None and new is not None:
            # first, before the document's row: the dossier it is in and the one a reviewer
            # files it under (a store into either waits; review13a S1, one lock order)
            locked = {nfc_opt(row.dossier_code), nfc_opt(new.dossier_code)}
            dossier_locks(conn, *locked)
            # read under the locks: a review that moved the paper and committed while this
            # one waited leaves it in a dossier not locked here, whose locks would now come
            # after the row (review14a S9)
            now_in = conn.execute(select(Document.dossier_code)
                                  .where(Document.id == document_id)).scalar_one()
            if nfc_opt(now_in) not in locked:
                raise _MovedMeanwhile(document_id)
        if status is None:
            raise NotFoundError(f"không có giấy tờ {document_id} trong kho "
                                "(xem các giấy tờ chờ rà soát bằng `sohoa review`)")
        if decisions:
            conn.execute(ReviewEvent.__table__.insert(), [{
                "document_id": document_id, "round": round_no, "action": d.action,
                "field": d.field, "old_value": nfc_opt(d.old_value),
                "new_value": nfc_opt(d.new_value), "error": d.error,
                "reviewer": nfc_opt(reviewer), "produced_by": nfc_opt(d.produced_by),
                "reason": nfc_opt(d.reason), "at": now} for d in decisions])
        if new is not None:
            if new.opens_dossier and new.dossier_code:
                _open_as_scanned(conn, new.dossier_code, document_id, now)
            held = statements.held(conn, document_id)
            before = None if held else statements.stored_event(conn, document_id)
            _update_document(conn, document_id, new, now)
            # its component and digitization code follow the new type, owner or confirmation
            dossiers.on_document_reviewed(conn, document_id, archive.digitization_format,
                                          by=reviewer, as_scanned=new.as_scanned)
            conn.execute(SearchOutbox.__table__.insert().values(
                document_id=document_id, op="upsert", created_at=now))
            statements.announce(conn, document_id, before=before, was_held=bool(held), at=now)
        audit_log.append(conn, audit_action, actor=reviewer, target=document_id,
                         detail=dict(audit_detail))


def _open_as_scanned(conn: Any, code: str, document_id: str, now: Any) -> None:
    """The dossier ``code`` as a scan of its receipt makes it: received by the paper's unit.
    Nothing happens if it exists meanwhile (opened or made by another paper's move)."""
    unit = conn.execute(select(Document.unit).where(Document.id == document_id)).scalar_one()
    upsert(conn, Dossier.__table__,
           {"code": nfc_opt(code), "created_at": now, **({"receiving_unit": unit} if unit else {})},
           key=("code",), update=[])


def _update_document(conn: Any, document_id: str, new: DocumentUpdate, now: Any) -> None:
    # every owner row the decision writes, in one order, before any (owners.lock_owners)
    owners.lock_owners(conn, [new.owner_id, *(n.strip() for n, _ in new.co_owners or ()
                                              if n)], now=now)
    if new.owner_id:
        # A reviewer's reading of an identity paper names its owner; a corrected name on
        # any other paper stays that paper's (tester10 F14: a decision renamed the citizen).
        # Only a paper the review left with nothing to check counts: one whose date of
        # birth was fixed while its name is still flagged holds the unsure OCR name
        # (review10b A).
        owners.record_owner(conn, new.owner_id, new.owner_kind, new.owner_name, now=now,
                            authoritative=(new.doc_type in owners.IDENTITY_TYPES
                                           and not new.needs_review), reviewed=True)
    fields = {k: nfc_opt(v) for k, v in new.fields.items()}
    document_number = first_field(fields, NUMBER_FIELDS)
    number, notation = split_number(document_number)
    values: dict[str, Any] = {
        "doc_type": new.doc_type, "title": nfc_opt(new.title), "fields": fields,
        "field_flags": [nfc_opt(f) for f in new.field_flags],
        "review_reasons": [nfc_opt(r) for r in new.review_reasons],
        "needs_review": new.needs_review, "owner_id": new.owner_id or None,
        # a proposal lives only while nobody is the owner and the review goes on
        "proposed_owner_id": None if new.owner_id or not new.needs_review
        else (new.proposed_owner_id or None),
        "issue_date": new.issue_date, "valid_until": new.valid_until,
        "retention": new.retention, "document_number": document_number,
        "issuing_body": first_field(fields, ISSUER_FIELDS),
        "arc_number": number, "arc_notation": notation, "arc_date": new.issue_date,
        "arc_issuer": first_field(fields, ISSUER_FIELDS),
        "arc_retention": retention_label(new.retention), "extra": new.extra,
    }
    if new.type_name:
        values["arc_type_name"] = new.type_name
    if new.dossier_code:
        values["dossier_code"] = nfc_opt(new.dossier_code)
    conn.execute(update(Document).where(Document.id == document_id).values(**values))
    if new.co_owners is not None:
        _replace_co_owners(conn, document_id, new.owner_id, new.co_owners, now)


def _replace_co_owners(conn: Any, document_id: str, owner_id: str | None,
                       co_owners: Sequence[tuple[str, str | None]], now: Any) -> None:
    """The paper's co-owner rows become exactly these (never its owner); each one's name as
    the paper prints it fills an unknown name, as at the store."""
    wanted = {n.strip(): name for n, name in co_owners if n and n.strip() != owner_id}
    have = set(conn.execute(select(DocumentCoOwner.owner_id).where(
        DocumentCoOwner.document_id == document_id)).scalars())
    gone = have - set(wanted)
    if gone:
        conn.execute(delete(DocumentCoOwner).where(DocumentCoOwner.document_id == document_id,
                                                   DocumentCoOwner.owner_id.in_(sorted(gone))))
    added = sorted(set(wanted) - have)
    for number in added:
        owners.record_owner(conn, number, "person", wanted[number], now=now,
                            authoritative=False)
    if added:
        conn.execute(DocumentCoOwner.__table__.insert(),
                     [{"document_id": document_id, "owner_id": n} for n in added])
