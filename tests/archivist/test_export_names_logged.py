"""review17 M2/N6/N9: every person a bag names has the export in her access log, and no valid
bag is on disk without those entries.

A legal hold on a co-owner travels in the bag's legal-holds.json with her number and the hold's
reason; her shared paper and her recorded death (retention.json) too. Her data left the archive,
so the export is in her access log, as a register line's citizen's is (e260ff1). The reads are
logged before the bag is finished: when the access log cannot be written, the directory holds an
unfinished bag that `export verify` refuses, and running the export again completes it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from archivist_helpers import opened, signer_for, store
from sqlalchemy import text

from sohoa.archive import bagit, holds, retention
from sohoa.errors import StorageError
from sohoa.pipeline.exportjob import write
from sohoa.pipeline.settings import Settings

DOSSIER = "HS-075-2024-0008"
HUSBAND, WIFE = "075203001234", "075303004321"


def _marriage(settings: Settings) -> str:
    with opened(settings) as archive:
        return store(archive, signer_for(settings), "kh", doc_type="marriage_certificate",
                     title="GIẤY CHỨNG NHẬN KẾT HÔN", owner_id=HUSBAND, dossier=DOSSIER,
                     co_owners=((WIFE, "Trần Thị Hoa"),))


def _exports(settings: Settings, person: str) -> list[dict]:
    with opened(settings) as archive:
        return [r for r in archive.access_events(owner=person) if r["action"] == "export"]


def test_a_co_owner_named_by_a_hold_in_the_bag_has_the_export_logged(
        settings: Settings, tmp_path: Path) -> None:
    paper = _marriage(settings)
    with opened(settings) as archive:
        hold = holds.place(archive, "owner", WIFE, reason="Tòa án yêu cầu giữ (vụ ly hôn)",
                           by="Lê Thu Hà")
    bag = tmp_path / "bag"
    write(settings, bag, dossier=DOSSIER, by="Lê Thu Hà", purpose="nộp lưu")
    held = json.loads((bag / "data" / "legal-holds.json").read_text(encoding="utf-8"))
    assert [h["target"] for h in held["holds"]] == [WIFE]  # her number is in the bag
    [read] = _exports(settings, WIFE)
    assert read["request"]["documents"] == [paper]
    assert read["request"]["holds"] == [hold["hold"]]
    # who placed it travels too, as for a hold on the owner
    audit = [json.loads(line) for line in
             (bag / "data" / "audit-events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["action"], e["target"]) for e in audit if e["target"] == WIFE] == [
        ("hold.placed", WIFE)]
    [mine] = _exports(settings, HUSBAND)
    assert mine["request"]["documents"] == [paper] and "holds" not in mine["request"]


def test_a_co_owners_death_travels_in_retention_json_and_is_logged(
        settings: Settings, tmp_path: Path) -> None:
    _marriage(settings)
    with opened(settings) as archive:
        retention.record_event(archive, "died", WIFE, date(2025, 3, 4), reason=None,
                               by="Lê Thu Hà")
    bag = tmp_path / "bag"
    write(settings, bag, dossier=DOSSIER, by="Lê Thu Hà", purpose="nộp lưu")
    kept = json.loads((bag / "data" / "retention.json").read_text(encoding="utf-8"))
    assert [(e["subject_id"], e["event"], e["on"]) for e in kept["events"]] == [
        (WIFE, "died", "2025-03-04")]
    [read] = _exports(settings, WIFE)
    assert read["request"]["retention_events"] == ["died 2025-03-04"]


def test_no_valid_bag_is_left_when_the_access_log_cannot_be_written(
        settings: Settings, tmp_path: Path) -> None:
    _marriage(settings)
    with opened(settings) as archive, archive.transaction(write=True) as conn:
        conn.execute(text("CREATE TRIGGER full_log BEFORE INSERT ON access_log "
                          "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"))
    bag = tmp_path / "bag"
    with pytest.raises(StorageError, match="nhật ký truy cập"):
        write(settings, bag, dossier=DOSSIER, by="Lê Thu Hà", purpose="nộp lưu")
    assert bagit.validate(bag), "a valid bag is on disk with no access-log entry"
    assert not [p for p in (bag / "data").rglob("*") if p.is_file()], \
        "the papers are on disk with no access-log entry"
    assert not _exports(settings, HUSBAND) and not _exports(settings, WIFE)
    with opened(settings) as archive, archive.transaction(write=True) as conn:
        conn.execute(text("DROP TRIGGER full_log"))
    write(settings, bag, dossier=DOSSIER, by="Lê Thu Hà", purpose="nộp lưu")  # completes it
    assert bagit.validate(bag) == []
    assert len(_exports(settings, HUSBAND)) == len(_exports(settings, WIFE)) == 1
