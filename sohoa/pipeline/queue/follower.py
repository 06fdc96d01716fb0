"""Following a queued job from the desk: progress, and each outcome as the workers report it."""

from __future__ import annotations

import time
from typing import Any

from sohoa.errors import StorageError
from sohoa.pipeline.jobboard import FAILED, FINISHED, JobBoard
from sohoa.pipeline.outcomes import Emit, IngestSummary, quarantine_event
from sohoa.pipeline.progress import Progress
from sohoa.records import Quarantined

POLL_S = 0.5


def follow_job(board: JobBoard, summary: IngestSummary, emit: Emit, progress: Progress,
               started: float, poll_s: float = POLL_S) -> IngestSummary:
    """Wait for a queued job, advancing ``progress`` and emitting each page quarantined and
    each document stored as the workers report them; the counts are the job's own (counted
    once, by close_job, from the same events)."""
    job_id = summary.job_id
    progress.start(summary.pages)
    shown_pages = 0
    shown_failed: set[int] = set()
    shown_dossiers: set[int] = set()
    metas: list[dict[str, Any]] | None = None
    while True:
        snap = board.snapshot(job_id)
        accounted = snap["pages_done"] + snap["pages_failed"]
        if accounted > shown_pages:
            progress.advance(accounted - shown_pages)
            shown_pages = accounted
        if snap["pages_failed"] > len(shown_failed):
            metas = metas if metas is not None else board.pages(job_id)
            for position, reason in sorted(board.failed(job_id).items()):
                if position not in shown_failed:
                    shown_failed.add(position)
                    meta = metas[position]
                    emit(quarantine_event(Quarantined(meta["source"], reason,
                                                      meta["source_sha256"], meta["index"])))
        if snap["dossiers_done"] > len(shown_dossiers):
            for number, events in sorted(board.results(job_id).items()):
                if number not in shown_dossiers:
                    shown_dossiers.add(number)
                    for event in events:
                        emit(event)
        if snap["status"] == FINISHED:
            break
        if snap["status"] == FAILED:
            raise StorageError(
                f"job {job_id}: {snap['error']}. Documents stored so far are kept; run the "
                "same command again to finish the job (pages already read are not read again)")
        time.sleep(poll_s)
    done = snap["summary"] or {}
    for key in ("blank_pages", "dossiers", "stored", "duplicates", "quarantined", "needs_review"):
        setattr(summary, key, int(done.get(key, 0)))
    summary.document_ids = list(done.get("document_ids", []))
    summary.seconds = round(time.monotonic() - started, 2)
    return summary
