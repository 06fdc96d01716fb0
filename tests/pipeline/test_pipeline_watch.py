"""`sohoa watch` end to end: real scans, real OCR, real subprocesses, and a real `kill -9`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from pipeline_helpers import json_lines, run_sohoa
from rich.console import Console
from testtools import sohoa_command, sohoa_env

from sohoa.synth import write_batch

FAST = ("--settle", "0.3", "--poll", "0.2")


def _env(home: Path) -> dict[str, str]:
    return sohoa_env(home, {"SOHOA_PURPOSE": "automated test of the hot folder"})


def _ledger(hot: Path) -> list[list[str]]:
    path = hot / ".sohoa-watch" / "ledger.tsv"
    if not path.exists():
        return []
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def _documents(home: Path) -> int:
    from sohoa.pipeline.services import open_archive
    from sohoa.pipeline.settings import load_settings

    with open_archive(load_settings(home=home)) as archive:
        return int(archive.stats()["documents"])


@pytest.fixture()
def desk(tmp_path: Path) -> tuple[Path, Path, dict[str, Any], dict[str, Any]]:
    """An archive home and a hot folder holding a PDF batch, a folder of JPEG pages (one
    scanner's batch), a damaged PDF, an excluded draft and a note that is not a scan."""
    home, hot = tmp_path / "home", tmp_path / "hot"
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0
    batches = tmp_path / "made"
    pdf = write_batch(batches / "a", seed=21, dossiers=1, fmt="pdf", docs_per_dossier=(1, 1),
                      severity="clean", rotate_fraction=0.0)
    jpegs = write_batch(batches / "b", seed=22, dossiers=1, fmt="jpeg", duplex=True,
                        docs_per_dossier=(1, 1), severity="clean", rotate_fraction=0.0)
    hot.mkdir()
    shutil.copy(batches / "a" / "batch.pdf", hot / "batch-a.pdf")
    shutil.copytree(batches / "b" / "batch", hot / "desk-2")
    (hot / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog\n%%EOF\n")
    shutil.copy(batches / "a" / "batch.pdf", hot / "draft-a.pdf")
    (hot / "notes.txt").write_text("không phải bản quét", encoding="utf-8")
    return home, hot, pdf, jpegs


def test_kill_restart_done_failed_and_never_twice(
        desk: tuple[Path, Path, dict[str, Any], dict[str, Any]]) -> None:
    home, hot, pdf, jpegs = desk
    expected = len(pdf["dossiers"][0]["documents"]) + len(jpegs["dossiers"][0]["documents"])

    # 1. The watcher is killed (-9, with its OCR workers) while it ingests the first file.
    proc = subprocess.Popen(sohoa_command("watch", str(hot), *FAST,
                                           "--exclude", "draft*", "--json"), env=_env(home),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not any(e[0] == "start" and e[2] == "batch-a.pdf" for e in _ledger(hot)):
            assert proc.poll() is None, "the watcher stopped by itself"
            assert time.monotonic() < deadline, "the watcher never started on batch-a.pdf"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert [e[0] for e in _ledger(hot)] == ["start"]  # killed mid-file: not done, not moved
    assert (hot / "batch-a.pdf").exists()

    # 2. Restarted, it goes on: the interrupted file again, then the rest, each once.
    rerun = run_sohoa(home, "watch", str(hot), *FAST, "--once", "--exclude", "draft*", "--json",
                      timeout=300)
    assert rerun.returncode == 3, rerun.stderr  # a file failed; the others were stored
    events = json_lines(rerun.stdout)
    outcomes = {Path(e["file"]).name: e for e in events if "outcome" in e}
    assert {name: e["outcome"] for name, e in outcomes.items()} == {
        "batch-a.pdf": "done", "broken.pdf": "failed", "desk-2": "done"}
    assert outcomes["desk-2"]["stored"] == len(jpegs["dossiers"][0]["documents"])
    assert outcomes["desk-2"]["pages"] == len(jpegs["pages"])

    # The folder of JPEG pages was one batch: its documents share the receipt's dossier code.
    stored = [e for e in events if "document_id" in e and not e.get("duplicate")]
    from_folder = [e for e in stored if "/desk-2/" in e["pages"][0]["source"]]
    assert {e["dossier_code"] for e in from_folder} == {jpegs["dossiers"][0]["code"]}
    assert {p["side"] for e in from_folder for p in e["pages"]} == {"front"}  # backs are blank
    assert _documents(home) == expected  # stored exactly once, killed run included

    assert sorted(p.relative_to(hot).as_posix() for p in hot.rglob("*")
                  if p.is_file() and ".sohoa-watch" not in p.parts) == sorted([
        "done/batch-a.pdf", "draft-a.pdf", "failed/broken.pdf", "failed/broken.pdf.reason.txt",
        "notes.txt", *(f"done/desk-2/{p.name}" for p in (hot / "done" / "desk-2").iterdir())])
    reason = (hot / "failed" / "broken.pdf.reason.txt").read_text(encoding="utf-8")
    assert "quét lại" in reason

    # 3. The same scan dropped again under another name is not ingested a second time.
    shutil.copy(hot / "done" / "batch-a.pdf", hot / "batch-a-again.pdf")
    third = run_sohoa(home, "watch", str(hot), *FAST, "--once", "--exclude", "draft*",
                      "--json")
    assert third.returncode == 0, third.stderr
    (again,) = json_lines(third.stdout)
    assert again["outcome"] == "done" and again["stored"] == 0
    assert again["reason"].startswith("đã nhận trước đây")
    assert (hot / "done" / "batch-a-again.pdf").exists()
    assert _documents(home) == expected


def test_status_line_shows_queue_and_pages_per_minute(tmp_path: Path) -> None:
    import sohoa.cli.main  # noqa: F401  (the CLI modules are loaded through the group)
    from sohoa.cli.scanning import _StatusLine

    status = _StatusLine(tmp_path)
    report = status.report
    report.queue = 2
    report.current, report.current_pages = "batch-7.pdf", (3, 10)
    report.add_pages(30, now=report.started + 60)
    console = Console(record=True, width=200)
    console.print(status)
    line = console.export_text()
    assert "chờ 2" in line
    assert "trang/phút" in line
    assert "đang xử lý: batch-7.pdf 3/10" in line
    assert report.pages_per_minute(now=report.started + 60) == pytest.approx(30.0)
