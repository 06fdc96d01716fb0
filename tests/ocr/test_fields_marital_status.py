"""The marital-status paper (tester18 F13): "Giấy xác nhận tình trạng hôn nhân" (TT 04/2020's
form, valid six months from issue) was "Tài liệu khác", in review for its type, with no validity,
so `sohoa reuse` never offered it for the marriage it was brought for. It is its own type, owned
by the person it certifies, valid six months, and a component of "Đăng ký kết hôn"."""

from __future__ import annotations

from datetime import date

from sohoa.doctypes import load_registry
from sohoa.ocr import recognize_page
from sohoa.ocr.classify import classify
from sohoa.ocr.fields.extract import extract_fields
from sohoa.pipeline.owner import resolve_owner
from sohoa.pipeline.stages import page_lexicon
from sohoa.procedures import load_catalogue
from sohoa.synth import render_document

# tester18's t18-1801-13, as our OCR read it (the title on two lines; another generator's face)
MARITAL = """ỦY BAN NHÂN DÂN
PHƯỜNG HẢI CHÂU
Số: 418/UBND-XNTTHN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hải Châu, ngày 20 tháng 10 năm 2026
GIẤY XÁC NHẬN
TÌNH TRẠNG HÔN NHÂN
ỦY BAN NHÂN DÂN PHƯỜNG HẢI CHÂU
Xét đề nghị của bà Phan Thùy Hằng về việc xác nhận tình trạng hôn nhân cho:
Họ, chữ đệm, tên: Phan Thùy Hằng
Ngày, tháng, năm sinh: 23/02/1976
Giới tính: Nữ Dân tộc: Kinh Quốc tịch: Việt Nam
Giấy tờ tùy thân: Căn cước công dân số 048176192890
Nơi cư trú: Số 159 Nguyễn Du, phường Hải Châu, thành phố Đà Nẵng
Trong thời gian cư trú tại phường Hải Châu, thành phố Đà Nẵng từ ngày 23/02/1994 đến ngày
20/10/2026
Tình trạng hôn nhân: Hiện tại chưa đăng ký kết hôn với ai.
Giấy này được cấp để: Đăng ký kết hôn.
Giấy này có giá trị sử dụng trong thời hạn 06 tháng, kể từ ngày cấp.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lê Văn Tám
"""


def test_the_marital_status_paper_is_typed_owned_and_valid_six_months() -> None:
    registry = load_registry()
    kind = classify(MARITAL, registry)
    assert kind.doc_type == "marital_status_certificate"
    assert kind.confidence >= 0.9
    extraction = extract_fields(kind.doc_type, MARITAL, registry)
    fields = {k: v.value for k, v in extraction.fields.items()}
    assert fields["id_number"] == "048176192890"
    assert fields["full_name"] == "Phan Thùy Hằng"
    assert fields["issue_date"] == "2026-10-20"  # the dateline, not the residence period's end
    owner = resolve_owner(kind.doc_type, extraction, registry=registry)
    assert (owner.owner_id, owner.owner_kind, owner.needs_review) == (
        "048176192890", "person", False)
    # six months from issue, through the day before: reuse can offer it until then
    assert registry.valid_until(kind.doc_type, fields) == date(2027, 4, 19)
    assert registry.proves(kind.doc_type)


def test_a_marriage_registration_takes_each_partys_marital_status_paper() -> None:
    marriage = next(p for p in load_catalogue() if p.name == "Đăng ký kết hôn")
    component = next(c for c in marriage.components
                     if c.doc_type == "marital_status_certificate")
    assert (component.name, component.required, component.parties) == (
        "Giấy xác nhận tình trạng hôn nhân", False, 2)
    assert load_registry().get(component.doc_type).name == "Giấy xác nhận tình trạng hôn nhân"


def test_the_projects_own_marital_status_paper_reads_back() -> None:
    registry = load_registry()
    for seed in (3, 4):
        doc = render_document("marital_status_certificate", seed, severity="light")
        ocr = recognize_page(doc.page_jpeg(0), page_sha256=f"xnhn{seed}", dpi=doc.dpi,
                             lexicon=page_lexicon())
        assert classify(ocr.text, registry).doc_type == "marital_status_certificate"
        fields = extract_fields("marital_status_certificate", ocr.text, registry).fields
        truth = doc.truth.fields
        for key in ("id_number", "full_name", "date_of_birth", "issue_date"):
            assert fields[key].value == truth[key], (seed, key, fields[key], truth[key])
