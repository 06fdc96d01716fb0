"""A job's state in the catalog: while this process runs it, a heartbeat and the reason it
stopped when an environment error stops it; for ``sohoa jobs``, the recent jobs as shown.

A job stopped with exit 2 (a store down, a key refused, the machine out of memory) is marked
failed at once with the Vietnamese reason, so ``sohoa jobs`` and the web's jobs page say so
instead of "running" until the next ingest. When the catalog itself is what failed, or the
process is killed with no chance to write (SIGKILL, the OOM killer), the heartbeat it stops
stamping (``jobs.HEARTBEAT_S``) goes stale and the job is shown as interrupted."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sohoa.archive import Archive
from sohoa.archive.jobs import HEARTBEAT_S
from sohoa.errors import EXIT_USAGE, SohoaError, StorageBusyError
from sohoa.pipeline.settings import Settings

log = logging.getLogger("sohoa.jobs")


def stopped_reason(exc: SohoaError) -> str:
    """What the job page says of a job stopped by ``exc`` (its own words kept)."""
    return (f"lô dừng vì lỗi của máy hoặc môi trường (không phải lỗi của giấy tờ): "
            f"{str(exc).rstrip().rstrip('.')}. "
            "Khắc phục rồi chạy lại đúng lệnh nạp: trang đã đọc không phải đọc lại, tài liệu "
            "đã lưu không lưu hai lần")


def mark_stopped(archive: Archive, job_id: str, exc: BaseException) -> None:
    """Mark a running job failed when ``exc`` is an environment error (exit 2). Best effort:
    the catalog may be what failed; then the stale heartbeat tells."""
    if not (job_id and isinstance(exc, SohoaError) and exc.exit_code == EXIT_USAGE):
        return
    if isinstance(exc, StorageBusyError):
        return  # the catalog is locked: writing would wait out the whole timeout again
    try:
        archive.fail_job(job_id, stopped_reason(exc))
    except Exception as err:  # the catalog itself is down: the heartbeat goes stale
        log.warning("lô %s chưa ghi được trạng thái dừng vào danh mục: %s", job_id, err)


@contextmanager
def job_running(archive: Archive, job_id: Callable[[], str],
                every_s: float = HEARTBEAT_S) -> Iterator[None]:
    """While the block runs, stamp the job's heartbeat every ``every_s`` from a thread;
    when it raises an environment error, mark the job failed with the reason. ``job_id``
    says the job once it is started (empty before)."""
    halt = threading.Event()

    def beat() -> None:
        while not halt.wait(every_s):
            if not job_id():
                continue
            try:
                archive.heartbeat_job(job_id())
            except Exception as err:  # a busy or lost catalog: the next beat tries again
                log.warning("lô %s chưa ghi được tín hiệu đang chạy: %s", job_id(), err)

    thread = threading.Thread(target=beat, name="sohoa-job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    except BaseException as exc:
        mark_stopped(archive, job_id(), exc)
        raise
    finally:
        halt.set()
        thread.join(timeout=every_s + 5)


def mark_lost(settings: Settings, job_id: str) -> None:
    """A queued job whose board Redis lost (``follower.JobGone``) is interrupted, with why:
    nothing will finish it. Best effort, as ``mark_stopped``: ``sohoa jobs`` also shows it so
    from the board (``as_shown``)."""
    from sohoa.archive.unreachable import FAMILIES
    from sohoa.pipeline.queue.follower import LOST
    from sohoa.pipeline.services import open_archive

    try:
        with open_archive(settings, skip=FAMILIES) as archive:
            archive.interrupt_job(job_id, f"công việc {LOST}")
    except Exception as err:  # the catalog down too: the board's absence still tells
        log.warning("lô %s chưa ghi được trạng thái gián đoạn vào danh mục: %s", job_id, err)


def as_shown(settings: Settings, jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The catalog's jobs as the operator must read them: a queued job the board no longer
    runs (Redis lost it, or its close gave up) is not "running" (tester14 F3), whoever looks
    (``sohoa jobs``, the web's jobs page). Without a broker, or with Redis not answering,
    as recorded."""
    if not settings.broker:
        return jobs
    from sohoa.pipeline.queue.status import lost_on_board

    verdicts = lost_on_board(settings.broker, jobs)
    return [{**job, "status": verdicts[job["job_id"]][0], "reason": verdicts[job["job_id"]][1]}
            if job["job_id"] in verdicts else job for job in jobs]


def listed_jobs(archive: Archive, settings: Settings, *, status: str | None = None,
                limit: int = 20) -> list[dict[str, Any]]:
    """The recent jobs, newest first, as shown (:func:`as_shown`), ``status`` as shown."""
    if not settings.broker or status in (None, "running", "finished"):
        jobs = as_shown(settings, archive.jobs(status=status, limit=limit))
        return [j for j in jobs if status is None or j["status"] == status]
    # a job recorded as running may be shown failed or interrupted from the board: the
    # running rows (few) are read whole and merged with those recorded so
    recorded = {j["job_id"]: j for j in archive.jobs(status=status, limit=limit)}
    for job in as_shown(settings, archive.jobs(status="running", limit=1000)):
        if job["status"] == status:
            recorded[job["job_id"]] = job
    return sorted(recorded.values(), key=lambda j: j["started_at"], reverse=True)[:limit]


def recent_jobs(settings: Settings, *, status: str | None = None,
                limit: int = 20) -> list[dict[str, Any]]:
    """``sohoa jobs``: the recent ingest jobs, newest first, as shown (a running job whose
    process is gone is "interrupted", with why; a stopped one "failed", with why; a queued one
    the board lost, "interrupted"). Reads the catalog only: no blob store or index needed
    (tester14 F5)."""
    from sohoa.archive.unreachable import FAMILIES
    from sohoa.pipeline.services import open_archive

    with open_archive(settings, skip=FAMILIES) as archive:
        return listed_jobs(archive, settings, status=status, limit=limit)
