"""The ingest on dramatiq over a real Redis: the same stages as in-process, exactly once.

A worker runs in a thread of the test process (``run_worker`` with a stop callback), against
a real redis-server; the cluster test (tests/cluster) runs real worker processes and kills one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from testtools import run_sohoa

from sohoa.pipeline.home import init_home
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.outcomes import IngestSummary
from sohoa.pipeline.queue.actors import Queue
from sohoa.pipeline.queue.follower import follow_job
from sohoa.pipeline.queue.status import queue_status
from sohoa.pipeline.queue.workers import run_worker
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings, load_settings

pytestmark = pytest.mark.timeout(300)


def make_settings(home: Path, broker: str, **queue: Any) -> Settings:
    init_home(home, unit="H19.22", agency="UBND tỉnh Đồng Nai", dev_key=True)
    env = {"SOHOA_BROKER": broker, "SOHOA_QUEUE_RETRY_BACKOFF_S": "0.1",
           "SOHOA_QUEUE_HEARTBEAT_S": "10"}
    env.update({f"SOHOA_QUEUE_{k.upper()}": str(v) for k, v in queue.items()})
    return load_settings(home=home, environ=env)


@contextmanager
def worker(settings: Settings) -> Iterator[None]:
    halt = threading.Event()
    thread = threading.Thread(target=run_worker, args=(settings,),
                              kwargs={"stop": halt.is_set}, daemon=True)
    thread.start()
    try:
        yield
    finally:
        halt.set()
        thread.join(60)


def expected_documents(truth: dict[str, Any]) -> int:
    return sum(len(d["documents"]) for d in truth["dossiers"])


@pytest.fixture()
def ingested(tmp_path: Path, broker_url: str,
             small_batch: tuple[Path, dict[str, Any]]) -> tuple[Settings, IngestSummary]:
    settings = make_settings(tmp_path / "home", broker_url)
    events: list[dict[str, Any]] = []
    with worker(settings):
        summary = run_ingest([small_batch[0]], settings, emit=events.append, by="Lê Văn Tâm")
        assert queue_status(settings)["workers"] == 1  # the worker, not this producer too
    assert len(events) == summary.stored + summary.duplicates + summary.quarantined
    return settings, summary


def test_enqueued_pages_are_stored_by_a_worker(
        ingested: tuple[Settings, IngestSummary],
        small_batch: tuple[Path, dict[str, Any]]) -> None:
    settings, summary = ingested
    truth = small_batch[1]
    assert summary.pages == len(truth["pages"])
    assert summary.quarantined == 0
    assert summary.stored == expected_documents(truth)
    with open_archive(settings) as archive:
        assert archive.stats()["documents"] == expected_documents(truth)
        job = archive.get_job(summary.job_id)
        assert job["status"] == "finished"
        assert job["summary"]["stored"] == summary.stored
        assert {d["status"] for d in job["done"]} == {"stored"}
        # searchable as soon as the job is done
        hits = archive.search(truth["dossiers"][0]["applicant_name"])
        # who ran it travels with the job: the worker's events name them, not sohoa
        # (review11 S6), the producer's too
        events = [e for e in archive.audit_events(limit=1000)
                  if e["action"] in ("job.started", "document.stored", "job.finished")]
    assert {e["action"] for e in events} == {"job.started", "document.stored", "job.finished"}
    assert {e["actor"] for e in events} == {"Lê Văn Tâm"}, events
    assert {h["document_id"] for h in hits} & set(summary.document_ids)
    # what `sohoa status` shows from any machine
    status = queue_status(settings)
    job = next(j for j in status["jobs"] if j["job_id"] == summary.job_id)
    assert job["status"] == "finished" and job["pages_done"] == job["pages"] == summary.pages
    assert job["dossiers_done"] == job["dossiers"] == len(truth["dossiers"])
    assert all(q["waiting"] == 0 and q["dead_lettered"] == 0
               for q in status["queues"].values())


def test_the_same_batch_again_stores_nothing(
        ingested: tuple[Settings, IngestSummary],
        small_batch: tuple[Path, dict[str, Any]]) -> None:
    settings, first = ingested
    with worker(settings):
        again = run_ingest([small_batch[0]], settings)
    assert again.stored == 0 and again.duplicates == first.stored
    assert sorted(again.document_ids) == sorted(first.document_ids)
    # recognized by their bytes at the producer: the pages went out without being read again
    assert again.known_files == len(list(small_batch[0].glob("*.pdf"))) > 0


def test_redelivered_messages_store_nothing_twice(
        ingested: tuple[Settings, IngestSummary]) -> None:
    """Every message of a finished job delivered again (as Redis does after a worker died
    between its work and its acknowledgement) changes nothing; a dossier whose outcome was
    lost (a kill between the catalog commit and the board) counts as stored by its job."""
    settings, summary = ingested
    queue = Queue(settings)
    try:
        job = summary.job_id
        metas = queue.board.pages(job)
        results = queue.board.results(job)
        # forget dossier 0's outcome, as if the worker died right after committing it
        queue.board.r.hdel(f"sohoa:job:{job}:results", 0)
        queue.board.r.hset(f"sohoa:job:{job}", "status", "storing")
        for position, meta in enumerate(metas):
            queue.analyze.send(job, position, meta)
        queue.split.send(job)
        with open_archive(settings) as archive:
            before = archive.stats()
        with worker(settings):
            again = follow_job(queue.board, IngestSummary(job_id=job, pages=len(metas)),
                               lambda _: None, _NoProgress(), 0.0, poll_s=0.2)
        with open_archive(settings) as archive:
            after = archive.stats()
        assert after["documents"] == before["documents"] == summary.stored
        assert after["pages"] == before["pages"]
        assert again.stored == summary.stored and again.duplicates == 0
        redone = queue.board.results(job)[0]
        assert [e["document_id"] for e in redone] == [e["document_id"] for e in results[0]]
        assert all(e["created"] and e.get("resumed") for e in redone)
    finally:
        queue.close()


class _NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


def test_a_failing_page_ends_in_quarantine_after_its_retries(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]]) -> None:
    """The last page's image vanished from the blob store: the page is retried (backoff
    0.1 s), then set aside with the reason, and its whole file goes to quarantine with it
    (the rest of the file stored alone would be a dossier missing a page: a misfile)."""
    settings = make_settings(tmp_path / "home", broker_url, max_retries=2)
    events: list[dict[str, Any]] = []
    queued = run_ingest([small_batch[0]], settings, wait=False)
    queue = Queue(settings)
    try:
        last = queue.board.pages(queued.job_id)[-1]
        with open_archive(settings) as archive:
            archive.blobs.delete(last["sha256"])
        with worker(settings):
            summary = follow_job(queue.board, queued, events.append, _NoProgress(), 0.0,
                                 poll_s=0.2)
    finally:
        queue.close()
    pages = len(small_batch[1]["pages"])  # one PDF: the receipt sheet and two documents
    assert summary.quarantined == pages and summary.stored == 0
    problems = [e for e in events if "error" in e]
    assert sorted(e["page"] for e in problems) == list(range(pages))
    assert all("không có trong kho tệp" in e["error"] for e in problems), problems
    page = f"trang {last['index'] + 1} không nhận dạng được"
    with open_archive(settings) as archive:
        rows = archive.list_quarantine()
        assert sorted(r["page_index"] for r in rows) == list(range(pages))
        assert all(page in r["reason"] and "quét lại cả tệp" in r["reason"] for r in rows), rows
        assert archive.get_job(queued.job_id)["status"] == "finished"
        assert archive.stats()["documents"] == 0
    # the message that gave up stays in dramatiq's dead letters, as the record of it
    assert queue_status(settings)["queues"]["sohoa-pages"]["dead_lettered"] == 1


def test_a_page_over_the_time_limit_is_quarantined(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]]) -> None:
    """Recognizing a page takes seconds; with a 0.2 s limit and no retries every page that
    gets as far as recognition is stopped, quarantined with the reason, and the job ends."""
    settings = make_settings(tmp_path / "home", broker_url, max_retries=0, time_limit_s=0.2)
    events: list[dict[str, Any]] = []
    with worker(settings):
        summary = run_ingest([small_batch[0]], settings, emit=events.append)
    timed_out = [e for e in events if "quá thời hạn" in e.get("error", "")]
    assert timed_out, events
    assert summary.quarantined == len(timed_out)
    with open_archive(settings) as archive:
        assert archive.get_job(summary.job_id)["status"] == "finished"


def _sohoa(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_sohoa(home, *args, env=env, timeout=300)


def test_a_page_that_kills_its_worker_every_time_ends_in_quarantine(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]]) -> None:
    """A page whose recognition kills the worker process (SIGKILL, as the OOM killer or a
    crash in a library would) never raises, so no retry counts it: without a count of its
    deliveries Redis would hand it to the next worker forever. Workers are restarted as a
    service manager would; after its attempts (max_retries 1: two) the page is set aside and
    its whole file quarantined with it, and the job ends."""
    import signal
    import time

    home = tmp_path / "home"
    settings = make_settings(home, broker_url, max_retries=1, heartbeat_s=1)
    queued = run_ingest([small_batch[0]], settings, wait=False)
    queue = Queue(settings)
    poison = queue.board.pages(queued.job_id)[-1]
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_BROKER": broker_url,
           "SOHOA_QUEUE_MAX_RETRIES": "1", "SOHOA_QUEUE_HEARTBEAT_S": "1",
           "SOHOA_QUEUE_RETRY_BACKOFF_S": "0.1",
           "SOHOA_ARCHIVE_KILL_AT": f"queue.analyze_page:{poison['sha256']}"}
    killed = 0
    proc: subprocess.Popen[bytes] | None = None
    deadline = time.monotonic() + 240
    try:
        while queue.board.info(queued.job_id).get("status") != "finished":
            assert time.monotonic() < deadline, queue.board.snapshot(queued.job_id)
            if proc is None or proc.poll() is not None:
                if proc is not None:
                    assert proc.returncode == -signal.SIGKILL, proc.returncode
                    killed += 1
                proc = subprocess.Popen([sys.executable, "-m", "sohoa", "worker"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.2)
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
        queue.close()
    assert killed == 2  # its two attempts; the third taking quarantines it
    with open_archive(settings) as archive:
        rows = archive.list_quarantine()
        assert sorted(r["page_index"] for r in rows) == list(range(len(small_batch[1]["pages"])))
        assert all(f"trang {poison['index'] + 1} " in r["reason"]
                   and "đã dừng 2 lần khi đang làm trang này" in r["reason"] for r in rows)
        job = archive.get_job(queued.job_id)
        assert job["status"] == "finished"
        assert archive.stats()["documents"] == 0  # no dossier missing the page


def test_a_job_whose_pages_cannot_be_split_closes_with_them_in_quarantine(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]]) -> None:
    """The split step gives up (a page's analysis vanished from the catalog): instead of a
    job that stays open forever, every page goes to quarantine with the reason and the job
    closes. The pages are analysed here directly; a real worker then runs the split, which
    fails on its only attempt and is handed to give_up by dramatiq's Retries."""
    import sqlite3

    settings = make_settings(tmp_path / "home", broker_url, max_retries=0)
    queued = run_ingest([small_batch[0]], settings, wait=False)
    queue = Queue(settings)
    try:
        job = queued.job_id
        metas = queue.board.pages(job)
        queue.broker.flush_all()  # the page messages: their work is done right here
        for position, meta in enumerate(metas):
            queue._analyze(job, position, meta)  # the last one sends split_job
        db = sqlite3.connect(settings.home / "catalog.db")
        with db:
            db.execute("DELETE FROM stage_cache WHERE key = ?", (metas[1]["sha256"],))
        db.close()
        with worker(settings):
            summary = follow_job(queue.board, IngestSummary(job_id=job, pages=len(metas)),
                                 lambda _: None, _NoProgress(), 0.0, poll_s=0.05)
    finally:
        queue.close()
    assert summary.quarantined == len(metas) and summary.stored == 0
    with open_archive(settings) as archive:
        rows = archive.list_quarantine()
        assert sorted(r["page_index"] for r in rows) == sorted(m["index"] for m in metas)
        assert all("không chia được các trang vào hồ sơ" in r["reason"]
                   and "không có trong bộ nhớ đệm các bước" in r["reason"]
                   and "chạy lại đúng lệnh nạp này" in r["reason"] for r in rows)
        assert archive.get_job(job)["status"] == "finished"


def test_a_job_that_cannot_be_closed_stops_its_follower_with_the_reason(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]]) -> None:
    """The closing step gives up (the job's row is gone from the catalog): the board says
    failed and why, and whoever follows the job stops waiting and reports it."""
    import sqlite3

    from sohoa.errors import StorageError

    settings = make_settings(tmp_path / "home", broker_url, max_retries=0)
    queued = run_ingest([small_batch[0]], settings, wait=False)
    db = sqlite3.connect(settings.home / "catalog.db")
    with db:
        db.execute("DELETE FROM jobs WHERE id = ?", (queued.job_id,))
    db.close()
    queue = Queue(settings)
    try:
        queue.broker.flush_all()  # straight to the closing step
        queue.close_job.send(queued.job_id)
        with worker(settings), pytest.raises(StorageError,
                                             match=r"không đóng được lô.*chạy lại đúng lệnh này"):
            follow_job(queue.board, queued, lambda _: None, _NoProgress(), 0.0, poll_s=0.05)
        assert queue.board.info(queued.job_id)["status"] == "failed"
    finally:
        queue.close()


def test_no_wait_only_enqueues_and_status_shows_the_job(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]]) -> None:
    home = tmp_path / "home"
    make_settings(home, broker_url)
    queued = _sohoa(home, "ingest", str(small_batch[0]), "--no-wait", "--json",
                    SOHOA_BROKER=broker_url)
    assert queued.returncode == 0, queued.stderr
    line = json.loads(queued.stdout.splitlines()[-1])
    assert line["queued"] and line["pages"] == len(small_batch[1]["pages"])
    status = _sohoa(home, "status", "--json", SOHOA_BROKER=broker_url)
    assert status.returncode == 0, status.stderr
    queue = json.loads(status.stdout)["queue"]
    job = next(j for j in queue["jobs"] if j["job_id"] == line["job_id"])
    assert job["status"] == "analysing" and job["pages_done"] == 0
    assert queue["queues"]["sohoa-pages"]["waiting"] == line["pages"]
    # disjoint figures: nothing is in progress without a worker (the queued pages were once
    # counted again as "đang xử lý hoặc chờ", tester14 F8)
    assert queue["queues"]["sohoa-pages"]["in_progress"] == 0
    assert queue["workers"] == 0  # the ingest that enqueued is no worker


def test_worker_without_a_broker_says_how_to_configure_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    init_home(home, dev_key=False)
    result = _sohoa(home, "worker", SOHOA_BROKER="")
    assert result.returncode == 2
    assert "no broker configured" in result.stderr and "SOHOA_BROKER" in result.stderr


def test_the_hot_folder_hands_its_files_to_the_workers(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]]) -> None:
    """`sohoa watch` with a broker: each file goes through the queue, and moves to done/ only
    once the workers have stored it. review12 S3 through the workers: the job's last page with
    content comes back with the summary, and a blank page of the same scan session after it is
    its back, not a failure."""
    import shutil

    import pikepdf
    from pdf_producers import add_page, jpeg_image
    from PIL import Image

    from sohoa.pipeline.watchjob import run_watch
    from sohoa.scanners.watch import WatchSettings

    settings = make_settings(tmp_path / "home", broker_url)
    folder = tmp_path / "hot"
    folder.mkdir()
    for pdf in small_batch[0].glob("*.pdf"):
        shutil.copy(pdf, folder / pdf.name)
    events: list[dict[str, Any]] = []
    with worker(settings):
        report = run_watch(folder, settings, options=WatchSettings(settle_seconds=0.2,
                                                                   poll_seconds=0.1),
                           once=True, emit=events.append)
        again = run_ingest(list((folder / "done").glob("*.pdf")), settings)
        last = again.last_content
        assert last is not None and last.source.endswith(".pdf") and not last.data
        white = Image.new("L", (last.width, last.height), 250)
        pdf = pikepdf.new()
        size = (last.width * 72 / last.dpi, last.height * 72 / last.dpi)
        add_page(pdf, size, f"q {size[0]:.3f} 0 0 {size[1]:.3f} 0 0 cm /Im0 Do Q".encode(),
                 {"Im0": jpeg_image(pdf, white)})
        pdf.save(tmp_path / "back.pdf")
        back = run_ingest([tmp_path / "back.pdf"], settings, after=last)
    assert report.files_done == 1 and report.files_failed == 0
    assert report.documents == expected_documents(small_batch[1])
    assert report.pages == len(small_batch[1]["pages"])
    assert [e["outcome"] for e in events if "outcome" in e] == ["done"]
    assert list((folder / "done").glob("*.pdf"))
    assert (back.blank_pages, back.quarantined, back.stored) == (1, 0, 0), back


def test_a_batch_folder_with_a_refused_page_is_kept_out_whole_by_the_workers(
        tmp_path: Path, broker_url: str) -> None:
    """Review F-A through the queue: the hot folder's batch folder (one JPEG per page) is one
    unit for the workers' PageScreen too; an all-black page 2 stores nothing of the batch."""
    from PIL import Image

    from sohoa.pipeline.watchjob import run_watch
    from sohoa.scanners.watch import WatchSettings
    from sohoa.synth import render_document

    settings = make_settings(tmp_path / "home", broker_url)
    folder = tmp_path / "hot"
    (folder / "b1").mkdir(parents=True)
    (folder / "b1" / "p1.jpg").write_bytes(render_document("decision", 3, dpi=150).page_jpeg(0))
    Image.new("RGB", (1240, 1754), "black").save(folder / "b1" / "p2.jpg", quality=90)
    with worker(settings):
        report = run_watch(folder, settings, options=WatchSettings(settle_seconds=0,
                                                                   poll_seconds=0.1), once=True)
    assert report.files_failed == 1 and report.documents == 0, report
    assert (folder / "failed" / "b1" / "p1.jpg").is_file()
    from sqlalchemy import text

    with open_archive(settings) as archive, archive.transaction(write=False) as conn:
        # not the decision without its page 2: nothing of the batch in the catalog
        assert conn.execute(text("select count(*) from documents")).scalar() == 0


def test_a_desk_job_is_signed_by_the_desks_officer_not_the_workers_user(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]]) -> None:
    """signing.workflow = desk with a broker: the job carries the officer who digitized at the
    desk, and the worker signs with that officer's key (found by its own config), not with a
    key of whoever runs the worker (who has none here)."""
    import shutil

    from sohoa.signing import create_dev_identity

    officer_name = "Nguyễn Thị Lan"
    home = tmp_path / "home"
    make_settings(home, broker_url)
    officer = create_dev_identity(tmp_path / "officer", "UBND tỉnh Đồng Nai", person=officer_name)
    keys = home / "keys" / "officers"
    keys.mkdir(parents=True)
    shutil.copy(officer.pkcs12, keys / "lan.p12")
    shutil.copy(officer.password_file, keys / "lan.pass")
    env = {"SOHOA_BROKER": broker_url, "SOHOA_QUEUE_RETRY_BACKOFF_S": "0.1",
           "SOHOA_QUEUE_HEARTBEAT_S": "10", "SOHOA_SIGNING_WORKFLOW": "desk"}
    desk = load_settings(home=home, environ={**env, "SOHOA_SIGNING_OFFICER": "lan"})
    at_worker = load_settings(home=home, environ={**env, "SOHOA_SIGNING_OFFICER": "may-chu"})
    with worker(at_worker):
        summary = run_ingest([small_batch[0]], desk)
    assert summary.quarantined == 0 and summary.stored == expected_documents(small_batch[1])
    with open_archive(desk) as archive:
        signatures = [archive.get_document(d)["signature"] for d in summary.document_ids]
    assert {s["kind"] for s in signatures} == {"officer"}, signatures
    assert all(s["signer"].startswith(officer_name) for s in signatures), signatures

    # An officer whose key this worker cannot find: the worker's configuration is at fault,
    # not the papers, so the job stops with the reason and nothing is quarantined.
    from sohoa.errors import StorageError
    from sohoa.synth import write_batch

    other = tmp_path / "other-batch"
    write_batch(other, seed=11, dossiers=1, fmt="pdf", severity="clean",
                docs_per_dossier=(1, 1), rotate_fraction=0.0)
    nobody = load_settings(home=home, environ={**env, "SOHOA_SIGNING_OFFICER": "binh"})
    with worker(at_worker), pytest.raises(StorageError, match="binh"):
        run_ingest([other], nobody)
    with open_archive(desk) as archive:
        assert archive.stats()["quarantined"] == 0


def test_a_key_that_does_not_open_is_tried_once_per_worker_and_named_as_the_cause(
        tmp_path: Path, broker_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """L10/L11: the officer's key fails to open on the worker (a wrong PIN locks a USB token
    after a few tries): one attempt for the whole job — not one per dossier and retry — and
    the job stops saying the signing key is at fault, not the archive store."""
    from sohoa.errors import StorageError
    from sohoa.pipeline.queue import actors
    from sohoa.synth import write_batch

    home = tmp_path / "home"
    make_settings(home, broker_url)
    env = {"SOHOA_BROKER": broker_url, "SOHOA_QUEUE_RETRY_BACKOFF_S": "0.1",
           "SOHOA_QUEUE_HEARTBEAT_S": "10", "SOHOA_QUEUE_MAX_RETRIES": "2",
           "SOHOA_SIGNING_WORKFLOW": "desk"}
    batch = tmp_path / "batch"
    write_batch(batch, seed=11, dossiers=2, fmt="pdf", severity="clean",
                docs_per_dossier=(1, 1), rotate_fraction=0.0)
    opened: list[str | None] = []
    real = actors.make_document_signer

    def counted(settings: Settings, officer: str | None = None) -> Any:
        opened.append(officer)  # each call opens the key (a token login) afresh
        return real(settings, officer)

    monkeypatch.setattr(actors, "make_document_signer", counted)
    desk = load_settings(home=home, environ={**env, "SOHOA_SIGNING_OFFICER": "binh"})
    at_worker = load_settings(home=home, environ={**env, "SOHOA_SIGNING_OFFICER": "may-chu"})
    with worker(at_worker), pytest.raises(StorageError) as stopped:
        run_ingest([batch], desk)
    assert opened == ["binh"], opened
    assert "khóa ký số trên máy xử lý không dùng được" in str(stopped.value)
    assert "kho lưu trữ" not in str(stopped.value) and "binh" in str(stopped.value)
    with open_archive(desk) as archive:
        assert archive.stats()["quarantined"] == 0
        # the catalog's job says it stopped, and why, at once (sohoa jobs, the web's jobs page)
        [job] = archive.jobs(limit=1)
    assert job["status"] == "failed" and "khóa ký số" in job["reason"], job


def test_a_stamp_font_without_vietnamese_letters_on_a_worker_stops_the_job(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Review #2: the stamp font is checked at a worker's first signature (ConfigError, exit
    2). That is the worker's configuration, not the citizens' papers: the job stops as the
    machine's failure (board and catalog failed, the cause in Vietnamese) and no page is
    quarantined."""
    import functools

    from fontTools import subset, ttLib

    from sohoa.errors import StorageError
    from sohoa.pipeline import services
    from sohoa.signing import SigningSettings

    font = ttLib.TTFont(SigningSettings().resolve_font())
    subsetter = subset.Subsetter(subset.Options())
    subsetter.populate(text="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 :-+/T")
    subsetter.subset(font)
    ascii_only = tmp_path / "ascii.ttf"
    font.save(str(ascii_only))
    # what this worker's machine has as its stamp font (the worker runs in this process)
    monkeypatch.setattr(services, "SigningSettings",
                        functools.partial(SigningSettings, font_path=str(ascii_only)))
    settings = make_settings(tmp_path / "home", broker_url, max_retries=0)
    with worker(settings), pytest.raises(StorageError) as stopped:
        run_ingest([small_batch[0]], settings)
    assert "cấu hình hoặc môi trường của máy xử lý" in str(stopped.value), stopped.value
    assert "thiếu chữ" in str(stopped.value)  # the font check's own words, for the technician
    with open_archive(settings) as archive:
        assert archive.stats()["quarantined"] == 0
        [job] = archive.jobs(limit=1)
    assert job["status"] == "failed" and "cấu hình" in job["reason"], job


def test_an_error_in_sohoas_own_code_on_a_worker_is_a_bug_not_a_bad_file(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Review #3, the queue's side: a page whose analysis raises IndexError (a mistake in
    sohoa's code) sets its file aside as in-process, the reason says it is sohoa's fault and
    not the file's, and the job's summary makes the ingest end with exit 1. The page raises
    before any OCR, so this costs no recognition."""
    from sohoa.pipeline.outcomes import ingest_exit_code
    from sohoa.pipeline.queue import actors

    def breaks(archive, page, options):  # type: ignore[no-untyped-def]
        raise IndexError("list index out of range")

    monkeypatch.setattr(actors, "analyze_cached", breaks)  # the worker runs in this process
    settings = make_settings(tmp_path / "home", broker_url, max_retries=0)
    with worker(settings):
        summary = run_ingest([small_batch[0]], settings)
    pages = len(small_batch[1]["pages"])
    assert summary.quarantined == pages and summary.program_errors == pages, summary
    assert ingest_exit_code(summary) == 1
    with open_archive(settings) as archive:
        rows = archive.list_quarantine()
    assert len(rows) == pages
    assert all("lỗi của chương trình sohoa, không phải của tệp" in r["reason"]
               and "IndexError" in r["reason"] and "quét lại cả tệp" not in r["reason"]
               for r in rows), rows


def test_a_dossier_whose_store_gives_up_goes_to_quarantine_with_the_reason(
        tmp_path: Path, broker_url: str, small_batch: tuple[Path, dict[str, Any]]) -> None:
    """The give-up of a real ``store_dossier`` message, built with the actor's own arguments
    (the give-up once took one fewer and failed with a TypeError: the dossier was neither
    stored nor quarantined and the job stayed running, tester14 F2)."""
    from sohoa.pipeline.queue.policy import REASON

    settings = make_settings(tmp_path / "home", broker_url, max_retries=0)
    queued = run_ingest([small_batch[0]], settings, wait=False)
    queue = Queue(settings)
    try:
        job = queued.job_id
        metas = queue.board.pages(job)
        queue.broker.flush_all()
        positions = list(range(len(metas)))
        message = queue.store.message(job, 0, positions, "H19.22-260101-0001", True).asdict()
        message["options"][REASON] = "hết bộ nhớ"
        queue._give_up(message, {})
    finally:
        queue.close()
    with open_archive(settings) as archive:
        rows = archive.list_quarantine()
    assert sorted(r["page_index"] for r in rows) == sorted(m["index"] for m in metas)
    assert all("không lưu được hồ sơ H19.22-260101-0001: hết bộ nhớ" in r["reason"]
               for r in rows)
