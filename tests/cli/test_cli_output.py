"""What the ingest prints for people (without --json)."""

from __future__ import annotations

from sohoa.cli.output import describe_event
from sohoa.pipeline.outcomes import colour_warning


def test_a_warning_event_is_one_line_not_a_crash() -> None:
    """A page stored all the same (a grey scan, an OCR process restarted after it was killed)
    is reported as a warning; it used to fall through to the stored-document branch and crash
    the ingest with a KeyError (exit 1) whenever --json was not given."""
    line, problem = describe_event(colour_warning("scans/a.pdf", [(1, "trang quét thang xám")],
                                                  3))
    assert problem
    assert "scans/a.pdf" in line and "trang 2" in line and "thang xám" in line
