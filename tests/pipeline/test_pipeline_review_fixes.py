"""Fixes from the review of wave 2: each failed before."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from sohoa.archive.catalog import catalog_error
from sohoa.archive.disposal import same_person
from sohoa.errors import ConfigError, StorageError
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.synthyear import require_test_archive


def test_a_statement_error_is_a_bug_not_the_machine() -> None:
    url = "sqlite:////tmp/x/catalog.db"
    assert catalog_error(sqlite3.OperationalError("no such table: dossiers"), url) is None
    assert catalog_error(sqlite3.OperationalError('near "SELEC": syntax error'), url) is None
    assert isinstance(catalog_error(sqlite3.OperationalError("database is locked"), url),
                      StorageError)
    assert isinstance(catalog_error(sqlite3.OperationalError("disk I/O error"), url),
                      StorageError)
    # tester11 F24: SQLite's English stays out, and no ingest-only words on any command
    for english in ("database is locked", "disk I/O error", "attempt to write a readonly database"):
        said = str(catalog_error(sqlite3.OperationalError(english), url))
        assert english not in said and "Trang và tài liệu" not in said, said


def test_the_proposer_typed_without_diacritics_is_still_the_proposer() -> None:
    assert same_person("Nguyễn Văn An", "Nguyen Van An")
    assert same_person("Đặng Thị Mỹ Yến", "dang thi my yen")
    assert not same_person("Nguyễn Văn An", "Nguyễn Văn Anh")
    assert not same_person("", "")


def test_synth_year_refuses_an_archive_signed_with_an_agency_certificate(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path / "home")
    require_test_archive(settings)  # sohoa init's development identity: a trial archive
    real = dataclasses.replace(settings, pkcs12=tmp_path / "keys" / "ubnd-dong-nai.p12")
    with pytest.raises(ConfigError, match="kho thử"):
        require_test_archive(real)


def test_quarantine_retry_never_takes_another_file_of_the_same_name(tmp_path: Path) -> None:
    import hashlib

    from sohoa.pipeline.quarantine import current_path

    inbox = tmp_path / "inbox"
    (inbox / "failed").mkdir(parents=True)
    quarantined = b"%PDF-1.7 the bad scan"
    source = inbox / "scan0001.pdf"  # moved away by the hot folder
    older = inbox / "failed" / "scan0001.pdf"
    older.write_bytes(b"%PDF-1.7 an older, different scan of the same name")
    digest = hashlib.sha256(quarantined).hexdigest()
    assert current_path(str(source), digest) is None
    older.write_bytes(quarantined)
    assert current_path(str(source), digest) == older
    source.write_bytes(b"%PDF-1.7 fixed and put back")  # a fixed copy where it was
    assert current_path(str(source), digest) == source
