"""Personal names: the closed lexicon of family names and the given names whose tone marks OCR
drops (restored only when one spelling is possible), and sex."""

from __future__ import annotations

import re

from sohoa.vntext import fold, title_case_name


def _sex(value: str) -> str | None:
    word = (re.findall(r"[a-z]+", fold(value)) or [""])[0]
    if word in ("nam", "male", "m"):
        return "Nam"
    if word in ("nu", "female", "f"):
        return "Nữ"
    return None


# Common family names, keyed by their folded spelling: a closed list, so a surname that OCR
# misspelled in its tone marks ("Nguyên", "Trân") is restored with certainty.
SURNAMES = {fold(n): n for n in (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào", "Trương", "Lâm", "Hà", "Tô", "Đoàn", "Lương",
    "Trịnh", "Châu", "Quách", "Thái", "Kiều", "Lại", "Mai", "Cao", "Tạ", "Triệu", "Văn", "Lưu",
)}


# Common middle and given names. Tesseract drops the marks of upper-case names (the card prints
# "NGÔ CÔNG NAM", OCR gives "NGO CONG NAM"). A word read with no mark at all is restored only
# when exactly one name in this list folds to it and no name is written that way without marks
# ("Cong" can only be "Công"; "Hang" may be "Hằng" or "Hàng", "Nam" is a name as it is).
_GIVEN = (
    "An", "Anh", "Ánh", "Bảo", "Bích", "Bình", "Cảnh", "Châu", "Chi", "Chí", "Công", "Cường",
    "Dũng", "Duy", "Dung", "Dương", "Đạt", "Điệp", "Định", "Đông", "Đức", "Giang", "Hà", "Hải",
    "Hạnh", "Hào", "Hằng", "Hàng", "Hiền", "Hiếu", "Hòa", "Hoa", "Hoài", "Hoàng", "Hồng",
    "Huệ", "Hùng", "Hưng", "Hương", "Hữu", "Huy", "Huyền", "Khánh", "Khang", "Khoa", "Kiên",
    "Kim", "Lan", "Lâm", "Liên", "Linh", "Loan", "Lộc", "Long", "Luân", "Lực", "Ly", "Lý",
    "Mai", "Mạnh", "Minh", "My", "Mỹ", "Nam", "Nga", "Ngân", "Nghĩa", "Ngọc", "Nguyên",
    "Nhân", "Nhật", "Nhi", "Nhung", "Như", "Oanh", "Phát", "Phong", "Phú", "Phúc", "Phụng",
    "Phương", "Phượng", "Quang", "Quân", "Quốc", "Quyên", "Quyền", "Quỳnh", "Sơn", "Tài",
    "Tâm", "Tân", "Thắng", "Thanh", "Thành", "Thảo", "Thị", "Thiện", "Thịnh", "Thơ", "Thu",
    "Thủy", "Thùy", "Thư", "Tiến", "Toàn", "Trang", "Trí", "Trinh", "Trọng", "Trung", "Tú",
    "Tuấn", "Tùng", "Tuyết", "Uyên", "Văn", "Vân", "Việt", "Vinh", "Vĩnh", "Vũ", "Vy", "Xuân",
    "Yến", "Diệu", "Đình", "Gia", "Khải", "Khôi", "Lệ", "Nhàn", "Phước", "Sang", "Tấn",
    "Thái", "Thiên", "Thông", "Tín", "Triều", "Tường", "Vương", "Hạ", "Đăng",
)
_BY_FOLD: dict[str, set[str]] = {}
for _n in _GIVEN:
    _BY_FOLD.setdefault(fold(_n), set()).add(_n)
GIVEN_MARKS = {k: next(iter(v)) for k, v in _BY_FOLD.items()
               if len(v) == 1 and next(iter(v)).lower() != k}


_MIDDLE_ONLY = ("thi", "van")  # "Thị", "Văn" as middle names; "Thi", "Văn" may end a name


def _restore_marks(word: str, last: bool = False) -> str:
    """A name word that lost all its marks, restored when only one spelling is possible."""
    if fold(word) != word.lower() or (last and word.lower() in _MIDDLE_ONLY):
        return word  # it has marks (confused ones are not guessed at), or it may be as read
    return GIVEN_MARKS.get(word.lower(), word)


def _name(value: str) -> str | None:
    value = re.sub(r"^\s*(?:ông|bà|ong|ba)(?:\s*[/(]\s*(?:bà|ba)\)?)?\s*[:/.]?\s+", "", value,
                   flags=re.IGNORECASE)
    m = re.match(r"[^\W\d_]+(?:[ \t]+[^\W\d_]+)*", value.strip())
    if not m:
        return None
    words = m.group().split()
    while len(words) > 2 and len(words[-1]) == 1:
        words.pop()  # a speck after the name ("… Chi Ự")
    if not 2 <= len(words) <= 7:
        return None
    words[0] = SURNAMES.get(fold(words[0]), words[0])
    words[1:] = [_restore_marks(w, i == len(words) - 1) for i, w in enumerate(words[1:], 1)]
    return title_case_name(" ".join(words))
