"""The document-type registry: the packaged types, validity and retention rules, TOML checks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sohoa.doctypes import (
    DEFAULT_PATH,
    VALIDITY_UNKNOWN,
    add_months,
    load_registry,
    parse_registry,
)
from sohoa.errors import ConfigError, NotFoundError
from sohoa.ocr.classify import classify
from sohoa.ocr.fields.extract import extract_fields
from sohoa.vntext import nfc

REQUIRED = {
    "birth_certificate": "Giấy khai sinh",
    "citizen_id_card": "Căn cước công dân / Thẻ căn cước",
    "residence_confirmation": "Xác nhận thông tin về cư trú",
    "marriage_certificate": "Giấy chứng nhận kết hôn",
    "business_registration": "Giấy chứng nhận đăng ký doanh nghiệp",
    "land_use_certificate": "Giấy chứng nhận quyền sử dụng đất",
    "construction_permit": "Giấy phép xây dựng",
    "application_form": "Đơn đề nghị / Tờ khai",
    "decision": "Quyết định",
    "power_of_attorney": "Giấy ủy quyền",
    "judicial_record": "Phiếu lý lịch tư pháp",
    "dossier_receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "other": "Tài liệu khác",
}


def test_packaged_registry_has_every_required_type() -> None:
    registry = load_registry()
    assert {t.code for t in registry.all()} >= set(REQUIRED)
    for code, name in REQUIRED.items():
        assert code in registry
        assert registry.get(code).name == name
    assert "passport" not in registry


def test_types_are_consistent() -> None:
    for t in load_registry().all():
        assert t.name == nfc(t.name) and all(x == nfc(x) for x in t.titles)
        if t.code != "other":
            assert t.titles, t.code
        if t.owner_field is not None:
            assert t.owner_field in t.fields
            assert t.owner_kind in ("person", "organization")
        assert t.retention_label in ("Vĩnh viễn",) or t.retention_label.endswith(" năm")


def test_owner_fields() -> None:
    registry = load_registry()
    assert registry.get("citizen_id_card").owner_field == "id_number"
    assert registry.get("business_registration").owner_kind == "organization"
    assert registry.get("business_registration").owner_field == "enterprise_code"
    assert registry.get("other").owner_field is None
    assert registry.get("marriage_certificate").owner_shared
    assert not registry.get("birth_certificate").owner_shared


def test_unknown_code_says_what_exists() -> None:
    with pytest.raises(NotFoundError, match="birth_certificate"):
        load_registry().get("passport")


def test_registry_is_cached() -> None:
    assert load_registry() is load_registry()
    assert load_registry(DEFAULT_PATH) is load_registry()


@pytest.mark.parametrize(("code", "fields", "expected"), [
    ("birth_certificate", {"issue_date": "2024-11-05"}, None),  # permanent
    ("application_form", {"issue_date": "2024-11-05"}, None),  # not a proof: no end
    ("judicial_record", {"issue_date": "2024-11-05"}, date(2025, 5, 4)),  # 6 months
    ("judicial_record", {}, VALIDITY_UNKNOWN),  # no issue date: cannot be trusted
    ("citizen_id_card", {"expiry_date": "2040-02-04"}, date(2040, 2, 4)),
    ("citizen_id_card", {"expiry_date": None}, VALIDITY_UNKNOWN),
    ("citizen_id_card", {"expiry_date": "Không thời hạn"}, None),
    # The residence confirmation prints its end date; without it the shortest term applies.
    ("residence_confirmation", {"issue_date": "2024-09-09", "expiry_date": "2024-10-09"},
     date(2024, 10, 9)),
    ("residence_confirmation", {"issue_date": "2024-09-09"}, date(2024, 10, 8)),
    ("construction_permit", {"issue_date": "2024-05-15"}, date(2025, 5, 14)),
    ("power_of_attorney", {"issue_date": "not a date"}, VALIDITY_UNKNOWN),
])
def test_valid_until(code: str, fields: dict, expected: date | None) -> None:
    assert load_registry().valid_until(code, fields) == expected


def test_unknown_validity_compares_as_expired() -> None:
    assert date(1900, 1, 1) > VALIDITY_UNKNOWN


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 11, 5), 14) == date(2026, 1, 5)


def test_retention() -> None:
    registry = load_registry()
    assert registry.get("birth_certificate").retention == "permanent"
    assert registry.get("birth_certificate").retention_label == "Vĩnh viễn"
    assert registry.get("birth_certificate").retention_years is None
    receipt = registry.get("dossier_receipt")
    assert (receipt.retention, receipt.retention_label, receipt.retention_years) == (
        "years:5", "5 năm", 5)
    assert registry.retain_until("dossier_receipt", date(2024, 3, 20)) == date(2029, 3, 20)
    assert registry.retain_until("birth_certificate", date(2024, 3, 20)) is None
    assert registry.retain_until("dossier_receipt", None) is None


NEW_TYPE = """
[[type]]
code = "household_registration_book"
name = "Sổ hộ khẩu"
titles = ["SỔ HỘ KHẨU"]
fields = ["full_name", "id_number", "address"]
owner_kind = "person"
owner_field = "id_number"
validity = "months:3"
retention = "years:20"
retention_label = "Hai mươi năm"
[type.labels]
address = ["Chỗ ở hiện nay"]

[[type]]
code = "other"
name = "Tài liệu khác"
titles = []
fields = []
"""


def test_adding_a_type_is_a_toml_edit(tmp_path: Path) -> None:
    path = tmp_path / "types.toml"
    path.write_text(NEW_TYPE, encoding="utf-8")
    registry = load_registry(path)
    book = registry.get("household_registration_book")
    assert book.retention_label == "Hai mươi năm"
    assert registry.valid_until(book.code, {"issue_date": "2024-01-10"}) == date(2024, 4, 9)
    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSỔ HỘ KHẨU\n"
            "Họ và tên chủ hộ: TRẦN VĂN BA\nHọ và tên: TRẦN VĂN BA\n"
            "Số định danh cá nhân: 075080012345\nChỗ ở hiện nay: Ấp 2, xã An Phước, huyện Long "
            "Thành, tỉnh Đồng Nai")
    result = classify(text, registry)
    assert (result.doc_type, result.confidence >= 0.6) == ("household_registration_book", True)
    extraction = extract_fields(result.doc_type, text, registry)
    assert extraction.owner_id == "075080012345"
    assert extraction.values()["address"] == "Ấp 2, xã An Phước, huyện Long Thành, tỉnh Đồng Nai"


@pytest.mark.parametrize(("edit", "message"), [
    (('validity = "months:3"', 'validity = "sometimes"'), "validity"),
    (('retention = "years:20"', 'retention = "forever"'), "retention"),
    (('owner_field = "id_number"', 'owner_field = "enterprise_code"'), "owner_field"),
    (('code = "other"', 'code = "household_registration_book"'), "hai lần"),
    (('code = "other"', 'code = "misc"'), "other"),
    (('address = ["Chỗ ở hiện nay"]', 'sex = ["Giới tính"]'), "labels"),
    (('titles = ["SỔ HỘ KHẨU"]', 'titles = "SỔ HỘ KHẨU"'), "titles"),
    (('owner_kind = "person"', 'owner_kind = "family"'), "owner_kind"),
    (('owner_kind = "person"', 'owner_kind = "person"\nowner_shared = "yes"'), "owner_shared"),
    # a notation needs the number it is part of, and is one kind of paper, not a whole notation
    (('validity = "months:3"', 'validity = "months:3"\nnotations = ["HK"]'), "document_number"),
    (('fields = ["full_name", "id_number", "address"]',
      'fields = ["full_name", "id_number", "address", "document_number"]\n'
      'notations = ["HK-UBND"]'), "notations"),
])
def test_mistakes_in_the_file_are_config_errors(edit: tuple[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_registry(NEW_TYPE.replace(*edit), "types.toml")


def test_unreadable_registry_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="không đọc được"):
        load_registry(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[type]\ncode =", encoding="utf-8")
    with pytest.raises(ConfigError, match="không phải TOML hợp lệ"):
        load_registry(bad)
