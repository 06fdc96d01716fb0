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
- ``REUSED_DIGITIZED_DATA``: received in the period with at least one component reused;
- ``SYNCED_WITH_DVCQG_PERSONAL_STORAGE``: received in the period with a component taken from
  the owner's store or a result pushed to it;
- ``ELECTRONIC_CERTIFIED_COPY``: of the communes in scope, those that issued an electronic
  certified copy (a result of a ``certified_copy`` procedure) for a dossier of the period.

Points are ``max × min(1, ratio / threshold)`` (thresholds in kpi.toml).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from statistics import mean, median
from typing import Any

from sohoa.archive import Archive
from sohoa.archive.dossiers import VN
from sohoa.archive.kpi import DossierFacts, dossier_facts
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
            raise ConfigError(f"khoảng thời gian trống: {self.date_from} sau {self.date_to}")

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
    """One indicator over one scope: the dossiers (or communes) in its numerator and
    denominator, so every figure can be explained."""

    indicator: Indicator
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    target: float | None

    @property
    def ratio(self) -> float | None:
        return len(self.numerator) / len(self.denominator) if self.denominator else None

    @property
    def points(self) -> float | None:
        if self.ratio is None:
            return None
        return round(self.indicator.points * min(1.0, self.ratio / self.indicator.threshold), 4)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.indicator.code, "name": self.indicator.name,
                "numerator": len(self.numerator), "denominator": len(self.denominator),
                "ratio": round(self.ratio, 6) if self.ratio is not None else None,
                "points": self.points, "max_points": self.indicator.points,
                "target": self.target}


# The seam for the exchange with the national portal (issue 16): a function returning the codes
# of the dossiers received in the period whose status was delivered to the portal, or None when
# nothing is synchronized yet. The exchange registers its own with ``set_sync_source``.
SyncSource = Callable[[Archive, date, date], set[str] | None]
_sync_source: list[SyncSource] = []


def set_sync_source(source: SyncSource | None) -> None:
    _sync_source.clear()
    if source is not None:
        _sync_source.append(source)


def delivered_to_portal(archive: Archive, date_from: date, date_to: date) -> set[str] | None:
    return _sync_source[0](archive, date_from, date_to) if _sync_source else None


def _indicator_sets(ind: Indicator, facts: Sequence[DossierFacts], period: Period,
                    catalogue: Catalogue, communes: Iterable[str],
                    synced: set[str] | None) -> tuple[list[str], list[str]]:
    def proc(f: DossierFacts) -> Any:
        return catalogue.find(f.procedure_code)

    received = [f for f in facts if f.received_date is not None
                and period.date_from <= f.received_date <= period.date_to]
    code = ind.code
    if code == "ORIGINAL_RESULT_AVAILABLE":
        den = [f for f in facts if period.contains(f.resolved_at)
               and (p := proc(f)) is not None and p.paper_result]
        return [f.code for f in den if f.results], [f.code for f in den]
    if code == "SO_HOA_GIAY_TO_GIAI_QUYET":
        def digitized(f: DossierFacts) -> bool:
            p = proc(f)
            return f.satisfied > 0 and (p is None or not p.paper_result or f.results > 0)
        return [f.code for f in received if digitized(f)], [f.code for f in received]
    if code == "REUSED_DIGITIZED_DATA":
        return [f.code for f in received if f.reused], [f.code for f in received]
    if code == "SYNCED_WITH_DVCQG_PERSONAL_STORAGE":
        return ([f.code for f in received if f.from_store or f.result_pushed],
                [f.code for f in received])
    if code == "ELECTRONIC_CERTIFIED_COPY":
        den = sorted(communes)
        issued = {f.unit for f in received if f.results and (p := proc(f)) is not None
                  and p.certified_copy}
        return [u for u in den if u in issued], den
    if code == SYNC_CODE:
        return ([f.code for f in received if synced is not None and f.code in synced],
                [f.code for f in received])
    raise ConfigError(f"chỉ số {code} trong kpi.toml chưa được hỗ trợ")


def indicators(rules: KpiRules, facts: Sequence[DossierFacts], period: Period,
               catalogue: Catalogue, communes: Iterable[str], level: str | None,
               synced: set[str] | None = None) -> list[Counted]:
    communes = list(communes)
    year = period.date_to.year
    chosen = list(rules.indicators)
    if synced is not None:
        chosen.append(Indicator(SYNC_CODE, SYNC_NAME, 6.0, 1.0, None))
    out = []
    for ind in chosen:
        num, den = _indicator_sets(ind, facts, period, catalogue, communes, synced)
        target = rules.target(ind.target, level, year) if level else None
        out.append(Counted(ind, tuple(num), tuple(den), target))
    return out


def _times(facts: Sequence[DossierFacts], period: Period) -> dict[str, Any]:
    waits = [(f.received_at - f.queued_at).total_seconds() / 60 for f in facts
             if f.queued_at and f.received_at and f.received_date
             and period.date_from <= f.received_date <= period.date_to
             and f.received_at >= f.queued_at]
    resolved = [f for f in facts if period.contains(f.resolved_at) and f.received_at]
    days = [(f.resolved_at - f.received_at).total_seconds() / 86400 for f in resolved
            if f.resolved_at and f.received_at]
    on_time = [f for f in resolved if f.appointment_date and f.resolved_at
               and f.resolved_at.astimezone(VN).date() <= f.appointment_date]
    with_appt = [f for f in resolved if f.appointment_date]
    return {
        "waiting_minutes_mean": round(mean(waits), 2) if waits else None,
        "waiting_minutes_median": round(median(waits), 2) if waits else None,
        "waiting_measured": len(waits),
        "processing_days_mean": round(mean(days), 3) if days else None,
        "resolved": len(resolved),
        "on_time": len(on_time),
        "on_time_ratio": round(len(on_time) / len(with_appt), 6) if with_appt else None,
    }


def _productivity(received: int, staff: int, period: Period) -> float | None:
    if staff <= 0:
        return None
    return round(received / (staff * period.days / 365.0), 2)


def _months(period: Period) -> list[tuple[int, int]]:
    months, y, m = [], period.date_from.year, period.date_from.month
    while (y, m) <= (period.date_to.year, period.date_to.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _trend(rules: KpiRules, facts: Sequence[DossierFacts], period: Period,
           catalogue: Catalogue) -> list[dict[str, Any]]:
    rows = []
    for y, m in _months(period):
        first = max(date(y, m, 1), period.date_from)
        last = min(date(y, m, calendar.monthrange(y, m)[1]), period.date_to)
        month = Period(first, last)
        counted = {c.indicator.code: c for c in indicators(rules, facts, month, catalogue, (),
                                                           None)}
        rows.append({"month": f"{y:04d}-{m:02d}",
                     "received": sum(1 for f in facts if f.received_date
                                     and first <= f.received_date <= last),
                     **{code: (round(c.ratio, 6) if c.ratio is not None else None)
                        for code, c in counted.items()
                        if code != "ELECTRONIC_CERTIFIED_COPY"}})
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
            "units": [{k: v for k, v in u.items() if k != "counted"} for u in self.units],
            "indicators": [c.to_json() for c in self.overall],
            "levels": [{k: v for k, v in lv.items() if k != "counted"} for lv in self.levels],
            "times": {**self.times, "waiting_target_minutes": self.waiting_target},
            "trend": self.trend,
        }

    def explain(self, code: str) -> dict[str, Any]:
        """The dossiers (or communes) behind an indicator's figures, overall."""
        for c in self.overall:
            if c.indicator.code == code:
                numerator = set(c.numerator)
                return {"code": code, "name": c.indicator.name,
                        "numerator": len(c.numerator), "denominator": len(c.denominator),
                        "items": [{"id": x, "counted": x in numerator}
                                  for x in c.denominator]}
        raise ConfigError(f"không có chỉ số {code}; các chỉ số: "
                          + ", ".join(c.indicator.code for c in self.overall))


def compute(archive: Archive, period: Period, *, catalogue: Catalogue, units: Units,
            rules: KpiRules, unit: str | None = None, level: str | None = None) -> KpiReport:
    if unit and level:
        raise ConfigError("chọn --unit hoặc --level, không cả hai")
    if level:
        units.level(level)
    start, end = period.instants()
    facts = dossier_facts(archive, date_from=period.date_from, date_to=period.date_to,
                          unit=unit, level=level, resolved_from=start, resolved_to=end)
    synced = delivered_to_portal(archive, period.date_from, period.date_to)
    year = period.date_to.year

    def level_of(f: DossierFacts) -> str | None:
        return f.level or units.level_of(f.unit)

    in_scope = [u for u in units.units.values()
                if (not unit or u.code == unit) and (not level or u.level == level)]
    by_unit: dict[str, list[DossierFacts]] = defaultdict(list)
    for f in facts:
        by_unit[f.unit or ""].append(f)
    unit_codes = sorted({u.code for u in in_scope} | {k for k in by_unit if k})
    unit_rows = []
    for code in unit_codes:
        known = units.get(code)
        lv = known.level if known else next((level_of(f) for f in by_unit[code]), None)
        rows = by_unit.get(code, [])
        received = sum(1 for f in rows if f.received_date
                       and period.date_from <= f.received_date <= period.date_to)
        staff = known.staff_in(year) if known else 0
        counted = indicators(rules, rows, period, catalogue,
                             [code] if lv == COMMUNE_LEVEL else (), lv, synced)
        unit_rows.append({
            "unit": code, "name": known.name if known else code, "level": lv,
            "received": received, "staff": staff,
            "productivity": _productivity(received, staff, period),
            "productivity_target": rules.target("productivity", lv, year),
            "indicators": [c.to_json() for c in counted],
            "times": _times(rows, period), "counted": counted})
    level_rows = []
    for lv_code, lv in units.levels.items():
        rows = [f for f in facts if level_of(f) == lv_code]
        members = [u for u in unit_rows if u["level"] == lv_code]
        if not rows and not members:
            continue
        received = sum(u["received"] for u in members)
        staff = sum(u["staff"] for u in members)
        communes = [u["unit"] for u in members] if lv_code == COMMUNE_LEVEL else []
        counted = indicators(rules, rows, period, catalogue, communes, lv_code, synced)
        level_rows.append({
            "level": lv_code, "name": lv.name, "historic": lv.historic, "units": len(members),
            "received": received, "staff": staff,
            "productivity": _productivity(received, staff, period),
            "productivity_target": rules.target("productivity", lv_code, year),
            "indicators": [c.to_json() for c in counted], "counted": counted})
    communes = [u["unit"] for u in unit_rows if u["level"] == COMMUNE_LEVEL]
    overall = indicators(rules, facts, period, catalogue, communes,
                         level or (unit_rows[0]["level"] if unit and unit_rows else None),
                         synced)
    return KpiReport(
        period=period, scope={"unit": unit, "level": level}, overall=overall,
        units=unit_rows, levels=level_rows, times=_times(facts, period),
        trend=_trend(rules, facts, period, catalogue),
        waiting_target=rules.target("waiting_minutes", None, year))
