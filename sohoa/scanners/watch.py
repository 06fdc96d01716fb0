"""Hot folder core: find files a scanner has finished writing, hand each to the pipeline once,
and move it to ``done/`` or ``failed/`` (with a reason file beside it).

Built for network shares: it polls (inotify does not see writes made by another machine over
SMB/NFS), and a file counts as complete only when its size and mtime have stayed the same for
``settle_seconds`` and it looks whole (a PDF ends with ``%%EOF``, a JPEG with its end marker…).
A ledger in ``.sohoa-watch/`` records each file's SHA-256 before and after handling, so a file
is never handled twice, even when dropped again under another name, and a file that was being
handled when the process was killed is handled again on restart (the pipeline is idempotent,
keyed by the same SHA-256, so that second run stores nothing twice).

Whose fault a failure is decides where the file goes. The file's own (an unreadable PDF, not
an image…): ``failed/`` with the reason, for good; dropped again, it goes back to ``failed/``
with that reason, never to ``done/``. The machine's (a full disk, a share gone, a signing token
pulled out, a worker killed: exit 2 errors): the watcher stops and the file stays where it is,
handled again after a restart. sohoa's own (a bug): ``failed/`` with the reason, but not
recorded as finished: put back after the fix, it is handled again.

A folder dropped into the hot folder is one batch: a scanner that writes one JPEG per page
into a folder per batch gets its pages split into dossiers together, not page by page. It is
ready once none of its files has changed for ``settle_seconds`` and every one looks whole; it
is identified by the names and SHA-256s of its files, and moved to ``done/`` as a whole.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from sohoa.errors import (
    EXIT_INTERNAL,
    EXIT_USAGE,
    MACHINE_ERRNOS,
    SHARE_GONE_ERRNOS,
    SohoaError,
    StorageError,
    os_said,
)
from sohoa.scanners.entries import odd_entry, open_regular
from sohoa.scanners.inputs import SUPPORTED_SUFFIXES, natural_key, sniff
from sohoa.scanners.tiffcopy import TruncatedPage, ifd_offsets

DONE, FAILED, STATE = "done", "failed", ".sohoa-watch"
ALREADY = "đã nhận trước đây: cùng một tệp (cùng nội dung) đã được xử lý rồi"
ALREADY_FAILED = ("đã nhận trước đây và không xử lý được: cùng một tệp (cùng nội dung); lý do "
                  "lần trước")
REASON_SUFFIX = ".reason.txt"
NAME_MAX = 255  # bytes in one file name on Linux file systems (ext4, xfs, btrfs, tmpfs, SMB)
# room kept in a name the watcher writes for " (NN)" (a second file of that name) + ".reason.txt"
_NAME_ROOM = len(" (999)") + len(REASON_SUFFIX)

Handler = Callable[[Path], str | None]  # None: stored; a string: why (some of) it was not


class ProgramFault(Exception):
    """Raised by a handler when sohoa's own code failed on (part of) the file, with the reason:
    a bug, not the file's fault. The file goes to ``failed/`` all the same (the folder goes on),
    but is not recorded as finished: put back once the bug is fixed, it is handled again."""


def is_fatal(exc: BaseException) -> bool:
    """Whether ``exc`` is a problem of the desk PC, not of the file: everything `sohoa ingest`
    ends with exit 2 for (configuration, storage, signing key or token, a worker killed) and an
    OSError the machine causes (a full disk, a read-only or vanished share, no permission, no
    memory). The file stays where it is (its ledger entry stays "start", so it is handled again
    after a restart) and the error stops the watcher."""
    if isinstance(exc, SohoaError):
        return exc.exit_code == EXIT_USAGE
    return isinstance(exc, OSError) and exc.errno in MACHINE_ERRNOS


def _retried_from_old_ledger(reason: str) -> bool:
    """Whether a ledger's "failed" line was written, before bugs were recorded as "bug" and
    machine errors stopped the watch, for a bug (sohoa's own words "internal error", or the
    pipeline's "lỗi của chương trình sohoa") or a read/write error: such a file, put back, is
    handled again rather than sent to failed/ for good."""
    said = reason.removeprefix(_READ_WRITE_ERROR).strip()
    return ("(internal error," in reason or "lỗi của chương trình sohoa" in reason
            or (reason.startswith(_READ_WRITE_ERROR) and said in _MACHINE_STRERRORS))


# how a read/write error of a file is worded; only the machine's (a full disk…) are retried: a
# file taken away while it was read (ENOENT) is the file's, and stays finished
_READ_WRITE_ERROR = "lỗi đọc, ghi khi xử lý tệp:"
_MACHINE_STRERRORS = frozenset([*(os.strerror(number) for number in MACHINE_ERRNOS),
                                *(os_said(OSError(number, "")) for number in MACHINE_ERRNOS)])


def _machine_error(exc: OSError, path: Path) -> StorageError:
    where = f" ({exc.filename})" if exc.filename else ""
    return StorageError(f"lỗi của máy, không phải của tệp: {os_said(exc)}{where} khi xử "
                        f"lý {path.name}; tệp vẫn để nguyên trong thư mục nóng. Khắc phục (chỗ "
                        "trống trên đĩa, quyền ghi, ổ mạng) rồi chạy lại đúng lệnh này.")


@dataclass(frozen=True)
class WatchSettings:
    include: tuple[str, ...] = tuple(f"*{s}" for s in sorted(SUPPORTED_SUFFIXES))
    exclude: tuple[str, ...] = ()
    settle_seconds: float = 5.0  # size and mtime unchanged this long: the writer is done
    poll_seconds: float = 2.0
    # A file that stays "incomplete" (no end marker) this long is handed over anyway, so that
    # it reaches quarantine with a reason instead of sitting in the folder forever.
    give_up_seconds: float = 600.0


@dataclass(frozen=True)
class Outcome:
    source: Path  # where the file was found
    moved_to: Path  # where it is now (under done/ or failed/)
    ok: bool
    reason: str | None = None
    # The handler raised an unexpected error: a bug in sohoa, not the file's fault (the file is
    # set aside all the same, so the folder goes on).
    program_error: bool = False


@dataclass(frozen=True)
class Notice:
    """Something the desk should know about a file that is not handled yet (it is waiting for
    the file to finish): said once per file and state, never an outcome."""

    source: Path
    message: str


@dataclass
class _Seen:
    signature: tuple[int, ...]  # a file's (size, mtime); a folder's (files, bytes, newest mtime)
    since: float  # clock time the file was first seen with this size and mtime
    first_seen: float  # clock time the file was first seen at all


class HotFolder:
    """One watched folder. ``poll`` finds ready files; ``process`` handles one of them."""

    def __init__(self, root: Path, settings: WatchSettings | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.root = Path(root)
        self.settings = settings or WatchSettings()
        self.clock = clock
        self._seen: dict[Path, _Seen] = {}
        self._odd: dict[Path, str] = {}  # entries found at the last poll that are not scans
        self._noticed: dict[Path, str] = {}  # what was last said about a waiting file
        self._stuck: set[Path] = set()  # entries reported once that could not be moved away
        for sub in (DONE, FAILED, STATE):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._ledger = self.root / STATE / "ledger.tsv"
        # digest -> None when stored, or why the file itself could not be used
        self._finished = self._load_ledger()
        # digests this process found a bug on: the same code would fail the same way, so one
        # dropped again (or not movable to failed/) is not ingested again until a restart
        self._bugs: dict[str, str] = {}

    # --- finding ready files ------------------------------------------------------------------

    def poll(self) -> list[Path]:
        """Files that are complete and not yet handled, in natural order. Call it repeatedly.

        Entries that are not scans (FIFOs, sockets, devices, broken or looping links) are
        never opened; they are listed by :meth:`odd` until :meth:`reject` moves them away."""
        now = self.clock()
        present = set()
        ready = []
        self._odd = {}
        for path in self._candidates():
            if path in self._stuck:  # handled, said once, and could not be moved away
                continue
            reason = odd_entry(path)
            if reason is not None:
                self._odd[path] = reason
                continue
            try:
                signature = self._signature(path)
            except OSError:
                continue  # vanished between listing and stat: the writer renamed it
            if signature is None:
                continue  # a folder with no scan in it (yet)
            present.add(path)
            seen = self._seen.get(path)
            if seen is None or seen.signature != signature:
                first = seen.first_seen if seen else now
                seen = self._seen[path] = _Seen(signature, now, first)
                if self.settings.settle_seconds > 0:
                    continue  # with no settle time a file is judged at first sight
            if now - seen.since < self.settings.settle_seconds:
                continue
            waited_too_long = now - seen.first_seen >= self.settings.give_up_seconds
            if self._complete(path) or waited_too_long:
                ready.append(path)
        for gone in set(self._seen) - present:
            del self._seen[gone]
        for gone in set(self._noticed) - present:
            del self._noticed[gone]
        return sorted(ready, key=lambda p: natural_key(p.relative_to(self.root)))

    def odd(self) -> list[tuple[Path, str]]:
        """Entries under a scan's name found at the last poll that are not scans, with why."""
        return sorted(self._odd.items(), key=lambda item: natural_key(Path(item[0].name)))

    def notices(self) -> list[Notice]:
        """What to tell the desk about files seen and not ready yet: a file whose size stays
        the same but that has no end (a copy cut off, a scanner still writing) is waiting for
        the file to finish. Each file is mentioned once per state, not at every poll."""
        now = self.clock()
        found = []
        for path, seen in sorted(self._seen.items()):
            if now - seen.since < self.settings.settle_seconds:
                continue  # still changing: the normal case, nothing to say
            try:
                whole = self._complete(path)
            except OSError:
                continue
            if whole:
                continue
            left = max(0.0, self.settings.give_up_seconds - (now - seen.first_seen))
            message = (f"đang chờ tệp ghi xong: {path.name} chưa có phần kết thúc của tệp "
                       f"(bị cắt cụt hoặc máy quét/máy chép còn đang ghi); nếu vẫn vậy sau "
                       f"{left:.0f} giây nữa, tệp sẽ được xử lý như hiện có và chuyển vào "
                       f"{FAILED}/ kèm lý do")
            if self._noticed.get(path) != "incomplete":
                self._noticed[path] = "incomplete"
                found.append(Notice(path, message))
        return found

    def settling(self) -> int:
        """Files seen at the last poll whose size or mtime changed within the settle time: a
        scanner (or a copy over the network) is still writing them."""
        now = self.clock()
        return sum(1 for seen in self._seen.values()
                   if now - seen.since < self.settings.settle_seconds)

    def waiting(self) -> int:
        """Files seen at the last poll and not handled yet (settling, incomplete or ready)."""
        return len(self._seen)

    def _candidates(self) -> Iterator[Path]:
        """The wanted files at the top of the folder, and its sub-folders (one batch each).
        Odd entries under a wanted name (or a link with no suffix, which may have been meant
        as a folder) are yielded too, for :meth:`poll` to report; nothing here opens them."""
        skip = {DONE, FAILED, STATE}
        try:
            entries = sorted(os.scandir(self.root), key=lambda e: e.name)
        except OSError:
            return  # the share went away for a moment: the next poll tries again
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False  # a symlink loop (ELOOP): reported by poll as what it is
            try:
                if is_dir:
                    if entry.name not in skip:
                        yield Path(entry.path)
                elif self._wanted(entry.name) or (entry.is_symlink()
                                                  and not Path(entry.name).suffix):
                    yield Path(entry.path)
            except OSError:
                continue

    def members(self, path: Path) -> list[Path]:
        return members(path, self.settings)

    def _signature(self, path: Path) -> tuple[int, ...] | None:
        if not path.is_dir():
            st = path.stat()
            return (st.st_size, st.st_mtime_ns)
        stats = [f.stat() for f in self.members(path)]
        if not stats:
            return None
        return (len(stats), sum(st.st_size for st in stats), max(st.st_mtime_ns for st in stats))

    def _complete(self, path: Path) -> bool:
        files = self.members(path)
        return bool(files) and all(f.stat().st_size > 0 and looks_complete(f) for f in files)

    def _wanted(self, name: str) -> bool:
        return wanted(name, self.settings)

    # --- handling one file --------------------------------------------------------------------

    def process(self, path: Path, handle: Handler) -> Outcome:
        """Handle one ready file exactly once and move it out of the way.

        ``handle`` returns None when everything in the file was stored, or a reason when some
        or all of it was quarantined; if it raises, the file goes to ``failed/`` with the error
        and the watcher keeps going. An error :func:`is_fatal` calls the machine's is not the
        file's fault: it propagates (an OSError as a StorageError) and the file stays in place,
        to be handled after a restart. A bug (:class:`ProgramFault`, or any other exception)
        sets the file aside in ``failed/`` without recording it as finished.
        """
        try:
            digest = self._digest(path)
        except OSError as exc:
            if exc.errno in SHARE_GONE_ERRNOS:  # the share, not the file: try after the restart
                raise _machine_error(exc, path) from exc
            # Unreadable (permissions, replaced by a FIFO since the poll, gone): this entry's
            # problem, not the watcher's.
            return self.reject(path, f"không đọc được tệp: {os_said(exc)}")
        if digest in self._finished:
            before = self._finished[digest]
            if before is None:
                return self._move(path, ok=True, reason=ALREADY)
            # never to done/: nothing of it was stored the first time either
            return self._move(path, ok=False, reason=f"{ALREADY_FAILED}: {before}")
        if digest in self._bugs:
            return replace(self._move(path, ok=False, reason=self._bugs[digest]),
                           program_error=True)
        self._append("start", digest, path)
        bug = False
        try:
            reason = handle(path)
        except ProgramFault as exc:
            reason, ok, bug = str(exc), False, True
        except Exception as exc:
            if is_fatal(exc):
                if isinstance(exc, OSError):
                    raise _machine_error(exc, path) from exc
                raise
            if isinstance(exc, SohoaError) and exc.exit_code != EXIT_INTERNAL:
                reason, ok = str(exc), False  # the file's: a bad input, as for `sohoa ingest`
            elif isinstance(exc, OSError):
                # not the machine's (ENOENT: a file of the batch taken away while it was read)
                reason, ok = f"{_READ_WRITE_ERROR} {os_said(exc)}", False
            else:  # a bug in a stage must not stop the desk's folder
                # sohoa's own mistake, as it is for `sohoa ingest` (exit 1); "internal error"
                # kept: it is what a technician searches for
                reason, ok = (f"lỗi bên trong chương trình (internal error, "
                              f"{type(exc).__name__}: {exc}): hãy báo cho bộ phận kỹ thuật"), False
                bug = True
        else:
            ok = reason is None
        if bug:
            self._append("bug", digest, path, reason)  # not finished: handled again after a fix
            self._bugs[digest] = reason or ""
        else:
            self._append("done" if ok else "failed", digest, path, reason)
            self._finished[digest] = None if ok else reason
        self._seen.pop(path, None)
        return replace(self._move(path, ok=ok, reason=reason), program_error=bug)

    def reject(self, path: Path, reason: str) -> Outcome:
        """Move an entry that is not a scan (or cannot be read) to ``failed/`` with the reason,
        without opening it and without a ledger entry (it has no content to know it by)."""
        self._odd.pop(path, None)
        self._seen.pop(path, None)
        return self._move(path, ok=False, reason=reason)

    def _move(self, path: Path, *, ok: bool, reason: str | None) -> Outcome:
        relative = path.relative_to(self.root)
        place = self.root / (DONE if ok else FAILED) / relative.parent
        target = _free_name(place / short_name(relative.name, room=_NAME_ROOM))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        except OSError as exc:
            if exc.errno in MACHINE_ERRNOS:
                # a full disk, no write permission, a share gone: the machine's, not the file's;
                # stop (exit 2) with the file in place: the ledger has its outcome, so the next
                # run only moves it
                raise _machine_error(exc, path) from exc
            # Anything else (a file where failed/ should be…): the operator needs to know it is
            # still lying in the folder, once; handled again at every poll, a `watch --once`
            # would never end.
            self._stuck.add(path)
            self._seen.pop(path, None)
            self._noticed.pop(path, None)
            note = f"không chuyển được tệp sang {target.parent.name}/ ({os_said(exc)})"
            return Outcome(path, path, ok, f"{reason}; {note}" if reason else note)
        self._seen.pop(path, None)
        self._noticed.pop(path, None)
        if reason:
            note_file = target.with_name(target.name + REASON_SUFFIX)
            try:
                note_file.write_text(reason + "\n", encoding="utf-8")
            except OSError as exc:
                # a full disk or a read-only share: the outcome still carries the reason
                return Outcome(path, target, ok,
                               f"{reason}; không ghi được {note_file.name} ({os_said(exc)})")
        return Outcome(path, target, ok, reason)

    def _digest(self, path: Path) -> str:
        """A file's SHA-256; for a folder, the SHA-256 of its files' names and SHA-256s."""
        if not path.is_dir():
            return _sha256(path)
        lines = [f"{f.relative_to(path).as_posix()}\t{_sha256(f)}\n" for f in self.members(path)]
        return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()

    # --- the ledger ---------------------------------------------------------------------------

    def _load_ledger(self) -> dict[str, str | None]:
        finished: dict[str, str | None] = {}
        if not self._ledger.exists():
            return finished
        for line in self._ledger.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            # A "start" without its "done"/"failed" is a run killed mid-file, and "bug" a file
            # sohoa's code failed on: both are handled again.
            if len(parts) >= 3 and parts[0] == "done":
                finished[parts[1]] = None
            elif len(parts) >= 3 and parts[0] == "failed":
                reason = parts[3] if len(parts) > 3 else ""
                if _retried_from_old_ledger(reason):  # an old bug or machine error: not done
                    continue
                finished[parts[1]] = reason or "không rõ"
        return finished

    def _append(self, event: str, digest: str, path: Path, reason: str | None = None) -> None:
        fields = [event, digest, path.relative_to(self.root).as_posix(),
                  (reason or "").replace("\t", " ").replace("\n", " ")]
        try:
            with self._ledger.open("a", encoding="utf-8") as f:
                f.write("\t".join(fields) + "\n")
                f.flush()
                os.fsync(f.fileno())  # the ledger must survive a power cut as well as kill -9
        except OSError as exc:
            # Without the ledger "exactly once" cannot be kept: stop the watcher (exit 2), the
            # file stays where it is and is handled once the cause is fixed.
            raise StorageError(f"không ghi được sổ theo dõi {self._ledger} ({os_said(exc)}): "
                               "kiểm tra chỗ trống và quyền ghi của thư mục nóng, rồi chạy lại "
                               "lệnh") from exc


def watch(root: Path, handle: Handler, settings: WatchSettings | None = None, *,
          stop: Callable[[], bool] = lambda: False,
          sleep: Callable[[float], None] = time.sleep,
          clock: Callable[[], float] = time.monotonic,
          once: bool = False,
          on_poll: Callable[[int], None] | None = None,
          on_notice: Callable[[Notice], None] | None = None) -> Iterator[Outcome]:
    """Poll ``root`` until ``stop()`` is true, handling each completed file once.

    ``once``: return as soon as nothing is ready and nothing is still being written (a file that
    stays incomplete is left in place for a later run). ``on_poll`` gets the number of files
    waiting (seen, not yet handled) after each poll and after each file handled; ``on_notice``
    what the desk should know about files that are waiting (see :meth:`HotFolder.notices`).
    Entries that are not scans go to ``failed/`` with the reason, unopened; one entry that
    cannot be handled never stops the watcher (only an error :func:`is_fatal` calls the
    machine's does).
    """
    folder = HotFolder(root, settings, clock)
    while not stop():
        ready = folder.poll()
        if on_poll is not None:
            on_poll(folder.waiting())
        for path, reason in folder.odd():
            yield folder.reject(path, reason)
        if on_notice is not None:
            for notice in folder.notices():
                on_notice(notice)
        for path in ready:
            if os.path.lexists(path):
                yield folder.process(path, handle)
            else:
                folder._seen.pop(path, None)
            if on_poll is not None:
                on_poll(folder.waiting())
            if stop():
                return
        if once and not ready and not folder.settling():
            return
        sleep(folder.settings.poll_seconds)


def wanted(name: str, settings: WatchSettings) -> bool:
    """A file name the include patterns take and the exclude patterns leave (case-blind)."""
    folded = name.casefold()
    return (any(fnmatch.fnmatchcase(folded, p.casefold()) for p in settings.include)
            and not any(fnmatch.fnmatchcase(folded, p.casefold()) for p in settings.exclude))


def members(path: Path, settings: WatchSettings) -> list[Path]:
    """The scan files a hot-folder entry stands for: the file itself, or a folder's wanted
    files in natural order (hidden files and folders left out, as a scanner's partials are)."""
    if not path.is_dir():
        return [path]
    found = []
    for top, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(top, n) for n in names if not n.startswith(".") and wanted(n, settings)
                     and odd_entry(Path(top, n)) is None)  # a FIFO in a batch is never opened
    return sorted(found, key=lambda f: natural_key(f.relative_to(path)))


def looks_complete(path: Path) -> bool:
    """Cheap check that a scan file has its end: what a half-copied file lacks."""
    try:
        with os.fdopen(open_regular(path), "rb") as f:
            head = f.read(1024)  # a PDF's header may come anywhere in its first 1 KB
            f.seek(max(0, os.fstat(f.fileno()).st_size - 1024))
            tail = f.read()
    except OSError:
        return False
    if head and not head.strip(b"\0"):
        # A copier that pre-allocates (SMB, Windows CopyFile) sets the final size first and
        # fills zeros until the bytes arrive: the size holds still while nothing is written
        # yet. Still arriving, whatever the name says (the give-up time still ends the wait).
        return False
    if sniff(head) == "html":
        # A web page saved under a scan's name (even one that mentions "%PDF-") is finished as
        # it is: told what it is at once, with the reader's own sniffing (tester12 F15).
        return True
    if head.startswith(b"\xff\xd8"):
        return tail.rstrip(b"\0\r\n ").endswith(b"\xff\xd9")
    if head.startswith(b"\x89PNG"):
        return b"IEND" in tail[-16:]
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        try:
            ifd_offsets(path)
        except (TruncatedPage, OSError):
            return False
        except Exception:
            return True  # unusual but not cut off: let the reader judge it
        return True
    if b"%PDF-" in head:
        return b"%%EOF" in tail
    if path.suffix.lower() == ".pdf":
        # Named .pdf with no header in a whole first KB: no PDF being written (its header
        # comes first), so nothing to wait for — the reader says at once what it is. Shorter,
        # the header may still be on its way.
        return len(head) >= 1024
    return True  # not a scan format: hand it over, the reader quarantines it with a reason


def short_name(name: str, room: int = 0) -> str:
    """``name``, shortened so that it and ``room`` more bytes fit in one file name (NAME_MAX):
    the stem is cut on a character boundary and a short hash of the whole name keeps two long
    names that start alike apart; the suffix stays, so the file still opens as what it is."""
    limit = NAME_MAX - room
    if len(os.fsencode(name)) <= limit:
        return name
    stem, suffix = os.path.splitext(name)
    if len(os.fsencode(suffix)) > 16:
        stem, suffix = name, ""
    tag = "~" + hashlib.sha256(os.fsencode(name)).hexdigest()[:8]
    keep = limit - len(os.fsencode(suffix)) - len(tag)
    cut = os.fsencode(stem)[:keep].decode("utf-8", errors="ignore")
    return cut + tag + suffix


def _free_name(target: Path) -> Path:
    """``target``, or ``name (2).ext`` … when a file of that name was handled before."""
    if not os.path.lexists(target):
        return target
    stem, suffix = os.path.splitext(target.name)
    n = 2
    while True:
        candidate = target.with_name(f"{stem} ({n}){suffix}")
        if not os.path.lexists(candidate):
            return candidate
        n += 1


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()
