"""The broker: Redis, dramatiq's RedisBroker and the middleware every sohoa message runs under."""

from __future__ import annotations

from collections.abc import Mapping

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
# Chance per million broker commands that a worker looks for dead workers and puts their
# unacknowledged messages back (dramatiq's default, 1000, would leave a killed worker's page
# waiting for minutes at a few polls a second; the look is two cheap commands per dead worker).
MAINTENANCE_CHANCE = 100_000
# An idle consumer polls Redis with a backoff that grows to this (dramatiq's default is 1 s):
# each hand-over between stages (last page → split → dossiers → close) waits up to this long.
IDLE_POLL_MS = 250


def check_broker_url(url: str) -> str:
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"broker URL {url!r}: sohoa's work queue runs on Redis; give "
                          "redis://host:6379/0 (or leave broker empty for in-process workers)")
    return url


def connect(url: str) -> redis.Redis:
    """A client for the broker's Redis, once it has answered (ConfigError if it does not)."""
    client = redis.Redis.from_url(check_broker_url(url), socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ConfigError(f"the broker {url} does not answer ({exc}): start Redis there, fix "
                          "broker in sohoa.toml (SOHOA_BROKER), or leave it empty to work "
                          "in-process") from exc
    return client


def make_broker(settings: Settings, board: JobBoard, counted: Mapping[str, str]) -> RedisBroker:
    """dramatiq's default middleware (Retries, TimeLimit, …) and sohoa's give-up policy.
    TimeLimit looks at the clock ten times a second instead of once, so that a limit of a few
    seconds is kept to within 0.1 s."""
    middleware = [TimeLimit(interval=100) if m is TimeLimit else m()
                  for m in default_middleware]
    broker = RedisBroker(url=settings.broker, namespace=NAMESPACE, middleware=middleware,
                         heartbeat_timeout=int(settings.queue_heartbeat_s * 1000),
                         maintenance_chance=MAINTENANCE_CHANCE)
    broker.add_middleware(GiveUpPolicy(board, counted))
    return broker
