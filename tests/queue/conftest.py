"""A real Redis for the work-queue tests (scripts/services/redis.sh; make test starts it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest


def redis_url() -> str:
    """SOHOA_TEST_REDIS_URL; in CI a missing server fails the tests, locally it skips them."""
    url = os.environ.get("SOHOA_TEST_REDIS_URL", "")
    if not url:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("SOHOA_TEST_REDIS_URL is not set: scripts/test.sh starts Redis "
                        "(scripts/services/redis.sh start)")
        pytest.skip("no Redis: run scripts/services/redis.sh start and export "
                    "SOHOA_TEST_REDIS_URL")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture()
def broker_url() -> str:
    import redis

    url = redis_url()
    redis.Redis.from_url(url).flushdb()  # every test starts from an empty queue and board
    return url


@pytest.fixture(scope="session")
def small_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One dossier: its code sheet and two documents of one page each."""
    from sohoa.synth import write_batch

    out = tmp_path_factory.mktemp("queue-batch")
    truth = write_batch(out, seed=5, dossiers=1, fmt="pdf", severity="clean",
                        docs_per_dossier=(2, 2), rotate_fraction=0.0)
    return out, truth
