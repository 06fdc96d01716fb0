"""Hashing an input to look it up among the known files must never wait on a FIFO: the entry
may have been replaced by one after the ``lstat`` that found a regular file (the race
``scanners.entries.open_regular`` closes for ``read_pages``)."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from sohoa.pipeline.knownfiles import file_sha256


def test_a_fifo_is_not_hashed_and_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "scan.pdf"
    os.mkfifo(fifo)
    result: list[str | None] = []
    worker = threading.Thread(target=lambda: result.append(file_sha256(fifo)), daemon=True)
    worker.start()
    worker.join(5)
    if worker.is_alive():  # blocked in open(): give it a writer so the thread can end
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        worker.join(5)
        raise AssertionError("file_sha256 blocked opening a FIFO")
    assert result == [None]


def test_a_regular_file_is_hashed(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.7 " * 300_000)
    assert file_sha256(scan) == hashlib.sha256(scan.read_bytes()).hexdigest()
