"""`sohoa status` and `sohoa jobs` during an outage (tester14 F5): with the blob store (S3) not
answering, status printed only the S3 error and jobs failed with it, while the catalog was up.
Now jobs reads the catalog alone, and status says each family's state and every figure the
families still up can give (exit 2: something is down). The S3 service is a port nobody listens
on: refused as a stopped server refuses."""

from __future__ import annotations

import socket
from pathlib import Path

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

