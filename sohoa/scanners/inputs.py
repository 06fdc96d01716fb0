"""Input files: which ones to read (``expand_inputs``) and their pages (``read_pages``).

``read_pages`` never raises for bad content: a file or page that cannot be used comes out as a
``Quarantined`` record with a reason the desk clerk can act on, and the rest keeps coming.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from sohoa.errors import ConfigError, os_said
from sohoa.records import Page, Quarantined
from sohoa.scanners import reasons
from sohoa.scanners.entries import NotRegularFile, entry_problem, open_regular
from sohoa.scanners.limits import InputLimits

SUPPORTED_SUFFIXES = frozenset({".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"})
_DIGITS = re.compile(r"(\d+)")
_HEAD = 1024  # PDF allows junk before "%PDF-" within the first 1 KB
_TAIL = 1024  # and after "%%EOF" within the last 1 KB
_HTML = (b"<!doctype html", b"<html", b"<head", b"<body")
DEFAULT_LIMITS = InputLimits()


def natural_key(path: Path) -> tuple[tuple[tuple[int, int | str], ...], ...]:
    """Sort key that puts page-2 before page-10, part by part of the path."""
    return tuple(
        tuple((0, int(chunk)) if chunk.isdigit() else (1, chunk.casefold())
              for chunk in _DIGITS.split(part) if chunk)
        for part in path.parts
    )


def expand_inputs(paths: Sequence[Path]) -> list[Path]:
    """Files as given, plus the supported files inside the folders given.

    Folders are walked recursively in natural order, skipping hidden files and folders (a
    scanner's ``.tmp`` partials, ``.DS_Store``); links to folders are not walked. A file named
    explicitly is kept whatever its extension, so that a wrong file reaches quarantine with a
    reason instead of vanishing; so is every entry of a folder with a scan's name, whatever it
    is (a FIFO, a looping or dangling link), for ``read_pages`` to refuse with its reason. Names
    are kept as the file system gives them (an NFD name stays NFD: it is the file's name).
    """
    found: list[Path] = []
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if not os.path.lexists(path):
            raise ConfigError(f"{path} không tồn tại: kiểm tra đường dẫn rồi chạy lại")
        files = _walk(path) if _is_folder(path) else [path]
        for file in files:
            # A link that loops or dangles is its own entry; one that leads to a file reached
            # another way too is read once.
            key = os.path.realpath(file) if os.path.exists(file) else str(file)
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def given_folder(path: Path, given: Sequence[Path]) -> Path | None:
    """The folder among ``given`` that ``path`` was found in (the innermost), or None when the
    path was given by name."""
    best: Path | None = None
    for folder in given:
        folder = Path(folder)
        if (folder != path and path.is_relative_to(folder) and _is_folder(folder)
                and (best is None or len(folder.parts) > len(best.parts))):
            best = folder
    return best


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _walk(folder: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(Path(root, name))
    return sorted(files, key=lambda f: natural_key(f.relative_to(folder)))


def read_pages(path: Path, limits: InputLimits = DEFAULT_LIMITS, *,
               folder: Path | None = None) -> Iterator[Page | Quarantined]:
    """Every page of one file, in order, as ``Page`` or ``Quarantined``.

    A problem with the whole file gives exactly one ``Quarantined`` with ``page_index`` None; a
    broken page gives a ``Quarantined`` for that page and the other pages still come. Pages are
    produced one at a time so that a 500-page batch never sits in memory. ``folder``: the
    folder the file was found in; a link is read only when it leads to a file inside it.

    What is not a regular file (a FIFO, a device, a looping, dangling or outward link) is
    refused from ``lstat``/``stat`` alone, never opened. A page too small to be a scan is
    refused by its size; reading that goes on past ``limits.file_seconds`` stops and refuses
    the whole file.
    """
    path = Path(path)
    source = str(path)
    problem = entry_problem(path, folder)
    if problem is not None:
        yield Quarantined(source, problem)
        return
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        yield Quarantined(source, reasons.MISSING)
        return
    except OSError as exc:
        yield Quarantined(source, reasons.unreadable(os_said(exc)))
        return
    if size == 0:
        yield Quarantined(source, reasons.EMPTY)
        return
    if size > limits.max_file_bytes:
        yield Quarantined(source, reasons.too_big(size, limits.max_file_bytes))
        return
    try:
        digest, head, tail = _fingerprint(path)
    except FileNotFoundError:
        yield Quarantined(source, reasons.MISSING)
        return
    except NotRegularFile as exc:  # replaced by a FIFO or a device since the lstat
        yield Quarantined(source, reasons.not_regular(os_said(exc)))
        return
    except OSError as exc:
        yield Quarantined(source, reasons.unreadable(os_said(exc)))
        return
    # Only the time spent reading this file counts, never the time the caller spends between
    # pages (recognizing them, waiting for a worker): a 60-page file recognized page by page
    # takes minutes and is not slow to read.
    spent = 0.0
    done = 0
    pages = _pages(path, digest, head, tail, limits)
    while True:
        started = time.monotonic()
        item = next(pages, None)
        spent += time.monotonic() - started
        if item is None:
            return
        if isinstance(item, Page):
            item = limits.page_problem(item) or item
            done += 1
        yield item
        if spent > limits.file_seconds:
            pages.close()
            yield Quarantined(source, reasons.file_too_slow(limits.file_seconds, done), digest)
            return


def _pages(path: Path, digest: str, head: bytes, tail: bytes,
           limits: InputLimits) -> Iterator[Page | Quarantined]:
    # The readers are imported here, by the first file read: expanding folders and telling a
    # known file by its SHA-256 need neither pikepdf nor OpenCV.
    from sohoa.scanners.images import read_jpeg, read_png, read_tiff
    from sohoa.scanners.pdfpages import read_pdf

    source = str(path)
    kind = sniff(head)
    try:
        if kind == "pdf":
            yield from read_pdf(path, digest, limits, tail)
        elif kind == "tiff":
            yield from read_tiff(path, digest, limits)
        elif kind == "jpeg":
            yield from (_photo(p) for p in read_jpeg(path, digest, limits))
        elif kind == "png":
            yield from (_photo(p) for p in read_png(path, digest, limits))
        elif kind == "html":
            yield Quarantined(source, reasons.HTML, digest)
        elif kind == "zip":
            yield Quarantined(source, reasons.ZIP, digest)
        else:
            yield Quarantined(source, reasons.NOT_IMAGE, digest)
    except RecursionError:
        # qpdf and pikepdf walk a page tree recursively: a tree that lists itself ends here.
        yield Quarantined(source, reasons.PAGE_TREE, digest)
    except (OSError, MemoryError) as exc:
        # The readers turn every known kind of bad content into a reason; what is left here is
        # the file vanishing or the machine running out of memory half-way through.
        reason = reasons.MISSING if isinstance(exc, FileNotFoundError) else reasons.DAMAGED
        yield Quarantined(source, reason, digest)


def _photo(item: Page | Quarantined) -> Page | Quarantined:
    """A phone photo of a sheet becomes the flattened sheet (``photo.photo_page``)."""
    from sohoa.scanners.photo import photo_page

    return photo_page(item) if isinstance(item, Page) else item


def sniff(head: bytes) -> str | None:
    """The file type from its first bytes: the extension a scanner or a user chose may lie.

    A web page saved under a ``.pdf`` name may well mention ``%PDF-`` in its first kilobyte
    (a download page, a viewer's script): it is HTML, and the clerk is told so rather than
    that a PDF is broken."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(_HTML) or (start.startswith(b"<") and b"<html" in start):
        return "html"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if b"%PDF-" in head[:_HEAD]:
        return "pdf"
    return None


def _fingerprint(path: Path) -> tuple[str, bytes, bytes]:
    """SHA-256 of the whole file, read in chunks, with its first and last kilobyte."""
    sha = hashlib.sha256()
    head = b""
    tail = b""
    with os.fdopen(open_regular(path), "rb") as f:
        while chunk := f.read(1 << 20):
            if not head:
                head = chunk[:_HEAD]
            sha.update(chunk)
            tail = (tail + chunk)[-_TAIL:]
    return sha.hexdigest(), head, tail
