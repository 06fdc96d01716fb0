"""Scanning in again a document that was destroyed under a disposal list says so: it is not
"already stored" (its tombstone keeps the key, and it is not stored again)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from archivist_helpers import opened, run_sohoa
from sqlalchemy import update

from sohoa.archive.models import Document
from sohoa.pipeline.settings import load_settings
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
    # The papers entered the archive in 2010 and their period has run out: a period never
    # starts before archiving, no override may shorten it, and a paper nobody reviewed is
    # never listed (tester13 F10, F11): archived in 2010, reviewed, issued that day.
    with opened(load_settings(home=home, environ={})) as archive, \
            archive.transaction(write=True) as conn:
        conn.execute(update(Document).values(
            ingested_at=datetime(2010, 1, 5, 8, 0, tzinfo=UTC), issue_date=date(2010, 1, 5),
            needs_review=False))
    for args, user in ((("disposal", "propose", "--note", "hết hạn"), "Lê Thu Hà"),
                       (("disposal", "approve", "1", "--decision", "Quyết định số 1", "--by",
                         "Bình"), "Bình"),
                       (("disposal", "execute", "1"), "Lê Thu Hà")):
        done = run_sohoa(home, *args, env={"SOHOA_USER": user})
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

    from sohoa.pipeline.watchjob import WatchSettings, run_watch

    hot = tmp_path / "hot"
    shutil.copytree(batch, hot)
    report = run_watch(hot, load_settings(home=home, environ={}), once=True,
                       options=WatchSettings(settle_seconds=0, poll_seconds=0.05))
    assert (report.disposed, report.duplicates) == (int(gone.group(1)), 0), report
