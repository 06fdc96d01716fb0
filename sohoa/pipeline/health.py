"""What ``sohoa status`` shows of the archive while some of it may be down: each service
family with its own state, and every figure that the families still up can give.

The operator's diagnostic is what is needed during an outage (tester14 F5: with S3 down,
``status`` printed only the S3 error): the catalog's counts need neither the blob store nor the
search index, and the work queue's figures come from Redis alone."""

from __future__ import annotations

from typing import Any

from sohoa.archive import Archive
from sohoa.archive.unreachable import FAMILIES, IndexUnavailable
from sohoa.archive.urls import safe_display
from sohoa.errors import ConfigError, StorageError
from sohoa.pipeline.outcomes import IngestSummary
from sohoa.pipeline.settings import Settings

CATALOG, BROKER = "db", "broker"


def archive_status(settings: Settings) -> dict[str, Any]:
    """``stats`` (the catalog's counts, None when the catalog does not answer),
    ``review_waiting`` (what ``sohoa review`` lists), ``queue`` (``queue_status``, None without
    a broker or when Redis does not answer) and ``down``: family (db, blobs, search, broker) →
    why it does not answer."""
    from sohoa.pipeline.review import pending
    from sohoa.pipeline.services import open_archive

    down: dict[str, str] = {}
    stats: dict[str, int] | None = None
    waiting: int | None = None
    try:
        with open_archive(settings, optional=FAMILIES, probe=True) as archive:
            stats = archive.stats()
            down.update(archive.unavailable)
        waiting = len(pending(settings))
    except StorageError as exc:  # the catalog itself (the other families are optional)
        down[CATALOG] = str(exc)
    queue = None
    if settings.broker:
        import redis

        from sohoa.pipeline.queue.status import queue_status

        try:
            queue = queue_status(settings)
        except (ConfigError, redis.RedisError) as exc:
            down[BROKER] = str(exc)
    return {"stats": stats, "review_waiting": waiting, "queue": queue, "down": down}


def index_in_step(archive: Archive, summary: IngestSummary, search_url: str) -> None:
    """Bring the search index in step at a job's end. When it does not answer, the job is not
    stopped (tester14 F4: a search outage closed every desk of the province): the documents
    are in the catalog and the outbox keeps their changes until the index answers again (the
    next job, search or worker's store drains it), so the summary counts the papers waiting for
    it and says why (``search_waiting``, ``search_problem``); only a search refuses meanwhile.
    Any other failure still stops the job."""
    try:
        archive.sync_index()
    except IndexUnavailable:
        summary.search_waiting = archive.search_pending()
        summary.search_problem = index_behind(summary.search_waiting, search_url)


def index_behind(waiting: int, search_url: str) -> str:
    """What the clerk reads when the index is behind: nothing was lost, nothing is to be done."""
    return (f"chỉ mục tìm kiếm chưa cập nhật ({waiting} giấy tờ chờ đưa vào chỉ mục): "
            f"{safe_display(search_url)} không trả lời. Giấy tờ đã lưu an toàn trong kho; chỉ "
            "mục sẽ bắt kịp khi nó trả lời lại (ở lần nhận hoặc lần tìm kiếm sau), trong lúc "
            "chờ `sohoa search` chưa tìm được các giấy tờ này")
