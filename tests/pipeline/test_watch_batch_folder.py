"""Review F-A: a scanner's batch folder (one JPEG per page) is one unit in the hot folder.

A page refused (a bug on it, or an all-black page) keeps the whole folder out of the catalog,
so that the folder put back after the fix is stored once, whole: never a document missing a
page, and never the same paper twice.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pipeline_helpers import PURPOSE, run_sohoa
from sqlalchemy import text

from sohoa.pipeline import inprocess
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.synth import render_document

_real_analyze = inprocess.analyze_page


def _watch(home: Path, hot: Path) -> tuple[int, str, dict[str, dict[str, Any]]]:
    from click.testing import CliRunner

    from sohoa.cli.main import cli

    result = CliRunner().invoke(
        cli, ["watch", str(hot), "--once", "--settle", "0", "--poll", "0.05", "--json"],
        catch_exceptions=False, env={"SOHOA_HOME": str(home), "SOHOA_OCR_JOBS": "1", **PURPOSE})
    outcomes = {Path(e["file"]).name: e for e in map(json.loads, result.stdout.splitlines())
                if "outcome" in e}
    return result.exit_code, result.stderr, outcomes


def _stored(home: Path) -> list[tuple[str, int]]:
    """Each document in the catalog: its type and its number of pages."""
    archive = open_archive(load_settings(home=home, environ={}))
    with archive.transaction(write=False) as conn:
        rows = conn.execute(text("select id, doc_type from documents")).fetchall()
    return sorted((kind, len(archive.get_document(doc)["pages"])) for doc, kind in rows)


def _batch(tmp_path: Path) -> tuple[Path, Path]:
    home, hot = tmp_path / "home", tmp_path / "hot"
    assert run_sohoa(home, "init").returncode == 0
    batch = hot / "b1"
    batch.mkdir(parents=True)
    decision = render_document("decision", 3, dpi=150)
    assert len(decision.pages) == 2
    for i in range(2):  # as a scanner writes a batch: one JPEG per page
        (batch / f"p{i + 1}.jpg").write_bytes(decision.page_jpeg(i))
    return home, hot


def test_a_bug_on_one_page_keeps_the_whole_batch_folder_out_then_it_is_stored_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home, hot = _batch(tmp_path)

    def breaks(page, options):  # type: ignore[no-untyped-def]
        if Path(page.source).name == "p2.jpg":
            raise IndexError("list index out of range")
        return _real_analyze(page, options)

    monkeypatch.setattr(inprocess, "analyze_page", breaks)
    code, stderr, outcomes = _watch(home, hot)
    assert code == 1, stderr
    assert outcomes["b1"]["outcome"] == "failed" and outcomes["b1"]["program_error"], outcomes
    assert outcomes["b1"]["stored"] == 0, outcomes
    assert _stored(home) == []  # not the decision without its page 2
    reason = (hot / "failed" / "b1.reason.txt").read_text(encoding="utf-8").strip()
    assert "\n" not in reason and "p2.jpg" in reason and "IndexError" in reason, reason

    # fixed, the clerk puts the folder back: stored once, whole
    monkeypatch.setattr(inprocess, "analyze_page", _real_analyze)
    shutil.move(hot / "failed" / "b1", hot / "b1")
    code, stderr, outcomes = _watch(home, hot)
    assert code == 0, stderr
    assert outcomes["b1"]["outcome"] == "done" and outcomes["b1"]["stored"] == 1, outcomes
    assert _stored(home) == [("decision", 2)]


def test_an_all_black_page_sends_the_whole_batch_folder_to_failed(tmp_path: Path) -> None:
    home, hot = _batch(tmp_path)
    Image.new("RGB", (1240, 1754), "black").save(hot / "b1" / "p2.jpg", quality=90)
    code, stderr, outcomes = _watch(home, hot)
    assert code == 3, stderr
    assert outcomes["b1"]["outcome"] == "failed" and outcomes["b1"]["stored"] == 0, outcomes
    assert _stored(home) == []
    reason = (hot / "failed" / "b1.reason.txt").read_text(encoding="utf-8").strip()
    assert "\n" not in reason and "p2.jpg" in reason and "quét lại cả lô" in reason, reason
