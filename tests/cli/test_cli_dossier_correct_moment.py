"""Reviewer's note: a mistyped `returned` moment could not be put right (a second `returned`
"changes nothing"). `dossier status CODE returned --correct --at T --reason …` moves the one
recorded step, keeps the history's order (never before the result), and is audited."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sohoa.cli.main import cli

CODE = "H19.22-260302-0011"
OPEN = ["dossier", "open", CODE, "--procedure", "2.000488.000.00.00.H19", "--owner",
        "040180954551", "--unit", "H19.22", "--received", "2026-03-02T08:15"]


def test_a_mistyped_returned_moment_is_corrected_with_a_reason(tmp_path: Path) -> None:
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình", "SOHOA_HOME": None,
                            "COLUMNS": "250"})
    home = ["--home", str(tmp_path / "home")]

    def status(*args: str) -> tuple[int, str]:
        done = runner.invoke(cli, [*home, "dossier", "status", CODE, *args])
        return done.exit_code, done.output

    assert runner.invoke(cli, [*home, *OPEN]).exit_code == 0
    assert status("resolved", "--at", "03/03/2026 10:00")[0] == 0
    assert status("returned", "--at", "15/03/2026 14:00")[0] == 0  # meant 05/03
    again = status("returned", "--at", "05/03/2026 14:00")
    assert again[0] == 0 and "đã có, không thay đổi" in again[1], again

    code, said = status("returned", "--correct", "--at", "05/03/2026 14:00")
    assert code == 2 and "lý do" in said, said
    code, said = status("returned", "--correct", "--at", "05/03/2026 14:00", "--reason", "x",
                        "--note", "y")
    assert code == 2 and "--note không dùng với --correct" in said, said
    # the receipt is the one-stop system's fact; the result's moment times the KPIs
    code, said = status("received", "--correct", "--at", "01/03/2026 08:15", "--reason", "x")
    assert code == 2 and "hệ thống một cửa công bố" in said, said
    code, said = status("resolved", "--correct", "--at", "03/03/2026 09:00", "--reason", "x")
    assert code == 2 and "chỉ sửa được bước cuối cùng" in said, said
    code, said = status("returned", "--correct", "--at", "03/03/2026 09:00", "--reason", "x")
    assert code == 2 and "trước bước Đã có kết quả" in said, said
    code, said = status("returned", "--correct", "--at", "05/03/2026 14:00",
                        "--reason", "nhập nhầm ngày 15 thay vì 05")
    assert code == 0, said
    assert "đã sửa thời điểm Đã trả kết quả từ 15/03/2026 14:00 thành 05/03/2026 14:00" in said

    # the clerk (or the one-stop system) sending the first, mistyped moment again: no new step
    again = status("returned", "--at", "15/03/2026 14:00")
    assert again[0] == 0 and "đã có, không thay đổi" in again[1], again

    shown = json.loads(runner.invoke(cli, [*home, "dossier", "show", CODE, "--json"]).stdout)
    returned = [h for h in shown["history"] if h["status"] == "returned"]
    assert len(returned) == 1 and returned[0]["at"].startswith("2026-03-05T07:00"), returned
    assert shown["status"] == "returned" and shown["status_at"].startswith("2026-03-05T07:00")
    audit = runner.invoke(cli, [*home, "audit", "show"]).output
    assert ("sửa thời điểm trạng thái hồ sơ  dossier:H19.22-260302-0011: Đã trả kết quả từ "
            "15/03/2026 14:00 thành 05/03/2026 14:00 (nhập nhầm ngày 15 thay vì 05)") in audit
