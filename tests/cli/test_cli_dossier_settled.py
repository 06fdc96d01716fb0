"""A settled dossier does not go back: `dossier status CODE received` after `resolved` was taken
silently (the dossier was open again in every report and in the one-stop system). Refused with
exit 2 (409 through the API, the same desk), while what the one-stop system resends — the same
status, an earlier step reported late — still changes nothing. And a resend of an opening
equal to what is recorded is "nothing changed" even when the record predates today's checks
(an appointment before the receipt): its sync entry must clear."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from click.testing import CliRunner

from sohoa.archive import dossiers as records
from sohoa.cli.main import cli
from sohoa.clock import VIETNAM
from sohoa.pipeline import dossierdesk
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.records import DossierOpening

CODE = "H19.22-260302-0011"
PROCEDURE = "2.000488.000.00.00.H19"
OPEN = ["dossier", "open", CODE, "--procedure", PROCEDURE, "--owner", "040180954551",
        "--unit", "H19.22", "--received", "2026-03-02T08:15"]


def test_a_settled_dossier_is_not_moved_back(tmp_path: Path) -> None:
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    home = ["--home", str(tmp_path)]

    def status(*args: str) -> tuple[int, str]:
        done = runner.invoke(cli, [*home, "dossier", "status", CODE, *args])
        return done.exit_code, done.output

    assert runner.invoke(cli, [*home, *OPEN]).exit_code == 0
    assert status("processing", "--at", "2026-03-02T09:00")[0] == 0
    assert status("resolved", "--at", "2026-03-03T10:00")[0] == 0

    code, said = status("received")
    assert code == 2, said
    assert f"hồ sơ {CODE} đã ở trạng thái Đã có kết quả (từ 03/03/2026 10:00)" in said, said
    assert "không chuyển ngược về Đã tiếp nhận" in said and "Đã trả kết quả" in said, said
    assert "received" not in said and "Traceback" not in said, said
    assert status("processing", "--at", "2026-03-04T08:00")[0] == 2

    # What the one-stop system resends stays a no-op; a late report of an earlier step goes
    # into the history; handing the result back is the step after.
    assert status("resolved", "--at", "2026-03-03T10:00") == (
        0, f"hồ sơ {CODE}: Đã có kết quả (đã có, không thay đổi)\n")
    assert status("resolved")[0] == 0
    late, said = status("supplement", "--at", "2026-03-02T15:00")
    assert late == 0 and "đã ghi vào lịch sử" in said, said
    assert status("returned", "--at", "2026-03-05T14:00")[0] == 0

    code, said = status("resolved", "--at", "2026-03-06T08:00")
    assert code == 2 and "Đã trả kết quả" in said and "không còn bước nào" in said, said
    shown = json.loads(runner.invoke(cli, [*home, "dossier", "show", CODE, "--json"]).stdout)
    assert shown["status"] == "returned"
    assert [h["status"] for h in shown["history"]] == [
        "received", "processing", "supplement", "resolved", "returned"]


def test_a_rejected_dossier_is_handed_back_and_nothing_else(tmp_path: Path) -> None:
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    home = ["--home", str(tmp_path)]
    assert runner.invoke(cli, [*home, *OPEN]).exit_code == 0
    line = [*home, "dossier", "status", CODE]
    assert runner.invoke(cli, [*line, "rejected", "--at", "2026-03-02T10:00"]).exit_code == 0
    assert runner.invoke(cli, [*line, "processing"]).exit_code == 2
    assert runner.invoke(cli, [*line, "returned", "--at", "2026-03-02T11:00"]).exit_code == 0


def test_a_resend_equal_to_an_old_impossible_record_changes_nothing(tmp_path: Path) -> None:
    """review9b H: a dossier stored before the date checks with its appointment before its
    receipt; the one-stop system resends exactly that opening."""
    settings = load_settings(home=tmp_path, environ={})
    received = datetime(2026, 3, 2, 8, 15, tzinfo=VIETNAM)
    with open_archive(settings) as archive:
        old = dossierdesk.opening(settings, CODE, procedure=PROCEDURE, owner="040180954551",
                                  unit="H19.22", received=received)
        stored = DossierOpening(**{**old.__dict__, "appointment_date": date(2026, 2, 20)})
        records.open_dossier(archive, stored, by="trước đây")
        resend = {"procedure": PROCEDURE, "owner": "040180954551", "unit": "H19.22",
                  "received": received, "appointment": date(2026, 2, 20), "by": "một cửa"}
        state, changed = dossierdesk.open_dossier(archive, settings, CODE, **resend)
        assert not changed and state.appointment_date == date(2026, 2, 20)
    # A different fact is still refused, an impossible date named first.
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    other = runner.invoke(cli, ["--home", str(tmp_path), *OPEN, "--appointment", "2026-02-21"])
    assert other.exit_code == 2 and "trước ngày tiếp nhận 02/03/2026" in other.output, \
        other.output


def test_an_unknown_unit_among_many_names_the_file_for_the_rest(tmp_path: Path) -> None:
    """review9b H: a province lists a hundred units; the refusal named twelve and then "…"."""
    units = tmp_path / "units.toml"
    units.write_text('[[level]]\ncode = "xa"\nname = "Cấp xã"\n\n' + "".join(
        f'[[unit]]\ncode = "Q01.{n:02d}"\nname = "UBND xã {n}"\nlevel = "xa"\n\n'
        for n in range(1, 31)), encoding="utf-8")
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình", "SOHOA_DOSSIERS_UNITS": str(units)})
    refused = runner.invoke(cli, ["--home", str(tmp_path / "home"), *OPEN[:-3], "ZZ99"])
    assert refused.exit_code == 2, refused.output
    assert "Q01.12 (UBND xã 12)" in refused.stderr and "Q01.13" not in refused.stderr
    assert f"và 18 đơn vị khác (xem đủ trong tệp {units})" in refused.stderr, refused.stderr


def test_the_result_is_handed_back_once_and_not_before_it_exists(tmp_path: Path) -> None:
    """tester10 F1/F2: `returned` dated before `resolved` was taken, and `returned` recorded a
    second time; a resend of the receipt said both "no change" and "written to history"."""
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    home = ["--home", str(tmp_path)]

    def status(*args: str) -> tuple[int, str]:
        done = runner.invoke(cli, [*home, "dossier", "status", CODE, *args])
        return done.exit_code, done.output

    assert runner.invoke(cli, [*home, *OPEN]).exit_code == 0
    assert status("resolved", "--at", "2026-03-02T10:00")[0] == 0
    code, said = status("returned", "--at", "2026-03-02T09:45")
    assert code == 2, said
    assert "Đã trả kết quả lúc 02/03/2026 09:45 là trước thời điểm đó" in said, said
    assert status("returned", "--at", "2026-03-02T11:00") == (
        0, f"hồ sơ {CODE}: Đã trả kết quả\n")
    code, said = status("returned", "--at", "2026-03-02T12:00")
    assert code == 0 and said.startswith(
        f"hồ sơ {CODE}: Đã trả kết quả (đã có, không thay đổi)\n"
        "  bước này đã ghi lúc 02/03/2026 11:00; nếu thời điểm đó sai: "), said
    # The receipt resent: nothing changed, and nothing is said to be written.
    assert status("received", "--at", "2026-03-02T08:15") == (
        0, f"hồ sơ {CODE}: Đã tiếp nhận (đã có, không thay đổi)\n")
    shown = json.loads(runner.invoke(cli, [*home, "dossier", "show", CODE, "--json"]).stdout)
    assert [h["status"] for h in shown["history"]] == ["received", "resolved", "returned"]


def test_another_outcome_is_not_called_a_step_back(tmp_path: Path) -> None:
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    home = ["--home", str(tmp_path)]
    assert runner.invoke(cli, [*home, *OPEN]).exit_code == 0
    line = [*home, "dossier", "status", CODE]
    assert runner.invoke(cli, [*line, "resolved", "--at", "2026-03-02T10:00"]).exit_code == 0
    done = runner.invoke(cli, [*line, "rejected", "--at", "2026-03-02T11:00"])
    assert done.exit_code == 2 and "không đổi sang Từ chối" in done.output, done.output


def test_ingest_refuses_an_unknown_unit_as_dossier_open_does(tmp_path: Path) -> None:
    """tester10 F24: `ingest DIR --unit ZZ99` stored five papers under a unit that dossier open
    and certify refuse: they fell outside every unit's lists and KPI."""
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    home = ["--home", str(tmp_path / "home")]
    assert runner.invoke(cli, [*home, "init", "--no-dev-key"]).exit_code == 0
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "notes.pdf").write_text("không phải bản quét")
    refused = runner.invoke(cli, [*home, "ingest", str(folder), "--unit", "ZZ99"])
    assert refused.exit_code == 2, refused.output
    assert "đơn vị 'ZZ99' không có trong danh sách đơn vị" in refused.stderr, refused.stderr
    with open_archive(load_settings(home=tmp_path / "home", environ={})) as archive:
        assert archive.quarantine_files() == [] and archive.stats()["documents"] == 0


def test_status_by_its_vietnamese_name_and_a_resend_at_another_minute(tmp_path: Path) -> None:
    """tester11 F22: the status as listings print it ("da tra ket qua") as well as its code;
    F19: 'processing' resent at 08:08 after 08:06 is the same step; F20: a moment refused names
    the clerk's form first."""
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    home = ["--home", str(tmp_path)]
    assert runner.invoke(cli, [*home, *OPEN]).exit_code == 0
    line = [*home, "dossier", "status", CODE]
    done = runner.invoke(cli, [*line, "Đang giải quyết", "--at", "2/3/2026 8:16"])
    assert done.exit_code == 0 and done.output == f"hồ sơ {CODE}: Đang giải quyết\n", done.output
    again = runner.invoke(cli, [*line, "dang giai quyet", "--at", "2026-03-02T08:18"])
    assert again.exit_code == 0 and "(đã có, không thay đổi)" in again.output, again.output
    assert runner.invoke(cli, [*line, "da co ket qua", "--at", "2026-03-03T10:00"]).exit_code == 0
    back = runner.invoke(cli, [*line, "DA TRA KET QUA", "--at", "2026-03-03T11:00"])
    assert back.exit_code == 0 and "Đã trả kết quả" in back.output, back.output
    shown = json.loads(runner.invoke(cli, [*home, "dossier", "show", CODE, "--json"]).stdout)
    assert [h["status"] for h in shown["history"]] == [
        "received", "processing", "resolved", "returned"]
    wrong = runner.invoke(cli, [*line, "xong roi"])
    assert wrong.exit_code == 2 and "returned (Đã trả kết quả)" in wrong.output, wrong.output
    bad = runner.invoke(cli, [*line, "returned", "--at", "07/12/2026 8h07"])
    assert bad.exit_code == 2, bad.output
    assert "dùng dạng ngày/tháng/năm giờ:phút (02/03/2026 08:15), hoặc" in bad.output, bad.output
