"""`sohoa status` and `sohoa jobs` during an outage (tester14 F5): with the blob store (S3) not
answering, status printed only the S3 error and jobs failed with it, while the catalog was up.
Now jobs reads the catalog alone, and status says each family's state and every figure the
families still up can give (exit 2: something is down). The S3 service is a port nobody listens
on: refused as a stopped server refuses."""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from sohoa.archive.unreachable import FAMILIES
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_status_and_jobs_go_on_while_the_blob_store_does_not_answer(tmp_path: Path) -> None:
    from sohoa.cli.main import cli

    home = tmp_path / "home"
    env = {"SOHOA_BLOBS": "s3://sohoa-archive/dong-nai",
           "SOHOA_S3_ENDPOINT": f"http://127.0.0.1:{_closed_port()}",
           "SOHOA_S3_ACCESS_KEY_ID": "sohoa", "SOHOA_S3_SECRET_ACCESS_KEY": "secret",
           "SOHOA_BROKER": ""}
    with open_archive(load_settings(home=home, environ=env), skip=FAMILIES) as archive:
        job_id = archive.start_job(["/scans/a.pdf"], None)
        archive.fail_job(job_id, "lô dừng vì lỗi của máy: kho tệp không trả lời")

    def run(*args: str) -> tuple[int, str, str]:
        done = CliRunner(env=env).invoke(cli, ["--home", str(home), *args],
                                         catch_exceptions=False)
        return done.exit_code, done.stdout, done.stderr

    code, out, err = run("jobs")
    assert code == 0, (out, err)
    assert job_id in out and "đã dừng vì lỗi" in out and "S3" not in out + err

    code, out, err = run("status")
    assert code == 2, (out, err)  # something is down: said, and the exit says it too
    lines = out.splitlines()
    [blobs] = [line for line in lines if line.startswith("kho tệp (blobs)")]
    assert "KHÔNG TRẢ LỜI — Không kết nối được dịch vụ lưu trữ S3" in blobs
    [catalog] = [line for line in lines if line.startswith("sổ mục lục (catalog)")]
    [search] = [line for line in lines if line.startswith("chỉ mục tìm kiếm (search)")]
    assert "KHÔNG TRẢ LỜI" not in catalog + search
    # the rest of the figures, from the catalog that answers
    assert "giấy tờ đã lưu: 0" in lines and "tệp bị cách ly: 0" in lines
    assert any(line.startswith("giấy tờ đang chờ rà soát") for line in lines)
    assert any(line.startswith("ký số:") for line in lines)
    assert not err.startswith("lỗi")



class _Dropping:
    """An "S3 service" that reads each request and drops the connection without an answer (a
    server going down): counts how often it was asked."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.taken = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.taken += 1
            with conn:
                conn.settimeout(5)
                with contextlib.suppress(OSError):
                    conn.recv(65536)  # the request, unanswered

    def close(self) -> None:
        self.sock.close()


def test_status_asks_a_failing_blob_store_once_while_the_store_keeps_its_retries(
        tmp_path: Path) -> None:
    """``sohoa status`` took ~3 s with S3 refused (boto3's first attempt and 5 retries with
    backoff): the operator's probe asks once; the store that reads and writes keeps its
    retries."""
    from sohoa.archive.s3blobs import STORE_RETRIES, S3Options, _make_client
    from sohoa.cli.main import cli

    server = _Dropping()
    try:
        env = {"SOHOA_BLOBS": "s3://sohoa-archive/dong-nai",
               "SOHOA_S3_ENDPOINT": f"http://127.0.0.1:{server.port}",
               "SOHOA_S3_ACCESS_KEY_ID": "sohoa", "SOHOA_S3_SECRET_ACCESS_KEY": "secret",
               "SOHOA_BROKER": ""}
        home = tmp_path / "home"
        open_archive(load_settings(home=home, environ=env), skip=FAMILIES).close()
        done = CliRunner(env=env).invoke(cli, ["--home", str(home), "status"],
                                         catch_exceptions=False)
        assert done.exit_code == 2, done.output
        [blobs] = [line for line in done.stdout.splitlines()
                   if line.startswith("kho tệp (blobs)")]
        assert "KHÔNG TRẢ LỜI — Không kết nối được dịch vụ lưu trữ S3" in blobs
        assert server.taken == 1
    finally:
        server.close()
    store = _make_client(S3Options(endpoint=f"http://127.0.0.1:{server.port}"), "sha256")
    assert store.meta.config.retries["total_max_attempts"] == STORE_RETRIES + 1 > 1


def test_a_give_up_reason_cut_to_fit_ends_at_a_word_and_keeps_what_to_do() -> None:
    """A queued message's give-up reason is cut to REASON_CHARS: it cut the store's own
    sentence inside a word ("… và dịch vụ l)."). Now it is cut at a word, says "…", and what
    the clerk is to do comes before botocore's English detail."""
    from sohoa.archive.s3blobs import S3BlobStore, S3Options
    from sohoa.errors import StorageError
    from sohoa.pipeline.queue.policy import REASON_CHARS, describe

    options = S3Options(endpoint=f"http://127.0.0.1:{_closed_port()}", access_key_id="sohoa",
                        secret_access_key="secret", probe=True)
    with pytest.raises(StorageError) as err:
        S3BlobStore("s3://sohoa-archive/dong-nai", options)
    full = str(err.value)
    reason = describe(err.value)
    assert len(full) > REASON_CHARS >= len(reason)
    assert reason.endswith("…")
    kept = reason.removesuffix("…")
    assert full.startswith(kept) and full[len(kept)] in " ,;:(-—)"  # a whole word kept
    assert "chạy lại đúng lệnh này" in reason
