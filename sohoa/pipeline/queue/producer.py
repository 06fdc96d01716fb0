"""The producer side: ``sohoa ingest`` / ``watch`` / ``scan`` with a broker."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sohoa.pipeline.jobstate import mark_lost
from sohoa.pipeline.knownfiles import is_placeholder, materialize
from sohoa.pipeline.outcomes import Emit, IngestSummary
from sohoa.pipeline.progress import NoProgress, Progress
from sohoa.pipeline.queue.actors import Queue
from sohoa.pipeline.queue.follower import JobGone, follow_job
from sohoa.pipeline.queue.messages import page_meta
from sohoa.pipeline.services import job_officer, open_archive
from sohoa.pipeline.settings import Settings
from sohoa.pipeline.stages import IngestJob, cached_analysis, open_job
from sohoa.records import Page


def enqueue_ingest(paths: Sequence[Path], settings: Settings, *, unit: str | None = None,
                   duplex: bool = False, emit: Emit = lambda _: None,
                   progress: Progress | None = None, wait: bool = True,
                   retrying: dict[str, Any] | None = None,
                   batch: bool = False, by: str | None = None,
                   after: Page | None = None) -> IngestSummary:
    """Enqueue an ingest job for ``sohoa worker`` processes; with ``wait``, follow it to its
    end, emitting the same events as the in-process ingest. ``retrying``: the quarantine
    entries this job retries (``{"entries": [ids], "by": name}``), which the worker that closes
    the job takes off the list if their file is stored (``quarantinelist.settle``).
    ``batch``: the paths are one scanner batch (``run_ingest``). ``by``: who runs it (else the
    retry's clerk), carried on the job board so the worker's events of the job name them.
    ``after``: the file before's last page with content (``run_ingest``), on the board too."""
    started = time.monotonic()
    queue = Queue(settings)  # an unreachable broker is said before any input is read
    try:
        job = IngestJob.describe(paths, settings, unit, duplex, batch,
                                 by or (retrying or {}).get("by"), after)
        summary = IngestSummary()
        with open_archive(settings) as archive:
            if job.by:
                archive.actor = job.by
            pages = open_job(archive, job, summary, emit)
            # A known file's pages come without images (knownfiles): theirs are in the blob
            # store already, unless they never went into a document (blank backs), and a
            # worker needs one only to analyse the page: one whose analysis is cached is not
            # decoded here either (a known file costs its SHA-256, as in-process).
            missing = [p for p in pages if is_placeholder(p) and not archive.blobs.exists(p.sha256)
                       and cached_analysis(archive, p.sha256) is None]
            # a page that reads back as another image (materialize) goes on as read now
            anew = {(p.source, p.index): p for p in materialize(archive, missing)}
            pages = [anew.get((p.source, p.index), p) for p in pages]
            for page in pages:
                if not is_placeholder(page):
                    archive.blobs.put(page.data)  # page images travel through blobs, not Redis
                if page.text_pdf:  # so does a drawn page's one-page PDF (dropped at the close)
                    archive.blobs.put(page.text_pdf)
        metas = [page_meta(p) for p in pages]
        queue.board.create(summary.job_id, metas, {"files": summary.files,
                                                    "unit": job.unit or None,
                                                    "officer": job_officer(settings),
                                                    **({"by": job.by} if job.by else {}),
                                                    "quarantined": summary.quarantined,
                                                    **({"batch": True} if job.batch else {}),
                                                    **({"after": page_meta(job.after)}
                                                       if job.after else {}),
                                                    **({"retrying": retrying}
                                                       if retrying else {})})
        for position, meta in enumerate(metas):
            queue.analyze.send(summary.job_id, position, meta)
        if not metas:
            queue.split.send(summary.job_id)
        if not wait:
            summary.seconds = round(time.monotonic() - started, 2)
            return summary
        try:
            return follow_job(queue.board, summary, emit, progress or NoProgress(), started)
        except JobGone:
            # The catalog's row must not say "running" forever (tester14 F3): nothing will
            # finish the job, and this follower is the one that knows.
            mark_lost(settings, summary.job_id)
            raise
    finally:
        queue.close()
