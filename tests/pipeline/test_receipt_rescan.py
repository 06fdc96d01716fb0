"""tester13 F4: a paper brought later behind the dossier's receipt sheet, rescanned, made the
sheet another "Giấy tiếp nhận" document each time (two receipts of one dossier, the portal told
of both, disagreeing). A rescan of the same sheet — the same dossier code, the same numbers, its
words as near as two readings of one page — is the stored receipt: no second document, the scan
audited. A receipt that differs in a number (another appointment) stays a paper of its own. Real
catalog (SQLite), no OCR: the rescan's reading is given as ingest would have made it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dossier_papers import store_paper

from sohoa.doctypes import load_registry
from sohoa.pipeline.analysis import PageAnalysis
from sohoa.pipeline.assemble import PageItem, draft_dossier
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.stages import StoreContext, _store, same_sheet
from sohoa.records import OcrPage, Page

CODE = "H19.22-261207-0301"
SHEET = ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nMã hồ sơ: H19.22-261207-0301\n"
         "Tiếp nhận hồ sơ của: Đỗ Hoàng Việt\nSố định danh cá nhân: 001090012345\n"
         "Nội dung yêu cầu giải quyết: Đăng ký kết hôn\n"
         "Thời gian nhận hồ sơ: 07 giờ 30 phút, ngày 07/12/2026\n"
         "Thời gian trả kết quả giải quyết hồ sơ: 14 giờ 00 phút, ngày 07/12/2026")
# the same sheet as another scan reads it: a few marks lost or taken for others
RESCAN = SHEET.replace("HẸN TRẢ", "HEN TRA").replace("Hoàng", "Hoang").replace("phút", "phut")


def _sheet_item(text: str, seed: str) -> PageItem:
    page = Page(source=f"{seed}.pdf", index=0, source_sha256="0" * 64, data=seed.encode(),
                mime="image/jpeg", width=1654, height=2339, dpi=200)
    ocr = OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0, width=1654, height=2339,
                  dpi=200, words=(), text=text, confidence=0.93, blank=False)
    return PageItem(page, PageAnalysis(page.sha256, False, CODE, ocr))


def test_a_rescanned_receipt_sheet_is_the_stored_receipt(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path / "home", environ={})
    registry = load_registry()
    with open_archive(settings) as archive:
        first = store_paper(archive, "sheet-first-scan", CODE, owner="001090012345",
                            unit="H19.22.26", doc_type="dossier_receipt",
                            title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", text=SHEET,
                            fields={"dossier_code": CODE, "id_number": "001090012345"})
        [draft] = draft_dossier([_sheet_item(RESCAN, "lo2_tess")], CODE, registry,
                                threshold=0.6)
        assert draft.classification.doc_type == "dossier_receipt"
        # nothing is built or signed for it: no signer is needed
        ctx = StoreContext(archive, None, registry, settings, "H19.22.26", None,  # type: ignore[arg-type]
                           "job-lo2")
        outcome = _store(draft, ctx)
        assert (outcome.document_id, outcome.created) == (first, False)
        assert archive.dossier_papers_of_type(CODE, "dossier_receipt") == [(first, SHEET)]
        [seen] = [e for e in archive.audit_events(target=first)
                  if e["action"] == "document.rescanned"]
        assert seen["detail"] == {"job": "job-lo2", "pages": [
            {"source": "lo2_tess.pdf", "index": 0, "sha256": draft.pages[0].page.sha256}]}


def test_a_rescanned_receipts_image_is_kept_with_the_receipt(tmp_path: Path) -> None:
    """review14a S3: the text match cannot see ink, and the sheet brought back is the one most
    likely to carry some (the applicant's signature, "đã nhận kết quả"): each distinct image of
    a rescan is a blob tied to the stored receipt, shown with it, covered by the blob sweep,
    fixity and disposal; the same image run again adds nothing (N8), new ink is a version."""
    from sohoa.api.web.officer import _document_body
    from sohoa.archive.documents import page_blobs
    from sohoa.cli.officer import rescan_line

    settings = load_settings(home=tmp_path / "home", environ={})
    registry = load_registry()
    with open_archive(settings) as archive:
        first = store_paper(archive, "sheet-first-scan", CODE, owner="001090012345",
                            unit="H19.22.26", doc_type="dossier_receipt",
                            title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", text=SHEET,
                            fields={"dossier_code": CODE, "id_number": "001090012345"})
        ctx = StoreContext(archive, None, registry, settings, "H19.22.26", None,  # type: ignore[arg-type]
                           "job-lo2")
        [draft] = draft_dossier([_sheet_item(RESCAN, "lo2_tess")], CODE, registry,
                                threshold=0.6)
        assert _store(draft, ctx).document_id == first
        _store(draft, ctx)  # the same job run again after a crash: nothing new
        # brought back with the applicant's signature: the same print, another image
        [signed] = draft_dossier([_sheet_item(RESCAN, "lo3_signed")], CODE, registry,
                                 threshold=0.6)
        assert _store(signed, replace(ctx, job_id="job-lo3")).document_id == first
        doc = archive.get_document(first)
        images = [d.pages[0].page for d in (draft, signed)]
        assert [(r["version"], r["source"], r["blob_sha256"], r["job"])
                for r in doc["rescans"]] == [
            (1, "lo2_tess.pdf", images[0].sha256, "job-lo2"),
            (2, "lo3_signed.pdf", images[1].sha256, "job-lo3")]
        assert [archive.blobs.get(r["blob_sha256"]) for r in doc["rescans"]] == [
            p.data for p in images]
        assert len([e for e in archive.audit_events(target=first)
                    if e["action"] == "document.rescanned"]) == 2
        # a blob the catalog names: not swept, checked by fixity, destroyed with the paper
        assert not set(archive.unreferenced_blobs()) & {p.sha256 for p in images}
        with archive.transaction(write=False) as conn:
            assert page_blobs(conn, [first])[first][-2:] == [p.sha256 for p in images]
        # shown where the receipt is shown
        assert "quét lại lần 2: tệp lo3_signed.pdf (trang 1)" in rescan_line(doc["rescans"][1])
        assert f"/web/documents/{first}/rescans/2" in _document_body(doc, [], "kiểm tra")


def test_a_receipt_that_differs_in_a_number_is_a_paper_of_its_own() -> None:
    assert same_sheet(RESCAN, SHEET)
    # issued again with another appointment: the same words, another number
    assert not same_sheet(SHEET.replace("14 giờ 00", "16 giờ 00"), SHEET)
    # another dossier's sheet, and a sheet whose reading has no number at all
    assert not same_sheet(SHEET.replace("0301", "0302"), SHEET)
    assert not same_sheet("GIẤY TIẾP NHẬN HỒ SƠ", "GIẤY TIẾP NHẬN HỒ SƠ")
    # the same numbers under other words: not a reading of the same page
    other = ("PHIẾU HẸN BỔ SUNG\nMã hồ sơ: H19.22-261207-0301 số 001090012345 ngày 07/12/2026 "
             "07 30 14 00 07/12/2026")
    assert not same_sheet(other, SHEET)


def test_a_short_number_one_reading_lost_to_letters_is_no_other_sheet() -> None:
    """tester18 F19: the first scan read the dateline "ngày 0Š tháng l2" — no day, no month
    left to compare — and the same sheet scanned again (every number read) was stored as a
    second receipt and held. A number present in one reading only, short, is a lost reading;
    a number read as another is still another sheet."""
    garbled = SHEET.replace("ngày 07/12/2026\nThời gian trả", "ngày O7/l2/2026\nThời gian trả")
    assert same_sheet(SHEET, garbled) and same_sheet(garbled, SHEET)
    # the appointment read as another number is another sheet, even beside a lost one
    assert not same_sheet(SHEET.replace("14 giờ 00", "16 giờ 00"), garbled)
    # review19 N2: letters that are not the digits' look-alikes are another number — a
    # receipt issued again, its new day read "l0" for 10 where the stored one has 07
    reissued = SHEET.replace("14 giờ 00 phút, ngày 07/12", "14 giờ 00 phút, ngày l0/12")
    assert not same_sheet(reissued, SHEET) and not same_sheet(SHEET, reissued)
    # a letter that is two digits' look-alike ("t": 1 or 7) decides nothing
    eleventh = SHEET.replace("14 giờ 00 phút, ngày 07/12", "14 giờ 00 phút, ngày lt/12")
    seventeenth = SHEET.replace("14 giờ 00 phút, ngày 07/12", "14 giờ 00 phút, ngày 17/12")
    assert not same_sheet(eleventh, seventeenth)
    # a long number (the applicant's) lost is not let go; nor three short ones
    assert not same_sheet(SHEET.replace("001090012345", "OO1O9OO12345"), SHEET)
    assert not same_sheet(SHEET.replace("07 giờ 30 phút, ngày 07/12", "O7 giờ 3O phút, ngày O7/12"),
                          SHEET)
