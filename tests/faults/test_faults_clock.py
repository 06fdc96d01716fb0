"""A worker's wall clock stepping forward and back, against a real (private) Redis.

Defined outcome: the queue's heartbeats are stamped on the broker's clock (Redis TIME, carried
forward by each process's monotonic clock), so a worker whose wall clock steps neither looks dead
to the others (its unacknowledged messages handed to another worker while it works them) nor
sees the live others as dead (theirs redone). dramatiq stamps them with each worker's
``time.time()``: a two-hour step showed as a heartbeat two hours off.

Not forced through libfaketime on a `sohoa worker` process: Debian bookworm's faketime 0.9.10
breaks Python 3.11 itself — with FAKETIME_DONT_FAKE_MONOTONIC (a real clock step leaves the
monotonic clock alone) ``time.sleep`` fails with EINVAL, and without it ``threading.Event.wait``
never returns. So the step is made on this process's wall clock as Python and dramatiq read it, and
every stamp is read back from Redis."""

from __future__ import annotations

import time
from pathlib import Path

import dramatiq.common
import pytest
import redis
from dramatiq.brokers.redis import RedisBroker

from sohoa.pipeline.queue.broker import SharedClockRedisBroker

STEP_S = 7200.0


def _stamp_and_read(broker: RedisBroker, client: redis.Redis) -> float:
    """One broker command (it stamps this broker's heartbeat); the stamp's distance in seconds
    from the broker's clock."""
    broker.do_purge("fault-clock")
    score = client.zscore(f"{broker.namespace}:__heartbeats__", broker.broker_id)
    assert score is not None
    seconds, micros = client.time()
    return (score - (seconds * 1000 + micros / 1000)) / 1000


@pytest.mark.parametrize("step", [STEP_S, -STEP_S], ids=["forward", "back"])
def test_heartbeats_stay_on_the_brokers_clock_when_the_wall_clock_steps(
        own_redis: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, step: float) -> None:
    url, _ = own_redis
    client = redis.Redis.from_url(url)
    broker = SharedClockRedisBroker(url=url, namespace="fault-clock", heartbeat_timeout=10_000)
    try:
        assert abs(_stamp_and_read(broker, client)) < 2
        real = time.time
        # the wall clock as this process reads it, and as dramatiq reads it (bound at import)
        monkeypatch.setattr(time, "time", lambda: real() + step)
        monkeypatch.setattr(dramatiq.common, "time", time.time)
        assert abs(dramatiq.common.current_millis() / 1000 - real() - step) < 1
        assert abs(_stamp_and_read(broker, client)) < 2
        # The yardstick: dramatiq's own broker stamps the stepped wall clock.
        plain = RedisBroker(url=url, namespace="fault-clock", heartbeat_timeout=10_000)
        try:
            assert abs(_stamp_and_read(plain, client) - step) < 2
        finally:
            plain.close()
    finally:
        broker.close()
        client.close()
