"""Known input files: the same bytes given again are recognized before any page is decoded.

A file is *known* once every one of its pages went into stored dossiers and nothing of it was
quarantined in that job (``Archive.remember_input``, keyed by the file's SHA-256, with each
page's SHA-256, type, size and resolution). Given again — the same command after an
interruption, the same scan dropped twice — it is hashed, looked up, and its pages come back
as *placeholders*: ``Page`` records with every field but the image (``data`` is empty). Their
analyses are in the stage cache, so grouping them into dossiers gives the same documents as
before, and those are found stored by their keys: no page is decoded, rendered or recognized.

A placeholder whose image is needed after all (a document that is not stored yet, because the
classifier or the neighbouring files changed; an analysis missing from the cache) gets it back
from the blob store, where every stored page image is, or by reading its file again.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from sohoa.archive import Archive
from sohoa.errors import WorkflowError
from sohoa.records import Page
from sohoa.scanners import read_pages
from sohoa.scanners.entries import open_regular

_FIELDS = ("sha256", "mime", "width", "height", "dpi", "rendered", "converted", "born_digital",
           "drawn")
_DEFAULTS = {f.name: f.default for f in fields(Page)}


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of the file's bytes (as ``read_pages`` computes it), None when it cannot be
    read: reading it then quarantines it with the reason. Opened as ``read_pages`` opens it
    (non-blocking, then checked to be a regular file): an entry swapped for a FIFO after the
    caller's ``lstat`` would otherwise block the ingest forever."""
    sha = hashlib.sha256()
    try:
        with os.fdopen(open_regular(Path(path)), "rb") as f:
            while chunk := f.read(1 << 20):
                sha.update(chunk)
    except OSError:
        return None
    return sha.hexdigest()


def is_placeholder(page: Page) -> bool:
    return not page.data


def page_entry(page: Page) -> dict[str, Any]:
    return {name: getattr(page, name) for name in _FIELDS}


def placeholders(path: Path, sha256: str, entries: Sequence[dict[str, Any]]) -> list[Page]:
    """The pages of a known file, without their images."""
    return [Page(source=str(path), index=i, source_sha256=sha256, data=b"",
                 **{name: entry.get(name, _DEFAULTS[name]) for name in _FIELDS})
            for i, entry in enumerate(entries)]


def materialize(archive: Archive, pages: Sequence[Page]) -> list[Page]:
    """The pages with their images: placeholders filled from the blob store, else by reading
    their file again (only the pages asked for are kept).

    A page whose file no longer reads back as the image remembered (its blob is gone — blank
    backs are never stored, disposal removes blobs — and the PDF renderer's output changed
    after an upgrade) comes back as read now, with its new SHA-256, and the file is no longer
    known: it is read as a new file from then on (the documents stored from it stay as they
    are). Keeping it known would stop every later job that includes it."""
    out = list(pages)
    missing: dict[str, list[int]] = defaultdict(list)
    for i, page in enumerate(out):
        if not is_placeholder(page):
            continue
        if archive.blobs.exists(page.sha256):
            out[i] = replace(page, data=archive.blobs.get(page.sha256))
        else:
            missing[page.source].append(i)
    for source, positions in missing.items():
        read = {item.index: item for item in read_pages(Path(source)) if isinstance(item, Page)}
        for i in positions:
            now = read.get(out[i].index)
            if now is not None and now.sha256 == out[i].sha256:
                out[i] = replace(out[i], data=now.data)
                continue
            archive.forget_input(out[i].source_sha256)
            if now is None or now.source_sha256 != out[i].source_sha256:
                # the file itself changed or the page no longer reads at all: the next job
                # reads it as new and says what is wrong with it
                raise WorkflowError(
                    f"{source}: trang {out[i].index + 1} không còn đọc được như lần trước "
                    "(tệp đã đổi); chạy lại lệnh này, tệp sẽ được đọc như một tệp mới")
            out[i] = now
    return out


class FileTracker:
    """Which input files are finished: every page in a stored dossier. The in-process
    executor reports each stored dossier's pages; a file whose last page went is remembered
    at once, so an ingest interrupted later still finds it known."""

    def __init__(self, archive: Archive, job_id: str, pages: Sequence[Page]) -> None:
        self.archive, self.job_id = archive, job_id
        self.entries: dict[str, tuple[str, list[Page]]] = {}
        self.left: dict[str, set[int]] = {}
        for page in pages:
            if is_placeholder(page):
                continue  # known already
            self.entries.setdefault(page.source, (page.source_sha256, []))[1].append(page)
            self.left.setdefault(page.source, set()).add(page.index)

    def done(self, pages: Iterable[Page]) -> None:
        """These pages are in stored dossiers now."""
        for page in pages:
            left = self.left.get(page.source)
            if left is None:
                continue
            left.discard(page.index)
            if not left:
                del self.left[page.source]
                self._remember(page.source)

    def _remember(self, source: str) -> None:
        sha, listed = self.entries[source]
        self.archive.remember_input(self.job_id, sha, remembered(listed))


def remember_files(archive: Archive, job_id: str, pages: Sequence[Page], *,
                   with_images: bool = True) -> None:
    """At the end of a job (both executors): every input file it read is finished — each page
    is in a stored dossier or quarantined, and ``remember_input`` refuses files with any
    quarantined part. Files known already are written again unchanged."""
    by_file: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        by_file[page.source_sha256].append(page)
    for sha, listed in by_file.items():
        # Forgotten during this job (``materialize``): its placeholders are stale. Only where
        # pages carry their images (in-process); the queue's close rebuilds every page from
        # the board without its image, and those pages are what was processed.
        if (with_images and all(is_placeholder(p) for p in listed)
                and archive.known_input(sha) is None):
            continue
        archive.remember_input(job_id, sha, remembered(listed))


def remembered(pages: Sequence[Page]) -> list[dict[str, Any]]:
    """A file's page list as it is remembered, in page order; empty when pages are missing
    (a page quarantined at reading leaves a gap: the file is not known)."""
    ordered = sorted(pages, key=lambda p: p.index)
    if [p.index for p in ordered] != list(range(len(ordered))):
        return []
    return [page_entry(p) for p in ordered]
