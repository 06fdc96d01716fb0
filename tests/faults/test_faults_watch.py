"""Odd entries in the hot folder, for real: a FIFO, a socket, a device node, symlink loops and
dangling links, a 250-byte name, ``--settle 0`` and a file cut off before its end.

The watcher must never block in ``open()``, never exit on one entry, report what it cannot take
(in ``failed/`` with a reason, unopened) and say when it is waiting for a file to finish."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from faults_helpers import Stored, assert_no_traceback, json_lines, run_sohoa, stored

from sohoa.scanners.watch import (
    FAILED,
    NAME_MAX,
    REASON_SUFFIX,
    HotFolder,
    Notice,
    Outcome,
    WatchSettings,
    members,
    watch,
)

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _run_watch(hot: Path, settings: WatchSettings, *, timeout: float = 20.0,
               notices: list[Notice] | None = None) -> tuple[list[Outcome], list[Path]]:
    """``watch(once=True)`` in a daemon thread: if it blocks (a FIFO opened for reading waits
    for a writer forever) the test fails after ``timeout`` instead of hanging the suite."""
    handled: list[Path] = []
    outcomes: list[Outcome] = []
    failure: list[BaseException] = []

    def handle(path: Path) -> str | None:
        handled.append(path)
        data = b"".join(f.read_bytes() for f in members(path, settings))  # as run_watch reads
        return "not a whole PDF" if b"bad" in data else None

    def run() -> None:
        try:
            outcomes.extend(watch(hot, handle, settings, once=True, sleep=lambda _: None,
                                  on_notice=(notices.append if notices is not None else None)))
        except BaseException as exc:  # reported to the test thread below
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "the watcher blocked (an open() of a FIFO or device?)"
    if failure:
        raise failure[0]
    return outcomes, handled


def _fast(**kw: object) -> WatchSettings:
    return WatchSettings(settle_seconds=0, poll_seconds=0.05, **kw)  # type: ignore[arg-type]


def test_fifo_socket_and_device_are_skipped_unopened_and_the_rest_is_handled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    os.mkfifo(hot / "a-fifo.pdf")
    monkeypatch.chdir(hot)  # a socket path must be short: bind it by a relative name
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind("b-socket.pdf")
    if os.geteuid() == 0:
        os.mknod(hot / "c-device.pdf", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    (hot / "z-scan.pdf").write_bytes(PDF)
    try:
        outcomes, handled = _run_watch(hot, _fast())
    finally:
        server.close()
    assert handled == [hot / "z-scan.pdf"]
    by_name = {o.source.name: o for o in outcomes}
    assert by_name["z-scan.pdf"].ok
    assert "FIFO" in (by_name["a-fifo.pdf"].reason or "")
    assert "socket" in (by_name["b-socket.pdf"].reason or "")
    odd = ["a-fifo.pdf", "b-socket.pdf"] + (["c-device.pdf"] if os.geteuid() == 0 else [])
    for name in odd:
        outcome = by_name[name]
        assert not outcome.ok and outcome.moved_to == hot / FAILED / name
        assert os.path.lexists(hot / FAILED / name) and not os.path.lexists(hot / name)
        assert (hot / FAILED / (name + REASON_SUFFIX)).read_text(encoding="utf-8").strip()
    assert stat.S_ISFIFO(os.lstat(hot / FAILED / "a-fifo.pdf").st_mode)  # moved, never opened


def test_a_fifo_inside_a_batch_folder_is_never_opened(tmp_path: Path) -> None:
    hot = tmp_path / "hot"
    batch = hot / "desk-1"
    batch.mkdir(parents=True)
    (batch / "page-1.pdf").write_bytes(PDF)
    os.mkfifo(batch / "page-2.pdf")
    outcomes, handled = _run_watch(hot, _fast())
    assert handled == [batch] and [o.ok for o in outcomes] == [True]


def test_symlink_loops_and_dangling_links_are_reported(tmp_path: Path) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    os.symlink("loop-b.pdf", hot / "loop-a.pdf")
    os.symlink("loop-a.pdf", hot / "loop-b.pdf")
    os.symlink(tmp_path / "nowhere.pdf", hot / "gone.pdf")
    os.symlink("self", hot / "self")  # no suffix: may have been meant as a folder
    (tmp_path / "real.pdf").write_bytes(PDF)
    os.symlink(tmp_path / "real.pdf", hot / "linked.pdf")  # a good link is a scan like any
    outcomes, handled = _run_watch(hot, _fast())
    assert handled == [hot / "linked.pdf"]
    reasons = {o.source.name: o.reason or "" for o in outcomes if not o.ok}
    assert set(reasons) == {"loop-a.pdf", "loop-b.pdf", "gone.pdf", "self"}
    assert "lặp vòng" in reasons["loop-a.pdf"] and "lặp vòng" in reasons["self"]
    assert "hỏng" in reasons["gone.pdf"] and "nowhere.pdf" in reasons["gone.pdf"]
    for name in reasons:
        assert os.path.islink(hot / FAILED / name) and not os.path.lexists(hot / name)
        assert (hot / FAILED / (name + REASON_SUFFIX)).is_file()


def test_an_odd_entry_that_cannot_be_moved_is_reported_once(tmp_path: Path) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    folder = HotFolder(hot, _fast())
    os.mkfifo(hot / "stuck.pdf")
    (hot / FAILED).rmdir()
    (hot / FAILED).write_text("a file where the failed/ folder should be")  # moves fail
    folder.poll()
    [(path, reason)] = folder.odd()
    first = folder.reject(path, reason)
    assert first.moved_to == path and "không chuyển được" in (first.reason or "")
    folder.poll()
    assert folder.odd() == []  # not repeated at every poll


def test_a_long_name_is_shortened_and_its_reason_written(tmp_path: Path) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    long_names = ["hồ sơ " + "x" * 230 + ".pdf", "Đ" * 120 + ".pdf"]  # 240 and 244 bytes
    for name in long_names:
        assert len(os.fsencode(name)) <= NAME_MAX
        (hot / name).write_bytes(b"%PDF-1.7\nbad " + name.encode() + b"\n%%EOF\n")
    outcomes, _ = _run_watch(hot, _fast())
    assert len(outcomes) == 2 and not any(o.ok for o in outcomes)
    written = sorted(p.name for p in (hot / FAILED).iterdir())
    assert len(written) == 4 and len(set(written)) == 4
    for outcome in outcomes:
        assert outcome.moved_to.parent == hot / FAILED
        assert outcome.moved_to.suffix == ".pdf"
        reason_file = outcome.moved_to.with_name(outcome.moved_to.name + REASON_SUFFIX)
        assert reason_file.read_text(encoding="utf-8").strip() == "not a whole PDF"
        assert len(os.fsencode(reason_file.name)) <= NAME_MAX
    # the same long name dropped again gets " (2)" and still fits
    again = hot / long_names[0]
    again.write_bytes(b"%PDF-1.7\nbad again\n%%EOF\n")
    [outcome] = _run_watch(hot, _fast())[0]
    assert "(2)" in outcome.moved_to.name
    assert outcome.moved_to.with_name(outcome.moved_to.name + REASON_SUFFIX).is_file()


def test_settle_zero_handles_a_complete_file_at_first_sight(tmp_path: Path) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    (hot / "scan.pdf").write_bytes(PDF)
    outcomes, handled = _run_watch(hot, _fast())
    assert handled == [hot / "scan.pdf"] and outcomes[0].ok


def test_a_cut_off_file_says_it_is_waiting_for_the_file_to_finish(tmp_path: Path) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    (hot / "cut.pdf").write_bytes(PDF[:30])  # no %%EOF: a copy that stopped half-way
    notices: list[Notice] = []
    outcomes, handled = _run_watch(hot, _fast(give_up_seconds=600), notices=notices)
    assert outcomes == [] and handled == []  # --once leaves it for a later run
    [notice] = notices
    assert notice.source == hot / "cut.pdf"
    assert "đang chờ tệp ghi xong" in notice.message and "failed/" in notice.message


def test_a_notice_is_given_once_per_file_not_at_every_poll(tmp_path: Path) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    now = [1000.0]
    folder = HotFolder(hot, WatchSettings(settle_seconds=5, give_up_seconds=60),
                       clock=lambda: now[0])
    cut = hot / "cut.pdf"
    cut.write_bytes(PDF[:30])
    folder.poll()
    assert folder.notices() == []  # just arrived: it may still be growing
    now[0] += 6
    folder.poll()
    assert [n.source for n in folder.notices()] == [cut]
    now[0] += 6
    folder.poll()
    assert folder.notices() == []
    with cut.open("ab") as f:
        f.write(PDF[30:])  # the copy finished
    now[0] += 6
    folder.poll()
    now[0] += 6
    assert folder.poll() == [cut] and folder.notices() == []


def test_sohoa_watch_settle_zero_with_odd_entries_end_to_end(
        tmp_path: Path, home: Path, batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    """The real command: a FIFO, a dangling link, a long-named damaged PDF and a cut-off PDF
    beside a real scan. ``--settle 0 --once`` ingests the scan at once, moves the odd and bad
    entries to failed/ with reasons, says it waits for the cut-off file, and leaves it."""
    path, _ = batch
    hot = tmp_path / "hot"
    hot.mkdir()
    shutil.copy(path / "batch.pdf", hot / "batch.pdf")
    os.mkfifo(hot / "0-pipe.pdf")  # sorts first: an open() of it would block all the rest
    os.symlink(tmp_path / "nowhere.pdf", hot / "1-gone.pdf")
    long_name = "hồ sơ hỏng " + "y" * 226 + ".pdf"
    (hot / long_name).write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog\n%%EOF\n")
    (hot / "cut.pdf").write_bytes((path / "batch.pdf").read_bytes()[:4000])
    result = run_sohoa(home, "watch", str(hot), "--once", "--settle", "0", "--poll", "0.1",
                       "--json", timeout=300)
    assert_no_traceback(result)
    assert result.returncode == 3, result.stderr  # some inputs failed, the rest was stored
    events = json_lines(result.stdout)
    outcomes = {Path(e["file"]).name: e for e in events if "outcome" in e}
    assert outcomes["batch.pdf"]["outcome"] == "done"
    for name in ("0-pipe.pdf", "1-gone.pdf", long_name):
        assert outcomes[name]["outcome"] == "failed" and outcomes[name]["reason"]
        moved = Path(outcomes[name]["moved_to"])
        assert moved.parent == hot / FAILED
        assert moved.with_name(moved.name + REASON_SUFFIX).is_file()
    waiting = [e for e in events if "waiting" in e]
    assert [Path(e["file"]).name for e in waiting] == ["cut.pdf"]
    assert "đang chờ tệp ghi xong" in waiting[0]["waiting"]
    assert (hot / "cut.pdf").exists()  # --once leaves it for a later run
    assert stored(home) == clean
