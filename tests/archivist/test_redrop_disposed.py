"""Scanning in again a document that was destroyed under a disposal list says so: it is not
"already stored" (its tombstone keeps the key, and it is not stored again)."""

from __future__ import annotations

import json
from pathlib import Path

from archivist_helpers import run_sohoa

from sohoa.synth import write_batch


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_redropping_a_disposed_document_says_it_was_disposed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0
    batch = tmp_path / "batch"
    write_batch(batch, seed=5, dossiers=1, fmt="pdf", severity="clean",
                docs_per_dossier=(1, 1), rotate_fraction=0.0)
    first = run_sohoa(home, "ingest", str(batch), "--json")
    assert first.returncode == 0, first.stderr
    stored = [e for e in _lines(first.stdout) if e.get("document_id") and e.get("created")]
    assert stored, first.stdout
    code = stored[0]["dossier_code"]
    for args in (("retention", "set", "--dossier", code, "--years", "1", "--from", "closing",
                  "--reason", "thử hủy"),
                 ("retention", "event", "--dossier", code, "--closed", "2020-01-01"),
                 ("disposal", "propose", "--note", "hết hạn"),
                 ("disposal", "approve", "1", "--decision", "Quyết định số 1", "--by", "Bình"),
                 ("disposal", "execute", "1")):
        done = run_sohoa(home, *args)
        assert done.returncode == 0, (args, done.stderr)

    again = run_sohoa(home, "ingest", str(batch), "--json")
    assert again.returncode == 0, again.stderr
    events = [e for e in _lines(again.stdout) if e.get("document_id")]
    assert any(e.get("disposed") for e in events), events
    text = run_sohoa(home, "ingest", str(batch))
    assert "đã hủy" in text.stdout + text.stderr
    assert "đã bị tiêu hủy theo danh mục tiêu hủy" in text.stdout + text.stderr
    # tester11 F14: counted apart, not as stored before — by the ingest and the hot folder
    import re

    gone = re.search(r"(\d+) đã bị tiêu hủy, không lưu lại", text.stdout)
    assert gone and int(gone.group(1)) >= 1, text.stdout
    assert "0 đã lưu trước đây" in text.stdout, text.stdout
    import shutil

    from sohoa.pipeline.settings import load_settings
    from sohoa.pipeline.watchjob import WatchSettings, run_watch

    hot = tmp_path / "hot"
    shutil.copytree(batch, hot)
    report = run_watch(hot, load_settings(home=home, environ={}), once=True,
                       options=WatchSettings(settle_seconds=0, poll_seconds=0.05))
    assert (report.disposed, report.duplicates) == (int(gone.group(1)), 0), report
