"""store16's gap: an export to the historical archive carried the papers and the audit log but
not the decisions about keeping them. The bag now holds, as machine-readable records covered by
its manifests, each paper's retention decisions (schedule, the dossier's override, the events
periods count from, every disposal list that named it with its approval or cancellation), the
legal holds on it (released ones too) and the certification register's lines about it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from archivist_helpers import flip_bit, opened, signer_for, store

from sohoa.archive import bagit, certifications, disposal, holds, retention
from sohoa.doctypes import load_registry
from sohoa.pipeline.exportjob import write
from sohoa.pipeline.settings import Settings
from sohoa.records import CertificationRequest

DOSSIER = "HS-075-2024-0007"
OWNER = "075203001234"
ASKER = "079195004321"  # asked for a certified copy of the owner's card (a relative)


def _load(bag: Path, name: str) -> dict[str, Any]:
    return json.loads((bag / "data" / name).read_text(encoding="utf-8"))


def _certify(archive: Any, original: str, copy: str | None, owner: str = OWNER) -> None:
    entry = certifications.allocate(archive, CertificationRequest(
        unit="UBND phường Tân Phong", owner_id=owner, paper="Căn cước công dân",
        doc_type="citizen_id_card", pages=1, original=original, official="Trần Văn Bình",
        official_title="Phó Chủ tịch", compared_by="Lê Thu Hà"))
    if copy:
        certifications.complete(archive, entry.id, copy, by="Lê Thu Hà")
    else:
        certifications.spoil(archive, entry.id, reason="máy in kẹt giấy", by="Lê Thu Hà")


def test_the_bag_carries_retention_decisions_holds_and_the_register(
        settings: Settings, tmp_path: Path) -> None:
    signer = signer_for(settings)
    registry = load_registry()
    with opened(settings) as archive:
        card = store(archive, signer, "card", dossier=DOSSIER)  # 10 years from 2012: due
        birth = store(archive, signer, "birth", doc_type="birth_certificate",
                      title="GIẤY KHAI SINH", retention="permanent", dossier="HS-075-2003-0001",
                      issue_date=date(2003, 5, 2))
        copy = store(archive, signer, "copy", dossier=DOSSIER)  # the card's certified copy
        other = store(archive, signer, "other", dossier="HS-OTHER", owner_id="075203009999")
        # a list proposed and cancelled, then another proposed and approved
        first = disposal.propose(archive, as_of=date(2026, 12, 1), note="Hết thời hạn",
                                 by="Lê Thu Hà", registry=registry)
        assert first is not None
        disposal.cancel(archive, first["list"], reason="Thiếu ý kiến Hội đồng", by="Lê Thu Hà")
        second = disposal.propose(archive, as_of=date(2026, 12, 1), note="Hết thời hạn bảo quản",
                                  by="Lê Thu Hà", registry=registry)
        assert second is not None
        disposal.approve(archive, second["list"], decision="Quyết định số 12/QĐ-UBND",
                         by="Nguyễn Văn An")
        # since: the dossier kept longer from its closing, its closing and a death recorded,
        # a hold on the owner and a released one on the card
        retention.set_override(archive, DOSSIER, years=30, counted_from="closing",
                               reason="Hồ sơ tranh chấp đất đai", by="Lê Thu Hà",
                               registry=registry)
        retention.record_event(archive, "closed", DOSSIER, date(2024, 6, 30),
                               reason="Đã trả kết quả", by="Lê Thu Hà")
        retention.record_event(archive, "died", OWNER, date(2025, 1, 2), reason=None,
                               by="Lê Thu Hà")
        kept = holds.place(archive, "owner", OWNER, reason="Tòa án yêu cầu giữ",
                           by="Lê Thu Hà")
        gone = holds.place(archive, "document", card, reason="Thanh tra", by="Lê Thu Hà")
        holds.release(archive, hold_id=gone["hold"], reason="Thanh tra xong", by="Lê Thu Hà")
        holds.place(archive, "owner", "075203009999", reason="Không liên quan", by="Lê Thu Hà")
        _certify(archive, f"document:{card}", copy)
        _certify(archive, f"document:{card}", None, ASKER)  # spoiled: the number stays
        _certify(archive, f"document:{other}", None)  # about a paper not exported

    bag = tmp_path / "bag"
    result = write(settings, bag, owner=OWNER, by="Lê Thu Hà", purpose="nộp lưu")
    assert bagit.validate(bag) == []
    assert (result["holds"], result["certifications"]) == (2, 2)
    assert result["retention_events"] == 2

    kept_file = _load(bag, "retention.json")
    by_doc = {d["document_id"]: d for d in kept_file["documents"]}
    assert set(by_doc) == {card, birth, copy}
    schedule = by_doc[card]["schedule"]
    assert schedule["retention"] == "30 năm" and schedule["eligible_on"] == "2054-06-30"
    assert schedule["holds"] == [kept["hold"]] and schedule["on_list"] == second["list"]
    assert schedule["due_on_export_day"] is False
    assert by_doc[birth]["schedule"]["retention"] == "Vĩnh viễn"
    lists = by_doc[card]["disposal"]
    assert [(x["list"], x["list_status"], x["item_status"]) for x in lists] == [
        (first["list"], "cancelled", "listed"), (second["list"], "approved", "listed")]
    assert lists[0]["cancel_reason"] == "Thiếu ý kiến Hội đồng"
    assert (lists[1]["decision"], lists[1]["approved_by"], lists[1]["proposed_by"]) == (
        "Quyết định số 12/QĐ-UBND", "Nguyễn Văn An", "Lê Thu Hà")
    assert by_doc[birth]["disposal"] == []  # permanent: never listed
    [override] = kept_file["overrides"]
    assert (override["dossier_code"], override["years"], override["counted_from"],
            override["reason"], override["set_by"]) == (
        DOSSIER, 30, "closing", "Hồ sơ tranh chấp đất đai", "Lê Thu Hà")
    assert [(e["subject"], e["subject_id"], e["event"], e["on"]) for e in kept_file["events"]] \
        == [("dossier", DOSSIER, "closed", "2024-06-30"), ("owner", OWNER, "died", "2025-01-02")]

    held = _load(bag, "legal-holds.json")["holds"]
    assert [(h["hold"], h["scope"], h["active"]) for h in held] == [
        (kept["hold"], "owner", True), (gone["hold"], "document", False)]
    assert held[0]["documents"] == sorted([card, birth, copy])
    assert (held[1]["documents"], held[1]["release_reason"]) == ([card], "Thanh tra xong")

    entries = _load(bag, "certification-register.json")["entries"]
    assert [(e["number"], e["status"], e["original_document_id"], e["copy_document_id"])
            for e in entries] == [(1, "issued", card, copy), (2, "spoiled", card, None)]
    assert entries[0]["official"] == "Trần Văn Bình" and entries[1]["note"] == "máy in kẹt giấy"
    assert other not in json.dumps(entries)
    assert entries[1]["owner_id"] == ASKER
    with opened(settings) as archive:  # her number left the archive in the register's line
        [read] = [r for r in archive.access_events(owner=ASKER) if r["action"] == "export"]
    assert read["result_count"] == 1

    # every record is in the payload manifest, and a changed one fails the bag
    manifest = (bag / "manifest-sha256.txt").read_text(encoding="utf-8")
    for name in ("retention.json", "legal-holds.json", "certification-register.json"):
        assert f"  data/{name}\n" in manifest
    flip_bit(bag / "data" / "legal-holds.json", 40)
    assert any("legal-holds.json đã bị sửa đổi" in p for p in bagit.validate(bag))


def test_a_bag_of_papers_nobody_decided_anything_about_says_so(settings: Settings,
                                                              tmp_path: Path) -> None:
    with opened(settings) as archive:
        doc = store(archive, signer_for(settings), "plain", dossier=DOSSIER)
    bag = tmp_path / "bag"
    result = write(settings, bag, dossier=DOSSIER, by="Lê Thu Hà", purpose="nộp lưu")
    assert (result["holds"], result["certifications"], result["disposal_listings"]) == (0, 0, 0)
    [entry] = _load(bag, "retention.json")["documents"]
    assert entry["document_id"] == doc and entry["disposal"] == []
    assert entry["schedule"]["retention"] == "10 năm"
    assert _load(bag, "legal-holds.json")["holds"] == []
    assert _load(bag, "certification-register.json")["entries"] == []
    assert bagit.validate(bag) == []
