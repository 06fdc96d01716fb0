"""F25/F26: an explicit --home wins over SOHOA_HOME (option > environment > default), and a
home that holds no archive is said to be one for the commands that read an archive, instead of
being made into a new, empty one that answers "nothing found"."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sohoa.cli.main import cli
from sohoa.pipeline.settings import load_settings


def test_the_home_argument_wins_over_the_environment(tmp_path: Path) -> None:
    env = {"SOHOA_HOME": str(tmp_path / "env")}
    assert load_settings(home=tmp_path / "given", environ=env).home == tmp_path / "given"
    assert load_settings(environ=env).home == tmp_path / "env"


def test_read_commands_refuse_a_folder_without_an_archive(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["--home", str(tmp_path / "a"), "init"])  # `init` makes one
    assert made.exit_code == 0, made.output

    empty = tmp_path / "empty"
    empty.mkdir()
    for home in (tmp_path / "typo", empty):
        for line in (["status"], ["search", "x"], ["reuse", "040180954551"], ["jobs"],
                     ["show", "abc"], ["dossier", "list"], ["quarantine"], ["audit", "verify"],
                     ["verify", "812f1558dff91ebb"],
                     ["report", "kpi", "--from", "2025-01-01", "--to", "2025-12-31"]):
            # SOHOA_HOME names a real archive: the explicit --home is the one used (F25)
            ran = runner.invoke(cli, ["--home", str(home), *line],
                                env={"SOHOA_HOME": str(tmp_path / "a")})
            assert ran.exit_code == 2, (line, ran.output)
            assert ran.stderr == (f"lỗi: {home} chưa phải kho sohoa (không có catalog.db): "
                                  f"tạo bằng `sohoa init --home {home}`, hoặc kiểm tra lại "
                                  "--home / biến môi trường SOHOA_HOME\n"), ran.stderr
        assert not home.exists() or not any(home.iterdir())  # nothing was made there

    # the environment alone still names the home; an archive there answers
    ran = runner.invoke(cli, ["status", "--json"], env={"SOHOA_HOME": str(tmp_path / "a")})
    assert ran.exit_code == 0 and json.loads(ran.stdout)["documents"] == 0, ran.output


def test_a_catalog_url_is_read_as_the_catalog_reads_it(tmp_path: Path) -> None:
    """review9b H: the check cut "sqlite:///" off by hand, so "…/catalog.db?timeout=30" was
    "chưa phải kho sohoa" though the catalog was there, and "sqlite+pysqlite:///…" was never
    checked (a mistyped home then became a new, empty archive)."""
    runner = CliRunner()
    home = tmp_path / "home"
    catalog = tmp_path / "db" / "catalog.db"
    with_query = {"SOHOA_DB": f"sqlite:///{catalog}?timeout=30"}
    assert runner.invoke(cli, ["--home", str(home), "init"], env=with_query).exit_code == 0
    assert catalog.exists()
    ran = runner.invoke(cli, ["--home", str(home), "status"], env=with_query)
    assert ran.exit_code == 0, ran.output

    other = tmp_path / "typo" / "catalog.db"
    typo = runner.invoke(cli, ["--home", str(home), "status"],
                         env={"SOHOA_DB": f"sqlite+pysqlite:///{other}"})
    assert typo.exit_code == 2 and "chưa phải kho sohoa (không có catalog.db)" in typo.stderr, \
        typo.output
    assert not other.exists()
