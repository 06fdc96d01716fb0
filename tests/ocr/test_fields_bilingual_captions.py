"""The 2024 card's bilingual captions as another generator prints them (tester18 F2): the English
half in a smaller face, often misread, wrapped onto the next line in a narrow column, and the
number under its caption with no colon. The Vietnamese half read right is enough."""

from __future__ import annotations

import pytest

from sohoa.doctypes import load_registry
from sohoa.ocr.fields.captions import joined_glosses
from sohoa.ocr.fields.extract import extract_fields

CARD = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
CĂN CƯỚC
Số định danh cá nhân/Personal IdentffcatIon number
079202284771
Họ, chữ đệm và tên/Full name:
QUÁCH ĐỨC HƯỞNG
Ngày sinh/Date
of birfh: 02/01/2002
Giới tính/Sex: Nam Quốc tịch/Nafionalily: Việt Nam
Có giá trị đến/Date of expiry: 02/01/2027
Nơi cư trú/Place
of residence:
Số 211 Lý Thường Kiệt, phường Bến Thành, Thành phố Hồ Chí Minh
Nơi đăng ký khai sinh/Place of birth: Thành phố Hồ Chí Minh
"""


def _fields(text: str) -> dict[str, str | None]:
    extraction = extract_fields("citizen_id_card", text, load_registry())
    return {k: v.value for k, v in extraction.fields.items()}


def test_a_card_with_wrapped_misread_glosses_gives_its_number_birth_and_address() -> None:
    fields = _fields(CARD)
    assert fields["id_number"] == "079202284771"
    assert fields["date_of_birth"] == "2002-01-02"
    assert fields["address"] == "Số 211 Lý Thường Kiệt, phường Bến Thành, Thành phố Hồ Chí Minh"
    assert fields["full_name"] == "Quách Đức Hưởng"


def test_the_same_card_with_its_glosses_on_one_line_reads_alike() -> None:
    one_line = (CARD.replace("Ngày sinh/Date\nof birfh:", "Ngày sinh/Date of birth:")
                .replace("Nơi cư trú/Place\nof residence:", "Nơi cư trú/Place of residence:")
                .replace("IdentffcatIon number\n", "identification number:\n"))
    assert _fields(one_line) == _fields(CARD)


def test_only_a_gloss_is_joined() -> None:
    lines = ["Số: 12/QĐ-UBND", "ngày 5 tháng 3:", "Kính gửi/To", "Ủy ban nhân dân:",
             "Ngày sinh/Date", "of birth: 02/01/2002"]
    assert joined_glosses(lines) == [*lines[:4], "Ngày sinh/Date of birth: 02/01/2002"]


@pytest.mark.parametrize("caption", [
    "Họ, chữ đệm và tên khai sinh/Surname, middle and given name",
    "Họ, chữ đệm và tên khai sinh/Full name",
    "Họ, chữ đệm và tên khai sinh / Full name:",
    "Họ, chữ đệm và tên khai sinh",
    "Họ và tên/Full name",
    "Họ, chữ đệm và tên khai sinhSurname, middle and given name",
    "Họ, chữ đệm và tên khát xinh Surname, and su",
])
def test_a_name_caption_with_no_colon_is_no_name(caption: str) -> None:
    """tester19 F3: the 2024 card prints its name caption with no colon, its English half after
    a slash and the name on the next line; "khai sinh" was taken for the holder's name ("Khai
    Sinh", "Khát Xinh Surname"), and one card lost its owner for it."""
    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nCĂN CƯỚC\n"
            "IDENTITY CARD\nSố định danh cá nhân/Personal identification number: 036085854461\n"
            f"{caption}\nTRỊNH THU TƯƠI\nNgày, tháng, năm sinh/Date of birth: 12/03/1985\n"
            "Giới tính/Sex: Nữ")
    name = extract_fields("citizen_id_card", text, load_registry()).fields.get("full_name")
    assert name is not None and name.value == "Trịnh Thu Tươi", name


@pytest.mark.parametrize("printed", ["Không thời hạn", "Khong thời hqn"])
def test_a_lifetime_card_is_valid_for_life(printed: str) -> None:
    """tester19 F9: a card issued after its holder turned 58 prints "Không thời hạn" as its
    expiry; it was "không đọc được ngày" and withheld from reuse. Read so, the type's rule
    gives no end; a day is still a day."""
    registry = load_registry()
    text = ("CĂN CƯỚC CÔNG DÂN\nSố / No.: 036058854461\nHọ và tên / Full name: TRỊNH VĂN TƯ\n"
            "Ngày sinh / Date of birth: 12/03/1958\n"
            f"Ngày, tháng, năm hết hạn/Date of expiry: {printed}")
    values = extract_fields("citizen_id_card", text, registry).values()
    assert values["expiry_date"] == "Không thời hạn"
    assert registry.valid_until("citizen_id_card", values) is None
    dated = extract_fields("citizen_id_card", text.replace(printed, "12/03/2030"), registry)
    assert dated.values()["expiry_date"] == "2030-03-12"


@pytest.mark.parametrize(("line", "name"), [
    ("Họ và tên / Full name NGUYỄN VĂN AN", "Nguyễn Văn An"),
    ("Họ, chữ đệm và tên khai sinh/Full name NGUYỄN VĂN AN", "Nguyễn Văn An"),
    ("Họ và tên nguyễn văn an", "Nguyễn Văn An"),
])
def test_a_name_after_its_caption_on_the_line_is_still_the_name(line: str, name: str) -> None:
    """The caption's run-on (tester19 F3) stops at its English half's last word, and lower-case
    words alone after a caption with no colon are a name written so."""
    text = ("CĂN CƯỚC\nSố định danh cá nhân/Personal identification number: 036085854461\n"
            f"{line}\nNgày, tháng, năm sinh/Date of birth: 12/03/1985\nGiới tính/Sex: Nam")
    got = extract_fields("citizen_id_card", text, load_registry()).fields.get("full_name")
    assert got is not None and got.value == name, got
