"""What ``sohoa status`` shows of the work queue, from any machine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import redis

from sohoa.pipeline.jobboard import FAILED, TTL_S, JobBoard
from sohoa.pipeline.queue.broker import (
    CONSUMERS,
    DOCUMENTS_QUEUE,
    NAMESPACE,
    PAGES_QUEUE,
    broker_millis,
    connect,
)
from sohoa.pipeline.queue.follower import LOST
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


def lost_on_board(url: str, jobs: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    """What the job board says of the catalog's running queue jobs (``jobs`` as
    ``Archive.jobs`` gives them): job id → (status, reason as shown) for each one the board
    no longer runs: "failed" when its close gave up (the board keeps the reason), "interrupted"
    when the board lost it — started before this Redis started (a restart without persistence
    took its messages and board) or older than the board's keys live. A job that is not on the
    board yet but started after Redis did is still being read by its desk: left running. Empty
    when Redis does not answer (nothing can be told)."""
    queued = [j for j in jobs if j["status"] == "running" and j.get("heartbeat_at") is None]
    if not queued:
        return {}
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        now_s = broker_millis(client) / 1000
        # Redis gives its uptime in whole seconds: its start is known to within one, and a
        # job started in that second is not judged lost (it may be a desk still reading)
        redis_started = now_s - float(client.info("server")["uptime_in_seconds"]) - 1.0
        board = JobBoard(client)
        found = {j["job_id"]: board.info(j["job_id"]) for j in queued}
    except (redis.RedisError, OSError, ValueError, KeyError):
        return {}
    verdicts: dict[str, tuple[str, str]] = {}
    for job in queued:
        info = found[job["job_id"]]
        if info.get("status") == FAILED:
            verdicts[job["job_id"]] = ("failed", str(info.get("error") or ""))
        elif not info:
            started = _epoch(job["started_at"])
            if started is not None and (started < redis_started or now_s - started > TTL_S):
                verdicts[job["job_id"]] = ("interrupted", f"công việc {LOST}")
    return verdicts


def _epoch(moment: str | None) -> float | None:
    if not moment:
        return None
    at = datetime.fromisoformat(moment)
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()
