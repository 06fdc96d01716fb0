"""The facts the KPI report is computed from: one row per dossier, read in a few grouped
queries (never a query per dossier), so a year of a province's dossiers is read in seconds.

The archive only says what happened to each dossier (components, results, status times); which
procedures issue a paper result, which units are communes and what the indicators mean is the
pipeline's business (``sohoa.pipeline.kpi``), from the province's data files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, case, func, select

from sohoa.archive.dossier_models import (
    SATISFIED_REUSED,
    SATISFIED_STORE,
    DossierComponent,
    DossierResult,
    DossierStatus,
)
from sohoa.archive.models import Dossier
from sohoa.vntext import nfc

# A component the portal counts as reused ("được đánh dấu tái sử dụng dữ liệu số hóa", QĐ 766
# 4.3): another dossier's paper reused here, and a paper taken from the owner's data store — its
# event carries DuocTaiSuDung 1 as well as DuocLayTuKhoDMQG 1 (archive/outbox.py), so the report
# counts what the portal is told (tester13 F7: a store reuse was 4.4 only, 4.3 read 1/3 for 2/3).
REUSE_MARKED = (SATISFIED_REUSED, SATISFIED_STORE)

if TYPE_CHECKING:
    from sohoa.archive import Archive

_BATCH = 900  # codes per IN (…): under SQLite's default variable limit


@dataclass(frozen=True)
class DossierFacts:
    code: str
    unit: str | None
    level: str | None
    procedure_code: str | None
    channel: str | None
    received_date: date | None
    received_at: datetime | None
    appointment_date: date | None
    components: int = 0
    satisfied: int = 0  # digitized here, reused or from the owner's store
    reused: int = 0
    from_store: int = 0
    results: int = 0
    result_pushed: bool = False
    queued_at: datetime | None = None
    resolved_at: datetime | None = None  # first "resolved" or "returned"


def dossier_facts(archive: Archive, *, date_from: date, date_to: date,
                  unit: str | None = None, level: str | None = None,
                  resolved_from: datetime | None = None,
                  resolved_to: datetime | None = None) -> list[DossierFacts]:
    """Facts of the dossiers received in [date_from, date_to] (local days), plus those resolved
    in [resolved_from, resolved_to) whatever day they were received (the e-result indicator
    counts dossiers resolved in the period)."""
    base = select(Dossier.code, Dossier.receiving_unit, Dossier.unit_level,
                  Dossier.procedure_code, Dossier.channel, Dossier.received_date,
                  Dossier.received_at, Dossier.appointment_date)
    scope = []
    if unit:
        scope.append(Dossier.receiving_unit == nfc(unit))
    if level:
        scope.append(Dossier.unit_level == level)
    with archive.transaction(write=False) as conn:
        rows = {r.code: r for r in conn.execute(base.where(
            Dossier.received_date >= date_from, Dossier.received_date <= date_to, *scope))}
        if resolved_from is not None and resolved_to is not None:
            late = [c for (c,) in conn.execute(
                select(DossierStatus.dossier_code)
                .join(Dossier, Dossier.code == DossierStatus.dossier_code)
                .where(DossierStatus.status.in_(("resolved", "returned")),
                       DossierStatus.at >= resolved_from, DossierStatus.at < resolved_to,
                       *scope).distinct()) if c not in rows]
            for chunk in _chunks(late):
                rows.update({r.code: r for r in conn.execute(
                    base.where(Dossier.code.in_(chunk)))})
        extra: dict[str, dict[str, Any]] = {code: {} for code in rows}
        codes = list(rows)
        for chunk in _chunks(codes):
            _add_components(conn, extra, chunk)
            _add_results(conn, extra, chunk)
            _add_times(conn, extra, chunk)
    # One record per dossier, built once (dataclasses.replace per fact would cost seconds
    # at a province's yearly volume).
    return [DossierFacts(code, r.receiving_unit, r.unit_level, r.procedure_code, r.channel,
                         r.received_date, r.received_at, r.appointment_date, **extra[code])
            for code, r in rows.items()]


def _chunks(codes: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(codes), _BATCH):
        yield codes[start:start + _BATCH]


def _add_components(conn: Connection, facts: dict[str, dict[str, Any]],
                    codes: list[str]) -> None:
    c = DossierComponent
    stmt = (select(c.dossier_code, func.count(),
                   func.sum(case((c.satisfied.is_not(None), 1), else_=0)),
                   func.sum(case((c.satisfied.in_(REUSE_MARKED), 1), else_=0)),
                   func.sum(case((c.satisfied == SATISFIED_STORE, 1), else_=0)))
            .where(c.dossier_code.in_(codes)).group_by(c.dossier_code))
    for code, total, satisfied, reused, store in conn.execute(stmt):
        facts[code].update(components=int(total), satisfied=int(satisfied or 0),
                           reused=int(reused or 0), from_store=int(store or 0))


def _add_results(conn: Connection, facts: dict[str, dict[str, Any]], codes: list[str]) -> None:
    r = DossierResult
    stmt = (select(r.dossier_code, func.count(), func.count(r.pushed_to_store_at))
            .where(r.dossier_code.in_(codes)).group_by(r.dossier_code))
    for code, total, pushed in conn.execute(stmt):
        facts[code].update(results=int(total), result_pushed=bool(pushed))


def _add_times(conn: Connection, facts: dict[str, dict[str, Any]], codes: list[str]) -> None:
    h = DossierStatus
    kind = case((h.status == "queued", "queued"), else_="resolved")
    stmt = (select(h.dossier_code, kind, func.min(h.at))
            .where(and_(h.dossier_code.in_(codes),
                        h.status.in_(("queued", "resolved", "returned"))))
            .group_by(h.dossier_code, kind))
    for code, what, at in conn.execute(stmt):
        at = _aware(at)
        facts[code]["queued_at" if what == "queued" else "resolved_at"] = at


def _aware(value: Any) -> datetime | None:
    """MIN() over a timestamp comes back without the column type's processing on SQLite."""
    if value is None or isinstance(value, datetime):
        from sohoa.archive.values import aware

        return aware(value)
    from datetime import UTC

    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- grouped counts: what the report itself reads ------------------------------------------

@dataclass(frozen=True)
class ReceivedCounts:
    """Dossiers received in the period, per unit, level, procedure and month (YYYY-MM)."""

    unit: str | None
    level: str | None
    procedure_code: str | None
    month: str
    received: int
    satisfied: int  # ≥1 component with a file (scanned, reused, from the owner's store)
    satisfied_with_result: int  # … and a result
    reused: int
    connected: int  # a component from the owner's store, or a result pushed to it
    with_result: int
    waited: int  # with a ticket time before reception
    wait_seconds: float


@dataclass(frozen=True)
class ResolvedCounts:
    """Dossiers first resolved (or returned) in the period, per unit, level, procedure and
    local month of resolution."""

    unit: str | None
    level: str | None
    procedure_code: str | None
    month: str
    resolved: int
    with_result: int
    timed: int  # with a received-at
    processing_seconds: float
    with_appointment: int
    on_time: int  # resolved on or before the appointment day (local)


def _sql(dialect: str) -> dict[str, Any]:
    if dialect == "postgresql":
        return {
            "secs": lambda a, b: f"EXTRACT(EPOCH FROM ({a} - {b}))",
            "month": lambda d: f"to_char({d}, 'YYYY-MM')",
            "local_month": lambda t: f"to_char(({t} AT TIME ZONE 'UTC') + INTERVAL '7 hours', "
                                     "'YYYY-MM')",
            "on_time": lambda t, d: f"{t} < (({d} + INTERVAL '17 hours') AT TIME ZONE 'UTC')",
        }
    return {
        "secs": lambda a, b: f"((julianday({a}) - julianday({b})) * 86400.0)",
        "month": lambda d: f"strftime('%Y-%m', {d})",
        "local_month": lambda t: f"strftime('%Y-%m', {t}, '+7 hours')",
        # The appointment day ends at 24:00 local = 17:00 UTC.
        "on_time": lambda t, d: f"julianday({t}) < julianday({d}) + 17.0 / 24",
    }


def _scope_sql(unit: str | None, level: str | None, alias: str) -> str:
    parts = []
    if unit:
        parts.append(f"AND {alias}.receiving_unit = :unit")
    if level:
        parts.append(f"AND {alias}.unit_level = :level")
    return " ".join(parts)


def received_counts(archive: Archive, *, date_from: date, date_to: date,
                    unit: str | None = None, level: str | None = None) -> list[ReceivedCounts]:
    """One grouped query: a year of a province's dossiers is a few hundred rows."""
    from sqlalchemy import Date, bindparam, text

    with archive.transaction(write=False) as conn:
        f = _sql(conn.dialect.name)
        in_period = (f"SELECT code FROM dossiers d0 WHERE d0.received_date >= :df "
                     f"AND d0.received_date <= :dt {_scope_sql(unit, level, 'd0')}")
        waited = "d.queued_at IS NOT NULL AND d.received_at >= d.queued_at"
        stmt = text(f"""
            WITH c AS (
              SELECT dossier_code,
                     SUM(CASE WHEN satisfied IS NOT NULL THEN 1 ELSE 0 END) AS sat,
                     SUM(CASE WHEN satisfied IN :reuse_marked THEN 1 ELSE 0 END) AS reused,
                     SUM(CASE WHEN satisfied = :store THEN 1 ELSE 0 END) AS store
              FROM dossier_components WHERE dossier_code IN ({in_period})
              GROUP BY dossier_code),
            r AS (
              SELECT dossier_code, COUNT(*) AS n, COUNT(pushed_to_store_at) AS pushed
              FROM dossier_results WHERE dossier_code IN ({in_period})
              GROUP BY dossier_code)
            SELECT d.receiving_unit, d.unit_level, d.procedure_code,
                   {f['month']('d.received_date')} AS month,
                   COUNT(*),
                   SUM(CASE WHEN c.sat > 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN c.sat > 0 AND r.n > 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN c.reused > 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN c.store > 0 OR r.pushed > 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN r.n > 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN {waited} THEN 1 ELSE 0 END),
                   SUM(CASE WHEN {waited} THEN {f['secs']('d.received_at', 'd.queued_at')}
                       ELSE 0 END)
            FROM dossiers d
            LEFT JOIN c ON c.dossier_code = d.code
            LEFT JOIN r ON r.dossier_code = d.code
            WHERE d.received_date >= :df AND d.received_date <= :dt {_scope_sql(unit, level, 'd')}
            GROUP BY d.receiving_unit, d.unit_level, d.procedure_code, month
        """).bindparams(bindparam("df", type_=Date()), bindparam("dt", type_=Date()),
                         bindparam("reuse_marked", expanding=True))
        params: dict[str, Any] = {"df": date_from, "dt": date_to,
                                  "reuse_marked": list(REUSE_MARKED), "store": SATISFIED_STORE}
        if unit:
            params["unit"] = nfc(unit)
        if level:
            params["level"] = level
        return [ReceivedCounts(r[0], r[1], r[2], str(r[3]), *(int(x or 0) for x in r[4:11]),
                               float(r[11] or 0)) for r in conn.execute(stmt, params)]


def resolved_counts(archive: Archive, *, start: datetime, end: datetime,
                    unit: str | None = None, level: str | None = None) -> list[ResolvedCounts]:
    from sqlalchemy import bindparam, text

    from sohoa.archive.models import UtcDateTime

    with archive.transaction(write=False) as conn:
        f = _sql(conn.dialect.name)
        stmt = text(f"""
            WITH r AS (
              SELECT dossier_code, COUNT(*) AS n FROM dossier_results
              WHERE dossier_code IN (SELECT code FROM dossiers
                                     WHERE resolved_at >= :start AND resolved_at < :end)
              GROUP BY dossier_code)
            SELECT d.receiving_unit, d.unit_level, d.procedure_code,
                   {f['local_month']('d.resolved_at')} AS month,
                   COUNT(*),
                   SUM(CASE WHEN r.n > 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN d.received_at IS NOT NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN d.received_at IS NOT NULL
                       THEN {f['secs']('d.resolved_at', 'd.received_at')} ELSE 0 END),
                   SUM(CASE WHEN d.appointment_date IS NOT NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN d.appointment_date IS NOT NULL
                       AND {f['on_time']('d.resolved_at', 'd.appointment_date')}
                       THEN 1 ELSE 0 END)
            FROM dossiers d
            LEFT JOIN r ON r.dossier_code = d.code
            WHERE d.resolved_at >= :start AND d.resolved_at < :end
            {_scope_sql(unit, level, 'd')}
            GROUP BY d.receiving_unit, d.unit_level, d.procedure_code, month
        """).bindparams(bindparam("start", type_=UtcDateTime()),
                        bindparam("end", type_=UtcDateTime()))
        params: dict[str, Any] = {"start": start, "end": end}
        if unit:
            params["unit"] = nfc(unit)
        if level:
            params["level"] = level
        return [ResolvedCounts(r[0], r[1], r[2], str(r[3]), int(r[4] or 0), int(r[5] or 0),
                               int(r[6] or 0), float(r[7] or 0), int(r[8] or 0), int(r[9] or 0))
                for r in conn.execute(stmt, params)]
