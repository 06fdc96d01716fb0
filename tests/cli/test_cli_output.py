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


def test_lines_for_people_name_the_type_in_vietnamese() -> None:
    """tester10 F13: ingest, search, reuse and disposal lines said "decision",
    "application_form" where `show` says "Quyết định"; --json keeps the code."""
    from sohoa.cli.output import type_name

    stored = {"document_id": "3769286db4f3989a", "dossier_code": "HS-1", "doc_type": "decision",
              "owner_id": "075203001234", "fields": {"full_name": "Nguyễn Văn An"},
              "pages": [{}], "confidence": 0.9, "needs_review": False}
    for event in (stored, {**stored, "duplicate": True}, {**stored, "disposed": True}):
        line, _ = describe_event(event)
        assert "Quyết định" in line and "decision" not in line, line
    assert type_name("application_form") == "Đơn đề nghị / Tờ khai"
    assert type_name("made_up") == "made_up" and type_name(None) == ""
