"""Retention: when each stored document may be disposed of, and why.

The period comes from the document-type registry (``retention = "years:N"`` counted from the
issue date, or ``"permanent"``) unless the dossier has an override (``sohoa retention set``):
N years or permanently, counted from the issue date, the dossier's closing or the owner's death.
Those events are facts recorded with ``sohoa retention event``. When the date a period is
counted from is unknown the rule falls back, always towards keeping longer, and says so:

* issue date unknown → counted from the day the document was archived (never earlier than
  its issue);
* dossier closing not recorded → counted from the day the dossier's last document was archived;
* owner's death not recorded → not eligible at all until it is.

Two floors no rule goes under (tester13 F10, F11), both towards keeping longer:

* a period never starts before the paper entered the archive: the archives rules count a
  record's period from the end of the matter it was filed for (TT 10/2022/TT-BNV, "tính từ năm
  công việc kết thúc"), and a paper handed in to a dossier today belongs to today's matter, not
  to the year printed on it — so the start is the later of the rule's date and the day the paper
  was archived; a misread issue date can then never make a paper due earlier;
* a dossier's override may lengthen a paper's period but never shorten it below its type's
  (the type's period is the retention table's, a minimum; "permanent" stays permanent):
  ``set_override`` refuses such an override, and one recorded before that rule is applied as
  the longer of the two, with a note.

A paper still waiting for review (nobody has looked at what was read from it) is never due: it
is counted apart, with the reason, until a person has reviewed it.

Functions over an open :class:`~sohoa.archive.Archive` or a connection.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, select

from sohoa.archive import audit as audit_log
from sohoa.archive import holds
from sohoa.archive.archivist_models import (
    COUNTED_FROM,
    EVENTS,
    ITEM_LISTED,
    LIST_APPROVED,
    LIST_EXECUTING,
    LIST_PROPOSED,
    DisposalItem,
    DisposalList,
    RetentionEvent,
    RetentionOverride,
)
from sohoa.archive.catalog import upsert
from sohoa.archive.documents import IS_STORED
from sohoa.archive.models import Document, Dossier, Owner
from sohoa.archive.review_models import ReviewEvent
from sohoa.archive.values import iso, utc_now, vietnam_day
from sohoa.clock import latest_past_day, shown_date
from sohoa.doctypes import Registry, add_months, load_registry
from sohoa.errors import ConfigError, NotFoundError, WorkflowError
from sohoa.vntext import nfc

if TYPE_CHECKING:
    from sohoa.archive import Archive

OPEN_LISTS = (LIST_PROPOSED, LIST_APPROVED, LIST_EXECUTING)
_FROM_LABEL = {"issue": "ngày ban hành", "closing": "ngày kết thúc hồ sơ",
               "death": "ngày chủ sở hữu qua đời"}


@dataclass(frozen=True)
class Eligibility:
    """What the retention rules say about one stored document on a given day."""

    document_id: str
    doc_type: str
    unit: str | None
    dossier_code: str
    owner_id: str | None
    title: str
    document_number: str | None
    issue_date: date | None
    page_count: int
    retention: str  # "Vĩnh viễn" | "10 năm"
    eligible_on: date | None  # None: kept permanently, or until an unknown event is recorded
    basis: str  # how the date was reached, in words
    notes: tuple[str, ...] = ()  # fallbacks taken (an unknown event date), in words
    holds: tuple[int, ...] = ()
    on_list: int | None = None  # an open disposal list already names it
    # dossiers not yet settled that use it (a component reused from the store, or their
    # result): the paper is in use, whatever its own period says
    in_use: tuple[str, ...] = ()
    # still waiting for review: what was read from it is nobody's word yet (never due)
    unreviewed: bool = False
    # the day the period starts and how that day was obtained, in words
    starts_on: date | None = None
    start_said: str = ""

    def eligible(self, as_of: date) -> bool:
        """The period has ended on ``as_of`` (whatever else keeps the paper)."""
        return self.eligible_on is not None and self.eligible_on <= as_of

    def due(self, as_of: date) -> bool:
        """Eligible on ``as_of`` and free to propose (reviewed, no hold, on no open list, used
        by no dossier still being settled)."""
        return (self.eligible(as_of) and not self.unreviewed
                and not self.holds and self.on_list is None and not self.in_use)

    def as_dict(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "doc_type": self.doc_type, "unit": self.unit,
                "dossier_code": self.dossier_code, "owner_id": self.owner_id,
                "title": self.title, "document_number": self.document_number,
                "issue_date": iso(self.issue_date), "pages": self.page_count,
                "retention": self.retention, "eligible_on": iso(self.eligible_on),
                "basis": self.basis, "notes": list(self.notes), "holds": list(self.holds),
                "on_list": self.on_list, "in_use": list(self.in_use),
                "unreviewed": self.unreviewed, "starts_on": iso(self.starts_on),
                "start": self.start_said}


@dataclass(frozen=True)
class _Rule:
    years: int | None
    counted_from: str
    basis: str


def evaluate(conn: Connection, *, registry: Registry, doc_type: str | None = None,
             unit: str | None = None, dossier: str | None = None, owner: str | None = None,
             document_ids: Sequence[str] | None = None) -> Iterator[Eligibility]:
    """Eligibility of every stored document matching the filters, in id order."""
    overrides = {r.dossier_code: r for r in conn.execute(select(RetentionOverride))}
    events: dict[tuple[str, str, str], date] = {
        (r.subject, r.subject_id, r.event): r.on_date
        for r in conn.execute(select(RetentionEvent))}
    held = holds.active(conn)
    listed = dict(conn.execute(
        select(DisposalItem.document_id, DisposalItem.list_id)
        .join(DisposalList, DisposalList.id == DisposalItem.list_id)
        .where(DisposalList.status.in_(OPEN_LISTS), DisposalItem.status == ITEM_LISTED)).all())
    using = in_use(conn, document_ids)
    last_archived = dict(conn.execute(
        select(Document.dossier_code, func.max(Document.ingested_at))
        .group_by(Document.dossier_code)).all())
    confirmed = _issue_date_reviewers(conn, document_ids)

    stmt = select(Document.id, Document.doc_type, Document.unit, Document.dossier_code,
                  Document.owner_id, Document.title, Document.document_number,
                  Document.issue_date, Document.ingested_at, Document.page_count,
                  Document.retention, Document.needs_review
                  ).where(IS_STORED).order_by(Document.id)
    for column, value in ((Document.doc_type, doc_type), (Document.unit, unit),
                          (Document.dossier_code, dossier), (Document.owner_id, owner)):
        if value:
            stmt = stmt.where(column == nfc(value))
    if document_ids is not None:
        stmt = stmt.where(Document.id.in_(list(document_ids)))
    for row in conn.execute(stmt):
        rule = _rule(registry, overrides.get(row.dossier_code), row.doc_type, row.retention)
        eligible_on, notes, starts_on, said = _eligible_on(rule, row, events, last_archived,
                                                           confirmed.get(row.id))
        yield Eligibility(
            document_id=row.id, doc_type=row.doc_type, unit=row.unit,
            dossier_code=row.dossier_code, owner_id=row.owner_id, title=row.title,
            document_number=row.document_number, issue_date=row.issue_date,
            page_count=row.page_count,
            retention="Vĩnh viễn" if rule.years is None else f"{rule.years} năm",
            eligible_on=eligible_on, basis=rule.basis, notes=tuple(notes),
            holds=tuple(held.on(row.id, row.dossier_code, row.owner_id)),
            on_list=listed.get(row.id), in_use=tuple(using.get(row.id, ())),
            unreviewed=bool(row.needs_review), starts_on=starts_on, start_said=said)


def _issue_date_reviewers(conn: Connection, document_ids: Sequence[str] | None
                          ) -> dict[str, str]:
    """Documents whose issue date a reviewer corrected or confirmed, with the last reviewer
    who did: every other issue date is only what the machine read."""
    stmt = (select(ReviewEvent.document_id, ReviewEvent.reviewer)
            .where(ReviewEvent.field == "issue_date",
                   ReviewEvent.action.in_(("correct", "confirm")))
            .order_by(ReviewEvent.id))
    if document_ids is not None:
        stmt = stmt.where(ReviewEvent.document_id.in_(list(document_ids)))
    return dict(conn.execute(stmt).all())


# A dossier in these states is still being settled: the papers it uses are in use.
OPEN_DOSSIER = ("queued", "received", "processing", "supplement")


def in_use(conn: Connection, document_ids: Sequence[str] | None = None
           ) -> dict[str, list[str]]:
    """Documents used by a dossier not yet settled — as one of its components (digitized for
    it or reused from the store) or as its result — with those dossiers' codes."""
    from sohoa.archive.dossier_models import DossierComponent, DossierResult

    out: dict[str, list[str]] = {}
    for table in (DossierComponent, DossierResult):
        stmt = (select(table.document_id, table.dossier_code)
                .join(Dossier, Dossier.code == table.dossier_code)
                .where(Dossier.status.in_(OPEN_DOSSIER), table.document_id.is_not(None)))
        if document_ids is not None:
            stmt = stmt.where(table.document_id.in_(list(document_ids)))
        for doc_id, code in conn.execute(stmt):
            if code not in out.setdefault(doc_id, []):
                out[doc_id].append(code)
    return out


def _rule(registry: Registry, override: Any, doc_type: str, stored: str | None) -> _Rule:
    own = _type_rule(registry, doc_type, stored)
    if override is None:
        return own
    years = override.years
    term = "vĩnh viễn" if years is None else f"{years} năm"
    if shortens(years, own.years):
        # Recorded before overrides could only lengthen (tester13 F10): the type's period is
        # the minimum, so it stands — and says why the dossier's is not applied.
        return _Rule(own.years, own.counted_from,
                     f"{own.basis}; thời hạn riêng của hồ sơ ({term}, {override.reason}) ngắn "
                     "hơn thời hạn của loại nên không áp dụng")
    return _Rule(years, override.counted_from,
                 f"hồ sơ: {term} tính từ {_FROM_LABEL[override.counted_from]} "
                 f"({override.reason})")


def shortens(years: int | None, type_years: int | None) -> bool:
    """Whether a period of ``years`` (None: permanent) is shorter than a type's."""
    if years is None:
        return False
    return type_years is None or years < type_years


def _type_rule(registry: Registry, doc_type: str, stored: str | None) -> _Rule:
    if doc_type in registry:
        t = registry.get(doc_type)
        if t.retention_years is None:
            return _Rule(None, "issue", f"loại {t.name}: vĩnh viễn")
        return _Rule(t.retention_years, "issue",
                     f"loại {t.name}: {t.retention_years} năm tính từ ngày ban hành")
    # A type no longer in the registry: what was recorded at ingest, else keep.
    kind, _, arg = (stored or "permanent").partition(":")
    if kind == "years" and arg.isdigit():
        return _Rule(int(arg), "issue", f"ghi khi lưu: {arg} năm tính từ ngày ban hành")
    return _Rule(None, "issue", "loại không còn trong danh mục: giữ vĩnh viễn")


def _eligible_on(rule: _Rule, row: Any, events: Mapping[tuple[str, str, str], date],
                 last_archived: Mapping[str, datetime], reviewer: str | None = None
                 ) -> tuple[date | None, list[str], date | None, str]:
    """The day the period ends, the fallbacks taken, the day it starts and how that day was
    obtained (in words)."""
    archived = vietnam_day(row.ingested_at)
    if rule.years is None:
        return None, [], None, ""
    notes: list[str] = []
    start: date | None
    counted_from = rule.counted_from
    if counted_from == "death" and not row.owner_id:
        notes.append("không có chủ sở hữu để tính từ ngày mất: tính từ ngày ban hành")
        counted_from = "issue"
    if counted_from == "death":
        start = events.get(("owner", row.owner_id, "died"))
        if start is None:
            notes.append(f"chưa ghi ngày mất của chủ sở hữu {row.owner_id}: giữ đến khi ghi "
                         f"(sohoa retention event --owner {row.owner_id} --died NGÀY)")
            return None, notes, None, ""
        said = f"ngày mất của chủ sở hữu {shown_date(start)} (đã ghi bằng retention event)"
    elif counted_from == "closing":
        start = events.get(("dossier", row.dossier_code, "closed"))
        if start is None:
            last = last_archived.get(row.dossier_code) or row.ingested_at
            start = vietnam_day(last)
            notes.append(f"chưa ghi ngày kết thúc hồ sơ {row.dossier_code}: tính từ ngày lưu "
                         f"giấy tờ cuối cùng của hồ sơ, {shown_date(start)}")
            said = f"ngày lưu giấy tờ cuối cùng của hồ sơ {shown_date(start)}"
        else:
            said = f"ngày kết thúc hồ sơ {shown_date(start)} (đã ghi bằng retention event)"
    else:
        start = row.issue_date
        if start is None:
            start = archived
            notes.append(f"không rõ ngày ban hành: tính từ ngày lưu vào kho, "
                         f"{shown_date(start)}")
            said = f"ngày lưu vào kho {shown_date(start)} (không rõ ngày ban hành)"
        elif reviewer:
            said = f"ngày ban hành {shown_date(start)}, {reviewer} đã xác nhận khi rà soát"
        else:
            said = f"ngày ban hành {shown_date(start)} do máy đọc, chưa người xác nhận"
    if start < archived:
        # Never before the paper entered the archive (its matter had not ended before then):
        # a year read on the paper — misread or not — cannot make it due earlier.
        said = (f"ngày lưu vào kho {shown_date(archived)} (thời hạn không tính từ trước khi "
                f"giấy tờ vào kho; {said})")
        start = archived
    return add_months(start, 12 * rule.years), notes, start, said


def plan(archive: Archive, *, as_of: date, registry: Registry,
         doc_type: str | None = None, unit: str | None = None) -> list[dict[str, Any]]:
    """The retention plan grouped by document type and unit: how many documents are kept
    permanently, held, already on a list, due on ``as_of``, and when the others fall due."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    with archive.transaction(write=False) as conn:
        for e in evaluate(conn, registry=registry, doc_type=doc_type, unit=unit):
            key = (e.doc_type, e.unit or "")
            g = groups.get(key)
            if g is None:
                name = registry.get(e.doc_type).name if e.doc_type in registry else e.doc_type
                g = groups[key] = {
                    "doc_type": e.doc_type, "type_name": name, "unit": e.unit,
                    "retention": set(), "documents": 0, "permanent": 0, "held": 0,
                    "on_list": 0, "due": 0, "waiting": 0, "unknown": 0, "unreviewed": 0,
                    "unreviewed_documents": [],
                    "next_eligible_on": None, "eligible_dates": {}, "notes": {},
                    "due_documents": []}
            g["documents"] += 1
            g["retention"].add(e.retention)
            for note in e.notes:
                kind = note.split(":")[0]
                g["notes"][kind] = g["notes"].get(kind, 0) + 1
            if e.holds:
                g["held"] += 1
            elif e.on_list is not None:
                g["on_list"] += 1
            elif e.unreviewed and e.eligible(as_of):
                # past its period but nobody has looked at it: listed apart, never proposed
                g["unreviewed"] += 1
                g["unreviewed_documents"].append(e.document_id)
            elif e.eligible_on is None:
                g["permanent" if e.retention == "Vĩnh viễn" else "unknown"] += 1
            else:
                day = e.eligible_on.isoformat()
                g["eligible_dates"][day] = g["eligible_dates"].get(day, 0) + 1
                if e.eligible_on <= as_of:
                    g["due"] += 1
                    g["due_documents"].append(e.document_id)
                else:
                    g["waiting"] += 1
                    if g["next_eligible_on"] is None or day < g["next_eligible_on"]:
                        g["next_eligible_on"] = day
    result = []
    for key in sorted(groups):
        g = groups[key]
        g["retention"] = ", ".join(sorted(g["retention"]))
        g["eligible_dates"] = dict(sorted(g["eligible_dates"].items()))
        g["notes"] = [{"note": k, "documents": n} for k, n in sorted(g["notes"].items())]
        g["as_of"] = as_of.isoformat()
        result.append(g)
    return result


def set_override(archive: Archive, dossier: str, *, years: int | None, counted_from: str,
                 reason: str, by: str, registry: Registry | None = None) -> dict[str, Any]:
    """Keep a dossier N years (or permanently, ``years=None``) from an event — never shorter
    than any of its papers' types (WorkflowError naming them)."""
    if counted_from not in COUNTED_FROM:
        raise ConfigError(f"thời hạn tính từ một trong {', '.join(COUNTED_FROM)}")
    if years is not None and years < 1:
        raise ConfigError("thời hạn lưu ít nhất 1 năm, hoặc --permanent (vĩnh viễn)")
    code = nfc(dossier.strip())
    why = holds.require_text(reason, "lý do đặt thời hạn riêng (--reason)")
    who = holds.require_text(by, "người đặt (--by hoặc SOHOA_USER)")
    now = utc_now()
    with archive.transaction(write=True) as conn:
        _require(conn, Dossier.code, code, "dossier")
        _refuse_shortening(conn, registry or load_registry(), code, years)
        upsert(conn, RetentionOverride.__table__, {
            "dossier_code": code, "years": years, "counted_from": counted_from,
            "reason": why, "set_by": who, "set_at": now,
        }, key=("dossier_code",), update=("years", "counted_from", "reason", "set_by", "set_at"))
        audit_log.append(conn, "retention.override_set", actor=who, target=code, detail={
            "years": years, "permanent": years is None, "counted_from": counted_from,
            "reason": why})
    return {"dossier_code": code, "years": years, "permanent": years is None,
            "counted_from": counted_from, "reason": why, "set_by": who, "set_at": iso(now)}


def _refuse_shortening(conn: Connection, registry: Registry, code: str,
                       years: int | None) -> None:
    """An override only lengthens (tester13 F10): a type's period is the retention table's
    minimum, set for every paper of that type; no single person shortens it for one dossier
    — and a permanent paper (civil status, land) is never shortened at all."""
    cut: dict[str, tuple[str, int | None, int]] = {}
    for doc_type, stored in conn.execute(
            select(Document.doc_type, Document.retention)
            .where(IS_STORED, Document.dossier_code == code)):
        own = _type_rule(registry, doc_type, stored).years
        if shortens(years, own):
            name = registry.get(doc_type).name if doc_type in registry else doc_type
            n = cut.get(doc_type, (name, own, 0))[2]
            cut[doc_type] = (name, own, n + 1)
    if not cut:
        return
    said = "; ".join(f"{name} ({n} giấy tờ): {'vĩnh viễn' if own is None else f'{own} năm'}"
                     for name, own, n in cut.values())
    permanent = any(own is None for _, own, _ in cut.values())
    raise WorkflowError(
        f"không đặt được thời hạn {years} năm cho hồ sơ {code}: ngắn hơn thời hạn bảo quản "
        f"theo loại của {said}. Thời hạn theo loại là mức tối thiểu của bảng thời hạn bảo "
        "quản; thời hạn riêng của một hồ sơ chỉ được kéo dài"
        + (", và giấy tờ bảo quản vĩnh viễn không bao giờ được rút ngắn" if permanent else "")
        + ". Nếu thời hạn của một loại giấy tờ sai, hãy sửa thời hạn của loại đó trong "
        "doctypes.toml (áp dụng cho mọi hồ sơ, có người duyệt thay đổi cấu hình)")


def clear_override(archive: Archive, dossier: str, *, reason: str, by: str) -> None:
    code = nfc(dossier.strip())
    why = holds.require_text(reason, "lý do (--reason)")
    who = holds.require_text(by, "người bỏ thời hạn riêng (--by hoặc SOHOA_USER)")
    with archive.transaction(write=True) as conn:
        gone = conn.execute(delete(RetentionOverride).where(
            RetentionOverride.dossier_code == code)).rowcount
        if not gone:
            raise NotFoundError(f"hồ sơ {code} không có thời hạn lưu riêng")
        audit_log.append(conn, "retention.override_cleared", actor=who, target=code,
                         detail={"reason": why})


def record_event(archive: Archive, event: str, subject_id: str, on_date: date, *,
                 reason: str | None, by: str) -> dict[str, Any]:
    """Record that a dossier closed or an owner died on a date (periods count from it)."""
    subject = EVENTS.get(event)
    if subject is None:
        raise ConfigError(f"sự kiện tính thời hạn là {', '.join(EVENTS)}, không phải "
                          f"{event!r}")
    key = nfc(subject_id.strip())
    latest = latest_past_day()
    if on_date > latest:
        # A day that has not come is no fact to count a retention period from (tester10 F35).
        happened = "kết thúc hồ sơ" if event == "closed" else "mất"
        raise ConfigError(f"ngày {happened} {shown_date(on_date)} chưa tới (hôm nay là "
                          f"{shown_date(latest)}); kiểm tra lại ngày đã nhập")
    who = holds.require_text(by, "người ghi (--by hoặc SOHOA_USER)")
    why = nfc(reason.strip()) if reason and reason.strip() else None
    now = utc_now()
    with archive.transaction(write=True) as conn:
        if subject == "dossier":
            _require(conn, Dossier.code, key, "dossier")
        else:
            _require(conn, Owner.id, key, "owner")
        before = conn.execute(select(RetentionEvent.on_date).where(
            RetentionEvent.subject == subject, RetentionEvent.subject_id == key,
            RetentionEvent.event == event)).scalar()
        upsert(conn, RetentionEvent.__table__, {
            "subject": subject, "subject_id": key, "event": event, "on_date": on_date,
            "reason": why, "recorded_by": who, "recorded_at": now,
        }, key=("subject", "subject_id", "event"),
            update=("on_date", "reason", "recorded_by", "recorded_at"))
        audit_log.append(conn, f"retention.{subject}_{event}", actor=who, target=key,
                         detail={"on": on_date, "reason": why})
    return {"subject": subject, "subject_id": key, "event": event, "on": iso(on_date),
            "reason": why, "recorded_by": who,
            "replaced": iso(before) if before is not None and before != on_date else None}


def overrides(archive: Archive) -> list[dict[str, Any]]:
    with archive.transaction(write=False) as conn:
        rows = conn.execute(select(RetentionOverride).order_by(RetentionOverride.dossier_code))
        return [{"dossier_code": r["dossier_code"], "years": r["years"],
                 "permanent": r["years"] is None, "counted_from": r["counted_from"],
                 "reason": r["reason"], "set_by": r["set_by"], "set_at": iso(r["set_at"])}
                for r in rows.mappings()]


def _require(conn: Connection, column: Any, value: str, what: str) -> None:
    if conn.execute(select(column).where(column == value)).first() is None:
        said = "hồ sơ" if what == "dossier" else "chủ sở hữu"
        raise NotFoundError(f"không có {said} {value!r} trong kho; hãy kiểm tra "
                            f"{'mã hồ sơ' if what == 'dossier' else 'số định danh'}")
