"""Export to the historical archive as BagIt: the bag validates (here and with the reference
`bagit` library when installed), a modified file or an extra one fails verification, and an
interrupted export completes when run again."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from archivist_helpers import opened, run_sohoa, signer_for, store
from sample_files import page_image

from sohoa.archive import bagit
from sohoa.pipeline.exportjob import write
from sohoa.pipeline.settings import Settings
from sohoa.signing import verify_pdf

DOSSIER = "HS-075-2024-0007"


def seed(settings: Settings) -> list[str]:
    signer = signer_for(settings)
    with opened(settings) as archive:
        ids = [store(archive, signer, "birth", doc_type="birth_certificate",
                     title="GIẤY KHAI SINH", retention="permanent", dossier=DOSSIER,
                     issue_date=date(2003, 5, 2)),
               store(archive, signer, "card", dossier=DOSSIER),
               store(archive, signer, "other", dossier="HS-OTHER")]
    return ids


def test_export_writes_a_valid_bag_and_verify_catches_changes(settings: Settings,
                                                              tmp_path: Path) -> None:
    ids = seed(settings)
    bag = tmp_path / "bag"
    done = run_sohoa(settings.home, "export", "--dossier", DOSSIER, "-o", str(bag), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["documents"] == 2
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"):
        assert (bag / name).is_file()
    folder = bag / "data" / DOSSIER
    pdf = (folder / f"{ids[0]}.pdf").read_bytes()
    assert verify_pdf(pdf, trust_roots=list(settings.trust_roots)).valid
    meta = json.loads((folder / f"{ids[0]}.json").read_text(encoding="utf-8"))
    assert meta["tai_lieu"]["Tên loại văn bản"] == "Giấy khai sinh"
    assert meta["tai_lieu"]["Thời hạn bảo quản"] == "Vĩnh viễn"
    dossier = json.loads((folder / "dossier.json").read_text(encoding="utf-8"))
    assert {d["document_id"] for d in dossier["documents"]} == set(ids[:2])
    assert dossier["ho_so"]["Mã hồ sơ"] == DOSSIER
    events = [json.loads(line) for line in
              (bag / "data" / "audit-events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {e["target"] for e in events if e["action"] == "document.stored"} == set(ids[:2])
    assert not (bag / "data" / "HS-OTHER").exists()
    info = bagit.bag_info(bag)
    assert info["Source-Organization"] == settings.agency  # Vietnamese, UTF-8
    assert run_sohoa(settings.home, "export", "verify", str(bag)).returncode == 0
    try:  # the Library of Congress' reference implementation, when it is installed
        import bagit as loc_bagit  # type: ignore[import-not-found]
    except ImportError:
        loc_bagit = None
    if loc_bagit is not None:
        loc_bagit.Bag(str(bag)).validate()

    with opened(settings) as archive:
        [event] = [e for e in archive.audit_events(limit=20) if e["action"] == "export.written"]
        assert event["actor"] == "Lê Thu Hà" and sorted(event["detail"]["documents"]) == \
            sorted(ids[:2])
        reads = archive.access_events(owner="075203001234")
        assert reads and reads[0]["action"] == "export"

    # One flipped byte in a payload file.
    target = folder / f"{ids[1]}.pdf"
    original = target.read_bytes()
    target.write_bytes(original[:100] + bytes([original[100] ^ 1]) + original[101:])
    bad = run_sohoa(settings.home, "export", "verify", str(bag), "--json")
    assert bad.returncode == 4
    report = json.loads(bad.stdout)
    assert any(f"{ids[1]}.pdf đã bị sửa đổi" in p for p in report["problems"])
    target.write_bytes(original)
    assert bagit.validate(bag) == []
    # A file slipped into the payload, and an edited tag file.
    (folder / "extra.txt").write_text("thêm", encoding="utf-8")
    assert any("không có trong manifest-sha256.txt" in p for p in bagit.validate(bag))
    (folder / "extra.txt").unlink()
    info_file = bag / "bag-info.txt"
    info_file.write_text(info_file.read_text(encoding="utf-8") + "Note: x\n", encoding="utf-8")
    assert any("bag-info.txt đã bị sửa đổi" in p for p in bagit.validate(bag))


def test_interrupted_export_completes_when_run_again(settings: Settings,
                                                     tmp_path: Path) -> None:
    seed(settings)
    bag = tmp_path / "bag"

    class Stop:
        def start(self, total: int) -> None:
            pass

        def advance(self, n: int = 1) -> None:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write(settings, bag, owner="075203001234", by="Hà", purpose="nộp lưu",
              progress=Stop())
    assert bagit.validate(bag)  # unfinished: no tag manifest yet
    result = write(settings, bag, owner="075203001234", by="Hà", purpose="nộp lưu")
    assert result["documents"] == 3 and result["pdfs_written"] == 2  # one was already there
    assert bagit.validate(bag) == []
    with pytest.raises(Exception, match="gói BagIt hoàn chỉnh"):
        write(settings, bag, owner="075203001234", by="Hà", purpose="nộp lưu")


def test_bag_metadata_has_what_an_inspector_reads(settings: Settings, tmp_path: Path) -> None:
    ids = seed(settings)
    bag = tmp_path / "bag-meta"
    done = run_sohoa(settings.home, "export", "--dossier", DOSSIER, "-o", str(bag), "--json")
    assert done.returncode == 0, done.stderr
    folder = bag / "data" / DOSSIER
    card = json.loads((folder / f"{ids[1]}.json").read_text(encoding="utf-8"))["tai_lieu"]
    assert card["Thời hạn bảo quản"] == "10 năm"  # the registry's years:10, in words
    assert card["Tên loại văn bản"] == "Căn cước công dân"
    assert card["Số định danh chủ hồ sơ"] == "075203001234"
    assert card["Tên chủ hồ sơ"] == "Nguyễn Thị Ánh Tuyết"
    assert card["Ký hiệu thông tin"] == "citizen_id_card"
    assert "075203001234" in card["Từ khóa"] and DOSSIER in card["Từ khóa"]
    assert card["Ghi chú"].startswith("Bản số hóa từ bản giấy; ký số bởi cơ quan sao")
    assert "Mã số hóa" in card
    dossier = json.loads((folder / "dossier.json").read_text(encoding="utf-8"))["ho_so"]
    assert dossier["Mã hồ sơ"] == DOSSIER
    assert dossier["Thời hạn bảo quản"] == "Vĩnh viễn"  # the longest of its papers
    assert (dossier["Thời gian bắt đầu"], dossier["Thời gian kết thúc"]) == (
        "2003-05-02", "2012-03-01")
    assert (dossier["Số lượng tờ"], dossier["Số lượng trang"], dossier["Số lượng văn bản"]) == (
        2, 2, 2)
    assert dossier["Tiêu đề hồ sơ"].startswith(f"Hồ sơ {DOSSIER}")
    assert "Nguyễn Thị Ánh Tuyết" in dossier["Tiêu đề hồ sơ"]
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    assert "Contact-Name: root" not in info


def test_the_images_kept_beside_a_paper_travel_with_it(settings: Settings,
                                                       tmp_path: Path) -> None:
    """store15 N8: the images the catalogue keeps with a paper but no PDF holds — the sheet
    scanned again since (``page_rescans``: a receipt brought back with the applicant's
    signature) and the phone photo a page was flattened from — were left out of the bag. Each
    now travels beside its paper, named in its metadata and the dossier's, its SHA-256 the
    catalogue's; an image that no longer matches its hash stops the export, as a PDF does."""
    ids = seed(settings)
    photo = page_image("phone-photo")  # PNG, as sample pages are
    with opened(settings) as archive:
        photographed = store(archive, signer_for(settings), "photographed", dossier=DOSSIER,
                             images=[page_image("flattened")], originals=[photo])
    images = [page_image("receipt-rescan"), page_image("receipt-rescan-signed")]
    with opened(settings) as archive:
        kept = archive.record_rescan(ids[1], job_id="job-lo3", pages=[
            {"source": "lo2.pdf", "index": 0}, {"source": "lo3_signed.pdf", "index": 1}],
            images=images)
        assert kept == [hashlib.sha256(i).hexdigest() for i in images]
    bag = tmp_path / "bag-images"
    done = run_sohoa(settings.home, "export", "--dossier", DOSSIER, "-o", str(bag), "--json")
    assert done.returncode == 0, done.stderr
    folder = bag / "data" / DOSSIER
    names = [f"{ids[1]}.quet-lai-1.png", f"{ids[1]}.quet-lai-2.png"]
    assert [(folder / n).read_bytes() for n in names] == images
    original = f"{photographed}.anh-goc-trang-1.png"
    assert (folder / original).read_bytes() == photo
    manifest = (bag / "manifest-sha256.txt").read_text(encoding="utf-8")
    for name, sha in [*zip(names, kept, strict=True),
                      (original, hashlib.sha256(photo).hexdigest())]:
        assert f"{sha}  data/{DOSSIER}/{name}\n" in manifest
    meta = json.loads((folder / f"{ids[1]}.json").read_text(encoding="utf-8"))
    assert [(r["version"], r["file"], r["sha256"], r["source"], r["job"])
            for r in meta["rescans"]] == [(1, names[0], kept[0], "lo2.pdf", "job-lo3"),
                                          (2, names[1], kept[1], "lo3_signed.pdf", "job-lo3")]
    assert meta["tai_lieu"]["Ảnh quét lại"][1].startswith(
        f"lần 2: {names[1]} (tệp lo3_signed.pdf, trang 2")
    shot = json.loads((folder / f"{photographed}.json").read_text(encoding="utf-8"))
    assert shot["pages"][0]["original_file"] == original
    assert shot["tai_lieu"]["Ảnh gốc"][0].startswith(f"trang 1: {original} (ảnh chụp gốc")
    plain = json.loads((folder / f"{ids[0]}.json").read_text(encoding="utf-8"))
    assert plain["rescans"] == [] and "original_file" not in plain["pages"][0]
    assert "Ảnh quét lại" not in plain["tai_lieu"] and "Ảnh gốc" not in plain["tai_lieu"]
    dossier = json.loads((folder / "dossier.json").read_text(encoding="utf-8"))
    assert {d["document_id"]: d.get("images") for d in dossier["documents"]} == {
        ids[0]: None, ids[1]: names, photographed: [original]}
    assert bagit.validate(bag) == []

    # the kept image changed on disk since: not exported as if it were the catalogue's
    with opened(settings) as archive:
        path = archive.blobs.path(kept[1])  # type: ignore[attr-defined]
    path.chmod(0o644)
    path.write_bytes(images[1][:-1] + bytes([images[1][-1] ^ 1]))
    bad = run_sohoa(settings.home, "export", "--dossier", DOSSIER, "-o",
                    str(tmp_path / "bag-bad"))
    assert bad.returncode != 0
    assert kept[1][:12] in bad.stderr or kept[1] in bad.stderr, bad.stderr
