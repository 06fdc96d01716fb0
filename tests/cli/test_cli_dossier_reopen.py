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
