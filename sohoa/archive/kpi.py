"""The facts the KPI report is computed from: one row per dossier, read in a few grouped
queries (never a query per dossier), so a year of a province's dossiers is read in seconds.

The archive only says what happened to each dossier (components, results, status times); which
procedures issue a paper result, which units are communes and what the indicators mean is the
pipeline's business (``sohoa.pipeline.kpi``), from the province's data files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
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
    with archive._read() as conn:
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
        facts = {code: DossierFacts(code, r.receiving_unit, r.unit_level, r.procedure_code,
                                    r.channel, r.received_date, r.received_at,
                                    r.appointment_date)
                 for code, r in rows.items()}
        codes = list(facts)
        for chunk in _chunks(codes):
            _add_components(conn, facts, chunk)
            _add_results(conn, facts, chunk)
            _add_times(conn, facts, chunk)
    return list(facts.values())


def _chunks(codes: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(codes), _BATCH):
        yield codes[start:start + _BATCH]


def _add_components(conn: Connection, facts: dict[str, DossierFacts], codes: list[str]) -> None:
    c = DossierComponent
    stmt = (select(c.dossier_code, func.count(),
                   func.sum(case((c.satisfied.is_not(None), 1), else_=0)),
                   func.sum(case((c.satisfied == SATISFIED_REUSED, 1), else_=0)),
                   func.sum(case((c.satisfied == SATISFIED_STORE, 1), else_=0)))
            .where(c.dossier_code.in_(codes)).group_by(c.dossier_code))
    for code, total, satisfied, reused, store in conn.execute(stmt):
        facts[code] = replace(facts[code], components=int(total), satisfied=int(satisfied or 0),
                              reused=int(reused or 0), from_store=int(store or 0))


def _add_results(conn: Connection, facts: dict[str, DossierFacts], codes: list[str]) -> None:
    r = DossierResult
    stmt = (select(r.dossier_code, func.count(), func.count(r.pushed_to_store_at))
            .where(r.dossier_code.in_(codes)).group_by(r.dossier_code))
    for code, total, pushed in conn.execute(stmt):
        facts[code] = replace(facts[code], results=int(total), result_pushed=bool(pushed))


def _add_times(conn: Connection, facts: dict[str, DossierFacts], codes: list[str]) -> None:
    h = DossierStatus
    kind = case((h.status == "queued", "queued"), else_="resolved")
    stmt = (select(h.dossier_code, kind, func.min(h.at))
            .where(and_(h.dossier_code.in_(codes),
                        h.status.in_(("queued", "resolved", "returned"))))
            .group_by(h.dossier_code, kind))
    for code, what, at in conn.execute(stmt):
        at = _aware(at)
        if what == "queued":
            facts[code] = replace(facts[code], queued_at=at)
        else:
            facts[code] = replace(facts[code], resolved_at=at)


def _aware(value: Any) -> datetime | None:
    """MIN() over a timestamp comes back without the column type's processing on SQLite."""
    if value is None or isinstance(value, datetime):
        from sohoa.archive.values import aware

        return aware(value)
    from datetime import UTC

    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
