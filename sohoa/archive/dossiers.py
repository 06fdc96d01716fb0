"""Dossiers as first-class records: opened by the one-stop system, their components satisfied by
scans or by reuse, their status history, their results, and the digitization codes.

Functions over an open :class:`~sohoa.archive.Archive` (one write transaction each, its audit
event inside it) and two hooks that run inside ``documents.insert``'s transaction: a scanned
document fills its dossier's component of the same type, and gets its digitization code.
Messages are Vietnamese: desk staff and the one-stop system's operators read them.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select, update

from sohoa.archive import audit as audit_log
from sohoa.archive import outbox
from sohoa.archive.catalog import dossier_locks, upsert, xact_lock
from sohoa.archive.docids import resolve_id
from sohoa.archive.dossier_models import (
    CHANNELS,
    DOSSIER_STATUSES,
    SATISFIED_DIGITIZED,
    SATISFIED_REUSED,
    SATISFIED_STORE,
    DigitizationCounter,
    DossierComponent,
    DossierResult,
    DossierStatus,
)
from sohoa.archive.models import STATUS_STORED, Document, DocumentCoOwner, Dossier, Owner
from sohoa.archive.statements import HOLD_KEY, announce, held, stored_event
from sohoa.archive.values import SYSTEM_ACTOR, utc_now
from sohoa.clock import shown_moment, vietnam_day, vietnam_today
from sohoa.doctypes import load_registry
from sohoa.errors import ConfigError, NotFoundError, WorkflowError
from sohoa.idcodes import requester_id_problems
from sohoa.reasons import reason
from sohoa.reasons import topic as reason_topic
from sohoa.records import (
    OWNER_FROM_CONFLICT,
    SATISFIED_NAMES,
    UNASSIGNED_PREFIX,
    ComponentState,
    DocumentRecord,
    DossierOpening,
    DossierState,
    ResultState,
    StatusChange,
    given_dossier_code,
)
from sohoa.vntext import fold, nfc

if TYPE_CHECKING:
    from sohoa.archive import Archive

DEFAULT_CODE_FORMAT = "{owner}.{procedure}.{component}.{nn:02d}"
_CODE_FIELDS = {"owner", "procedure", "component", "nn"}


class ReuseRefusedError(WorkflowError):
    """A document may not be reused for this dossier (another owner's, expired, disposed)."""

    http_status = 409


def local_day(at: datetime) -> date:
    return vietnam_day(at)


# --- digitization codes (TT 01/2023 Điều 10) ----------------------------------------------


def check_code_format(fmt: str) -> str:
    """The format, if it names only known fields and ends with the counter ``{nn…}``."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(fmt) if f is not None]
    except ValueError as exc:
        raise ConfigError(f"dossiers.code_format {fmt!r} sai cú pháp: {exc}") from None
    unknown = set(fields) - _CODE_FIELDS
    if unknown or not fields or fields[-1] != "nn":
        raise ConfigError(
            f"dossiers.code_format {fmt!r}: chỉ dùng các trường {{owner}}, {{procedure}}, "
            "{component} và kết thúc bằng bộ đếm {nn:02d}")
    return fmt


def _code_prefix(fmt: str, values: dict[str, str]) -> str:
    """The code without its counter: the key NN counts within."""
    parts = []
    for literal, name, spec, conv in string.Formatter().parse(fmt):
        parts.append(literal)
        if name is None:
            continue
        if name == "nn":
            parts.append("{nn}")
            continue
        value = values[name]
        parts.append(format(repr(value) if conv == "r" else value, spec or ""))
    return "".join(parts)


def assign_code(conn: Connection, fmt: str, *, owner: str | None, procedure: str,
                component: str) -> str:
    """Hand out the next digitization code for this prefix inside the caller's transaction.

    The counter row is an upsert: on PostgreSQL the conflicting update locks the row until
    commit, so two desks never get the same NN; on SQLite the write transaction already does."""
    values = {"owner": owner or "", "procedure": procedure, "component": component}
    prefix = _code_prefix(fmt, values)
    upsert(conn, DigitizationCounter.__table__, {"prefix": prefix, "last": 1},
           key=("prefix",), update=())
    conn.execute(update(DigitizationCounter).where(DigitizationCounter.prefix == prefix)
                 .values(last=DigitizationCounter.last + 1))
    last = int(conn.execute(select(DigitizationCounter.last)
                            .where(DigitizationCounter.prefix == prefix)).scalar_one()) - 1
    # The counter starts at 2 after the first upsert+increment; NN starts at 01.
    return fmt.format(nn=last, **values)


# Why a stored paper waits before it fills its dossier's component and gets its code
# (``documents.extra``): its dossier was over when it was scanned, or it is another person's
# than the applicant's. A reviewer's confirmation (the paper no longer needs review) lifts it.
HOLD_SETTLED, HOLD_OWNER = "settled", "owner"
# …or its sheet names a dossier the one-stop system never opened, at a desk whose dossiers it
# opens (tester13 F21): a misprinted or wrong sheet until the dossier is opened or a reviewer
# files the paper (``review set DOC dossier CODE``).
HOLD_UNOPENED = "unopened"
UNOPENED_WHY = "chưa được mở trên hệ thống một cửa"
# The codes a paper had before its type, owner or component changed (``documents.extra``).
CODES_BEFORE = "digitization_codes_before"
OWNER_HOLD_WHY = "giấy tờ thuộc chủ sở hữu khác"


def owner_hold_reason(owner: str, applicant: str, code: str, component: str) -> str:
    """The review reason of a scanned paper of another person than the dossier's applicant:
    the same rule ``reuse`` applies ("thuộc chủ sở hữu khác"), asked at the scan."""
    return reason("dossier", f"{OWNER_HOLD_WHY} ({owner}), không phải người nộp hồ sơ {code} "
                  f"({applicant}); chưa tính vào thành phần “{component}” cho đến khi người rà "
                  "soát xác nhận giấy tờ thuộc hồ sơ này")


def unopened_reason(code: str) -> str:
    """The review reason of a paper scanned behind the sheet of a dossier the one-stop system
    never opened: what a person can do about it, either way."""
    return reason("dossier", f"mã hồ sơ {code} {UNOPENED_WHY}: nếu mã đúng, mở hồ sơ "
                  f"(sohoa dossier open {code} …, hoặc hệ thống một cửa gửi sang) rồi giấy tờ "
                  "mới được gửi đi; nếu tờ mã hồ sơ đặt nhầm, chuyển giấy tờ sang hồ sơ của nó "
                  "(sohoa review set <mã giấy tờ> \"Mã hồ sơ\" <mã hồ sơ>)")


def _unopened_at_open_first_desk(conn: Connection, code: str, dossier: Any,
                                 unit: str | None) -> bool:
    """A dossier only a scan knows (no opening: no ``received_at``), at a desk where the one-stop
    system opens dossiers — it has opened one for this receiving unit. A desk that never had a
    dossier opened works from its sheets, as before; a paper of no desk (an import, a
    migration's legacy papers) says nothing about one."""
    if not unit or code.startswith(UNASSIGNED_PREFIX) or dossier is None \
            or dossier.received_at is not None:
        return False
    return conn.execute(OPENED_AT_UNIT, {"unit": unit}).first() is not None


# One probe of ix_dossiers_opened_unit (partial: opened dossiers only), whatever the number of
# dossiers: this is asked for every paper stored (tester13 F21 scanned the table per paper).
OPENED_AT_UNIT = select(Dossier.receiving_unit).where(
    Dossier.received_at.is_not(None), Dossier.receiving_unit == bindparam("unit")).limit(1)


def on_document_stored(conn: Connection, doc_id: str, rec: DocumentRecord, fmt: str) -> None:
    """Inside the store transaction: fill the dossier's first missing component of this
    document's type, and give the document its digitization code (:func:`place`)."""
    place(conn, doc_id, fmt, stored=True)


def on_document_reviewed(conn: Connection, doc_id: str, fmt: str, *, by: str,
                         as_scanned: bool = False) -> None:
    """Inside a review's transaction, after the document's row changed: its component and
    code follow what the review decided (a new type or owner, a paper confirmed).
    ``as_scanned``: the paper was filed by the code a person read off its receipt, which the
    scan missed — it is placed as the scan would have placed it (a settled dossier's hold,
    another person's paper held for a component of one), nobody having looked at it."""
    if as_scanned:
        place(conn, doc_id, fmt, by=by, stored=True, confirmed=False)
    else:
        place(conn, doc_id, fmt, by=by, confirmed=None)


_PLACE_DOCUMENT = select(
    Document.dossier_code, Document.doc_type, Document.owner_id, Document.proposed_owner_id,
    Document.needs_review, Document.review_reasons, Document.extra, Document.digitization_code,
    Document.status, Document.created_at, Document.unit).where(Document.id == bindparam("doc"))
_PLACE_COMPONENTS = select(
    DossierComponent.id, DossierComponent.code, DossierComponent.name,
    DossierComponent.doc_type, DossierComponent.satisfied, DossierComponent.document_id,
    Document.owner_id).outerjoin(Document, Document.id == DossierComponent.document_id).where(
    DossierComponent.dossier_code == bindparam("code")).order_by(DossierComponent.position)


def place(conn: Connection, doc_id: str, fmt: str, *, by: str = SYSTEM_ACTOR,
          stored: bool = False, confirmed: bool | None = False,
          audits: list[tuple[str, str, str, dict[str, Any]]] | None = None) -> None:
    """Put a stored paper where the truth says, inside the caller's transaction: the component
    of its dossier it fills (by type; a component taken once per party takes each party's own
    paper), and its digitization code (TT 01/2023 Điều 10: owner.procedure.component.NN).

    A paper waits — fills nothing, has no code, and says why in its review reasons — while it
    was scanned under the sheet of a dossier that was over (``stored``: decided at the scan,
    review12 S4), or while it is another person's than the applicant's for a component of one
    person. ``confirmed`` (None: the paper needs no review any more) lifts both: a reviewer
    has looked. A paper with no owner yet gets no code (an empty owner part is no code,
    tester12 F9). A code whose parts changed (the review's new type or owner, the component
    now filled) is given anew; the old one stays in ``extra`` and in the audit log
    (``audits``: kept for the caller to append once it placed every paper — the audit log's
    lock is the last a transaction takes, and a next paper's code takes a counter row).

    Two writers placing papers into one dossier take turns (the dossier's locks,
    :func:`~sohoa.archive.catalog.dossier_locks`): each reads the components the other one
    filled, so both never take the same open row (review13a S1)."""
    doc = conn.execute(_PLACE_DOCUMENT, {"doc": doc_id}).first()
    if doc is None or doc.status != STATUS_STORED or conn.execute(
            select(DossierResult.id).where(DossierResult.document_id == doc_id)).first():
        return  # a result keeps its result-form code (add_result)
    code = nfc(doc.dossier_code)
    dossier_locks(conn, code)  # held already by every caller that changes the paper first
    if confirmed is None:
        confirmed = not doc.needs_review
    dossier = conn.execute(select(Dossier.procedure_code, Dossier.owner_id, Dossier.status,
                                  Dossier.received_at)
                           .where(Dossier.code == code)).first()
    extra = dict(doc.extra or {})
    why = list(doc.review_reasons or [])
    hold = None if confirmed else extra.get(HOLD_KEY)
    if stored and dossier is not None and dossier.status in SETTLED_STATUSES:
        hold = HOLD_SETTLED
    elif stored and _unopened_at_open_first_desk(conn, code, dossier, doc.unit):
        hold = HOLD_UNOPENED
    if hold == HOLD_UNOPENED and dossier is not None and dossier.received_at is not None:
        hold = None  # the one-stop system opened it since: the sheet was right
    comps = conn.execute(_PLACE_COMPONENTS, {"code": code}).all()
    mine = next((c for c in comps if c.document_id == doc_id
                 and c.satisfied == SATISFIED_DIGITIZED), None)
    target, stranger = None, None
    if hold not in (HOLD_SETTLED, HOLD_UNOPENED):
        asked, hold = hold == HOLD_OWNER, None
        who = doc.owner_id or doc.proposed_owner_id
        applicant = dossier.owner_id if dossier is not None else None
        target, stranger = _slot(comps, doc_id, doc.doc_type, who,
                                 None if confirmed else applicant)
        if target is None and stranger is not None:
            hold = HOLD_OWNER
            held_why = owner_hold_reason(who or "", applicant or "", code, stranger.name)
            if held_why not in why:
                why.append(held_why)
        elif asked and target is None and who and applicant and who != applicant:
            # asked before and still another person's: the question stands until a person
            # answers it, even once the applicant's own paper filled the component
            hold = HOLD_OWNER
        elif not confirmed and not who and extra.get("owner_from") == OWNER_FROM_CONFLICT:
            # no owner because the paper and the dossier's receipt disagree: its owner
            # reason already asks the question; nobody is told before a person answers
            hold = HOLD_OWNER
    now = utc_now()
    if not stored:  # a paper a reviewer moved to another dossier frees its old component
        conn.execute(update(DossierComponent).where(
            DossierComponent.document_id == doc_id, DossierComponent.dossier_code != code,
            DossierComponent.satisfied == SATISFIED_DIGITIZED).values(
                satisfied=None, document_id=None, satisfied_at=None, satisfied_by=None))
    if mine is not None and (target is None or target.id != mine.id):
        conn.execute(update(DossierComponent).where(DossierComponent.id == mine.id).values(
            satisfied=None, document_id=None, satisfied_at=None, satisfied_by=None))
    if target is not None and target.document_id != doc_id:
        conn.execute(update(DossierComponent).where(DossierComponent.id == target.id).values(
            satisfied=SATISFIED_DIGITIZED, document_id=doc_id, satisfied_at=now,
            satisfied_by=by))
    for kind, marker in ((HOLD_OWNER, OWNER_HOLD_WHY), (HOLD_UNOPENED, UNOPENED_WHY)):
        if hold != kind:  # a hold lifted takes its question with it
            why = [w for w in why if not (reason_topic(w) == "dossier" and marker in w)]
    if hold is None:
        extra.pop(HOLD_KEY, None)
    else:
        extra[HOLD_KEY] = hold
        if hold == HOLD_SETTLED and not any(reason_topic(w) == "dossier" for w in why):
            why.append(reason("dossier", f"hồ sơ {code} đã kết thúc khi giấy tờ được quét: "
                                         "tờ mã hồ sơ có đúng là của giấy tờ này không?"))
        if hold == HOLD_UNOPENED and not any(UNOPENED_WHY in w for w in why):
            why.append(unopened_reason(code))
    new_code = doc.digitization_code
    if hold is not None or not doc.owner_id:
        new_code = None
    else:
        procedure = (dossier.procedure_code if dossier is not None else None) or doc.doc_type
        values = {"owner": doc.owner_id, "procedure": procedure,
                  "component": target.code if target is not None else None}
        if not _fits(fmt, doc.digitization_code, values):
            if values["component"] is None:
                # No component of this type: the paper's number within its dossier (TT 01/2023
                # Điều 10 allows "component code or number").
                # Its place among them, not their count: the same number when asked again.
                values["component"] = str(int(conn.execute(
                    select(func.count()).select_from(Document).where(
                        Document.dossier_code == code,
                        or_(Document.created_at < doc.created_at,
                            and_(Document.created_at == doc.created_at,
                                 Document.id <= doc_id)))).scalar_one()))
            new_code = assign_code(conn, fmt, owner=values["owner"],
                                   procedure=values["procedure"],
                                   component=str(values["component"]))
    if new_code != doc.digitization_code and doc.digitization_code:
        extra[CODES_BEFORE] = [*extra.get(CODES_BEFORE, []),
                               {"code": doc.digitization_code, "until": now.isoformat()}]
        changed = {"old": doc.digitization_code, "new": new_code, "doc_type": doc.doc_type,
                   "owner_id": doc.owner_id, "dossier": code}
        if audits is None:
            audit_log.append(conn, "document.code_changed", actor=by, target=doc_id,
                             detail=changed)
        else:
            audits.append(("document.code_changed", by, doc_id, changed))
    changes: dict[str, Any] = {}
    if new_code != doc.digitization_code:
        changes["digitization_code"] = new_code
    if extra != dict(doc.extra or {}):
        changes["extra"] = extra
    if why != list(doc.review_reasons or []):
        changes.update(review_reasons=why, needs_review=bool(why))
    if changes:
        conn.execute(update(Document).where(Document.id == doc_id).values(**changes))


def _slot(comps: Sequence[Any], doc_id: str, doc_type: str, who: str | None,
          applicant: str | None) -> tuple[Any, Any]:
    """(the component row this paper fills, or None; the row it would fill were it the
    applicant's, when that is why it fills none). The row it already fills comes first; a
    component taken once per party (its code on several rows) takes one paper of each
    person; a one-person component takes only the applicant's (``applicant`` None: anyone's —
    a reviewer confirmed the paper)."""
    groups: dict[str, list[Any]] = {}
    for c in comps:
        groups.setdefault(c.code, []).append(c)
    stranger = None
    open_rows = [c for c in comps if c.doc_type == doc_type
                 and (c.document_id == doc_id or c.satisfied is None)]
    open_rows.sort(key=lambda c: c.document_id != doc_id)  # stable: its own row first
    for c in open_rows:
        group = groups[c.code]
        if len(group) > 1:
            taken = {g.owner_id for g in group if g.document_id not in (None, doc_id)}
            if who and who in taken:
                continue  # this person's paper is there already: another party's row
            return c, None
        if who and applicant and who != applicant:
            stranger = stranger or c
            continue
        return c, None
    return None, stranger


def _fits(fmt: str, code: str | None, values: dict[str, str | None]) -> bool:
    """Is ``code`` a code of ``fmt`` with these parts (a part None: the paper's number)?"""
    if not code:
        return False
    pattern = []
    for literal, name, _spec, _conv in string.Formatter().parse(fmt):
        pattern.append(re.escape(literal))
        if name is None:
            continue
        value = values.get(name) if name != "nn" else None
        pattern.append(r"\d+" if value is None else re.escape(value))
    return re.fullmatch("".join(pattern), code) is not None


Applicant = tuple[str, str, str | None]  # id, kind, name
Settled = tuple[str, datetime | None]  # status, since when

SETTLED_STATUSES = ("returned", "rejected")  # the dossier is over: no paper joins it any more


def scanned_into(archive: Archive,
                 code: str) -> tuple[Settled | None, Applicant | None, str | None]:
    """What storing papers scanned under dossier ``code``'s sheet needs to know of it, in one
    read of the catalog: whether it is over (:func:`settled`); when it is not, its applicant
    as opened (:func:`opened_applicant`) — a dossier that is over names none for what is
    scanned into it now (review12 M2); and the procedure it was opened for (None: not
    opened, or known only from its scans)."""
    with archive.transaction(write=False) as conn:
        row = conn.execute(select(Dossier.owner_id, Owner.kind, Owner.name, Dossier.received_at,
                                  Dossier.status, Dossier.status_at, Dossier.procedure_code)
                           .outerjoin(Owner, Owner.id == Dossier.owner_id)
                           .where(Dossier.code == nfc(code.strip()))).first()
    if row is None:
        return None, None, None
    procedure = row.procedure_code or None
    if row.status in SETTLED_STATUSES:
        return ((row.status, _aware(row.status_at) if row.status_at is not None else None),
                None, procedure)
    if row.received_at is None or not row.owner_id or requester_id_problems(row.owner_id):
        return None, None, procedure
    shaped = "person" if len(row.owner_id) in (9, 12) else "organization"
    return None, (row.owner_id, row.kind or shaped, row.name), procedure


def opened_applicant(archive: Archive, code: str) -> Applicant | None:
    """Id, kind and name of the applicant of dossier ``code`` as it was opened (``dossier
    open``, the one-stop system), or None: a dossier known only from its scans has none, and
    ingest never writes one (the owner of a dossier is never a reading of sohoa's own). The
    kind is the owner's recorded one, else what the number is (12 or 9 digits: a person; 10,
    or 13 for a branch: an enterprise); a number that is neither gives None."""
    with archive.transaction(write=False) as conn:
        row = conn.execute(select(Dossier.owner_id, Owner.kind, Owner.name)
                           .outerjoin(Owner, Owner.id == Dossier.owner_id)
                           .where(Dossier.code == nfc(code.strip()),
                                  Dossier.received_at.is_not(None))).first()
    if row is None or not row.owner_id or requester_id_problems(row.owner_id):
        return None
    shaped = "person" if len(row.owner_id) in (9, 12) else "organization"
    return row.owner_id, row.kind or shaped, row.name


def settled(archive: Archive, code: str) -> Settled | None:
    """(status, since when) of dossier ``code`` when it is over — its result handed back or
    the dossier refused — else None. A paper scanned under such a dossier's code sheet is more
    likely a sheet put on the wrong stack than a late paper (tester12 F20)."""
    return scanned_into(archive, code)[0]


# --- opening, status -----------------------------------------------------------------------


def _who(by: str | None) -> str:
    who = nfc((by or "").strip())
    if not who:
        raise ConfigError("cho biết ai thực hiện (--by hoặc SOHOA_USER): được ghi vào nhật ký")
    return who


def open_dossier(archive: Archive, spec: DossierOpening, *, by: str) -> tuple[DossierState, bool]:
    """Open a dossier; return (its state, whether anything changed).

    Idempotent: opening the same dossier again with the same facts changes nothing; different
    facts for an opened dossier are refused (the one-stop system must not rewrite history). A
    dossier known only from its scans is completed, and the documents already scanned into it
    fill its components by type."""
    who = _who(by)
    code = nfc(spec.code.strip())
    if not code:
        raise ConfigError("thiếu mã hồ sơ")
    if spec.channel not in CHANNELS:
        raise ConfigError(f"kênh {spec.channel!r} không hợp lệ; chọn một trong: "
                          f"{', '.join(CHANNELS)}")
    if spec.received_at.tzinfo is None:
        raise ConfigError("thời điểm tiếp nhận phải có múi giờ (ví dụ 2026-03-02T08:15+07:00)")
    owner = nfc(spec.owner_id.strip())
    if not owner:
        raise ConfigError("thiếu mã định danh của người nộp hồ sơ (--owner)")
    now = utc_now()
    facts = {"procedure_code": nfc(spec.procedure_code), "procedure_name": nfc(spec.procedure_name),
             "receiving_unit": nfc(spec.unit), "unit_level": spec.unit_level,
             "channel": spec.channel, "owner_id": owner,
             "received_at": spec.received_at.astimezone(UTC),
             "received_date": local_day(spec.received_at),
             "appointment_date": spec.appointment_date}
    with archive.transaction(write=True) as conn:
        dossier_locks(conn, code)
        row = conn.execute(select(Dossier.__table__).where(Dossier.code == code)
                           ).mappings().first()
        if row is not None and row["received_at"] is not None:
            differs = [k for k in ("procedure_code", "receiving_unit", "owner_id", "channel",
                                   "received_at", "appointment_date") if row[k] != facts[k]]
            if differs:
                raise WorkflowError(
                    f"hồ sơ {code} đã được tiếp nhận với thông tin khác ({', '.join(differs)}); "
                    "không ghi đè. Kiểm tra lại mã hồ sơ")
        else:
            if row is None:
                conn.execute(Dossier.__table__.insert().values(
                    code=code, created_at=now, opened_by=who, status="received",
                    status_at=facts["received_at"], **facts))
            else:
                conn.execute(update(Dossier).where(Dossier.code == code).values(
                    opened_by=who, status="received", status_at=facts["received_at"], **facts))
            if spec.components:
                conn.execute(DossierComponent.__table__.insert(), [
                    {"dossier_code": code, "position": i, "code": nfc(c), "name": nfc(n),
                     "doc_type": t, "required": bool(r)}
                    for i, (c, n, t, r) in enumerate(spec.components)])
            conn.execute(DossierStatus.__table__.insert().values(
                dossier_code=code, status="received", at=facts["received_at"],
                recorded_by=who, recorded_at=now))
            outbox.dossier_status_changed(conn, code, "received", None, facts["received_at"])
            # after the opening's event: a target hears of the dossier before of its papers;
            # the audit log hears of it first too (its entry leads the re-coded papers')
            _fill_from_scans(conn, code, archive.digitization_format, now, opened=(
                "dossier.opened", who, f"dossier:{code}", {
                    "procedure": facts["procedure_code"], "unit": facts["receiving_unit"],
                    "channel": spec.channel, "owner_id": owner,
                    "received_at": facts["received_at"].isoformat()}))
            state = _state(conn, code)
            return state, True
        return _state(conn, code), False


def recode_locks(conn: Connection, owners: Iterable[str | None]) -> None:
    """Take ``recode:OWNER`` for each owner whose papers an opening may re-code, in id order,
    before it takes any counter row. Re-coding takes one counter row per paper, in the order
    the papers were stored; two openings of one owner's dossiers (the same procedure, earlier
    scans of the same components stored in opposite orders) took two rows in opposite orders
    and deadlocked on PostgreSQL (store15's one deadlock left). A counter's prefix starts with
    its paper's owner, so two openings that could share a row share this lock and take turns; a
    store or a review takes one counter row and no such lock, so it waits for nobody holding
    one (the lock ranks after the dossiers' and before the chains', ``catalog.lock_rank``)."""
    for owner in sorted({o for o in owners if o}):
        xact_lock(conn, f"recode:{owner}")


def _fill_from_scans(conn: Connection, code: str, fmt: str, now: datetime,
                     opened: tuple[str, str, str, dict[str, Any]]) -> None:
    """Documents scanned before the dossier was opened fill its components by type, under the
    rules a scan follows (:func:`place`); their codes now name the procedure. The targets
    learn it: a paper held for the dossier's opening is announced now, one announced before
    is stated again with its new code (they filed the old one: review13a M1). The audit
    entries — ``opened`` (the dossier's), then the papers' code changes — are appended after
    the last paper is placed: the log is the last lock, and a next paper's code takes a counter
    row (review14a N10: the opening used to be listed after its papers' re-coding)."""
    audits: list[tuple[str, str, str, dict[str, Any]]] = [opened]
    papers = conn.execute(select(Document.id, Document.owner_id).where(
        Document.dossier_code == code, Document.status == STATUS_STORED)
        .order_by(Document.created_at, Document.id)).all()
    recode_locks(conn, [owner for _, owner in papers])
    for doc_id, _owner in papers:
        was_held = held(conn, doc_id)
        before = None if was_held else stored_event(conn, doc_id)
        place(conn, doc_id, fmt, audits=audits)
        announce(conn, doc_id, before=before, was_held=was_held, at=now)
    for action, actor, target, detail in audits:
        audit_log.append(conn, action, actor=actor, target=target, detail=detail)


def set_status(archive: Archive, code: str, status: str, *, at: datetime | None, by: str,
               note: str | None = None,
               refuse: Callable[[str, datetime | None], None] | None = None,
               once: frozenset[str] = frozenset(),
               retake: frozenset[str] = frozenset(),
               ) -> tuple[DossierState, bool]:
    """Record a status change; return (state, changed). The same change twice changes nothing:
    with ``at``, the same status is recorded within the same minute; without it, the dossier is
    already in that status. ``refuse(status, status_at)`` is the caller's rule on the dossier's
    current status, called inside the write transaction with the dossier's row locked, so two
    racing changes cannot both pass it; it raises to refuse (nothing is written). A status
    in ``once`` is recorded once: reported again at any moment the rule lets through, it
    changes nothing — except a status in ``retake`` whose recorded row is not the current step
    while the new moment is after the current step's: that row is a mistyped earlier moment
    left in the history (a result dated before the processing it follows, review11b M4), and
    swallowing the real one would leave the dossier in its earlier step with no way out."""
    who = _who(by)
    code = nfc(code.strip())
    if status not in DOSSIER_STATUSES:
        raise ConfigError(f"trạng thái {status!r} không hợp lệ; chọn một trong: "
                          f"{', '.join(DOSSIER_STATUSES)}")
    if at is not None and at.tzinfo is None:
        raise ConfigError("thời điểm phải có múi giờ (ví dụ 2026-03-02T15:30+07:00)")
    when = (at or utc_now()).astimezone(UTC)
    with archive.transaction(write=True) as conn:
        dossier_locks(conn, code)
        # FOR UPDATE: on PostgreSQL a second change of this dossier waits here until this one
        # commits, then reads what it wrote (SQLite: BEGIN IMMEDIATE already serializes).
        row = conn.execute(select(Dossier.status, Dossier.status_at)
                           .where(Dossier.code == code).with_for_update()).first()
        if row is None:
            raise NotFoundError(f"không có hồ sơ {code}; mở hồ sơ trước bằng "
                                "'sohoa dossier open'")
        if at is None and row.status == status:
            return _state(conn, code), False
        # The same step within the same minute is a resend, not a new step: the help's form
        # (DD/MM/YYYY HH:MM) and the one-stop system's resends carry the minute of a step
        # recorded to the second (tester10 F1: a receipt listed twice in the history). So is
        # a resend of the moment a correction replaced (corrected_from).
        minute = when.replace(second=0, microsecond=0)
        if at is not None and conn.execute(select(DossierStatus.id).where(
                DossierStatus.dossier_code == code, DossierStatus.status == status,
                or_(and_(DossierStatus.at >= minute,
                         DossierStatus.at < minute + timedelta(minutes=1)),
                    and_(DossierStatus.corrected_from >= minute,
                         DossierStatus.corrected_from < minute + timedelta(minutes=1))))
                ).first() is not None:
            return _state(conn, code), False
        # A move to the step the dossier is already in at that moment, with no step between,
        # is a resend with another clock (a retried webhook a minute later, tester11 F19):
        # processing at 08:06, 08:08, 08:09 is one step. Its neighbours in time decide, so
        # processing → supplement → processing stays a new step.
        if at is not None and _same_as_neighbour(conn, code, status, when):
            return _state(conn, code), False
        if refuse is not None:  # before "once": a settled dossier's received is refused
            refuse(row.status, row.status_at)
        if status in once and conn.execute(select(DossierStatus.id).where(
                DossierStatus.dossier_code == code,
                DossierStatus.status == status)).first() is not None and not (
                status in retake and row.status != status and row.status_at is not None
                and when > _aware(row.status_at)):
            return _state(conn, code), False
        conn.execute(DossierStatus.__table__.insert().values(
            dossier_code=code, status=status, at=when, recorded_by=who, recorded_at=utc_now(),
            note=nfc(note) if note else None))
        if row.status_at is None or when >= row.status_at:
            conn.execute(update(Dossier).where(Dossier.code == code)
                         .values(status=status, status_at=when))
        first = {"queued": Dossier.queued_at, "resolved": Dossier.resolved_at,
                 "returned": Dossier.resolved_at}.get(status)
        if first is not None:  # the first such time, whatever order the reports come in
            conn.execute(update(Dossier).where(Dossier.code == code,
                                               or_(first.is_(None), first > when))
                         .values({first.key: when}))
        outbox.dossier_status_changed(conn, code, status, row.status, when)
        # the step it followed, and whether it became the current one (a late report goes
        # into the history only): `audit show` says the move without --json
        audit_log.append(conn, "dossier.status", actor=who, target=f"dossier:{code}",
                         detail={"status": status, "at": when.isoformat(), "note": note,
                                 "from": row.status,
                                 "current": row.status_at is None or when >= row.status_at})
        return _state(conn, code), True


# How far apart the same step, with no other step between, is still one step resent: a
# retried webhook, a re-sync with another clock (tester11 F19: 08:06, 08:08, 08:09). Beyond it
# the same step again is a real one: a second supplement request days later counts in the KPI
# (shared/research/kpi-and-digitization-rules.md, review11b S5). Ten minutes: the order of a
# webhook sender's retry ceiling (sohoa's own backs off to sync.max_backoff_s = 600 s), longer
# than a clerk's retype, far shorter than a real repeat of a step.
RESEND_WINDOW = timedelta(minutes=10)


def _same_as_neighbour(conn: Connection, code: str, status: str, when: datetime) -> bool:
    """Whether the step recorded last at or before ``when``, or the first after it, is
    ``status`` within RESEND_WINDOW of ``when``: a move to it at ``when`` would have no other
    step between, and comes minutes after (or before) that one, a resend."""
    history = conn.execute(select(DossierStatus.status, DossierStatus.at)
                           .where(DossierStatus.dossier_code == code)
                           .order_by(DossierStatus.at, DossierStatus.id)).all()
    before = [h for h in history if _aware(h.at) <= when]
    after = [h for h in history if _aware(h.at) > when]
    return bool(before and before[-1].status == status
                and when - _aware(before[-1].at) <= RESEND_WINDOW) or bool(
        after and after[0].status == status and _aware(after[0].at) - when <= RESEND_WINDOW)


def correct_moment(archive: Archive, code: str, status: str, *, at: datetime, by: str,
                   reason: str, names: dict[str, str]
                   ) -> tuple[DossierState, datetime, bool]:
    """Move the dossier's current step ``status`` (its last one: the caller allows only a
    final step such as ``returned``) to ``at``, a mistyped moment put right. Refused unless that
    step is recorded once and is the current one, and unless ``at`` is not before any other
    step of the history, so the current step stays the current one (checked with the row
    locked, as set_status's rule), and unless it would move the dossier's first-result time
    (the KPIs' timing). The row keeps the moment first recorded (``corrected_from``): a resend
    of it changes nothing. The dossier's status time follows; audited as
    ``dossier.status_corrected``; sent to the one-stop system as a ``dossier.status_corrected``
    event carrying both moments. Returns the state, the moment replaced and whether anything
    changed (the same moment again changes nothing)."""
    who = _who(by)
    why = " ".join((reason or "").split())
    if not why:
        raise ConfigError("sửa thời điểm cần lý do: --reason '…' (ghi vào nhật ký kiểm toán)")
    code = nfc(code.strip())
    if at.tzinfo is None:
        raise ConfigError("thời điểm phải có múi giờ (ví dụ 2026-03-02T15:30+07:00)")
    when = at.astimezone(UTC)
    name = names.get(status, status)
    with archive.transaction(write=True) as conn:
        dossier_locks(conn, code)
        row = conn.execute(select(Dossier.status, Dossier.status_at)
                           .where(Dossier.code == code).with_for_update()).first()
        if row is None:
            raise NotFoundError(f"không có hồ sơ {code}")
        history = conn.execute(
            select(DossierStatus.id, DossierStatus.status, DossierStatus.at,
                   DossierStatus.corrected_from)
            .where(DossierStatus.dossier_code == code)
            .order_by(DossierStatus.at, DossierStatus.id)).all()
        steps = [h for h in history if h.status == status]
        if not steps:
            raise WorkflowError(f"hồ sơ {code} chưa ghi bước {name}: không có gì để sửa; "
                                f"ghi bước đó bằng: sohoa dossier status {code} {status} --at …")
        if len(steps) > 1:
            raise WorkflowError(f"hồ sơ {code} đã ghi bước {name} {len(steps)} lần; không biết "
                                "sửa lần nào (xem sohoa dossier show)")
        step = steps[0]
        old = _aware(step.at)
        current = history[-1]
        if row.status != status or current.id != step.id:
            now_name = names.get(row.status or "", row.status)
            raise WorkflowError(f"hồ sơ {code} đang ở bước {now_name}, không phải {name}: chỉ "
                                "sửa được thời điểm của bước hiện tại")
        if when == old:
            return _state(conn, code), old, False
        others = [h for h in history if h.id != step.id]
        if others:
            last = max(others, key=lambda h: (_aware(h.at), h.id))
            if when < _aware(last.at):
                raise WorkflowError(
                    f"{name} lúc {shown_moment(when)} là trước bước "
                    f"{names.get(last.status, last.status)} ({shown_moment(_aware(last.at))}) "
                    "mà nó theo sau, không thể có")
        first = {"queued": Dossier.queued_at, "resolved": Dossier.resolved_at,
                 "returned": Dossier.resolved_at}.get(status)
        if first is not None:
            # The first-result (or queue) time times the KPIs, of reports that may be signed
            # and issued already: a correction that would move it is not made here (a
            # `returned` with no `resolved` before it is that time).
            kinds = ("resolved", "returned") if status in ("resolved", "returned") else (status,)
            before = min(_aware(h.at) for h in history if h.status in kinds)
            after = min(when if h.id == step.id else _aware(h.at) for h in history
                        if h.status in kinds)
            if after != before:
                raise WorkflowError(
                    f"hồ sơ {code}: {name} lúc {shown_moment(old)} là thời điểm có kết quả "
                    "được tính vào chỉ số giải quyết đúng hạn (không có bước Đã có kết quả "
                    "trước nó); không sửa ở đây, sửa ở hệ thống một cửa")
        conn.execute(update(DossierStatus).where(DossierStatus.id == step.id).values(
            at=when, corrected_from=step.corrected_from or old))
        conn.execute(update(Dossier).where(Dossier.code == code).values(status_at=when))
        outbox.dossier_status_corrected(conn, code, status, old, when, why)
        audit_log.append(conn, "dossier.status_corrected", actor=who, target=f"dossier:{code}",
                         detail={"status": status, "from_at": old.isoformat(),
                                 "at": when.isoformat(), "reason": why})
        return _state(conn, code), old, True


def _aware(moment: datetime) -> datetime:
    """A catalog moment as UTC (SQLite gives it back without a zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- reuse ---------------------------------------------------------------------------------


# Built once: statement construction is most of a reuse's CPU otherwise (bench/RESULTS.md).
_REUSE_DOSSIER = select(Dossier.owner_id).where(Dossier.code == bindparam("code"))
_REUSE_DOCUMENT = select(Document.owner_id, Document.status, Document.valid_until,
                         Document.doc_type, Document.dossier_code, Document.digitization_code,
                         Document.needs_review).where(Document.id == bindparam("doc"))
_REUSE_COMPONENTS = select(DossierComponent.id, DossierComponent.position, DossierComponent.code,
                           DossierComponent.name, DossierComponent.doc_type,
                           DossierComponent.required, DossierComponent.satisfied,
                           DossierComponent.document_id, DossierComponent.satisfied_at,
                           DossierComponent.satisfied_by
                           ).where(DossierComponent.dossier_code == bindparam("code")
                                   ).order_by(DossierComponent.position)
_REUSE_FILL = (update(DossierComponent).where(DossierComponent.id == bindparam("comp"))
               .values(satisfied=bindparam("how"), document_id=bindparam("doc"),
                       satisfied_at=bindparam("at"), satisfied_by=bindparam("who")))


def reuse(archive: Archive, code: str, document_id: str, *, component: str | None, by: str,
          purpose: str, from_store: bool = False,
          today: date | None = None) -> tuple[ComponentState, bool]:
    """Satisfy a component of dossier ``code`` with an already stored document of its owner.

    Refused, with nothing changed: a document of another owner, one no longer valid on
    ``today`` (an unknown validity counts as expired), a disposed one. Idempotent: the same
    document for the same component again changes nothing. Audited with officer and purpose.
    Returns the component as it now stands (``show`` gives the whole dossier): the write
    transaction does the checks, the update and the audit event, nothing more."""
    who = _who(by)
    why = nfc((purpose or "").strip())
    if not why:
        raise ConfigError("cho biết mục đích (--purpose): được ghi vào nhật ký cùng người dùng")
    code = nfc(code.strip())
    document_id = document_id.strip()
    day = today or vietnam_today()
    how = SATISFIED_STORE if from_store else SATISFIED_REUSED
    with archive.transaction(write=True) as conn:
        dossier_locks(conn, code)  # as a store's place: the same open component, in turns
        dossier = conn.execute(_REUSE_DOSSIER, {"code": code}).first()
        if dossier is None:
            raise NotFoundError(f"không có hồ sơ {code}; mở hồ sơ trước bằng "
                                "'sohoa dossier open'")
        document_id = resolve_id(conn, document_id)  # a prefix as show and get take it
        doc = conn.execute(_REUSE_DOCUMENT, {"doc": document_id}).first()
        if doc is None:
            raise NotFoundError(f"không có giấy tờ {document_id} trong kho lưu trữ")
        if doc.status != STATUS_STORED:
            raise ReuseRefusedError(
                f"giấy tờ {document_id} đã bị hủy theo quyết định tiêu hủy, không thể dùng lại; "
                "đề nghị công dân cung cấp bản giấy")
        others = not dossier.owner_id or (doc.owner_id != dossier.owner_id and conn.execute(
            select(DocumentCoOwner.owner_id).where(
                DocumentCoOwner.document_id == document_id,
                DocumentCoOwner.owner_id == dossier.owner_id)).first() is None)
        # a shared paper (a marriage certificate) is also each other person it names; another
        # person's paper only for the other party of a component of two — asked first, so
        # nothing else of another person's paper is told
        if others and not _other_party_row(conn, code, component, document_id, doc,
                                           dossier.owner_id):
            raise ReuseRefusedError(
                f"giấy tờ {document_id} thuộc chủ sở hữu khác ({doc.owner_id or 'không rõ'}), "
                f"không phải người nộp hồ sơ {code} ({dossier.owner_id or 'chưa rõ'}); "
                "không được dùng lại")
        if doc.needs_review:
            # The owner (or the validity) was read by OCR and waits for a person: until then
            # the paper may belong to someone else, and reusing it would file it there.
            raise ReuseRefusedError(
                f"giấy tờ {document_id} đang chờ kiểm tra lại (sohoa review show "
                f"{document_id}); chưa được dùng lại cho đến khi người kiểm tra xác nhận")
        kind = load_registry().get(doc.doc_type) if doc.doc_type in load_registry() else None
        if kind is not None and not kind.proves and doc.dossier_code != code:
            # A form or a receipt belongs to the dossier it was filed for and proves nothing
            # to another one (tester12 F4); an unclassified paper may, once typed.
            retype = (f"; nếu đây là một giấy chứng nhận, hãy xác định loại trước (sohoa review "
                      f"type {document_id} LOẠI --by TÊN)" if doc.doc_type == "other" else
                      "; hồ sơ này cần bản của chính nó, quét cùng hồ sơ")
            raise ReuseRefusedError(
                f"giấy tờ {document_id} là \"{kind.name}\" (hồ sơ "
                f"{doc.dossier_code or 'không rõ'}), không phải giấy chứng nhận: không dùng lại "
                f"cho hồ sơ {code}{retype}")
        if doc.valid_until is not None and doc.valid_until < day:
            expired = ("không xác định được thời hạn hiệu lực" if doc.valid_until == date.min
                       else f"đã hết hiệu lực (có hiệu lực đến hết ngày "
                       f"{doc.valid_until.strftime('%d/%m/%Y')})")
            raise ReuseRefusedError(
                f"giấy tờ {document_id} {expired}; không được dùng lại, đề nghị công dân "
                "cung cấp giấy tờ còn hiệu lực")
        comps = conn.execute(_REUSE_COMPONENTS, {"code": code}).all()
        if not comps:
            raise WorkflowError(f"hồ sơ {code} chưa có danh sách thành phần (thủ tục không "
                                "có trong danh mục?); không thể ghi nhận dùng lại")
        target = _pick_component(comps, component, doc.doc_type, document_id)
        if target.document_id == document_id and target.satisfied in (SATISFIED_REUSED,
                                                                      SATISFIED_STORE):
            return _as_state(target, doc.digitization_code), False
        party = [c.document_id for c in comps if c.code == target.code and c.id != target.id
                 and c.document_id is not None]
        if party and conn.execute(select(Document.id).where(
                Document.id.in_(party), Document.owner_id == doc.owner_id)).first():
            # one paper per party: this person's is there already (procedures.toml parties)
            raise WorkflowError(
                f"thành phần \"{target.name}\" của hồ sơ {code} đã có giấy tờ của "
                f"{doc.owner_id}; mỗi bên một giấy tờ, cần giấy tờ của bên còn lại")
        if target.satisfied is not None:
            raise WorkflowError(
                f"thành phần \"{target.name}\" của hồ sơ {code} đã có giấy tờ "
                f"{target.document_id} ({SATISFIED_NAMES.get(target.satisfied, target.satisfied)}"
                "); chọn thành phần khác (--component)")
        now = utc_now()
        conn.execute(_REUSE_FILL, {"comp": target.id, "how": how, "doc": document_id,
                                   "at": now, "who": who})
        outbox.document_reused(conn, code, document_id, component_code=target.code,
                               component_name=target.name, by=who, from_store=from_store,
                               at=now, digitization_code=doc.digitization_code,
                               owner_id=dossier.owner_id)
        audit_log.append(conn, "dossier.reused", actor=who, target=f"dossier:{code}", detail={
            "document_id": document_id, "owner_id": doc.owner_id, "component": target.code,
            "from_store": from_store, "purpose": why, "source_dossier": doc.dossier_code})
        return ComponentState(target.position, target.code, target.name, target.doc_type,
                              target.required, how, document_id, doc.digitization_code, now,
                              who), True


def _other_party_row(conn: Connection, code: str, component: str | None, document_id: str,
                     doc: Any, applicant: str | None) -> bool:
    """Is this other person's paper the other party's, for a component taken once per party
    (both spouses' identity cards for a marriage registration: procedures.toml ``parties``)?
    It is when the applicant's own paper fills another row of the component it would fill:
    the dossier names only its applicant, so the second party is whoever that is not
    (tester18 F10)."""
    if not applicant or not doc.owner_id or doc.owner_id == applicant:
        return False
    comps = conn.execute(_REUSE_COMPONENTS, {"code": code}).all()
    try:
        target = _pick_component(comps, component, doc.doc_type, document_id)
    except (WorkflowError, ConfigError, NotFoundError):
        return False
    filled = [c.document_id for c in comps
              if c.code == target.code and c.id != target.id and c.document_id is not None]
    if not filled or conn.execute(select(Document.id).where(
            Document.id.in_(filled), Document.owner_id == applicant)).first() is None:
        return False
    # and a paper of the dossier names that person (the registration form names both
    # parties): a mistyped document id must not bring a stranger's card in (review18 N5)
    return any(doc.owner_id in str(value) for fields in conn.execute(
        select(Document.fields).where(Document.dossier_code == code,
                                      Document.status == STATUS_STORED)).scalars()
        for value in (fields or {}).values() if value)


def _as_state(row: Any, digitization_code: str | None) -> ComponentState:
    return ComponentState(row.position, row.code, row.name, row.doc_type, row.required,
                          row.satisfied, row.document_id, digitization_code, row.satisfied_at,
                          row.satisfied_by)


def _pick_component(comps: Sequence[Any], wanted: str | None, doc_type: str,
                    document_id: str) -> Any:
    if wanted:
        key = fold(wanted)
        rows = [c for c in comps if fold(c.code) == key or fold(c.name) == key]
        if rows:  # one row per party for some: this paper's row, else the first still open
            return next((c for c in rows if c.document_id == document_id), None) or next(
                (c for c in rows if c.satisfied is None), rows[0])
        raise NotFoundError(f"hồ sơ không có thành phần \"{wanted}\"; các thành phần: "
                            + "; ".join(f"{c.code} {c.name}" for c in comps))
    for c in comps:  # already this document: the repeated request
        if c.document_id == document_id:
            return c
    for c in comps:
        if c.doc_type == doc_type and c.satisfied is None:
            return c
    raise WorkflowError(
        "không có thành phần còn thiếu cùng loại với giấy tờ này; chỉ rõ thành phần bằng "
        "--component (" + "; ".join(f"{c.code} {c.name}" for c in comps) + ")")


# --- results -------------------------------------------------------------------------------


def add_result(archive: Archive, code: str, document_id: str, *, result_code: str,
               born_digital: bool, valid_until: date | None, by: str, code_format: str,
               issued_at: datetime | None = None) -> tuple[DossierState, bool]:
    """Record a stored document as the result of dossier ``code``: it gets a result-form
    digitization code (<owner>.<result code>.<n>.<NN>), its validity, and stays reusable under
    its owner. A result scanned into the dossier is taken off the component it filled.
    ``issued_at``: when it was issued, as the desk or the one-stop system said it (None: not
    said, now is recorded) — only a moment said answers a scan's unread dateline."""
    who = _who(by)
    code = nfc(code.strip())
    when = (issued_at or utc_now()).astimezone(UTC)
    with archive.transaction(write=True) as conn:
        dossier_locks(conn, code)
        dossier = conn.execute(select(Dossier.owner_id).where(Dossier.code == code)).first()
        if dossier is None:
            raise NotFoundError(f"không có hồ sơ {code}")
        earlier = conn.execute(select(DossierResult.dossier_code).where(
            DossierResult.document_id == document_id)).first()
        if earlier is not None:
            if earlier.dossier_code == code:
                return _state(conn, code), False  # the same request again: nothing changes
            raise WorkflowError(f"giấy tờ {document_id} đã là kết quả của hồ sơ "
                                f"{earlier.dossier_code}; một kết quả không thuộc hai hồ sơ")
        doc = conn.execute(select(Document.owner_id, Document.status, Document.issue_date,
                                  Document.review_reasons).where(
            Document.id == document_id)).first()
        if doc is None:
            raise NotFoundError(f"không có giấy tờ {document_id} trong kho lưu trữ")
        if doc.status != "stored":
            raise WorkflowError(f"giấy tờ {document_id} không còn lưu giữ ({doc.status}): "
                                "không ghi làm kết quả")
        conn.execute(update(DossierComponent).where(
            DossierComponent.dossier_code == code, DossierComponent.document_id == document_id,
            DossierComponent.satisfied == SATISFIED_DIGITIZED).values(
                satisfied=None, document_id=None, satisfied_at=None, satisfied_by=None))
        number = 1 + int(conn.execute(select(func.count()).select_from(DossierResult)
                                      .where(DossierResult.dossier_code == code)).scalar_one())
        digi = assign_code(conn, code_format, owner=doc.owner_id or dossier.owner_id,
                           procedure=result_code, component=str(number))
        # The moment it was issued, said by the desk or the one-stop system: its day and so its
        # validity are known, whatever the scan read of its dateline — a question about them
        # is answered (tester18 F11: "hiệu lực đến 08/06/2027" shown, and "chưa đưa ra dùng
        # lại" beside it). Not said, the day the command ran is no day read off the paper: the
        # question stays (review19 M3: a certificate signed a week earlier was offered for reuse
        # a week past its end).
        settled_facts: dict[str, Any] = {}
        if issued_at is not None:
            why = [w for w in doc.review_reasons or [] if reason_topic(w) != "validity"]
            if why != list(doc.review_reasons or []):
                settled_facts.update(review_reasons=why, needs_review=bool(why))
            if doc.issue_date is None:
                settled_facts["issue_date"] = local_day(when)
        conn.execute(update(Document).where(Document.id == document_id).values(
            digitization_code=digi, valid_until=valid_until,
            owner_id=doc.owner_id or dossier.owner_id, **settled_facts))
        conn.execute(DossierResult.__table__.insert().values(
            dossier_code=code, document_id=document_id, result_code=result_code,
            born_digital=born_digital, issued_at=when, issued_on=local_day(when),
            valid_until=valid_until, recorded_by=who))
        outbox.result_issued(conn, code, document_id, result_code=result_code, at=when)
        audit_log.append(conn, "dossier.result", actor=who, target=f"dossier:{code}", detail={
            "document_id": document_id, "result_code": result_code, "digitization_code": digi,
            "born_digital": born_digital, "valid_until": valid_until.isoformat()
            if valid_until else None})
        return _state(conn, code), True


def mark_pushed_to_store(archive: Archive, document_id: str, at: datetime) -> None:
    """The exchange (issue 16) confirms a result reached the owner's data store."""
    with archive.transaction(write=True) as conn:
        conn.execute(update(DossierResult).where(DossierResult.document_id == document_id)
                     .values(pushed_to_store_at=at.astimezone(UTC)))


# --- reads ---------------------------------------------------------------------------------


def show(archive: Archive, code: str) -> DossierState:
    """One dossier as it stands; a group of loose papers may be given as a clerk reads it
    ("nhóm cc2f471827e3", :func:`~sohoa.records.given_dossier_code`)."""
    with archive.transaction(write=False) as conn:
        return _state(conn, given_dossier_code(code))


def listing(archive: Archive, *, unit: str | None = None, date_from: date | None = None,
            date_to: date | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    """Dossiers received in [date_from, date_to] (local days), newest first, with counts of
    their components by how they were satisfied."""
    stmt = select(Dossier.code, Dossier.procedure_code, Dossier.procedure_name,
                  Dossier.receiving_unit, Dossier.unit_level, Dossier.channel, Dossier.owner_id,
                  Dossier.received_date, Dossier.received_at, Dossier.status, Dossier.status_at,
                  Dossier.appointment_date)
    if unit:
        stmt = stmt.where(Dossier.receiving_unit == nfc(unit))
    if date_from:
        stmt = stmt.where(Dossier.received_date >= date_from)
    if date_to:
        stmt = stmt.where(Dossier.received_date <= date_to)
    stmt = stmt.order_by(Dossier.received_date.desc(), Dossier.code.desc()).limit(limit)
    with archive.transaction(write=False) as conn:
        rows = conn.execute(stmt).all()
        codes = [r.code for r in rows]
        counts: dict[str, dict[str, int]] = {}
        for start in range(0, len(codes), 500):
            for c in conn.execute(select(DossierComponent.dossier_code,
                                         DossierComponent.satisfied, func.count())
                                  .where(DossierComponent.dossier_code.in_(
                                      codes[start:start + 500]))
                                  .group_by(DossierComponent.dossier_code,
                                            DossierComponent.satisfied)):
                counts.setdefault(c[0], {})[c[1] or "missing"] = int(c[2])
        # a placeholder of papers ingested without a dossier sheet has no receipt: which one
        # holds what is its papers' count and when the last was stored
        loose = [c for c in codes if c.startswith(UNASSIGNED_PREFIX)]
        papers: dict[str, tuple[int, Any]] = {}
        if loose:
            for c in conn.execute(select(Document.dossier_code, func.count(),
                                         func.max(Document.ingested_at))
                                  .where(Document.dossier_code.in_(loose))
                                  .group_by(Document.dossier_code)):
                papers[c[0]] = (int(c[1]), c[2])
        twins = code_twins(conn, [c for c in codes if not c.startswith(UNASSIGNED_PREFIX)])
    return [{"code": r.code, "procedure_code": r.procedure_code,
             "procedure_name": r.procedure_name, "unit": r.receiving_unit,
             "unit_level": r.unit_level, "channel": r.channel, "owner_id": r.owner_id,
             "received_date": r.received_date.isoformat() if r.received_date else None,
             "received_at": r.received_at.isoformat() if r.received_at else None,
             "appointment_date": r.appointment_date.isoformat() if r.appointment_date else None,
             "status": r.status, "status_at": r.status_at.isoformat() if r.status_at else None,
             "components": counts.get(r.code, {}),
             **({"same_as": twins[r.code]} if r.code in twins else {}),
             **({"papers": papers.get(r.code, (0, None))[0],
                 "last_stored_at": _iso(papers.get(r.code, (0, None))[1])}
                if r.code.startswith(UNASSIGNED_PREFIX) else {})} for r in rows
            # a placeholder whose papers were all filed is nothing any more (tester18 F7: an
            # empty "0 giấy tờ" row stayed in the list)
            if not r.code.startswith(UNASSIGNED_PREFIX) or papers.get(r.code, (0, None))[0]]


# A national four-level dossier code (QĐ 20/2020/QĐ-TTg: the receiving body's identifier
# "000.00.24.H54", then date and sequence) and the tail earlier versions read of it.
_NATIONAL = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.(.+)$")


def code_twins(conn: Connection, codes: Sequence[str]) -> dict[str, list[str]]:
    """The dossiers that may be one with each of ``codes`` under another code: a national
    four-level code ("000.00.24.H54-241201-0001") and the tail earlier versions read off the
    same receipt ("H54-241201-0001", review17 N5), both ways. A listed national code's tail is
    looked up by its index; a listed tail's national codes take one pass over the national
    codes (LIKE with a fixed shape, never one pattern per listed code: review18 N2)."""
    twins: dict[str, set[str]] = {}
    tails: dict[str, set[str]] = {}
    for c in codes:
        if found := _NATIONAL.match(c):
            tails.setdefault(found[1], set()).add(c)
    listed_tails = list(tails)
    for start in range(0, len(listed_tails), 500):
        for tail in conn.execute(select(Dossier.code).where(
                Dossier.code.in_(listed_tails[start:start + 500]))).scalars():
            for national in tails[tail]:
                twins.setdefault(national, set()).add(tail)
    plain = {c for c in codes if not _NATIONAL.match(c)}
    if plain:
        for national in conn.execute(select(Dossier.code).where(
                Dossier.code.like("___.__.__.%"))).scalars():
            found = _NATIONAL.match(national)
            if found and found[1] in plain:
                twins.setdefault(found[1], set()).add(national)
    return {c: sorted(t) for c, t in twins.items()}


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


_COMP_COLUMNS = (DossierComponent.position, DossierComponent.code, DossierComponent.name,
                 DossierComponent.doc_type, DossierComponent.required, DossierComponent.satisfied,
                 DossierComponent.document_id, Document.digitization_code,
                 DossierComponent.satisfied_at, DossierComponent.satisfied_by)


def _component_state(conn: Connection, comp_id: int) -> ComponentState:
    row = conn.execute(select(*_COMP_COLUMNS)
                       .outerjoin(Document, Document.id == DossierComponent.document_id)
                       .where(DossierComponent.id == comp_id)).first()
    assert row is not None
    return ComponentState(*row)


def _state(conn: Connection, code: str) -> DossierState:
    d = conn.execute(select(Dossier).where(Dossier.code == code)).first()
    if d is None:
        raise NotFoundError(f"không có hồ sơ {code} trong kho lưu trữ")
    comps = tuple(ComponentState(*row) for row in conn.execute(
        select(*_COMP_COLUMNS).outerjoin(Document, Document.id == DossierComponent.document_id)
        .where(DossierComponent.dossier_code == code).order_by(DossierComponent.position)))
    history = tuple(StatusChange(h.status, h.at, h.recorded_by, h.note) for h in conn.execute(
        select(DossierStatus.status, DossierStatus.at, DossierStatus.recorded_by,
               DossierStatus.note).where(DossierStatus.dossier_code == code)
        .order_by(DossierStatus.at, DossierStatus.id)))
    results = tuple(ResultState(*row) for row in conn.execute(
        select(DossierResult.document_id, DossierResult.result_code, Document.digitization_code,
               DossierResult.born_digital, DossierResult.issued_at, DossierResult.valid_until,
               DossierResult.pushed_to_store_at)
        .join(Document, Document.id == DossierResult.document_id)
        .where(DossierResult.dossier_code == code).order_by(DossierResult.id)))
    docs = tuple(conn.execute(select(Document.id).where(Document.dossier_code == code)
                              .order_by(Document.created_at, Document.id)).scalars())
    return DossierState(
        code=d.code, procedure_code=d.procedure_code, procedure_name=d.procedure_name,
        unit=d.receiving_unit, unit_level=d.unit_level, channel=d.channel, owner_id=d.owner_id,
        received_at=d.received_at, received_date=d.received_date,
        appointment_date=d.appointment_date, status=d.status, status_at=d.status_at,
        components=comps, history=history, results=results, documents=docs)
