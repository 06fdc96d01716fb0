"""A worker's wall clock stepping forward and back, against a real (private) Redis.

Defined outcome: the queue's heartbeats are stamped on the broker's clock (Redis TIME, carried
forward by each process's monotonic clock), so a worker whose wall clock steps neither looks dead
to the others (its unacknowledged messages handed to another worker while it works them) nor
sees the live others as dead (theirs redone). dramatiq stamps them with each worker's
``time.time()``: a two-hour step showed as a heartbeat two hours off.

The step is made for real on a running `sohoa worker` process: ``stepclock.c`` (built here with
gcc, loaded with LD_PRELOAD) adds to CLOCK_REALTIME, gettimeofday and time the seconds a file
holds, read on each call, so writing the file steps the worker's wall clock while it runs; the
monotonic clocks, sleeps and timed waits stay untouched, as with a real step of the system clock
(which a test may not make on a shared machine, and a time namespace cannot: CLONE_NEWTIME shifts
only the monotonic and boot clocks). libfaketime is not used: Debian bookworm's 0.9.10 breaks
Python 3.11 itself — with FAKETIME_DONT_FAKE_MONOTONIC ``time.sleep`` fails with EINVAL, and
without it ``threading.Event.wait`` never returns. The in-process test below steps this
process's clock as Python and dramatiq read it; both read every stamp back from Redis."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dramatiq.common
import pytest
import redis
from dramatiq.brokers.redis import RedisBroker
from faults_helpers import kill_all, processes_of, run_sohoa, signal_groups, start_sohoa, wait_for
from private_servers import Server

from sohoa.pipeline.queue.broker import NAMESPACE, SharedClockRedisBroker

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
        own_redis: tuple[Server, str], monkeypatch: pytest.MonkeyPatch, step: float) -> None:
    _, url = own_redis
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


@pytest.fixture(scope="session")
def stepclock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``stepclock.so``: an LD_PRELOAD library that adds to the wall clock of a process tree
    the seconds written in the file ``STEPCLOCK_FILE`` names, read again on each call (so a
    test steps the clock of a running process), and leaves monotonic clocks, sleeps and timed
    waits alone, as a real step of the system clock does."""
    library = tmp_path_factory.mktemp("stepclock") / "stepclock.so"
    built = subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", str(library),
                            str(Path(__file__).with_name("stepclock.c")), "-ldl"],
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, f"gcc (make install installs it): {built.stderr}"
    return library


def test_a_real_worker_whose_wall_clock_steps_keeps_beating_on_the_brokers_clock(
        tmp_path: Path, home: Path, own_redis: tuple[Server, str], stepclock: Path) -> None:
    """A `sohoa worker` process whose wall clock steps two hours forward and then back while
    it runs: every heartbeat it stamps stays on the broker's clock, and `sohoa status` (on a
    machine whose clock did not step) still counts it alive."""
    _, url = own_redis
    offset = tmp_path / "offset"
    offset.write_text("0")
    stepped = {"LD_PRELOAD": str(stepclock), "STEPCLOCK_FILE": str(offset)}
    env = {"SOHOA_BROKER": url, "SOHOA_QUEUE_HEARTBEAT_S": "10"}
    client = redis.Redis.from_url(url)
    key = f"{NAMESPACE}:__heartbeats__"

    def broker_ms() -> float:
        seconds, micros = client.time()
        return seconds * 1000 + micros / 1000

    def beating_since(since: float) -> bool:
        return bool(client.zrangebyscore(key, since, "+inf"))

    worker = start_sohoa(home, "worker", "--processes", "1", log=tmp_path / "worker.log",
                         **env, **stepped)
    try:
        wait_for(lambda: beating_since(broker_ms() - 2000), 120, "the worker's heartbeat")
        for step in (STEP_S, -STEP_S):
            offset.write_text(str(step))
            # The yardstick: a process of the same Python under the same clock reads the step,
            # as dramatiq reads it (dramatiq's own broker would stamp this).
            seen = subprocess.run(
                [sys.executable, "-c", "import dramatiq.common as c; print(c.current_millis())"],
                env={**os.environ, **stepped}, capture_output=True, text=True, check=True)
            assert abs(int(seen.stdout) - broker_ms() - step * 1000) < 5000, seen.stdout
            since = broker_ms()
            # stamped after the step, and on the broker's clock: not two hours off
            wait_for(lambda s=since: beating_since(s), 30, "a heartbeat after the step")  # type: ignore[misc]
            newest = max(score for _, score in client.zrange(key, 0, -1, withscores=True))
            assert abs(newest - broker_ms()) < 3000, (step, newest - broker_ms())
            assert worker.poll() is None
        status = run_sohoa(home, "status", "--json", **env)
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout.splitlines()[0])["queue"]["workers"] >= 1, status.stdout
    finally:
        signal_groups([worker.pid], signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        finally:
            kill_all(processes_of(home))
        client.close()
