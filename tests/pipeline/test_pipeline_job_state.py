"""What the catalog says of a job that did not finish: one stopped by an environment error
(exit 2) is "failed" at once with the Vietnamese reason, not "running" until the next ingest;
one whose process was killed with no chance to write is shown "interrupted" — at once when the
process is known gone on this host, else when its heartbeat is stale."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from pipeline_helpers import run_sohoa
from sqlalchemy import select, update

from sohoa.archive.jobs import STALE_S
from sohoa.archive.models import Job
from sohoa.archive.values import utc_now
from sohoa.errors import StorageError
from sohoa.pipeline.home import init_home
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.jobstate import job_running
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.synth import render_document


def test_a_job_stopped_by_a_broken_store_is_failed_at_once_with_the_reason(
        tmp_path: Path) -> None:
    home = tmp_path / "home"
    init_home(home, dev_key=True)
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    # The blob store cannot take a file: every fan-out directory it needs is a file (a disk
    # remounted oddly, a mistaken copy). Reading and recognizing work; storing does not.
    for n in range(256):
        (home / "blobs" / f"{n:02x}").write_bytes(b"")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "giay-khai-sinh.jpg").write_bytes(
        render_document("birth_certificate", 3, dpi=150).page_jpeg(0))
    with pytest.raises(StorageError) as stopped:
        run_ingest([folder], settings)
    assert stopped.value.exit_code == 2
    with open_archive(settings) as archive:
        [job] = archive.jobs()
    assert job["status"] == "failed", job  # at once, not "running" until the next ingest
    assert "lô dừng vì lỗi của máy hoặc môi trường" in job["reason"]
    assert "Không ghi được tệp" in job["reason"] and "chạy lại" in job["reason"]
    listed = run_sohoa(home, "jobs", "--status", "failed", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [json.loads(line) for line in listed.stdout.splitlines()] == [job]


def test_a_job_whose_process_is_gone_is_shown_interrupted(tmp_path: Path) -> None:
    home = tmp_path / "home"
    init_home(home, dev_key=False)
    settings = load_settings(home=home, environ={})
    with open_archive(settings) as archive:
        here = archive.start_job(["a.pdf"], None, in_process=True)
        # runs on this host (alive: this very process), ticking
        assert archive.get_job(here)["status"] == "running"
        with job_running(archive, lambda: here, every_s=0.05):
            before = archive.get_job(here)["heartbeat_at"]
            # a loaded machine may delay the ticker's thread: wait for a newer stamp (it comes
            # every 0.05 s) rather than assume one within a fixed sleep
            deadline = time.monotonic() + 10
            while archive.get_job(here)["heartbeat_at"] <= before:
                assert time.monotonic() < deadline, "no heartbeat stamped in 10 s"
                time.sleep(0.02)

        # killed on this host (SIGKILL: nothing written): its process is gone, seen at once
        dead = archive.start_job(["b.pdf"], None, in_process=True)
        probe = subprocess.Popen(["true"])  # a pid that no longer runs
        probe.wait()
        with archive.transaction(write=True) as conn:
            conn.execute(update(Job).where(Job.id == dead).values(
                runner=f"{socket.gethostname()}:{probe.pid}:1"))
        shown = archive.get_job(dead)
        assert shown["status"] == "interrupted" and "đã dừng" in shown["reason"]

        # run on another desk PC: alive while its heartbeat is fresh, interrupted once stale
        far = archive.start_job(["c.pdf"], None, in_process=True)
        with archive.transaction(write=True) as conn:
            conn.execute(update(Job).where(Job.id == far).values(runner="other-desk:4242:99"))
        assert archive.get_job(far)["status"] == "running"
        with archive.transaction(write=True) as conn:
            conn.execute(update(Job).where(Job.id == far).values(
                heartbeat_at=utc_now() - timedelta(seconds=STALE_S + 60)))
        shown = archive.get_job(far)
        assert shown["status"] == "interrupted"
        assert "không còn tín hiệu từ tiến trình chạy lô" in shown["reason"]
        assert {j["job_id"] for j in archive.jobs(status="interrupted")} == {dead, far}
        assert [j["job_id"] for j in archive.jobs(status="running")] == [here]

        # the next job marks them so in the catalog, with the reason and an audit event each
        archive.start_job(["d.pdf"], None, in_process=True)
        with archive.transaction(write=False) as conn:
            stored = dict(conn.execute(select(Job.id, Job.status)).all())
        listed = {j["job_id"]: j for j in archive.jobs()}
    assert stored[dead] == stored[far] == "interrupted" and stored[here] == "running"
    assert "không còn tín hiệu" in listed[far]["reason"]
