"""A file of many pages not scanned in colour gets one warning line, not one per page; empty
paper gets none: a PDF of 300 empty pages (blank stand-ins, bilevel at 50 dpi) printed 300
identical lines."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from sohoa.pipeline.home import init_home
from sohoa.pipeline.outcomes import WARNING, IngestSummary, outcome_of
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.stages import read_inputs
from sohoa.synth.hostile import blank_pages_pdf


def _warnings(tmp_path: Path, pdf: Path) -> tuple[int, list[dict]]:
    init_home(tmp_path / "home", unit="H19.22")
    settings = load_settings(home=tmp_path / "home", environ={})
    events: list[dict] = []
    with open_archive(settings) as archive:
        pages = read_inputs([pdf], archive, "job-test", events.append)
    return len(pages), [e for e in events if outcome_of(e) == WARNING]


def test_three_hundred_empty_pages_say_nothing_about_colour(tmp_path: Path) -> None:
    pdf = tmp_path / "300-trang-trang.pdf"
    pdf.write_bytes(blank_pages_pdf(300))
    assert _warnings(tmp_path, pdf) == (300, [])  # the blank test quarantines the file


def test_a_grey_file_gets_one_line_naming_its_pages(tmp_path: Path) -> None:
    sheets = []
    for n in range(6):
        sheet = Image.new("L", (400, 560), 255)
        ImageDraw.Draw(sheet).text((40, 40), f"Trang {n + 1}", fill=0)
        sheets.append(sheet)
    pdf = tmp_path / "xam.pdf"
    sheets[0].save(pdf, save_all=True, append_images=sheets[1:], resolution=200)
    count, warnings = _warnings(tmp_path, pdf)
    assert count == 6 and len(warnings) == 1, warnings
    [warning] = warnings
    assert warning["warning"] == ("6/6 trang (trang 1–6): trang quét thang xám; quy định yêu "
                                  "cầu quét màu, từ 200 dpi trở lên"), warning
    assert warning["pages"] == list(range(6)) and warning["page"] is None
    summary = IngestSummary()
    summary.count(warning)
    assert summary.not_colour == 6  # the summary still counts pages


def test_a_page_about_to_be_quarantined_as_all_black_gets_no_colour_warning(
        tmp_path: Path) -> None:
    """Tester 9 F44: `12-all-black.png` first got "trang quét thang xám; quy định yêu cầu quét
    màu…" and was then quarantined as a mis-scan; only kept pages are warned about. A grey JPEG
    page in a file beside it still is."""
    black = tmp_path / "12-all-black.png"
    Image.new("L", (1654, 2339), 8).save(black, dpi=(200, 200))
    sheets = [Image.new("L", (1654, 2339), 4), Image.new("L", (1654, 2339), 255)]
    ImageDraw.Draw(sheets[1]).text((200, 200), "Trang 2", fill=0)
    pdf = tmp_path / "den-va-xam.pdf"
    sheets[0].save(pdf, save_all=True, append_images=sheets[1:], resolution=200)
    count, warnings = _warnings(tmp_path, black)
    assert count == 1 and warnings == [], warnings
    _count, warnings = _warnings(tmp_path / "b", pdf)
    [warning] = warnings
    assert warning["pages"] == [1] and warning["page"] == 1, warning
