"""Place names snapped to Vietnam's real administrative units (sohoa.ocr.gazetteer), and the
addresses that extraction repairs with them."""

from __future__ import annotations

from functools import partial

import pytest

from sohoa.doctypes import load_registry
from sohoa.ocr.fields.addresses import snap_address
from sohoa.ocr.fields.extract import extract_fields
from sohoa.ocr.gazetteer import PROVINCE, WARD, load, snap_units

extract = partial(extract_fields, registry=load_registry())  # the packaged document types


def test_the_list_is_the_real_one() -> None:
    gaz = load()
    provinces = {gaz.units[i].name for i in gaz.by_level[PROVINCE]}
    assert {"Đồng Nai", "Hà Nội", "Hồ Chí Minh", "Nghệ An"} <= provinces
    assert len(gaz.by_level[WARD]) > 10_000  # the GSO's wards before and after 2025
    ward = next(u for u in gaz.units if u.name == "Hố Nai" and u.level == WARD)
    district = gaz.units[ward.parent]
    assert (district.kind, district.name) == ("thành phố", "Biên Hòa")
    assert gaz.units[district.parent].name == "Đồng Nai"


@pytest.mark.parametrize(("parts", "expected"), [
    # marks confused: the list's spelling is restored
    (["phường Hồ Nai", "thành phố Biên Hòa"], ["phường Hố Nai", "thành phố Biên Hòa"]),
    (["huyện Tràng Bom"], ["huyện Trảng Bom"]),
    (["phường Lê Lợi", "thành phố Vĩnh", "tính Nghệ An"],
     ["phường Lê Lợi", "thành phố Vinh", "tỉnh Nghệ An"]),
    # a stray letter in a name
    (["phường Ba Đỉình"], ["phường Ba Đình"]),
    # a garbled level word, replaced by the unit's own when the nesting confirms it
    (["Pin An Khánh", "thành phố Thủ Đức", "Thành phố Hồ Chí Minh"],
     ["phường An Khánh", "thành phố Thủ Đức", "Thành phố Hồ Chí Minh"]),
    (["phường Điện Biên", "thành Thanh Hóa", "tình Thanh Hóa"],
     ["phường Điện Biên", "thành phố Thanh Hóa", "tỉnh Thanh Hóa"]),
    # a lost syllable, completed only inside a confirmed nesting
    (["xã Bảo Quang", "thành phố Khánh", "tỉnh Đồng Nai"],
     ["xã Bảo Quang", "thành phố Long Khánh", "tỉnh Đồng Nai"]),
    (["phường Chánh Nghĩa", "thành phố Thủ Dầu Một", "tỉnh Bình"],
     ["phường Chánh Nghĩa", "thành phố Thủ Dầu Một", "tỉnh Bình Dương"]),
    (["Phường 25", "quận Bình Thạnh", "Thành phố Hồ Chí Minh"],
     ["Phường 25", "quận Bình Thạnh", "Thành phố Hồ Chí Minh"]),
])
def test_snap_units(parts: list[str], expected: list[str]) -> None:
    assert snap_units(parts) == expected


@pytest.mark.parametrize("parts", [
    ["tỉnh Bình"],  # Bình Dương, Bình Phước, Bình Định …: nothing says which
    ["thành phố Khánh"],  # a lost syllable with nothing to confirm it
    ["thị trấn Đức Đăng", "huyện Bù Đăng", "tỉnh Bình Phước"],  # Đức Phong or Đức Liễu?
    ["ấp 5", "xã Bắc Sơn", "huyện Trảng Bom"],  # a hamlet is not a ward
    ["đường Lê Lợi", "thành phố Vinh", "tỉnh Nghệ An"],  # a street is not a ward
])
def test_no_guess_without_evidence(parts: list[str]) -> None:
    assert snap_units(parts) is None


def test_a_real_name_is_not_another_garbled() -> None:
    # "Long Khánh" is a real unit: it is not read as "Long Thành" a letter or two away, and the
    # kind a paper printed (a xã then, a phường now) stays as printed.
    assert snap_units(["xã Long Khánh", "tỉnh Đồng Nai"]) in (None, ["xã Long Khánh",
                                                                     "tỉnh Đồng Nai"])
    assert snap_units(["xã Nghi Phú", "thành phố Vinh", "tỉnh Nghệ An"]) == [
        "xã Nghi Phú", "thành phố Vinh", "tỉnh Nghệ An"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Số 123, đường Trần Phú, tổ 3, thị trấn Đức Phong, huyện Bù Đăng. tỉnh Bình Phước",
     "Số 123, đường Trần Phú, tổ 3, thị trấn Đức Phong, huyện Bù Đăng, tỉnh Bình Phước"),
    ("Số 261, đường Hai Bà Trưng, tổ 11, phường Bên Nghệ, Quận 1 Thành phố Hồ Chí Minh",
     "Số 261, đường Hai Bà Trưng, tổ 11, phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"),
    ("Số 268, đường Hồ Thị Hương, ấp 9,. xà Báo Quang, thành phố Lạc Khánh, tỉnh Đồng Nai",
     "Số 268, đường Hồ Thị Hương, ấp 9, xã Bảo Quang, thành phố Long Khánh, tỉnh Đồng Nai"),
    ("Số 112, đường Nguyễn Hoàng, tổ 12, xã Bắc Sơn, Hà Càng Trảng Bom, ` tỉnh Đồng Nai",
     "Số 112, đường Nguyễn Hoàng, tổ 12, xã Bắc Sơn, huyện Trảng Bom, tỉnh Đồng Nai"),
    ("Số 289, đường Nguyễn Hoàng, khu phố 10, xã Tiến, huyện Trảng Bom, tính Đồng Nai Tin",
     "Số 289, đường Nguyễn Hoàng, khu phố 10, xã Quảng Tiến, huyện Trảng Bom, tỉnh Đồng Nai"),
    ("Số 472, đưởng Phạm Văn Thuận, tõ 9, phưởng Hỗ Nai, thành phố Biên Hòa, tỉnh Đồng Nai",
     "Số 472, đường Phạm Văn Thuận, tổ 9, phường Hố Nai, thành phố Biên Hòa, tỉnh Đồng Nai"),
])
def test_address_repaired(text: str, expected: str) -> None:
    fields = extract("application_form", f"Nơi thường trú: {text}\n").fields
    assert fields["address"].value == expected


def test_address_left_alone_without_evidence() -> None:
    text = "Số 5, đường Hùng khu phố 11, thôn Đông, xã Không Có, huyện Nào Đó, tỉnh Đồng Nay"
    assert snap_address(text) == text.replace("Đồng Nay", "Đồng Nai")  # only the province
    assert snap_address("Số 5, đường Hùng, thôn Đông, xã Không Có, huyện Nào Đó") is None


@pytest.mark.parametrize(("header", "expected"), [
    # the ward's marks and a stray letter, restored from the list; the body then completes it
    (["ỦY BAN NHÂN DÂN", "PHƯỜNG BA ĐỈÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Nơi đăng ký: Ủy ban nhân dân phường Ba Đình, thành phố Thanh Hóa"],
     "Ủy ban nhân dân phường Ba Đình, thành phố Thanh Hóa"),
    (["UBND HUYỆN TRÀNG BOM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
     "Ủy ban nhân dân huyện Trảng Bom"),
    # the level word after "UBND" lost its mark: the superior is still territorial
    (["UBND TÍNH BÌNH DƯƠNG", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
     "Sở Tài nguyên và Môi trường tỉnh Bình Dương"),
    # the left column goes on beside the motto after the national header's own line
    (["CÔNG AN HUYỆN LONG THÀNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "CÔNG AN THỊ TRẤN LONG THÀNH - Độc lập - Tự do - Hạnh phúc", "Số: 336/XN-CAX"],
     "Công an thị trấn Long Thành, huyện Long Thành"),
    # specks before the agency
    (["xi 4Á - CÔNG AN THÀNH PHỐ THANH HÓA", "CÔNG AN PHƯỜNG ĐIỆN BIÊN", "Số: 716/XN-CAX"],
     "Công an phường Điện Biên, thành phố Thanh Hóa"),
    # a standing unit's name with a stray letter
    (["BỘ PHẬN TIẾP NHẬN VÀ TRẢÁ KẾT QUẢ", "THÀNH PHỐ LONG KHÁNH", "Số: 12"],
     "Bộ phận Tiếp nhận và Trả kết quả thành phố Long Khánh"),
])
def test_issuing_body_localities(header: list[str], expected: str) -> None:
    body = extract("decision", "\n".join(header)).fields.get("issuing_body")
    assert body is not None and body.value == expected


def test_issuing_body_not_snapped_without_evidence() -> None:
    # "Trảng Bom" is a district and a town in it: without the level word it stays as read.
    body = extract("decision", "ỦY BAN NHÂN DÂN\nTRẢNG BOM\nSố: 1").fields["issuing_body"]
    assert body.value == "Ủy ban nhân dân Trảng bom"


def test_parcel_address_when_its_item_letter_was_lost() -> None:
    text = ("Địa chỉ thường trú: Số 138, đường Đại lộ Bình Dương, ấp 11, phường Chánh Nghĩa,\n"
            "thành phố Thủ Dầu Một, tính Bình Dương\n"
            "ä) Thửa đất số: 785 - Tờ bản đồ số: 48\n"
            "Địa chỉ: phường Chánh Nghĩa, thành phố Thủ Dầu Một, tính Bình Dương\n"
            "€) Diện tích: 112,1 m²\n")
    address = extract("land_use_certificate", text).fields["address"]
    assert address.value == "phường Chánh Nghĩa, thành phố Thủ Dầu Một, tỉnh Bình Dương"
    # the owner's home is not the parcel
    assert "address" not in extract("land_use_certificate", text.split("ä)")[0]).fields
