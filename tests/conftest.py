"""What every test shares: under pytest-xdist (scripts/test.sh runs ``-n 2``) each worker gets
Redis databases of its own.

The contract and cluster tests name their PostgreSQL databases, S3 buckets and Elasticsearch
indexes with a fresh uuid, and the private servers of tests/faults take free ports, so two
workers never meet there. Redis is the exception: the queue, cluster and web-queue tests empty
their database (``flushdb``) before each test, which would wipe the queue of a test running at
the same moment on the other worker. So each worker's SOHOA_TEST_REDIS_URL names its own pair
of databases (the queue and cluster tests use the first, tests/web/test_web_queue.py the second,
see its ``broker_url``): worker ``gwN`` gets databases 2N and 2N+1.

A worker also starts with COLUMNS=80 and LINES=24 that xdist's execnet puts in its environment
(a serial run has none): the CLI then laid its tables out for an 80-column terminal, so a test
reading a table's row passed or failed by the way it was run. They are taken away.

Every catalog transaction of the suite takes its named locks in the one order of
``catalog.xact_lock`` or fails (``CHECK_LOCK_ORDER``): checked on SQLite too, where no lock is
ever waited for, so a path that could deadlock two PostgreSQL writers fails here — in the
CLI and worker processes the tests start as well (``SOHOA_CHECK_LOCK_ORDER``).
"""

from __future__ import annotations

import os

import pytest

REDIS_DATABASES = 16  # redis-server's default (scripts/services/redis.sh does not change it)


def _worker_index() -> int | None:
    """N for xdist's worker ``gwN``; None when the tests run in one process."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else None


def pytest_configure(config: pytest.Config) -> None:
    from sohoa.archive import catalog

    catalog.CHECK_LOCK_ORDER = True
    os.environ["SOHOA_CHECK_LOCK_ORDER"] = "1"  # and in every `sohoa` / worker a test starts
    index = _worker_index()
    if index is not None:
        for terminal in ("COLUMNS", "LINES"):
            os.environ.pop(terminal, None)
    url = os.environ.get("SOHOA_TEST_REDIS_URL", "")
    if index is None or not url:
        return
    if 2 * index + 1 >= REDIS_DATABASES:
        raise pytest.UsageError(
            f"xdist worker gw{index}: Redis has {REDIS_DATABASES} databases, two for each "
            f"worker, so at most {REDIS_DATABASES // 2} workers: run with -n "
            f"{REDIS_DATABASES // 2} or fewer")
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url.rstrip("/")
    os.environ["SOHOA_TEST_REDIS_URL"] = f"{base}/{2 * index}"
