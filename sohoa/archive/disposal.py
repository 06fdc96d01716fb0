"""Disposal lists in the catalog: propose, approve, execute step by step, keep the record.

The workflow of the Vietnamese archives law, as states of a ``disposal_lists`` row:
``proposed`` (a numbered list of expired records with an explanatory note) → ``approved`` (the
agency head's decision is recorded) → ``executing`` → ``executed`` (the destruction record, biên
bản hủy, is stored as a blob and named on the row); ``cancelled`` from either of the first two.
Nothing is removed from a list that is not approved.

Execution is resumable after a crash at any point, and never deletes a thing twice:
1. per batch of items, ONE transaction re-checks legal holds (a hold placed after approval skips
   the item, with the reason), turns each document into a tombstone (status ``disposed``, text
   and fields emptied, identification kept), queues its removal from the search index (outbox),
   writes the item's outcome with the blobs it used, and an audit event;
2. after that commit, the blobs are deleted, each only if no kept document, page or destruction
   record still points at it (content addressing shares blobs), and the item is marked done;
   a crash in between leaves ``blobs_removed`` false and the next run finishes the job; the
   files are named (with their sizes) in an audit event before they go, so that the record
   counts what every run deleted, an interrupted one's included;
3. the destruction record is put in the blob store first and named on the list with the final
   audit event in one transaction; a crash before that commit re-makes it on the next run.

Functions over an open :class:`~sohoa.archive.Archive`; building and signing the record is the
pipeline's (``sohoa.pipeline.disposaljob``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, update

from sohoa.archive import audit as audit_log
from sohoa.archive import faults, holds, outbox
from sohoa.archive.archivist_models import (
    ITEM_DISPOSED,
    ITEM_LISTED,
    ITEM_SKIPPED,
    LIST_APPROVED,
    LIST_CANCELLED,
    LIST_EXECUTED,
    LIST_EXECUTING,
    LIST_PROPOSED,
    DisposalItem,
    DisposalList,
)
from sohoa.archive.audit import AUDIT
from sohoa.archive.catalog import dossier_locks
from sohoa.archive.documents import IS_STORED, page_blobs
from sohoa.archive.models import STATUS_DISPOSED, Document, PageRescan, PageRow, SearchOutbox
from sohoa.archive.retention import Eligibility, evaluate
from sohoa.archive.values import iso, utc_now, vietnam_today
from sohoa.doctypes import Registry
from sohoa.errors import NotFoundError, WorkflowError
from sohoa.vntext import fold, nfc

if TYPE_CHECKING:
    from sohoa.archive import Archive

_CHUNK = 500
DELETING = "disposal.deleting"  # the audit event naming the files a batch is about to delete


def target(list_id: int) -> str:
    """The audit-log target naming a list."""
    return f"disposal-list:{list_id}"


# --- the workflow's steps ------------------------------------------------------------------

def propose(archive: Archive, *, as_of: date, note: str, by: str,
            registry: Registry, doc_type: str | None = None,
            unit: str | None = None, today: date | None = None,
            runner: str | None = None) -> dict[str, Any] | None:
    """A new list of every document due on ``as_of`` (not held, on no open list, used by no
    dossier still being settled); None when nothing is due. ``as_of`` may not be after
    ``today`` (Viet Nam's day by default)."""
    why = holds.require_text(note, "thuyết minh (--note: vì sao các tài liệu này "
                                       "hết giá trị)")
    who = holds.require_text(by, "người lập danh mục (--by hoặc SOHOA_USER)")
    today = today or vietnam_today()
    if as_of > today:
        # No override on purpose: a list of records that are not yet due has no lawful use
        # (nothing on it may be destroyed before its period ends), and a preview of what
        # will fall due is what `retention plan --as-of` is for, without writing anything.
        raise WorkflowError(
            f"không lập danh mục tính đến ngày {_vn_day(as_of)}: ngày đó còn ở tương lai "
            f"(hôm nay là {_vn_day(today)}) và không được hủy tài liệu trước khi hết thời hạn "
            f"bảo quản. Xem trước những gì sẽ đến hạn: sohoa retention plan --as-of "
            f"{as_of.isoformat()}")
    now = utc_now()
    with archive.transaction(write=True) as conn:
        due = [e for e in evaluate(conn, registry=registry, doc_type=doc_type, unit=unit)
               if e.due(as_of)]
        if not due:
            return None
        due.sort(key=lambda e: (e.doc_type, e.unit or "", e.dossier_code, e.document_id))
        criteria = {"doc_type": doc_type, "unit": unit}
        list_id = conn.execute(DisposalList.__table__.insert().values(
            status=LIST_PROPOSED, as_of=as_of, note=why, criteria=criteria, proposed_by=who,
            proposed_at=now)).inserted_primary_key[0]
        rows = [{
            "list_id": list_id, "document_id": e.document_id, "position": i,
            "doc_type": e.doc_type, "title": e.title, "dossier_code": e.dossier_code,
            "owner_id": e.owner_id, "unit": e.unit, "document_number": e.document_number,
            "issue_date": e.issue_date, "page_count": e.page_count, "retention": e.retention,
            "eligible_on": e.eligible_on,
            "basis": "; ".join((e.basis, *((f"tính từ {e.start_said}",) if e.start_said
                                            else ()), *e.notes)),
            "status": ITEM_LISTED, "reason": None,
            "blobs": None, "blobs_removed": False, "done_at": None,
        } for i, e in enumerate(due, start=1)]
        for start in range(0, len(rows), _CHUNK):
            conn.execute(DisposalItem.__table__.insert(), rows[start:start + _CHUNK])
        audit_log.append(conn, "disposal.proposed", actor=who, target=target(list_id), detail={
            "as_of": as_of, "note": why, "criteria": criteria, "documents": len(rows),
            "pages": sum(e.page_count for e in due), "runner": runner or who})
    return get(archive, list_id, items=False)


def unreviewed_due(archive: Archive, *, as_of: date, registry: Registry,
                   doc_type: str | None = None, unit: str | None = None
                   ) -> list[dict[str, Any]]:
    """Documents past their period on ``as_of`` that no list takes because nobody has reviewed
    them yet (tester13 F11), each with the reason in words."""
    with archive.transaction(write=False) as conn:
        return [{"document_id": e.document_id, "doc_type": e.doc_type, "title": e.title,
                 "dossier_code": e.dossier_code, "eligible_on": iso(e.eligible_on),
                 "reason": UNREVIEWED}
                for e in evaluate(conn, registry=registry, doc_type=doc_type, unit=unit)
                if e.unreviewed and e.eligible(as_of) and not e.holds and e.on_list is None]


UNREVIEWED = ("chưa được rà soát (cần rà soát): những gì máy đọc được từ giấy tờ chưa có ai "
              "xem lại, nên không đưa vào danh mục hủy; rà soát trước: sohoa review")


def approve(archive: Archive, list_id: int, *, decision: str, by: str,
            runner: str | None = None) -> dict[str, Any]:
    """Record the head's decision. ``by`` is the approver named on the decision; ``runner`` is
    who really ran the approval (SOHOA_USER or the OS user; the web session's user): both are
    recorded, and neither may be the proposer (by the proposer's name or by who ran the
    proposal) — four eyes is two people, not two typed names (tester13 F12)."""
    text = holds.require_text(
        decision, "quyết định phê duyệt (--decision \"Quyết định số …\")")
    who = holds.require_text(by, "người phê duyệt (--by)")
    ran = nfc(runner.strip()) if runner and runner.strip() else who
    now = utc_now()
    with archive.transaction(write=True) as conn:
        status = _status(conn, list_id)
        if status != LIST_PROPOSED:
            raise WorkflowError(f"danh mục {list_id} {_said(status)}; chỉ phê duyệt được danh "
                                "mục đang ở trạng thái đề nghị")
        proposer = conn.execute(select(DisposalList.proposed_by).where(
            DisposalList.id == list_id)).scalar_one()
        proposed_by = (proposer, _proposal_runner(conn, list_id) or proposer)
        named_proposer = any(same_person(who, p) for p in proposed_by)
        if not named_proposer and any(same_person(ran, p) for p in proposed_by):
            raise WorkflowError(
                f"danh mục {list_id} do {ran} lập (người chạy lệnh đề nghị); {ran} không được "
                f"phê duyệt danh mục của chính mình, kể cả khi ghi tên người khác ở --by. "
                f"Người phê duyệt ({who}) tự chạy lệnh bằng tài khoản của mình: "
                f"SOHOA_USER=\"<tài khoản của người phê duyệt>\" sohoa disposal approve "
                f"{list_id} --decision \"Quyết định số …\" --by \"{who}\"")
        if named_proposer:
            # Four eyes, as review's second round: the decision is the head's, after the
            # council, never the proposer's own.
            raise WorkflowError(
                f"{who} đã lập danh mục {list_id}; người phê duyệt phải là người khác (thủ "
                "trưởng cơ quan, sau khi Hội đồng xác định giá trị tài liệu xem xét): "
                f"sohoa disposal approve {list_id} --decision \"Quyết định số …\" "
                "--by \"HỌ TÊN NGƯỜI PHÊ DUYỆT\"")
        conn.execute(update(DisposalList).where(DisposalList.id == list_id).values(
            status=LIST_APPROVED, decision=text, approved_by=who, approved_at=now))
        audit_log.append(conn, "disposal.approved", actor=who, target=target(list_id),
                         detail={"decision": text, "runner": ran})
    return get(archive, list_id, items=False)


def _proposal_runner(conn: Connection, list_id: int) -> str | None:
    """Who ran the proposal of a list (its audit event's ``runner``; lists proposed before it
    was recorded have none)."""
    e = AUDIT.entries.c
    detail = conn.execute(select(e.detail).where(
        e.target == target(list_id), e.action == "disposal.proposed")
        .order_by(e.seq).limit(1)).scalar()
    if detail is None:
        return None
    ran = json.loads(detail).get("runner")
    return ran if isinstance(ran, str) else None


def _runners(conn: Connection, list_id: int) -> dict[str, str | None]:
    """Who ran the proposal and the approval of a list, as the audit log recorded them (None
    for a list from before they were recorded)."""
    e = AUDIT.entries.c
    out: dict[str, str | None] = {"proposed": None, "approved": None}
    for action, detail in conn.execute(select(e.action, e.detail).where(
            e.target == target(list_id),
            e.action.in_(("disposal.proposed", "disposal.approved"))).order_by(e.seq)):
        ran = json.loads(detail).get("runner")
        out[action.split(".")[1]] = ran if isinstance(ran, str) else None
    return out


def cancel(archive: Archive, list_id: int, *, reason: str, by: str) -> dict[str, Any]:
    why = holds.require_text(reason, "lý do hủy bỏ danh mục (--reason)")
    who = holds.require_text(by, "người hủy bỏ danh mục (--by)")
    with archive.transaction(write=True) as conn:
        status = _status(conn, list_id)
        if status not in (LIST_PROPOSED, LIST_APPROVED):
            raise WorkflowError(f"danh mục {list_id} {_said(status)}; chỉ hủy bỏ được danh mục "
                                "đang đề nghị hoặc đã phê duyệt")
        conn.execute(update(DisposalList).where(DisposalList.id == list_id).values(
            status=LIST_CANCELLED, cancel_reason=why))
        audit_log.append(conn, "disposal.cancelled", actor=who, target=target(list_id),
                         detail={"reason": why})
    return get(archive, list_id, items=False)


def start(archive: Archive, list_id: int, *, by: str) -> dict[str, Any]:
    """Begin (or resume) executing an approved list; WorkflowError for any other state."""
    who = holds.require_text(by, "người thực hiện hủy (--by hoặc SOHOA_USER)")
    with archive.transaction(write=True) as conn:
        status = _status(conn, list_id)
        if status == LIST_APPROVED:
            conn.execute(update(DisposalList).where(DisposalList.id == list_id).values(
                status=LIST_EXECUTING, executed_by=who, started_at=utc_now()))
            audit_log.append(conn, "disposal.started", actor=who, target=target(list_id),
                             detail={})
        elif status == LIST_EXECUTING:
            audit_log.append(conn, "disposal.resumed", actor=who, target=target(list_id),
                             detail={"pending": _count_items(conn, list_id, ITEM_LISTED)})
        else:
            raise WorkflowError(_not_executable(list_id, status))
    return get(archive, list_id, items=False)


def check_executable(archive: Archive, list_id: int) -> None:
    with archive.transaction(write=False) as conn:
        status = _status(conn, list_id)
    if status not in (LIST_APPROVED, LIST_EXECUTING):
        raise WorkflowError(_not_executable(list_id, status))


def _not_executable(list_id: int, status: str) -> str:
    if status == LIST_PROPOSED:
        return (f"danh mục {list_id} chưa được phê duyệt: không tài liệu nào bị hủy khi chưa "
                f"có quyết định phê duyệt. Ghi quyết định trước: sohoa disposal approve "
                f"{list_id} --decision \"Quyết định số …\" --by HỌ_TÊN")
    if status == LIST_EXECUTED:
        return f"danh mục {list_id} đã được hủy xong; xem: sohoa disposal show {list_id}"
    return f"danh mục {list_id} {_said(status)}, không thực hiện hủy được"


# a list's state in a sentence the archivist reads
_STATUS_SAID = {LIST_PROPOSED: "đang ở trạng thái đề nghị", LIST_APPROVED: "đã được phê duyệt",
                LIST_EXECUTING: "đang được hủy", LIST_EXECUTED: "đã được hủy xong",
                LIST_CANCELLED: "đã bị hủy bỏ"}


def _said(status: str) -> str:
    return _STATUS_SAID.get(status, status)


def pending(archive: Archive, list_id: int, limit: int) -> list[str]:
    """Document ids still to dispose of, in list order."""
    with archive.transaction(write=False) as conn:
        return list(conn.execute(
            select(DisposalItem.document_id)
            .where(DisposalItem.list_id == list_id, DisposalItem.status == ITEM_LISTED)
            .order_by(DisposalItem.position).limit(limit)).scalars())


def dispose(archive: Archive, list_id: int, document_ids: Sequence[str], *, by: str,
            decision: str, today: date | None = None,
            registry: Registry) -> list[dict[str, Any]]:
    """Step 1 for a batch: tombstones, outbox rows, outcomes and audit events, one commit.

    Each document's retention is evaluated again on ``today`` (the day the list is executed,
    Viet Nam's by default): only what is due that day is destroyed, whatever the list's as-of
    date was or whatever changed since (a longer period set, an event recorded). What is not
    yet due stays on the list, kept, with the day it falls due."""
    now = utc_now()
    today = today or vietnam_today()
    outcomes: list[dict[str, Any]] = []
    # appended after the batch's last row: the audit log is the last lock of the one order, so
    # this transaction holds it while waiting for no paper's row (review14a M1)
    entries: list[tuple[str, str, dict[str, Any]]] = []
    with archive.transaction(write=True) as conn:
        if _status(conn, list_id) != LIST_EXECUTING:
            raise WorkflowError(f"danh mục {list_id} không ở trạng thái đang hủy; chạy "
                                f"sohoa disposal execute {list_id}")
        codes = set(conn.execute(select(Document.dossier_code).distinct()
                                 .where(Document.id.in_(list(document_ids)))).scalars())
        # Each paper's dossier first (its disposal is one of its events), then the papers read
        # again and their rows locked: a writer that held the dossier (a signature renewal
        # re-pointing the PDF) has committed, and what is destroyed is what it left.
        dossier_locks(conn, *codes)
        # The holds are read under those locks, not before: a hold placed while the batch
        # waited for a dossier keeps its papers (fix14; read before, it was not seen).
        held = holds.active(conn)
        docs = {r.id: r for r in conn.execute(
            select(Document.id, Document.status, Document.dossier_code, Document.owner_id,
                   Document.pdf_sha256, Document.extra, Document.doc_type,
                   Document.digitization_code)
            .where(Document.id.in_(list(document_ids))).with_for_update())}
        if any(d.dossier_code not in codes for d in docs.values()):
            # moved to another dossier between the two reads (a review): its lock would come
            # out of order; nothing is written, and the batch is simply run again
            raise WorkflowError(f"một giấy tờ của danh mục {list_id} vừa được chuyển sang hồ "
                                f"sơ khác; chạy lại: sohoa disposal execute {list_id}")
        pages = page_blobs(conn, document_ids)
        revisions = _previous_revisions(conn, document_ids)
        now_due = {e.document_id: e for e in evaluate(conn, registry=registry,
                                                       document_ids=document_ids)}
        for doc_id in document_ids:
            doc = docs.get(doc_id)
            hold_ids = (held.on(doc_id, doc.dossier_code, doc.owner_id)
                     if doc is not None and doc.status == "stored" else [])
            reason, due_on = _why_kept(doc.status if doc else None, hold_ids,
                                       now_due.get(doc_id), today)
            if reason is not None:
                conn.execute(update(DisposalItem).where(
                    DisposalItem.list_id == list_id, DisposalItem.document_id == doc_id
                ).values(status=ITEM_SKIPPED, reason=reason, blobs_removed=True, done_at=now))
                entries.append(("disposal.skipped", doc_id, {
                    "list": list_id, "reason": reason, "holds": hold_ids, "executed_on": today,
                    "eligible_on": due_on}))
                outcomes.append({"document_id": doc_id, "disposed": False, "reason": reason,
                                 "holds": hold_ids, "eligible_on": iso(due_on)})
                continue
            blobs = list(dict.fromkeys([doc.pdf_sha256, *revisions.get(doc_id, ()),
                                        *pages.get(doc_id, ())]))
            extra = dict(doc.extra or {})
            extra["disposal"] = {"list": list_id, "decision": decision, "at": iso(now)}
            conn.execute(update(Document).where(Document.id == doc_id).values(
                status=STATUS_DISPOSED, text="", fields={}, extra=extra))
            conn.execute(SearchOutbox.__table__.insert().values(
                document_id=doc_id, op="delete", created_at=now))
            # Every store that received the document deletes its copy too.
            outbox.record(conn, outbox.DOCUMENT_DISPOSED, outbox.document_disposed(
                document_id=doc_id, dossier_code=doc.dossier_code, owner_id=doc.owner_id,
                doc_type=doc.doc_type, list_id=list_id, decision=decision,
                digitization_code=doc.digitization_code),
                dossier_code=doc.dossier_code, document_id=doc_id, at=now)
            conn.execute(update(DisposalItem).where(
                DisposalItem.list_id == list_id, DisposalItem.document_id == doc_id
            ).values(status=ITEM_DISPOSED, blobs=blobs, blobs_removed=False, done_at=now))
            entries.append(("document.disposed", doc_id, {
                "list": list_id, "decision": decision, "blobs": blobs}))
            outcomes.append({"document_id": doc_id, "disposed": True, "blobs": blobs})
        for action, doc_id, detail in entries:
            audit_log.append(conn, action, actor=by, target=doc_id, detail=detail)
    faults.point("disposal_after_batch")
    return outcomes


def preview(archive: Archive, list_id: int, *, today: date | None = None,
            registry: Registry) -> list[dict[str, Any]]:
    """What executing the list on ``today`` would do to each item still listed (a dry run:
    no change)."""
    today = today or vietnam_today()
    with archive.transaction(write=False) as conn:
        _status(conn, list_id)
        held = holds.active(conn)
        rows = conn.execute(
            select(DisposalItem.document_id, Document.status, Document.dossier_code,
                   Document.owner_id)
            .outerjoin(Document, Document.id == DisposalItem.document_id)
            .where(DisposalItem.list_id == list_id, DisposalItem.status == ITEM_LISTED)
            .order_by(DisposalItem.position)).all()
        ids = [r.document_id for r in rows]
        pages = page_blobs(conn, ids)
        now_due = {e.document_id: e for e in evaluate(conn, registry=registry,
                                                       document_ids=ids)}
    out = []
    for r in rows:
        hold_ids = held.on(r.document_id, r.dossier_code, r.owner_id) \
            if r.status == "stored" else []
        reason, due_on = _why_kept(r.status, hold_ids, now_due.get(r.document_id), today)
        if reason is not None:
            out.append({"document_id": r.document_id, "disposed": False, "holds": hold_ids,
                        "reason": reason, "eligible_on": iso(due_on)})
        else:
            out.append({"document_id": r.document_id, "disposed": True,
                        "blobs": 1 + len(pages.get(r.document_id, ()))})
    return out


def _why_kept(status: str | None, hold_ids: Sequence[int], now: Eligibility | None,
              today: date) -> tuple[str | None, date | None]:
    """Why a listed document is not destroyed when the list is executed on ``today`` (None:
    it is destroyed), and the day its period now ends; the reason is in Vietnamese because it
    goes into the destruction record as it is."""
    if status != "stored":
        gone = {"disposed": "đã được hủy trước đó"}.get(status or "", "không có trong kho")
        return f"không còn lưu trong kho ({gone})", None
    if hold_ids:
        return ("đang bị phong tỏa theo lệnh lưu giữ số " + ", ".join(map(str, hold_ids))
                + " (đặt sau khi danh mục được phê duyệt)"), None
    if now is not None and now.unreviewed:
        return UNREVIEWED, now.eligible_on
    if now is not None and now.in_use:
        return ("đang được dùng trong hồ sơ chưa giải quyết xong: " + ", ".join(now.in_use)
                + " (giữ đến khi hồ sơ có kết quả)"), now.eligible_on
    due_on = now.eligible_on if now is not None else None
    if due_on is None:
        basis = f": {now.basis}" if now is not None else ""
        return f"chưa hết thời hạn bảo quản vào ngày hủy {_vn_day(today)}{basis}", None
    if due_on > today:
        return (f"chưa hết thời hạn bảo quản vào ngày hủy {_vn_day(today)}: hết hạn ngày "
                f"{_vn_day(due_on)}"), due_on
    return None, due_on


def _vn_day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def blobs_to_remove(archive: Archive, list_id: int, limit: int) -> list[tuple[str, list[str]]]:
    """Disposed items whose blobs are not yet removed (step 2, also after a crash)."""
    with archive.transaction(write=False) as conn:
        rows = conn.execute(
            select(DisposalItem.document_id, DisposalItem.blobs)
            .where(DisposalItem.list_id == list_id, DisposalItem.status == ITEM_DISPOSED,
                   DisposalItem.blobs_removed.is_(False))
            .order_by(DisposalItem.position).limit(limit)).all()
    return [(r.document_id, list(r.blobs or [])) for r in rows]


def remove_blobs(archive: Archive, list_id: int, items: Sequence[tuple[str, list[str]]], *,
                 by: str) -> dict[str, int]:
    """Step 2: delete the items' blobs that nothing kept points at; mark the items done.

    The files about to go (and their sizes) are written to the audit log first, in their own
    commit: a run killed after deleting them, or one whose record could not be signed, leaves
    them gone and unmarked, and the run that finishes the list finds them no more — the
    destruction record counts them from that event (``deleted``), not from what it deletes."""
    wanted = list(dict.fromkeys(sha for _, shas in items for sha in shas))
    with archive.transaction(write=False) as conn:
        kept = kept_references(conn, wanted)
    doomed: dict[str, int] = {}
    shared = [sha for sha in wanted if sha in kept]
    for sha in wanted:
        if sha not in kept and (size := archive.blobs.size(sha)) is not None:
            doomed[sha] = size
    if doomed or shared:
        with archive.transaction(write=True) as conn:
            audit_log.append(conn, DELETING, actor=by, target=target(list_id),
                             detail={"files": doomed, "shared": shared})
    for sha in doomed:
        archive.blobs.delete(sha)
    faults.point("disposal_after_blob_delete")
    with archive.transaction(write=True) as conn:
        conn.execute(update(DisposalItem).where(
            DisposalItem.list_id == list_id,
            DisposalItem.document_id.in_([doc_id for doc_id, _ in items])
        ).values(blobs_removed=True, done_at=utc_now()))  # its files gone: its end
    return {"removed": len(doomed), "shared": len(shared), "bytes": sum(doomed.values())}


def deleted(archive: Archive, list_id: int) -> dict[str, int]:
    """What executing the list deleted, over every run (an interrupted one included): the files
    named by its ``disposal.deleting`` events that are gone now, their bytes, and the files
    kept because a kept document still uses them."""
    e = AUDIT.entries.c
    files: dict[str, int] = {}
    shared: set[str] = set()
    with archive.transaction(write=False) as conn:
        for detail in conn.execute(select(e.detail).where(
                e.target == target(list_id), e.action == DELETING).order_by(e.seq)).scalars():
            event = json.loads(detail)
            files.update(event.get("files") or {})
            shared.update(event.get("shared") or ())
    # planned and gone: a deletion that failed is not claimed; a file shared by a document
    # a later batch destroyed was deleted then, and is counted so
    gone = {sha: size for sha, size in files.items() if not archive.blobs.exists(sha)}
    return {"removed": len(gone), "shared": len(shared - files.keys()),
            "bytes": sum(gone.values())}


def finish(archive: Archive, list_id: int, record: bytes, *, by: str,
           summary: dict[str, Any]) -> dict[str, Any]:
    """Step 3: keep the destruction record (blob first) and close the list."""
    sha = archive.blobs.put(record)
    faults.point("disposal_after_record_blob")
    now = utc_now()
    with archive.transaction(write=True) as conn:
        if _status(conn, list_id) != LIST_EXECUTING:
            raise WorkflowError(f"danh mục {list_id} không ở trạng thái đang hủy")
        conn.execute(update(DisposalList).where(DisposalList.id == list_id).values(
            status=LIST_EXECUTED, executed_at=now, record_sha256=sha, record_size=len(record),
            summary=summary))
        audit_log.append(conn, "disposal.executed", actor=by, target=target(list_id),
                         detail={**summary, "record_sha256": sha})
    return get(archive, list_id, items=False)


# --- reads -------------------------------------------------------------------------------

def get(archive: Archive, list_id: int, *, items: bool = True) -> dict[str, Any]:
    with archive.transaction(write=False) as conn:
        row = conn.execute(select(DisposalList).where(DisposalList.id == list_id)
                           ).mappings().first()
        if row is None:
            raise NotFoundError(f"không có danh mục tiêu hủy số {list_id}; sohoa disposal "
                                "list liệt kê các danh mục")
        counts = dict(conn.execute(
            select(DisposalItem.status, func.count()).where(DisposalItem.list_id == list_id)
            .group_by(DisposalItem.status)).all())
        pages = conn.execute(select(func.coalesce(func.sum(DisposalItem.page_count), 0))
                             .where(DisposalItem.list_id == list_id)).scalar_one()
        result = _list_dict(row)
        result["counts"] = {k: int(counts.get(k, 0))
                            for k in (ITEM_LISTED, ITEM_DISPOSED, ITEM_SKIPPED)}
        result["documents"] = sum(result["counts"].values())
        result["pages"] = int(pages)
        ran = _runners(conn, list_id)
        result["proposed_run_by"], result["approved_run_by"] = ran["proposed"], ran["approved"]
        if items:
            result["items"] = [_item_dict(r) for r in conn.execute(
                select(DisposalItem).where(DisposalItem.list_id == list_id)
                .order_by(DisposalItem.position)).mappings()]
    return result


def record_pdf(archive: Archive, list_id: int) -> bytes:
    """The signed destruction record of an executed list (re-hashed on read)."""
    with archive.transaction(write=False) as conn:
        status = _status(conn, list_id)
        sha = conn.execute(select(DisposalList.record_sha256).where(
            DisposalList.id == list_id)).scalar_one()
    if sha is None:
        raise NotFoundError(f"danh mục {list_id} {_said(status)}; biên bản hủy chỉ được lập "
                            f"khi thực hiện hủy (sohoa disposal execute {list_id})")
    return archive.blobs.get(sha)


def lists(archive: Archive) -> list[dict[str, Any]]:
    with archive.transaction(write=False) as conn:
        ids = list(conn.execute(select(DisposalList.id).order_by(DisposalList.id)).scalars())
    return [get(archive, i, items=False) for i in ids]


def record_shas(conn: Connection) -> list[tuple[int, str]]:
    """(list id, destruction record blob) of every executed list."""
    return [(r.id, r.record_sha256) for r in conn.execute(
        select(DisposalList.id, DisposalList.record_sha256)
        .where(DisposalList.record_sha256.is_not(None)).order_by(DisposalList.id))]


def kept_references(conn: Connection, shas: Sequence[str]) -> set[str]:
    """Which of these blobs a stored document, a stored document's page or rescan or a
    destruction record points at (a disposed tombstone's references do not count)."""
    found: set[str] = set()
    for start in range(0, len(shas), _CHUNK):
        chunk = list(shas[start:start + _CHUNK])
        found.update(conn.execute(select(Document.pdf_sha256).where(
            Document.pdf_sha256.in_(chunk), IS_STORED)).scalars())
        found.update(conn.execute(
            select(PageRow.blob_sha256).join(Document, Document.id == PageRow.document_id)
            .where(PageRow.blob_sha256.in_(chunk), IS_STORED)).scalars())
        found.update(conn.execute(
            select(PageRow.original_sha256).join(Document, Document.id == PageRow.document_id)
            .where(PageRow.original_sha256.in_(chunk), IS_STORED)).scalars())
        found.update(conn.execute(
            select(PageRescan.blob_sha256).join(Document, Document.id == PageRescan.document_id)
            .where(PageRescan.blob_sha256.in_(chunk), IS_STORED)).scalars())
        found.update(conn.execute(select(DisposalList.record_sha256).where(
            DisposalList.record_sha256.in_(chunk))).scalars())
    return found


def _previous_revisions(conn: Connection, ids: Iterable[str]) -> dict[str, list[str]]:
    """Earlier revisions of the PDFs (signature renewal keeps them): named only in the audit
    log, where ``replace_pdf`` wrote them."""
    e = AUDIT.entries.c
    out: dict[str, list[str]] = {}
    for row in conn.execute(select(e.target, e.detail).where(
            e.target.in_(list(ids)), e.action == "signature.renewed")):
        previous = json.loads(row.detail).get("previous_pdf")
        if isinstance(previous, str):
            out.setdefault(row.target, []).append(previous)
    return out


def same_person(a: str | None, b: str | None) -> bool:
    """The same name however it was typed (Unicode form, case, spacing, with or without its
    diacritics): "Nguyen Van An" may not approve what "Nguyễn Văn An" proposed."""
    def key(name: str | None) -> str:
        return " ".join(fold(nfc(name or "")).split())
    return bool(key(a)) and key(a) == key(b)


def _status(conn: Connection, list_id: int) -> str:
    status = conn.execute(select(DisposalList.status).where(DisposalList.id == list_id)
                          ).scalar_one_or_none()
    if status is None:
        raise NotFoundError(f"không có danh mục tiêu hủy số {list_id}; sohoa disposal list "
                            "liệt kê các danh mục")
    return status


def _count_items(conn: Connection, list_id: int, status: str) -> int:
    return int(conn.execute(select(func.count()).select_from(DisposalItem).where(
        DisposalItem.list_id == list_id, DisposalItem.status == status)).scalar_one())


def _list_dict(r: Any) -> dict[str, Any]:
    return {"list": r["id"], "status": r["status"], "as_of": iso(r["as_of"]),
            "note": r["note"], "criteria": r["criteria"], "proposed_by": r["proposed_by"],
            "proposed_at": iso(r["proposed_at"]), "decision": r["decision"],
            "approved_by": r["approved_by"], "approved_at": iso(r["approved_at"]),
            "executed_by": r["executed_by"], "started_at": iso(r["started_at"]),
            "executed_at": iso(r["executed_at"]), "cancel_reason": r["cancel_reason"],
            "record": {"sha256": r["record_sha256"], "size": r["record_size"]}
            if r["record_sha256"] else None,
            "summary": r["summary"]}


def _item_dict(r: Any) -> dict[str, Any]:
    return {"position": r["position"], "document_id": r["document_id"],
            "doc_type": r["doc_type"], "title": r["title"], "dossier_code": r["dossier_code"],
            "owner_id": r["owner_id"], "unit": r["unit"],
            "document_number": r["document_number"], "issue_date": iso(r["issue_date"]),
            "pages": r["page_count"], "retention": r["retention"],
            "eligible_on": iso(r["eligible_on"]), "basis": r["basis"], "status": r["status"],
            "reason": r["reason"], "blobs_removed": bool(r["blobs_removed"]),
            "done_at": iso(r["done_at"])}

