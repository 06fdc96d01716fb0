"""kill -9 in the middle of an ingest, then the same command again: exactly once, nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from pipeline_helpers import json_lines, run_sohoa
from testtools import sohoa_command, sohoa_env


def _start(home: Path, batch: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(sohoa_command("ingest", str(batch), "--json"),
                            env=sohoa_env(home), text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _kill_group(proc: subprocess.Popen[str]) -> None:
    # The whole group: the ingest process and its OCR workers, as a power cut would.
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _kill_after_documents(home: Path, batch: Path, count: int) -> int:
    proc = _start(home, batch)
    assert proc.stdout is not None
    seen = 0
    for line in proc.stdout:
        if '"document_id"' in line:
            seen += 1
            if seen >= count:
                break
    _kill_group(proc)
    return seen


def test_kill_nine_at_several_points_then_resume(tmp_path: Path,
                                                 batch: tuple[Path, dict[str, Any]]) -> None:
    path, truth = batch
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    expected = sum(len(d["documents"]) for d in truth["dossiers"])

    # 1. during recognition, before anything is stored
    proc = _start(home, path)
    time.sleep(4)
    _kill_group(proc)
    # 2. right after the first document was committed and reported
    assert _kill_after_documents(home, path, 1) >= 1
    # 3. in the middle of the rest
    _kill_after_documents(home, path, min(3, expected))

    final = run_sohoa(home, "ingest", str(path), "--json")
    assert final.returncode == 0, final.stderr
    events = json_lines(final.stdout)
    ids = [e["document_id"] for e in events if "document_id" in e]
    assert len(ids) == expected and len(set(ids)) == expected

    status = json_lines(run_sohoa(home, "status", "--json").stdout)[0]
    assert status["documents"] == expected
    # every stored document is searchable (the index caught up through the outbox)
    for event in events:
        shown = json_lines(run_sohoa(home, "show", event["document_id"], "--json").stdout)
        assert shown and shown[0]["document_id"] == event["document_id"]
    assert run_sohoa(home, "audit", "verify").returncode == 0
