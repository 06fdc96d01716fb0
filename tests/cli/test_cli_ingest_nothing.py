"""F16: `sohoa ingest` of a folder with nothing in it says so on stderr (the clerk pointed at
the wrong folder), not only "0 tệp … 0 bị cách ly" as if all went well; nothing failed, so the
exit code stays 0."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sohoa.cli.main import cli


def test_an_empty_folder_is_said_to_hold_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "scans"
    empty.mkdir()
    runner = CliRunner()
    made = runner.invoke(cli, ["--home", str(tmp_path / "home"), "init"])  # its signing key
    assert made.exit_code == 0, made.output
    ran = runner.invoke(cli, ["--home", str(tmp_path / "home"), "ingest", str(empty), "--json"])
    assert ran.exit_code == 0, ran.output
    assert f"lưu ý: không có tệp nào để nhận trong {empty}; kiểm tra lại" in ran.stderr, \
        ran.stderr
    assert ran.stdout == ""  # --json output stays free of the note
