"""A page whose recognition kills its OCR worker every time (an image that exhausts memory) is
found and its file quarantined, so the batch finishes; the innocent page that happened to be
awaited when the pool broke is not blamed (review L8).

The worker really dies (SIGKILL of the pool process, as the OOM killer does); which page does it
is fixed here by the analysis run in the (forked) worker killing its own process for one page."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

import pytest
from PIL import Image
from pipeline_helpers import run_sohoa

from sohoa.pipeline import inprocess
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.synth import render_document

_real_analyze = inprocess.analyze_page


def _memory_hog(page, options):  # type: ignore[no-untyped-def]
    """The analysis, except that the last page of b.pdf takes its worker down every time."""
    if Path(page.source).name == "b.pdf" and page.index == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_analyze(page, options)


def _scan(kind: str, seed: int) -> Image.Image:
    return Image.open(io.BytesIO(render_document(kind, seed, dpi=150).page_jpeg(0))).convert("RGB")


def test_the_page_that_kills_its_worker_is_found_and_its_file_set_aside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "2"})
    folder = tmp_path / "in"
    folder.mkdir()
    birth, marriage = _scan("birth_certificate", 3), _scan("marriage_certificate", 4)
    birth.save(folder / "a.pdf", resolution=150)
    birth.save(folder / "b.pdf", save_all=True, append_images=[marriage.resize(birth.size)],
               resolution=150)
    monkeypatch.setattr(inprocess, "analyze_page", _memory_hog)

    events: list[dict] = []
    summary = run_ingest([folder], settings, emit=events.append)  # no WorkerDiedError

    assert summary.stored >= 1
    with open_archive(settings) as archive:
        rows = archive.list_quarantine()
        done = {Path(d["source"]).name: d["status"]
                for d in archive.get_job(summary.job_id)["done"]}
    assert sorted((Path(r["source"]).name, r["page_index"]) for r in rows) == [
        ("b.pdf", 0), ("b.pdf", 1)]
    assert all("trang 2 làm tiến trình nhận dạng chữ bị dừng" in r["reason"]
               and "không phải ở máy" in r["reason"] and "quét lại cả tệp" in r["reason"]
               for r in rows)
    assert done == {"a.pdf": "stored", "b.pdf": "quarantined"}
