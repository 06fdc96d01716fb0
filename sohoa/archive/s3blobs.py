"""The S3 blob store: ``blobs = "s3://bucket/prefix"`` on AWS or any S3-compatible service.

Same contract as :class:`sohoa.archive.blobs.FileBlobStore`: an object's key is
``prefix/ab/cd/abcdef…`` (the SHA-256 of its bytes, with the same fan-out), ``put`` is idempotent,
``get`` re-hashes what came back and raises VerificationError if it changed.

Every upload carries a checksum that the server verifies before it keeps the bytes, so a blob is
never stored damaged in transit: ``x-amz-checksum-sha256`` where the service supports flexible
checksums (AWS, versitygw, MinIO, …), or ``Content-MD5`` for those that do not (chosen
automatically when a service refuses the first, or with ``checksum="md5"``). Files of
``MULTIPART_THRESHOLD`` bytes or more go up as a multipart upload with a checksum on every part;
an upload that fails half-way is aborted so no parts linger.

The bucket is never created here: a mistyped bucket name would otherwise silently start a second,
empty archive, and a production bucket's versioning, object lock and lifecycle rules are the
operator's decision. Opening the store checks that the bucket exists and the credentials work, so a
wrong setting fails at once with a message that names the setting.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from sohoa.archive.blobs import _SHA, ANCHORS, check_anchor_name, check_sha
from sohoa.errors import ConfigError, NotFoundError, StorageError, VerificationError

MULTIPART_THRESHOLD = 16 * 1024 * 1024
PART_SIZE = 8 * 1024 * 1024  # S3's minimum is 5 MiB for every part but the last
PART_THREADS = 4
# Error codes with which services that lack flexible checksums refuse x-amz-checksum-*.
_NO_FLEXIBLE_CHECKSUMS = {"NotImplemented", "InvalidArgument", "InvalidRequest"}
_BAD_CREDENTIALS = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
                    "InvalidToken", "ExpiredToken", "403", "Forbidden"}
_MISSING = {"NoSuchKey", "404", "NotFound"}
# boto3's retries after the first attempt (botocore's ``max_attempts`` counts retries only) and
# timeouts, in seconds: the archive's store, and an operator's probe of the service
# (S3Options.probe), which must answer while the service is down
STORE_RETRIES, STORE_CONNECT_S, STORE_READ_S = 5, 5, 120
PROBE_RETRIES, PROBE_CONNECT_S, PROBE_READ_S = 0, 2, 5


@dataclass(frozen=True)
class S3Options:
    """Where and as whom to reach the service. Empty values fall back to boto3's own chain
    (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, ``~/.aws/credentials``,
    instance roles; ``AWS_REGION``; AWS's own endpoint)."""

    endpoint: str = ""
    region: str = ""
    access_key_id: str = ""
    secret_access_key: str = ""
    # An operator's probe (``sohoa status``) asks once and briefly (PROBE_*): a service that is
    # down is said at once, not after boto3's attempts and backoff. The store that reads and
    # writes the archive keeps its retries (STORE_*): a blip must not stop a batch.
    probe: bool = False

    def describe(self) -> str:
        """The endpoint and key id for displays; the secret is never shown."""
        endpoint = self.endpoint or "AWS (default endpoint)"
        who = f"access key {self.access_key_id}" if self.access_key_id else "AWS credential chain"
        return f"{endpoint}, {who}"


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → ("bucket", "some/prefix"); ConfigError if malformed."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ConfigError(f"địa chỉ kho tệp (blobs) {url!r} không phải địa chỉ S3; hãy ghi "
                          "s3://bucket hoặc s3://bucket/prefix")
    bucket = parsed.netloc
    if not (3 <= len(bucket) <= 63) or bucket != bucket.lower() or "_" in bucket:
        raise ConfigError(f"địa chỉ kho tệp (blobs) {url!r}: {bucket!r} không phải tên bucket "
                          "S3 hợp lệ (3–63 ký tự: chữ thường, chữ số, dấu chấm, gạch nối)")
    if parsed.query or parsed.fragment:
        raise ConfigError(f"địa chỉ kho tệp (blobs) {url!r}: hãy ghi địa chỉ dịch vụ và thông "
                          "tin đăng nhập trong mục [s3] (s3.endpoint, s3.region, …), không ghi "
                          "trong địa chỉ")
    return bucket, parsed.path.strip("/")


class S3BlobStore:
    """Blobs as objects under ``s3://bucket/prefix/ab/cd/abcdef…``."""

    def __init__(self, url: str, options: S3Options | None = None, *,
                 checksum: str = "sha256", client: Any = None) -> None:
        if checksum not in ("sha256", "md5"):
            raise ValueError(f"checksum must be 'sha256' or 'md5', not {checksum!r}")
        self.url = url
        self.bucket, self.prefix = parse_s3_url(url)
        self.options = options or S3Options()
        self.checksum = checksum
        self._client = client if client is not None else _make_client(self.options, checksum)
        self.check()

    # --- the BlobStore protocol -----------------------------------------------------------

    def key(self, sha: str) -> str:
        check_sha(sha)
        name = f"{sha[:2]}/{sha[2:4]}/{sha}"
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).digest()
        sha = digest.hex()
        if self.exists(sha):
            return sha
        key = self.key(sha)
        try:
            if len(data) >= MULTIPART_THRESHOLD:
                self._put_multipart(key, data)
            else:
                self._put_small(key, data, digest)
        except Exception as exc:
            raise self._error(exc, f"lưu tệp {sha[:12]}…") from exc
        return sha

    def get(self, sha: str) -> bytes:
        key = self.key(sha)
        try:
            data: bytes = self._client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except Exception as exc:
            if _code(exc) in _MISSING:
                raise NotFoundError(f"tệp {sha} không có trong kho tệp {self.url}") from exc
            raise self._error(exc, f"đọc tệp {sha[:12]}…") from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha:
            raise VerificationError(
                f"tệp {sha} bị hỏng: nội dung của nó trong {self.url} nay có mã băm {actual}. "
                "Hãy khôi phục từ bản sao lưu hoặc một phiên bản trước trong bucket rồi kiểm tra "
                "toàn vẹn cả kho (sohoa fixity check --all)")
        return data

    def exists(self, sha: str) -> bool:
        key = self.key(sha)
        try:
            self._client.head_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            if _code(exc) in _MISSING:
                return False
            raise self._error(exc, f"tra tệp {sha[:12]}…") from exc
        return True

    def size(self, sha: str) -> int | None:
        key = self.key(sha)
        try:
            head = self._client.head_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            if _code(exc) in _MISSING:
                return None
            raise self._error(exc, f"tra tệp {sha[:12]}…") from exc
        return int(head["ContentLength"])

    def delete(self, sha: str) -> None:
        key = self.key(sha)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            if _code(exc) in _MISSING:
                return
            raise self._error(exc, f"xóa tệp {sha[:12]}…") from exc

    def iter_all(self) -> Iterator[str]:
        """Every blob's SHA-256, in order (S3 lists keys sorted, and the fan-out sorts by sha)."""
        start = f"{self.prefix}/" if self.prefix else ""
        paginator = self._client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=start):
                for obj in page.get("Contents", ()):
                    name = obj["Key"].rsplit("/", 1)[-1]
                    if _SHA.fullmatch(name) and obj["Key"] == self.key(name):
                        yield name
        except Exception as exc:
            raise self._error(exc, "liệt kê các tệp") from exc

    def _anchor_key(self, name: str) -> str:
        name = f"{ANCHORS}/{check_anchor_name(name)}"
        return f"{self.prefix}/{name}" if self.prefix else name

    def put_anchor(self, name: str, data: bytes) -> None:
        key = self._anchor_key(name)
        try:
            self._put_small(key, data, hashlib.sha256(data).digest())
        except Exception as exc:
            raise self._error(exc, f"lưu mốc {name}") from exc

    def get_anchor(self, name: str) -> bytes:
        try:
            data: bytes = self._client.get_object(
                Bucket=self.bucket, Key=self._anchor_key(name))["Body"].read()
        except Exception as exc:
            if _code(exc) in _MISSING:
                raise NotFoundError(f"không có mốc {name} trong {self.url}") from exc
            raise self._error(exc, f"đọc mốc {name}") from exc
        return data

    def anchors(self) -> list[str]:
        start = self._anchor_key("x")[:-1]
        names: list[str] = []
        try:
            for page in self._client.get_paginator("list_objects_v2").paginate(
                    Bucket=self.bucket, Prefix=start):
                names += [o["Key"][len(start):] for o in page.get("Contents", ())]
        except Exception as exc:
            raise self._error(exc, "liệt kê các mốc") from exc
        return sorted(n for n in names if "/" not in n)

    def close(self) -> None:
        closer = getattr(self._client, "close", None)
        if closer is not None:
            closer()

    # --- checks and uploads ---------------------------------------------------------------

    def check(self) -> None:
        """Fail now, with the setting to fix, if the bucket or the credentials are wrong."""
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except Exception as exc:
            raise self._error(exc, f"mở bucket {self.bucket!r}") from exc

    def _put_small(self, key: str, data: bytes, digest: bytes) -> None:
        if self.checksum == "sha256":
            try:
                self._client.put_object(Bucket=self.bucket, Key=key, Body=data,
                                        ChecksumSHA256=_b64(digest))
                return
            except Exception as exc:
                if _code(exc) not in _NO_FLEXIBLE_CHECKSUMS:
                    raise
                self._fall_back_to_md5()
        self._client.put_object(Bucket=self.bucket, Key=key, Body=data,
                                ContentMD5=_b64(hashlib.md5(data).digest()))

    def _put_multipart(self, key: str, data: bytes) -> None:
        if self.checksum == "sha256":
            try:
                self._multipart(key, data, sha256=True)
                return
            except Exception as exc:
                if _code(exc) not in _NO_FLEXIBLE_CHECKSUMS:
                    raise
                self._fall_back_to_md5()
        self._multipart(key, data, sha256=False)

    def _multipart(self, key: str, data: bytes, *, sha256: bool) -> None:
        extra = {"ChecksumAlgorithm": "SHA256"} if sha256 else {}
        upload_id = self._client.create_multipart_upload(
            Bucket=self.bucket, Key=key, **extra)["UploadId"]
        view = memoryview(data)
        chunks = [(n + 1, view[i:i + PART_SIZE]) for n, i in enumerate(range(0, len(data),
                                                                            PART_SIZE))]

        def upload(part: tuple[int, memoryview]) -> dict[str, Any]:
            number, chunk = part
            body = bytes(chunk)
            if sha256:
                check = {"ChecksumSHA256": _b64(hashlib.sha256(body).digest())}
            else:
                check = {"ContentMD5": _b64(hashlib.md5(body).digest())}
            answer = self._client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                              PartNumber=number, Body=body, **check)
            done = {"PartNumber": number, "ETag": answer["ETag"]}
            if sha256:
                done["ChecksumSHA256"] = answer.get("ChecksumSHA256", check["ChecksumSHA256"])
            return done

        try:
            with ThreadPoolExecutor(max_workers=min(PART_THREADS, len(chunks))) as pool:
                parts = list(pool.map(upload, chunks))
            self._client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id,
                MultipartUpload={"Parts": parts})
        except BaseException:
            # The original failure is what the user must see, not a failed clean-up.
            with contextlib.suppress(Exception):
                self._client.abort_multipart_upload(Bucket=self.bucket, Key=key,
                                                    UploadId=upload_id)
            raise

    def _fall_back_to_md5(self) -> None:
        """The service refused flexible checksums: use Content-MD5 from now on (and stop
        botocore adding its own CRC32 checksums, which such services refuse too)."""
        self.checksum = "md5"
        self._client = _make_client(self.options, "md5")

    # --- errors ---------------------------------------------------------------------------

    def _error(self, exc: BaseException, action: str) -> Exception:
        """A message that says which setting to fix, for the failures an operator can fix."""
        from botocore.exceptions import (
            ConnectionClosedError,
            NoCredentialsError,
            PartialCredentialsError,
            ReadTimeoutError,
        )
        from botocore.exceptions import (
            ConnectionError as BotoConnectionError,
        )

        where = self.options.endpoint or "AWS S3"
        code = _code(exc)
        if isinstance(exc, NoCredentialsError | PartialCredentialsError):
            return ConfigError(
                f"chưa có thông tin đăng nhập S3 để {action} trong {self.url}: hãy đặt "
                "s3.access_key_id và s3.secret_access_key trong sohoa.toml (hoặc biến môi "
                "trường SOHOA_S3_ACCESS_KEY_ID và SOHOA_S3_SECRET_ACCESS_KEY, hoặc các biến "
                "AWS_*)")
        # refused, timed out, or dropped before it answered: to the clerk, all "does not answer"
        if isinstance(exc, BotoConnectionError | ConnectionClosedError | ReadTimeoutError):
            # the clerk's words: shown when the storage server goes away mid-batch
            # botocore's own sentence (English, with the whole URL) goes last: a reason cut
            # to fit a line (a queue give-up's) keeps what to do, not the library's words
            return StorageError(
                f"Không kết nối được dịch vụ lưu trữ S3 tại {where} khi {action}. Kiểm tra "
                "s3.endpoint (SOHOA_S3_ENDPOINT) và dịch vụ lưu trữ có đang chạy; tài liệu đã "
                "lưu vẫn còn, không có gì bị ghi dở: khắc phục xong thì chạy lại đúng lệnh này "
                f"để làm tiếp. (Chi tiết: {exc})")
        if code in _BAD_CREDENTIALS:
            who = self.options.access_key_id or "lấy theo chuỗi thông tin đăng nhập của AWS"
            return ConfigError(
                f"dịch vụ S3 tại {where} từ chối thông tin đăng nhập (khóa truy cập {who}) khi "
                f"{action} trong {self.url} ({code}); hãy kiểm tra s3.access_key_id và "
                "s3.secret_access_key, và khóa này có được đọc, ghi bucket không")
        if code in ("NoSuchBucket", "404", "NotFound") and action.startswith("mở"):
            return ConfigError(
                f"bucket {self.bucket!r} không tồn tại tại {where}; hãy tạo bucket trước "
                "(sohoa không tự tạo bucket: người quản trị chọn chế độ lưu phiên bản và "
                "khóa đối tượng của nó), hoặc sửa thiết lập 'blobs'")
        if code == "NoSuchBucket":
            return StorageError(f"bucket {self.bucket!r} đã biến mất khỏi {where} khi đang "
                                f"{action}; hãy kiểm tra dịch vụ lưu trữ")
        if code == "BadDigest":
            return StorageError(
                f"dịch vụ S3 tại {where} từ chối {action}: dữ liệu nhận được không khớp mã "
                "kiểm tra (hỏng trên đường truyền); chưa có gì được lưu, hãy thử lại")
        if isinstance(exc, StorageError | ConfigError):
            return exc
        return StorageError(f"không {action} được trong {self.url} tại {where}: {exc}")


def _make_client(options: S3Options, checksum: str) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:  # pragma: no cover - boto3 is a dependency
        raise ConfigError(f"kho tệp s3:// cần gói boto3 ({exc}); hãy cài lại sohoa") from exc
    retries, connect_s, read_s = ((PROBE_RETRIES, PROBE_CONNECT_S, PROBE_READ_S)
                                  if options.probe else
                                  (STORE_RETRIES, STORE_CONNECT_S, STORE_READ_S))
    config = Config(
        retries={"max_attempts": retries, "mode": "standard"},
        connect_timeout=connect_s, read_timeout=read_s,
        max_pool_connections=max(10, PART_THREADS * 2),
        # Path-style requests (endpoint/bucket/key) work on every S3-compatible service;
        # virtual-host style needs wildcard DNS that a private endpoint rarely has.
        s3={"addressing_style": "path" if options.endpoint else "auto"},
        # With md5 the service lacks flexible checksums: botocore must not add its CRC32 ones.
        request_checksum_calculation="when_supported" if checksum == "sha256" else
        "when_required",
        response_checksum_validation="when_supported" if checksum == "sha256" else
        "when_required",
    )
    session = boto3.session.Session(
        aws_access_key_id=options.access_key_id or None,
        aws_secret_access_key=options.secret_access_key or None,
        region_name=options.region or os.environ.get("AWS_REGION") or None,
    )
    return session.client("s3", endpoint_url=options.endpoint or None, config=config)


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")
