"""The issuing body from a letter's header (tester10 F29), by Nghị định 30/2020's layout: the
left column is the superior (optional) over the issuing body (the lower line); a name too long
for the column wraps onto a line of its own; "Số:" starts the number line and is never part of
the body. The lines are those `sohoa ocr` read on the seal letters, and layouts of the same rule
that the synthetic letters never drew."""

from __future__ import annotations

import pytest

from sohoa.ocr.fields.bodies import issuing_body

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
