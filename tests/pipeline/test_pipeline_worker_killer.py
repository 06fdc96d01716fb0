"""A page whose recognition kills its OCR worker every time (an image that exhausts memory) is
found and its file quarantined, so the batch finishes; the innocent page that happened to be
awaited when the pool broke is not blamed (review L8).

The worker really dies (SIGKILL of the pool process, as the OOM killer does); which page does it
is fixed here by the analysis run in the (forked) worker killing its own process for one page."""

from __future__ import annotations

import io
import os
import signal
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from PIL import Image
from pipeline_helpers import run_sohoa

from sohoa.pipeline import inprocess
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings, load_settings
from sohoa.synth import render_document

_real_analyze = inprocess.analyze_page


def _memory_hog(page, options):  # type: ignore[no-untyped-def]
    """The analysis, except that the last page of b.pdf takes its worker down every time."""
    if Path(page.source).name == "b.pdf" and page.index == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_analyze(page, options)


def _scan(kind: str, seed: int) -> Image.Image:
    return Image.open(io.BytesIO(render_document(kind, seed, dpi=150).page_jpeg(0))).convert("RGB")


def _home_with_b_pdf(tmp_path: Path) -> tuple[Settings, Path]:
    """A home reading with two OCR workers, and a folder holding b.pdf (two pages)."""
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "2"})
    folder = tmp_path / "in"
    folder.mkdir()
    birth, marriage = _scan("birth_certificate", 3), _scan("marriage_certificate", 4)
    birth.save(folder / "b.pdf", save_all=True, append_images=[marriage.resize(birth.size)],
               resolution=150)
    return settings, folder


def test_the_page_that_kills_its_worker_is_found_and_its_file_set_aside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, folder = _home_with_b_pdf(tmp_path)
    birth = _scan("birth_certificate", 3)
    birth.save(folder / "a.pdf", resolution=150)
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


def _suicide() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_pool_broken_before_its_first_page_is_made_anew_not_a_crash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The OOM killer can take a worker between the pool's making and the first submit: the
    submit then raises at once (the CI's fault test caught this as exit 1, 'internal error').
    It is the same fault as a worker dying mid-page: the pool is made anew, the pages read."""
    settings, folder = _home_with_b_pdf(tmp_path)
    real_pool = inprocess._pool
    made: list[object] = []

    def broken_first(jobs: int, log_path: str):  # type: ignore[no-untyped-def]
        pool = real_pool(jobs, log_path)
        if not made:  # the first pool loses a worker before any page reaches it
            with pytest.raises(BrokenProcessPool):
                pool.submit(_suicide).result()
        made.append(pool)
        return pool

    monkeypatch.setattr(inprocess, "_pool", broken_first)
    events: list[dict] = []
    summary = run_ingest([folder], settings, emit=events.append)

    assert len(made) == 2  # made anew once
    assert [e for e in events if "warning" in e and "đọc lại 2 trang" in e["warning"]], events
    assert summary.stored >= 1
    with open_archive(settings) as archive:
        assert archive.list_quarantine() == []
