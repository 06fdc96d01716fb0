"""One contract, two blob stores: every test here runs against the content-addressed directory
and against a real S3-compatible server (versitygw, started by scripts/services/s3.sh)."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import BLOB_STORES, S3Buckets, s3_options
from botocore.exceptions import ClientError

from sohoa.archive.blobs import BlobStore, FileBlobStore
from sohoa.archive.blobstores import open_blob_store
from sohoa.archive.s3blobs import MULTIPART_THRESHOLD, S3BlobStore, S3Options
from sohoa.errors import ConfigError, NotFoundError, StorageError, VerificationError


@pytest.fixture(params=BLOB_STORES, scope="module")
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def buckets(kind: str) -> Iterator[S3Buckets | None]:
    if kind != "s3":
        yield None
        return
    made = S3Buckets()
    yield made
    made.drop_all()


@pytest.fixture
def store(kind: str, buckets: S3Buckets | None, tmp_path: Path) -> BlobStore:
    if buckets is None:
        return open_blob_store(f"file://{tmp_path}/blobs")
    return open_blob_store(f"s3://{buckets.create()}/archive/blobs", buckets.options)


def overwrite(store: BlobStore, sha: str, data: bytes) -> None:
    """Change a stored blob behind the store's back (bit rot, a careless admin)."""
    if isinstance(store, FileBlobStore):
        store.path(sha).write_bytes(data)
    else:
        assert isinstance(store, S3BlobStore)
        store._client.put_object(Bucket=store.bucket, Key=store.key(sha), Body=data)


def test_put_is_content_addressed_and_idempotent(store: BlobStore) -> None:
    data = "Giấy chứng nhận quyền sử dụng đất".encode()
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.put(data) == sha
    assert store.exists(sha)
    assert store.get(sha) == data
    assert list(store.iter_all()) == [sha]


def test_empty_and_binary_blobs_round_trip(store: BlobStore) -> None:
    for data in (b"", bytes(range(256)) * 64):
        assert store.get(store.put(data)) == data


def test_iter_all_lists_every_blob_in_order_and_delete_removes_one(store: BlobStore) -> None:
    shas = [store.put(f"page {i}".encode()) for i in range(25)]
    assert list(store.iter_all()) == sorted(shas)
    store.delete(shas[3])
    store.delete(shas[3])  # deleting what is gone is not an error
    assert not store.exists(shas[3])
    assert list(store.iter_all()) == sorted(set(shas) - {shas[3]})
    with pytest.raises(NotFoundError):
        store.get(shas[3])


def test_a_changed_blob_is_detected_on_read(store: BlobStore) -> None:
    data = b"%PDF-1.7 signed record" * 100
    sha = store.put(data)
    overwrite(store, sha, data[:-1] + b"X")
    with pytest.raises(VerificationError, match="bị hỏng"):
        store.get(sha)
    # Content addressing: storing the right bytes again does not repair silently, and says so
    # on the next read as well; an operator restores from backup.
    with pytest.raises(VerificationError):
        store.get(sha)


def test_names_that_are_not_sha256_are_refused(store: BlobStore) -> None:
    for bad in ("../../etc/passwd", "AB" * 32, "ab" * 31, ""):
        with pytest.raises(NotFoundError):
            store.get(bad)
        with pytest.raises(NotFoundError):
            store.exists(bad)


def test_size_is_the_stored_length_and_none_when_absent(store: BlobStore) -> None:
    """Disposal adds these up for the destruction record's "bytes freed"."""
    for data in (b"", b"%PDF-1.7 " * 1000):
        assert store.size(store.put(data)) == len(data)
    assert store.size(hashlib.sha256(b"never stored").hexdigest()) is None


def test_missing_blob_is_not_found(store: BlobStore) -> None:
    sha = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(sha)
    with pytest.raises(NotFoundError):
        store.get(sha)


def test_large_blob_round_trips_through_multipart(store: BlobStore) -> None:
    data = os.urandom(MULTIPART_THRESHOLD + 3 * 1024 * 1024 + 17)  # 19 MiB and a bit: 3 parts
    sha = store.put(data)
    assert store.get(sha) == data
    if isinstance(store, S3BlobStore):
        head = store._client.head_object(Bucket=store.bucket, Key=store.key(sha),
                                         ChecksumMode="ENABLED")
        assert head["ETag"].strip('"').endswith("-3"), "went up as a 3-part multipart upload"
        assert head["ContentLength"] == len(data)
        assert head.get("ChecksumSHA256", "").endswith("-3"), "each part carried its SHA-256"
        uploads = store._client.list_multipart_uploads(Bucket=store.bucket)
        assert not uploads.get("Uploads"), "no unfinished multipart uploads are left"


# --- S3 only: the other checksum, the errors an operator can fix ----------------------------

@pytest.fixture(scope="module")
def s3() -> Iterator[tuple[S3Buckets, S3Options]]:
    made = S3Buckets()
    yield made, made.options
    made.drop_all()


def test_s3_content_md5_mode_for_services_without_flexible_checksums(
        s3: tuple[S3Buckets, S3Options]) -> None:
    buckets, options = s3
    store = S3BlobStore(f"s3://{buckets.create()}", options, checksum="md5")
    small = b"Content-MD5 instead of x-amz-checksum-sha256"
    big = os.urandom(MULTIPART_THRESHOLD)
    assert store.get(store.put(small)) == small
    assert store.get(store.put(big)) == big
    assert store.key(hashlib.sha256(small).hexdigest()).count("/") == 2  # no prefix: ab/cd/sha


def test_s3_server_refuses_bytes_that_do_not_match_their_checksum(
        s3: tuple[S3Buckets, S3Options]) -> None:
    buckets, options = s3
    store = S3BlobStore(f"s3://{buckets.create()}/p", options)
    meant = hashlib.sha256(b"what the store meant to send")
    with pytest.raises(ClientError, match="BadDigest"):
        store._client.put_object(Bucket=store.bucket, Key=store.key(meant.hexdigest()),
                                 Body=b"what arrived, damaged in transit",
                                 ChecksumSHA256=base64.b64encode(meant.digest()).decode())
    assert not store.exists(meant.hexdigest())


def test_s3_missing_bucket_is_a_configuration_error_naming_it(
        s3: tuple[S3Buckets, S3Options]) -> None:
    _, options = s3
    with pytest.raises(ConfigError, match="bucket 'sohoa-no-such-bucket' không tồn tại"):
        S3BlobStore("s3://sohoa-no-such-bucket/x", options)


def test_s3_wrong_secret_is_a_configuration_error_naming_the_settings(
        s3: tuple[S3Buckets, S3Options]) -> None:
    buckets, options = s3
    bad = S3Options(options.endpoint, options.region, options.access_key_id, "not-the-secret")
    refused = r"từ chối thông tin đăng nhập.*s3\.secret_access_key"
    with pytest.raises(ConfigError, match=refused) as err:
        S3BlobStore(f"s3://{buckets.create()}", bad)
    assert "not-the-secret" not in str(err.value)


def test_s3_unreachable_endpoint_says_which_setting_to_check() -> None:
    s3_options()  # only where the S3 half runs at all
    options = S3Options("http://127.0.0.1:9", "us-east-1", "sohoa-test", "sohoa-test-secret")
    unreachable = r"Không kết nối được dịch vụ lưu trữ S3 tại http://127\.0\.0\.1:9 .*s3\.endpoint"
    with pytest.raises(StorageError, match=unreachable):
        S3BlobStore("s3://sohoa-archive", options)


def test_s3_url_must_name_a_valid_bucket() -> None:
    for url in ("s3://", "s3:///prefix", "s3://Upper_Case/x", "s3://ok-bucket/x?endpoint=y"):
        with pytest.raises(ConfigError):
            open_blob_store(url)
