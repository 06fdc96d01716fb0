"""The broker: Redis, dramatiq's RedisBroker and the middleware every sohoa message runs under."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import TimeLimit, default_middleware

from sohoa.errors import ConfigError
from sohoa.pipeline.jobboard import JobBoard
from sohoa.pipeline.queue.policy import GiveUpPolicy
from sohoa.pipeline.settings import Settings

PAGES_QUEUE = "sohoa-pages"
DOCUMENTS_QUEUE = "sohoa-documents"
NAMESPACE = "sohoa-dramatiq"
# Brokers that fetched (workers), by their last fetch on the broker's clock; kept a day.
CONSUMERS = f"{NAMESPACE}:sohoa-consumers"
CONSUMERS_KEPT_MS = 24 * 3600 * 1000
# Chance per million broker commands that a worker looks for dead workers and puts their
# unacknowledged messages back (dramatiq's default, 1000, would leave a killed worker's page
# waiting for minutes at a few polls a second; the look is two cheap commands per dead worker).
MAINTENANCE_CHANCE = 100_000
# An idle consumer polls Redis with a backoff that grows to this (dramatiq's default is 1 s):
# each hand-over between stages (last page → split → dossiers → close) waits up to this long.
IDLE_POLL_MS = 250
# How often a worker sets its broker clock by the Redis server's TIME again (in between it
# counts on its own monotonic clock, which a step of the wall clock does not move).
CLOCK_RESYNC_S = 60.0


def check_broker_url(url: str) -> str:
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"địa chỉ hàng đợi (broker) {url!r}: hàng đợi công việc của sohoa "
                          "chạy trên Redis; hãy ghi redis://host:6379/0 (hoặc để trống broker "
                          "để xử lý ngay trong tiến trình)")
    return url


def connect(url: str) -> redis.Redis:
    """A client for the broker's Redis, once it has answered (ConfigError if it does not)."""
    client = redis.Redis.from_url(check_broker_url(url), socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ConfigError(f"hàng đợi (broker) {url} không trả lời ({exc}): khởi động Redis ở "
                          "đó, sửa broker trong sohoa.toml (SOHOA_BROKER), hoặc để trống để "
                          "xử lý ngay trong tiến trình này") from exc
    return client


def broker_millis(client: redis.Redis) -> int:
    """Now, in milliseconds, on the Redis server's clock: the one clock every worker shares."""
    seconds, micros = client.time()
    return int(seconds) * 1000 + int(micros) // 1000


class BrokerClock:
    """Milliseconds on the broker's clock, carried forward by this process's monotonic clock.

    dramatiq stamps each worker's heartbeat with that worker's wall clock, and every worker
    declares dead (and hands its unacknowledged messages to others) a worker whose stamp is
    ``heartbeat_timeout`` older than its *own* wall clock. So one machine's clock stepping
    forward made every other live worker look dead to it, and stepping back made it look dead to
    the others: live messages redone. Anchored on Redis's TIME and moved by ``time.monotonic``,
    every stamp is on one clock that a step of any worker's wall clock does not touch."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._anchor: tuple[int, float] | None = None  # (broker ms, monotonic s) read together

    def millis(self) -> int:
        now = time.monotonic()
        anchor = self._anchor
        if anchor is None or now - anchor[1] > CLOCK_RESYNC_S:
            with self._lock:
                before = time.monotonic()
                broker_ms = broker_millis(self._client)
                # the server read its clock somewhere inside the round trip: take the middle
                anchor = self._anchor = (broker_ms, (before + time.monotonic()) / 2)
            now = time.monotonic()
        return int(anchor[0] + (now - anchor[1]) * 1000)


class SharedClockRedisBroker(RedisBroker):
    """dramatiq's RedisBroker with every dispatch stamped on :class:`BrokerClock` instead of
    the worker's wall clock (heartbeats, dead-worker detection, dead-letter ages)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = BrokerClock(self.client)

    def _dispatch(self, command: str) -> Callable[..., Any]:
        # dramatiq's own _dispatch (dramatiq 2.x, pinned in requirements/lock.txt) with
        # current_millis() replaced: the script's arguments are dramatiq's, in its order.
        dispatch = self.scripts["dispatch"]
        keys = [self.namespace]

        def do_dispatch(queue_name: str, *args: Any) -> Any:
            now = self.clock.millis()
            if command == "fetch":
                self.seen_consuming(now)
            return dispatch(args=[command, now, queue_name, self.broker_id,
                                  self.heartbeat_timeout, self.dead_message_ttl,
                                  self._should_do_maintenance(command),
                                  self._max_unpack_size(), *args], keys=keys)

        return do_dispatch

    def seen_consuming(self, now_ms: int) -> None:
        """Stamp this broker as a consumer (``CONSUMERS``). dramatiq's heartbeat set counts
        every broker that sends a command, so a desk that only enqueued (``sohoa ingest`` with
        a broker, the web's retry) looked like a live worker to ``sohoa status`` for
        ``queue.heartbeat_s``; only a worker fetches. A worker keeps fetching while it works
        (each queue has its own consumer), which is also what keeps dramatiq's heartbeat."""
        with self.client.pipeline(transaction=False) as pipe:
            pipe.zadd(CONSUMERS, {self.broker_id: now_ms})
            pipe.zremrangebyscore(CONSUMERS, 0, now_ms - CONSUMERS_KEPT_MS)
            pipe.execute()


def make_broker(settings: Settings, board: JobBoard, counted: Mapping[str, str]) -> RedisBroker:
    """dramatiq's default middleware (Retries, TimeLimit, …) and sohoa's give-up policy.
    TimeLimit looks at the clock ten times a second instead of once, so that a limit of a few
    seconds is kept to within 0.1 s."""
    middleware = [TimeLimit(interval=100) if m is TimeLimit else m()
                  for m in default_middleware]
    broker = SharedClockRedisBroker(url=settings.broker, namespace=NAMESPACE,
                                    middleware=middleware,
                                    heartbeat_timeout=int(settings.queue_heartbeat_s * 1000),
                                    maintenance_chance=MAINTENANCE_CHANCE)
    broker.add_middleware(GiveUpPolicy(board, counted))
    return broker
