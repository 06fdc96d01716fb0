"""review17: a dossier opened by its printed receipt (no barcode; tester17: 4 of 8) with the
one-stop desk's own working paper behind it — the process-control slip (NĐ 61/2018 mẫu 05,
"PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"), whose "Mã hồ sơ: ……" is left blank or written by
hand. The registry reads it as a dossier_receipt starting a document, its code is not read, and
``_past_sheet`` counts the receipt itself as "a paper besides the sheet" (it carries no barcode):
the slip opens an UNASSIGNED dossier and every paper of the applicant behind it goes to review
under it. e79b78a kept them in the receipt's dossier."""

from __future__ import annotations

from sohoa.pipeline.stages import group_dossiers
from tests.pipeline.test_pipeline_assemble import _dossier, _item

SLIP = ("ỦY BAN NHÂN DÂN PHƯỜNG TÂN PHONG\nBỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ\nMã hồ sơ: ……………\n"
        "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)\n"
        "Cơ quan, bộ phận tiếp nhận: Bộ phận tiếp nhận và trả kết quả\n"
        "TÊN CƠ QUAN | THỜI GIAN GIAO, NHẬN HỒ SƠ | KẾT QUẢ GIẢI QUYẾT HỒ SƠ | GHI CHÚ")


def test_the_desks_control_slip_stays_in_the_receipts_dossier() -> None:
    items, truths = _dossier(11, ["dossier_receipt", "birth_certificate", "marriage_certificate"])
    code = truths[0].fields["dossier_code"]
    # a printed receipt: its code is its text's, no barcode
    pages = [_item(n, it.analysis.ocr.text, blank=it.analysis.blank)
             for n, it in enumerate(items)]
    pages = [*pages[:2], _item(90, SLIP), *pages[2:]]
    assert [c for _, c in group_dossiers(pages, None)] == [code]
