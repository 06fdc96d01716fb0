"""Hot folder core: find files a scanner has finished writing, hand each to the pipeline once,
and move it to ``done/`` or ``failed/`` (with a reason file beside it).

Built for network shares: it polls (inotify does not see writes made by another machine over
SMB/NFS), and a file counts as complete only when its size and mtime have stayed the same for
``settle_seconds`` and it looks whole (a PDF ends with ``%%EOF``, a JPEG with its end marker…).
A ledger in ``.sohoa-watch/`` records each file's SHA-256 before and after handling, so a file
is never handled twice, even when dropped again under another name, and a file that was being
handled when the process was killed is handled again on restart (the pipeline is idempotent,
keyed by the same SHA-256, so that second run stores nothing twice).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sohoa.errors import SohoaError
from sohoa.scanners.inputs import SUPPORTED_SUFFIXES, natural_key
from sohoa.scanners.tiffcopy import TruncatedPage, ifd_offsets

DONE, FAILED, STATE = "done", "failed", ".sohoa-watch"
ALREADY = "already ingested: the same file (by content) was handled before"

Handler = Callable[[Path], str | None]  # None: stored; a string: why (some of) it was not


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


@dataclass
class _Seen:
    size: int
    mtime_ns: int
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
        for sub in (DONE, FAILED, STATE):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self._ledger = self.root / STATE / "ledger.tsv"
        self._finished = self._load_ledger()

    # --- finding ready files ------------------------------------------------------------------

    def poll(self) -> list[Path]:
        """Files that are complete and not yet handled, in natural order. Call it repeatedly."""
        now = self.clock()
        present = set()
        ready = []
        for path in self._candidates():
            present.add(path)
            try:
                st = path.stat()
            except OSError:
                continue  # vanished between listing and stat: the writer renamed it
            seen = self._seen.get(path)
            if seen is None or (seen.size, seen.mtime_ns) != (st.st_size, st.st_mtime_ns):
                first = seen.first_seen if seen else now
                self._seen[path] = _Seen(st.st_size, st.st_mtime_ns, now, first)
                continue
            if now - seen.since < self.settings.settle_seconds:
                continue
            waited_too_long = now - seen.first_seen >= self.settings.give_up_seconds
            if (st.st_size > 0 and looks_complete(path)) or waited_too_long:
                ready.append(path)
        for gone in set(self._seen) - present:
            del self._seen[gone]
        return sorted(ready, key=lambda p: natural_key(p.relative_to(self.root)))

    def _candidates(self) -> Iterator[Path]:
        skip = {DONE, FAILED, STATE}
        for top, dirs, names in os.walk(self.root):
            here = Path(top)
            if here == self.root:
                dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".")]
            else:
                dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                if name.startswith(".") or not self._wanted(name):
                    continue
                yield here / name

    def _wanted(self, name: str) -> bool:
        folded = name.casefold()
        return (any(fnmatch.fnmatchcase(folded, p.casefold()) for p in self.settings.include)
                and not any(fnmatch.fnmatchcase(folded, p.casefold())
                            for p in self.settings.exclude))

    # --- handling one file --------------------------------------------------------------------

    def process(self, path: Path, handle: Handler) -> Outcome:
        """Handle one ready file exactly once and move it out of the way.

        ``handle`` returns None when everything in the file was stored, or a reason when some
        or all of it was quarantined; if it raises, the file goes to ``failed/`` with the error
        and the watcher keeps going.
        """
        digest = _sha256(path)
        if digest in self._finished:
            return self._move(path, ok=True, reason=ALREADY)
        self._append("start", digest, path)
        try:
            reason = handle(path)
        except SohoaError as exc:
            reason, ok = str(exc), False
        except Exception as exc:  # a bug in a stage must not stop the desk's folder
            reason, ok = f"internal error ({type(exc).__name__}: {exc}): please report it", False
        else:
            ok = reason is None
        self._append("done" if ok else "failed", digest, path, reason)
        self._finished.add(digest)
        self._seen.pop(path, None)
        return self._move(path, ok=ok, reason=reason)

    def _move(self, path: Path, *, ok: bool, reason: str | None) -> Outcome:
        relative = path.relative_to(self.root)
        target = _free_name(self.root / (DONE if ok else FAILED) / relative)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        except OSError as exc:
            # The ledger already says it was handled, so it will not be handled again; the
            # operator only needs to know it is still lying in the folder.
            note = f"could not move it to {target.parent.name}/ ({exc.strerror})"
            return Outcome(path, path, ok, f"{reason}; {note}" if reason else note)
        if reason:
            target.with_name(target.name + ".reason.txt").write_text(reason + "\n",
                                                                     encoding="utf-8")
        self._seen.pop(path, None)
        return Outcome(path, target, ok, reason)

    # --- the ledger ---------------------------------------------------------------------------

    def _load_ledger(self) -> set[str]:
        finished: set[str] = set()
        if not self._ledger.exists():
            return finished
        for line in self._ledger.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            # A "start" without its "done"/"failed" is a run killed mid-file: handle it again.
            if len(parts) >= 3 and parts[0] in ("done", "failed"):
                finished.add(parts[1])
        return finished

    def _append(self, event: str, digest: str, path: Path, reason: str | None = None) -> None:
        fields = [event, digest, path.relative_to(self.root).as_posix(),
                  (reason or "").replace("\t", " ").replace("\n", " ")]
        with self._ledger.open("a", encoding="utf-8") as f:
            f.write("\t".join(fields) + "\n")
            f.flush()
            os.fsync(f.fileno())  # the ledger must survive a power cut as well as kill -9


def watch(root: Path, handle: Handler, settings: WatchSettings | None = None, *,
          stop: Callable[[], bool] = lambda: False,
          sleep: Callable[[float], None] = time.sleep,
          clock: Callable[[], float] = time.monotonic) -> Iterator[Outcome]:
    """Poll ``root`` until ``stop()`` is true, handling each completed file once."""
    folder = HotFolder(root, settings, clock)
    while not stop():
        for path in folder.poll():
            if path.exists():
                yield folder.process(path, handle)
            if stop():
                return
        sleep(folder.settings.poll_seconds)


def looks_complete(path: Path) -> bool:
    """Cheap check that a scan file has its end: what a half-copied file lacks."""
    try:
        with path.open("rb") as f:
            head = f.read(16)
            f.seek(max(0, path.stat().st_size - 1024))
            tail = f.read()
    except OSError:
        return False
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
    if b"%PDF-" in head or path.suffix.lower() == ".pdf":
        return b"%%EOF" in tail
    return True  # not a scan format: hand it over, the reader quarantines it with a reason


def _free_name(target: Path) -> Path:
    """``target``, or ``name (2).ext`` … when a file of that name was handled before."""
    if not target.exists():
        return target
    n = 2
    while True:
        candidate = target.with_name(f"{target.stem} ({n}){target.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()
