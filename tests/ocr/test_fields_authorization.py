"""An authorization names two people; the paper is the principal's (tester13 F15: "chủ sở
hữu=001090012345 Lương Thị Huệ" — the attorney's name, from "Ủy quyền cho bà: …", beside the
principal's number, from a paper that opens "Tôi là: ĐỖ HOÀNG VIỆT")."""

from __future__ import annotations

from sohoa.doctypes import load_registry
from sohoa.ocr.fields.extract import extract_fields

PRINCIPAL = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
GIẤY ỦY QUYỀN
Tôi là: ĐỖ HOÀNG VIỆT
Ngày sinh: 12/03/1990
Số định danh cá nhân: 001090012345
Nơi cư trú: phường Trấn Biên, tỉnh Đồng Nai
Ủy quyền cho bà: Lương Thị Huệ, số CCCD 001175009876
Nội dung ủy quyền: nhận kết quả giải quyết thủ tục hành chính thay tôi.
Đồng Nai, ngày 05 tháng 03 năm 2014"""


def _read(text: str) -> dict[str, str | None]:
    found = extract_fields("power_of_attorney", text, load_registry())
    return {k: v.value for k, v in found.fields.items()} | {"owner_name": found.owner_name}


def test_the_declarants_name_goes_with_the_principals_number() -> None:
    read = _read(PRINCIPAL)
    assert read["id_number"] == "001090012345"
    assert read["full_name"] == read["owner_name"] == "Đỗ Hoàng Việt"


def test_the_person_given_the_power_is_never_the_papers_person() -> None:
    read = _read("GIẤY ỦY QUYỀN\nSố định danh cá nhân: 001090012345\n"
                 "Ủy quyền cho bà: Lương Thị Huệ, số CCCD 001175009876")
    assert read.get("full_name") is None and read["owner_name"] is None, read
    # the giver's caption that says "ủy quyền" too is still the giver's
    read = _read("GIẤY ỦY QUYỀN\nBên ủy quyền - Ông: Đỗ Hoàng Việt\n"
                 "Số định danh cá nhân: 001090012345\n"
                 "Bên được ủy quyền - Bà: Lương Thị Huệ\n"
                 "Số định danh cá nhân: 001175009876")
    assert read["full_name"] == "Đỗ Hoàng Việt" and read["id_number"] == "001090012345", read
