"""The disk filling up mid-batch, for real: the archive home (catalog, blobs, index) and the
temporary folder on a small tmpfs, filled to the last byte once the first document is stored.

The ingest stops with the reason and exit 2 (no traceback, nothing quarantined, nothing
half-stored: what is in the catalog verifies), and once space returns the same command stores
exactly what a clean run stores."""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faults_helpers import (
    Stored,
    assert_like_clean,
    catalog_rows,
    fresh_home,
    kill_all,
    processes_of,
    run_sohoa,
    start_sohoa,
    stored,
)


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m,mode=0755", "sohoa-faults",
                           str(mount)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.fail(f"cannot mount a small file system here (needs root): {made.stderr.strip()}")
    try:
        yield mount
    finally:
        kill_all(processes_of(mount / "home"))
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount: Path) -> Path:
    """Write a file until the file system has no byte left; return it (remove it to free)."""
    filler = mount / "filler"
    chunk = b"\0" * (1 << 16)
    with filler.open("wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                break
        for size in (4096, 512, 1):  # the last partial blocks too
            try:
                while True:
                    f.write(chunk[:size])
            except OSError:
                pass
    return filler


def test_a_disk_full_mid_batch_stops_cleanly_and_the_same_command_finishes(
        small_disk: Path, initialized: Path, batch: tuple[Path, dict[str, Any]],
        clean: Stored) -> None:
    path, _ = batch
    home, tmp = small_disk / "home", small_disk / "tmp"
    tmp.mkdir()
    fresh_home(initialized, home)
    proc = start_sohoa(home, "ingest", str(path), "--json", TMPDIR=str(tmp))
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the first document is stored and reported
    assert '"document_id"' in first, first
    filler = fill(small_disk)
    assert proc.stderr is not None
    try:
        # a few lines, far under a pipe's 64 KiB: wait, then read on from the same buffered
        # reader (communicate() reads the raw pipe and would miss lines readline() buffered)
        proc.wait(timeout=300)
        rest = proc.stdout.read()
        stderr = proc.stderr.read()
    except subprocess.TimeoutExpired:
        kill_all(processes_of(home))
        raise
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert "đĩa" in stderr, stderr  # catalog, blob store or index: each says the disk
    assert catalog_rows(home, "SELECT reason FROM quarantine") == []
    partial = stored(home)
    assert partial and partial < clean  # stopped mid-batch, with only real documents
    # Every document stored is told to the clerk: reported as stored, or named in the error
    # as stored before the stop (tester14 F6: 4 stored, 3 reported, "chưa được lưu").
    told = first + rest + stderr
    missing = [d for d in partial if d[0][:16] not in told]
    assert not missing, (missing, told[-3000:])
    assert not list((home / "blobs").rglob(".tmp-*"))  # no half-written blob left behind

    filler.unlink()  # space returns
    again = run_sohoa(home, "ingest", str(path), "--json", TMPDIR=str(tmp))
    assert again.returncode == 0, again.stderr
    assert_like_clean(home, clean)


def test_a_read_only_or_full_disk_outside_the_archive_exits_2_not_1(tmp_path: Path) -> None:
    """Any command writing where the machine refuses (`sohoa synth` into a read-only file
    system, `sohoa init` of a home on a full one) gets the reason and exit 2, not a traceback
    and exit 1."""
    mount = tmp_path / "ro"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "sohoa-faults-ro",
                           str(mount)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.fail(f"cannot mount a file system here (needs root): {made.stderr.strip()}")
    try:
        result = run_sohoa(tmp_path / "home", "synth", str(mount / "out"), "--dossiers", "1")
        assert result.returncode == 2, result.stderr
        # said before any work (the output folder is checked first) or when the write fails
        assert "Traceback" not in result.stderr and (
            "lỗi của máy" in result.stderr or "không có quyền ghi" in result.stderr), result.stderr
        subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
        fill(mount)
        result = run_sohoa(mount / "home", "init")  # an archive home on a full disk
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert "lỗi của máy" in result.stderr or "đĩa" in result.stderr, result.stderr
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
