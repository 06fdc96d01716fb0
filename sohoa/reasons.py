"""Why a document waits for a person, in the clerk's language.

A review reason and a field flag are one line ``"<nhãn>: <lý do>"``: the Vietnamese name of the
field or topic it is about, then why. Recognition (``ocr/``), owner resolution and review
(``pipeline/``) write them; review reads the label back (:func:`topic`) to know which reasons a
decision settles. Catalogs written before the reasons were Vietnamese hold English ones
(``"owner: …"``, ``"id_number: id_number: …"``); :func:`vietnamese` says those in Vietnamese
wherever they are shown, and review rewrites them when it next updates the document.
"""

from __future__ import annotations

import re

# The captions of the field keys the catalog stores (what a paper prints beside the value),
# and the topics that are not a field.
LABELS: dict[str, str] = {
    "full_name": "Họ và tên", "id_number": "Số định danh cá nhân", "date_of_birth": "Ngày sinh",
    "sex": "Giới tính", "expiry_date": "Có giá trị đến", "enterprise_code": "Mã số doanh nghiệp",
    "household_business_code": "Mã số hộ kinh doanh",
    "enterprise_name": "Tên doanh nghiệp", "dossier_code": "Mã hồ sơ",
    "address": "Nơi thường trú", "place_of_birth": "Nơi sinh",
    "place_of_origin": "Quê quán", "issue_date": "Ngày cấp",
    "document_number": "Số, ký hiệu", "issuing_body": "Cơ quan cấp", "owner_id": "Chủ sở hữu",
    "doc_type": "Loại giấy tờ", "related_id_numbers": "Số định danh người liên quan",
    "validity": "Thời hạn hiệu lực", "ocr": "Nhận dạng chữ", "dossier": "Hồ sơ",
    "signer": "Người ký",
}
_BY_LABEL = {label.casefold(): key for key, label in LABELS.items()}

OWNER_UNKNOWN = "không đọc được chủ sở hữu trên giấy tờ hay trong hồ sơ"
VALIDITY_UNREAD = ("không đọc được ngày mà thời hạn hiệu lực dựa vào; chưa đưa ra dùng lại "
                    "cho đến khi có người nhập")


def label(key: str) -> str:
    return LABELS.get(key, key)


def key_of(name: str) -> str:
    """The field key a person typed: the key itself, or its caption as the screens show it
    ("Ngày cấp", "ngay cap"); anything else comes back as given (refused by its caller)."""
    from sohoa.vntext import fold

    given = " ".join(name.split())
    if given in LABELS:
        return given
    folded = fold(given)
    return next((key for key, caption in LABELS.items() if fold(caption) == folded), given)


def reason(key: str, why: str) -> str:
    """``"<nhãn>: <lý do>"`` for the field or topic ``key``."""
    return f"{label(key)}: {why}"


def topic(text: str) -> str | None:
    """The field or topic key a reason or flag is about (also for the English ones of older
    catalogs), or None."""
    head, sep, _ = text.partition(":")
    head = head.strip()
    if sep and head.casefold() in _BY_LABEL:
        return _BY_LABEL[head.casefold()]
    if head == "owner":
        return "owner_id"
    if sep and re.fullmatch(r"[a-z_]+", head):
        return head  # "id_number: …", "validity: …"
    if text.startswith("document type"):
        return "doc_type"
    if text.startswith(("low OCR confidence", "OCR timed out")):
        return "ocr"
    if text.startswith("pages came"):
        return "dossier"
    return None


# What earlier versions wrote, and the same in Vietnamese ({0}, {1}: the groups).
_ENGLISH: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), v) for p, v in (
    # the decimal comma as Vietnamese writes it (sohoa.vntext.shown_number)
    (r"^document type uncertain \((\d+)\.(\d+)\)$", "chưa chắc chắn (độ tin cậy {0},{1})"),
    (r"^low OCR confidence \((\d+)\.(\d+)\)$", "độ tin cậy thấp ({0},{1})"),
    # written in Vietnamese before numbers took the decimal comma ("0.20" reads as twenty)
    (r"^chưa chắc chắn \(độ tin cậy (\d+)\.(\d+)\)$", "chưa chắc chắn (độ tin cậy {0},{1})"),
    (r"^độ tin cậy thấp \((\d+)\.(\d+)\)$", "độ tin cậy thấp ({0},{1})"),
    (r"^OCR timed out on page (\d+) of (.+)$", "quá thời gian ở trang {0} của {1}"),
    (r"^pages came before the first dossier-code sheet$",
     "các trang đứng trước tờ mã hồ sơ đầu tiên"),
    (r"^no owner could be read from the document or its dossier$", OWNER_UNKNOWN),
    (r"^unknown$", "chưa xác định"),
    (r"^the document names several people and the dossier's receipt names none of them$",
     "giấy tờ ghi nhiều người và giấy tiếp nhận của hồ sơ không ghi ai trong số đó"),
    (r"^the document reads (\S+), the dossier's receipt names (\S+)$",
     "giấy tờ ghi {0}, giấy tiếp nhận của hồ sơ ghi {1}"),
    (r"^the document reads (\S+), the dossier's receipt names (\S+): one of them was misread$",
     "giấy tờ ghi {0}, giấy tiếp nhận của hồ sơ ghi {1}: một trong hai bị đọc nhầm"),
    (r"^owner taken from the dossier's receipt$", "lấy theo giấy tiếp nhận của hồ sơ"),
    (r"^the date it depends on could not be read; it is not offered for reuse until a person "
     r"sets it$", VALIDITY_UNREAD),
    (r"^no date could be read$", "không đọc được ngày"),
    (r"^printed twice, read as (\S+) and (\S+)$", "in hai lần, đọc thành {0} và {1}"),
    (r"^(\d+) characters, a citizen ID has 12$", "{0} ký tự, số định danh cá nhân có 12"),
    (r"^(\d+) digits, an enterprise code has 10$", "{0} chữ số, mã số doanh nghiệp có 10"),
    (r"^no check digit exists for these first nine digits \(a digit was misread\); compare "
     r"with the paper$", "không có chữ số kiểm tra nào ứng với 9 chữ số đầu (đã đọc nhầm một "
     "chữ số); đối chiếu với giấy"),
    (r"^the check digit does not match \(a digit was misread\?\)$",
     "chữ số kiểm tra không khớp (đọc nhầm một chữ số?)"),
    (r"^unreadable characters in (.+)$", "có ký tự không đọc được trong {0}"),
    (r"^no reading of (.+) is valid$", "không cách đọc nào của {0} hợp lệ"),
    (r"^(\d+) readings of (.+) are valid; read the paper$",
     "{0} cách đọc của {1} đều hợp lệ; đối chiếu với giấy"),
    (r"^a citizen ID number has exactly 12 digits$", "số định danh cá nhân phải có đúng 12 chữ số"),
    (r"^province code (\d+) does not exist$", "mã tỉnh {0} không tồn tại"),
    (r"^birth year (\d+) does not match the number \((\d+)\)$",
     "năm sinh {0} không khớp với số ({1})"),
    (r"^sex does not match the number$", "giới tính không khớp với số"),
    (r"^century/sex digit (\d) and year digits (\d+) say born in (\d+), after today$",
     "chữ số thế kỷ/giới tính {0} và hai chữ số năm {1} cho năm sinh {2}, sau hôm nay"),
    (r"^an identity card \(CMND\) number has exactly 9 digits$",
     "số chứng minh nhân dân (CMND) phải có đúng 9 chữ số"),
    (r"^CMND province code (\d+) does not exist$", "mã tỉnh {0} của CMND không tồn tại"),
    (r"^(\d+) characters, a personal ID has 12 \(CMND 9\)$",
     "{0} ký tự, số định danh cá nhân có 12 (CMND 9)"),
    (r"^the number says born (\d+), the paper prints (\d+) beside it$",
     "số ghi năm sinh {0}, giấy in {1} bên cạnh"),
))


def _say(why: str) -> str:
    whole = _one(why)
    if whole != why:
        return whole
    # Several problems joined by "; " (the citizen-ID checks): each said on its own.
    return "; ".join(_one(part) for part in why.split("; "))


def _one(part: str) -> str:
    for pattern, template in _ENGLISH:
        m = pattern.match(part.strip())
        if m is not None:
            return template.format(*m.groups())
    return part


def vietnamese(text: str) -> str:
    """A reason or flag as the clerk reads it: Vietnamese label, Vietnamese why, the field
    named once ("id_number: id_number: …" of older catalogs). Idempotent."""
    key = topic(text)
    if key is None:
        return text
    head, sep, why = text.partition(":")
    head = head.strip()
    if sep and (head.casefold() in _BY_LABEL or re.fullmatch(r"[a-z_]+", head)):
        why = why.strip()
    else:
        why = text  # a sentence without a label: "document type uncertain (0.41)"
    return reason(key, _say(_drop_repeat(why, key)))


def _drop_repeat(why: str, key: str) -> str:
    for head in (key, label(key)):
        if why.startswith(head + ":"):
            return why[len(head) + 1:].strip()
    return why


# What desk staff and citizens read for a dossier's status codes (web pages, the CLI, review
# reasons alike).
DOSSIER_STATUS_NAMES = {"queued": "Chờ tiếp nhận", "received": "Đã tiếp nhận",
                        "processing": "Đang giải quyết", "supplement": "Yêu cầu bổ sung",
                        "resolved": "Đã có kết quả", "returned": "Đã trả kết quả",
                        "rejected": "Từ chối"}
