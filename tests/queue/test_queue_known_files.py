"""Known files with the work queue, as in-process: a file whose pages are all in stored dossiers
is known as soon as its last dossier is stored (not only when the job closes), so a job killed
midway still has its finished files known; the same ingest again skips them before a page is
decoded, and their dossiers are answered from the stage cache without drafting them again."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_queue import make_settings, worker

from sohoa.pipeline import knownfiles, stages
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.queue.actors import Queue
from sohoa.pipeline.services import open_archive
from sohoa.synth import write_batch

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def two_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """a.pdf and b.pdf: one dossier each (its receipt sheet and an application form: two
    documents)."""
    folder = tmp_path_factory.mktemp("known-two") / "in"
    folder.mkdir()
    for name, seed in (("a", 21), ("b", 22)):
        out = folder.parent / name
        write_batch(out, seed=seed, dossiers=1, fmt="pdf", severity="clean",
                    docs_per_dossier=(1, 1), rotate_fraction=0.0)
        shutil.copy(out / "batch.pdf", folder / f"{name}.pdf")
    return folder


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_killed_queue_job_has_its_finished_files_known_and_a_rerun_skips_them(
        tmp_path: Path, broker_url: str, two_files: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    settings = make_settings(home, broker_url)
    queued = run_ingest([two_files], settings, wait=False)
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_BROKER": broker_url,
           "SOHOA_QUEUE_RETRY_BACKOFF_S": "0.1",
           # the worker dies (SIGKILL) as it takes the second dossier: b.pdf's
           "SOHOA_ARCHIVE_KILL_AT": "queue.store_dossier:1"}
    proc = subprocess.Popen([sys.executable, "-m", "sohoa", "worker"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert proc.wait(240) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    a, b = two_files / "a.pdf", two_files / "b.pdf"
    queue = Queue(settings)
    try:
        assert queue.board.info(queued.job_id)["status"] != "finished"
        queue.broker.flush_all()  # the killed job's messages go with it
    finally:
        queue.close()
    with open_archive(settings) as archive:
        assert archive.get_job(queued.job_id)["status"] == "running"  # never closed
        first = archive.stats()["documents"]
        assert first == 2  # a.pdf's
        assert archive.known_input(_sha(a)) is not None  # its dossier was stored
        assert archive.known_input(_sha(b)) is None

    # The same ingest again: a.pdf is skipped by its SHA-256 (no page of it decoded) and its
    # dossier answered from the stage cache (not drafted again); b.pdf is done now.
    read: list[str] = []
    drafted: list[str] = []

    def reading(path: Path, *args: Any, **kwargs: Any) -> Any:
        read.append(Path(path).name)
        return real_read(path, *args, **kwargs)

    def drafting(members: Any, *args: Any, **kwargs: Any) -> Any:
        drafted.extend(Path(it.page.source).name for it in members)
        return real_draft(members, *args, **kwargs)

    real_read, real_draft = stages.read_pages, stages.draft_dossier
    monkeypatch.setattr(stages, "read_pages", reading)
    monkeypatch.setattr(knownfiles, "read_pages", reading)
    monkeypatch.setattr(stages, "draft_dossier", drafting)
    with worker(settings):
        again = run_ingest([two_files], settings)
    assert again.known_files == 1
    assert "a.pdf" not in read and "b.pdf" in read, read
    assert set(drafted) == {"b.pdf"}, drafted
    assert again.quarantined == 0 and again.duplicates == 2 and again.stored == 2
    with open_archive(settings) as archive:
        assert archive.stats()["documents"] == 4
        assert archive.known_input(_sha(b)) is not None
        assert archive.get_job(again.job_id)["status"] == "finished"
