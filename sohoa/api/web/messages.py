"""What a person is told when something goes wrong: Vietnamese only.

The pipeline's messages are for clerks at a terminal; some are Vietnamese already and are shown
as they are. An English one is never shown: the page says what kind of problem it is, in
Vietnamese, with what to do next (the full text stays in the server's log)."""

from __future__ import annotations

import re

from sohoa.errors import (
    BadInputError,
    ConfigError,
    NotFoundError,
    SohoaError,
    StorageError,
    VerificationError,
    WorkflowError,
)
from sohoa.pipeline.lookup import AccessDeniedError, NotAuthenticatedError, PurposeRequiredError

# Letters only Vietnamese uses among the languages a message could be in.
_VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯạ-ỹ]")

_BY_CLASS: tuple[tuple[type[SohoaError], str], ...] = (
    (NotAuthenticatedError, "Mã truy cập không đúng hoặc đã bị thu hồi. Hãy đăng nhập lại."),
    (AccessDeniedError, "Vai trò hoặc đơn vị của bạn không được phép xem hoặc làm việc này."),
    (PurposeRequiredError, "Hãy ghi mục đích tra cứu (ví dụ mã hồ sơ đang giải quyết): mọi lần "
                           "xem dữ liệu cá nhân đều được ghi nhật ký cùng mục đích."),
    (NotFoundError, "Không tìm thấy: mã không đúng, hoặc tài liệu không còn được lưu giữ."),
    (WorkflowError, "Thao tác này không thực hiện được ở trạng thái hiện tại."),
    (BadInputError, "Dữ liệu nhập không hợp lệ; hãy kiểm tra lại các ô đã điền."),
    (ConfigError, "Yêu cầu không hợp lệ; hãy kiểm tra lại các ô đã điền."),
    (VerificationError, "Kiểm tra không đạt."),
    (StorageError, "Kho lưu trữ tạm thời không trả lời; hãy thử lại sau ít phút."),
)

# Messages of the pipeline a person meets often enough to deserve the web's own words (the
# CLI's name options and commands where the page has a button); checked before a Vietnamese
# message is passed through. The English patterns are those of older versions.
_KNOWN: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"lượt (\d+) của giấy tờ \S+ là lượt kiểm tra chéo lượt \d+ mà (.+) đã duyệt"),
     "Vòng kiểm tra {0} là vòng kiểm tra chéo: {1} đã duyệt vòng trước, nên phải là người "
     "khác kiểm tra (nguyên tắc hai người)."),
    (re.compile(r"giấy tờ \S+ chưa có chủ sở hữu"),
     "Tài liệu chưa có chủ sở hữu: hãy nhập số định danh hoặc mã số doanh nghiệp trước khi "
     "duyệt."),
    (re.compile(r"giấy tờ \S+ đang ở chưa có mã hồ sơ \(nhóm \w+\) vì giấy tiếp nhận "
                r"không đọc được mã"),
     "Giấy tiếp nhận của giấy tờ này không đọc được mã hồ sơ: hãy nhập mã in trên giấy tiếp "
     "nhận vào ô «Mã hồ sơ đúng» rồi bấm «Chuyển hồ sơ» trước khi duyệt xong."),
    (re.compile(r"thời hạn hiệu lực của giấy tờ \S+ tính theo (.+), trường này chưa có giá trị"),
     "Chưa xác định được thời hạn hiệu lực: hãy đọc trên giấy và nhập trường {0}."),
    (re.compile(r"^(\w+) '(.*)': .*Hãy đối chiếu với giấy; nếu giấy ghi đúng như vậy"),
     "Giá trị «{1}» không qua được kiểm tra của trường {0}: hãy đối chiếu với giấy. Nếu giấy "
     "ghi đúng như vậy, đánh dấu «Giấy ghi đúng như vậy» và ghi lý do."),
    (re.compile(r"--force cần kèm --reason"),
     "Khi đánh dấu «Giấy ghi đúng như vậy», hãy ghi lý do (được lưu vào nhật ký)."),
    (re.compile(r"^hãy nêu mục đích tra cứu"),
     "Hãy điền ô «Mục đích tra cứu (bắt buộc)», ví dụ mã hồ sơ đang giải quyết "
     "(H19.22-241105-0042): mỗi lần xem dữ liệu cá nhân đều được ghi nhật ký cùng mục đích "
     "tra cứu."),
    (re.compile(r"the date range is empty"), "Khoảng ngày trống: ngày bắt đầu sau ngày kết thúc."),
    (re.compile(r"list (\d+) is (\w+); only a proposed list can be approved"),
     "Danh mục {0} đang ở trạng thái «{1}»: chỉ danh mục mới lập mới được phê duyệt."),
)


# A reason or note the catalog keeps says what to do at the terminal (``sohoa …``): the CLI
# prints it as it is. A page says it with the page's own controls instead; a command the web
# has no control for is said as who does it. Older catalogs hold the same texts, so the web's
# words are given at display time (web_wording), never written back.
_CLI_ACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # archive/dossiers.unopened_reason: a paper scanned behind the sheet of an unopened dossier
    (re.compile(r"\(sohoa dossier open [^()]*?, hoặc hệ thống một cửa gửi sang\)"),
     "(hệ thống một cửa gửi hồ sơ sang, hoặc bộ phận một cửa mở hồ sơ tại máy tiếp nhận)"),
    # pipeline/review.set_dossier: moving a paper to a dossier the catalog does not know
    (re.compile(r"\(sohoa dossier open\)"),
     "(hệ thống một cửa gửi hồ sơ sang, hoặc bộ phận một cửa mở hồ sơ tại máy tiếp nhận)"),
    (re.compile(r"\(sohoa review set [^()]*?(?:Mã hồ sơ|dossier)[^()]*\)"),
     "(trên trang «Kiểm tra tài liệu»: nhập mã hồ sơ đúng vào ô «Mã hồ sơ đúng» rồi bấm "
     "«Chuyển hồ sơ»)"),
    # archive/disposal.UNREVIEWED
    (re.compile(r"rà soát trước: sohoa review\b"),
     "rà soát trước ở trang «Hàng chờ kiểm tra»"),
    # archive/disposal.propose: a list "as of" a day still to come
    (re.compile(r"sohoa retention plan --as-of (\S+)"),
     "trang «Kế hoạch thời hạn bảo quản», ô «Tính đến ngày» \\1"),
    # archive/retention: an owner's death not recorded yet
    (re.compile(r"\(sohoa retention event [^()]*--died[^()]*\)"),
     "(người làm lưu trữ ghi ngày mất)"),
)
# whatever other command a text names: the page drops it rather than show a clerk a command
_ANY_COMMAND = (re.compile(r"\s*\((?:[^()]*?\s)?`?sohoa [a-z][^()]*\)"),
                re.compile(r"\s*[:;,]?\s*`sohoa [^`]*`"),
                # a closing clause that only names one ("…; xem danh sách: sohoa quarantine")
                re.compile(r"(?:[;,][^;,:]*)?:\s*sohoa [a-z][^;()]*$"))


def web_wording(text: str) -> str:
    """A reason or note as a page says it: each ``sohoa …`` command it names becomes the
    page's own control (a button or field name, in Vietnamese), or is left out."""
    for pattern, words in _CLI_ACTIONS:
        text = pattern.sub(words, text)
    for pattern in _ANY_COMMAND:
        text = pattern.sub("", text)
    return text


# English words that no Vietnamese sentence of ours contains: a message with a Vietnamese name
# in it ("Phạm Thu Hà (desk) may not run …") is still English.
ENGLISH = re.compile(r"\b(the|is|are|was|not|may|must|of|and|or|with|only|for|has|have|which|"
                      r"this|that|there|cannot|use|give|set|run)\b", re.IGNORECASE)


# what is not prose: a `command` or an --option a message names ("`sohoa review set …`")
_CODE = re.compile(r"`[^`]*`|--?[A-Za-z][\w-]*")


def is_vietnamese(text: str) -> bool:
    return bool(_VIETNAMESE.search(text)) and not ENGLISH.search(_CODE.sub(" ", text))


# pipeline/disposaljob.record_owed: the papers are destroyed, the record could not be signed.
# Said before anything else (the signer's own words before it may be English, and the text
# names the CLI's command): the list stays «đang thực hiện» and its page shows «Thực hiện tiêu
# hủy» again, which only makes the record.
_RECORD_OWED = re.compile(r"^(?P<cause>.*?)\s*Các tài liệu của danh mục (?P<list>\d+) đã bị "
                          r"hủy \((?P<done>[^()]*)\) nhưng biên bản hủy chưa lập được", re.DOTALL)


def _record_owed(text: str) -> str | None:
    found = _RECORD_OWED.search(text)
    if not found:
        return None
    cause = found["cause"].strip()
    why = f" Lý do: {web_wording(cause)}." if cause and is_vietnamese(cause) else ""
    return (f"Các tài liệu của danh mục {found['list']} đã bị hủy ({found['done']}) nhưng biên "
            f"bản hủy chưa lập được vì chưa ký số được.{why} Khi ký số được, bấm lại «Thực "
            "hiện tiêu hủy» trên trang danh mục này: hệ thống chỉ lập biên bản, không hủy thêm "
            "gì.")


def message_for(exc: SohoaError) -> str:
    text = str(exc)
    owed = _record_owed(text)
    if owed:
        return owed
    for pattern, words in _KNOWN:
        found = pattern.search(text)
        if found:
            return words.format(*found.groups())
    if is_vietnamese(text):
        return web_wording(text)
    for cls, words in _BY_CLASS:
        if isinstance(exc, cls):
            return words
    return "Đã xảy ra lỗi ngoài dự kiến; hãy báo quản trị hệ thống."
