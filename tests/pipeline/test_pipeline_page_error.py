"""A page whose recognizer raises an ordinary error (not a killed worker, not an unusable image)
takes its whole file to quarantine, with a Vietnamese reason naming the page: the rest of the
file stored alone would be a document missing that page — a misfile — and the rescan of the
whole file would then store the paper a second time. (The queue's side: tests/queue.)

The error is raised by the recognition of one chosen page (the analysis is wrapped for that
page only); every other page is recognized for real."""

from __future__ import annotations

import io
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


def _breaks_on_b2(page, options):  # type: ignore[no-untyped-def]
    if Path(page.source).name == "b.pdf" and page.index == 1:
        raise RuntimeError("Tesseract: Error in pixReadMem: image header invalid")
    return _real_analyze(page, options)


def _scan(kind: str, seed: int) -> Image.Image:
    return Image.open(io.BytesIO(render_document(kind, seed, dpi=150).page_jpeg(0))).convert("RGB")


def test_a_page_the_recognizer_fails_on_takes_its_whole_file_to_quarantine(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    folder = tmp_path / "in"
    folder.mkdir()
    birth, marriage = _scan("birth_certificate", 3), _scan("marriage_certificate", 4)
    birth.save(folder / "a.pdf", resolution=150)
    marriage.save(folder / "b.pdf", save_all=True, append_images=[birth.resize(marriage.size)],
                  resolution=150)
    monkeypatch.setattr(inprocess, "analyze_page", _breaks_on_b2)

    summary = run_ingest([folder], settings)

    assert summary.stored == 1 and summary.quarantined == 2
    with open_archive(settings) as archive:
        rows = archive.list_quarantine()
        done = {Path(d["source"]).name: d["status"]
                for d in archive.get_job(summary.job_id)["done"]}
        sources = {Path(p["source"]).name for d in summary.document_ids
                   for p in archive.get_document(d)["pages"]}
    # nothing of b.pdf stored: its first page alone would be a document missing a page
    assert sources == {"a.pdf"}
    assert sorted((Path(r["source"]).name, r["page_index"]) for r in rows) == [
        ("b.pdf", 0), ("b.pdf", 1)]
    assert all("trang 2 không nhận dạng được" in r["reason"] and "quét lại cả tệp" in r["reason"]
               and "pixReadMem" in r["reason"] for r in rows), rows
    assert done == {"a.pdf": "stored", "b.pdf": "quarantined"}


@pytest.mark.parametrize(("error", "code"), [
    (IndexError("list index out of range"), 1),  # sohoa's own code: a bug
    (RuntimeError("Tesseract: Error in pixReadMem: image header invalid"), 3),  # the page's
])
def test_an_error_in_sohoas_own_code_is_a_bug_not_a_bad_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, code: int) -> None:
    """Review #3: a programming error (IndexError, TypeError…) while a page is recognized
    still sets its file aside (the batch goes on) but the reason says it is sohoa's fault,
    not the citizen's file, and `sohoa ingest` ends with exit 1; a recognizer's own error
    stays the file's (exit 3). The page raises before any OCR, so this costs no recognition."""
    from click.testing import CliRunner

    from sohoa.cli.main import cli

    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    folder = tmp_path / "in"
    folder.mkdir()
    _scan("birth_certificate", 3).save(folder / "a.pdf", resolution=150)

    def breaks(page, options):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(inprocess, "analyze_page", breaks)
    result = CliRunner().invoke(cli, ["ingest", str(folder)], catch_exceptions=False,
                                env={"SOHOA_HOME": str(home), "SOHOA_OCR_JOBS": "1"})
    assert result.exit_code == code, result.output
    with open_archive(load_settings(home=home, environ={})) as archive:
        [row] = archive.list_quarantine()
    bug = "lỗi của chương trình sohoa, không phải của tệp" in row["reason"]
    assert bug == (code == 1), row
    if code == 1:
        assert "IndexError" in row["reason"] and "bộ phận kỹ thuật" in row["reason"], row
        assert "quét lại cả tệp" not in row["reason"]  # the paper is fine
        assert "lỗi của chương trình sohoa" in result.output
    else:
        assert "quét lại cả tệp" in row["reason"] and "pixReadMem" in row["reason"], row
