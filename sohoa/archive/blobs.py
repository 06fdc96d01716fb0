"""Content-addressed blob stores: a file's name is the SHA-256 of its bytes.

Content addressing makes ``put`` idempotent (the same bytes land on the same name) and makes every
read verifiable (the name is the checksum). :class:`FileBlobStore` is the embedded default;
``sohoa.archive.s3blobs.S3BlobStore`` implements the same :class:`BlobStore` protocol on S3.
:func:`open_blob_store` picks one by URL.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from sohoa.errors import NotFoundError, StorageError, VerificationError, os_said

_SHA = re.compile(r"[0-9a-f]{64}")


def check_sha(sha: str) -> str:
    """Return ``sha`` if it is a lower-case SHA-256 hex digest; a path-safe name by construction."""
    if not isinstance(sha, str) or not _SHA.fullmatch(sha):
        raise NotFoundError(f"{sha!r} không phải mã tệp SHA-256 trong kho (64 chữ số hệ "
                            "mười sáu viết thường)")
    return sha


@runtime_checkable
class BlobStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data`` durably; return its SHA-256 hex. Storing the same bytes twice is a
        no-op."""
        ...

    def get(self, sha: str) -> bytes:
        """Return the bytes named ``sha``, re-hashed: VerificationError if they changed."""
        ...

    def exists(self, sha: str) -> bool: ...

    def size(self, sha: str) -> int | None:
        """The stored blob's size in bytes, None if it is not there (not re-hashed)."""
        ...

    def delete(self, sha: str) -> None: ...

    def iter_all(self) -> Iterator[str]: ...

    def put_anchor(self, name: str, data: bytes) -> None:
        """Keep a log checkpoint under ``anchors/NAME`` beside the blobs (outside the catalog,
        so that whoever can rewrite the catalog does not rewrite these with it)."""
        ...

    def get_anchor(self, name: str) -> bytes: ...

    def anchors(self) -> list[str]:
        """The names of the kept checkpoints, sorted."""
        ...

    def close(self) -> None:
        """Release connections (the S3 client's); the store is not used afterwards."""
        ...


ANCHORS = "anchors"
_ANCHOR_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def check_anchor_name(name: str) -> str:
    if not _ANCHOR_NAME.fullmatch(name):
        raise ValueError(f"not a checkpoint name: {name!r}")
    return name


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the whole new one: a
    temporary file beside it, flushed to disk, renamed over it (atomic on POSIX)."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class FileBlobStore:
    """Blobs as files under ``root/ab/cd/abcdef…``: two levels of 256 directories keep any one
    directory small at millions of files.

    ``put`` is atomic and durable: write to a temp file in the target directory, fsync it, rename
    it into place (atomic on POSIX within one file system), then fsync the directory so the new
    name itself survives a power cut. A crash leaves at most a stray ``.tmp-*`` file, never a
    truncated blob under a real name.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"không tạo được thư mục kho tệp {self.root}: {os_said(exc)}; hãy kiểm tra "
                "đường dẫn và quyền của thiết lập 'blobs'") from exc

    def path(self, sha: str) -> Path:
        check_sha(sha)
        return self.root / sha[:2] / sha[2:4] / sha

    def put(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        final = self.path(sha)
        if final.exists():
            return sha
        directory = final.parent
        try:
            if not directory.is_dir():
                directory.mkdir(parents=True, exist_ok=True)
                # New fan-out directories must be durable too, or the blob's name could vanish.
                _fsync_dir(directory.parent)
                _fsync_dir(self.root)
            write_atomically(final, data)
            _fsync_dir(directory)
        except OSError as exc:
            raise StorageError(
                f"Không ghi được tệp {sha[:12]}… vào kho tệp {directory}: "
                f"{os_said(exc)}. "
                "Kiểm tra chỗ trống và quyền ghi; tài liệu chưa được lưu, khắc phục xong thì "
                "chạy lại đúng lệnh này để làm tiếp.") from exc
        return sha

    def get(self, sha: str) -> bytes:
        path = self.path(sha)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"tệp {sha} không có trong kho tệp {self.root}") from exc
        except OSError as exc:
            raise StorageError(f"không đọc được tệp {path} trong kho: {os_said(exc)}") from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha:
            raise VerificationError(
                f"tệp {sha} bị hỏng: nội dung của nó nay có mã băm {actual}. Hãy khôi phục từ "
                "bản sao lưu rồi kiểm tra toàn vẹn cả kho (sohoa fixity check --all)")
        return data

    def exists(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def size(self, sha: str) -> int | None:
        path = self.path(sha)
        try:
            return path.stat().st_size
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(f"không tra được tệp {path} trong kho: {os_said(exc)}") from exc

    def delete(self, sha: str) -> None:
        path = self.path(sha)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"không xóa được tệp {path} trong kho: {os_said(exc)}") from exc
        _fsync_dir(path.parent)

    def iter_all(self) -> Iterator[str]:
        for first in sorted(self.root.iterdir()):
            if not (first.is_dir() and len(first.name) == 2):
                continue
            for second in sorted(first.iterdir()):
                if not second.is_dir():
                    continue
                for blob in sorted(second.iterdir()):
                    if _SHA.fullmatch(blob.name):
                        yield blob.name

    def put_anchor(self, name: str, data: bytes) -> None:
        directory = self.root / ANCHORS
        try:
            if not directory.is_dir():
                directory.mkdir(parents=True, exist_ok=True)
                _fsync_dir(self.root)
            write_atomically(directory / check_anchor_name(name), data)
            _fsync_dir(directory)
        except OSError as exc:
            raise StorageError(f"không ghi được mốc {name} vào {directory}: "
                               f"{os_said(exc)}; hãy kiểm tra chỗ trống trên đĩa và quyền "
                               "ghi") from exc

    def get_anchor(self, name: str) -> bytes:
        path = self.root / ANCHORS / check_anchor_name(name)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"không có mốc {name} trong {path.parent}") from exc

    def anchors(self) -> list[str]:
        directory = self.root / ANCHORS
        if not directory.is_dir():
            return []
        return sorted(p.name for p in directory.iterdir()
                      if p.is_file() and _ANCHOR_NAME.fullmatch(p.name))

    def close(self) -> None:
        """Nothing to release: every call opens and closes its own file."""


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
