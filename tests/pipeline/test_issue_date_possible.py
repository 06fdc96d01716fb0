"""An issue date no paper can have — after the day it is ingested, before the birth of the
person it is about — is a misreading, never filed silently (tester15 F3: "năm 2026" read
"2096" made a 30-day residence paper valid until 2096)."""

from __future__ import annotations

from datetime import date

from sohoa.doctypes import load_registry
from sohoa.pipeline.analysis import PageAnalysis
from sohoa.pipeline.assemble import PageItem, draft_dossier, possible_issue_date
from sohoa.records import Extraction, FieldValue, OcrPage, Page

INGESTED = date(2026, 12, 7)
# tester15's p23 as sohoa read it (medium wear; the year's "2" read as "9").
CT07 = ("CÔNG AN TỈNH BÌNH DƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "CÔNG AN PHƯỜNG LONG BÌNH Độc lập - Tự do - Hạnh phúc\n"
        "Số: 9404/XN Long Thành, ngày 20 tháng 03 năm {year}\n"
        "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ\n"
        "Công an phường Long Bình xác nhận thông tin về cư trú của công dân như sau:\n"
        "1. Họ, chữ đệm và tên: LỮ VĂN VỸ\n"
        "2. Ngày, tháng, năm sinh: 10/06/1957 3. Giới tính: Nam\n"
        "4. Số định danh cá nhân: 048057973258\n"
        "5. Nơi thường trú: số 199, phường Long Bình, thành phố Long Thành, tỉnh Bình Dương\n"
        "Thông tin xác nhận này có giá trị 30 ngày kể từ ngày cấp.\n"
        "TRƯỞNG CÔNG AN\nTrung tá Ngô Thanh Ngữ")


def _draft(text: str):
    page = Page(source="p23.jpg", index=0, source_sha256="0" * 64, data=text.encode(),
                mime="image/jpeg", width=1654, height=2339, dpi=200)
    ocr = OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0, width=1654, height=2339,
                  dpi=200, words=(), text=text, confidence=0.93)
    item = PageItem(page, PageAnalysis(page.sha256, False, None, ocr))
    return draft_dossier([item], None, load_registry(), threshold=0.6, today=INGESTED)[0]


def test_a_year_after_the_ingest_day_is_no_issue_date() -> None:
    draft = _draft(CT07.format(year="2096"))
    assert draft.issue_date is None and draft.valid_until != date(2096, 4, 19)
    assert draft.needs_review
    said = [r for r in draft.review_reasons if r.startswith("Ngày cấp: ")]
    assert said and "20/03/2096" in said[0] and "07/12/2026" in said[0], draft.review_reasons
    # The same paper read right is filed as it was (30 days from its day).
    good = _draft(CT07.format(year="2026"))
    assert good.issue_date == date(2026, 3, 20)
    assert not [r for r in good.review_reasons if r.startswith("Ngày cấp: ")]


def test_an_issue_date_before_the_owners_birth_is_no_issue_date() -> None:
    read = Extraction({"issue_date": FieldValue("1950-03-20", 0.92),
                       "date_of_birth": FieldValue("1957-06-10", 0.92)})
    got = possible_issue_date(read, INGESTED).fields["issue_date"]
    assert got.value is None and got.flag and "10/06/1957" in got.flag
    same_day = Extraction({"issue_date": FieldValue("2026-12-07", 0.92)})
    assert possible_issue_date(same_day, INGESTED) == same_day
