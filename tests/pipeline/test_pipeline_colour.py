"""Scans not in colour at 200 dpi (TT 01/2023): warned about at ingest and noted on the
document, or refused with scan.colour = "refuse"."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image
from pipeline_helpers import json_lines, run_sohoa

from sohoa.scanners.colour import colour_mode, scan_problem
from sohoa.synth.document import render_document


def _encoded(image: Image.Image, fmt: str, dpi: int = 200) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, dpi=(dpi, dpi))
    return out.getvalue()


def test_colour_mode_from_the_scan() -> None:
    page = Image.new("RGB", (200, 280), "white")
    assert colour_mode(_encoded(page, "JPEG")) == "colour"
    assert colour_mode(_encoded(page.convert("L"), "JPEG")) == "grey"
    assert colour_mode(_encoded(page.convert("1"), "TIFF")) == "bilevel"
    assert colour_mode(_encoded(page.convert("L").convert("P"), "PNG")) == "grey"
    assert scan_problem(_encoded(page, "JPEG"), 300) is None
    assert "150 dpi" in (scan_problem(_encoded(page, "JPEG"), 150) or "")
    assert "thang xám" in (scan_problem(_encoded(page.convert("L"), "JPEG"), 200) or "")


def _grey_scan(folder: Path) -> Path:
    folder.mkdir()
    image = render_document("decision", 4, dpi=200).pages[0].convert("L")
    path = folder / "grey.jpg"
    path.write_bytes(_encoded(image, "JPEG"))
    return path


def test_grey_scan_is_stored_with_a_warning_by_default(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0
    _grey_scan(tmp_path / "scans")
    done = run_sohoa(home, "ingest", str(tmp_path / "scans"), "--json")
    assert done.returncode == 0, done.stderr
    lines = json_lines(done.stdout)
    [warning] = [e for e in lines if e.get("warning")]
    assert "thang xám" in warning["warning"]
    [stored] = [e for e in lines if e.get("created")]
    shown = json_lines(run_sohoa(home, "show", stored["document_id"], "--json").stdout)[0]
    assert shown["extra"]["scan_colour"][0]["page"] == 1
    assert "1 trang không quét màu từ 200 dpi" in done.stderr
    stats = json_lines(run_sohoa(home, "review", "stats", "--json").stdout)[0]
    assert stats["documents_not_colour"] == 1


def test_grey_scan_is_quarantined_when_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0
    _grey_scan(tmp_path / "scans")
    os.environ["SOHOA_SCAN_COLOUR"] = "refuse"
    try:
        done = run_sohoa(home, "ingest", str(tmp_path / "scans"), "--json")
    finally:
        del os.environ["SOHOA_SCAN_COLOUR"]
    assert done.returncode == 3, done.stderr
    [refused] = [e for e in json_lines(done.stdout) if e.get("error")]
    assert "quy định yêu cầu quét màu" in refused["error"]
    assert not [e for e in json_lines(done.stdout) if e.get("created")]
