"""`sohoa quarantine`: once per input however many runs reported it, with the time, where the
file is now (a hot folder moves it to failed/), and retry / dismiss."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from archivist_helpers import run_sohoa


def _rows(home: Path) -> list[dict]:
    done = run_sohoa(home, "quarantine", "--json")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_listed_once_with_time_current_path_retry_and_dismiss(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = inbox / "cut.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")  # cut off
    other = inbox / "noise.jpg"
    other.write_bytes(b"not an image at all")
    for _ in range(3):
        assert run_sohoa(home, "ingest", str(bad), str(other)).returncode == 3
    rows = _rows(home)
    assert len(rows) == 2, rows
    [cut] = [r for r in rows if r["source"].endswith("cut.pdf")]
    assert cut["times"] == 3 and cut["at"] and cut["path"] == str(bad)
    text = run_sohoa(home, "quarantine", env={"COLUMNS": "80"}).stdout
    assert text.count("cut.pdf") == 1 and "3 lần từ" in text
    assert re.search(r"\b\d\d/\d\d/20\d\d \d\d:\d\d\b", text), text  # Viet Nam's time

    # The hot folder moved it to failed/: listed where it is now.
    (inbox / "failed").mkdir()
    shutil.move(bad, inbox / "failed" / "cut.pdf")
    [cut] = [r for r in _rows(home) if r["source"].endswith("cut.pdf")]
    assert cut["path"] == str(inbox / "failed" / "cut.pdf")

    # Retry ingests the file from where it is now (still cut off: quarantined again, exit 3).
    again = run_sohoa(home, "quarantine", "retry", str(cut["id"]))
    assert again.returncode == 3, again.stderr
    assert "lại bị cách ly" in again.stdout
    [cut] = [r for r in _rows(home) if "cut.pdf" in r["source"]]  # same content: still one
    assert cut["times"] == 4

    gone = run_sohoa(home, "quarantine", "dismiss", str(cut["id"]), "--reason",
                     "tệp gửi nhầm, đã quét lại")
    assert gone.returncode == 0, gone.stderr
    assert [r["source"] for r in _rows(home)] == [str(other)]
    assert run_sohoa(home, "quarantine", "dismiss", "9999", "--reason", "x").returncode == 5
    assert run_sohoa(home, "audit", "verify").returncode == 0


def test_a_file_named_relative_to_the_clerks_folder_is_found_from_anywhere(
        tmp_path: Path) -> None:
    """`cd /scans && sohoa ingest bad` then, from another folder, `sohoa quarantine`: the
    entry names the file where it is, not "bad/cut.pdf" relative to a folder long left."""
    import subprocess

    from testtools import sohoa_command, sohoa_env

    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    desk = tmp_path / "desk"
    (desk / "bad").mkdir(parents=True)
    (desk / "bad" / "cut.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    done = subprocess.run(sohoa_command("ingest", "bad"), cwd=desk, env=sohoa_env(home),
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 3, done.stderr
    [row] = _rows(home)  # listed from the test's own folder, not the desk's
    assert row["path"] == str(desk / "bad" / "cut.pdf"), row
