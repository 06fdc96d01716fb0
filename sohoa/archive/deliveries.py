"""The sender's side of the outbox in the catalog: spreading events over the targets, claiming
due deliveries under a lease, recording outcomes, and the operators' views (status, retry,
reconcile).

Rules that keep "never lost, never doubled, never out of order":
- a delivery row is made for every event and every target that takes its type (``fan_out``),
  in one transaction with marking the event ``fanned``; events are picked by that flag, never
  by an id cursor, because on PostgreSQL ids can commit out of order;
- only the head of a dossier is claimable at a target: the earliest event of that dossier not
  yet delivered there. A dead letter stays the head (later events of the dossier wait behind
  it, and ``status``/``reconcile`` say so) until an operator retries it;
- a claim is a lease (``lease_owner``, ``lease_until``) written in a short transaction; on
  PostgreSQL the claiming SELECT skips rows another sender is claiming (``FOR UPDATE SKIP
  LOCKED``), on SQLite the write transaction excludes other writers. A sender killed with
  ``kill -9`` loses its lease when it expires and another sender takes the event again; the
  receiver recognizes the repeat by its ``Idempotency-Key``.

Functions take an open connection; the caller owns the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, exists, func, literal, or_, select, update
from sqlalchemy.orm import aliased

from sohoa.archive.catalog import xact_lock
from sohoa.archive.dossier_models import DossierResult
from sohoa.archive.models import STATUS_STORED, Document, Dossier, UtcDateTime
from sohoa.archive.statements import HOLD_KEY
from sohoa.archive.sync_models import (
    DELIVERY_DEAD,
    DELIVERY_DELIVERED,
    DELIVERY_PENDING,
    DELIVERY_RETRYING,
    SyncDelivery,
    SyncEvent,
    SyncTargetRow,
)
from sohoa.archive.values import iso, utc_now
from sohoa.errors import NotFoundError
from sohoa.records import UNASSIGNED_PREFIX

if TYPE_CHECKING:
    from sohoa.archive import Archive

_FAN_BATCH = 1000
RESPONSE_KEPT = 4000  # characters of a receiver's answer kept with a dead letter
OPEN = (DELIVERY_PENDING, DELIVERY_RETRYING)


@dataclass(frozen=True)
class TargetTypes:
    """A target's name and the event types it takes (empty: all)."""

    name: str
    events: tuple[str, ...] = ()

    def takes(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


@dataclass(frozen=True)
class Claimed:
    """A delivery a sender holds under lease: what to post and how often it was tried."""

    event_row: int
    event_id: str
    event_type: str
    ordering_key: str
    attempts: int
    body: str


@dataclass(frozen=True)
class Outcome:
    """What one attempt gave: ``delivered``, ``retry`` (at ``next_at``), ``dead`` or
    ``released`` (not attempted: given back as it was)."""

    event_row: int
    kind: str
    http_status: int | None = None
    error: str | None = None
    response: str | None = None
    next_at: datetime | None = None


def fan_out(conn: Connection, targets: Sequence[TargetTypes]) -> int:
    """Make the delivery rows of events not yet spread (and, for a target seen for the first
    time, of every earlier event it takes); return how many events were spread."""
    xact_lock(conn, "sync-fanout")  # one spreader at a time; cheap next to sending
    now = utc_now()
    known = set(conn.execute(select(SyncTargetRow.name)).scalars())
    for target in targets:
        if target.name in known:
            continue
        # A new target receives what was recorded before it (the portal needs every dossier).
        _insert_rows(conn, target, SyncEvent.fanned.is_(True), now)
        conn.execute(SyncTargetRow.__table__.insert().values(
            name=target.name, events=json.dumps(list(target.events)), added_at=now))
    rows = conn.execute(select(SyncEvent.id).where(SyncEvent.fanned.is_(False))
                        .order_by(SyncEvent.id).limit(_FAN_BATCH)).scalars().all()
    if not rows:
        return 0
    for target in targets:
        _insert_rows(conn, target, SyncEvent.id.in_(rows), now)
    conn.execute(update(SyncEvent).where(SyncEvent.id.in_(rows)).values(fanned=True))
    return len(rows)


def _insert_rows(conn: Connection, target: TargetTypes, where: Any, now: datetime) -> None:
    """One INSERT … SELECT … ON CONFLICT DO NOTHING: a statement per event would be a round
    trip per event on PostgreSQL."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    e = SyncEvent
    stmt = select(e.id, literal(target.name), e.ordering_key, e.event_type,
                  literal(DELIVERY_PENDING), literal(0), literal(now, UtcDateTime()),
                  literal(now, UtcDateTime()), literal(now, UtcDateTime())).where(where)
    if target.events:
        stmt = stmt.where(e.event_type.in_(target.events))
    conn.execute(insert(SyncDelivery).from_select(
        ["event_id", "target", "ordering_key", "event_type", "status", "attempts",
         "next_attempt_at", "created_at", "updated_at"], stmt).on_conflict_do_nothing(
        index_elements=["event_id", "target"]))


def claim(conn: Connection, target: str, owner: str, *, limit: int, lease: timedelta,
          now: datetime | None = None) -> list[Claimed]:
    """Lease up to ``limit`` due deliveries of ``target`` to ``owner``: at most one per
    dossier, each the earliest of its dossier not yet delivered there."""
    now = now or utc_now()
    d = SyncDelivery
    p = aliased(SyncDelivery)
    earlier = exists().where(
        p.target == d.target, p.ordering_key == d.ordering_key, p.event_id < d.event_id,
        p.status != DELIVERY_DELIVERED)
    stmt = (select(d.event_id).where(
        d.target == target, d.status.in_(OPEN), d.next_attempt_at <= now,
        or_(d.lease_until.is_(None), d.lease_until < now), ~earlier)
        .order_by(d.event_id).limit(limit))
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=d)
    ids = list(conn.execute(stmt).scalars())
    if not ids:
        return []
    conn.execute(update(d).where(d.target == target, d.event_id.in_(ids)).values(
        lease_owner=owner, lease_until=now + lease, updated_at=now))
    rows = conn.execute(
        select(SyncEvent.id, SyncEvent.event_id, SyncEvent.event_type, SyncEvent.ordering_key,
               SyncEvent.body, d.attempts)
        .join(d, and_(d.event_id == SyncEvent.id, d.target == target))
        .where(SyncEvent.id.in_(ids)).order_by(SyncEvent.id)).all()
    return [Claimed(r.id, r.event_id, r.event_type, r.ordering_key, int(r.attempts), r.body)
            for r in rows]


def settle(conn: Connection, target: str, owner: str, outcomes: Iterable[Outcome], *,
           citizen_store: bool = False) -> None:
    """Record what the attempts gave. A delivery is never taken back from ``delivered``; a
    failure is written only while this sender still holds the lease (else another sender has
    taken the event over and its outcome counts). With ``citizen_store`` (the target is the
    owner's data store), a result delivered there is marked as pushed to the store."""
    now = utc_now()
    d = SyncDelivery
    outcomes = list(outcomes)
    free = {"lease_owner": None, "lease_until": None, "updated_at": now}
    # The common outcomes in one statement each (a statement per event is a round trip per
    # event on PostgreSQL); failures, rarer and each with its own error, one by one.
    for status in {o.http_status for o in outcomes if o.kind == "delivered"}:
        done = [o.event_row for o in outcomes if o.kind == "delivered" and o.http_status == status]
        conn.execute(update(d).where(d.target == target, d.event_id.in_(done),
                                     d.status != DELIVERY_DELIVERED).values(
            status=DELIVERY_DELIVERED, attempts=d.attempts + 1, delivered_at=now,
            last_status=status, last_error=None, response=None, **free))
        if citizen_store:
            conn.execute(update(DossierResult).where(
                DossierResult.document_id.in_(select(SyncEvent.document_id).where(
                    SyncEvent.id.in_(done), SyncEvent.event_type == "result.issued")),
                DossierResult.pushed_to_store_at.is_(None)).values(pushed_to_store_at=now))
    released = [o.event_row for o in outcomes if o.kind == "released"]
    if released:
        conn.execute(update(d).where(d.target == target, d.event_id.in_(released),
                                     d.status.in_(OPEN), d.lease_owner == owner).values(**free))
    for o in outcomes:
        row = and_(d.event_id == o.event_row, d.target == target)
        mine = and_(row, d.status.in_(OPEN), d.lease_owner == owner)
        if o.kind in ("delivered", "released"):
            continue
        if o.kind == "retry":
            conn.execute(update(d).where(mine).values(
                status=DELIVERY_RETRYING, attempts=d.attempts + 1,
                next_attempt_at=o.next_at or now, last_status=o.http_status,
                last_error=o.error, **free))
        elif o.kind == "dead":
            conn.execute(update(d).where(mine).values(
                status=DELIVERY_DEAD, attempts=d.attempts + 1, last_status=o.http_status,
                last_error=o.error, response=(o.response or "")[:RESPONSE_KEPT], **free))


# --- the operators' views --------------------------------------------------------------------


def unfanned_counts(conn: Connection) -> dict[str, int]:
    """Events recorded but not yet spread over the targets, by type."""
    return {t: int(n) for t, n in conn.execute(
        select(SyncEvent.event_type, func.count()).where(SyncEvent.fanned.is_(False))
        .group_by(SyncEvent.event_type))}


def counts(conn: Connection) -> list[dict[str, Any]]:
    """Per target, event type and state: how many, and for retrying ones the next attempt."""
    d = SyncDelivery
    rows = conn.execute(
        select(d.target, d.event_type, d.status, func.count(), func.min(d.next_attempt_at))
        .group_by(d.target, d.event_type, d.status)).all()
    return [{"target": r[0], "event_type": r[1], "status": r[2], "count": int(r[3]),
             "next_attempt_at": iso(r[4]) if r[2] == DELIVERY_RETRYING else None}
            for r in rows]


def dead_letters(conn: Connection, *, limit: int = 50) -> list[dict[str, Any]]:
    d = SyncDelivery
    rows = conn.execute(
        select(d.event_id, d.target, d.event_type, d.ordering_key, d.attempts, d.last_status,
               d.last_error, d.response, d.updated_at)
        .where(d.status == DELIVERY_DEAD).order_by(d.event_id).limit(limit)).all()
    return [{"id": r.event_id, "target": r.target, "event_type": r.event_type,
             "dossier": r.ordering_key, "attempts": r.attempts, "http_status": r.last_status,
             "error": r.last_error, "response": r.response, "at": iso(r.updated_at)}
            for r in rows]


def retry(conn: Connection, *, event_row: int | None = None, all_dead: bool = False,
          target: str | None = None) -> int:
    """Put dead (or retrying) deliveries back to pending, due now; return how many."""
    d = SyncDelivery
    now = utc_now()
    where = [d.status == DELIVERY_DEAD] if all_dead else [d.status.in_(
        (DELIVERY_DEAD, DELIVERY_RETRYING))]
    if event_row is not None:
        where.append(d.event_id == event_row)
    if target is not None:
        where.append(d.target == target)
    changed = conn.execute(update(d).where(*where).values(
        status=DELIVERY_PENDING, next_attempt_at=now, lease_owner=None, lease_until=None,
        updated_at=now)).rowcount
    if event_row is not None and not changed:
        known = conn.execute(select(func.count()).select_from(SyncEvent)
                             .where(SyncEvent.id == event_row)).scalar_one()
        if not known:
            raise NotFoundError(f"không có sự kiện đồng bộ số {event_row}")
    return int(changed or 0)


def received_dossiers(conn: Connection, date_from: date, date_to: date) -> list[str]:
    """Dossiers received in the period (by their received date; a dossier with none counts on
    the Vietnamese day the catalog first saw it: at 18:00 UTC it is already tomorrow). A group
    of papers of no known dossier (``UNASSIGNED-…``) is no dossier received (tester19 F8:
    reconcile counted 5 where `dossier list` and the KPIs count 4)."""
    day = func.coalesce(Dossier.received_date, func.date(Dossier.created_at, "+7 hours"))
    if conn.dialect.name == "postgresql":
        day = func.coalesce(Dossier.received_date, func.date(func.timezone(
            "Asia/Ho_Chi_Minh", Dossier.created_at)))
    return list(conn.execute(select(Dossier.code).where(
        day >= date_from, day <= date_to, ~Dossier.code.startswith(UNASSIGNED_PREFIX))
        .order_by(Dossier.code)).scalars())


def reconcile(conn: Connection, target: TargetTypes, codes: Sequence[str]
              ) -> dict[str, dict[str, Any]]:
    """For each dossier: delivered in full to ``target``, or why not (events waiting,
    retrying with the last error, refused, none recorded, or ``held``: papers whose owner is
    only proposed or whose dossier is in question (``statements.HOLD_KEY``), whose
    ``document.stored`` waits for the review — owed to the target, so
    the dossier is not synchronized yet)."""
    out: dict[str, dict[str, Any]] = {c: {"events": 0, "delivered": 0, "waiting": 0,
                                          "retrying": 0, "dead": 0, "unspread": 0,
                                          "held": 0, "last_error": None} for c in codes}
    d = SyncDelivery
    for start in range(0, len(codes), 500):
        chunk = list(codes[start:start + 500])
        ev = select(SyncEvent.id, SyncEvent.ordering_key, SyncEvent.event_type,
                    SyncEvent.fanned).where(SyncEvent.ordering_key.in_(chunk))
        if target.events:
            ev = ev.where(SyncEvent.event_type.in_(target.events))
        events = conn.execute(ev).all()
        if not target.events or "document.stored" in target.events:
            for code, held in conn.execute(
                    select(Document.dossier_code, func.count())
                    .where(Document.dossier_code.in_(chunk),
                           or_(Document.proposed_owner_id.is_not(None),
                               Document.extra[HOLD_KEY].as_string().is_not(None)),
                           Document.status == STATUS_STORED)
                    .group_by(Document.dossier_code)):
                out[code]["held"] += int(held)
                out[code]["events"] += int(held)
        states = {r.event_id: (r.status, r.last_status, r.last_error) for r in conn.execute(
            select(d.event_id, d.status, d.last_status, d.last_error).where(
                d.target == target.name, d.ordering_key.in_(chunk)))}
        for e in events:
            info = out[e.ordering_key]
            info["events"] += 1
            state = states.get(e.id)
            if state is None:
                info["unspread" if not e.fanned else "waiting"] += 1
                continue
            status, http_status, error = state
            key = {DELIVERY_DELIVERED: "delivered", DELIVERY_DEAD: "dead",
                   DELIVERY_RETRYING: "retrying"}.get(status, "waiting")
            info[key] += 1
            if status in (DELIVERY_DEAD, DELIVERY_RETRYING) and error:
                info["last_error"] = (f"HTTP {http_status}: {error}" if http_status
                                      else error)
    return out


def delivered_dossiers(conn: Connection, target: TargetTypes, date_from: date,
                       date_to: date) -> set[str]:
    """Dossiers received in the period whose every event reached ``target`` (the numerator of
    the portal's "hồ sơ đồng bộ" ratio)."""
    codes = received_dossiers(conn, date_from, date_to)
    return {code for code, info in reconcile(conn, target, codes).items()
            if info["events"] and info["delivered"] == info["events"]}


def open_count(conn: Connection) -> int:
    """Deliveries not yet delivered nor dead, plus events not yet spread (cheap)."""
    d = SyncDelivery
    pending = conn.execute(select(func.count()).select_from(d)
                           .where(d.status.in_(OPEN))).scalar_one()
    unfanned = conn.execute(select(func.count()).select_from(SyncEvent)
                            .where(SyncEvent.fanned.is_(False))).scalar_one()
    return int(pending) + int(unfanned)


# --- the same, each in its own transaction of the archive (what the sender calls) -------------


def spread(archive: Archive, targets: Sequence[TargetTypes]) -> int:
    """Spread every event not yet spread over ``targets``; return how many."""
    total = 0
    while True:
        with archive.transaction(write=True) as conn:
            n = fan_out(conn, targets)
        total += n
        if n < _FAN_BATCH:
            return total


def take(archive: Archive, target: str, owner: str, *, limit: int,
         lease: timedelta) -> list[Claimed]:
    with archive.transaction(write=True) as conn:
        return claim(conn, target, owner, limit=limit, lease=lease)


def record_outcomes(archive: Archive, target: str, owner: str,
                    outcomes: Sequence[Outcome], *, citizen_store: bool = False) -> None:
    if outcomes:
        with archive.transaction(write=True) as conn:
            settle(conn, target, owner, outcomes, citizen_store=citizen_store)


def delivered_by_unit(archive: Archive, target: TargetTypes, date_from: date,
                      date_to: date) -> dict[str, int]:
    """Per receiving unit: dossiers received in the period (their received date, as the KPI
    report counts them) whose every event reached ``target``."""
    with archive.transaction(write=False) as conn:
        rows = conn.execute(select(Dossier.code, Dossier.receiving_unit).where(
            Dossier.received_date >= date_from, Dossier.received_date <= date_to)).all()
        units = {r.code: r.receiving_unit for r in rows}
        states = reconcile(conn, target, list(units))
    counts: dict[str, int] = {}
    for code, info in states.items():
        if info["events"] and info["delivered"] == info["events"] and units[code]:
            counts[units[code]] = counts.get(units[code], 0) + 1
    return counts


def status(archive: Archive, *, dead_limit: int = 50) -> dict[str, Any]:
    """Counts per target/type/state, events not yet spread, and the first dead letters."""
    with archive.transaction(write=False) as conn:
        return {"counts": counts(conn), "unspread": unfanned_counts(conn),
                "dead": dead_letters(conn, limit=dead_limit)}


def retry_dead(archive: Archive, *, event_row: int | None = None, all_dead: bool = False,
               target: str | None = None) -> int:
    with archive.transaction(write=True) as conn:
        return retry(conn, event_row=event_row, all_dead=all_dead, target=target)


def reconcile_period(archive: Archive, targets: Sequence[TargetTypes], date_from: date,
                     date_to: date) -> tuple[list[str], dict[str, dict[str, dict[str, Any]]]]:
    """The dossiers received in the period and, per target, each one's delivery state."""
    with archive.transaction(write=False) as conn:
        codes = received_dossiers(conn, date_from, date_to)
        return codes, {t.name: reconcile(conn, t, codes) for t in targets}


def pending_total(archive: Archive) -> int:
    with archive.transaction(write=False) as conn:
        return open_count(conn)
