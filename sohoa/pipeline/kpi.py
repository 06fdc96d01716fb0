"""The KPI report's figures: QĐ 766's digitization indicators per unit, level and overall,
the plan's targets beside them, productivity per desk staff-year, waiting and processing times,
and monthly trends — computed from the archive's per-dossier facts and the province's data
files (procedures, units, kpi rules).

Definitions (as the national portal computes them, research note §1.2 and §4):

- ``ORIGINAL_RESULT_AVAILABLE``: of the dossiers *resolved* in the period whose procedure
  issues a paper result, those with an electronic result file (a result recorded in sohoa, born
  digital or digitized);
- ``SO_HOA_GIAY_TO_GIAI_QUYET``: of the dossiers *received* in the period, those with at least
  one component with a file (digitized here, reused, or from the owner's store — the portal's
  "có file đính kèm trong thành phần hồ sơ") **and**, where the procedure issues a paper result,
  a result;
- ``REUSED_DIGITIZED_DATA``: received in the period with at least one component reused —
  another dossier's paper or result, or a paper taken from the owner's store (both are sent to
  the portal with ``DuocTaiSuDung`` set, which is what it counts);
- ``SYNCED_WITH_DVCQG_PERSONAL_STORAGE``: received in the period with a component taken from
  the owner's store or a result pushed to it;
- ``ELECTRONIC_CERTIFIED_COPY``: of the communes in scope, those that issued an electronic
  certified copy in the period: a copy certified on a day of the period and entered in the
  commune's certification register (``sohoa certify copy``, ``archive/certifications.py``), or
  a result of a ``certified_copy`` procedure for a dossier received in the period (a copy the
  one-stop system's own certification module issued).

Points are ``max × min(1, ratio / threshold)`` (thresholds in kpi.toml).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sohoa.archive import Archive
from sohoa.archive.certifications import issuing_units
from sohoa.archive.kpi import (
    DossierFacts,
    ReceivedCounts,
    ResolvedCounts,
    dossier_facts,
    received_counts,
    resolved_counts,
)
from sohoa.clock import VIETNAM as VN
from sohoa.clock import shown_date
from sohoa.errors import ConfigError
from sohoa.procedures import Catalogue, Indicator, KpiRules, Units

COMMUNE_LEVEL = "xa"
SYNC_CODE = "DOSSIER_SYNCED"
SYNC_NAME = "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia"


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise ConfigError(f"khoảng thời gian trống: {shown_date(self.date_from)} sau "
                              f"{shown_date(self.date_to)}")

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def instants(self) -> tuple[datetime, datetime]:
        """[start, end) of the period in UTC, local days."""
        start = datetime.combine(self.date_from, time(), VN).astimezone(UTC)
        end = datetime.combine(self.date_to, time(), VN).astimezone(UTC)
        return start, end + timedelta(days=1)

    def contains(self, at: datetime | None) -> bool:
        if at is None:
            return False
        start, end = self.instants()
        return start <= at < end


@dataclass(frozen=True)
class Counted:
    """One indicator over one scope."""

    indicator: Indicator
    numerator: int
    denominator: int
    target: float | None

    @property
    def ratio(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def points(self) -> float | None:
        if self.ratio is None:
            return None
        return round(self.indicator.points * min(1.0, self.ratio / self.indicator.threshold), 4)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.indicator.code, "name": self.indicator.name,
                "numerator": self.numerator, "denominator": self.denominator,
                "ratio": round(self.ratio, 6) if self.ratio is not None else None,
                "points": self.points, "max_points": self.indicator.points,
                "target": self.target}


# The seam for the exchange with the national portal (issue 16): a function returning, per
# receiving unit, how many of the dossiers received in [date_from, date_to] had their status
# delivered to the portal — or None while nothing is synchronized. The exchange registers its
# own with ``set_sync_source``; the report then shows the portal's sync ratio too.
# ``members`` answers the same one dossier at a time (the codes, of any unit, whose every event
# reached the portal): what ``--explain DOSSIER_SYNCED`` lists.
SyncSource = Callable[[Archive, date, date], Mapping[str, int] | None]
SyncMembers = Callable[[Archive, date, date], Collection[str]]
_sync_source: list[SyncSource] = []
_sync_members: list[SyncMembers] = []


def set_sync_source(source: SyncSource | None, members: SyncMembers | None = None) -> None:
    _sync_source.clear()
    _sync_members.clear()
    if source is not None:
        _sync_source.append(source)
    if source is not None and members is not None:
        _sync_members.append(members)


def delivered_to_portal(archive: Archive, date_from: date,
                        date_to: date) -> Mapping[str, int] | None:
    return _sync_source[0](archive, date_from, date_to) if _sync_source else None


def _sync_indicator() -> Indicator:
    return Indicator(SYNC_CODE, SYNC_NAME, 6.0, 1.0, None)


Flags = dict[str | None, tuple[bool, bool]]  # procedure code → (paper result, certified copy)


def procedure_flags(catalogue: Catalogue) -> Flags:
    return {p.code: (p.paper_result, p.certified_copy) for p in catalogue}


def _members(ind: Indicator, facts: Sequence[DossierFacts], period: Period, flags: Flags,
             communes: Iterable[str],
             certified: Collection[str] = ()) -> tuple[list[str], list[str]]:
    """The dossiers (or communes) behind one indicator, one by one: what ``--explain`` lists.
    The same definitions as :func:`_count`, which the report itself uses."""
    no = (False, False)
    received = [f for f in facts if f.received_date is not None
                and period.date_from <= f.received_date <= period.date_to]
    code = ind.code
    if code == "ORIGINAL_RESULT_AVAILABLE":
        start, end = period.instants()
        den = [f for f in facts if f.resolved_at is not None and start <= f.resolved_at < end
               and flags.get(f.procedure_code, no)[0]]
        return [f.code for f in den if f.results], [f.code for f in den]
    if code == "SO_HOA_GIAY_TO_GIAI_QUYET":
        return ([f.code for f in received if f.satisfied > 0
                 and (f.results > 0 or not flags.get(f.procedure_code, no)[0])],
                [f.code for f in received])
    if code == "REUSED_DIGITIZED_DATA":
        return [f.code for f in received if f.reused], [f.code for f in received]
    if code == "SYNCED_WITH_DVCQG_PERSONAL_STORAGE":
        return ([f.code for f in received if f.from_store or f.result_pushed],
                [f.code for f in received])
    if code == "ELECTRONIC_CERTIFIED_COPY":
        den = sorted(communes)
        issued = {f.unit for f in received if f.results and flags.get(f.procedure_code, no)[1]}
        return [u for u in den if u in issued or u in certified], den
    raise ConfigError(f"chỉ số {code} không liệt kê được từng hồ sơ")


def _count(code: str, received: Sequence[ReceivedCounts], resolved: Sequence[ResolvedCounts],
           flags: Flags, communes: Sequence[str],
           synced: Mapping[str, int] | None,
           certified: Collection[str] = ()) -> tuple[int, int]:
    no = (False, False)
    total = sum(r.received for r in received)
    if code == "ORIGINAL_RESULT_AVAILABLE":
        paper = [r for r in resolved if flags.get(r.procedure_code, no)[0]]
        return sum(r.with_result for r in paper), sum(r.resolved for r in paper)
    if code == "SO_HOA_GIAY_TO_GIAI_QUYET":
        return (sum(r.satisfied_with_result if flags.get(r.procedure_code, no)[0]
                    else r.satisfied for r in received), total)
    if code == "REUSED_DIGITIZED_DATA":
        return sum(r.reused for r in received), total
    if code == "SYNCED_WITH_DVCQG_PERSONAL_STORAGE":
        return sum(r.connected for r in received), total
    if code == "ELECTRONIC_CERTIFIED_COPY":
        issued = {r.unit for r in received if r.with_result and flags.get(r.procedure_code, no)[1]}
        return sum(1 for c in communes if c in issued or c in certified), len(communes)
    if code == SYNC_CODE:
        units = {r.unit for r in received}
        return sum(n for u, n in (synced or {}).items() if u in units), total
    raise ConfigError(f"chỉ số {code} trong kpi.toml chưa được hỗ trợ")


def indicators(rules: KpiRules, received: Sequence[ReceivedCounts],
               resolved: Sequence[ResolvedCounts], flags: Flags, communes: Iterable[str],
               level: str | None, year: int,
               synced: Mapping[str, int] | None = None,
               certified: Collection[str] = ()) -> list[Counted]:
    communes = list(communes)
    chosen = list(rules.indicators)
    if synced is not None:
        chosen.append(_sync_indicator())
    out = []
    for ind in chosen:
        num, den = _count(ind.code, received, resolved, flags, communes, synced, certified)
        target = rules.target(ind.target, level, year) if level else None
        out.append(Counted(ind, num, den, target))
    return out


def _times(received: Sequence[ReceivedCounts],
           resolved: Sequence[ResolvedCounts]) -> dict[str, Any]:
    waited = sum(r.waited for r in received)
    timed = sum(r.timed for r in resolved)
    with_appt = sum(r.with_appointment for r in resolved)
    on_time = sum(r.on_time for r in resolved)
    return {
        "waiting_minutes_mean": round(sum(r.wait_seconds for r in received) / waited / 60, 2)
        if waited else None,
        "waiting_measured": waited,
        "processing_days_mean": round(sum(r.processing_seconds for r in resolved) / timed
                                      / 86400, 3) if timed else None,
        "resolved": sum(r.resolved for r in resolved),
        "on_time": on_time,
        "on_time_ratio": round(on_time / with_appt, 6) if with_appt else None,
    }


def _productivity(received: int, staff: int, period: Period) -> float | None:
    if staff <= 0:
        return None
    return round(received / (staff * period.days / 365.0), 2)


def _months(period: Period) -> list[str]:
    months, y, m = [], period.date_from.year, period.date_from.month
    while (y, m) <= (period.date_to.year, period.date_to.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _trend(rules: KpiRules, received: Sequence[ReceivedCounts],
           resolved: Sequence[ResolvedCounts], period: Period,
           flags: Flags) -> list[dict[str, Any]]:
    by_month_in: dict[str, list[ReceivedCounts]] = defaultdict(list)
    by_month_out: dict[str, list[ResolvedCounts]] = defaultdict(list)
    for r in received:
        by_month_in[r.month].append(r)
    for q in resolved:
        by_month_out[q.month].append(q)
    rows = []
    for month in _months(period):
        counted = indicators(rules, by_month_in[month], by_month_out[month], flags, (), None,
                             period.date_to.year)
        rows.append({"month": month, "received": sum(r.received for r in by_month_in[month]),
                     **{c.indicator.code: (round(c.ratio, 6) if c.ratio is not None else None)
                        for c in counted if c.indicator.code != "ELECTRONIC_CERTIFIED_COPY"}})
    return rows


@dataclass(frozen=True)
class KpiReport:
    period: Period
    scope: dict[str, Any]
    overall: list[Counted]
    units: list[dict[str, Any]]
    levels: list[dict[str, Any]]
    times: dict[str, Any]
    trend: list[dict[str, Any]]
    waiting_target: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "period": {"from": self.period.date_from.isoformat(),
                       "to": self.period.date_to.isoformat(), "days": self.period.days},
            "scope": self.scope,
            "units": self.units,
            "indicators": [c.to_json() for c in self.overall],
            "levels": self.levels,
            "times": {**self.times, "waiting_target_minutes": self.waiting_target},
            "trend": self.trend,
        }


def compute(archive: Archive, period: Period, *, catalogue: Catalogue, units: Units,
            rules: KpiRules, unit: str | None = None, level: str | None = None) -> KpiReport:
    """The report from two grouped queries (a few hundred rows for a province's year)."""
    if unit and level:
        raise ConfigError("chọn --unit hoặc --level, không cả hai")
    if level:
        units.level(level)
    start, end = period.instants()
    received = received_counts(archive, date_from=period.date_from, date_to=period.date_to,
                               unit=unit, level=level)
    resolved = resolved_counts(archive, start=start, end=end, unit=unit, level=level)
    synced = delivered_to_portal(archive, period.date_from, period.date_to)
    certified = set(issuing_units(archive, date_from=period.date_from, date_to=period.date_to))
    year = period.date_to.year
    flags = procedure_flags(catalogue)

    def level_of(code: str | None, stored: str | None) -> str | None:
        return stored or units.level_of(code)

    in_scope = {u.code for u in units.units.values()
                if (not unit or u.code == unit) and (not level or u.level == level)}
    unit_codes = sorted(in_scope | {r.unit for r in received if r.unit}
                        | {r.unit for r in resolved if r.unit})
    unit_rows = []
    for code in unit_codes:
        known = units.get(code)
        mine_in = [r for r in received if r.unit == code]
        mine_out = [r for r in resolved if r.unit == code]
        lv = known.level if known else next(
            (level_of(r.unit, r.level) for r in [*mine_in, *mine_out]), None)
        count = sum(r.received for r in mine_in)
        staff = known.staff_in(year) if known else 0
        counted = indicators(rules, mine_in, mine_out, flags,
                             [code] if lv == COMMUNE_LEVEL else (), lv, year, synced, certified)
        unit_rows.append({
            "unit": code, "name": known.name if known else code, "level": lv,
            "received": count, "staff": staff,
            "productivity": _productivity(count, staff, period),
            "productivity_target": rules.target("productivity", lv, year),
            "indicators": [c.to_json() for c in counted],
            "times": _times(mine_in, mine_out)})
    level_rows = []
    for lv_code, lv in units.levels.items():
        members = [u for u in unit_rows if u["level"] == lv_code]
        if not members:
            continue
        names = {u["unit"] for u in members}
        mine_in = [r for r in received if r.unit in names]
        mine_out = [r for r in resolved if r.unit in names]
        count = sum(u["received"] for u in members)
        staff = sum(u["staff"] for u in members)
        communes = sorted(names) if lv_code == COMMUNE_LEVEL else []
        counted = indicators(rules, mine_in, mine_out, flags, communes, lv_code, year, synced,
                             certified)
        level_rows.append({
            "level": lv_code, "name": lv.name, "historic": lv.historic, "units": len(members),
            "received": count, "staff": staff,
            "productivity": _productivity(count, staff, period),
            "productivity_target": rules.target("productivity", lv_code, year),
            "indicators": [c.to_json() for c in counted]})
    communes = [u["unit"] for u in unit_rows if u["level"] == COMMUNE_LEVEL]
    scope_level = level or (unit_rows[0]["level"] if unit and unit_rows else None)
    overall = indicators(rules, received, resolved, flags, communes, scope_level, year, synced,
                         certified)
    return KpiReport(
        period=period, scope={"unit": unit, "level": level}, overall=overall,
        units=unit_rows, levels=level_rows, times=_times(received, resolved),
        trend=_trend(rules, received, resolved, period, flags),
        waiting_target=rules.target("waiting_minutes", None, year))


def explain(archive: Archive, period: Period, code: str, *, catalogue: Catalogue,
            units: Units, rules: KpiRules, unit: str | None = None,
            level: str | None = None) -> dict[str, Any]:
    """The dossiers (or communes) behind one indicator, each marked counted or not."""
    return explain_all(archive, period, catalogue=catalogue, units=units, rules=rules,
                       unit=unit, level=level, only=code)[code]


def explain_all(archive: Archive, period: Period, *, catalogue: Catalogue, units: Units,
                rules: KpiRules, unit: str | None = None, level: str | None = None,
                only: str | None = None) -> dict[str, dict[str, Any]]:
    known = {i.code: i for i in rules.indicators}
    if _sync_members:
        # the report prints it when a portal target is configured: --explain lists it then too
        known[SYNC_CODE] = _sync_indicator()
    if only is not None and only not in known:
        unset = (f" ({SYNC_CODE} chỉ có khi sohoa.toml cấu hình một đích đồng bộ lên Cổng "
                 "Dịch vụ công: [[sync.targets]] với portal = true)"
                 if only == SYNC_CODE else "")
        raise ConfigError(f"không có chỉ số {only}; các chỉ số: {', '.join(known)}{unset}")
    start, end = period.instants()
    facts = dossier_facts(archive, date_from=period.date_from, date_to=period.date_to,
                          unit=unit, level=level, resolved_from=start, resolved_to=end)
    communes = [u.code for u in units.units.values() if u.level == COMMUNE_LEVEL
                and (not unit or u.code == unit) and (not level or u.level == level)]
    flags = procedure_flags(catalogue)
    certified = set(issuing_units(archive, date_from=period.date_from, date_to=period.date_to))
    out = {}
    for code, ind in known.items():
        if only is not None and code != only:
            continue
        if code == SYNC_CODE:
            delivered = set(_sync_members[0](archive, period.date_from, period.date_to))
            den = [f.code for f in facts if f.received_date is not None
                   and period.date_from <= f.received_date <= period.date_to]
            num = [c for c in den if c in delivered]
        else:
            num, den = _members(ind, facts, period, flags, communes, certified)
        counted = set(num)
        out[code] = {"code": code, "name": ind.name, "numerator": len(num),
                     "denominator": len(den),
                     "items": [{"id": x, "counted": x in counted} for x in sorted(den)]}
    return out
