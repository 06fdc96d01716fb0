"""What ``sohoa status`` shows of the work queue, from any machine."""

from __future__ import annotations

from typing import Any

from sohoa.pipeline.jobboard import JobBoard
from sohoa.pipeline.queue.broker import (
    CONSUMERS,
    DOCUMENTS_QUEUE,
    NAMESPACE,
    PAGES_QUEUE,
    broker_millis,
    connect,
)
from sohoa.pipeline.settings import Settings


def queue_status(settings: Settings, jobs: int = 5) -> dict[str, Any]:
    """Queue lengths, live workers and the recent jobs, from the broker (any machine)."""
    url = settings.broker
    client = connect(url)
    ns = NAMESPACE
    queues = {}
    for name in (PAGES_QUEUE, DOCUMENTS_QUEUE):
        # The broker keeps every unacknowledged message in ``.msgs`` and the ids not yet
        # fetched in the list: the ones in progress are the difference, read in one round trip
        # so the figures are disjoint ("13 đang chờ, 15 đang xử lý hoặc chờ" read as 28 pages
        # of work for 15, tester14 F8).
        pipe = client.pipeline(transaction=True)
        pipe.llen(f"{ns}:{name}")
        pipe.hlen(f"{ns}:{name}.msgs")
        pipe.hlen(f"{ns}:{name}.DQ.msgs")
        pipe.zcard(f"{ns}:{name}.XQ")
        waiting, unacked, retrying, dead = (int(v) for v in pipe.execute())
        queues[name] = {"waiting": waiting, "in_progress": max(0, unacked - waiting),
                        "retrying": retrying, "dead_lettered": dead}
    now_ms = broker_millis(client)  # fetches are stamped on the broker's clock
    # Workers, not every broker with a heartbeat: a desk that just enqueued has one too.
    alive = client.zcount(CONSUMERS, now_ms - settings.queue_heartbeat_s * 1000, "+inf")
    return {"broker": url, "workers": alive, "queues": queues,
            "jobs": JobBoard(client).recent(jobs)}
