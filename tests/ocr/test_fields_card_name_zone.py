"""tester18 F20: the card's printed name is confirmed by its machine-readable zone only when it
spells the zone's name. "HỒ VĂN Kí" (KHOA's last letters lost) scored exactly 90 against
"HO VAN KHOA" and was stored sure, then imposed on the owner's three right papers; "Và H" (a
word of the caption) for THAI CONG KHAI was stored with no flag at all."""

from __future__ import annotations

from datetime import date

import pytest

from sohoa.doctypes import load_registry
from sohoa.idcodes import build_td1
from sohoa.ocr.fields.extract import extract_fields


def _card(printed: str, surname: str, given: str) -> str:
    zone = build_td1("001062565166", date(1962, 6, 7), "M", date(2037, 6, 7), surname, given)
    return "\n".join(["CĂN CƯỚC CÔNG DÂN", "Số định danh cá nhân/Personal identification number:",
                      "001062565166", "Họ và tên/Full name:", printed,
                      "Ngày sinh/Date of birth: 07/06/1962", *zone])


@pytest.mark.parametrize(("printed", "surname", "given"), [
    ("HỒ VĂN Kí", "HO", "VAN KHOA"), ("Và H", "THAI", "CONG KHAI")])
def test_a_name_the_zone_spells_otherwise_is_flagged(printed: str, surname: str,
                                                      given: str) -> None:
    name = extract_fields("citizen_id_card", _card(printed, surname, given),
                          load_registry()).fields["full_name"]
    assert name.flag and "MRZ" in name.flag, name


def test_the_name_the_zone_spells_is_confirmed() -> None:
    name = extract_fields("citizen_id_card", _card("HỒ VĂN KHOA", "HO", "VAN KHOA"),
                          load_registry()).fields["full_name"]
    assert (name.value, name.flag) == ("Hồ Văn Khoa", None) and name.confidence >= 0.95
