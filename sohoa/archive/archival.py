"""Archival metadata in the sense of Thông tư 02/2019/TT-BNV (Phụ lục I), derived from a record.

Only what the record actually tells is filled; the rest stays None ("unknown"), never guessed.
The exceptions are facts true by construction of this system (the text is Vietnamese unless the
record says otherwise; a record is a digitized copy of paper, "Số hóa", unless the pipeline says it
is an original electronic result, "Gốc điện tử") and one policy
default (records hold citizens' personal data, so use is restricted, "Hạn chế", unless the
pipeline passes another ``extra["access"]``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sohoa.records import DocumentRecord
from sohoa.vntext import nfc, squash_spaces

# TT 02/2019 Phụ lục I, "Mức độ tin cậy": "Gốc điện tử" (the record was made electronic: a
# result the competent body issued as a signed PDF), "Số hóa" (digitized from paper), "Hỗn hợp".
ORIGINAL_ELECTRONIC = "Gốc điện tử"
DIGITIZED = "Số hóa"

# JSON keys of get_document()["archival"] → the labels of the circular, for display and XMP.
LABELS: dict[str, str] = {
    "ten_loai_van_ban": "Tên loại văn bản",
    "so": "Số của văn bản",
    "ky_hieu": "Ký hiệu của văn bản",
    "ngay_thang_nam": "Ngày tháng năm văn bản",
    "ten_co_quan_ban_hanh": "Tên cơ quan, tổ chức ban hành văn bản",
    "trich_yeu": "Trích yếu nội dung",
    "ngon_ngu": "Ngôn ngữ",
    "so_luong_trang": "Số lượng trang",
    "thoi_han_bao_quan": "Thời hạn bảo quản",
    "che_do_su_dung": "Chế độ sử dụng",
    "muc_do_tin_cay": "Mức độ tin cậy",
    "tinh_trang_vat_ly": "Tình trạng vật lý",
}

# catalog column → JSON key
COLUMNS: dict[str, str] = {
    "arc_type_name": "ten_loai_van_ban",
    "arc_number": "so",
    "arc_notation": "ky_hieu",
    "arc_date": "ngay_thang_nam",
    "arc_issuer": "ten_co_quan_ban_hanh",
    "arc_summary": "trich_yeu",
    "arc_language": "ngon_ngu",
    "arc_page_count": "so_luong_trang",
    "arc_retention": "thoi_han_bao_quan",
    "arc_access": "che_do_su_dung",
    "arc_reliability": "muc_do_tin_cay",
    "arc_physical_state": "tinh_trang_vat_ly",
}

NUMBER_FIELDS = ("document_number", "number", "so_ky_hieu")
ISSUER_FIELDS = ("issuing_body", "issuer", "authority", "co_quan_ban_hanh")
SUMMARY_FIELDS = ("summary", "subject", "trich_yeu")

_YEARS = re.compile(r"(?:P(\d+)Y|years:(\d+))", re.IGNORECASE)
# A pure year right after the number: the "2024" of "4004/2024/QĐ-UBND" (legal documents carry
# the year of issue between number and notation, NĐ 30/2020 Phụ lục I).
_YEAR_PART = re.compile(r"(19|20)\d\d")
# "V/v cấp phép …", "Về việc cấp phép …": the line that states what a document is about.
_SUMMARY_LINE = re.compile(r"^\s*(?:V/v|V\.v|Về\s+việc)\s*[:.]?\s*(\S.*)$",
                           re.IGNORECASE | re.MULTILINE)
_LETTER = re.compile(r"[^\W\d_]")


def first_field(fields: Mapping[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            return squash_spaces(nfc(value))
    return None


def split_number(document_number: str | None) -> tuple[str | None, str | None]:
    """Split "Số/Ký hiệu": "4004/2024/QĐ-UBND" → ("4004/2024", "QĐ-UBND"); "15/UBND-VP" →
    ("15", "UBND-VP"). The number is the leading numeric part with the year of issue that
    legal documents print after it (kept: "4004/2024" and "4004/2023" are different
    decisions); the notation is made of the parts that hold letters."""
    if not document_number:
        return None, None
    text = squash_spaces(nfc(document_number))
    text = re.sub(r"^(số|so)\s*[:.]?\s*", "", text, flags=re.IGNORECASE)
    parts = [p.strip() for p in text.split("/") if p.strip()]
    if not parts:
        return None, None
    number = parts[0] if parts[0].isdigit() else None
    rest = parts[1:] if number is not None else parts
    if number is not None and rest and _YEAR_PART.fullmatch(rest[0]):
        number, rest = f"{number}/{rest[0]}", rest[1:]
    notation = "/".join(p for p in rest if _LETTER.search(p)) or None
    return number, notation


def retention_label(code: str | None) -> str | None:
    """Registry retention code → Thời hạn bảo quản: "permanent" → "Vĩnh viễn", "years:10" (the
    registry's form) or "P10Y" → "10 năm"."""
    if not code:
        return None
    if code.strip().lower() in ("permanent", "vinh_vien", "vĩnh viễn"):
        return "Vĩnh viễn"
    match = _YEARS.fullmatch(code.strip())
    if match:
        return f"{int(match.group(1) or match.group(2))} năm"
    return nfc(code)


def summary_line(text: str | None) -> str | None:
    """Trích yếu of an administrative document: its "V/v …" or "Về việc …" line, as printed."""
    if not text:
        return None
    match = _SUMMARY_LINE.search(nfc(text))
    if match is None:
        return None
    return squash_spaces(match.group(0).strip())


def type_name(rec: DocumentRecord) -> str | None:
    """Tên loại văn bản: the registry's Vietnamese type name if the pipeline passed it in
    ``extra["type_name"]``, else the printed title in sentence case ("GIẤY KHAI SINH" →
    "Giấy khai sinh")."""
    given = rec.extra.get("type_name")
    if isinstance(given, str) and given.strip():
        return nfc(given.strip())
    # A title read off the page can carry a bullet or dash before it ("- CĂN CƯỚC CÔNG DÂN").
    title = squash_spaces(nfc(rec.title)).lstrip(" -–—•*·.:;,").strip()
    if not title:
        return None
    lowered = title.lower()
    return lowered[:1].upper() + lowered[1:]


def archival_columns(rec: DocumentRecord) -> dict[str, Any]:
    """The ``arc_*`` column values for ``rec``."""
    fields = rec.fields
    document_number = first_field(fields, NUMBER_FIELDS)
    number, notation = split_number(document_number)
    extra = rec.extra

    def extra_str(key: str, default: str | None) -> str | None:
        value = extra.get(key)
        return nfc(value) if isinstance(value, str) and value.strip() else default

    return {
        "arc_type_name": type_name(rec),
        "arc_number": number,
        "arc_notation": notation,
        "arc_date": rec.issue_date,
        "arc_issuer": first_field(fields, ISSUER_FIELDS),
        "arc_summary": first_field(fields, SUMMARY_FIELDS) or summary_line(rec.text),
        "arc_language": extra_str("language", "Tiếng Việt"),
        "arc_page_count": len(rec.pages),
        "arc_retention": retention_label(rec.retention),
        # Records hold citizens' personal data: restricted use unless the registry says otherwise.
        "arc_access": extra_str("access", "Hạn chế"),
        "arc_reliability": extra_str("reliability", DIGITIZED),
        "arc_physical_state": extra_str("physical_state", None),
    }


def archival_metadata(rec: DocumentRecord) -> dict[str, Any]:
    """The archival metadata of ``rec`` keyed like ``get_document()["archival"]`` (ISO dates),
    e.g. for writing XMP into the PDF before it is stored; labels are in :data:`LABELS`."""
    cols = archival_columns(rec)
    meta = {COLUMNS[col]: value for col, value in cols.items()}
    if meta["ngay_thang_nam"] is not None:
        meta["ngay_thang_nam"] = meta["ngay_thang_nam"].isoformat()
    return meta
