"""A year of one-stop-shop dossier events with known true ratios, for the KPI report's demo,
tests and benchmark.

Deterministic from a seed: the same (year, seed, dossiers) always gives the same events. The
generator decides, dossier by dossier, how each component is satisfied, when statuses change
and whether a result is issued (digitization and reuse improve over the months, as a province
following its plan would), and counts the indicators itself from those decisions — the "truth"
a report computed from the catalog must reproduce.

Plain data out (events as dicts, truth as a dict); ``sohoa.pipeline.synthyear`` loads them into
an archive through the same functions the desk uses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sohoa.clock import VIETNAM as VN
from sohoa.procedures import Catalogue, Units

# Papers an owner may already hold in the archive before the year starts (reusable).
LEGACY_TYPES = ("citizen_id_card", "marriage_certificate", "land_use_certificate",
                "residence_confirmation")
INDICATORS = ("ORIGINAL_RESULT_AVAILABLE", "SO_HOA_GIAY_TO_GIAI_QUYET", "REUSED_DIGITIZED_DATA",
              "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "ELECTRONIC_CERTIFIED_COPY")


@dataclass(frozen=True)
class SynthYear:
    year: int
    events: list[dict[str, Any]]  # in time order
    truth: dict[str, Any]  # indicator code → {"numerator", "denominator"}; per unit too


def _working_days(year: int) -> list[date]:
    day, days = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _add_working(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _owner(rng: random.Random) -> str:
    # A 12-digit personal ID: province code 075 (Đồng Nai), century/sex digit, birth year, serial.
    return f"075{rng.choice('0123')}{rng.randint(40, 99):02d}{rng.randint(0, 999999):06d}"


def generate(catalogue: Catalogue, units: Units, *, year: int, seed: int = 1,
             dossiers: int = 600) -> SynthYear:
    rng = random.Random(f"sohoa-year:{year}:{seed}:{dossiers}")
    days = _working_days(year)
    unit_list = sorted(units.units.values(), key=lambda u: u.code)
    if not unit_list:
        raise ValueError("units.toml lists no unit")
    by_level = {u.code: [p for p in catalogue if u.level in p.levels] for u in unit_list}
    owners = {u.code: [_owner(rng) for _ in range(max(3, dossiers // (4 * len(unit_list))))]
              for u in unit_list}
    events: list[dict[str, Any]] = []
    legacy: dict[str, dict[str, str]] = {}  # owner → doc_type → legacy document key
    for unit_owners in owners.values():
        for owner in unit_owners:
            held = {t: f"legacy-{owner}-{t}" for t in LEGACY_TYPES if rng.random() < 0.6}
            legacy[owner] = held
            for doc_type, key in held.items():
                events.append({"kind": "legacy", "at": f"{year - 1}-06-01T09:00:00+07:00",
                               "owner": owner, "doc_type": doc_type, "key": key})

    facts: list[dict[str, Any]] = []
    daily: dict[tuple[str, date], int] = {}
    for n in range(dossiers):
        unit = unit_list[n % len(unit_list)]
        procs = by_level[unit.code] or list(catalogue)
        proc = procs[rng.randrange(len(procs))]
        day = days[rng.randrange(len(days))]
        month = day.month
        seq = daily.get((unit.code, day), 0) + 1
        daily[(unit.code, day)] = seq
        code = f"{unit.code}-{day:%y%m%d}-{seq:04d}"
        owner = rng.choice(owners[unit.code])
        received = datetime(day.year, day.month, day.day, 7, 30, tzinfo=VN) + timedelta(
            minutes=rng.randrange(0, 9 * 60))
        wait = max(1, int(rng.expovariate(1 / 14)))
        channel = rng.choices(("counter", "online", "postal"), (70, 20, 10))[0]
        # At the counter the citizen took a ticket and waited: the one-stop system reports the
        # ticket time with the opening.
        queued = (received - timedelta(minutes=wait)).isoformat() if channel == "counter" else None
        events.append({"kind": "open", "at": received.isoformat(), "code": code,
                       "procedure": proc.code, "owner": owner, "unit": unit.code,
                       "channel": channel, "queued_at": queued})
        # Digitization and reuse improve along the year (the plan's trajectory).
        p_scan = 0.45 + 0.45 * (month - 1) / 11
        p_reuse = 0.15 + 0.55 * (month - 1) / 11
        satisfied = reused = store = 0
        step = received + timedelta(minutes=5)
        for comp in proc.components:
            held = legacy[owner].get(comp.doc_type)
            r = rng.random()
            if held and r < p_reuse:
                kind = "store" if rng.random() < 0.2 else "reuse"
                events.append({"kind": kind, "at": step.isoformat(), "code": code,
                               "component": comp.code, "key": held})
                satisfied += 1
                reused += kind == "reuse"
                store += kind == "store"
            elif rng.random() < p_scan:
                events.append({"kind": "scan", "at": step.isoformat(), "code": code,
                               "component": comp.code, "doc_type": comp.doc_type,
                               "owner": owner, "key": f"scan-{code}-{comp.code}"})
                satisfied += 1
            step += timedelta(minutes=1)
        events.append({"kind": "status", "at": (received + timedelta(hours=1)).isoformat(),
                       "code": code, "status": "processing"})
        late = rng.random() < 0.12
        done_day = _add_working(day, proc.processing_days + (rng.randint(1, 3) if late else 0))
        resolved_at = max(datetime(done_day.year, done_day.month, done_day.day, 15, 0,
                                   tzinfo=VN), step + timedelta(hours=2))
        resolved = rng.random() < 0.95
        result = pushed = False
        if resolved:
            events.append({"kind": "status", "at": resolved_at.isoformat(), "code": code,
                           "status": "resolved"})
            p_result = (0.55 + 0.4 * (month - 1) / 11) if proc.paper_result else 0.9
            if rng.random() < p_result:
                result = True
                events.append({"kind": "result", "at": resolved_at.isoformat(), "code": code,
                               "procedure": proc.code, "doc_type": proc.result_doc_type,
                               "owner": owner,
                               "key": f"result-{code}"})
                if rng.random() < 0.3:
                    pushed = True
                    events.append({"kind": "pushed", "at": (resolved_at + timedelta(hours=1))
                                   .isoformat(), "code": code, "key": f"result-{code}"})
            events.append({"kind": "status", "at": (resolved_at + timedelta(hours=2))
                           .isoformat(), "code": code, "status": "returned"})
        facts.append({"code": code, "unit": unit.code, "level": unit.level,
                      "paper_result": proc.paper_result, "certified_copy": proc.certified_copy,
                      "satisfied": satisfied, "reused": reused, "store": store,
                      "result": result, "pushed": pushed,
                      "resolved_in_year": resolved and resolved_at.year == year})
    events.sort(key=lambda e: (e["at"], e.get("code", ""), e["kind"]))
    communes = [u.code for u in unit_list if u.level == "xa"]
    truth = {"overall": _truth(facts, communes),
             "units": {u.code: _truth([f for f in facts if f["unit"] == u.code],
                                      [u.code] if u.level == "xa" else [])
                       for u in unit_list},
             "dossiers": dossiers}
    return SynthYear(year, events, truth)


def _truth(facts: list[dict[str, Any]], communes: list[str]) -> dict[str, dict[str, int]]:
    """The indicators counted from the generator's own decisions (see sohoa.pipeline.kpi)."""
    paper_resolved = [f for f in facts if f["paper_result"] and f["resolved_in_year"]]
    issued_copies = {f["unit"] for f in facts if f["certified_copy"] and f["result"]}
    return {
        "ORIGINAL_RESULT_AVAILABLE": {"numerator": sum(f["result"] for f in paper_resolved),
                                      "denominator": len(paper_resolved)},
        "SO_HOA_GIAY_TO_GIAI_QUYET": {
            "numerator": sum(1 for f in facts if f["satisfied"]
                             and (not f["paper_result"] or f["result"])),
            "denominator": len(facts)},
        # a paper from the owner's store is reused too: the portal is told DuocTaiSuDung 1
        "REUSED_DIGITIZED_DATA": {"numerator": sum(1 for f in facts if f["reused"] or f["store"]),
                                  "denominator": len(facts)},
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": {
            "numerator": sum(1 for f in facts if f["store"] or f["pushed"]),
            "denominator": len(facts)},
        "ELECTRONIC_CERTIFIED_COPY": {"numerator": sum(c in issued_copies for c in communes),
                                      "denominator": len(communes)},
    }
