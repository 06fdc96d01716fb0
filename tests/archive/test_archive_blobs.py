from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sohoa.archive import BlobStore, FileBlobStore
from sohoa.errors import NotFoundError, VerificationError


def test_put_is_content_addressed_idempotent_and_laid_out_in_fanout_dirs(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    assert isinstance(store, BlobStore)
    data = "Giấy chứng nhận quyền sử dụng đất".encode()
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.put(data) == sha
    path = tmp_path / "blobs" / sha[:2] / sha[2:4] / sha
    assert path.read_bytes() == data
    assert store.get(sha) == data
    assert store.exists(sha)
    # Nothing but the blob itself: temp files were renamed into place, none left behind.
    assert [p.name for p in path.parent.iterdir()] == [sha]


def test_iter_all_and_delete(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    shas = {store.put(bytes([i]) * 100) for i in range(5)}
    assert set(store.iter_all()) == shas
    gone = sorted(shas)[0]
    store.delete(gone)
    assert not store.exists(gone)
    assert set(store.iter_all()) == shas - {gone}
    store.delete(gone)  # deleting twice is fine
    with pytest.raises(NotFoundError):
        store.get(gone)


def test_verified_read_detects_a_flipped_bit(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    sha = store.put(b"%PDF-1.7 " + bytes(range(256)) * 40)
    path = store.path(sha)
    raw = bytearray(path.read_bytes())
    raw[5000] ^= 0x04
    path.write_bytes(bytes(raw))
    with pytest.raises(VerificationError, match="bị hỏng"):
        store.get(sha)


def test_ids_that_are_not_sha256_are_refused_before_touching_the_disk(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path)
    for bad in ("../../etc/passwd", "ABC", "g" * 64, "A" * 64):
        with pytest.raises(NotFoundError):
            store.get(bad)
