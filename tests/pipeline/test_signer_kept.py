"""The paper's signer (title, rank, name) and its seals and hand signatures are kept with the
document and shown (tester15 F4, issue 18): a review reason about the signer names a field the
reviewer can see."""

from __future__ import annotations

from sohoa.cli.officer import signer_lines
from sohoa.doctypes import load_registry
from sohoa.ocr.fields.signer import signer_of
from sohoa.pipeline.analysis import PageAnalysis
from sohoa.pipeline.assemble import PageItem, draft_dossier
from sohoa.pipeline.stages import document_record
from sohoa.records import InkMark, OcrPage, Page

BODY = ("ỦY BAN NHÂN DÂN\nPHƯỜNG LONG BÌNH\nSố: 12/QĐ-UBND\n"
        "Long Thành, ngày 20 tháng 03 năm 2026\nQUYẾT ĐỊNH\nVề việc cấp phép\n"
        "Điều 1. Cấp phép cho ông Lữ Văn Vỹ.\nNơi nhận:\n- Như Điều 1;\n")


def test_the_signers_block_is_read_off_the_text() -> None:
    assert signer_of(BODY + "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Ký, ghi rõ họ tên, đóng dấu)\n"
                            "Trần Bảo Mỹ") == {"title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
                                                "name": "Trần Bảo Mỹ"}
    # an officer's rank is kept apart from the name; the pen's debris between is passed
    assert signer_of(BODY + "TRƯỞNG CÔNG AN\nN2\nTrung tá Ngô Thanh Ngữ") == {
        "title": "TRƯỞNG CÔNG AN", "name": "Ngô Thanh Ngữ", "rank": "Trung tá"}
    # the header's "ỦY BAN NHÂN DÂN" is no signer; a lost name is not guessed
    assert signer_of(BODY) is None
    assert signer_of(BODY + "CHỦ TỊCH\nĐiều 2. Quyết định có hiệu lực") == {"title": "CHỦ TỊCH"}
    # the birth extract's own caption (TT 04/2020/TT-BTP), tester17 F6
    assert signer_of("TRÍCH LỤC KHAI SINH\nHọ, chữ đệm, tên: Ngô Văn An\nNGƯỜI KÝ TRÍCH LỤC\n"
                     "(Ký, đóng dấu, ghi rõ họ tên)\nNgô Phương Thủy") == {
        "title": "NGƯỜI KÝ TRÍCH LỤC", "name": "Ngô Phương Thủy"}



def test_a_title_printed_with_its_agency_and_a_receipts_officer_are_signers() -> None:
    # The back of a citizen's card (tester16: no signer kept on 0 of 6 cards): the title with
    # its agency's name in capitals, wrapped over two lines, then the officer's name.
    card = ("Ngày, tháng, năm / Date, month, year: 22/04/2022\n"
            "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH\nCHÍNH VỀ TRẬT TỰ XÃ HỘI\nLê Đình Khoa\n"
            "IDVNM1984212148070198421214<<<")
    assert signer_of(card) == {
        "title": "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI",
        "name": "Lê Đình Khoa"}
    # a name printed in capitals under such a title is the name, not more of the agency
    assert signer_of("GIÁM ĐỐC SỞ TƯ PHÁP\nNGUYỄN VĂN AN") == {"title": "GIÁM ĐỐC SỞ TƯ PHÁP"}
    # a receipt of the one-stop desk (tester16: 0 of 5): signed by the officer who received it
    assert signer_of("Ngày hẹn trả kết quả: 22/04/2024\nNGƯỜI TIẾP NHẬN\nNguyễn Thị Thu Hà") == {
        "title": "NGƯỜI TIẾP NHẬN", "name": "Nguyễn Thị Thu Hà"}
    # a body that signs only through "TM." heading the page with its place is no signer
    assert signer_of("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI\nSố: 12/QĐ-UBND") is None


def test_signer_and_marks_go_with_the_record_and_are_shown() -> None:
    text = BODY + "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Bảo Mỹ"
    page = Page(source="qd.jpg", index=0, source_sha256="0" * 64, data=text.encode(),
                mime="image/jpeg", width=1654, height=2339, dpi=200)
    marks = (InkMark("seal", 1000, 1800, 300, 300), InkMark("signature", 1100, 1900, 320, 120))
    ocr = OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0, width=1654, height=2339,
                  dpi=200, words=(), text=text, confidence=0.93, marks=marks)
    item = PageItem(page, PageAnalysis(page.sha256, False, None, ocr))
    [draft] = draft_dossier([item], None, load_registry(), threshold=0.6)
    record = document_record(draft, load_registry(), "k", "0" * 64, 1, None, None, "job")
    assert record.extra["signer"] == {"title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
                                      "name": "Trần Bảo Mỹ"}
    assert [(m["kind"], m["page"], m["left"]) for m in record.extra["ink_marks"]] == [
        ("seal", 1, 1000), ("signature", 1, 1100)]
    shown = signer_lines({"extra": record.extra})
    assert shown[0] == "người ký: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH — Trần Bảo Mỹ"
    assert shown[1].startswith("dấu, chữ ký tay: dấu ở trang 1") and "chữ ký tay ở trang 1" \
        in shown[1]


def test_a_signer_without_a_title_is_not_shown_as_none() -> None:
    """A name read without its title (the title lost under a seal) is said alone, never
    "người ký: None — …"; nothing read, no line."""
    assert signer_lines({"extra": {"signer": {"title": None, "name": "Trần Bảo Mỹ"}}}) == [
        "người ký: Trần Bảo Mỹ"]
    assert signer_lines({"extra": {"signer": {"title": "CHỦ TỊCH"}}}) == ["người ký: CHỦ TỊCH"]
    assert signer_lines({"extra": {"signer": {}, "ink_marks": []}}) == []
