"""Quarantine reasons, in Vietnamese, worded for the desk clerk who has to act on them.

Kept in one place so that the same problem reads the same whether it comes from a PDF, a TIFF
or a JPEG, and so that tests and the review list can recognise them. Each says what the file
is (or what is wrong with it) and what to do; none carries a library's own words (an OpenCV
assertion or a qpdf message means nothing at the desk).
"""

from __future__ import annotations

EMPTY = "tệp rỗng (0 byte): hãy quét lại"
MISSING = "tệp không còn: đã bị chuyển đi hoặc xóa trước khi đọc được"
FOLDER = "đây là thư mục, không phải tệp: hãy đưa các tệp bên trong"
NOT_IMAGE = "không phải ảnh quét hay PDF: chỉ nhận tệp PDF, TIFF, JPEG và PNG"
HTML = ("tệp HTML (một trang web), không phải PDF: hãy mở nó trong trình duyệt, tải về đúng tệp "
        "PDF rồi nạp lại")
ZIP = "tệp nén ZIP, không phải ảnh quét hay PDF: hãy giải nén rồi đưa các tệp bên trong"
ENCRYPTED = "PDF có mật khẩu: đề nghị người gửi bản không khóa"
TRUNCATED = "tệp bị cắt cụt (chưa ghi xong hoặc chép thiếu): hãy quét hoặc chép lại"
DAMAGED = "tệp hỏng, không đọc được: hãy quét lại"
NO_PAGES = "tệp không có trang nào: hãy quét lại"
PAGE_TREE = ("cấu trúc trang của PDF bị lỗi (danh sách trang lặp vòng): hãy xuất lại PDF từ "
             "phần mềm gốc hoặc quét lại")
ONLY_BLANK = ("mọi trang của tệp đều trắng, không có nội dung: kiểm tra khay nạp giấy (giấy "
              "đặt ngược mặt?) rồi quét lại")
SYMLINK_LOOP = ("liên kết tượng trưng (symlink) lặp vòng, không trỏ tới tệp nào: xóa nó hoặc "
                "sửa đích của nó")


def not_regular(kind: str) -> str:
    """``kind``: what the entry is, e.g. "một đường ống FIFO"."""
    return (f"không phải tệp mà là {kind}: bỏ qua, không mở; hãy đưa tệp quét thật "
            "(PDF, TIFF, JPEG, PNG)")


def dangling(target: str) -> str:
    return (f"liên kết tượng trưng (symlink) hỏng: đích {target} không tồn tại; xóa liên kết "
            "hoặc đặt lại tệp")


def outside(target: str) -> str:
    return (f"liên kết tượng trưng (symlink) trỏ ra ngoài thư mục được giao (tới {target}): "
            "không đọc; hãy chép chính tệp đó vào thư mục nếu nó thuộc lô quét")


def unreadable(said: str | None) -> str:
    return (f"không mở được tệp ({said or 'lỗi đọc'}): kiểm tra quyền đọc tệp của tài khoản "
            "chạy sohoa")


def too_big(size: int, limit: int) -> str:
    return f"tệp {_human(size)}, vượt giới hạn {_human(limit)}: hãy chia lô thành các tệp nhỏ hơn"


def too_many_pages(count: int, limit: int) -> str:
    return f"tệp có {count} trang, vượt giới hạn {limit} trang: hãy chia lô thành các tệp nhỏ hơn"


def page_damaged(page_number: int) -> str:
    return f"trang {page_number} hỏng, không giải mã được: hãy quét lại"


def page_truncated(page_number: int) -> str:
    return f"trang {page_number} bị cắt cụt: hãy quét lại"


def page_unrenderable(page_number: int) -> str:
    return f"không dựng được hình trang {page_number} của PDF: hãy quét lại hoặc xuất lại tệp"


def page_too_slow(page_number: int, seconds: float) -> str:
    return (f"trang {page_number} của PDF cần hơn {seconds:g} giây để dựng hình, quá giới hạn "
            "cho một trang: hãy in ra và quét lại trang đó")


def file_too_slow(seconds: float, done: int) -> str:
    return (f"đọc tệp đã mất hơn {seconds:g} giây (mới được {done} trang), quá giới hạn cho một "
            "tệp: hãy chia tệp nhỏ hơn hoặc quét lại")


def bomb(page_number: int, width: int | None = None, height: int | None = None,
         max_pixels: int = 0) -> str:
    size = f" có {width}×{height} điểm ảnh," if width and height else ""
    limit = (f" vượt giới hạn {max_pixels / 1_000_000:g} triệu điểm ảnh" if max_pixels
             else " quá lớn")
    return (f"trang {page_number}{size}{limit}: tệp nén bất thường (bom giải nén) hoặc quét sai "
            "độ phân giải; hãy quét lại ở 200–300 dpi")


def page_too_large(page_number: int, width_in: float, height_in: float,
                   max_pixels: int = 0) -> str:
    """A page drawn by a program (no scanned image of its own) too large to draw: its paper
    size is what is wrong, not a scan's resolution nor a compressed stream."""
    limit = (f", vẽ ra vượt giới hạn {max_pixels / 1_000_000:g} triệu điểm ảnh" if max_pixels
             else "")
    return (f"trang {page_number} có khổ trang quá lớn ({_length(width_in)} × "
            f"{_length(height_in)}){limit}: trang vẽ bằng phần mềm, không phải ảnh quét; hãy "
            "xuất lại ở khổ giấy thật (A0 trở xuống) hoặc in ra rồi quét")


def _length(inches: float) -> str:
    """A paper length as people say it: "5,08 m", "84,1 cm" (Vietnamese decimal comma)."""
    cm = inches * 2.54
    text = f"{cm / 100:.2f} m" if cm >= 100 else f"{cm:.1f} cm"
    return text.replace(".00 ", " ").replace(".0 ", " ").replace(".", ",")


def too_small(page_number: int, width: int, height: int) -> str:
    return (f"trang {page_number} chỉ có {width}×{height} điểm ảnh, quá nhỏ để là một trang "
            "quét: kiểm tra cài đặt máy quét rồi quét lại")


def all_dark() -> str:
    # the file is refused with it (pipeline PageScreen): the instruction is said there
    return "trang đen toàn bộ (nắp máy quét mở hoặc phơi sáng sai)"


def uniform() -> str:
    return "trang chỉ một màu tối, không có nét nào (ảnh hỏng hoặc quét sai)"


def _human(n: int) -> str:
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".0 ", " ")
    return f"{n} byte"
