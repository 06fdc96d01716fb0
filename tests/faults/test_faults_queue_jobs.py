"""A queued job Redis lost with a restart (no persistence) is not "running" forever (tester14 F3).

For real, on a private Redis (own port and directory), with no worker at all: the job is queued,
the desk follows it, and Redis is stopped and started again empty. The follower that finds the
job gone stops with the reason (exit 2) and marks the catalog's row interrupted with it; before
that, `sohoa jobs` (and the web's jobs page, through the same listing) already shows a queued job
the board lost as interrupted — but not one whose desk is still reading its files, which is in
the catalog before it is on the board."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import redis
from private_servers import Server

from sohoa.archive.unreachable import FAMILIES
from sohoa.pipeline.jobstate import recent_jobs
from sohoa.pipeline.queue.follower import JobGone
from sohoa.pipeline.queue.producer import enqueue_ingest
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings, load_settings

GONE = "không còn trên Redis"


def _settings(home: Path, url: str) -> Settings:
    return load_settings(home=home, environ={"SOHOA_BROKER": url})


def _restart(server: Server) -> None:
    assert server.service("stop").returncode == 0
    assert server.service("start").returncode == 0


def test_a_job_redis_lost_is_interrupted_with_why_not_running_forever(
        tmp_path: Path, own_redis: tuple[Server, str],
        batch: tuple[Path, dict[str, Any]]) -> None:
    server, url = own_redis
    path, _ = batch
    settings = _settings(tmp_path / "home", url)

    # Queued, nobody working: running as long as the board has it.
    queued = enqueue_ingest([path / "batch.pdf"], settings, wait=False)
    [job] = recent_jobs(settings)
    assert (job["job_id"], job["status"]) == (queued.job_id, "running")

    # A job in the catalog that is not on the board yet (its desk still reads the files)
    # started after this Redis did: not said lost. (Redis tells its uptime in whole seconds:
    # a job of its first second or of a restart's is not judged, so the test lets them pass.)
    time.sleep(2.1)
    with open_archive(settings, skip=FAMILIES) as archive:
        reading = archive.start_job(["/scans/dang-doc.pdf"], None)
    shown = {j["job_id"]: j for j in recent_jobs(settings)}
    assert shown[reading]["status"] == "running"

    time.sleep(2.1)
    _restart(server)  # empty: the test server keeps nothing on disk
    shown = {j["job_id"]: j for j in recent_jobs(settings)}
    for lost in (queued.job_id, reading):
        assert shown[lost]["status"] == "interrupted", shown[lost]
        assert GONE in shown[lost]["reason"] and "chạy lại đúng lệnh nạp" in shown[lost]["reason"]
    assert [j["job_id"] for j in recent_jobs(settings, status="interrupted")] == [
        reading, queued.job_id]
    assert recent_jobs(settings, status="running") == []

    # The desk that follows a job finds it gone: it stops with the reason and records it.
    followed: list[BaseException] = []

    def follow() -> None:
        try:
            enqueue_ingest([path / "batch.pdf"], settings)
        except BaseException as exc:  # the test reads what the follower raised
            followed.append(exc)

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 60
    while not client.lrange("sohoa:jobs", 0, 0):
        assert time.monotonic() < deadline and follower.is_alive(), followed
        time.sleep(0.05)
    followed_id = client.lrange("sohoa:jobs", 0, 0)[0].decode()
    _restart(server)
    follower.join(timeout=60)
    assert not follower.is_alive()
    [raised] = followed
    assert isinstance(raised, JobGone) and raised.exit_code == 2 and GONE in str(raised)

    # Recorded in the catalog, not only shown: read without a broker, as recorded.
    plain = load_settings(home=tmp_path / "home", environ={})
    recorded = {j["job_id"]: j for j in recent_jobs(plain)}
    assert recorded[followed_id]["status"] == "interrupted"
    assert GONE in recorded[followed_id]["reason"]
    assert recorded[queued.job_id]["status"] == "running"  # nobody followed that one


def test_jobs_without_an_answering_redis_lists_the_catalog_as_recorded(tmp_path: Path) -> None:
    """Nothing can be told from a Redis that does not answer: `sohoa jobs` still lists the
    catalog's jobs (running ones as recorded), it does not fail."""
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = _settings(tmp_path / "home", f"redis://127.0.0.1:{port}/0")
    with open_archive(settings, skip=FAMILIES) as archive:
        job_id = archive.start_job(["/scans/a.pdf"], None)
    assert [(j["job_id"], j["status"]) for j in recent_jobs(settings)] == [(job_id, "running")]
