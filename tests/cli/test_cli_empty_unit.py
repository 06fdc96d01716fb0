"""tester12 F24: `--unit ""` was taken by ingest and the paper stored with no unit, out of every
unit's lists and KPI; an empty code is refused as an unknown one is, before anything is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sohoa.cli.main import cli


@pytest.mark.parametrize("command", [["ingest", "{dir}/scan.jpg"], ["watch", "{dir}", "--once"],
                                     ["scan"]])
@pytest.mark.parametrize("unit", ["", "  "])
def test_an_empty_unit_is_refused_by_every_command_that_stores_papers(
        tmp_path: Path, command: list[str], unit: str) -> None:
    (tmp_path / "scan.jpg").write_bytes(b"\xff\xd8\xff")
    runner = CliRunner(env={"SOHOA_USER": "Phạm Thu Hà"})
    line = [part.format(dir=tmp_path) for part in command]
    done = runner.invoke(cli, ["--home", str(tmp_path / "home"), *line, "--unit", unit])
    assert done.exit_code == 2, done.output
    assert "--unit trống: hãy ghi mã đơn vị tiếp nhận" in done.stderr
    assert not (tmp_path / "home").exists()  # nothing stored, not even a home made


def test_an_empty_unit_is_refused_by_the_jobs_themselves(tmp_path: Path) -> None:
    """review12b B-S5: the refusal lived only in the CLI's option; the next caller of the jobs
    (an upload, a re-enqueued job) would store papers with no unit again."""
    from sohoa.errors import ConfigError
    from sohoa.pipeline.ingest import run_ingest
    from sohoa.pipeline.scanjob import run_scan
    from sohoa.pipeline.settings import load_settings
    from sohoa.pipeline.watchjob import run_watch
    from sohoa.scanners.sane import ScanOptions

    home = tmp_path / "home"
    settings = load_settings(home=home, environ={})
    (tmp_path / "scan.jpg").write_bytes(b"\xff\xd8\xff")
    for unit in ("", "  "):
        with pytest.raises(ConfigError, match="đơn vị tiếp nhận trống"):
            run_ingest([tmp_path / "scan.jpg"], settings, unit=unit)
        with pytest.raises(ConfigError, match="đơn vị tiếp nhận trống"):
            run_watch(tmp_path, settings, unit=unit, once=True)
        with pytest.raises(ConfigError, match="đơn vị tiếp nhận trống"):
            run_scan(settings, device=None, options=ScanOptions(), unit=unit)
    assert not home.exists()  # refused before anything was opened or made
