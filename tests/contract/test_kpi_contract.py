"""The KPI report against numbers worked out by hand, and against `synth year`'s truth, on both
catalogs (SQLite + files, PostgreSQL + S3).

The hand-computed month (March 2026, local days):

- D1 H19.22.31 (xã), khai sinh (paper result), received 02/03 08:15 after a ticket at 08:00:
  TP1 and TP2 scanned; resolved 03/03 with a result.
- D2 H19.22.31, khai sinh, received 05/03 09:00 (ticket 08:50): TP3 reused; resolved 06/03
  without a result.
- D3 H19.22 (tỉnh), lý lịch tư pháp (paper), received 10/03: TP2 from the owner's store;
  resolved 20/03; the result pushed to the owner's store.
- D4 H19.22.47 (xã), chứng thực bản sao điện tử (no paper result), received 12/03: nothing
  scanned; its result is the e-certified copy.
- D5 H19.22.26 (xã), khai sinh, received 27/02 (before March): resolved 02/03 with a result.
- D6 H19.22.31, received 31/03 23:30 local: still March. D7, 01/04 00:10 local (31/03 17:10
  UTC): April.

Received in March: D1 D2 D3 D4 D6 = 5. Digitized (≥1 component, and a result where the
procedure issues paper): D1 D3 → 2/5. Reused: D2 → 1/5. Store-connected: D3 → 1/5. Resolved in
March with a paper-result procedure: D1 D2 D3 D5, with a result D1 D3 D5 → 3/4. Communes: 3 in
units.toml, one issued an e-certified copy (H19.22.47) → 1/3. Waiting at the counter: 15 and
10 minutes → 12.5.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from archivist_helpers import make_home
from backends import Place
from test_dossier_contract import store

from sohoa.archive import Archive
from sohoa.archive import dossiers as dz
from sohoa.pipeline import dossierdesk, kpi
from sohoa.pipeline.settings import Settings
from sohoa.pipeline.synthyear import make_year
from sohoa.synth.year import generate

VN = timezone(timedelta(hours=7))
OWNER = "075203001234"
KHAI_SINH = "1.001193.000.00.00.H19"
LLTP = "2.000488.000.00.00.H19"
CHUNG_THUC = "2.000815.000.00.00.H19"
MARCH = kpi.Period(date(2026, 3, 1), date(2026, 3, 31))
BY = "Trần Thị Bình"


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def settings(place: Place, tmp_path: Path) -> Settings:
    s3 = place.s3
    return dataclasses.replace(
        make_home(tmp_path / "home"), db=place.urls[0], blobs=place.urls[1],
        search=place.urls[2], s3_endpoint=s3.endpoint if s3 else "",
        s3_region=s3.region if s3 else "", s3_access_key_id=s3.access_key_id if s3 else "",
        s3_secret_access_key=s3.secret_access_key if s3 else "")


def open_(archive: Archive, settings: Settings, code: str, procedure: str, unit: str,
          received: datetime, queued: datetime | None = None) -> None:
    dossierdesk.open_dossier(archive, settings, code, procedure=procedure, owner=OWNER,
                             unit=unit, received=received, by=BY)
    if queued:
        dz.set_status(archive, code, "queued", at=queued, by=BY)


def result(archive: Archive, code: str, seed: str, doc_type: str, when: datetime,
           result_code: str) -> str:
    doc = store(archive, seed, code, doc_type)
    dz.add_result(archive, code, doc, result_code=result_code, born_digital=True,
                  valid_until=None, by=BY, code_format=dz.DEFAULT_CODE_FORMAT, issued_at=when)
    return doc


def report(archive: Archive, settings: Settings, **scope: str) -> kpi.KpiReport:
    return kpi.compute(archive, MARCH, catalogue=dossierdesk.catalogue(settings),
                       units=dossierdesk.units(settings),
                       rules=dossierdesk.kpi_rules(settings), **scope)


def test_indicators_match_the_hand_computed_month(settings: Settings) -> None:
    from sohoa.pipeline.services import open_archive

    with open_archive(settings) as archive:
        legacy = store(archive, "legacy-marriage", "LEGACY-1", "marriage_certificate")
        card = store(archive, "legacy-card", "LEGACY-1", "citizen_id_card")

        open_(archive, settings, "D1", KHAI_SINH, "H19.22.31", at(2, 8, 15), at(2, 8, 0))
        store(archive, "d1-form", "D1", "application_form")
        store(archive, "d1-card", "D1", "citizen_id_card")
        dz.set_status(archive, "D1", "resolved", at=at(3, 10), by=BY)
        result(archive, "D1", "d1-result", "birth_certificate", at(3, 10), "KQ.001193")

        open_(archive, settings, "D2", KHAI_SINH, "H19.22.31", at(5, 9), at(5, 8, 50))
        dz.reuse(archive, "D2", legacy, component="TP3", by=BY, purpose="D2",
                 today=date(2026, 3, 5))
        dz.set_status(archive, "D2", "resolved", at=at(6, 11), by=BY)

        open_(archive, settings, "D3", LLTP, "H19.22", at(10, 9))
        dz.reuse(archive, "D3", card, component="TP2", by=BY, purpose="D3", from_store=True,
                 today=date(2026, 3, 10))
        dz.set_status(archive, "D3", "resolved", at=at(20, 14), by=BY)
        d3 = result(archive, "D3", "d3-result", "judicial_record", at(20, 14), "KQ.000488")
        dz.mark_pushed_to_store(archive, d3, at(20, 15))

        open_(archive, settings, "D4", CHUNG_THUC, "H19.22.47", at(12, 9))
        result(archive, "D4", "d4-result", "other", at(12, 10), "KQ.000815")
        dz.set_status(archive, "D4", "resolved", at=at(12, 10), by=BY)

        open_(archive, settings, "D5", KHAI_SINH, "H19.22.26", at(27, 9, month=2))
        dz.set_status(archive, "D5", "resolved", at=at(2, 9), by=BY)
        result(archive, "D5", "d5-result", "birth_certificate", at(2, 9), "KQ.001193")

        open_(archive, settings, "D6", KHAI_SINH, "H19.22.31", at(31, 23, 30))
        open_(archive, settings, "D7", KHAI_SINH, "H19.22.31", at(1, 0, 10, month=4))

        made = report(archive, settings)
        by_level = report(archive, settings, level="xa")
        explained = kpi.explain(archive, MARCH, "REUSED_DIGITIZED_DATA",
                                catalogue=dossierdesk.catalogue(settings),
                                units=dossierdesk.units(settings),
                                rules=dossierdesk.kpi_rules(settings))
        # --explain lists exactly the dossiers the grouped counts count, for every indicator.
        every = kpi.explain_all(archive, MARCH, catalogue=dossierdesk.catalogue(settings),
                                units=dossierdesk.units(settings),
                                rules=dossierdesk.kpi_rules(settings))

    got = {i["code"]: i for i in made.to_json()["indicators"]}
    expected = {"ORIGINAL_RESULT_AVAILABLE": (3, 4, 4.5), "SO_HOA_GIAY_TO_GIAI_QUYET": (2, 5, 1.6),
                # D3's card came from the owner's store: reused too (tester13 F7)
                "REUSED_DIGITIZED_DATA": (2, 5, 1.0),
                "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": (1, 5, 0.8),
                "ELECTRONIC_CERTIFIED_COPY": (1, 3, 0.6667)}
    for code, (num, den, points) in expected.items():
        assert (got[code]["numerator"], got[code]["denominator"]) == (num, den), code
        assert got[code]["points"] == pytest.approx(points, abs=1e-4), code
        assert got[code]["ratio"] == pytest.approx(num / den, abs=1e-6)
        assert set(got[code]) == {"code", "name", "numerator", "denominator", "ratio",
                                  "points", "max_points", "target"}
    assert got["SO_HOA_GIAY_TO_GIAI_QUYET"]["max_points"] == 4

    assert [x["id"] for x in explained["items"] if x["counted"]] == ["D2", "D3"]
    for code, listing in every.items():
        assert (listing["numerator"], listing["denominator"]) == expected[code][:2], code
    assert [x["id"] for x in every["ORIGINAL_RESULT_AVAILABLE"]["items"] if x["counted"]] == [
        "D1", "D3", "D5"]
    assert {x["id"] for x in explained["items"]} == {"D1", "D2", "D3", "D4", "D6"}

    data = made.to_json()
    assert data["times"]["waiting_minutes_mean"] == pytest.approx(12.5)
    assert data["times"]["waiting_measured"] == 2
    tan_phong = next(u for u in data["units"] if u["unit"] == "H19.22.31")
    assert tan_phong["received"] == 3 and tan_phong["staff"] == 5
    assert tan_phong["productivity"] == pytest.approx(3 / (5 * 31 / 365), abs=0.01)
    assert tan_phong["productivity_target"] == 800
    march = next(t for t in data["trend"] if t["month"] == "2026-03")
    assert march["received"] == 5

    xa = {i["code"]: i for i in by_level.to_json()["indicators"]}
    assert (xa["SO_HOA_GIAY_TO_GIAI_QUYET"]["numerator"],
            xa["SO_HOA_GIAY_TO_GIAI_QUYET"]["denominator"]) == (1, 4)
    assert xa["SO_HOA_GIAY_TO_GIAI_QUYET"]["target"] == 100
    assert xa["REUSED_DIGITIZED_DATA"]["target"] == 100


def test_report_reproduces_synth_years_truth(settings: Settings) -> None:
    from sohoa.pipeline.services import open_archive

    with open_archive(settings) as archive:
        generated = generate(dossierdesk.catalogue(settings), dossierdesk.units(settings),
                             year=2025, seed=5, dossiers=120)
        made = make_year(archive, settings, generated)
        figures = kpi.compute(archive, kpi.Period(date(2025, 1, 1), date(2025, 12, 31)),
                              catalogue=dossierdesk.catalogue(settings),
                              units=dossierdesk.units(settings),
                              rules=dossierdesk.kpi_rules(settings)).to_json()
    truth = made["truth"]
    got = {i["code"]: (i["numerator"], i["denominator"]) for i in figures["indicators"]}
    assert got == {code: (t["numerator"], t["denominator"])
                   for code, t in truth["overall"].items()}
    for unit in figures["units"]:
        per_unit = {i["code"]: (i["numerator"], i["denominator"]) for i in unit["indicators"]}
        assert per_unit == {code: (t["numerator"], t["denominator"])
                            for code, t in truth["units"][unit["unit"]].items()}, unit["unit"]
    assert sum(t["received"] for t in figures["trend"]) == 120
    # Deterministic: the same year, seed and size give the same events and the same truth.
    first = generate(dossierdesk.catalogue(settings), dossierdesk.units(settings), year=2025,
                     seed=5, dossiers=120)
    assert first.truth == truth
    assert first.events == generate(dossierdesk.catalogue(settings),
                                    dossierdesk.units(settings), year=2025, seed=5,
                                    dossiers=120).events
