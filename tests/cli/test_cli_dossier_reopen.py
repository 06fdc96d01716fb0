"""F9: `dossier open` run again as it was first run (no --received: "now") changes nothing,
as its help and the README promise; other facts are still refused, in the clerk's words."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sohoa.cli.main import cli

CODE = "H19.22-261207-0002"
OPEN = ["dossier", "open", CODE, "--procedure", "2.000488.000.00.00.H19",
        "--owner", "040180954551", "--unit", "H19.22"]


def test_opening_again_without_received_changes_nothing(tmp_path: Path) -> None:
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    home = ["--home", str(tmp_path)]
    first = runner.invoke(cli, [*home, *OPEN, "--json"])
    assert first.exit_code == 0, first.output
    opened = json.loads(first.stdout)
    again = runner.invoke(cli, [*home, *OPEN, "--json"])
    assert again.exit_code == 0, again.output
    state = json.loads(again.stdout)
    assert not state["changed"]
    assert (state["received_at"], state["appointment_date"]) == (
        opened["received_at"], opened["appointment_date"])
    said = runner.invoke(cli, [*home, *OPEN])
    assert said.exit_code == 0 and "không thay đổi" in said.stdout, said.output

    other = runner.invoke(cli, [*home, *OPEN, "--received", "2026-12-01T08:00"])
    assert other.exit_code == 2, other.output
    assert "thời điểm tiếp nhận: đã ghi " in other.stderr and "lần này 01/12/2026 08:00" \
        in other.stderr, other.stderr
    assert "received_at" not in other.stderr
    moved = runner.invoke(cli, [*home, *OPEN, "--appointment", "2027-01-04"])
    assert moved.exit_code == 2 and "ngày hẹn trả" in moved.stderr, moved.stderr
    assert "lần này 04/01/2027" in moved.stderr and "appointment_date" not in moved.stderr


def test_an_unknown_unit_is_refused_naming_the_known_ones(tmp_path: Path) -> None:
    """F17: a mistyped unit is not stored (it would be missing from every report by unit);
    a province's own units file adds units; a file listing none takes any code."""
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    line = ["--home", str(tmp_path / "home"), *OPEN[:-1], "ZZ99"]
    refused = runner.invoke(cli, line)
    assert refused.exit_code == 2, refused.output
    assert "đơn vị 'ZZ99' không có trong danh sách đơn vị" in refused.stderr
    assert "H19.22.31" in refused.stderr and "units.toml" in refused.stderr, refused.stderr
    shown = runner.invoke(cli, ["--home", str(tmp_path / "home"), "dossier", "show", CODE])
    assert shown.exit_code == 5  # nothing was stored

    own = tmp_path / "units.toml"
    own.write_text('[[level]]\ncode = "xa"\nname = "Cấp xã"\n\n'
                   '[[unit]]\ncode = "ZZ99"\nname = "UBND xã Thử"\nlevel = "xa"\n',
                   encoding="utf-8")
    added = runner.invoke(cli, [*line, "--json"], env={"SOHOA_DOSSIERS_UNITS": str(own)})
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["unit_level"] == "xa"

    none = tmp_path / "none.toml"
    none.write_text('[[level]]\ncode = "xa"\nname = "Cấp xã"\n', encoding="utf-8")
    other = ["--home", str(tmp_path / "home2"), *OPEN[:-1], "QQ01"]
    taken = runner.invoke(cli, other, env={"SOHOA_DOSSIERS_UNITS": str(none)})
    assert taken.exit_code == 0, taken.output


def test_another_provinces_home_opens_dossiers_of_its_own_units(tmp_path: Path) -> None:
    """A home made with `sohoa init --unit G01.05` (not in the packaged sample list, which is
    one province's): its own unit and the units under it are taken, another code is not."""
    home = tmp_path / "home"
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    assert runner.invoke(cli, ["--home", str(home), "init", "--unit", "G01.05"]).exit_code == 0
    for code, unit in (("G01.05-261201-0001", "G01.05"), ("G01.05-261201-0002", "G01.05.07")):
        line = ["--home", str(home), "dossier", "open", code, "--procedure", OPEN[4],
                "--owner", "040180954551", "--unit", unit]
        done = runner.invoke(cli, line)
        assert done.exit_code == 0, done.output
    other = runner.invoke(cli, ["--home", str(home), "dossier", "open", "G01.05-261201-0003",
                                "--procedure", OPEN[4], "--owner", "040180954551", "--unit",
                                "G01.06"])
    assert other.exit_code == 2 and "không thuộc đơn vị của kho (G01.05)" in other.stderr
