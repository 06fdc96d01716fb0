"""F45: `audit show` says each event in words from one table (cli/audit.ACTIONS); an event
written with no entry there would be shown as its English code. Every code the archive writes
to the audit log is read from the source and must have its Vietnamese name."""

from __future__ import annotations

import re
from pathlib import Path

import sohoa
from sohoa.archive.archivist_models import EVENTS
from sohoa.cli.audit import ACTIONS

SOURCE = Path(sohoa.__file__).parent
# A literal code passed to the audit log: append(conn, "x.y", …), archive.audit("x.y", …),
# action="x.y" / audit_action="x.y" (review's and renewal's own).
_LITERAL = re.compile(r"""(?:audit_log\.append\(\s*conn,\s*|\.audit\(\s*|action=)"""
                      r"""["']([a-z_]+\.[a-z_]+)["']""")


def _written_codes() -> set[str]:
    codes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        codes |= set(_LITERAL.findall(path.read_text(encoding="utf-8")))
    # The two families built from parts: review's decisions and the retention events.
    codes |= {"review.corrected", "review.confirmed"}
    codes |= {f"retention.{subject}_{event}" for event, subject in EVENTS.items()}
    return codes


def test_every_audit_code_has_its_vietnamese_name() -> None:
    codes = _written_codes()
    assert {"document.stored", "job.finished", "input.quarantined", "home.init",
            "signature.renewed", "review.accepted"} <= codes, codes  # the scan sees them
    missing = sorted(codes - ACTIONS.keys())
    assert not missing, f"không có tên tiếng Việt trong cli/audit.ACTIONS: {missing}"


def test_no_other_code_is_built_from_parts() -> None:
    """A code made by an f-string escapes the scan above: only the two known families."""
    built = sorted(m for p in SOURCE.rglob("*.py") for m in re.findall(
        r"""(?:audit_log\.append\(\s*conn,\s*|audit_action=)f["']([a-z_.]*)\{""",
        p.read_text(encoding="utf-8")))
    # review.corrected / review.confirmed: set_field, set_type, set_dossier and set_signer
    assert built == ["retention.", "review.", "review.", "review.", "review."], built


def test_audit_target_takes_the_forms_a_clerk_has_in_hand(tmp_path: Path) -> None:
    """tester10 F3: `audit show --target H19.22-…` (the dossier code as printed) and
    `--target 812f` (an id prefix) answered nothing, silently; only `dossier:CODE` worked."""
    import sys

    from click.testing import CliRunner

    from sohoa.cli.main import cli
    from sohoa.pipeline.services import open_archive
    from sohoa.pipeline.settings import load_settings

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "archive"))
    from archive_records import make_record

    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    home = ["--home", str(tmp_path)]
    code = "H19.22-260302-0011"
    opened = runner.invoke(cli, [*home, "dossier", "open", code, "--procedure",
                                 "2.000488.000.00.00.H19", "--owner", "040180954551",
                                 "--unit", "H19.22", "--received", "2026-03-02T08:15"])
    assert opened.exit_code == 0, opened.output
    with open_archive(load_settings(home=tmp_path, environ={})) as archive:
        doc_id, _ = archive.store_document(*make_record("một"))

    def shown(target: str) -> tuple[str, str]:
        ran = runner.invoke(cli, [*home, "audit", "show", "--target", target])
        assert ran.exit_code == 0, ran.output
        return ran.stdout, ran.stderr

    assert "mở hồ sơ" in shown(code)[0] and f"dossier:{code}" in shown(code)[0]
    assert shown(code) == shown(f"dossier:{code}")
    said, _ = shown(doc_id[:5])
    assert "lưu giấy tờ" in said and doc_id in said, said
    said, why = shown("H19.22-260302-9999")
    assert said == "" and "không có sự kiện nào về H19.22-260302-9999" in why, why
    assert "dossier:MÃ_HỒ_SƠ" in why
