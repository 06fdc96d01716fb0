"""The issuing body from a letter's header (tester10 F29), by Nghị định 30/2020's layout: the
left column is the superior (optional) over the issuing body (the lower line); a name too long
for the column wraps onto a line of its own; "Số:" starts the number line and is never part of
the body. The lines are those `sohoa ocr` read on the seal letters, and layouts of the same rule
that the synthetic letters never drew."""

from __future__ import annotations

import pytest

from sohoa.ocr.fields.bodies import issuing_body
from sohoa.ocr.fields.headcolumn import left_header_column
from sohoa.records import Word

MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


@pytest.mark.parametrize(("lines", "body"), [
    # the number line in capitals under the issuer: "SỐ" is no Sở
    (["CÔNG AN THÀNH PHỐ LONG KHÁNH", "CÔNG AN PHƯỜNG XUÂN AN", "SỐ: 577/TB", *MOTTO,
      "Long Khánh, ngày 11 tháng 4 năm 2025", "GIẤY XÁC NHẬN"],
     "Công an phường Xuân An, thành phố Long Khánh"),
    (["UBND HUYỆN XUÂN LỘC", "PHÒNG TƯ PHÁP", "SỐ 45/TP", *MOTTO, "THÔNG BÁO"],
     "Phòng Tư pháp huyện Xuân Lộc"),
    # the superior's name wrapped: its last word on a line of its own, the issuer below
    (["CÔNG AN HUYỆN TRẢNG", "BOM", "CÔNG AN XÃ QUÁẢNG TIẾN", "Số: 738/GXN", *MOTTO,
      "Trảng Bom, ngày 31 tháng 5 năm 2025", "GIẤY XÁC NHẬN"],
     "Công an xã Quảng Tiến, huyện Trảng Bom"),
    (["ỦY BAN NHÂN DÂN HUYỆN CẨM", "MỸ", "PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG", "Số: 12/TB", *MOTTO,
      "THÔNG BÁO"], "Phòng Tài nguyên và Môi trường huyện Cẩm Mỹ"),
    # a single-level header wrapped just above the number line
    (["ỦY BAN NHÂN DÂN HUYỆN TRẢNG", "BOM", "Số: 3/QĐ", *MOTTO, "QUYẾT ĐỊNH"],
     "Ủy ban nhân dân huyện Trảng Bom"),
    # both columns on one OCR line: the motto beside the wrapped word and the number line
    (["CÔNG AN HUYỆN TRẢNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "BOM Độc lập - Tự do - Hạnh phúc", "CÔNG AN XÃ QUẢNG TIẾN",
      "SỐ: 738/GXN Trảng Bom, ngày 31 tháng 5 năm 2025", "GIẤY XÁC NHẬN"],
     "Công an xã Quảng Tiến, huyện Trảng Bom"),
    (["UBND HUYỆN TRẢNG BOM", "PHÒNG TƯ", "PHÁP", "Số: 5/TB"], "Phòng Tư pháp huyện Trảng Bom"),
    # a place whose name ends with a number
    ([*MOTTO, "ỦY BAN NHÂN DÂN XÃ HỐ NAI 3", "Số: 771/TB",
      "Trảng Bom, ngày 13 tháng 3 năm 2025", "THÔNG BÁO"], "Ủy ban nhân dân xã Hố Nai 3"),
    (["UBND QUẬN 3", "UBND PHƯỜNG 3", "Số: 9/XN", *MOTTO], "Ủy ban nhân dân Phường 3, Quận 3"),
])
def test_the_issuer_is_the_lower_line_and_wrapped_names_go_on(lines: list[str],
                                                               body: str) -> None:
    assert issuing_body(lines) == body


@pytest.mark.parametrize("lines", [
    # the title above the number line is no wrapped name
    ["UBND PHƯỜNG QUANG VINH", *MOTTO, "GIẤY KHAI SINH", "Số: 297 Quyển số: 02/1980"],
    ["UBND PHƯỜNG QUANG VINH", "THÔNG BÁO", "Số: 12/TB"],
    # a speck's digit after an agency's name is no part of it
    ["CỤC CẢNH SÁT QUẢN LÝ HÀNH 3", "Số: 1/CS"],
])
def test_a_title_or_a_speck_is_not_the_body(lines: list[str]) -> None:
    body = issuing_body(lines) or ""
    assert "Thông báo" not in body and "Giấy" not in body and not body.endswith("3"), body


# tester17 F3: header blocks printed as real offices print long names (ND 30/2020 allows two
# lines), the lines as `sohoa ocr` read them on his pages — OCR's order puts the issuer after
# the national header, or the motto between a level and its name.
@pytest.mark.parametrize(("lines", "body"), [
    # t17-27 (residence, DejaVu Sans, clean): the issuer under the motto, over the number line
    (["CÔNG AN THÀNH", "PHO HỒ CHÍ MINH", *MOTTO, "CÔNG AN XÃ TÂN HIỆP",
      "Số: 2268/XN Tân Hiệp, ngày 28 tháng 10 năm 2026", "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"],
     "Công an xã Tân Hiệp, Thành phố Hồ Chí Minh"),
    # t17-13 (Bonum, skew 2°): "CÔNG AN PHƯỜNG" / "TRUNG DŨNG" — a level's name on the next line
    (["CÔNG AN TỈNH ĐỒNG NA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "CÔNG AN PHƯỜNG Độc lập - Tự do - Hạnh phúc", "TRUNG DŨNG",
      "Số: 2738/XN Trung Dũng, ngàu 25 tháng 09 năm 2026", "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"],
     "Công an phường Trung Dũng, tỉnh Đồng Nai"),
    # the same with the motto alone on the line between the level and its name
    (["CÔNG AN TỈNH ĐỒNG NAI", "CÔNG AN PHƯỜNG", *MOTTO, "TRUNG DŨNG", "Số: 2738/XN"],
     "Công an phường Trung Dũng, tỉnh Đồng Nai"),
    # the receipts: a standing unit's name wrapped, no number line under it (t17-00, t17-05:
    # OCR also glued "TỈNHNGHỆAN")
    (["UBND THÀNH PHỐ HÀ NỘI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "TRUNG TÂM PHỤC VỤ Độc lập - Tự do - Hạnh phúc", "HÀNH CHÍNH CÔNG",
      "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"],
     "Trung tâm Phục vụ hành chính công Thành phố Hà Nội"),
    (["UBND TỈNHNGHỆAN", "TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG", *MOTTO,
      "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"],
     "Trung tâm Phục vụ hành chính công tỉnh Nghệ An"),
])
def test_a_wrapped_header_line_keeps_the_issuer_whole(lines: list[str], body: str) -> None:
    assert issuing_body(lines) == body


def test_after_the_national_header_only_what_must_be_the_blocks_goes_on() -> None:
    # an agency named in the body, or a title, after the header is no issuer
    assert issuing_body(["CÔNG AN THÀNH PHỐ LONG KHÁNH", *MOTTO, "GIẤY XÁC NHẬN",
                         "Số: 5/GXN"]) == "Công an thành phố Long Khánh"
    assert issuing_body(["UBND HUYỆN XUÂN LỘC", *MOTTO, "PHÒNG TƯ PHÁP HUYỆN XUÂN LỘC",
                         "THÔNG BÁO"]) == "Ủy ban nhân dân huyện Xuân Lộc"


def _row(line: int, *words: tuple[str, int, int, int, int]) -> list[Word]:
    return [Word(text, left, top, width, height, 90.0, 0, line)
            for text, left, top, width, height in words]


# t17-27's first rows as `sohoa ocr` boxed them (2480 px wide, 300 dpi): the left column
# centred near x 770, the national header from x 1060; "CÔNG AN XÃ TÂN HIỆP" runs past 1060
# on a row of its own.
T17_27 = [
    *_row(0, ("CÔNG", 547, 202, 149, 69), ("AN", 718, 212, 69, 59), ("THÀNH", 808, 202, 179, 48)),
    *_row(1, ("PHO", 538, 279, 103, 40), ("HỒ", 666, 279, 72, 40), ("CHÍ", 761, 279, 82, 65),
          ("MINH", 870, 280, 128, 38)),
    *_row(2, ("CỘNG", 1060, 202, 162, 59), ("HÒA", 1249, 202, 121, 49), ("XÃ", 1389, 201, 79, 49),
          ("HỘI", 1492, 202, 98, 59), ("CHỦ", 1615, 197, 117, 54), ("NGHĨA", 1759, 202, 184, 49),
          ("VIỆT", 1961, 202, 131, 59), ("NAM", 2115, 212, 126, 38)),
    *_row(3, ("Độc", 1231, 279, 109, 55), ("lập", 1367, 279, 87, 55), ("-", 1479, 303, 17, 8),
          ("Tự", 1517, 283, 77, 51), ("do", 1613, 281, 71, 42), ("-", 1708, 303, 17, 8),
          ("Hạnh", 1752, 281, 149, 53), ("phúc", 1928, 279, 139, 54)),
    *_row(4, ("CÔNG", 443, 338, 162, 49), ("AN", 627, 348, 79, 38), ("XÃ", 730, 348, 79, 38),
          ("TÂN", 827, 338, 111, 48), ("HIỆP", 965, 338, 130, 59)),
    *_row(5, ("Số:", 609, 444, 74, 46), ("2268/XN", 709, 450, 215, 44), ("Tân", 1152, 447, 85, 43),
          ("Hiệp,", 1259, 447, 127, 53), ("ngày", 1411, 447, 127, 53), ("28", 1554, 450, 65, 40),
          ("tháng", 1640, 447, 146, 53), ("10", 1808, 450, 60, 40), ("năm", 1890, 448, 109, 42),
          ("2026", 2020, 450, 130, 40)),
    *_row(6, ("XÁC", 657, 573, 136, 58), ("NHẬN", 824, 573, 192, 70), ("THÔNG", 1040, 573, 220, 58),
          ("TIN", 1285, 573, 110, 58), ("VỀ", 1420, 560, 90, 71), ("CƯ", 1535, 573, 100, 58),
          ("TRÚ", 1660, 560, 140, 71)),
    *_row(7, ("Công", 300, 690, 140, 50), ("an", 460, 700, 60, 40), ("xã", 540, 700, 60, 40),
          ("Tân", 620, 690, 100, 50), ("Hiệp", 740, 690, 130, 60), ("xác", 890, 700, 90, 40),
          ("nhận", 1000, 690, 130, 50), ("thông", 1150, 690, 150, 60), ("tin", 1320, 690, 70, 50)),
]


def test_the_left_column_is_read_from_the_words_boxes() -> None:
    assert left_header_column(T17_27, 2480) == [
        "CÔNG AN THÀNH", "PHO HỒ CHÍ MINH", "CÔNG AN XÃ TÂN HIỆP", "Số: 2268/XN"]


def test_the_column_gives_the_issuer_where_the_lines_order_cannot() -> None:
    # OCR read the dateline before the issuer: in that order the block ends at the superior
    lines = ["CÔNG AN THÀNH", "PHO HỒ CHÍ MINH", *MOTTO, "Tân Hiệp, ngày 28 tháng 10 năm 2026",
             "CÔNG AN XÃ TÂN HIỆP", "Số: 2268/XN", "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ"]
    assert issuing_body(lines) == "Công an Thành phố Hồ Chí Minh"
    column = left_header_column(T17_27, 2480)
    assert issuing_body(lines, column) == "Công an xã Tân Hiệp, Thành phố Hồ Chí Minh"


def test_a_glued_box_across_the_columns_is_cut_between_its_words() -> None:
    # t17-14: "DÂN CỘNG" one box over the last word of the left column and the first of the
    # national header; "PHƯỜNG TRUNG DŨNG" beside the motto
    words = [*_row(0, ("ỦY", 507, 264, 80, 60), ("BAN", 605, 278, 118, 46),
                   ("NHÂN", 743, 269, 164, 55), ("DÂN CỘNG", 928, 269, 289, 60),
                   ("HÒA", 1238, 270, 131, 50), ("XÃ", 1386, 271, 86, 50),
                   ("HỘI", 1490, 270, 110, 50), ("CHỦ", 1623, 267, 126, 50),
                   ("NGHĨA", 1770, 271, 194, 50), ("VIỆT", 1980, 270, 143, 50),
                   ("NAM", 2143, 283, 133, 40)),
             *_row(1, ("PHƯỜNG", 441, 347, 256, 50), ("TRUNG", 717, 359, 207, 40),
                   ("DŨNG", 945, 348, 168, 50), ("Độc", 1238, 344, 112, 50),
                   ("lập", 1372, 344, 88, 50), ("Tự", 1522, 349, 86, 45), ("do", 1628, 346, 69, 40),
                   ("Hạnh", 1761, 346, 157, 50), ("phúc", 1940, 344, 146, 50)),
             *_row(2, ("QUYẾT", 1016, 594, 243, 60), ("ĐỊNH", 1283, 609, 182, 50))]
    assert left_header_column(words, 2480) == ["ỦY BAN NHÂN DÂN", "PHƯỜNG TRUNG DŨNG"]


def test_a_page_without_the_national_header_has_no_column() -> None:
    words = _row(0, ("CĂN", 100, 100, 80, 40), ("CƯỚC", 200, 100, 120, 40),
                 ("CÔNG", 340, 100, 110, 40), ("DÂN", 470, 100, 90, 40))
    assert left_header_column(words, 1000) == []
    assert left_header_column([], 1000) == []


def test_a_stamp_above_the_header_row_is_not_the_column() -> None:
    stamp = _row(9, ("SAO", 300, 40, 80, 40), ("Y", 400, 40, 30, 40))
    assert left_header_column([*stamp, *T17_27], 2480)[0] == "CÔNG AN THÀNH"


def test_an_agency_across_the_boundary_off_the_axis_leaves_the_order_to_the_lines() -> None:
    # the issuer's line set flush left and longer than the column: neither left of the
    # national header nor centred under the superior — the boxes cannot tell, the text decides
    wide = _row(4, ("CÔNG", 150, 338, 162, 49), ("AN", 334, 348, 79, 38),
                ("XÃ", 437, 348, 79, 38), ("TÂN", 534, 338, 111, 48),
                ("HIỆP", 672, 338, 130, 59), ("ĐÔNG", 825, 338, 300, 59))
    words = [w for w in T17_27 if w.line != 4] + wide
    assert left_header_column(words, 2480) == []


def test_a_word_glued_to_the_national_headers_first_is_cut_where_the_header_starts() -> None:
    # t17-34 (judicial record, 2480 px): "NAI" + "CỘNG" read as one word "NAFỘNG"; the motto's
    # "Độc" is its own first word and stays whole however the alignment starts in it
    words = [*_row(0, ("SỞ", 401, 218, 71, 50), ("TƯ", 489, 231, 71, 40),
                   ("PHÁP", 580, 223, 138, 45), ("TỈNH", 736, 218, 124, 50),
                   ("ĐỒNG", 881, 216, 152, 55), ("NAFỘNG", 1057, 223, 220, 50),
                   ("HÒA", 1301, 223, 109, 45), ("XÃ", 1428, 222, 71, 45),
                   ("HỘI", 1520, 223, 87, 45), ("CHỦ", 1630, 218, 106, 50),
                   ("NGHĨA", 1760, 223, 166, 45), ("VIỆT", 1942, 223, 118, 50),
                   ("NAM", 2080, 233, 114, 35)),
             *_row(1, ("Độc", 1286, 300, 99, 50), ("lập", 1409, 300, 78, 50),
                   ("Tự", 1543, 304, 69, 45), ("do", 1630, 302, 63, 40),
                   ("Hạnh", 1754, 302, 135, 50), ("phúc", 1913, 300, 126, 50)),
             *_row(2, ("Số:", 560, 406, 65, 45), ("545/2026/LLTP", 650, 412, 336, 40),
                   ("Đồng", 1207, 406, 123, 45), ("Nai,", 1347, 411, 85, 45)),
             *_row(3, ("PHIẾU", 700, 553, 226, 60), ("LÝ", 945, 566, 86, 50),
                   ("LỊCH", 1050, 581, 172, 40), ("TƯ", 1240, 576, 96, 45),
                   ("PHÁP", 1355, 572, 193, 45))]
    column = left_header_column(words, 2480)
    assert column == ["SỞ TƯ PHÁP TỈNH ĐỒNG NA", "Số: 545/2026/LLTP"]
    assert issuing_body([], column) == "Sở Tư pháp tỉnh Đồng Nai"


def test_a_long_kind_read_a_letter_wrong_is_still_the_kind() -> None:
    # t17-09: "ỦY BAN NHÂN DÂN" + "CỘNG" glued as "DẬMỘNG": "ỦY" was taken for a speck and the
    # body read "Ban Nhân dậm phường Hưng Bình"
    lines = ["ỦY BAN NHÂN DẬMỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "PHƯỜNG HƯNG BÌNH Độc lập - Tự do - Hạnh phúc",
             "Số: 827/QĐ-UBND Hưng Bình, nsàu 13 tháng 09 năm 2026"]
    assert issuing_body(lines) == "Ủy ban nhân dân phường Hưng Bình"
    assert issuing_body([], ["ỦY BAN NHÂN DẬ", "PHƯỜNG HƯNG BÌNH", "Số: 827/QĐ-UBND"]) \
        == "Ủy ban nhân dân phường Hưng Bình"


def test_a_damaged_second_unit_in_the_column_is_not_glued_onto_the_first() -> None:
    # The project's own CT07 forms on heavy copies (owner bench seed 59): "CÔNG AN" read
    # "CÔNG ÀAN" is still the kind before a level; "CÔNG" lost altogether leaves "AN XÃ
    # QUANG", which holds a second level and place: not the rest of "… THỊ XÃ CHƠN THÀNH"
    # (what it is the lines cannot say; the superior whole is what is left)
    assert issuing_body([], ["CÔNG AN HUYỆN TRẢNG BOM", "CÔNG ÀAN XÃ QUẢNG TIẾN", "Số:1206XN"]) \
        == "Công an xã Quảng Tiến, huyện Trảng Bom"
    body = issuing_body([], ["CÔNG AN THỊ XÃ CHƠN", "THÀNH", "AN XÃ QUANG", "MINH",
                             "Số: 4982/XN"]) or ""
    assert body.startswith("Công an thị xã Chơn Thành") and "An xã" not in body, body
