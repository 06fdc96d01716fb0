"""Desk staff with a broker, in a real headless chromium: a quarantined scan, re-scanned and
retried from the web, is queued on the broker (a real Redis: SOHOA_TEST_REDIS_URL); the jobs
page shows it with its progress from the board `sohoa status` reads, follows a real worker
(in a thread) to the job's end, and the worker that closed it took the file off the list."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_home import Home, make_home
from review_home import JUDICIAL, page
from web_site import Site

from sohoa.api.web import operator
from sohoa.pipeline.home import init_home
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.queue.broker import connect
from sohoa.pipeline.queue.status import queue_status
from sohoa.pipeline.queue.workers import run_worker
from sohoa.pipeline.services import open_archive


def broker_url() -> str:
    """SOHOA_TEST_REDIS_URL with the web tests' database, the one after the queue tests'
    (which they empty; tests/conftest.py gives each xdist worker its own pair); in CI a missing
    server fails."""
    url = os.environ.get("SOHOA_TEST_REDIS_URL", "")
    if not url:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("SOHOA_TEST_REDIS_URL is not set: scripts/test.sh starts Redis")
        pytest.skip("no Redis: run scripts/services/redis.sh start and export "
                    "SOHOA_TEST_REDIS_URL")
    base, _, db = url.rstrip("/").rpartition("/") if url.count("/") > 2 else (url, "", "")
    return f"{base}/{int(db or 0) + 1}"


@pytest.fixture(scope="module")
def site_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    url = broker_url()
    connect(url).flushdb()
    root = tmp_path_factory.mktemp("web-queue-home")
    init_home(root, unit="H19.22")  # the worker signs what it stores
    home = make_home(root)
    return dataclasses.replace(home, settings=dataclasses.replace(home.settings, broker=url))


@pytest.fixture(scope="module")
def scan(site: Site) -> Iterator[Path]:
    """A scan cut short, ingested through the broker: quarantined while its pages are read,
    before anything is queued. Not under pytest's folder (the page shows the path)."""
    folder = Path(tempfile.mkdtemp(prefix="quet-"))
    try:
        path = folder / "lltp-0002.png"
        whole, _ = page(JUDICIAL)
        path.write_bytes(whole[:400])
        assert run_ingest([path], site.home.settings, unit="H19.22",
                          wait=False).quarantined == 1
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_retry_is_queued_and_its_progress_is_the_boards(site: Site, scan: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    b = site.browser
    # The jobs page reloads itself while a job runs; not while this test reads it.
    monkeypatch.setattr(operator, "REFRESH_S", 600)
    site.sign_in("desk")
    whole, _ = page(JUDICIAL)
    scan.write_bytes(whole)  # re-scanned, put back
    site.go("/web/quarantine")
    # review11 L5: the file there now, weighed before «đây là bản đã sửa» is clicked
    size = f"{len(whole):,}".replace(",", ".")
    assert f"Tệp ở chỗ cũ đã khác tệp bị cách ly (tệp nay: {size} byte, ghi lúc " in b.text(
        "main"), b.text("main")
    assert "trước lúc bị cách ly" not in b.text("main")
    with open_archive(site.home.settings) as arc:
        [entry] = [q["id"] for q in arc.quarantine_files() if q["source"] == str(scan)]
    b.find(f"#q-{entry} form[action$='/retry'] button").click()
    b.wait_for(".notice")
    assert b.url.split("?")[0].endswith("/web/jobs")
    said = b.text(".notice")
    assert f"Đã đưa «{scan.name}» vào hàng đợi, lô" in said
    # A re-scan put back is other bytes than the quarantined ones: the worker will not take
    # the entry off the list by itself (F12), and the clerk is told why.
    assert "tệp ở chỗ cũ đã khác tệp bị cách ly" in said and "Khi lô xong" not in said
    job = said.split("lô ", 1)[1].split(".", 1)[0]

    # What `sohoa status` reads from the broker is what the page shows.
    state = queue_status(site.home.settings)
    [mine] = [j for j in state["jobs"] if j["job_id"] == job]
    assert (mine["status"], mine["pages"], mine["pages_done"]) == ("analysing", 1, 0)
    assert state["workers"] == 0
    row = b.js(f"return document.getElementById('job-{job}').closest('tr').innerText")
    assert "Đang nhận dạng" in row and "0/1" in row
    assert "Hàng đợi: 0 máy xử lý đang chạy" in b.text("main")
    assert "Trang chờ nhận dạng: 1" in b.text(".queue")
    site.shot("01-lo-trong-hang-doi")
    site.assert_local()

    # A real worker takes the job: the page, left open, reads the board again by itself and
    # follows it to its end.
    monkeypatch.setattr(operator, "REFRESH_S", 2)
    site.go("/web/jobs")
    assert b.js("return document.querySelector('[data-refresh-seconds]').textContent"
                ).startswith("Trang tự cập nhật mỗi 2 giây")
    halt = threading.Event()
    worker = threading.Thread(target=run_worker, args=(site.home.settings,),
                              kwargs={"stop": halt.is_set}, daemon=True)
    worker.start()
    try:
        assert b.wait_js(f"const j = document.getElementById('job-{job}');"
                         "const r = j && j.closest('tr').innerText;"
                         "return r && r.includes('Xong') && r.includes('1/1')", timeout=180)
        assert b.js(f"return document.getElementById('job-{job}').closest('tr')"
                    ".querySelector('progress').value") == 1
        site.shot("02-tien-do")
        site.assert_local()  # the finished job's counts in words, not keys
    finally:
        halt.set()
        worker.join(60)
    # The worker that closed the job stored the new file but left the entry: its bytes are
    # not the quarantined ones.
    site.go("/web/quarantine")
    assert str(scan) in b.text("main") and "đã khác tệp bị cách ly" in b.text("main")
    with open_archive(site.home.settings) as arc:
        [retried] = [e for e in arc.audit_events(limit=10) if e["action"] == "input.retried"]
        settled = [e for e in arc.audit_events(limit=20) if e["action"] == "input.dismissed"]
        assert arc.get_job(job)["status"] == "finished" and arc.stats()["documents"] == 4
    assert retried["actor"] == "Phạm Thu Hà" and retried["detail"]["queued"] is True
    assert retried["detail"]["changed"] is True and retried["detail"]["settled"] == 0
    assert settled == []

    # review11 S7: the clerk says it is the fixed copy — the page's own form (its hidden
    # field and CSRF token) queues the retry with `fixed`, and the worker that closes the job
    # takes the entry off the list, in the clerk's name
    monkeypatch.setattr(operator, "REFRESH_S", 600)
    b.find(f"#q-{entry} form[action$='/retry'] input[name='fixed'][value='1'] ~ button").click()
    b.wait_for(".notice")
    said = b.text(".notice")
    assert f"Đã đưa «{scan.name}» vào hàng đợi, lô" in said and "Khi lô xong" in said, said
    fixed_job = said.split("lô ", 1)[1].split(".", 1)[0]
    halt = threading.Event()
    worker = threading.Thread(target=run_worker, args=(site.home.settings,),
                              kwargs={"stop": halt.is_set}, daemon=True)
    worker.start()
    try:
        with open_archive(site.home.settings) as arc:
            for _ in range(900):
                if arc.get_job(fixed_job)["status"] == "finished" and not any(
                        q["source"] == str(scan) for q in arc.quarantine_files()):
                    break
                threading.Event().wait(0.2)
            events = arc.audit_events(limit=40)
    finally:
        halt.set()
        worker.join(60)
    [dismissed] = [e for e in events if e["action"] == "input.dismissed"]
    assert dismissed["actor"] == "Phạm Thu Hà", dismissed
    [finished] = [e for e in events if e["action"] == "job.finished"
                  and e["target"] == fixed_job]
    assert finished["actor"] == "Phạm Thu Hà", finished  # review11 S6, the web's queued retry
    site.go("/web/quarantine")
    assert str(scan) not in b.text("main")
    site.sign_out()
