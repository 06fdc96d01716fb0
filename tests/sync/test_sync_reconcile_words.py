"""`sohoa sync reconcile` for a target that takes some kinds of events only (tester13 F8): a
citizen's store taking results is owed nothing by a dossier without a result, and the report
says so — not "no event was recorded for this dossier", which blames the dossier's recording
while the portal got its events. No server: the report reads the outbox."""

from __future__ import annotations

from pathlib import Path

from sync_helpers import SECRET, write_config
from test_sync_dossier_events import RECEIVED, opening

from sohoa.archive import Archive
from sohoa.archive import dossiers as dz
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.sync import reconcile_report


def test_a_results_only_target_is_told_the_dossier_has_no_result(tmp_path: Path,
                                                                  archive: Archive) -> None:
    home = tmp_path / "cfg"
    db = archive._reader.url.render_as_string(hide_password=False)
    write_config(home, db, [
        {"name": "cong-dvc", "url": "http://127.0.0.1:9/a", "secret": SECRET, "portal": True},
        {"name": "kho-cong-dan", "url": "http://127.0.0.1:9/b", "secret": SECRET,
         "events": ["result.issued"], "citizen_store": True}])
    code = "H19.22.31-261207-0002"
    dz.open_dossier(archive, opening(code), by="Trần Thị Bình")
    day = RECEIVED.date()
    report = reconcile_report(archive, load_settings(home=home, environ={}), day, day)
    why = {t["name"]: t["not_delivered"][0]["why"] for t in report["targets"]}
    # the portal takes every event: the opening is recorded and not sent yet
    assert "sự kiện chưa gửi" in why["cong-dvc"], why
    assert why["kho-cong-dan"] == ("chưa có gì để gửi: đích này chỉ nhận kết quả giải quyết "
                                   "(result.issued); hồ sơ chưa có kết quả"), why
