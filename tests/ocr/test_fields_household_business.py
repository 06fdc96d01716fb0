"""A household business's certificate (tester18 F3): "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH" was
typed an enterprise's certificate, whose owner is a 10-digit enterprise code it does not print:
it belonged to nobody. It is its own type, owned by the chủ hộ whose personal number it prints
(a household business is no legal person), its own code a field. A certificate changed since
its first registration is dated by its last change, an enterprise's too."""

from __future__ import annotations

from sohoa.doctypes import load_registry
from sohoa.ocr import recognize_page
from sohoa.ocr.classify import classify
from sohoa.ocr.fields.extract import extract_fields
from sohoa.pipeline.owner import resolve_owner
from sohoa.pipeline.stages import page_lexicon
from sohoa.synth import render_document

HOUSEHOLD = """UBND PHƯỜNG KHƯƠNG ĐÌNH
PHÒNG KINH TẾ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH
Mã số hộ kinh doanh: 01C8110549
Đăng ký lần đầu: ngày 14 tháng 07 năm 2020
Đăng ký thay đổi lần thứ 1: ngày 24 tháng 10 năm 2024
Đăng ký thay đổi lần thứ 2: ngày 03 tháng 02 năm 2026
1. Tên hộ kinh doanh: HỘ KINH DOANH CÀ PHÊ KHOA
2. Địa điểm kinh doanh: Số 95 Võ Thị Sáu, phường Khương Đình, thành phố Hà Nội
6. Thông tin về chủ hộ kinh doanh / đại diện hộ gia đình:
Họ và tên: HỒ VĂN KHOA. Giới tính: Nam
Sinh ngày: 07/06/1962 Dân tộc: Kinh Quốc tịch: Việt Nam
Số định danh cá nhân: 001062565166
Địa chỉ thường trú: Số 95 Võ Thị Sáu, phường Khương Đình, thành phố Hà Nội
KT. TRƯỞNG PHÒNG
PHÓ TRƯỞNG PHÒNG
Huỳnh Ngọc Oanh
"""


def test_a_household_business_certificate_is_its_owners() -> None:
    registry = load_registry()
    kind = classify(HOUSEHOLD, registry)
    assert kind.doc_type == "household_business_registration"
    extraction = extract_fields(kind.doc_type, HOUSEHOLD, registry)
    fields = {k: v.value for k, v in extraction.fields.items()}
    assert fields["household_business_code"] == "01C8110549"
    assert fields["id_number"] == "001062565166"
    assert fields["issue_date"] == "2026-02-03"  # the last change, not the first registration
    owner = resolve_owner(kind.doc_type, extraction, registry=registry)
    assert (owner.owner_id, owner.owner_kind, owner.needs_review) == (
        "001062565166", "person", False)


def test_an_enterprise_certificate_is_dated_by_its_last_change() -> None:
    text = ("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\nMã số doanh nghiệp: 3600252847\n"
            "Đăng ký lần đầu: ngày 05 tháng 3 năm 2015\n"
            "Đăng ký thay đổi lần thứ 3: ngày 17 tháng 9 năm 2025\n"
            "Đăng ký thay đổi lần thứ 2: ngày 02 tháng 1 năm 2021\n")
    registry = load_registry()
    assert classify(text, registry).doc_type == "business_registration"
    fields = extract_fields("business_registration", text, registry).fields
    assert fields["issue_date"].value == "2025-09-17"
    first_only = text.split("Đăng ký thay đổi")[0]
    assert extract_fields("business_registration", first_only, registry
                          ).fields["issue_date"].value == "2015-03-05"


def test_the_projects_own_certificate_reads_back_its_owner_code_and_date() -> None:
    registry = load_registry()
    for seed in (5, 6):
        doc = render_document("household_business_registration", seed, severity="light")
        ocr = recognize_page(doc.page_jpeg(0), page_sha256=f"hkd{seed}", dpi=doc.dpi,
                             lexicon=page_lexicon())
        assert classify(ocr.text, registry).doc_type == "household_business_registration"
        fields = extract_fields("household_business_registration", ocr.text, registry).fields
        truth = doc.truth.fields
        for key in ("id_number", "household_business_code", "issue_date"):
            assert fields[key].value == truth[key], (seed, key, fields[key], truth[key])
