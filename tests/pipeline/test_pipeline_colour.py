"""Scans not in colour at 200 dpi (TT 01/2023): warned about at ingest and noted on the
document, or refused with scan.colour = "refuse"."""

from __future__ import annotations

import io
from pathlib import Path

import testtools
from PIL import Image
from pipeline_helpers import PURPOSE, json_lines, run_sohoa

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
    done = testtools.run_sohoa(home, "ingest", str(tmp_path / "scans"), "--json",
                               env={**PURPOSE, "SOHOA_SCAN_COLOUR": "refuse"})
    assert done.returncode == 3, done.stderr
    [refused] = [e for e in json_lines(done.stdout) if e.get("error")]
    assert "quy định yêu cầu quét màu" in refused["error"]
    assert not [e for e in json_lines(done.stdout) if e.get("created")]


def test_a_refused_page_quarantines_its_whole_file(tmp_path: Path) -> None:
    # A grey dossier-code sheet or middle page in an otherwise colour file: refusing the page
    # alone would file the rest under the wrong dossier or store a document without it.
    home = tmp_path / "home"
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0
    folder = tmp_path / "scans"
    folder.mkdir()
    doc = render_document("decision", 4, dpi=200)
    colour = doc.pages[0].convert("RGB")
    grey = doc.pages[1].convert("L").convert("RGB")  # no colour left, stored as RGB
    colour.save(folder / "mixed.pdf", "PDF", resolution=200, save_all=True,
                append_images=[Image.open(io.BytesIO(_encoded(grey.convert("L"), "JPEG")))])
    done = testtools.run_sohoa(home, "ingest", str(folder), "--json",
                               env={**PURPOSE, "SOHOA_SCAN_COLOUR": "refuse"})
    assert done.returncode == 3, done.stderr
    refused = [e for e in json_lines(done.stdout) if e.get("error")]
    assert len(refused) == 2 and all("cả tệp" in e["error"] for e in refused)
    assert not [e for e in json_lines(done.stdout) if e.get("created")]
