"""The card's printed number against its zone read too damaged to parse (issue 18, tester18
t18-1801-11): "…192890" printed, read "…192090" — a valid number — while the zone, read
"1DVM177619289000481776192890<<7" ("N" lost, a "7" doubled), and the dossier's receipt both
say "…192890". The paper was left with no owner; the printed number is now flagged and
proposed, and the receipt that agrees with the zone settles it."""

from __future__ import annotations

import pytest

from sohoa.doctypes import load_registry
from sohoa.ocr.fields.extract import extract_fields
from sohoa.ocr.fields.zonecheck import zone_rival
from sohoa.pipeline.owner import resolve_owner

CARD = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
CĂN CƯỚC CÔNG DÂN
{number}
PHAN THỦY HẰNG
Ngày sinh / Date of birth: 23/02/1976
Giới tính / Sex: Nữ Quốc tịch / Nationality: Việt Nam
Quê quán: Phường Hải Châu, Đà Nẵng
Nơi thường trú: Số 159 Nguyễn Du, phường Hải Châu, thành phố Đà Nẵng
{zone}
PHAN<<THUY<RANG<<<<<<<<<<<<<<<
"""
DAMAGED = "1DVM177619289000481776192890<<7"
RECEIPT = """GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ
Mã hồ sơ: 000.30.23.H34-261115-0702
Bộ phận Một cửa phường Hải Châu tiếp nhận hồ sơ của:
Bà: Phan Thùy Hằng
Số CCCD: 048176192890
Địa chỉ: Số 159 Nguyễn Du, phường Hải Châu, thành phố Đà Nẵng
"""


def test_a_number_the_damaged_zone_contradicts_is_proposed_and_the_receipt_settles_it() -> None:
    registry = load_registry()
    card = extract_fields("citizen_id_card", CARD.format(number="048176192090", zone=DAMAGED),
                          registry)
    number = card.fields["id_number"]
    assert card.owner_id is None and card.proposed_owner_id == "048176192090"
    assert number.flag is not None and "048176192890" in number.flag
    alone = resolve_owner("citizen_id_card", card, registry=registry)
    assert (alone.owner_id, alone.needs_review) == ("048176192090", True)
    receipt = extract_fields("dossier_receipt", RECEIPT, registry)
    assert receipt.owner_id == "048176192890"
    both = resolve_owner("citizen_id_card", card, receipt, registry=registry)
    assert both.owner_id == "048176192890"


@pytest.mark.parametrize("zone", [
    DAMAGED,  # the zone prints the number, a glyph doubled
    "IDVNM1761928900048176192B90<<7",  # the zone lost the disputed digit: it says nothing
    "IDVNM1761928900048176192390<<7",  # a glyph off in the zone is the zone's damage
])
def test_a_number_the_zone_prints_or_cannot_gainsay_is_taken(zone: str) -> None:
    card = extract_fields("citizen_id_card", CARD.format(number="048176192890", zone=zone),
                          load_registry())
    assert card.owner_id == "048176192890"
    assert card.fields["id_number"].flag is None


def test_no_rival_when_the_zone_holds_two_or_none() -> None:
    assert zone_rival("048176192090", ["PHAN<<THUY<HANG<<<<<<<<<<<<<<<"], None, None) is None
    # the number and a one-digit rival both fit nowhere, two rivals fit: nothing is known
    two = "IDVNM 048176192890 048176192790 <<<"
    assert zone_rival("048176192090", [two], None, None) is None
    assert zone_rival("048176192090", [DAMAGED], None, None) == "048176192890"


# tester18 t18-1801-36 and -16: the number read on its own line, its caption lost
NEW_CARD = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NANL
Độc lập - Tự do - Hạnh phúc
CĂN CƯỚC
Số định danh cớ nhên/Personodl
056186557480
Họ, chữ đệm và ên/Full name:
THÁI NGỌC THƠ
Giới ính/Sex: Nữ Quốc ịch/Nofiondlity: Việt Nam
{zone}
"""


def test_a_number_read_alone_on_its_line_is_the_cards_when_the_zone_prints_it() -> None:
    registry = load_registry()
    card = extract_fields("citizen_id_card", NEW_CARD.format(
        zone="TDVNM1865574800056186557480<<6\n8601011E2601013VNM<<<<<<<<<<<5"), registry)
    assert card.owner_id == "056186557480"


def test_a_number_read_alone_with_no_second_copy_is_only_proposed() -> None:
    registry = load_registry()
    card = extract_fields("citizen_id_card", NEW_CARD.format(zone=""), registry)
    assert card.owner_id is None
    alone = resolve_owner("citizen_id_card", card, registry=registry)
    assert (alone.owner_id, alone.needs_review) == ("056186557480", True)
    receipt = extract_fields("dossier_receipt", RECEIPT.replace(
        "048176192890", "056186557480").replace("Phan Thùy Hằng", "Thái Ngọc Thơ"), registry)
    both = resolve_owner("citizen_id_card", card, receipt, registry=registry)
    assert (both.owner_id, both.needs_review) == ("056186557480", False)
    # two numbers alone on their lines: neither is known to be the card's
    two = NEW_CARD.format(zone="048176192890")
    assert extract_fields("citizen_id_card", two, registry).fields.get("id_number") is None
