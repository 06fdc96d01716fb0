"""What `sohoa init` and `sohoa status` show of the configured backends: everything an operator
needs to check the setup, no password and no S3 secret."""

from __future__ import annotations

from pathlib import Path

from sohoa.archive.s3blobs import S3Options
from sohoa.archive.urls import safe_display
from sohoa.pipeline.services import backends, describe_backends, s3_options
from sohoa.pipeline.settings import load_settings


def test_cluster_backends_are_shown_with_secrets_masked(tmp_path: Path) -> None:
    env = {
        "SOHOA_DB": "postgresql+psycopg://sohoa:db-secret@db.internal:5432/sohoa",
        "SOHOA_BLOBS": "s3://sohoa-archive/dong-nai",
        "SOHOA_SEARCH": "https://search:es-secret@es.internal:9200/sohoa",
        "SOHOA_BROKER": "redis://:redis-secret@queue.internal:6379/0",
        "SOHOA_S3_ENDPOINT": "https://s3.internal",
        "SOHOA_S3_REGION": "ap-southeast-1",
        "SOHOA_S3_ACCESS_KEY_ID": "AKIASOHOA",
        "SOHOA_S3_SECRET_ACCESS_KEY": "s3-secret",
    }
    settings = load_settings(home=tmp_path, environ=env)
    assert s3_options(settings) == S3Options("https://s3.internal", "ap-southeast-1",
                                             "AKIASOHOA", "s3-secret")
    shown = backends(settings)
    text = "\n".join(describe_backends(shown)) + repr(shown)
    assert "s3-secret" not in repr(settings)
    for secret in ("db-secret", "es-secret", "redis-secret", "s3-secret"):
        assert secret not in text
    assert shown["db"] == "postgresql+psycopg://sohoa:***@db.internal:5432/sohoa"
    assert shown["broker"] == "redis://:***@queue.internal:6379/0"
    assert shown["s3"]["endpoint"] == "https://s3.internal"
    assert shown["s3"]["access_key_id"] == "AKIASOHOA"
    assert ("kho tệp (blobs): s3://sohoa-archive/dong-nai (máy chủ https://s3.internal, vùng "
            "ap-southeast-1, mã truy cập AKIASOHOA, khóa bí mật ***)") in text, text


def test_s3_left_to_aws_defaults_says_so_in_vietnamese(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path, environ={"SOHOA_BLOBS": "s3://kho/dong-nai"})
    [line] = [x for x in describe_backends(backends(settings)) if x.startswith("kho tệp")]
    assert line == ("kho tệp (blobs): s3://kho/dong-nai (máy chủ (mặc định của AWS), vùng "
                    "(theo AWS_REGION hoặc mặc định), mã truy cập (theo cấu hình AWS của máy: "
                    "biến môi trường, ~/.aws), khóa bí mật (không đặt ở đây))"), line


def test_embedded_backends_say_so(tmp_path: Path) -> None:
    lines = describe_backends(backends(load_settings(home=tmp_path, environ={})))
    assert lines[0] == f"sổ mục lục (catalog): sqlite:///{tmp_path.resolve()}/catalog.db"
    assert lines[-1] == "hàng đợi (broker): (không có: xử lý ngay trong tiến trình này)"
    assert safe_display("file:///var/lib/sohoa/blobs") == "file:///var/lib/sohoa/blobs"
