"""The small Vietnamese corpus that the search tests (tests/archive, tests/contract) store."""

from __future__ import annotations

from datetime import date

SEARCH_DOCS: dict[str, dict] = {
    "birth": dict(title="GIẤY KHAI SINH", doc_type="birth_certificate",
                  text="Giấy khai sinh. Họ và tên: Nguyễn Văn An. Nơi sinh: Bệnh viện Đa khoa "
                       "Đồng Nai, thành phố Biên Hòa, tỉnh Đồng Nai.",
                  owner_id="075203001234", owner_name="Nguyễn Văn An",
                  issue_date=date(2003, 5, 2), unit="UBND phường Tân Phong"),
    "land": dict(title="GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", doc_type="land_use_certificate",
                 text="Người sử dụng đất: bà Trần Thị Dương, thửa đất số 12, tờ bản đồ số 3, "
                      "xã Hóa An, thành phố Biên Hòa.",
                 owner_id="079190000001", owner_name="Trần Thị Dương",
                 issue_date=date(2019, 11, 20), unit="UBND xã Hóa An"),
    "decision": dict(title="QUYẾT ĐỊNH", doc_type="decision",
                     text="Quyết định về việc cho phép khai thác cát tại sông Đồng Nai; "
                          "giấy phép có hiệu lực 5 năm. Không kèm giấy khai sinh.",
                     owner_id="3600123456", owner_name="Công ty TNHH Đại Dương",
                     issue_date=date(2022, 8, 15), unit="UBND tỉnh Đồng Nai",
                     fields={"document_number": "123/2022/QĐ-UBND"}),
    "birth2": dict(title="GIẤY KHAI SINH", doc_type="birth_certificate",
                   text="Giấy khai sinh. Họ và tên: Lê Thị Hoa, sinh tại Cần Thơ.",
                   owner_id="092305004321", owner_name="Lê Thị Hoa",
                   issue_date=date(2005, 1, 9), unit="UBND phường Tân Phong"),
}
