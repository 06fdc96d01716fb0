"""review11b L3: the quarantine list looks at the file of each entry while scanners work in the
same folder: a file moved away between two looks (is it a file? how big, how old?) is listed
as gone or where it went, never an OSError (the web desk's page answered 500)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from archivist_helpers import make_home

from sohoa.pipeline import quarantinelist
from sohoa.pipeline.services import open_archive
from sohoa.records import Quarantined


def test_a_file_moved_while_the_list_is_read_is_not_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_home(tmp_path / "home")
    scan = tmp_path / "in" / "scan0001.jpg"
    scan.parent.mkdir()
    quarantined = b"\xff\xd8 a truncated scan"
    with open_archive(settings) as archive:
        job = archive.start_job([str(scan)], settings.unit)
        sha = hashlib.sha256(quarantined).hexdigest()
        archive.record_quarantine(job, Quarantined(str(scan), "ảnh hỏng", sha))
        archive.input_done(job, str(scan), sha, "quarantined", "ảnh hỏng")
        archive.finish_job(job, {})
        scan.write_bytes(b"the next session's scan0001.jpg")  # another file at that path
        [row] = quarantinelist.entries(archive)
        assert row["changed"] and row["now_size"] == len(b"the next session's scan0001.jpg")

        # The scanner's software moves it away right after the list saw a file there: the
        # move is real, made at the one moment a race would make it.
        real_is_file = Path.is_file

        def is_file_then_moved(self: Path) -> bool:
            there = real_is_file(self)
            if there and self == scan and sys._getframe(1).f_code.co_name == "entries":
                self.rename(tmp_path / "elsewhere.jpg")
            return there

        monkeypatch.setattr(Path, "is_file", is_file_then_moved)
        [row] = quarantinelist.entries(archive)
        assert row["path"] == str(scan) and "now_size" not in row and not scan.exists()
