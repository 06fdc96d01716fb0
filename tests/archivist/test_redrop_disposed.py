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
