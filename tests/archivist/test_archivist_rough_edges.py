"""First-hour rough edges of the archivist's commands, each as a user met it."""

from __future__ import annotations

import re
from pathlib import Path

from archivist_helpers import flip_bit, opened, run_sohoa, signer_for, store

from sohoa.archive import FileBlobStore
from sohoa.pipeline.settings import Settings


def test_export_verify_of_a_missing_directory_is_not_found(settings: Settings,
                                                           tmp_path: Path) -> None:
    done = run_sohoa(settings.home, "export", "verify", str(tmp_path / "nonexistent"))
    assert done.returncode == 5, (done.returncode, done.stdout, done.stderr)
    assert "NOT VALID" not in done.stdout and "không có thư mục" in done.stderr


def test_hold_list_all_says_why_a_hold_was_removed(settings: Settings) -> None:
    with opened(settings) as archive:
        doc = store(archive, signer_for(settings), "a")
    assert run_sohoa(settings.home, "hold", "add", "--document", doc, "--reason",
                     "khiếu nại").returncode == 0
    removed = run_sohoa(settings.home, "hold", "remove", "1", "--reason",
                        "khiếu nại đã giải quyết xong")
    assert removed.returncode == 0, removed.stderr
    listing = run_sohoa(settings.home, "hold", "list", "--all")
    assert "khiếu nại đã giải quyết xong" in listing.stdout, listing.stdout


def test_the_fixity_mismatch_line_is_not_wrapped(settings: Settings) -> None:
    with opened(settings) as archive:
        doc = store(archive, signer_for(settings), "a")
        sha = archive.get_document(doc)["pdf"]["sha256"]
    flip_bit(FileBlobStore(settings.home / "blobs").path(sha), 100)
    done = run_sohoa(settings.home, "fixity", "check", "--all", env={"COLUMNS": "80"})
    assert done.returncode == 4
    [line] = [ln for ln in done.stderr.splitlines() if "KHÔNG KHỚP" in ln]
    assert sha in line and len(re.findall(r"\b[0-9a-f]{64}\b", line)) == 2, line
