"""A born-digital decision's fields read from the PDF's own text (tester10 F6): the owner's
name stops at the line break ("… cho ông Nguyễn Văn Thưởng / Căn cứ Luật …" was "Nguyễn Văn
Thưởng Căn"), and the number printed on the title line ("QUYẾT ĐỊNH số 1234/QĐ-UBND") is the
paper's number; a decision cited in running text is not."""

from __future__ import annotations

import pytest

from sohoa.doctypes import load_registry
from sohoa.ocr.fields.digits import document_number
from sohoa.ocr.fields.extract import extract_fields

REGISTRY = load_registry()
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
DECISION = MOTTO + """QUYẾT ĐỊNH số 1234/QĐ-UBND
Về việc cấp giấy phép xây dựng cho ông Nguyễn Văn Thưởng
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Số định danh cá nhân: 075080523661, cư trú tại phường Trấn Biên, tỉnh Đồng Nai.
Điều 1. Nghiêm Thị Huyền được cấp phép; hiệu lực đến ngày 31/12/2030."""


@pytest.mark.parametrize(("text", "name", "number"), [
    (DECISION, "Nguyễn Văn Thưởng", "1234/QĐ-UBND"),
    # OCR lines, the next line a capitalised article; "bà", a title number with a year
    (MOTTO + "QUYẾT ĐỊNH Số 87/2025/QĐ-UBND\nVề việc thu hồi đất của bà Lê Thị Hoa\n"
     "Điều 1. Thu hồi 120 m2 đất", "Lê Thị Hoa", "87/2025/QĐ-UBND"),
    # "ông" at a line's end: the name is the next line's, and stops there
    (MOTTO + "GIẤY PHÉP XÂY DỰNG số 522/GPXD\nCấp cho ông\nTrần Quốc Bảo\nNguyễn Huệ 12",
     "Trần Quốc Bảo", "522/GPXD"),
])
def test_a_name_ends_at_its_line_and_the_title_line_has_the_number(
        text: str, name: str, number: str) -> None:
    fields = extract_fields("decision", text, REGISTRY).values()
    assert fields["full_name"] == name
    assert fields["document_number"] == number


def test_a_decision_cited_in_running_text_is_not_the_number() -> None:
    text = (MOTTO + "QUYẾT ĐỊNH\nVề việc cấp phép cho ông Vũ Văn An\n"
            "Căn cứ Quyết định số 45/2019/QĐ-UBND ngày 02/01/2019;\n"
            "Theo đề nghị số 12/TTr-PQLĐT của Phòng Quản lý đô thị")
    fields = extract_fields("decision", text, REGISTRY).values()
    assert "document_number" not in fields and fields["full_name"] == "Vũ Văn An"


@pytest.mark.parametrize(("running", "name"), [
    # review11b M5: the name wrapped onto the next line was cut to "Nguyễn" and the next
    # person ("bà Lê Thị Hoa") taken
    ("Về việc cấp phép cho ông Nguyễn\nVăn Thưởng, cư trú tại phường Trấn Biên; đại diện bà Lê "
     "Thị Hoa\nĐiều 1. Cấp phép", "Nguyễn Văn Thưởng"),
    ("Về việc cấp phép cho bà Lê Thị\nHoa cư trú tại phường Trấn Biên", "Lê Thị Hoa"),
    # the next line a new sentence whose first word is also a listed name ("Quyết"): not the
    # name's rest (decided by the clause's shape, a capital then a lower-case word)
    ("Về việc cấp phép cho ông Lê Hoa\nQuyết định này có hiệu lực từ ngày ký", "Lê Hoa"),
    # tester10 F6, kept: a whole name, the next line "Căn cứ …"
    ("Về việc cấp phép cho ông Nguyễn Văn Thưởng\nCăn cứ Luật Xây dựng", "Nguyễn Văn Thưởng"),
    # tester17 F2: the name's last word, closed by a comma, then a lower-case word: no clause
    ("Điều 1. Hỗ trợ cho ông Dương Gia\nTrưởng, sinh năm 1966, số định danh cá nhân",
     "Dương Gia Trưởng"),
    ("Điều 1. Hỗ trợ cho ông Dương Gia\nTrưởng sinh năm 1966, số định danh cá nhân",
     "Dương Gia Trưởng"),
])
def test_a_name_wrapped_onto_the_next_line_is_read_whole(running: str, name: str) -> None:
    fields = extract_fields("decision", MOTTO + "QUYẾT ĐỊNH\n" + running, REGISTRY).values()
    assert fields["full_name"] == name


@pytest.mark.parametrize("line", [
    # review11b S2: a form's template id, an appendix, a cited decree — not the paper's number
    "MẪU SỐ 02/ĐK", "PHỤ LỤC SỐ 01/2020", "CĂN CỨ NGHỊ ĐỊNH SỐ 30/2020/NĐ-CP",
])
def test_an_upper_case_line_that_is_no_document_title_gives_no_number(line: str) -> None:
    assert document_number(line + "\nĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI\nKính gửi: UBND xã") is None
    assert document_number("THÔNG BÁO số 15/TB-UBND\n" + line) == "15/TB-UBND"
