"""The S3 server stopped and started again in the middle of a batch, for real (a private
versitygw of this test on its own port and directory; the shared one is never stopped).

The ingest rides it out (boto3 retries) or stops with the reason and exit 2; never a
traceback, never exit 1, nothing quarantined, no blob half-written under its name. The same
command then stores exactly what a clean run stores, and fixity re-reads every blob from S3."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faults_helpers import (
    Stored,
    assert_like_clean,
    ingest_through_restart,
    run_sohoa,
)
from testtools import REPO

SCRIPT = REPO / "scripts" / "services" / "s3.sh"
PORT = "7091"
KEY, SECRET = "sohoa-test", "sohoa-test-secret"


def _s3(action: str, run_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/local/go/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": str(Path.home()),
           "SOHOA_S3_PORT": PORT, "SOHOA_S3_DIR": str(run_dir)}
    return subprocess.run(["bash", str(SCRIPT), action], env=env, capture_output=True,
                          text=True, timeout=900, check=False)


@pytest.fixture()
def own_s3() -> Iterator[tuple[str, Path]]:
    # on disk, not tmpfs: versitygw keeps metadata in extended attributes
    run_dir = Path(tempfile.mkdtemp(prefix="sohoa-faults-s3-", dir="/var/tmp"))
    started = _s3("start", run_dir)
    if started.returncode != 0:
        shutil.rmtree(run_dir, ignore_errors=True)
        pytest.fail(f"no S3 server here: {started.stderr.strip()[-300:]}")
    endpoint = started.stdout.strip()
    import boto3

    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEY,
                 aws_secret_access_key=SECRET, region_name="us-east-1").create_bucket(
        Bucket="faults")
    try:
        yield endpoint, run_dir
    finally:
        _s3("stop", run_dir)
        shutil.rmtree(run_dir, ignore_errors=True)


def test_s3_restarted_mid_batch(tmp_path: Path, own_s3: tuple[str, Path],
                                batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    endpoint, run_dir = own_s3
    path, _ = batch
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0  # the development signing key
    env = {"SOHOA_BLOBS": "s3://faults/archive", "SOHOA_S3_ENDPOINT": endpoint,
           "SOHOA_S3_REGION": "us-east-1", "SOHOA_S3_ACCESS_KEY_ID": KEY,
           "SOHOA_S3_SECRET_ACCESS_KEY": SECRET}
    ingest_through_restart(home, path, env, lambda action: _s3(action, run_dir))

    again = run_sohoa(home, "ingest", str(path), "--json", **env)
    assert again.returncode == 0, again.stderr
    assert_like_clean(home, clean, **env)
