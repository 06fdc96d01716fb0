"""Input files: which ones to read (``expand_inputs``) and their pages (``read_pages``).

``read_pages`` never raises for bad content: a file or page that cannot be used comes out as a
``Quarantined`` record with a reason the desk clerk can act on, and the rest keeps coming.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from sohoa.errors import ConfigError
from sohoa.records import Page, Quarantined
from sohoa.scanners import reasons
from sohoa.scanners.images import read_jpeg, read_png, read_tiff
from sohoa.scanners.limits import InputLimits
from sohoa.scanners.pdfpages import read_pdf

SUPPORTED_SUFFIXES = frozenset({".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png"})
_DIGITS = re.compile(r"(\d+)")
_HEAD = 1024  # PDF allows junk before "%PDF-" within the first 1 KB
_TAIL = 1024  # and after "%%EOF" within the last 1 KB
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
    scanner's ``.tmp`` partials, ``.DS_Store``). A file named explicitly is kept whatever its
    extension, so that a wrong file reaches quarantine with a reason instead of vanishing.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise ConfigError(f"{path} does not exist: check the path and try again")
        files = [path] if not path.is_dir() else _walk(path)
        for file in files:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def _walk(folder: Path) -> list[Path]:
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(Path(root, name))
    return sorted(files, key=lambda f: natural_key(f.relative_to(folder)))


def read_pages(path: Path, limits: InputLimits = DEFAULT_LIMITS) -> Iterator[Page | Quarantined]:
    """Every page of one file, in order, as ``Page`` or ``Quarantined``.

    A problem with the whole file gives exactly one ``Quarantined`` with ``page_index`` None; a
    broken page gives a ``Quarantined`` for that page and the other pages still come. Pages are
    produced one at a time so that a 500-page batch never sits in memory.
    """
    path = Path(path)
    source = str(path)
    try:
        if path.is_dir():
            yield Quarantined(source, reasons.FOLDER)
            return
        size = path.stat().st_size
    except FileNotFoundError:
        yield Quarantined(source, reasons.MISSING)
        return
    except OSError as exc:
        yield Quarantined(source, reasons.unreadable(exc.strerror))
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
    except OSError as exc:
        yield Quarantined(source, reasons.unreadable(exc.strerror))
        return
    kind = sniff(head)
    try:
        if kind == "pdf":
            yield from read_pdf(path, digest, limits, tail)
        elif kind == "tiff":
            yield from read_tiff(path, digest, limits)
        elif kind == "jpeg":
            yield from read_jpeg(path, digest, limits)
        elif kind == "png":
            yield from read_png(path, digest, limits)
        else:
            yield Quarantined(source, reasons.NOT_IMAGE, digest)
    except (OSError, MemoryError, RecursionError) as exc:
        # The readers turn every known kind of bad content into a reason; what is left here is
        # the file vanishing or the machine running out of memory half-way through.
        reason = reasons.MISSING if isinstance(exc, FileNotFoundError) else reasons.DAMAGED
        yield Quarantined(source, reason, digest)


def sniff(head: bytes) -> str | None:
    """The file type from its first bytes: the extension a scanner or a user chose may lie."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if b"%PDF-" in head[:_HEAD]:
        return "pdf"
    return None


def _fingerprint(path: Path) -> tuple[str, bytes, bytes]:
    """SHA-256 of the whole file, read in chunks, with its first and last kilobyte."""
    sha = hashlib.sha256()
    head = b""
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            if not head:
                head = chunk[:_HEAD]
            sha.update(chunk)
            tail = (tail + chunk)[-_TAIL:]
    return sha.hexdigest(), head, tail
