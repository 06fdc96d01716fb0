"""Document type from OCR text: titles under OCR damage, known confusions, calibration, the
learned fallback, and where documents start inside a dossier (segment)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from sohoa.doctypes import load_registry
from sohoa.errors import ConfigError
from sohoa.ocr.classify import REVIEW_THRESHOLD, NgramModel, classify, printed_title
from sohoa.ocr.mrz import build_td1
from sohoa.ocr.segment import (
    DEFAULT_DOSSIER_CODE_PATTERN,
    find_dossier_code,
    page_number,
    starts_document,
)

REGISTRY = load_registry()
TITLES = REGISTRY.titles()
classify_packaged = partial(classify, registry=REGISTRY)  # the packaged document types

HEADER = ("ỦY BAN NHÂN DÂN\nXÃ AN PHƯỚC\nSố: 125/2024/QĐ-UBND\n"
          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
          "An Phước, ngày 05 tháng 11 năm 2024\n")
BODY = ("Họ và tên: NGUYỄN VĂN AN\nNgày sinh: 15/01/1990\n"
        "Số định danh cá nhân: 075090012345\n"
        "Nơi thường trú: Ấp 3, xã An Phước, huyện Long Thành, tỉnh Đồng Nai\n")


def _doc(title: str, header: str = HEADER, body: str = BODY) -> str:
    return f"{header}{title}\n{body}"


def _titles() -> list[tuple[str, str]]:
    return [(t.code, title) for t in load_registry().all() for title in t.titles]


@pytest.mark.parametrize(("code", "title"), _titles())
def test_every_registry_title_is_recognized(code: str, title: str) -> None:
    result = classify_packaged(_doc(title))
    assert result.doc_type == code, (title, result)
    assert result.confidence >= REVIEW_THRESHOLD
    assert result.method == "title"


# Damage as Tesseract `vie` does it: tone marks lost or swapped, letters dropped or confused
# (l/I for i, 0 for O), the two header columns merged into one line.
DAMAGED = [
    ("birth_certificate", "GIÂY KHAl SINH"),
    ("birth_certificate", "GIAY KHAI SlNH"),
    ("citizen_id_card", "CĂN CUỚC CÔNG DẨN"),
    ("residence_confirmation", "XÁC NHẬN THÔNG TlN VÊ CU TRÚ"),
    ("marriage_certificate", "GlẤY CHỨNG NHẬN KÊT HÔN"),
    ("business_registration", "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP"),
    ("business_registration", "GIÂY CHUNG NHAN DANG KY D0ANH NGHIEP"),
    ("land_use_certificate", "GIẤY CHỨNG NHẬN QUYÊN SỬ DỤNG ĐÂT"),
    ("construction_permit", "GIẤY PHẾP XÂY DỤNG"),
    ("application_form", "ĐƠN ĐÈ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG"),
    ("application_form", "TỜ KHAl ĐĂNG KÝ KHAI SINH"),
    ("decision", "QUYÊT ĐlNH"),
    ("decision", "QUYẾT ĐỊNH"),
    ("power_of_attorney", "GIẤY UỶ QUYÈN"),
    ("judicial_record", "PHIÊU LÝ LICH TƯ PHÁP SÓ 1"),
    ("dossier_receipt", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KÊT QUÁ"),
    ("dossier_receipt", "GIAY TIEP NHAN HO SO VA HEN TRA KET QUA"),
]


@pytest.mark.parametrize(("code", "title"), DAMAGED)
def test_damaged_titles(code: str, title: str) -> None:
    result = classify_packaged(_doc(title))
    assert result.doc_type == code, (title, result)
    assert result.confidence >= REVIEW_THRESHOLD


def test_merged_two_column_header() -> None:
    text = ("UỶ BAN NHÂN DÂN CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "XÃ AN PHƯỚC Độc lập - Tự do - Hạnh phúc\n"
            "Số: 99 An Phước, ngày 05 tháng 11 năm 2024\n"
            "GIẤY KHAI SINH\n" + BODY)
    assert classify_packaged(text).doc_type == "birth_certificate"


def test_title_split_over_two_lines() -> None:
    text = _doc("GIẤY CHỨNG NHẬN\nĐĂNG KÝ DOANH NGHIỆP\nCÔNG TY TRÁCH NHIỆM HỮU HẠN")
    result = classify_packaged(text)
    assert (result.doc_type, result.confidence >= REVIEW_THRESHOLD) == (
        "business_registration", True)
    long_title = _doc("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\n"
                      "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT")
    assert classify_packaged(long_title).doc_type == "land_use_certificate"


def test_printed_title() -> None:
    assert printed_title(_doc("GIÂY KHAl SINH"), "birth_certificate", REGISTRY) == "GIÂY KHAl SINH"
    split = _doc("GIẤY CHỨNG NHẬN\nĐĂNG KÝ DOANH NGHIỆP\nCÔNG TY TNHH")
    assert printed_title(split, "business_registration", REGISTRY) \
        == "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP"
    assert printed_title(_doc("GIẤY KHAI SINH"), "decision", REGISTRY) is None


def test_decision_cited_in_a_body_is_no_title() -> None:
    body = ("Căn cứ Quyết định số 45/2020/QĐ-UBND ngày 01 tháng 02 năm 2020 của UBND tỉnh;\n"
            "Căn cứ Luật Xây dựng ngày 18 tháng 6 năm 2014;\n" + BODY)
    result = classify_packaged(_doc("GIẤY PHÉP XÂY DỰNG", body=body))
    assert result.doc_type == "construction_permit"
    assert result.confidence >= 0.9


def test_receipt_listing_forms_stays_a_receipt() -> None:
    body = ("Mã hồ sơ: H19.22-241105-0042\nÔng/Bà: Nguyễn Văn An\n"
            "1. Thành phần hồ sơ nộp gồm:\n1) Tờ khai đăng ký khai sinh: 01 bản\n"
            "2) Đơn đề nghị cấp giấy phép xây dựng: 01 bản\n"
            "3) Bản sao Giấy chứng nhận quyền sử dụng đất: 01 bản\n")
    result = classify_packaged(_doc("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", body=body))
    assert result.doc_type == "dossier_receipt"
    assert result.confidence >= 0.9


def test_the_kinds_of_certificate_are_told_apart() -> None:
    kinds = {
        "GIẤY CHỨNG NHẬN KẾT HÔN": "marriage_certificate",
        "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP": "business_registration",
        "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT": "land_use_certificate",
    }
    for title, code in kinds.items():
        result = classify_packaged(_doc(title))
        assert result.doc_type == code
        assert result.confidence >= 0.9
    # The bare common prefix says which family, not which kind: a person must look.
    vague = classify_packaged(_doc("GIẤY CHỨNG NHẬN"))
    assert vague.confidence < REVIEW_THRESHOLD


def test_card_back_without_title() -> None:
    mrz = build_td1("075180954281", __import__("datetime").date(1980, 2, 4), "F",
                    __import__("datetime").date(2040, 2, 4), "VO", "MY NGOC CHI")
    text = ("Đặc điểm nhân dạng / Personal identification:\nSẹo chấm C:1cm dưới trước mép trái\n"
            "Ngày, tháng, năm / Date, month, year: 21/12/2021\n"
            "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH\nCHÍNH VỀ TRẬT TỰ XÃ HỘI\n" + "\n".join(mrz))
    result = classify_packaged(text)
    assert result.doc_type == "citizen_id_card"
    assert result.confidence >= REVIEW_THRESHOLD


@pytest.mark.parametrize("text", [
    "Hôm nay trời đẹp, chúng tôi đi chơi công viên.\nMua bánh mì và nước.",
    "HÓA ĐƠN BÁN HÀNG\nCửa hàng tạp hóa Minh Tâm\nTổng cộng: 125.000 đồng",
    "Lorem ipsum dolor sit amet\nconsectetur adipiscing elit",
])
def test_unrelated_text_is_other_with_low_confidence(text: str) -> None:
    result = classify_packaged(text)
    assert result.doc_type == "other"
    assert result.confidence < REVIEW_THRESHOLD
    assert result.method == "default"


def test_empty_text() -> None:
    result = classify_packaged("   \n ")
    assert (result.doc_type, result.confidence) == ("other", 0.0)


def test_garbled_title_is_never_confident() -> None:
    result = classify_packaged(_doc("GI4Y CH?NG NH4N K.T H.N"))
    assert result.confidence < REVIEW_THRESHOLD


def test_title_far_down_the_page_is_ignored() -> None:
    filler = "".join(f"Dòng nội dung thứ {i} của văn bản.\n" for i in range(30))
    result = classify_packaged(filler + "GIẤY KHAI SINH\n")
    assert result.doc_type == "other"


# --- learned fallback ------------------------------------------------------------------------

TRAIN = {
    "judicial_record": ["Tình trạng án tích: Không có án tích",
                        "Thông tin về việc cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp",
                        "Tình trạng án tích: không có án tích. Cấm đảm nhiệm chức vụ: không"],
    "land_use_certificate": ["Thửa đất số: 594 Tờ bản đồ số: 9 Diện tích: 419,8 m²",
                             "Mục đích sử dụng: Đất ở tại nông thôn. Thời hạn sử dụng: Lâu dài",
                             "Nguồn gốc sử dụng: Nhận chuyển nhượng đất. Hình thức sử dụng riêng"],
    "power_of_attorney": ["BÊN ỦY QUYỀN Họ và tên BÊN ĐƯỢC ỦY QUYỀN nội dung ủy quyền",
                          "Thời hạn ủy quyền: kể từ ngày ký đến khi hoàn thành công việc",
                          "Bên được ủy quyền thay mặt bên ủy quyền nộp hồ sơ và nhận kết quả"],
}


def _model() -> NgramModel:
    texts = [t for texts in TRAIN.values() for t in texts]
    labels = [code for code, texts in TRAIN.items() for _ in texts]
    return NgramModel.train(texts, labels)


def test_model_decides_when_the_title_is_missing(tmp_path: Path) -> None:
    text = "Trang 2/2\nDiện tích: 120 m². Thửa đất số 12, tờ bản đồ số 3.\nMục đích sử dụng: đất ở"
    assert classify_packaged(text).doc_type == "other"
    model = _model()
    result = classify_packaged(text, model=model)
    assert result.doc_type == "land_use_certificate"
    assert result.method == "model"
    # Saved and loaded, it gives the same answers.
    path = tmp_path / "types.npz"
    model.save(path)
    loaded = NgramModel.load(path)
    assert loaded.labels == model.labels
    assert loaded.predict(text) == model.predict(text)


def test_model_does_not_override_a_confident_title() -> None:
    result = classify_packaged(_doc("GIẤY KHAI SINH"), model=_model())
    assert (result.doc_type, result.method) == ("birth_certificate", "title")


def test_model_training_needs_real_data(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        NgramModel.train(["a"], ["x", "y"])
    with pytest.raises(ConfigError):
        NgramModel.train(["a", "b"], ["x", "x"])
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a model")
    with pytest.raises(ConfigError, match="huấn luyện lại"):
        NgramModel.load(junk)


# --- segment ---------------------------------------------------------------------------------


def test_first_pages_start_documents() -> None:
    assert starts_document(_doc("GIẤY KHAI SINH"), TITLES)
    assert starts_document("CỘNG HOÀ XÃ HÔI CHỦ NGHĨA VIẸT NAM\nĐộc lập - Tự do\nTỜ KHAI", TITLES)
    # No national header, but a registry title at the top.
    assert starts_document("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nMã hồ sơ: H19.22-241105-0042",
                           TITLES)
    # A card: its captions, or the MRZ of its back.
    assert starts_document("Đặc điểm nhân dạng / Personal identification:\nNốt ruồi", TITLES)
    assert starts_document("IDVNM1809542812075180954281<<<\n8002044F4002046VNM<<<<<<<<<<<4", TITLES)


def test_continuation_pages_do_not() -> None:
    assert not starts_document("Điều 2. Giao Phòng Tài nguyên và Môi trường hướng dẫn.\n"
                               "Điều 3. Chánh Văn phòng chịu trách nhiệm thi hành.\nTrang 2/2",
                               TITLES)
    assert not starts_document("- 2 -\nnhân dân cấp xã nơi có đất có trách nhiệm hướng dẫn", TITLES)
    assert not starts_document("", TITLES)
    # A page number beats a header: "Trang 1/2" starts, "Trang 2/2" does not.
    assert starts_document("Điều 1. Giao đất\nTrang 1/2", TITLES)
    assert page_number("nội dung\nTrang 2 / 3") == (2, 3)
    # photocopied footers: Tesseract reads the slash as a fraction or division slash
    assert page_number("Trang 1\u20442\nQUYẾT ĐỊNH") == (1, 2)
    assert page_number("Trang 2 \u2215 2") == (2, 2)
    assert starts_document("Trang 1\u20442\nĐiều 1. Giao đất", TITLES)


@pytest.mark.parametrize(("text", "code"), [
    ("Mã hồ sơ: H19.22-241105-0042", "H19.22-241105-0042"),
    ("Mã hồ sơ: H19.22 - 241105 -0042", "H19.22-241105-0042"),  # OCR spacing
    ("Mã hồ sơ: H19.22-24110S-OO42", "H19.22-241105-0042"),  # look-alike digits
    ("Số: H19.22-240320-0158\nCỘNG HÒA", "H19.22-240320-0158"),
    ("Mã hồ sơ: H19.22-241305-0042", None),  # month 13: not a date
    ("Mã hồ sơ: H19.22-240230-0042", None),  # 30 February
    ("không có mã", None),
    # the receiving body's whole electronic identifier before the province letter
    ("Mã hồ sơ: 000.00.24.H54-241201-0001", "000.00.24.H54-241201-0001"),
    ("Mã hồ sơ: O66.67.47.H54 - 24120l-OOO1", "066.67.47.H54-241201-0001"),
    # never the tail of a longer code whose head is unreadable: two bodies' dossiers with one
    # date and sequence would share it (tester16 F10)
    ("Mã hồ sơ: 0G6.67.47.H54-241201-0001", None),
    ("Mã hồ sơ: x.H19.22-241105-0042", None),
])
def test_find_dossier_code(text: str, code: str | None) -> None:
    assert find_dossier_code(text) == code


def test_custom_dossier_code_pattern() -> None:
    pattern = r"(?P<date>\d{6})/HS-(?P<seq>\d{3})"
    assert find_dossier_code("Số hồ sơ: 241105/HS-042", pattern) == "241105/HS-042"
    assert find_dossier_code("Số hồ sơ: 241105/HS-042") is None
    assert "(?P<date>" in DEFAULT_DOSSIER_CODE_PATTERN


@pytest.mark.parametrize("header", [
    HEADER,
    # as OCR gives it: tone marks lost, the two columns merged
    "UY BAN NHAN DAN CONG HOA XA HOI CHU NGHIA VIET NAM\n"
    "PHUONG HO NAI Doc lap - Tu do - Hanh phuc\n",
    "CÔNG AN TỈNH ĐỒNG NAI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n",
])
def test_an_issuing_body_is_never_the_title_and_a_mentioned_card_is_no_card(header: str) -> None:
    """tester12 F2: a commune's letter confirming where a citizen lives was filed as a citizen
    ID card, title "ỦY BAN NHÂN DÂN" ("UY BAN NHAN DAN" reads 70 % like "CHUNG MINH NHAN
    DAN"), in every scan of it. Who wrote a paper is not what it is; a sentence naming a CCCD
    does not make the paper a card."""
    letter = _doc("V/v xác nhận tạm trú của công dân",
                  header=header,
                  body="Kính gửi: Công an phường Hố Nai.\nỦy ban nhân dân phường xác nhận bà "
                       "Lê Thị Hoa, CMND/CCCD số 075190000042, đang tạm trú tại khu phố 3.\n")
    got = classify_packaged(letter)
    assert got.doc_type != "citizen_id_card"
    title = printed_title(letter, "citizen_id_card", REGISTRY)
    assert title is None or "NHÂN DÂN" not in title.upper()
    # the body's own title still reads under the same header
    card = _doc("CĂN CƯỚC CÔNG DÂN", header=header)
    assert classify_packaged(card).doc_type == "citizen_id_card"
    decision = _doc("QUYẾT ĐỊNH", header=header)
    assert classify_packaged(decision).doc_type == "decision"



def test_a_title_with_a_word_of_its_own_is_another_papers() -> None:
    """tester19 F1: "TRÍCH LỤC KHAI TỬ" (a death extract, no type of the registry) is two
    letters from the birth extract's "TRÍCH LỤC KHAI SINH" and was filed as a birth
    certificate, sure of it (0.64, no question). A word of its own where the title has one is
    another paper's title; a word misread keeps most of its letters and is still the title."""
    registry = load_registry()
    head = ("ỦY BAN NHÂN DÂN\nXÃ TÂN PHONG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nSố: 255/TLKT-BS\n")
    death = classify(head + "TRÍCH LỤC KHAI TỬ\nHọ, chữ đệm, tên người đã chết: NGUYỄN VĂN A",
                     registry)
    assert death.doc_type == "other" and death.confidence < 0.6, death
    for misread in ("TRÍCH LỤC KHAI SlNH", "TRICH LUC KHAl SINH", "BẢN SAO TRÍCH LỤC KHAI SINH"):
        read = classify(head + misread + "\nHọ, chữ đệm, tên: NGUYỄN VĂN A", registry)
        assert read.doc_type == "birth_certificate" and read.confidence >= 0.6, (misread, read)
