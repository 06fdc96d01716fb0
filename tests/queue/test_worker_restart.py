"""`sohoa worker --processes N`: a child killed from outside (SIGKILL, as the OOM killer does) is
replaced by the parent with a warning, and the message it held is delivered again (dramatiq's
acknowledgement on Redis): the job ends with every document stored once, nothing lost.

Both children are killed while the job's pages are being read: without the parent starting new
ones nobody is left to finish the job."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_queue import expected_documents, make_settings

from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.queue.actors import Queue
from sohoa.pipeline.services import open_archive

pytestmark = pytest.mark.timeout(300)


def _children(pid: int) -> set[int]:
    """The worker processes the parent forked (same command line as the parent's)."""
    found: set[int] = set()
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                if Path(f"/proc/{child}/cmdline").read_bytes() == cmdline:
                    found.add(int(child))
            except OSError:
                continue  # gone meanwhile
    return found


def _two(pid: int) -> set[int] | None:
    children = _children(pid)
    return children if len(children) == 2 else None


def _until(what: Any, timeout: float, why: Any = "") -> Any:
    deadline = time.monotonic() + timeout
    while not (value := what()):
        assert time.monotonic() < deadline, why() if callable(why) else why
        time.sleep(0.1)
    return value


def test_a_killed_worker_child_is_replaced_and_its_message_done_once(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]]) -> None:
    home = tmp_path / "home"
    settings = make_settings(home, broker_url, heartbeat_s=1)
    queued = run_ingest([small_batch[0]], settings, wait=False)
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_BROKER": broker_url,
           "SOHOA_QUEUE_HEARTBEAT_S": "1", "SOHOA_QUEUE_RETRY_BACKOFF_S": "0.1"}
    log = tmp_path / "worker.log"
    queue = Queue(settings)
    with log.open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "sohoa", "worker", "--processes", "2"],
                                env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        # a child has taken a page: kill both children, the page in hand with them
        _until(lambda: re.search(r"job \w+: page \d", log.read_text()), 120, log.read_text)
        first = _until(lambda: _two(proc.pid), 30)
        for pid in first:
            os.kill(pid, signal.SIGKILL)
        replaced = _until(lambda: (c := _two(proc.pid)) and not c & first and c, 30,
                          lambda: (proc.poll(), log.read_text()))
        assert proc.poll() is None
        _until(lambda: queue.board.info(queued.job_id).get("status") == "finished", 240,
               lambda: (queue.board.snapshot(queued.job_id), log.read_text()))
        assert _children(proc.pid) == replaced  # nothing died again
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
        queue.close()
    text = log.read_text()
    assert text.count("đã dừng đột ngột (bị dừng bởi tín hiệu SIGKILL") == 2, text
    assert "đã khởi động tiến trình mới" in text
    expected = expected_documents(small_batch[1])
    summary = queue.board.info(queued.job_id)["summary"]
    assert summary["stored"] == expected and summary["quarantined"] == 0, summary
    assert summary["duplicates"] == 0
    with open_archive(settings) as archive:
        stats = archive.stats()
        assert stats["documents"] == expected and stats["quarantined"] == 0
        assert archive.get_job(queued.job_id)["status"] == "finished"


def test_worker_processes_with_a_broker_that_does_not_answer_exit_2(tmp_path: Path) -> None:
    """The parent says it once, before forking: children failing at start used to leave the
    parent ending with exit 0, as if stopped on purpose."""
    from sohoa.pipeline.home import init_home

    home = tmp_path / "home"
    init_home(home, dev_key=False)
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_BROKER": "redis://127.0.0.1:9/0"}
    result = subprocess.run([sys.executable, "-m", "sohoa", "worker", "--processes", "2"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "không trả lời" in result.stderr and "Traceback" not in result.stderr
