"""tester10 F36/F37: who reads a citizen's data from the CLI is named as for every other read
(SOHOA_USER, one role), and `dossier show` — the applicant's ID number, their papers — is a
read in the access log like `show`."""

from __future__ import annotations

import json
from pathlib import Path

from archivist_helpers import opened, store
from click.testing import CliRunner

from sohoa.cli.main import cli
from sohoa.pipeline.settings import Settings

CITIZEN = "040180954551"


def _run(settings: Settings, *args: str) -> tuple[int, str, str]:
    # no SOHOA_REVIEWER: a desk whose people are told apart by SOHOA_USER only
    ran = CliRunner().invoke(cli, ["--home", str(settings.home), *args],
                             env={"SOHOA_USER": "hoa", "SOHOA_REVIEWER": None})
    return ran.exit_code, ran.stdout, ran.stderr


def _reads(settings: Settings) -> list[dict]:
    code, out, err = _run(settings, "audit", "show", "--owner", CITIZEN, "--json")
    assert code == 0, err
    return [e for e in map(json.loads, out.splitlines()) if e.get("log") == "access"]


def test_review_show_and_dossier_show_are_reads_by_sohoa_user(settings: Settings,
                                                                tmp_path: Path) -> None:
    with opened(settings) as archive:
        doc = store(archive, None, "a", owner_id=CITIZEN)
    code, _out, err = _run(settings, "review", "show", doc, "-o", str(tmp_path / "imgs"))
    assert code == 0, err
    code, out, err = _run(settings, "procedures", "--json")
    procedure = json.loads(out.splitlines()[0])["code"]
    dossier = "H19.22-261207-0105"
    code, _out, err = _run(settings, "dossier", "open", dossier, "--procedure", procedure,
                           "--owner", CITIZEN, "--unit", "H19.22")
    assert code == 0, err
    before = len(_reads(settings))
    code, out, err = _run(settings, "dossier", "show", dossier)
    assert code == 0 and CITIZEN in out, (out, err)
    reads = _reads(settings)
    assert len(reads) == before + 1, reads
    [shown] = [e for e in reads if e["action"] == "dossier"]
    assert "H19.22-261207-0105" in json.dumps(shown, ensure_ascii=False), shown
    review = next(e for e in reads if e["action"] == "review")
    for read in (review, shown):
        assert (read["user"], read["role"], read["channel"]) == ("hoa", "admin", "cli"), read
