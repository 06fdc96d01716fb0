"""`report kpi --explain DOSSIER_SYNCED` (tester13 F6): the report prints the portal's sync
ratio when a portal target is configured, so --explain lists the dossiers behind it, each
marked synced (every event delivered to the portal target) or not — the same figure as the
report's. Without a portal target the refusal says why the indicator is absent. No server: the
deliveries are recorded as a sender records them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sync_helpers import SECRET, write_config
from test_sync_dossier_events import RECEIVED, opening

from sohoa.archive import Archive, deliveries
from sohoa.archive import dossiers as dz
from sohoa.errors import ConfigError
from sohoa.pipeline import dossierdesk, kpi
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.sync import register_kpi_source

PORTAL = deliveries.TargetTypes("cong-dvc")


def _explain(archive: Archive, home: Path) -> dict[str, object]:
    settings = load_settings(home=home, environ={})
    register_kpi_source(settings)
    day = RECEIVED.date()
    period = kpi.Period(day - timedelta(days=1), day + timedelta(days=1))
    data = {"catalogue": dossierdesk.catalogue(settings), "units": dossierdesk.units(settings),
            "rules": dossierdesk.kpi_rules(settings)}
    made = kpi.compute(archive, period, **data)  # type: ignore[arg-type]
    listing = kpi.explain(archive, period, kpi.SYNC_CODE, **data)  # type: ignore[arg-type]
    shown = next(i for i in made.to_json()["indicators"] if i["code"] == kpi.SYNC_CODE)
    assert (listing["numerator"], listing["denominator"]) == (shown["numerator"],
                                                               shown["denominator"])
    return listing


def test_explain_lists_the_dossiers_synced_and_not(tmp_path: Path, archive: Archive) -> None:
    home = tmp_path / "cfg"
    db = archive._reader.url.render_as_string(hide_password=False)
    write_config(home, db, [{"name": "cong-dvc", "url": "http://127.0.0.1:9/x",
                             "secret": SECRET, "portal": True}])
    synced, pending = "H19.22.31-261207-0001", "H19.22.31-261207-0002"
    dz.open_dossier(archive, opening(synced), by="Trần Thị Bình")
    dz.open_dossier(archive, opening(pending), by="Trần Thị Bình")
    deliveries.spread(archive, [PORTAL])
    held = deliveries.take(archive, "cong-dvc", "test", limit=10, lease=timedelta(minutes=1))
    deliveries.record_outcomes(archive, "cong-dvc", "test", [
        deliveries.Outcome(c.event_row, "delivered", 200) for c in held
        if c.ordering_key == synced])
    try:
        listing = _explain(archive, home)
    finally:
        kpi.set_sync_source(None)
    assert listing["items"] == [{"id": synced, "counted": True},
                                {"id": pending, "counted": False}]


def test_without_a_portal_target_the_refusal_says_why(tmp_path: Path, archive: Archive) -> None:
    home = tmp_path / "cfg"
    db = archive._reader.url.render_as_string(hide_password=False)
    write_config(home, db, [])
    dz.open_dossier(archive, opening("H19.22.31-261207-0003"), by="Trần Thị Bình")
    try:
        with pytest.raises(ConfigError, match="portal = true"):
            _explain(archive, home)
    finally:
        kpi.set_sync_source(None)
