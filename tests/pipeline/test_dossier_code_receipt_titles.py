"""review17: the unread-receipt split now also needs a title matching
``(giay|phieu) (tiep nhan|bien nhan)`` exactly (folded). A receipt the registry itself titles
"PHIẾU HẸN TRẢ KẾT QUẢ" (doctypes.toml, dossier_receipt titles; abbreviations "giấy hẹn",
"phiếu hẹn"), or a receipt title OCR damaged in a letter ("TlẾP"), whose code is not read, is
glued again onto the dossier before it — tester16 F10's misfile: the next applicant's papers
filed under the previous code."""

from __future__ import annotations

import pytest

from sohoa.pipeline.stages import group_dossiers
from tests.pipeline.test_pipeline_assemble import _dossier, _item


@pytest.mark.parametrize("title", [
    "PHIẾU HẸN TRẢ KẾT QUẢ",                   # a registry title of dossier_receipt
    "GIẤY TlẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",  # one letter misread (I→l)
])
def test_an_unread_receipt_under_another_title_still_opens_its_own_dossier(title: str) -> None:
    first, truths = _dossier(11, ["dossier_receipt", "birth_certificate"])
    second, truths2 = _dossier(12, ["dossier_receipt", "marriage_certificate"])
    code2 = truths2[0].fields["dossier_code"]
    pages = [_item(n, it.analysis.ocr.text, blank=it.analysis.blank)
             for n, it in enumerate(first)]
    for it in second:
        text = it.analysis.ocr.text.replace(code2, "0G?.##.H1?-2?1")
        text = text.replace("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", title)
        pages.append(_item(len(pages), text, blank=it.analysis.blank))
    assert title in pages[len(first)].analysis.ocr.text
    dossiers = group_dossiers(pages, None)
    assert [c for _, c in dossiers] == [truths[0].fields["dossier_code"], None]
