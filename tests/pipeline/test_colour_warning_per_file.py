"""A file of many pages not scanned in colour gets one warning line, not one per page: a PDF of
300 empty pages (blank stand-ins, bilevel at 50 dpi) printed 300 identical lines."""

from __future__ import annotations

from pathlib import Path

from sohoa.pipeline.home import init_home
from sohoa.pipeline.outcomes import WARNING, IngestSummary, outcome_of
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.stages import read_inputs
from sohoa.synth.hostile import blank_pages_pdf


def test_three_hundred_blank_pages_give_one_warning_line(tmp_path: Path) -> None:
    init_home(tmp_path / "home", unit="H19.22")
    settings = load_settings(home=tmp_path / "home", environ={})
    pdf = tmp_path / "300-trang-trang.pdf"
    pdf.write_bytes(blank_pages_pdf(300))
    events: list[dict] = []
    with open_archive(settings) as archive:
        pages = read_inputs([pdf], archive, "job-test", events.append)
    assert len(pages) == 300
    warnings = [e for e in events if outcome_of(e) == WARNING]
    assert len(warnings) == 1, len(warnings)
    [warning] = warnings
    assert warning["warning"].startswith("300/300 trang (trang 1–300): trang quét đen trắng"), \
        warning
    assert warning["pages"] == list(range(300)) and warning["page"] is None
    summary = IngestSummary()
    summary.count(warning)
    assert summary.not_colour == 300  # the summary still counts pages
