"""An issuing body whose header names the province with no level word ("UBND ĐẮK LẮK") keeps
the province's capitals and marks (tester18 F12)."""

from __future__ import annotations

import pytest

from sohoa.ocr.fields.bodies import agency_case, issuing_body


@pytest.mark.parametrize(("header", "body"), [
    (["UBND ĐẮK LẮK", "SỞ TƯ PHÁP", "Số: 12/STP"], "Sở Tư pháp - Ủy ban nhân dân Đắk Lắk"),
    (["UBND ĐĂK LẮK", "SỞ TƯ PHÁP", "Số: 12/STP"], "Sở Tư pháp - Ủy ban nhân dân Đắk Lắk"),
    (["UBND THANH HÓA", "SỞ TƯ PHÁP", "Số: 12/STP"], "Sở Tư pháp - Ủy ban nhân dân Thanh Hóa"),
])
def test_a_province_without_its_level_word_is_written_as_the_province_is(header, body):
    assert issuing_body(header) == body


@pytest.mark.parametrize(("name", "cased"), [
    ("SỞ TƯ PHÁP TỈNH ĐỒNG NAI", "Sở Tư pháp tỉnh Đồng Nai"),
    ("UBND PHƯỜNG BẾN THÀNH", "Ủy ban nhân dân phường Bến Thành"),
    ("CÔNG AN THÀNH PHỐ LONG KHÁNH", "Công an thành phố Long Khánh"),
])
def test_a_place_after_its_level_word_is_cased_as_before(name, cased):
    assert agency_case(name) == cased
