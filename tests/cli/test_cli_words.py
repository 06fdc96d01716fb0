"""What a new user read and could not place (tester9 F11, F14, F22/F27, F23): every line says
what it is, in Vietnamese, on Viet Nam's clock, with nothing dangling."""

from __future__ import annotations

from pathlib import Path

from archivist_helpers import make_home, opened, store
from click.testing import CliRunner

from sohoa.cli.main import cli


def test_dossier_list_says_what_a_dossier_known_only_from_a_receipt_is(tmp_path: Path) -> None:
    """F11: "H19.22-240923-7320 — H19.22 — [—] ": no day, no procedure, a status "[—]" and a
    trailing space, and nothing said what it was."""
    settings = make_home(tmp_path / "home")
    with opened(settings) as archive:
        store(archive, None, "phieu", dossier="H19.22-240923-7320", unit="H19.22")
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    home = ["--home", str(settings.home)]
    assert runner.invoke(cli, [*home, "dossier", "open", "H19.22-261201-0001", "--procedure",
                               "2.000488.000.00.00.H19", "--owner", "040180954551",
                               "--unit", "H19.22"]).exit_code == 0
    listed = runner.invoke(cli, [*home, "dossier", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert "H19.22-240923-7320 H19.22: chỉ biết từ phiếu tiếp nhận đã quét (chưa mở hồ sơ ở " \
           "đây)" in lines, lines
    assert [line for line in lines if line.startswith("H19.22-261201-0001 ")], lines
    assert not [line for line in lines if line != line.rstrip() or "[—]" in line], lines
