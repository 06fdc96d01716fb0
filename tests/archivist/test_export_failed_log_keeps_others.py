"""review17 M9, N13: `write` takes a non-empty folder that has a `data/` folder for
an unfinished bag of its own, without checking it is one (no bagit.txt asked), and when the access
log then cannot be written it removes `out/data` entirely — files that were there before the
export, not the bag's, go with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from archivist_helpers import opened, signer_for, store
from sqlalchemy import text

from sohoa.archive import bagit
from sohoa.errors import ConfigError, StorageError
from sohoa.pipeline.exportjob import write
from sohoa.pipeline.settings import Settings

DOSSIER = "HS-075-2024-0009"


def test_a_failed_export_removes_only_what_it_wrote(settings: Settings, tmp_path: Path) -> None:
    with opened(settings) as archive:
        store(archive, signer_for(settings), "card", dossier=DOSSIER)
        with archive.transaction(write=True) as conn:
            conn.execute(text("CREATE TRIGGER full_log BEFORE INSERT ON access_log "
                              "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"))
    usb = tmp_path / "usb"  # a drive whose own folder is called data/
    (usb / "data").mkdir(parents=True)
    (usb / "data" / "bao-cao-2025.xlsx").write_bytes(b"the office's own file")
    # N13: a data/ folder that no export of ours began is no bag to go on with
    with pytest.raises(ConfigError, match="không trống"):
        write(settings, usb, dossier=DOSSIER, by="Lê Thu Hà", purpose="nộp lưu")
    assert (usb / "data" / "bao-cao-2025.xlsx").read_bytes() == b"the office's own file"
    # a bag an export began, with someone's file dropped into it: the failed log takes off
    # only what the export put there
    bag = tmp_path / "bag"
    with pytest.raises(StorageError):
        write(settings, bag, dossier=DOSSIER, by="Lê Thu Hà", purpose="nộp lưu")
    assert (bag / bagit.DECLARATION).is_file()
    (bag / "data" / "ghi-chu.txt").write_bytes(b"a note")
    with pytest.raises(StorageError):
        write(settings, bag, dossier=DOSSIER, by="Lê Thu Hà", purpose="nộp lưu")
    assert (bag / "data" / "ghi-chu.txt").exists(), "a file not the bag's was deleted"
    assert not list((bag / "data").rglob("*.pdf")), "the papers stayed with no access-log entry"
