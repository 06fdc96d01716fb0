"""One outcome model: every event of an ingest is classified in one place (outcomes.py), and
whoever counts events — the ingest's summary, the hot folder's report — counts them alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from sohoa.pipeline.home import init_home
from sohoa.pipeline.outcomes import (
    DUPLICATE,
    QUARANTINED,
    STORED,
    WARNING,
    IngestSummary,
    outcome_of,
)
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.watchjob import run_watch
from sohoa.scanners.watch import WatchSettings

PAGES = [{"source": "/scans/a.pdf", "index": 0}]


def test_each_event_is_counted_once_as_what_it_reports() -> None:
    events = [
        {"warning": "trang quét thang xám", "source": "/scans/a.pdf", "page": 0},
        {"error": "truncated", "source": "/scans/b.pdf", "page": None, "sha256": None},
        {"document_id": "d1", "created": True, "needs_review": True, "pages": PAGES},
        {"document_id": "d2", "created": False, "duplicate": True, "disposed": False},
    ]
    assert [outcome_of(e) for e in events] == [WARNING, QUARANTINED, STORED, DUPLICATE]
    summary = IngestSummary()
    for event in events:
        assert summary.count(event) is event
    counts = summary.counts()
    assert (counts["not_colour"], counts["quarantined"], counts["stored"],
            counts["duplicates"], counts["needs_review"]) == (1, 1, 1, 1, 1)
    assert summary.document_ids == ["d1", "d2"]
    assert summary.stored_from == {"/scans/a.pdf"}


def test_a_destroyed_paper_found_again_is_counted_apart() -> None:
    """tester11 F14: the input of a destroyed paper ingested again was counted "1 đã lưu
    trước đây"; nothing of it is kept, so it is counted (and said) on its own."""
    from sohoa.cli.output import counts_text

    summary = IngestSummary()
    summary.count({"document_id": "d2", "created": False, "duplicate": True, "disposed": True})
    summary.count({"document_id": "d3", "created": False, "duplicate": True, "disposed": False})
    assert (summary.disposed, summary.duplicates) == (1, 1)
    line = counts_text(summary.counts())
    assert "1 đã lưu trước đây, 1 đã bị tiêu hủy, không lưu lại" in line, line
    assert "tiêu hủy" not in counts_text(IngestSummary().counts())
    # `sohoa scan` closes with the same counts: the destroyed paper is said apart there too.
    from sohoa.cli.scanning import scan_line

    said = scan_line(2, "test:1", None, "/scans/x", summary)
    assert said.startswith("đã quét 2 trang từ test:1 (khay mặc định) vào /scans/x; "), said
    assert "1 đã lưu trước đây, 1 đã bị tiêu hủy, không lưu lại" in said, said


def test_the_hot_folder_counts_what_a_clerk_would_count(tmp_path: Path) -> None:
    """A grey scan is stored with a warning; the warning is not a document. (The watcher used
    to classify events itself and counted every event that was not an error or a duplicate as
    a stored document.) Alone, a blank sheet is set aside as blank (tester12 F16).

    review12 S3: a scanner writing one file per page (duplex) drops the blank back of a page as
    a file of its own, and the hot folder runs each file as its own job: the back was set aside
    as "đều trắng" and the file counted failed. Right after the file before it, of the same
    scan session, it is that page's back; a blank file written long after is not."""
    import os
    import time

    from PIL import ImageDraw, ImageFont

    home = tmp_path / "home"
    init_home(home, unit="H19.22")
    settings = load_settings(home=home, environ={})
    hot = tmp_path / "hot"
    hot.mkdir()
    # a blank grey sheet at 300 dpi: recognized as blank without OCR, warned about as grey
    Image.new("L", (850, 1100), 255).save(hot / "grey.png", dpi=(300, 300))
    front = Image.new("RGB", (1654, 2339), (250, 250, 250))
    font = ImageFont.truetype("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf", 36)
    ImageDraw.Draw(front).text((200, 300), "GIẤY XÁC NHẬN\nKính gửi: Ủy ban nhân dân phường "
                               "Tân Phong", font=font, fill=(20, 20, 20))
    front.save(hot / "scan_0001.png", dpi=(200, 200))
    for name, white in (("scan_0002.png", 250), ("scan_0003.png", 248)):
        Image.new("RGB", (1654, 2339), (white,) * 3).save(hot / name, dpi=(200, 200))
    now = time.time()
    for name, age in (("scan_0001.png", 7200), ("scan_0002.png", 7195), ("scan_0003.png", 60)):
        os.utime(hot / name, (now - age, now - age))
    events: list[dict[str, Any]] = []
    report = run_watch(hot, settings, options=WatchSettings(settle_seconds=0.2,
                                                            poll_seconds=0.1),
                       duplex=True, once=True, emit=events.append)
    warnings = [e for e in events if outcome_of(e) == WARNING]
    assert len(warnings) == 1 and "thang xám" in warnings[0]["warning"]
    stored = [e for e in events if "outcome" not in e and outcome_of(e) == STORED]
    outcomes = {Path(e["file"]).name: (e["outcome"], e["reason"]) for e in events
                if "outcome" in e}
    # alone, the blank sheet is set aside as blank: the warning is still one warning, and no
    # document
    assert outcomes["grey.png"][0] == "failed" and "đều trắng" in outcomes["grey.png"][1]
    assert outcomes["scan_0001.png"][0] == outcomes["scan_0002.png"][0] == "done", outcomes
    assert outcomes["scan_0003.png"][0] == "failed" and "đều trắng" in outcomes["scan_0003.png"][1]
    assert report.documents == len(stored) == 1
    assert (report.files_done, report.files_failed) == (2, 2)

    # review13a S2: from a simplex scanner the same blank file right after a page is a page
    # that came out white, not a back: set aside to be rescanned, never filed as done
    simplex = tmp_path / "simplex"
    simplex.mkdir()
    front.save(simplex / "page_0001.png", dpi=(200, 200))
    Image.new("RGB", (1654, 2339), (250,) * 3).save(simplex / "page_0002.png", dpi=(200, 200))
    for name, age in (("page_0001.png", 30), ("page_0002.png", 25)):
        os.utime(simplex / name, (now - age, now - age))
    events.clear()
    run_watch(simplex, settings, options=WatchSettings(settle_seconds=0.2, poll_seconds=0.1),
              once=True, emit=events.append)
    outcomes = {Path(e["file"]).name: (e["outcome"], e["reason"]) for e in events
                if "outcome" in e}
    assert outcomes["page_0002.png"][0] == "failed" and "đều trắng" in outcomes["page_0002.png"][1]
