"""What the ingest prints for people (without --json)."""

from __future__ import annotations

from sohoa.cli.output import describe_event
from sohoa.pipeline.outcomes import colour_warning


def test_a_warning_event_is_one_line_not_a_crash() -> None:
    """A page stored all the same (a grey scan, an OCR process restarted after it was killed)
    is reported as a warning; it used to fall through to the stored-document branch and crash
    the ingest with a KeyError (exit 1) whenever --json was not given."""
    from sohoa.records import Page

    page = Page(source="scans/a.pdf", index=1, source_sha256="1" * 64, data=b"",
                mime="image/png", width=1240, height=1754, dpi=150)
    line, problem = describe_event(colour_warning(page, "trang quét thang xám"))
    assert problem
    assert "warning" in line and "scans/a.pdf page 2" in line and "thang xám" in line
