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
    assert built == ["retention.", "review.", "review."], built
