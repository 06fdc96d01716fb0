"""The cluster on loopback: one Redis broker, a PostgreSQL catalog, S3 blobs, Elasticsearch,
two `sohoa worker` processes; one of them is killed with SIGKILL while it recognizes a page.
Every document of the batch must be stored exactly once and be searchable.

The servers are the ones scripts/test.sh starts (SOHOA_TEST_REDIS_URL, SOHOA_TEST_PG_URL,
SOHOA_TEST_S3_ENDPOINT + keys, SOHOA_TEST_ES_URL). Without them the test is skipped on a
developer's machine and FAILS in CI (CI=true).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from contract.backends import PgDatabases, S3Buckets, _required

pytestmark = pytest.mark.timeout(300)

HEARTBEAT_S = 5  # a killed worker's page goes back to the queue after this long


@pytest.fixture()
def cluster_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    redis_url = _required("SOHOA_TEST_REDIS_URL", "start 'scripts/services/redis.sh start'")
    es_url = _required("SOHOA_TEST_ES_URL", "start 'scripts/services/elasticsearch.sh start'")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    pg, s3 = PgDatabases(), S3Buckets()
    index_url = ""
    try:
        db_url = pg.create()
        bucket = s3.create()
        home = tmp_path / "home"
        index_url = f"{es_url.rstrip('/')}/sohoa-cluster-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "SOHOA_HOME": str(home), "OMP_THREAD_LIMIT": "1",
            "SOHOA_DB": db_url, "SOHOA_BLOBS": f"s3://{bucket}/archive",
            "SOHOA_S3_ENDPOINT": s3.options.endpoint, "SOHOA_S3_REGION": s3.options.region,
            "SOHOA_S3_ACCESS_KEY_ID": s3.options.access_key_id,
            "SOHOA_S3_SECRET_ACCESS_KEY": s3.options.secret_access_key,
            "SOHOA_SEARCH": index_url,
            "SOHOA_BROKER": redis_url,
            "SOHOA_QUEUE_HEARTBEAT_S": str(HEARTBEAT_S), "SOHOA_QUEUE_RETRY_BACKOFF_S": "1",
            "SOHOA_PURPOSE": "cluster test",
        }
        done = subprocess.run([sys.executable, "-m", "sohoa", "init", "--unit", "H19.22"],
                              env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        # init makes a development key for an embedded home only; the cluster signs with one
        # too (every worker machine would hold the agency's key)
        from sohoa.signing import create_dev_identity

        create_dev_identity(home / "keys", "UBND tỉnh Đồng Nai")
        yield env
    finally:
        pg.drop_all()
        s3.drop_all()
        if index_url:
            import urllib.request

            with contextlib.suppress(OSError):  # never made if the test failed before indexing
                urllib.request.urlopen(urllib.request.Request(index_url, method="DELETE"),
                                       timeout=30)


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "sohoa", "worker"], env=env,
                            stdout=subprocess.DEVNULL, stderr=log.open("wb"))


def _page_lines(log: Path) -> list[str]:
    """'job …: page N (file p.M)' for every page message the worker took."""
    return [line.split(" INFO ", 1)[1] for line in log.read_text(errors="replace").splitlines()
            if "sohoa.worker INFO job" in line and ": page " in line]


def _pages_started(log: Path) -> int:
    return len(_page_lines(log))


def _last_page(log: Path) -> str:
    return _page_lines(log)[-1]


def test_two_workers_one_killed_every_document_once(
        cluster_env: dict[str, str], tmp_path: Path) -> None:
    from sohoa.synth import write_batch

    batch = tmp_path / "batch"
    truth = write_batch(batch, seed=8, dossiers=3, fmt="pdf", severity="light",
                        docs_per_dossier=(2, 2), rotate_fraction=0.0)
    expected = Counter((d["code"], doc["doc_type"]) for d in truth["dossiers"]
                       for doc in d["documents"])

    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    workers = [_worker(cluster_env, log) for log in logs]
    ingest = subprocess.Popen([sys.executable, "-m", "sohoa", "ingest", str(batch), "--json"],
                              env=cluster_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        # Kill worker A while it is recognizing its second page (it has finished one).
        deadline = time.monotonic() + 120
        while _pages_started(logs[0]) < 2:
            assert time.monotonic() < deadline, "worker A never took a second page"
            assert ingest.poll() is None, ingest.communicate()
            time.sleep(0.1)
        time.sleep(0.5)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(10)
        killed_at = time.monotonic()
        stdout, stderr = ingest.communicate(timeout=240)
        finished_after_kill = time.monotonic() - killed_at
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(60)
            except subprocess.TimeoutExpired:
                w.kill()
        if ingest.poll() is None:
            ingest.kill()
    assert ingest.returncode == 0, stderr
    events = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    assert not [e for e in events if "error" in e]
    stored = [e for e in events if e.get("created")]
    assert Counter((e["dossier_code"], e["doc_type"]) for e in stored) == expected
    # the page A was recognizing when it died was redone by B
    assert _last_page(logs[0]) in _page_lines(logs[1])
    assert finished_after_kill > 0

    # The catalog (PostgreSQL) holds each document once, each page in one document only,
    # and the search index (Elasticsearch) finds every applicant.
    from sohoa.pipeline.services import open_archive
    from sohoa.pipeline.settings import load_settings

    settings = load_settings(environ=cluster_env)
    with open_archive(settings) as archive:
        stats = archive.stats()
        assert stats["documents"] == sum(expected.values())
        assert stats["quarantined"] == 0 and stats["search_pending"] == 0
        page_shas = []
        for event in stored:
            doc = archive.get_document(event["document_id"])
            assert doc["dossier_code"] == event["dossier_code"]
            page_shas += [p["sha256"] for p in doc["pages"]]
        assert len(page_shas) == len(set(page_shas)) == stats["pages"]
        for dossier in truth["dossiers"]:
            hits = archive.search(dossier["applicant_name"], limit=50)
            found = {h["document_id"] for h in hits}
            mine = {e["document_id"] for e in stored if e["dossier_code"] == dossier["code"]}
            assert found & mine, (dossier["applicant_name"], hits)
        blobs = list(archive.blobs.iter_all())
    # every stored PDF is in S3 (plus the page images)
    assert {e["sha256"] for e in stored} <= set(blobs)
