"""The peak memory of a whole process tree, read from /proc while it runs.

``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` gives the largest single descendant, not the
sum of the ingest and its OCR workers running side by side; so this polls the resident set size
of the process and every descendant (``/proc/PID/task/*/children``) and keeps the largest sum.
Shared by the tests and bench/ (which puts tests/ on its path).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        except OSError:
            continue
        found.extend(int(p) for p in text.split())
    return found


def _rss(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * _PAGE


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants now."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss(pid)
        todo.extend(_children(pid))
    return total


@dataclass(frozen=True)
class TreeRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int  # bytes, the largest sum over the tree seen


def run_measured(command: Sequence[str], *, env: dict[str, str] | None = None,
                 timeout: float = 600, interval: float = 0.02) -> TreeRun:
    """Run ``command`` to its end, sampling its process tree's resident memory."""
    started = time.monotonic()
    proc = subprocess.Popen(list(command), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        stop.set()
        sampler.join()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return TreeRun(proc.returncode, out, err, time.monotonic() - started, peak)
