"""An all-black page in the middle of a file (the lid left open for one sheet) sets the whole
file aside: storing the other pages would make a document missing that page, and the rescan of
the whole file would then store the paper a second time (review F9)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from pipeline_helpers import run_sohoa

from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.synth import render_document


def test_a_black_middle_page_quarantines_its_whole_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    first = Image.open(io.BytesIO(
        render_document("birth_certificate", 3, dpi=150).page_jpeg(0))).convert("RGB")
    last = Image.open(io.BytesIO(
        render_document("marriage_certificate", 4, dpi=150).page_jpeg(0))).convert("RGB")
    black = Image.new("RGB", first.size, (5, 5, 5))
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "giay-khai-sinh.pdf"
    first.save(path, save_all=True, append_images=[black, last.resize(first.size)],
               resolution=150)

    events: list[dict] = []
    summary = run_ingest([folder], settings, emit=events.append)

    assert summary.stored == 0 and not [e for e in events if "document_id" in e]
    with open_archive(settings) as archive:
        rows = archive.list_quarantine()
        [done] = archive.get_job(summary.job_id)["done"]
    assert sorted(r["page_index"] for r in rows) == [0, 1, 2]
    assert all("quét lại cả tệp" in r["reason"] and "trang 2" in r["reason"] for r in rows)
    assert (done["source"], done["status"]) == (str(path), "quarantined")
