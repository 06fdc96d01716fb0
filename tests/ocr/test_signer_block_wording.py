"""The signer's block as other forms word it and as the pen leaves it (tester17 F13)."""

from __future__ import annotations

import pytest

from sohoa.ocr.fields.signer import signer_of


@pytest.mark.parametrize(("block", "name"), [
    # the police forms' instruction
    ("PHÓ TRƯỞNG CÔNG AN\n(Chữ ký, dấu)\nĐặng Thanh Ngọc", "Đặng Thanh Ngọc"),
    # the signature's tail read as a dash after the name, glued or apart
    ("GIÁM ĐỐC\n(Ký, ghi rõ họ tên)\nHoàng Thị Ngọc-", "Hoàng Thị Ngọc"),
    ("GIÁM ĐỐC\n(Ký, ghi rõ họ tên, đóng dấu)\nLý Hữu Hưởng -", "Lý Hữu Hưởng"),
    ("GIÁM ĐỐC\n(Ký)\nPhan Hồng Yến—-", "Phan Hồng Yến"),
    # a seal's speck read as a letter before the deputy's title line
    ("KT. CHỦ TỊCH\nÉ PHÓ CHỦ TỊCH\nHuỳnh Hồng Ánh", "Huỳnh Hồng Ánh"),
])
def test_the_name_under_the_block_is_kept(block: str, name: str) -> None:
    assert signer_of("Điều 2. Quyết định có hiệu lực từ ngày ký.\n" + block)["name"] == name


def test_a_form_label_asking_for_a_signature_is_no_signer() -> None:
    assert signer_of("Chữ ký của người khai:\nNguyễn Văn An") is None


def test_the_applicants_name_is_never_kept_as_the_receiving_officers() -> None:
    """tester17 F12: a receipt's two signing columns read row by row put the applicant's name
    first under the officer's title; the text cannot tell the columns apart, so no name is kept
    (read column by column, the officer's name is)."""
    rows = ("NGƯỜI NỘP HỒ SƠ\nNGƯỜI TIẾP NHẬN HỒ SƠ\n(Ký và ghi rõ họ tên)\n"
            "Lê Minh Sỹ\nVũ Thanh Quỳnh")
    assert signer_of(rows) == {"title": "NGƯỜI TIẾP NHẬN HỒ SƠ"}
    columns = ("NGƯỜI NỘP HỒ SƠ\n(Ký và ghi rõ họ tên)\nLê Minh Sỹ\n"
               "NGƯỜI TIẾP NHẬN HỒ SƠ\n(Ký và ghi rõ họ tên)\nVũ Thanh Quỳnh")
    assert signer_of(columns) == {"title": "NGƯỜI TIẾP NHẬN HỒ SƠ", "name": "Vũ Thanh Quỳnh"}


def test_a_title_read_with_its_spaces_lost_is_a_line_of_the_block() -> None:
    # render_document decisions 2 and 4 (heavy): the deputy's title, its "PHÓ" under the
    # seal, read "CHUTỊCH", and "PHÓ CHỦ TỊCH ." — neither a title as read, so the block
    # ended there and the name under it was lost.
    text = ("Điều 2. Quyết định có hiệu lực từ ngày ký.\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\n"
            "CHUTỊCH\n;\nNguyễn Trung Nam")
    assert signer_of(text) == {"title": "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / CHỦ TỊCH",
                               "name": "Nguyễn Trung Nam"}
    text = "Điều 2. Quyết định.\nKT. CHỦ TỊCH\nPHÓCHỦTỊCH .\nNguyễn Diệu Tuyết"
    assert signer_of(text) == {"title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
                               "name": "Nguyễn Diệu Tuyết"}
    # Other letters are not told: "CÔNGAN" is no title, "TỰ PHÓ CHỦ TỊC" is not made one.
    assert "name" not in (signer_of("Điều 2. Quyết định.\nKT. CHỦ TỊCH\nTỰ PHÓ CHỦ TỊC\n"
                                    "Đỗ Trung Minh Hiếu") or {})
