"""Following a queued job from the desk: progress, and each outcome as the workers report it."""

from __future__ import annotations

import time
from typing import Any

import redis

from sohoa.errors import StorageError
from sohoa.pipeline.jobboard import FAILED, FINISHED, JobBoard
from sohoa.pipeline.outcomes import Emit, IngestSummary, quarantine_event
from sohoa.pipeline.progress import Progress
from sohoa.pipeline.queue.messages import page_from
from sohoa.records import Quarantined

POLL_S = 0.5
OUTAGE_S = 120.0  # how long a follower waits for Redis to come back before it stops


# Why a queued job will never finish: its messages and board went with Redis' memory. Said
# by the follower that finds it gone, and kept as the job's reason in the catalog.
LOST = ("không còn trên Redis (máy chủ hàng đợi vừa khởi động lại và mất dữ liệu?): không "
        "tiến trình xử lý nào làm tiếp. Tài liệu đã lưu vẫn còn; chạy lại đúng lệnh nạp để làm "
        "tiếp (trang đã đọc không phải đọc lại, tài liệu đã lưu không lưu hai lần)")


class JobGone(StorageError):
    """The job is no longer on the board (exit 2): nothing will finish it."""


def follow_job(board: JobBoard, summary: IngestSummary, emit: Emit, progress: Progress,
               started: float, poll_s: float = POLL_S,
               outage_s: float = OUTAGE_S) -> IngestSummary:
    """Wait for a queued job, advancing ``progress`` and emitting each page quarantined and
    each document stored as the workers report them; the counts are the job's own (counted
    once, by close_job, from the same events)."""
    job_id = summary.job_id
    progress.start(summary.pages)
    shown_pages = 0
    shown_failed: set[int] = set()
    shown_dossiers: set[int] = set()
    metas: list[dict[str, Any]] | None = None
    outage_since: float | None = None
    while True:
        try:
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
                                                          meta["source_sha256"],
                                                          meta["index"])))
            if snap["dossiers_done"] > len(shown_dossiers):
                for number, events in sorted(board.results(job_id).items()):
                    if number not in shown_dossiers:
                        shown_dossiers.add(number)
                        for event in events:
                            emit(event)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            # Redis restarting: the workers and the job board come back with it (the board
            # is in Redis' own file), so wait for it a while before giving up with the reason.
            now = time.monotonic()
            outage_since = outage_since or now
            if now - outage_since > outage_s:
                raise StorageError(
                    f"Mất kết nối tới Redis (hàng đợi) quá {outage_s:.0f} giây: {exc}. Công "
                    f"việc {job_id} vẫn được các máy xử lý giữ khi Redis chạy lại; theo dõi bằng "
                    "`sohoa status`, hoặc chạy lại đúng lệnh này (trang đã đọc không phải đọc "
                    "lại, tài liệu đã lưu không lưu hai lần)") from exc
            time.sleep(poll_s)
            continue
        outage_since = None
        if snap["status"] == FINISHED:
            break
        if snap["status"] == "unknown":
            # Redis came back empty (restarted without persistence, or flushed): the job's
            # messages and board are gone, so nobody will finish it.
            raise JobGone(f"công việc {job_id} {LOST}")
        if snap["status"] == FAILED:
            raise StorageError(
                f"công việc {job_id} dừng: {snap['error']}. Tài liệu đã lưu vẫn còn; khắc phục "
                "nguyên nhân rồi chạy lại đúng lệnh này để làm tiếp (trang đã đọc không phải đọc "
                "lại, tài liệu đã lưu không lưu hai lần)")
        time.sleep(poll_s)
    done = snap["summary"] or {}
    for key in ("blank_pages", "dossiers", "stored", "duplicates", "quarantined", "needs_review",
                "program_errors", "search_waiting"):
        setattr(summary, key, int(done.get(key, 0)))
    summary.search_problem = str(done.get("search_problem") or "")
    summary.document_ids = list(done.get("document_ids", []))
    last = board.info(job_id).get("last_content")
    summary.last_content = page_from(last) if isinstance(last, dict) else None
    summary.seconds = round(time.monotonic() - started, 2)
    return summary
