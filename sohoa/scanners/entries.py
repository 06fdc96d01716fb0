"""File-system entries that are not scans: FIFOs, sockets, devices, links that loop, dangle or
lead out of the folder given. Found with ``stat``/``lstat`` only, never by opening them (a FIFO
opened for reading waits for a writer that may never come).

Shared by the ingest's reader (``inputs``) and the hot folder (``watch``).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from sohoa.errors import os_said
from sohoa.scanners import reasons


class NotRegularFile(OSError):
    """A FIFO, socket or device under a scan's name: opening it could block forever."""


def open_regular(path: Path) -> int:
    """A read-only descriptor of ``path`` if it is a regular file, else :class:`NotRegularFile`.

    ``O_NONBLOCK``: opening a FIFO for reading otherwise waits for a writer that may never
    come (and a device may hang); the check after opening closes the gap between a ``stat``
    and the ``open`` (the entry may have been replaced in between)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, f"not a regular file ({kind_of(mode)})",
                                 str(path))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def kind_of(mode: int) -> str:
    """What a non-regular entry is, in the desk's words."""
    if stat.S_ISFIFO(mode):
        return "một đường ống FIFO"
    if stat.S_ISSOCK(mode):
        return "một socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "một tệp thiết bị"
    if stat.S_ISDIR(mode):
        return "một thư mục"
    return "không phải tệp thông thường"


def odd_entry(path: Path) -> str | None:
    """Why the watcher cannot take ``path`` as a scan (None: a regular file or a folder, or a
    link to one). Uses ``stat`` only: nothing is opened."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return reasons.SYMLINK_LOOP
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return reasons.dangling(os.readlink(path))
        if exc.errno == errno.ENOENT:
            return None  # gone between listing and stat: the writer renamed it
        return f"không đọc được thông tin tệp ({os_said(exc)})"
    if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
        return None
    return (f"không phải tệp quét mà là {kind_of(st.st_mode)}: bỏ qua, không mở (mở nó có thể "
            "treo thư mục nóng)")


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, every link followed, ends up inside ``folder`` (also resolved)."""
    real = os.path.realpath(path)
    top = os.path.realpath(folder)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def entry_problem(path: Path, folder: Path | None) -> str | None:
    """Why the entry at ``path`` must not be read as a scan, or None for a regular file.

    ``folder``: the folder the clerk gave, which ``path`` was found in; a link is followed only
    to a file inside it (a link to ``/etc/passwd`` dropped into a scan folder is never read).
    A file given by name (``folder`` None) is read wherever its link leads: the clerk chose it.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return reasons.MISSING
    except OSError as exc:
        return reasons.unreadable(os_said(exc))
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return reasons.SYMLINK_LOOP
            if exc.errno == errno.ENOENT:
                return reasons.dangling(os.readlink(path))
            return reasons.unreadable(os_said(exc))
        if folder is not None and not inside(path, folder):
            return reasons.outside(os.path.realpath(path))
    if stat.S_ISDIR(st.st_mode):
        return reasons.FOLDER
    if not stat.S_ISREG(st.st_mode):
        return reasons.not_regular(kind_of(st.st_mode))
    return None
