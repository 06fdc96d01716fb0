from __future__ import annotations

from archive_records import make_record

from sohoa.archive import ARCHIVAL_LABELS, archival_metadata
from sohoa.archive.archival import archival_columns, retention_label, split_number


def test_split_number_into_so_and_ky_hieu() -> None:
    # The year of issue stays with the number: 4004/2024 and 4004/2023 are different decisions.
    assert split_number("123/2024/QĐ-UBND") == ("123/2024", "QĐ-UBND")
    assert split_number("4004/2024/QĐ-UBND") == ("4004/2024", "QĐ-UBND")
    assert split_number("Số: 15/UBND-VP") == ("15", "UBND-VP")
    assert split_number("01/2016/TT-BCA") == ("01/2016", "TT-BCA")
    assert split_number("QĐ-UBND") == (None, "QĐ-UBND")
    assert split_number("4521") == ("4521", None)
    assert split_number(None) == (None, None)


def test_retention_labels() -> None:
    assert retention_label("permanent") == "Vĩnh viễn"
    assert retention_label("P10Y") == "10 năm"
    assert retention_label("P70Y") == "70 năm"
    # The document-type registry's own form (sohoa/doctypes.toml), what stored records carry.
    assert retention_label("years:10") == "10 năm"
    assert retention_label("years:70") == "70 năm"
    assert retention_label(None) is None


def test_archival_columns_fill_what_the_record_gives() -> None:
    rec, _, _ = make_record(
        "qd", title="QUYẾT ĐỊNH", doc_type="decision",
        fields={"document_number": "123/2024/QĐ-UBND", "issuing_body": "UBND tỉnh Đồng Nai",
                "summary": "Về việc cấp phép xây dựng"},
        retention="P10Y", pages=2)
    cols = archival_columns(rec)
    assert cols["arc_type_name"] == "Quyết định"
    assert (cols["arc_number"], cols["arc_notation"]) == ("123/2024", "QĐ-UBND")
    assert cols["arc_issuer"] == "UBND tỉnh Đồng Nai"
    assert cols["arc_summary"] == "Về việc cấp phép xây dựng"
    assert cols["arc_language"] == "Tiếng Việt"
    assert cols["arc_page_count"] == 2
    assert cols["arc_retention"] == "10 năm"
    assert cols["arc_reliability"] == "Số hóa"
    assert cols["arc_physical_state"] is None


def test_archival_metadata_is_json_ready_and_labelled() -> None:
    rec, _, _ = make_record("m")
    meta = archival_metadata(rec)
    assert set(meta) == set(ARCHIVAL_LABELS)
    assert meta["ngay_thang_nam"] == "2024-03-01"
    assert meta["ten_loai_van_ban"] == "Giấy khai sinh"
    assert meta["thoi_han_bao_quan"] == "Vĩnh viễn"
    assert ARCHIVAL_LABELS["ky_hieu"] == "Ký hiệu của văn bản"


def test_summary_is_read_from_the_decisions_ve_viec_line() -> None:
    text = ("UỶ BAN NHÂN DÂN\nTHÀNH PHỐ LONG KHÁNH\nSố: 4004/2024/QĐ-UBND\nQUYẾT ĐỊNH\n"
            "Về việc công nhận kết quả hòa giải thành ngoài Tòa án\n"
            "ỦY BAN NHÂN DÂN THÀNH PHỐ LONG KHÁNH\nCăn cứ Luật Tổ chức chính quyền địa phương")
    rec, _, _ = make_record("qd-vv", title="QUYẾT ĐỊNH", doc_type="decision", text=text,
                            fields={"document_number": "4004/2024/QĐ-UBND"},
                            retention="years:10")
    cols = archival_columns(rec)
    assert cols["arc_summary"] == "Về việc công nhận kết quả hòa giải thành ngoài Tòa án"
    assert (cols["arc_number"], cols["arc_notation"]) == ("4004/2024", "QĐ-UBND")
    assert cols["arc_retention"] == "10 năm"
    official = "Số: 15/UBND-VP\nV/v đề nghị cung cấp hồ sơ địa chính\nKính gửi: …"
    rec, _, _ = make_record("cv-vv", title="CÔNG VĂN", text=official)
    assert archival_columns(rec)["arc_summary"] == "V/v đề nghị cung cấp hồ sơ địa chính"
    rec, _, _ = make_record("cccd", title="CĂN CƯỚC", text="Họ và tên: Nguyễn Văn An")
    assert archival_columns(rec)["arc_summary"] is None  # nothing printed, nothing guessed


def test_type_name_from_a_title_read_with_a_dash_before_it() -> None:
    rec, _, _ = make_record("dash", title="- CĂN CƯỚC CÔNG DÂN")
    assert archival_columns(rec)["arc_type_name"] == "Căn cước công dân"
