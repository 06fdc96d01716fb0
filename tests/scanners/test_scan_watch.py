"""Hot folder core: stable-file detection, done/failed moves, never twice, restart after a kill."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from scan_fixtures import encode, image_pdf, jpeg_spec, text_page

from sohoa.errors import BadInputError
from sohoa.scanners.watch import ALREADY, ALREADY_FAILED, HotFolder, WatchSettings, watch


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def jpeg_bytes() -> bytes:
    return encode(text_page(dpi=60, seed=1, lines=3), "JPEG")


def settings(**kw: object) -> WatchSettings:
    return WatchSettings(settle_seconds=5, poll_seconds=1, give_up_seconds=60, **kw)  # type: ignore[arg-type]


def test_a_file_is_ready_only_once_it_stopped_growing(tmp_path: Path, jpeg_bytes: bytes) -> None:
    clock = Clock()
    folder = HotFolder(tmp_path, settings(), clock)
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(jpeg_bytes[:1000])  # the scanner is still writing
    assert folder.poll() == []
    clock.now += 6
    assert folder.poll() == []  # stable, but has no JPEG end marker yet
    with scan.open("ab") as f:
        f.write(jpeg_bytes[1000:])
    assert folder.poll() == []  # it grew: the settle time starts again
    clock.now += 3
    assert folder.poll() == []
    clock.now += 3
    assert folder.poll() == [scan]


def test_an_incomplete_file_is_handed_over_after_the_give_up_time(tmp_path: Path) -> None:
    clock = Clock()
    folder = HotFolder(tmp_path, settings(), clock)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\n")  # never finished: no %%EOF
    folder.poll()
    clock.now += 30
    assert folder.poll() == []
    clock.now += 31
    assert folder.poll() == [cut]  # so that it reaches quarantine instead of waiting forever


def test_a_text_file_named_pdf_is_handed_over_at_once_not_waited_on(tmp_path: Path) -> None:
    """A README saved as notes.pdf has no PDF header in its first KB: it is no PDF being
    written, so it goes to the reader (which says what it is) after the settle time, not
    after ten minutes of waiting for an end it will never have."""
    clock = Clock()
    folder = HotFolder(tmp_path, settings(), clock)
    notes = tmp_path / "notes.pdf"
    notes.write_text("# Hướng dẫn\n" + "Đây là một tệp văn bản, không phải PDF.\n" * 40)
    short = tmp_path / "short.pdf"
    short.write_bytes(b"\n% comment")  # under a KB: its header may still be on its way
    folder.poll()
    clock.now += 6
    assert folder.poll() == [notes]


def test_a_preallocated_file_of_zeros_is_still_arriving(tmp_path: Path,
                                                        jpeg_bytes: bytes) -> None:
    """Review 9b H: a copier that pre-allocates sets the final size and writes zeros first; a
    ".pdf" (or ".jpg") whose first KB is all NUL is waited on, not handed over to be
    quarantined mid-copy; once its bytes arrive it is ready."""
    clock = Clock()
    folder = HotFolder(tmp_path, settings(), clock)
    pdf = b"%PDF-1.7\n" + b"1 0 obj\n<< >>\nendobj\n" * 100 + b"%%EOF\n"
    copying = tmp_path / "copying.pdf"
    copying.write_bytes(bytes(len(pdf)))
    photo = tmp_path / "copying.jpg"
    photo.write_bytes(bytes(len(jpeg_bytes)))
    folder.poll()
    clock.now += 30
    assert folder.poll() == []
    copying.write_bytes(pdf)
    photo.write_bytes(jpeg_bytes)
    os.utime(copying, ns=(1, 2))  # the same size: the copy shows only in its bytes and time
    os.utime(photo, ns=(1, 2))
    folder.poll()
    clock.now += 6
    assert sorted(folder.poll()) == [photo, copying]


def test_done_failed_and_never_twice(tmp_path: Path, jpeg_bytes: bytes) -> None:
    clock = Clock()
    folder = HotFolder(tmp_path, settings(), clock)
    good, bad, boom = tmp_path / "a-2.jpg", tmp_path / "a-10.jpg", tmp_path / "b.pdf"
    good.write_bytes(jpeg_bytes)
    bad.write_bytes(jpeg_bytes + b"\0")  # different content, same end marker
    image_pdf(boom, [jpeg_spec(text_page(dpi=60, seed=2, lines=2))], dpi=60)
    (tmp_path / "notes.txt").write_text("not a scan")
    (tmp_path / ".partial.jpg").write_bytes(jpeg_bytes)
    folder.poll()
    clock.now += 6
    ready = folder.poll()
    assert ready == [good, bad, boom]  # natural order; hidden and unsupported files left alone

    handled: list[str] = []

    def handle(path: Path) -> str | None:
        handled.append(path.name)
        if path.name == "a-10.jpg":
            return "page 1 is truncated: re-scan it"
        if path.suffix == ".pdf":
            raise BadInputError("the PDF is password-protected: ask the sender")
        return None

    outcomes = [folder.process(p, handle) for p in ready]
    assert [(o.ok, o.moved_to.relative_to(tmp_path).as_posix()) for o in outcomes] == [
        (True, "done/a-2.jpg"), (False, "failed/a-10.jpg"), (False, "failed/b.pdf")]
    assert (tmp_path / "failed/a-10.jpg.reason.txt").read_text().startswith("page 1 is trunc")
    assert "password" in (tmp_path / "failed/b.pdf.reason.txt").read_text()

    # The same scan dropped again, under another name: not handled a second time.
    again = tmp_path / "again.jpg"
    again.write_bytes(jpeg_bytes)
    folder.poll()
    clock.now += 6
    (ready_again,) = folder.poll()
    outcome = folder.process(ready_again, handle)
    assert outcome.ok and outcome.reason == ALREADY
    assert outcome.moved_to == tmp_path / "done" / "again.jpg"
    assert handled == ["a-2.jpg", "a-10.jpg", "b.pdf"]

    # A bad file dropped again, to a restarted watcher: back to failed/ with its reason, never
    # to done/ (nothing of it was stored), and not handled again.
    (tmp_path / "bad-again.jpg").write_bytes(jpeg_bytes + b"\0")
    restarted = HotFolder(tmp_path, settings(), clock)
    restarted.poll()
    clock.now += 6
    (ready_again,) = restarted.poll()
    outcome = restarted.process(ready_again, handle)
    assert not outcome.ok and outcome.moved_to == tmp_path / "failed" / "bad-again.jpg"
    assert outcome.reason == f"{ALREADY_FAILED}: page 1 is truncated: re-scan it"
    assert handled == ["a-2.jpg", "a-10.jpg", "b.pdf"]


def test_an_unexpected_error_fails_the_file_and_the_watch_goes_on(tmp_path: Path,
                                                                  jpeg_bytes: bytes) -> None:
    clock = Clock()
    for name, extra in (("1.jpg", b""), ("2.jpg", b"\0")):
        (tmp_path / name).write_bytes(jpeg_bytes + extra)

    def handle(path: Path) -> str | None:
        if path.name == "1.jpg":
            raise RuntimeError("stage exploded")
        return None

    polls = iter(range(3))

    def tick(_: float) -> None:
        clock.now += 6

    outcomes = list(watch(tmp_path, handle, settings(), clock=clock, sleep=tick,
                          stop=lambda: next(polls, None) is None))
    assert [(o.source.name, o.ok) for o in outcomes] == [("1.jpg", False), ("2.jpg", True)]
    assert "(internal error, RuntimeError: stage exploded)" in outcomes[0].reason  # type: ignore[operator]
    assert outcomes[0].program_error and outcomes[0].moved_to == tmp_path / "failed" / "1.jpg"

    # A bug is not the file's, so it is not finished: put back, a restarted watcher handles it
    # again; that same process, whose code failed on it, sets it aside once more without
    # running it; once fixed (another restart) it is stored.
    os.replace(tmp_path / "failed" / "1.jpg", tmp_path / "1.jpg")
    folder = HotFolder(tmp_path, settings(), clock)
    folder.poll()
    clock.now += 6
    (again,) = folder.poll()
    tried: list[str] = []
    outcome = folder.process(again, lambda p: tried.append(p.name) or handle(p))
    assert outcome.program_error and tried == ["1.jpg"]
    os.replace(outcome.moved_to, tmp_path / "1.jpg")
    folder.poll()
    clock.now += 6
    outcome = folder.process(folder.poll()[0], lambda p: tried.append(p.name) or handle(p))
    assert outcome.program_error and tried == ["1.jpg"]  # not run again by the same process
    os.replace(outcome.moved_to, tmp_path / "1.jpg")
    fixed = HotFolder(tmp_path, settings(), clock)
    fixed.poll()
    clock.now += 6
    outcome = fixed.process(fixed.poll()[0], lambda p: None)
    assert outcome.ok and outcome.reason is None and outcome.moved_to.parent.name == "done"


def test_restart_after_a_kill_handles_the_interrupted_file_again(tmp_path: Path,
                                                                 jpeg_bytes: bytes) -> None:
    clock = Clock()
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(jpeg_bytes)
    first = HotFolder(tmp_path, settings(), clock)
    first.poll()
    clock.now += 6

    class Killed(BaseException):
        """Stands for kill -9: nothing after the handler's start runs."""

    def killed(path: Path) -> str | None:
        raise Killed

    with pytest.raises(Killed):
        first.process(first.poll()[0], killed)
    assert scan.exists()

    second = HotFolder(tmp_path, settings(), clock)  # the restarted process
    second.poll()
    clock.now += 6
    outcome = second.process(second.poll()[0], lambda p: None)
    assert outcome.ok and outcome.reason is None  # handled for real, not "already ingested"
    ledger = (tmp_path / ".sohoa-watch" / "ledger.tsv").read_text().splitlines()
    assert [line.split("\t")[0] for line in ledger] == ["start", "start", "done"]


def test_include_and_exclude_patterns(tmp_path: Path, jpeg_bytes: bytes) -> None:
    clock = Clock()
    folder = HotFolder(tmp_path, settings(include=("*.JPG",), exclude=("draft*",)), clock)
    for name in ("scan.jpg", "draft-1.jpg", "scan.png"):
        (tmp_path / name).write_bytes(jpeg_bytes)
    folder.poll()
    clock.now += 6
    assert [p.name for p in folder.poll()] == ["scan.jpg"]


def _unmovable_run(tmp_path: Path, jpeg_bytes: bytes, fail: str) -> tuple[list[object], int]:
    """`watch --once` over one scan whose handler breaks failed/ (a plain file in its place, as
    a share where that folder cannot be made): its outcomes and how many polls it took."""
    import shutil

    (tmp_path / "a.jpg").write_bytes(jpeg_bytes)
    clock, polls = Clock(), [0]

    def handle(path: Path) -> str | None:
        shutil.rmtree(tmp_path / "failed")
        (tmp_path / "failed").write_text("không phải thư mục")
        if fail == "bug":
            raise RuntimeError("stage exploded")
        return "trang 1: hỏng"

    def stop() -> bool:
        polls[0] += 1
        return polls[0] > 50

    def sleep(seconds: float) -> None:
        clock.now += seconds

    outcomes = list(watch(tmp_path, handle, settings(), stop=stop, sleep=sleep, clock=clock,
                          once=True))
    return outcomes, polls[0]


@pytest.mark.parametrize("fail", ["bad", "bug"])
def test_a_file_that_cannot_be_moved_to_failed_is_said_once_and_once_ends(
        tmp_path: Path, jpeg_bytes: bytes, fail: str) -> None:
    """Review F-F: it was handed out again at every poll (`watch --once` never ended, one
    outcome per poll)."""
    outcomes, polls = _unmovable_run(tmp_path, jpeg_bytes, fail)
    assert len(outcomes) == 1 and polls < 50, (len(outcomes), polls)
    assert "không chuyển được tệp sang failed/" in str(outcomes[0].reason)  # type: ignore[attr-defined]
    assert (tmp_path / "a.jpg").is_file()


def test_a_machine_error_moving_a_file_stops_the_watch_with_the_file_in_place(
        tmp_path: Path, jpeg_bytes: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk (or no write permission) while moving the file: exit 2, the file stays; the
    ledger has its outcome, so the next run moves it without handling it again."""
    import errno

    from sohoa.errors import StorageError
    from sohoa.scanners import watch as watchmodule

    (tmp_path / "a.jpg").write_bytes(jpeg_bytes)
    import itertools

    real_replace, calls, polls = os.replace, [], itertools.count()

    def full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    quick = WatchSettings(settle_seconds=0, poll_seconds=0.01)
    monkeypatch.setattr(watchmodule.os, "replace", full)
    with pytest.raises(StorageError) as caught:
        # bounded: without the fix the file was handed out again at every poll, never ending
        list(watch(tmp_path, lambda p: calls.append(p) or "trang 1: hỏng", quick, once=True,
                   stop=lambda: next(polls) > 20, sleep=lambda _: None))
    assert caught.value.exit_code == 2 and "hết chỗ trống trên đĩa" in str(caught.value)
    assert (tmp_path / "a.jpg").is_file() and len(calls) == 1
    monkeypatch.setattr(watchmodule.os, "replace", real_replace)
    outcomes = list(watch(tmp_path, lambda p: calls.append(p) or "trang 1: hỏng", quick,
                          once=True))
    assert len(calls) == 1 and [o.ok for o in outcomes] == [False]
    assert (tmp_path / "failed" / "a.jpg").is_file()


def test_an_old_ledgers_bug_or_machine_error_is_handled_again(tmp_path: Path,
                                                                jpeg_bytes: bytes) -> None:
    """Review F-D: ledgers written before bugs were "bug" lines recorded them (and machine
    errors) as "failed": put back, such a file is handled again; a bad file stays finished."""
    import hashlib

    (tmp_path / "a.jpg").write_bytes(jpeg_bytes)
    (tmp_path / "b.jpg").write_bytes(jpeg_bytes + b"\0")
    (tmp_path / "c.jpg").write_bytes(jpeg_bytes + b"\0\0")
    digest = {n: hashlib.sha256((tmp_path / n).read_bytes()).hexdigest()
              for n in ("a.jpg", "b.jpg", "c.jpg")}
    (tmp_path / ".sohoa-watch").mkdir()
    (tmp_path / ".sohoa-watch" / "ledger.tsv").write_text(
        f"failed\t{digest['a.jpg']}\ta.jpg\tlỗi bên trong chương trình (internal error, "
        "IndexError: x): hãy báo cho bộ phận kỹ thuật\n"
        f"failed\t{digest['b.jpg']}\tb.jpg\tlỗi đọc, ghi khi xử lý tệp: No space left on device\n"
        f"failed\t{digest['c.jpg']}\tc.jpg\ttrang 1: hỏng\n", encoding="utf-8")
    handled: list[str] = []
    outcomes = list(watch(tmp_path, lambda p: handled.append(p.name), WatchSettings(
        settle_seconds=0, poll_seconds=0.01), once=True))
    assert sorted(handled) == ["a.jpg", "b.jpg"]
    assert {o.source.name: o.ok for o in outcomes} == {"a.jpg": True, "b.jpg": True,
                                                       "c.jpg": False}


def test_a_web_page_named_pdf_is_handed_over_at_once_not_waited_on(tmp_path: Path) -> None:
    """tester12 F15: a short HTML page saved as ban_quet_01.pdf (an error page a browser saved)
    is finished as it is; the watch tells what it is after the settle time, as ``ingest`` does,
    instead of ten minutes of "still being written". One that mentions %PDF- likewise."""
    clock = Clock()
    folder = HotFolder(tmp_path, settings(), clock)
    page = tmp_path / "ban_quet_01.pdf"
    page.write_text("<html><body>Lỗi 404</body></html>")
    viewer = tmp_path / "viewer.pdf"
    viewer.write_text("<!DOCTYPE html><html><script>var magic = '%PDF-1.7';</script></html>")
    folder.poll()
    clock.now += 6
    assert folder.poll() == [page, viewer]
    assert folder.notices() == []
