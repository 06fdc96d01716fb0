"""What a clerk reads of the machine's errors is Vietnamese, with the path as it is: the hot
folder on a read-only disk said the OS's "Read-only file system", and the blob store's full
disk named its folder "//work/…" (tester14's nits)."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest

from sohoa.errors import MACHINE_ERRNOS, os_said

_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàáèéìíòóùúý]")


def test_every_error_of_the_machine_is_said_in_vietnamese() -> None:
    for number in sorted(MACHINE_ERRNOS | {errno.ENOENT, errno.ENOTDIR, errno.EISDIR}):
        said = os_said(OSError(number, os.strerror(number)))
        assert _VIETNAMESE.search(said) and os.strerror(number) not in said, (number, said)


def test_the_oss_own_errors_are_said_in_vietnamese(tmp_path: Path) -> None:
    """Errors the OS raises here, not made up: a file missing, a file where a folder is."""
    (tmp_path / "a-file").write_bytes(b"x")
    for attempt in (lambda: (tmp_path / "missing.pdf").read_bytes(),
                    lambda: (tmp_path / "a-file" / "b.pdf").write_bytes(b"x"),
                    lambda: tmp_path.read_bytes()):
        with pytest.raises(OSError) as raised:
            attempt()
        said = os_said(raised.value)
        assert _VIETNAMESE.search(said) and raised.value.strerror not in said, said


def test_an_errno_without_words_keeps_the_oss_sentence_after_a_vietnamese_head() -> None:
    said = os_said(OSError(errno.EOWNERDEAD, os.strerror(errno.EOWNERDEAD)))
    assert said == f"lỗi của hệ điều hành: {os.strerror(errno.EOWNERDEAD)}"


def test_the_hot_folders_read_only_disk_is_said_in_the_clerks_words() -> None:
    from sohoa.cli.main import error_line
    from sohoa.scanners.watch import _machine_error

    exc = OSError(errno.EROFS, os.strerror(errno.EROFS), "/srv/hot/done")
    line = error_line(_machine_error(exc, Path("/srv/hot/a.pdf")))
    assert "chỉ cho đọc" in line and "Read-only" not in line and "(/srv/hot/done)" in line


def test_a_homes_blob_folder_is_named_with_one_slash(tmp_path: Path) -> None:
    """``file:///{home}/blobs`` with an absolute home is ``file:////srv/…``: its path was kept
    as "//srv/…", the name every blob-store message gave."""
    from sohoa.archive.blobs import FileBlobStore
    from sohoa.archive.urls import blob_path
    from sohoa.pipeline.settings import load_settings

    url = load_settings(home=tmp_path / "home", environ={}).blobs
    assert blob_path(url) == tmp_path / "home" / "blobs"
    assert str(blob_path(url)).startswith("/") and not str(blob_path(url)).startswith("//")
    assert blob_path("file:///srv/kho") == Path("/srv/kho")
    store = FileBlobStore(blob_path(url))
    assert str(store.path("a" * 64)).startswith(str(tmp_path))


def test_a_relative_file_url_is_still_refused() -> None:
    from sohoa.archive.urls import blob_path
    from sohoa.errors import ConfigError

    for url in ("file:relative/blobs", "file:///", "file:////"):
        with pytest.raises(ConfigError, match="đường dẫn tuyệt đối"):
            blob_path(url)


def test_the_search_index_that_cannot_be_opened_is_said_in_vietnamese(tmp_path: Path) -> None:
    # review15a S1: the index's opening formatted the OSError itself ("[Errno 17] File exists").
    from sohoa.archive.search import TantivyIndex
    from sohoa.errors import StorageError

    (tmp_path / "afile").write_text("x")
    with pytest.raises(StorageError) as raised:
        TantivyIndex(tmp_path / "afile" / "index")._open()
    assert "Errno" not in str(raised.value) and "exists" not in str(raised.value)
    assert "đã có tệp trùng tên" in str(raised.value)
