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
        queues[name] = {"waiting": client.llen(f"{ns}:{name}"),
                        "in_progress_or_waiting": client.hlen(f"{ns}:{name}.msgs"),
                        "retrying": client.hlen(f"{ns}:{name}.DQ.msgs"),
                        "dead_lettered": client.zcard(f"{ns}:{name}.XQ")}
    now_ms = broker_millis(client)  # fetches are stamped on the broker's clock
    # Workers, not every broker with a heartbeat: a desk that just enqueued has one too.
    alive = client.zcount(CONSUMERS, now_ms - settings.queue_heartbeat_s * 1000, "+inf")
    return {"broker": url, "workers": alive, "queues": queues,
            "jobs": JobBoard(client).recent(jobs)}
