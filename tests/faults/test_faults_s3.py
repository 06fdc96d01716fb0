"""The S3 server going away in the middle of a batch, for real (a private versitygw of this test
on a free port and its own directory; the shared one is never stopped).

The fault lands mid-batch for sure: the ingest is held still once its first document is stored
(with documents left to store), the server is stopped, and the ingest goes on without it.
Defined outcome: boto3 retries a few times, then the ingest stops cleanly with the reason
(exit 2); never a traceback, never exit 1, nothing quarantined, no blob half-written under its
name. Once the server is back the same command stores exactly what a clean run stores, and
fixity re-reads every blob from S3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from faults_helpers import (
    Stored,
    assert_like_clean,
    ingest_through_outage,
    json_lines,
    run_sohoa,
    stored,
)
from private_servers import Server

KEY, SECRET = "sohoa-test", "sohoa-test-secret"


def test_s3_gone_mid_batch_stops_the_ingest_and_the_same_command_finishes(
        tmp_path: Path, home: Path, own_s3: tuple[Server, str], batch: tuple[Path, dict[str, Any]],
        clean: Stored) -> None:
    server, endpoint = own_s3
    import boto3

    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEY,
                 aws_secret_access_key=SECRET, region_name="us-east-1").create_bucket(
        Bucket="faults")
    path, _ = batch
    env = {"SOHOA_BLOBS": "s3://faults/archive", "SOHOA_S3_ENDPOINT": endpoint,
           "SOHOA_S3_REGION": "us-east-1", "SOHOA_S3_ACCESS_KEY_ID": KEY,
           "SOHOA_S3_SECRET_ACCESS_KEY": SECRET}
    code, stdout, stderr = ingest_through_outage(home, path, clean, env, server.service)
    assert code == 2, stderr
    assert "S3" in stderr and "chạy lại" in stderr, stderr
    assert not [e for e in json_lines(stdout) if "error" in e], stdout  # nothing quarantined
    partial = stored(home)
    assert partial and partial < clean

    assert server.service("start").returncode == 0  # back, with what it kept on disk
    again = run_sohoa(home, "ingest", str(path), "--json", **env)
    assert again.returncode == 0, again.stderr
    assert_like_clean(home, clean, **env)
