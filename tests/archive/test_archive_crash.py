"""A real child process is killed with SIGKILL inside store_document; the archive must hold
either the whole document or nothing of it, and storing again must work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from archive_records import make_record, open_archive

from sohoa.archive import faults

CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from archive_records import make_record, open_archive
with open_archive(Path(sys.argv[1])) as arc:
    rec, pdf, images = make_record("crash", pages=2)
    arc.store_document(rec, pdf, images)
print("stored")
"""


def run_child(root: Path, kill_at: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop(faults.ENV, None)
    if kill_at:
        env[faults.ENV] = kill_at
    return subprocess.run([sys.executable, "-c", CHILD, str(root), str(Path(__file__).parent)],
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("kill_at", ["after_blobs", "before_commit"])
def test_sigkill_inside_store_leaves_no_half_rows(tmp_path: Path, kill_at: str) -> None:
    with open_archive(tmp_path) as arc:  # the catalog exists before the child starts
        arc.audit("test.setup", actor="pytest")
    done = run_child(tmp_path, kill_at)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert "stored" not in done.stdout

    rec, pdf, images = make_record("crash", pages=2)
    with open_archive(tmp_path) as arc:
        assert arc.has_document(rec.doc_key) is None
        stats = arc.stats()
        assert {k: stats[k] for k in ("documents", "pages", "owners", "dossiers",
                                      "search_pending")} == {
            "documents": 0, "pages": 0, "owners": 0, "dossiers": 0, "search_pending": 0}
        assert arc.audit_verify() == (True, [])
        assert [e["action"] for e in arc.audit_events()] == ["test.setup"]
        # Blobs are written first: killed after them, they survive as unreferenced files.
        assert set(arc.unreferenced_blobs()) == {rec.pdf_sha256, *(p.sha256 for p in rec.pages)}

        doc_id, created = arc.store_document(rec, pdf, images)
        assert created
        assert arc.get_pdf(doc_id) == pdf
        assert arc.stats()["pages"] == 2
        assert arc.sync_index() == 1
        assert [h["document_id"] for h in arc.search("dong nai")] == [doc_id]
        assert arc.audit_verify() == (True, [])
        assert list(arc.unreferenced_blobs()) == []


def test_child_without_kill_stores_and_parent_sees_it(tmp_path: Path) -> None:
    done = run_child(tmp_path, None)
    assert done.returncode == 0, done.stderr
    rec, pdf, images = make_record("crash", pages=2)
    with open_archive(tmp_path) as arc:
        assert arc.store_document(rec, pdf, images) == (rec.doc_key[:16], False)
