"""What ``sohoa status`` shows of the archive while some of it may be down: each service
family with its own state, and every figure that the families still up can give.

The operator's diagnostic is what is needed during an outage (tester14 F5: with S3 down,
``status`` printed only the S3 error): the catalog's counts need neither the blob store nor the
search index, and the work queue's figures come from Redis alone."""

from __future__ import annotations

from typing import Any

from sohoa.archive.unreachable import FAMILIES
from sohoa.errors import ConfigError, StorageError
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
        with open_archive(settings, optional=FAMILIES) as archive:
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

