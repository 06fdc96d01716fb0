"""Key fields of a classified document, validated, from its OCR text.

Values are found after printed captions ("Họ và tên:", "Số định danh cá nhân:" …) matched on
folded text, so lost or confused tone marks do not matter, and fuzzily at the start of a line when
OCR dropped a letter. Then every value is checked against what it must be:

* a citizen ID against its structure (province table, century/sex digit and birth year);
* an enterprise code against its check digit (a remainder that gives no digit is flagged);
* dates must be calendar dates; names are NFC with Vietnamese capitalization;
* on a chip card the MRZ, whose check digits are stronger evidence than the printed text,
  confirms or corrects the ID number, birth date and expiry.

OCR look-alikes (``O`` for 0, ``B`` for 8 …) are corrected only when exactly one reading
validates; digits that OCR read as other digits are never changed, because a wrong digit that
still validates would be a confident wrong ID. Anything else is flagged (``FieldValue.flag``)
with a low confidence, never guessed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from sohoa.doctypes import DocType, Registry, load_registry
from sohoa.idcodes import (
    PROVINCES,
    citizen_id_problems,
    enterprise_check_digit,
    enterprise_code_valid,
)
from sohoa.ocr.dates import fold_keep_length, parse_vn_date
from sohoa.ocr.gazetteer import snap_units
from sohoa.ocr.mrz import Mrz, find_mrz
from sohoa.ocr.segment import find_dossier_code, header_span
from sohoa.records import Extraction, FieldValue
from sohoa.vntext import fold, nfc, squash_spaces, title_case_name

# Captions as printed (folded before use). The longest match wins, so "Ngày, tháng, năm sinh"
# is never read as "Ngày, tháng, năm" (the issue date on a card's back).
LABELS: dict[str, tuple[str, ...]] = {
    "full_name": ("họ và tên", "họ, chữ đệm và tên", "họ, chữ đệm, tên", "họ tên", "full name",
                  "họ, chữ đệm, tên vợ", "họ, chữ đệm, tên chồng", "họ và tên người yêu cầu",
                  "tên người yêu cầu", "họ và tên người nộp", "ông/bà", "ông", "bà", "cấp cho"),
    "id_number": ("số định danh cá nhân", "số định danh", "số cccd", "cccd số",
                  "số căn cước công dân", "số căn cước", "số cmnd/cccd", "số cmnd",
                  "giấy tờ tùy thân", "số giấy tờ tùy thân", "số giấy tờ pháp lý của cá nhân",
                  "personal identification number", "số cccd/cmnd", "số thẻ căn cước"),
    "date_of_birth": ("ngày, tháng, năm sinh", "ngày sinh", "sinh ngày", "date of birth"),
    "sex": ("giới tính", "sex"),
    "expiry_date": ("có giá trị đến", "có giá trị đến ngày", "date of expiry",
                    "có giá trị sử dụng đến", "giá trị đến"),
    "enterprise_code": ("mã số doanh nghiệp", "mã số thuế", "mã số chi nhánh",
                        "mã số hộ kinh doanh"),
    "enterprise_name": ("tên doanh nghiệp viết bằng tiếng việt", "tên công ty viết bằng tiếng việt",
                        "tên doanh nghiệp", "tên hộ kinh doanh"),
    "dossier_code": ("mã hồ sơ", "mã số hồ sơ", "số hồ sơ", "số biên nhận"),
    "address": ("nơi thường trú", "địa chỉ thường trú", "nơi cư trú", "nơi ở hiện tại",
                "địa chỉ trụ sở chính", "địa chỉ", "place of residence", "thường trú"),
    "place_of_birth": ("nơi sinh", "place of birth"),
    "issue_date": ("ngày cấp", "cấp ngày", "ngày, tháng, năm", "date of issue",
                   "ngày, tháng, năm đăng ký", "ngày đăng ký", "đăng ký lần đầu"),
}
# Captions that end the value before them but carry nothing sohoa extracts.
STOP_LABELS = ("quốc tịch", "nationality", "quê quán", "place of origin", "dân tộc", "tôn giáo",
               "số điện thoại", "số điện thoại liên hệ", "điện thoại", "email",
               "ngày hẹn trả kết quả", "nơi đăng ký", "nơi đăng ký khai sinh",
               "nơi đăng ký kết hôn", "ghi chú", "nội dung", "nội dung đề nghị",
               "đặc điểm nhân dạng", "personal identification", "nơi cấp", "loại hình",
               "vốn điều lệ", "ngành nghề", "thời gian", "lĩnh vực", "quan hệ", "chức danh",
               "họ, chữ đệm, tên người mẹ", "họ, chữ đệm, tên người cha", "họ và tên chủ hộ",
               "quan hệ với chủ hộ", "năm sinh", "nơi tạm trú", "quyển số", "kính gửi",
               "tên công ty viết tắt", "tên công ty viết bằng tiếng nước ngoài",
               "người đi khai sinh", "tình trạng án tích", "người đại diện theo pháp luật",
               "thửa đất số", "tờ bản đồ số", "diện tích", "mục đích sử dụng")
# Captions of numbers may stand inside a sentence ("… (số định danh cá nhân 0751…)") when the
# number follows at once; other captions are trusted only at a line start or before a colon.
_NUMBER_FIELDS = ("id_number", "enterprise_code", "dossier_code")
_SHORT = 6  # captions shorter than this (folded) need a colon: "Bà:", "Sex:"
_CONFIDENT, _FUZZY_LABEL, _UNLABELLED, _CORRECTED, _FLAGGED = 0.92, 0.75, 0.6, 0.8, 0.25
_UNCONFIRMED_PLACE = 0.7  # an address whose units the gazetteer does not confirm
OWNER_CONFIDENCE = 0.6  # the review threshold: an owner below it is no owner
DIGIT_LOOKALIKES: dict[str, str] = {
    "O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "l": "1", "|": "1", "i": "1",
    "!": "1", "L": "1", "Z": "27", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6",
    "g": "9", "q": "9", "A": "4", "?": "0123456789",
}
_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[IVX]{1,4}\.|[a-zđ]\)|[-•+*])\s")
# An address is complete once it ends with a province (or a centrally-run city).
_PROVINCE_NAMES = tuple(sorted({fold(name) for name in PROVINCES.values()}, key=len, reverse=True))


def _ends_with_province(value: str) -> bool:
    tail = " ".join(_words(value)[-5:])
    return tail.endswith(_PROVINCE_NAMES)


@dataclass(frozen=True)
class _Hit:
    field: str | None  # None for a stop caption
    line: int
    start: int  # offsets in the line (folding keeps offsets)
    end: int
    fuzzy: bool
    value: str = ""
    inline: bool = False  # a number caption inside a sentence, not a form caption


def _words(label: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", fold(label))


@lru_cache(maxsize=64)
def _label_table(overrides: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[
        re.Pattern[str], tuple[str | None, ...], tuple[tuple[str, str | None], ...]]:
    """One alternation of every caption, longest first, for a type's caption overrides.

    A field with type-specific captions keeps its generic ones as stops, so the generic
    caption ("Địa chỉ:" of the applicant) ends a value but no longer fills the field.
    """
    over = dict(overrides)
    entries: list[tuple[str, str | None]] = []
    for key, labs in LABELS.items():
        entries += [(lab, None if key in over else key) for lab in labs]
    for key, labs in over.items():
        entries += [(lab, key) for lab in labs]
    entries += [(lab, None) for lab in STOP_LABELS]
    entries.sort(key=lambda e: len(" ".join(_words(e[0]))), reverse=True)
    parts = [r"[\s,./)]*".join(re.escape(w) for w in _words(lab)) for lab, _ in entries]
    pattern = re.compile(
        r"(?<![0-9a-z])(?:" + "|".join(f"({p})" for p in parts) + r")(?![0-9a-z])"
    )
    return pattern, tuple(key for _, key in entries), tuple(entries)


_GLOSS = re.compile(r"\s*/\s*[A-Za-z][A-Za-z ,.]{1,30}?(?=\s*[:;])")  # "/ Full name" before ':'
_COLON = re.compile(r"\s*(?:\([^)]{0,30}\))?\s*[:;]")


def _find_hits(lines: list[str], spec: DocType | None = None) -> list[_Hit]:
    pattern, keys, entries = _label_table(spec.labels if spec else ())
    hits: list[_Hit] = []
    for n, line in enumerate(lines):
        folded = fold_keep_length(line)
        found: list[_Hit] = []
        taken = 0
        for m in pattern.finditer(folded):
            if m.start() < taken:
                continue  # inside the previous caption's gloss ("Số / No.:")
            key = keys[m.lastindex - 1] if m.lastindex else None
            end = m.end()
            gloss = _GLOSS.match(line, end)
            if gloss:
                end = gloss.end()
            colon = _COLON.match(line, end)
            at_start = not _ITEM.sub("", line[:m.start()] + " ").strip(" -•*+.,_'0123456789)")
            inline = False
            if colon:
                end = colon.end()
            elif key in _NUMBER_FIELDS and (
                    re.match(r"\s*[0-9OIl]{6}", line[end:]) or (not line[end:].strip()
                    and n + 1 < len(lines) and re.match(r"\s*[0-9OIl]{6}", lines[n + 1]))):
                inline = not at_start  # "(số định danh cá nhân 0751…)", maybe wrapped
            elif len(m.group()) < _SHORT or not at_start:
                continue  # a short word, or caption-like words inside a sentence
            found.append(_Hit(key, n, m.start(), end, fuzzy=False, inline=inline))
            taken = end
        if not any(h.start <= 4 for h in found):
            fuzzy = _fuzzy_label(line, entries)
            # Not when an exact caption stands inside the fuzzy one ("-_6. Nơi cư trú:").
            if fuzzy is not None and not (found and found[0].start < fuzzy[1]):
                found.insert(0, _Hit(fuzzy[0], n, 0, fuzzy[1], fuzzy=True))
        for i, hit in enumerate(found):
            stop = found[i + 1].start if i + 1 < len(found) else len(line)
            value = line[hit.end:stop].lstrip(" \t:;,-–").rstrip(" \t:;-–")
            hits.append(_Hit(hit.field, n, hit.start, hit.end, hit.fuzzy, value, hit.inline))
    return hits


def _fuzzy_label(line: str, entries: tuple[tuple[str, str | None], ...]
                 ) -> tuple[str | None, int] | None:
    """A damaged caption before a colon at the start of the line ("Ho va tn:", "Ngay snh:")."""
    colon = line.find(":")
    if not 2 < colon <= 45:
        return None
    head_text = line[:colon].split("/")[0]
    head = " ".join(_words(_ITEM.sub("", head_text + " ")))
    if len(head) < _SHORT:
        return None
    best: tuple[float, str | None] = (0.0, None)
    for label, key in entries:
        norm = " ".join(_words(label))
        if len(norm) < _SHORT:
            continue
        score = fuzz.ratio(head, norm)
        if score > best[0]:
            best = (score, key)
    return (best[1], colon + 1) if best[0] >= 84 else None


def _continues(lines: list[str], index: int, starts: set[int]) -> bool:
    """Is line ``index`` the wrapped rest of the value on the line before it?"""
    if index >= len(lines) or index in starts:
        return False
    line, previous = lines[index].strip(), lines[index - 1].rstrip()
    if not line or _ITEM.match(line + " "):
        return False
    letters = [c for c in line if c.isalpha()]
    before = [c for c in previous if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 3 \
            and not all(c.isupper() for c in before[-10:]):
        return False  # a heading, unless it wraps an upper-case value (a company name)
    return line[0].islower() or previous.endswith(",") or len(previous) >= 45


def _values(hits: list[_Hit], lines: list[str], key: str, *, wrap: bool = False
            ) -> Iterator[tuple[str, bool]]:
    """Values printed after ``key``'s captions: the next line when the caption ends its line,
    and (``wrap``) the lines a long value was wrapped onto."""
    starts = {h.line for h in hits if h.start <= 4}
    for hit in hits:
        if hit.field != key:
            continue
        value, line = hit.value, hit.line
        if not value and _continues_empty(lines, line + 1, starts):
            line += 1
            value = lines[line].strip()
        if wrap and value:
            while len(value) < 300 and not _ends_with_province(value) \
                    and _continues(lines, line + 1, starts):
                line += 1
                value = f"{value} {lines[line].strip().lstrip(_JUNK_EDGE)}"
        if value:
            yield value, hit.fuzzy


def _continues_empty(lines: list[str], index: int, starts: set[int]) -> bool:
    return index < len(lines) and index not in starts and bool(lines[index].strip())


# --- value readers -------------------------------------------------------------------------


def _digit_readings(raw: str, limit: int = 2000) -> list[str] | None:
    """Every all-digit reading of ``raw`` under the look-alike table; None if some character
    has no digit reading or the readings explode."""
    options = []
    for ch in raw:
        if ch.isdigit():
            options.append(ch)
        elif ch in DIGIT_LOOKALIKES:
            options.append(DIGIT_LOOKALIKES[ch])
        else:
            return None
    count = 1
    for opt in options:
        count *= len(opt)
    if count > limit:
        return None
    return ["".join(p) for p in itertools.product(*options)]


_LOOKALIKE_CLASS = re.escape("".join(DIGIT_LOOKALIKES))


def _number_token(value: str, min_len: int, max_len: int, exact: int | None = None
                  ) -> str | None:
    """The first run of digits and look-alikes (spaces inside ignored) of a plausible length.
    A run must start with a digit, so words ("Căn cước công dân số …") are skipped.

    With ``exact``: a run longer than that whose first space-separated groups already make
    ``exact`` plain digits ends there; what follows the space is the next word read as
    look-alikes ("075180954281 Lộ" is not the 13 characters "075180954281L")."""
    for m in re.finditer(rf"[0-9](?:[0-9{_LOOKALIKE_CLASS} ]*[0-9{_LOOKALIKE_CLASS}])?"
                         rf"|[{_LOOKALIKE_CLASS}][0-9][0-9{_LOOKALIKE_CLASS} ]*", value):
        token = m.group().strip().replace(" ", "")
        if exact is not None and len(token) > exact:
            groups = m.group().strip().split()
            for n in range(1, len(groups)):
                head = "".join(groups[:n])
                if len(head) == exact and head.isdigit():
                    token = head
                    break
        if min_len <= len(token) <= max_len and sum(c.isdigit() for c in token) >= min_len - 3:
            return token
    return None


def validated_number(raw: str, is_valid: Callable[[str], bool],
                     problems: Callable[[str], str], name: str,
                     confidence: float = 0.95) -> FieldValue:
    """Accept, correct (exactly one valid reading of its look-alikes) or flag an OCR'd number."""
    if raw.isdigit():
        if is_valid(raw):
            return FieldValue(raw, confidence)
        return FieldValue(raw, _FLAGGED, f"{name}: {problems(raw)}")
    readings = _digit_readings(raw)
    if readings is None:
        return FieldValue(raw, _FLAGGED, f"{name}: unreadable characters in {raw!r}")
    valid = sorted({r for r in readings if is_valid(r)})
    if len(valid) == 1:
        return FieldValue(valid[0], min(confidence, _CORRECTED))
    if not valid:
        return FieldValue(raw, _FLAGGED, f"{name}: no reading of {raw!r} is valid")
    return FieldValue(raw, _FLAGGED,
                      f"{name}: {len(valid)} readings of {raw!r} are valid; read the paper")


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


_JUNK_EDGE = " ,;:-–—_.'\"`‘’“”|~*•"


def _text(value: str) -> str | None:
    value = squash_spaces(value).lstrip(_JUNK_EDGE).rstrip(" ,;:-–—_'\"`|~*•")
    value = value[:-1] if value.endswith(".") and not value.endswith("..") else value
    return value or None


def _address(value: str) -> str | None:
    """An address or place: OCR specks removed, and the closed vocabulary repaired where a
    lost mark is certain: "tố 9" is the neighbourhood group "tổ 9"; the province after
    "tỉnh" is one of the 63 and is matched against the list."""
    text = _text(value)
    if text is None:
        return None
    text = re.sub(r"\s[-–—_|]+\s", " ", f" {text} ").strip()
    text = re.sub(r"\s*;\s*", ", ", text)  # OCR reads the parts' commas as semicolons
    text = re.sub(r"(?<![^\W_])[Tt][ốõồổỗộo](?=\s+\d)", lambda m: m.group()[0] + "ổ", text)
    text = _repair_parts(text)
    snapped = snap_address(text)
    if snapped is not None:
        return snapped
    m = re.search(r"(tỉnh|tinh|tĩnh)\s+([^,]+?)\s*$", text)
    if m:
        best = max(PROVINCES.values(), key=lambda p: fuzz.ratio(fold(p), fold(m[2])))
        if fuzz.ratio(fold(best), fold(m[2])) >= 80:
            text = text[:m.start()] + "tỉnh " + best
    return text


def _repair_parts(text: str) -> str:
    """Separators and the words that begin an address's parts, where OCR damage is certain:
    a full stop before a lower-case part is its comma ("Trần Phú. tổ 4"), a hyphen or colon
    glued to a level word is a space ("xã-Bắc Sơn", "khu:phố"), and "đưởng", "khu phế 8" are
    "đường", "khu phố 8" (the only words of the closed list one mark or letter away)."""
    text = re.sub(r",\s*[.,;]+", ",", text)
    text = re.sub(r"(?<=[^\W\d_])\.\s+(?=[a-zđ\u00E0-\u1EF9])", ", ", text)
    text = re.sub(r"(?<=\d)\.\s+(?=[a-zđ\u00E0-\u1EF9])", ", ", text)
    text = re.sub(r"\b(xã|phường|huyện|quận|tỉnh)-(?=[A-ZĐ\u00C0-\u1EF8])", r"\1 ", text)
    text = re.sub(r"\b([Kk]hu)\s*:\s*(phố)\b", r"\1 \2", text)
    parts = text.split(", ")
    for i, part in enumerate(parts):
        words = part.split()
        if len(words) >= 2 and fold(words[0]) == "duong" and words[0] not in ("đường", "Đường"):
            parts[i] = " ".join(["đường" if words[0].islower() else "Đường", *words[1:]])
        elif len(words) >= 3 and words[0].lower() == "khu" and re.fullmatch(r"\d+", words[2]) \
                and Levenshtein.distance(fold(words[1]), "pho") == 1:
            parts[i] = " ".join([words[0], "phố", *words[2:]])
    return ", ".join(parts)


_LEVEL_INSIDE = re.compile(
    r"(?<=\S)\s+(?=(?:thành phố|thị trấn|thị xã|huyện|quận|tỉnh|phường|xã|Thành phố|Quận"
    r"|Phường|Huyện|Tỉnh)\s+(?:[A-ZĐ\u00C0-\u1EF8]|\d))")


def snap_address(text: str) -> str | None:
    """``text`` with its administrative tail (its last three, two or one comma-separated
    parts) read against the real units (:func:`sohoa.ocr.gazetteer.snap_units`); None when
    no tail is confirmed. A comma OCR lost before a level word is restored only when the
    parts it makes are confirmed."""
    parts = [p.strip(_JUNK_EDGE) for p in text.split(",") if re.search(r"\w", p)]
    split = [q.strip(_JUNK_EDGE) for p in parts for q in _LEVEL_INSIDE.split(p)
             if re.search(r"\w", q)]
    if not parts:
        return None
    layouts = [parts, split] if split != parts else [parts]
    last = layouts[-1][-1].split()
    if len(last) > 2 and len(last[-1]) <= 3 and last[-1].isalpha():
        layouts.append([*layouts[-1][:-1], " ".join(last[:-1])])  # a speck after the province
    for layout in layouts:
        for m in (3, 2, 1):
            if len(layout) < m:
                continue
            snapped = snap_units(layout[-m:])
            if snapped is not None:
                return ", ".join([*layout[:-m], *snapped])
    return None


_NUMBER_VALUE = r"(?P<v>(?:[a-z]{1,3}[\s.]?)?[0-9][0-9a-z]*(?:\s?[/\-.]\s?[0-9a-z]+)*)"
_DOC_NUMBER = re.compile(r"(?<![0-9a-z])so\s*(?:/\s*no\.?)?\s*[:.]\s*" + _NUMBER_VALUE,
                         re.IGNORECASE)
# "Số:" at the start of a line with its vowel misread ("Sẽ:", "Sú:", "S6:"): only before a
# number with a notation or a bare number, and only when no "Số:" was read at all.
_DOC_NUMBER_LOOSE = re.compile(r"^\W{0,2}s[aeiouy6]\s*:\s*" + _NUMBER_VALUE, re.IGNORECASE)


def document_number(text: str) -> str | None:
    """The number and notation after "Số:" ("123/2024/QĐ-UBND", "297", "DB 659081")."""
    lines = text.splitlines()
    for pattern in (_DOC_NUMBER, _DOC_NUMBER_LOOSE):
        for line in lines:
            number = _number_after(pattern, line)
            if number:
                return number
    return None


def _number_after(pattern: re.Pattern[str], line: str) -> str | None:
    folded = fold_keep_length(line)
    m = pattern.search(folded)
    if m is None:
        return None
    before = fold(line[:m.start()])
    if re.search(r"(quyen|thua dat|to ban do|thu tu|cccd|cmnd|can cuoc|dinh danh)\s*$",
                 before):
        return None  # "Quyển số:", "Thửa đất số:", "CCCD số:" are not the document's
    raw = re.sub(r"\s*([/\-])\s*", r"\1", line[m.start("v"):m.end("v")]).rstrip(".")
    serial = re.fullmatch(r"([A-Z]{1,3})[\s.]?(\d{6,})", raw)
    if serial:  # a certificate's serial: "DB 630202" ("DB.630202" as OCR read it)
        return f"{serial[1]} {serial[2]}"
    # Inside a notation a full stop stands for its hyphen ("522/GPXD.UBND").
    raw = re.sub(r"(?<=/[A-ZĐ]{2})([A-ZĐ]*)\.(?=[A-ZĐ]{2})", r"\1-", raw)
    # A notation is upper case ("QĐ-UBND"); a lower-case chunk is the place-date line that
    # OCR merged onto the same line ("2825/XN-CAX-Bảo Quang").
    chunks = re.split(r"([/\-])", raw)
    kept = chunks[:1]
    for sep, chunk in zip(chunks[1::2], chunks[2::2], strict=True):
        if chunk != chunk.upper():
            break
        kept += [sep, chunk]
    return "".join(kept)


def _place_date(lines: list[str]) -> date | None:
    """The "<place>, ngày … tháng … năm …" line that dates a document.

    The words before the comma must look like a place (a few capitalized words, possibly after
    the "Số: …" that OCR merged into the line) or be "Hôm nay"; "Căn cứ Quyết định số
    12/QĐ-UBND, ngày …" in a body is a citation, not the document's date.
    """
    for line in lines:
        folded = fold_keep_length(line)
        for m in re.finditer(r",\s*ng[a-z]?y\s*[0-9oOlI]", folded):
            tokens = line[:m.start()].split()
            place: list[str] = []
            while tokens and len(place) < 5 and re.fullmatch(r"[^\W\d_]+", tokens[-1]) \
                    and (tokens[-1][0].isupper() or (place and tokens[-1] in ("phố", "xã"))):
                place.insert(0, tokens.pop())
            # A place is a few capitalized words at the line start, after "Số: …" or after the
            # upper-case header OCR merged in; after a lower-case word it is a citation.
            today = fold(line[:m.start()]).strip().endswith("hom nay")  # "Hôm nay, ngày …"
            # OCR may drop the first word of the place ("Phường 25" → "25", "Thị trấn Long
            # Thành" → "trấn Long Thành"): a short prefix of plain words is still a place.
            prefix = line[:m.start()].split()
            short = len(prefix) <= 4 and all(re.fullmatch(r"[^\W\d_]+|\d{1,2}", t)
                                             for t in prefix) \
                and not re.search(r"\b(?:so|can cu|sinh|theo)\b", fold(" ".join(prefix)))
            if not today and not short and (not place or (
                    tokens and re.fullmatch(r"[^\W\d_]+", tokens[-1]) and tokens[-1].islower()
                    and tokens[-1] not in ("phố", "xã"))):
                continue
            found = parse_vn_date(line[m.start():m.start() + 60])
            if found:
                return found
    return None


def _sentence_expiry(text: str) -> date | None:
    """"… có giá trị đến ngày 09/10/2024." inside a sentence, possibly wrapped over lines."""
    flat = " ".join(text.split())
    folded = fold_keep_length(flat)
    for m in re.finditer(r"co\W*gia\W*tri\W*(?:su dung\W*)?den(?:\W*het)?(?:\W*ngay)?\W*",
                         folded):
        found = parse_vn_date(flat[m.end():m.end() + 40])
        if found:
            return found
    return None


_PERSON = re.compile(r"(?<![0-9a-z])(ong|ba)\s+(?=[A-ZĐ\u00C0-\u1EF8])", re.IGNORECASE)


def _mentioned_person(text: str) -> str | None:
    """The first "ông/bà <Name>" in running text, for documents without a name caption."""
    flat = " ".join(text.split())
    folded = fold_keep_length(flat)
    for m in _PERSON.finditer(folded):
        if not flat[m.start()].islower():
            continue
        words = []
        for word in flat[m.end():].split()[:6]:
            word = word.strip(",;.()")
            if not word or not word[0].isupper() or not word.isalpha():
                break
            words.append(word)
        if len(words) >= 2:
            return title_case_name(" ".join(words))
    return None


# --- issuing body --------------------------------------------------------------------------

# What an agency is (the noun its name starts with), folded; longest first.
_AGENCY_KINDS = ("uy ban nhan dan", "ubnd", "vien kiem sat nhan dan", "toa an nhan dan",
                 "bo phan", "chi cuc", "tong cuc", "cong an", "van phong", "trung tam",
                 "chi nhanh", "ban quan ly", "hoi dong", "thanh tra", "kho bac", "so", "phong",
                 "cuc", "bo", "ban")
_TERRITORIAL = ("uy ban nhan dan", "ubnd", "cong an")
_SIGNER_TITLES = ("cuc truong", "giam doc", "pho giam doc", "chu tich", "pho chu tich",
                  "truong phong", "truong cong an", "tm ", "kt ")
# Administrative levels; the place name follows them ("xã" but not "xã hội").
# Two-word levels are unambiguous once folded (OCR often garbles their tone marks); one-word
# levels need their marks, or "quản lý" would read as "quận".
_ADMIN_PAIRS = ("thanh pho", "thi tran", "thi xa")
_ADMIN_WORDS = ("xã", "phường", "huyện", "quận", "tỉnh", "tp", "tp.")


def _admin_at(words: list[str], i: int) -> int:
    """How many words an administrative level at ``words[i]`` spans (0: none)."""
    pair = fold(" ".join(words[i:i + 2]))
    if pair in _ADMIN_PAIRS:
        return 2
    word = words[i].lower() if i < len(words) else ""
    if word in _ADMIN_WORDS and not (word == "xã" and fold(" ".join(words[i + 1:i + 2])) == "hoi"):
        return 1
    return 0


def _admin_start(text: str) -> bool:
    return _admin_at(text.split(), 0) > 0
_CITIES = ("ho chi minh", "ha noi", "hai phong", "da nang", "can tho")
# Tone marks written the old way on open syllables ("hoà", "uỷ"); documents today write
# "hòa", "ủy", and so does the catalog.
_OLD_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe",
              "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy",
              "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}


def _modern_tones(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        word = m.group()
        tail = word[-2:].lower()
        if tail in _OLD_TONES and not (len(word) > 2 and fold(word[-3]) == "q" and tail[0] == "u"):
            new = _OLD_TONES[tail]
            return word[:-2] + (new if word[-2].islower() else new[0].upper() + new[1])
        return word
    return re.sub(r"[^\W\d_]+", fix, text)


def _kind(folded: str) -> str | None:
    return next((k for k in _AGENCY_KINDS if folded == k or folded.startswith(k + " ")), None)


def agency_case(name: str) -> str:
    """An agency name as written in running text: "SỞ KẾ HOẠCH VÀ ĐẦU TƯ TỈNH ĐỒNG NAI" ->
    "Sở Kế hoạch và Đầu tư tỉnh Đồng Nai" (the field after the kind noun and after "và" take a
    capital; administrative levels are lower case and the place after them is capitalized)."""
    name = _modern_tones(squash_spaces(nfc(name)))
    folded = fold(name)
    if re.match(r"^ubnd\b", folded):
        name, folded = "Ủy ban nhân dân" + name[4:], "uy ban nhan dan" + folded[4:]
    words = name.lower().split()
    fwords = folded.split()
    if len(fwords) != len(words):
        return name
    out = list(words)
    kind = _kind(folded)
    k = len(kind.split()) if kind else 1
    out[0] = out[0][:1].upper() + out[0][1:]
    i = k
    capital_next = True
    while i < len(words):
        span = _admin_at(words, i)
        if span:
            place = fwords[i + span:]
            level = " ".join(words[i:i + span])
            if span == 2 and fold(level) == "thanh pho":
                level = "thành phố"  # its marks, when OCR garbled them
            if place and place[0].isdigit():  # "Quận 1", "Phường 3"
                level = level[:1].upper() + level[1:]
            elif level == "thành phố" and " ".join(place[:3]).startswith(_CITIES):
                level = "Thành phố"
            out[i:i + span] = level.split()
            j = i + span
            while j < len(words) and not _admin_at(words, j) and fwords[j] not in ("va",):
                out[j] = words[j][:1].upper() + words[j][1:]
                j += 1
            i = j
            capital_next = False
            continue
        if capital_next or (i > 0 and fwords[i - 1] == "va"):
            out[i] = words[i][:1].upper() + words[i][1:]
        capital_next = False
        i += 1
    return " ".join(out)


def _split_locality(name: str) -> tuple[str, str]:
    """("Công an", "thành phố Long Khánh") from "Công an thành phố Long Khánh"."""
    words = name.split()
    for i in range(1, len(words)):
        if _admin_at(words, i):
            return " ".join(words[:i]), " ".join(words[i:])
    return name, ""


def _header_block(lines: list[str]) -> list[str]:
    """Upper-case agency lines of the left header column, with wrapped lines joined.

    The block ends at "Số: …", the place-date line or the national header once it has begun
    (OCR may also print the right column first, or merge both columns into one line).
    """
    groups: list[str] = []
    after_header = False  # the national header stood alone on a line after the block began
    for line in lines[:12]:
        norm = re.sub(r"[^0-9a-z]+", " ", fold_keep_length(line))
        span = header_span(norm)
        left = _without_specks(_clean_caps(line[:span[0]] if span else line))
        folded = fold(left)
        letters = [c for c in left if c.isalpha()]
        if re.match(r"^s[o0]\s*[:.]", folded) or re.search(r",\s*ngay\s*\d", folded):
            if groups:
                break
            continue  # "Số: …" or the place-date line above the left block
        if not letters or header_span(" ".join(_words(left))) is not None:
            if span is not None and groups and not letters:
                # The national header after the left block: the block may go on only beside
                # the motto on the next lines ("SỞ TÀI NGUYÊN … - Độc lập - Tự do …").
                after_header = True
            continue
        if after_header and span is None:
            break
        if sum(c.isupper() for c in letters) / len(letters) < 0.7:
            break  # running text: the header is over
        if folded.startswith(_SIGNER_TITLES):
            break
        if groups:
            previous = fold(groups[-1])
            broken_level = previous.endswith((" thanh", " thi")) and folded.startswith(
                ("pho ", "tran ", "xa "))  # "… THÀNH" / "PHỐ HỒ CHÍ MINH"
            if previous.endswith(" va") or previous in _TERRITORIAL or broken_level \
                    or _admin_start(left):
                groups[-1] = f"{groups[-1]} {left}"
                continue
        if _kind(folded):
            groups.append(left)
        else:
            break  # an upper-case line that names no agency: the title
    return groups


def _without_specks(left: str) -> str:
    """An agency line without the specks OCR read before it ("xi 4Á - CÔNG AN …")."""
    words = left.split()
    for n in range(1, min(3, len(words))):
        if _kind(fold(left)) or not all(len(w) <= 2 or not w.isalpha() for w in words[:n]):
            break
        if _kind(fold(" ".join(words[n:]))):
            return " ".join(words[n:])
    return left


_LEVEL_SPELLING = {fold(w): w.upper() for w in ("tỉnh", "huyện", "quận", "xã", "phường",
                                                "thị trấn", "thị xã", "thành phố")}


def _level_after_kind(group: str) -> str:
    """The level word right after a territorial agency's kind, with its marks restored: after
    "UBND" or "CÔNG AN" comes a level, so "UBND TÍNH BÌNH DƯƠNG" is "UBND TỈNH …"."""
    kind = _kind(fold(group))
    if kind not in _TERRITORIAL:
        return group
    words = group.split()
    k = len(kind.split())
    for span in (2, 1):
        level = _LEVEL_SPELLING.get(fold(" ".join(words[k:k + span])))
        if level and len(words) > k + span:
            return " ".join([*words[:k], level, *words[k + span:]])
    return group


def _snap_locality(name: str) -> str:
    """An agency's locality read against the real units ("Ủy ban nhân dân phường Hồ Nai,
    thành phố Biên Hòa" → "… phường Hố Nai, …"); unchanged without a single reading."""
    agency, locality = _split_locality(name)
    if not locality:
        return name
    snapped = snap_units([p.strip() for p in locality.split(",")])
    return f"{agency} {', '.join(snapped)}" if snapped else name


def _signing_agency(lines: list[str]) -> str | None:
    """On papers without a header block (cards) the signer's title names the agency:
    "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH / CHÍNH VỀ TRẬT TỰ XÃ HỘI"."""
    for i, line in enumerate(lines):
        m = re.search(r"(?<![a-z])(?:cuc truong|giam doc|chu tich)\s+(?=cuc |so |uy ban |cong an )",
                      fold_keep_length(line))
        if m is None:
            continue
        name = _clean_caps(line[m.end():])
        if i + 1 < len(lines):
            nxt = _clean_caps(lines[i + 1])
            letters = [c for c in nxt if c.isalpha()]
            if letters and all(c.isupper() for c in letters) and not _kind(fold(nxt)):
                name = f"{name} {nxt}"
        return name or None
    return None


def _clean_caps(text: str) -> str:
    """An upper-case header line without OCR specks: stray quotes, dashes, lone symbols,
    and trailing tokens that are not words ("HÀNH 3 É)")."""
    words = [w.strip("'\"`‘’“”_|()[]{}.,;:*=~-–—") for w in text.split()]
    words = [w for w in words if w and any(c.isalnum() for c in w)]
    while words and not ((len(words[-1]) > 1 and words[-1].isalpha()) or (
            words[-1].isdigit() and len(words) > 1 and _admin_at(words, len(words) - 2))):
        words.pop()
    return " ".join(words)


def _extend_from_body(name: str, text: str) -> str:
    """Add the locality the body prints after the agency's name ("Nơi đăng ký khai sinh: Ủy ban
    nhân dân phường Quang Vinh, thành phố Biên Hòa"), which the header leaves out."""
    target = fold(name)
    for line in text.splitlines():
        folded = fold_keep_length(squash_spaces(line))
        line = squash_spaces(line)
        start = 0
        while (i := folded.find(target, start)) >= 0:
            start = i + 1
            printed = line[i:i + len(target)]
            if sum(c.isupper() for c in printed) > len(printed) / 2:
                continue  # the upper-case header itself
            rest = line[i + len(target):]
            m = re.match(r"((?:,?\s+(?:thành phố|thị xã|thị trấn|huyện|quận|tỉnh|Quận|Thành phố)"
                         r"(?:\s+[A-ZĐ\u00C0-\u1EF8][^\s,;.]*|\s+\d+)+)+)", rest)
            return name + m.group(1) if m else name
    return name


# National bodies that issue papers under their own fixed name (no locality to tell apart):
# OCR damage to their long names is undone by matching against the list.
NATIONAL_BODIES = ("Cục Cảnh sát quản lý hành chính về trật tự xã hội",
                   "Cục Cảnh sát đăng ký, quản lý cư trú và dữ liệu quốc gia về dân cư",
                   "Bộ Công an", "Bộ Tư pháp", "Trung tâm Lý lịch tư pháp quốc gia")


# The standing units of local government whose long names OCR garbles a letter of ("Trảá"):
# only their spelling is restored, in agency_case's capitals, before the locality.
LOCAL_BODIES = ("Bộ phận tiếp nhận và trả kết quả", "Trung tâm phục vụ hành chính công",
                "Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư", "Sở Xây dựng",
                "Phòng Tài nguyên và Môi trường", "Phòng Quản lý đô thị",
                "Phòng Kinh tế - Hạ tầng", "Phòng Đăng ký kinh doanh",
                "Văn phòng đăng ký đất đai", "Chi nhánh văn phòng đăng ký đất đai")


def canonical_body(body: str) -> str:
    """A national body's name as it is spelled, when the OCR'd one is clearly it; a local
    unit's standing name likewise, its locality kept."""
    folded = fold(body)
    for name in NATIONAL_BODIES:
        if len(name) >= 20 and fuzz.ratio(fold(name), folded) >= 92:
            return name
    if " - " in body:
        return body
    agency, locality = _split_locality(body)
    for name in LOCAL_BODIES:
        if fold(name) != fold(agency) and fuzz.ratio(fold(name), fold(agency)) >= 92:
            return f"{agency_case(name)} {locality}".strip()
    return body


def issuing_body(lines: list[str]) -> str | None:
    """The issuing agency as written in running text ("Sở Tư pháp tỉnh Đồng Nai").

    From the left header block: the lowest unit, completed with its superior's locality when
    the superior is territorial ("UBND TỈNH ĐỒNG NAI / SỞ TƯ PHÁP"), or joined to a superior
    agency with " - " ("SỞ KẾ HOẠCH VÀ ĐẦU TƯ … / PHÒNG ĐĂNG KÝ KINH DOANH").
    """
    groups = [_level_after_kind(g) for g in _header_block(lines)]
    if not groups:
        signer = _signing_agency(lines)
        return _snap_locality(agency_case(signer)) if signer else None
    unit = _snap_locality(agency_case(groups[-1]))
    if len(groups) >= 2:
        parent = _snap_locality(agency_case(groups[-2]))
        kind, locality = _split_locality(parent)
        if fold(kind) in _TERRITORIAL and locality:
            own = _split_locality(unit)[1]
            return _snap_locality(f"{unit}, {locality}" if own else f"{unit} {locality}")
        return f"{unit} - {parent}"
    return _snap_locality(_extend_from_body(unit, "\n".join(lines)))


# --- the extractor -------------------------------------------------------------------------


_PERSON_FIELDS = ("full_name", "id_number", "date_of_birth", "sex", "address", "place_of_birth")


def extract_fields(doc_type: str, text: str, registry: Registry | None = None, *,
                   party: str | None = None) -> Extraction:
    """The fields ``doc_type`` carries, read from ``text`` and validated.

    A document of several people (``owner_shared``: a marriage certificate names both spouses)
    reads the first person's fields, unless ``party`` (a citizen ID, usually the dossier's
    applicant) names one of them: then the person fields are that person's.
    """
    registry = registry or load_registry()
    spec = registry.get(doc_type)
    text = nfc(text)
    lines = text.splitlines()
    hits = _find_hits(lines, spec)
    if party and spec.owner_shared:
        block = _party_block(lines, hits, party)
        if block is not None:
            whole = extract_fields(doc_type, text, registry)
            person = extract_fields(doc_type, "\n".join(block), registry)
            fields = {k: v for k, v in whole.fields.items() if k not in _PERSON_FIELDS}
            fields.update((k, v) for k, v in person.fields.items() if k in _PERSON_FIELDS)
            others = [i for i in (whole.fields.get("id_number"),
                                  whole.fields.get("related_id_numbers"))
                      if i is not None and i.value]
            ids = [v for fv in others for v in fv.value.split(",") if v != party]
            if ids:
                fields["related_id_numbers"] = FieldValue(",".join(ids), 0.8)
            else:
                fields.pop("related_id_numbers", None)
            name = fields.get("full_name")
            return Extraction(fields=fields, owner_name=name.value if name else None)
    wanted = set(spec.fields)
    out: dict[str, FieldValue] = {}

    def first(key: str, read: Callable[[str], str | None], wrap: bool = False
              ) -> FieldValue | None:
        for value, fuzzy in _values(hits, lines, key, wrap=wrap):
            parsed = read(value)
            if parsed is not None:
                return FieldValue(parsed, _FUZZY_LABEL if fuzzy else _CONFIDENT)
        return None

    # Plain values first: the ID checks below need the birth date and sex.
    if (v := first("full_name", _name)) is not None:
        out["full_name"] = v
    elif (name := _mentioned_person(text)) is not None:
        out["full_name"] = FieldValue(name, _UNLABELLED)
    if (v := first("sex", _sex)) is not None:
        out["sex"] = v
    for key in ("date_of_birth", "expiry_date"):
        if (v := first(key, lambda s: _iso(parse_vn_date(s)))) is not None:
            out[key] = v
        elif any(True for _ in _values(hits, lines, key)):
            out[key] = FieldValue(None, _FLAGGED, f"{key}: no date could be read")
    if (out.get("expiry_date") is None or out["expiry_date"].value is None) \
            and (until := _sentence_expiry(text)) is not None:
        out["expiry_date"] = FieldValue(until.isoformat(), _CONFIDENT)
    for key in ("address", "place_of_birth"):
        if (v := first(key, _address, wrap=True)) is not None:
            if v.value and snap_address(v.value) is None:
                # No administrative unit of the list confirms it: kept as read, less sure.
                v = FieldValue(v.value, min(v.confidence, _UNCONFIRMED_PLACE))
            out[key] = v
    if "address" not in out and (v := _listed_caption(spec, "address", lines)) is not None:
        out["address"] = v
    if (v := first("enterprise_name", _text, wrap=True)) is not None:
        out["enterprise_name"] = v

    issued = _place_date(lines)
    if issued is not None:
        out["issue_date"] = FieldValue(issued.isoformat(), _CONFIDENT)
    elif (v := first("issue_date", lambda s: _iso(parse_vn_date(s)))) is not None:
        out["issue_date"] = v

    if "document_number" in wanted and (number := document_number(text)):
        out["document_number"] = FieldValue(number, 0.85 if "/" in number else 0.75)
    if (body := issuing_body(lines)) is not None:
        out["issuing_body"] = FieldValue(canonical_body(body), 0.8)

    code = None
    for value, _fuzzy in _values(hits, lines, "dossier_code"):
        code = find_dossier_code(value)
        if code:
            break
    code = code or find_dossier_code(text)
    if code:
        out["dossier_code"] = FieldValue(code, 0.9)

    mrz = find_mrz(text) if doc_type == "citizen_id_card" or "VNM" in text.upper() else None
    _id_number(out, hits, lines, doc_type)
    _enterprise_code(out, hits, lines)
    if mrz is not None:
        _apply_mrz(out, mrz)
    if mrz is not None and mrz.surname:
        _name_from_mrz(out, lines, mrz)
    _sex_from_id(out)

    if spec.owner_shared:
        others = _other_ids(hits, lines, out.get("id_number"))
        if others:
            out["related_id_numbers"] = FieldValue(",".join(others), 0.8)
            wanted.add("related_id_numbers")
    fields = {k: v for k, v in out.items() if k in wanted}
    if spec.owner_shared:
        name = fields.get("full_name")
        return Extraction(fields=fields, owner_name=name.value if name else None)
    return _with_owner(spec.owner_kind, spec.owner_field, fields)


def _listed_caption(spec: DocType, key: str, lines: list[str]) -> FieldValue | None:
    """A type's caption that is an item of a list ("b) Địa chỉ:" under "a) Thửa đất số: …")
    whose item letter OCR lost: the bare caption right after another (damaged) item line."""
    for label in spec.labels_for(key):
        m = re.fullmatch(r"[a-zđ]\)\s*(.+)", label)
        if m is None:
            continue
        bare = r"\W{0,3}" + r"\s*".join(re.escape(w) for w in _words(m[1])) + r"\s*:\s*(.+)"
        for n in range(1, len(lines)):
            found = re.fullmatch(bare, fold_keep_length(lines[n]).strip())
            if found and re.match(r"\W{0,2}\S{1,2}\)\s", lines[n - 1]):
                value = _address(lines[n].strip()[found.start(1):])
                if value:
                    return FieldValue(value, _FUZZY_LABEL)
    return None


def _party_block(lines: list[str], hits: list[_Hit], party: str) -> list[str] | None:
    """The lines of the one person, among several a document names, whose citizen ID is
    ``party``: from their name's caption to the next person's name caption."""
    starts = sorted({h.line for h in hits if h.field == "full_name"})
    if len(starts) < 2:
        return None
    ends = [*starts[1:], len(lines)]
    found = [lines[a:b] for a, b in zip(starts, ends, strict=True)
             if party in re.sub(r"\D", "", " ".join(lines[a:b]).replace("O", "0"))]
    return found[0] if len(found) == 1 else None


def _other_ids(hits: list[_Hit], lines: list[str], first: FieldValue | None) -> list[str]:
    """The valid citizen ID numbers printed besides the first (the other spouse's)."""
    seen = {first.value} if first is not None and first.value else set()
    others = []
    for value, _ in _values(hits, lines, "id_number"):
        raw = _number_token(value, 12, 12, 12)
        if raw and raw.isdigit() and raw not in seen and not citizen_id_problems(raw):
            seen.add(raw)
            others.append(raw)
    return others


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _id_number(out: dict[str, FieldValue], hits: list[_Hit], lines: list[str],
               doc_type: str) -> None:
    birth = _field_date(out, "date_of_birth")
    sex = out.get("sex")
    female = None if sex is None or sex.value is None else sex.value == "Nữ"

    def problems(number: str) -> list[str]:
        return citizen_id_problems(number, birth, female)

    inline = all(h.inline for h in hits if h.field == "id_number")
    raws = [_number_token(v, 11, 14, 12) for v, _ in _values(hits, lines, "id_number")]
    if doc_type == "citizen_id_card":  # the card prints "Số / No.:" before the ID number
        inline = False
        raws += [_number_token(m[1], 11, 14, 12) for m in
                 re.finditer(r"(?:^|\n)\s*S[ốoô]\s*(?:/\s*No\.?)?\s*[:.]\s*(.*)", "\n".join(lines))]
    if inline:
        # Running text wraps anywhere, also inside "(số định / danh cá nhân 0751…)": read
        # every mention from the flattened text, so a repeated number can vouch for itself.
        flat = " ".join(" ".join(lines).split())
        raws = [_number_token(flat[m.end():m.end() + 20], 11, 14, 12) for m in re.finditer(
            r"so\s+dinh\s+danh(?:\s+ca\s+nhan)?\s*:?\s*", fold_keep_length(flat))]
    raws = [r for r in raws if r]
    if not raws:
        return
    raw = raws[0]
    # A number read once from running text has had no cross-check at all (no caption, no birth
    # date beside it); twice the same is the cross-check.
    confidence = 0.55 if inline and raws.count(raw) < 2 else 0.95
    # The same number printed twice and read differently: one of the readings is wrong, and
    # both may look valid (a digit for a digit). Different people's numbers differ far more.
    for other in raws[1:]:
        if len(other) == len(raw) and 0 < sum(a != b for a, b in zip(raw, other, strict=True)) <= 3:
            out["id_number"] = FieldValue(
                raw, _FLAGGED, f"id_number: printed twice, read as {raw} and {other}")
            return
    if len(raw) != 12:
        out["id_number"] = FieldValue(raw, _FLAGGED,
                                      f"id_number: {len(raw)} characters, a citizen ID has 12")
        return
    out["id_number"] = validated_number(
        raw, lambda n: not problems(n), lambda n: "; ".join(problems(n)), "id_number",
        confidence)


def _enterprise_code(out: dict[str, FieldValue], hits: list[_Hit], lines: list[str]) -> None:
    for value, _ in _values(hits, lines, "enterprise_code"):
        raw = _number_token(value.split("-")[0], 9, 11)
        if raw is None:
            continue
        m = re.search(r"\w\s*-\s*(\d{3})(?!\d)", value)
        branch = f"-{m[1]}" if m else ""
        out["enterprise_code"] = check_enterprise_code(raw, branch)
        return


def check_enterprise_code(raw: str, branch: str = "") -> FieldValue:
    """Validate (or uniquely correct) a 10-character enterprise code read by OCR."""
    if len(raw) != 10:
        return FieldValue(raw + branch, _FLAGGED,
                          f"enterprise_code: {len(raw)} digits, an enterprise code has 10")
    if raw.isdigit() and enterprise_check_digit(raw[:9]) is None:
        # 10 - (sum mod 11) is 10 or 11: no code starts with these nine digits, so one of
        # them was misread, and which one cannot be known.
        return FieldValue(raw + branch, _FLAGGED,
                          "enterprise_code: no check digit exists for these first nine digits "
                          "(a digit was misread); compare with the paper")
    fv = validated_number(
        raw, lambda n: enterprise_code_valid(n + branch),
        lambda n: "the check digit does not match (a digit was misread?)", "enterprise_code")
    return FieldValue((fv.value or "") + branch, fv.confidence, fv.flag)


def _field_date(out: dict[str, FieldValue], key: str) -> date | None:
    fv = out.get(key)
    if fv is None or not fv.value:
        return None
    try:
        return date.fromisoformat(fv.value)
    except ValueError:
        return None


def _apply_mrz(out: dict[str, FieldValue], mrz: Mrz) -> None:
    """A verified MRZ confirms or corrects the printed values; an unverified one only confirms."""
    values = {"id_number": mrz.id_number or None, "date_of_birth": _iso(mrz.birth_date),
              "expiry_date": _iso(mrz.expiry_date)}
    for key, value in values.items():
        if value is None:
            continue
        printed = out.get(key)
        if mrz.checks_ok:
            out[key] = FieldValue(value, 0.99)
        elif printed is not None and printed.value == value:
            out[key] = FieldValue(value, max(printed.confidence, 0.95), printed.flag)
    if mrz.checks_ok and "sex" not in out and mrz.sex:
        out["sex"] = FieldValue({"M": "Nam", "F": "Nữ"}[mrz.sex], 0.9)
    if mrz.checks_ok and mrz.id_number:
        problems = citizen_id_problems(mrz.id_number, _field_date(out, "date_of_birth"))
        if problems:
            out["id_number"] = FieldValue(mrz.id_number, _FLAGGED,
                                          "id_number: " + "; ".join(problems))


def _name_from_mrz(out: dict[str, FieldValue], lines: list[str], mrz: Mrz) -> None:
    """The MRZ spells the name without marks; the printed name that folds to it is confirmed,
    and when the caption's value was lost (OCR merged the line) it is found by that spelling."""
    target = fold(f"{mrz.surname} {mrz.given_names}")
    printed = out.get("full_name")
    if printed is not None and printed.value:
        if fuzz.ratio(fold(printed.value), target) >= 90:
            out["full_name"] = FieldValue(printed.value, max(printed.confidence, 0.95),
                                          printed.flag)
        return
    size = len(target.split())
    for line in lines:
        words = line.split()
        for i in range(len(words) - size + 1):
            run = words[i:i + size]
            if all(w.isalpha() and w.isupper() for w in run) \
                    and fuzz.ratio(fold(" ".join(run)), target) >= 90:
                name = _name(" ".join(run))
                if name:
                    out["full_name"] = FieldValue(name, 0.85)
                    return


def _sex_from_id(out: dict[str, FieldValue]) -> None:
    """The century/sex digit of a validated ID gives the sex when the paper prints none."""
    fv = out.get("id_number")
    if "sex" in out or fv is None or fv.flag or not fv.value or len(fv.value) != 12:
        return
    out["sex"] = FieldValue("Nữ" if int(fv.value[3]) % 2 else "Nam", 0.7)


def _with_owner(owner_kind: str | None, owner_field: str | None,
                fields: dict[str, FieldValue]) -> Extraction:
    """The owner is taken only from an unflagged, confident value. Otherwise the document has
    no owner of its own and gets the dossier's (the receipt names the applicant) or a person's
    look; the uncertain value stays in ``fields`` for that comparison."""
    owner_id = None
    if owner_field is not None:
        fv = fields.get(owner_field)
        if fv is not None and fv.value and fv.flag is None and fv.confidence >= OWNER_CONFIDENCE:
            owner_id = fv.value
    name_key = "enterprise_name" if owner_kind == "organization" else "full_name"
    name = fields.get(name_key)
    return Extraction(fields=fields, owner_id=owner_id,
                      owner_kind=owner_kind if owner_id else None,
                      owner_name=name.value if name is not None else None)


# --- owner resolution ----------------------------------------------------------------------


def _one_digit_lost_or_added(read: str, number: str) -> bool:
    """Is ``read`` (a number of the wrong length, so certainly misread) ``number`` with one
    character dropped or one added? Then it is no evidence against ``number``. A reading of
    the right length that differs is another number, and stays a disagreement."""
    if abs(len(read) - len(number)) != 1:
        return False
    longer, shorter = (read, number) if len(read) > len(number) else (number, read)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def _misread_of(own: FieldValue, number: str, extraction: Extraction) -> bool:
    """Is the document's own ID reading a misread of the receipt's ``number``? Only when the
    reading fails its own checks (a province that does not exist, a birth year that is not the
    printed one), differs from ``number`` in at most two digits, and ``number`` agrees with
    the birth date and sex the document prints. A valid reading is another person's number."""
    read = own.value or ""
    if not own.flag or len(read) != len(number) or not number.isdigit():
        return False
    if sum(a != b for a, b in zip(read, number, strict=True)) > 2:
        return False
    born = _field_date_value(extraction, "date_of_birth")
    sex = extraction.fields.get("sex")
    female = None if sex is None or not sex.value else fold(sex.value) == "nu"
    return not citizen_id_problems(number, born, female)


def _field_date_value(extraction: Extraction, key: str) -> date | None:
    value = extraction.fields.get(key)
    try:
        return date.fromisoformat(value.value) if value is not None and value.value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class OwnerDecision:
    """Whose document this is, where that came from, and whether a person must confirm it."""

    owner_id: str | None
    owner_kind: str | None
    owner_name: str | None
    source: str  # "document" | "dossier" | "none"
    needs_review: bool
    reason: str | None = None


def resolve_owner(doc_type: str, extraction: Extraction, receipt: Extraction | None = None,
                  registry: Registry | None = None) -> OwnerDecision:
    """The owner from the document's own confident fields, else from the dossier's receipt
    (which names the applicant), else nobody and a person looks.

    A document that names someone else confidently keeps its own owner (a dossier also holds
    papers of spouses, parents, the other party of an authorization). A document whose own,
    unconfirmed reading disagrees with the receipt goes to review rather than to either.
    """
    spec = (registry or load_registry()).get(doc_type)
    if spec.owner_shared:
        named = [v for key in ("id_number", "related_id_numbers")
                 if (fv := extraction.fields.get(key)) is not None and fv.value and not fv.flag
                 for v in fv.value.split(",")]
        if receipt is not None and receipt.owner_id in named:
            return OwnerDecision(receipt.owner_id, "person", receipt.owner_name, "dossier",
                                 needs_review=False)
        return OwnerDecision(None, None, None, "none", needs_review=True,
                             reason="the document names several people and the dossier's "
                             "receipt names none of them")
    if extraction.owner_id:
        return OwnerDecision(extraction.owner_id, extraction.owner_kind, extraction.owner_name,
                             "document", needs_review=False)
    wanted = spec.owner_kind or "person"
    if receipt is not None and receipt.owner_id and (receipt.owner_kind or "person") == wanted:
        own = extraction.fields.get(spec.owner_field or "id_number")
        if own is not None and own.value and own.value != receipt.owner_id \
                and not _one_digit_lost_or_added(own.value, receipt.owner_id) \
                and not _misread_of(own, receipt.owner_id, extraction):
            return OwnerDecision(None, None, None, "none", needs_review=True,
                                 reason=f"the document reads {own.value}, the dossier's receipt "
                                 f"names {receipt.owner_id}")
        confirmed = own is not None and own.value == receipt.owner_id
        return OwnerDecision(receipt.owner_id, receipt.owner_kind or "person",
                             receipt.owner_name, "dossier", needs_review=False,
                             reason=None if confirmed else "owner taken from the dossier's receipt")
    return OwnerDecision(None, None, None, "none", needs_review=True,
                         reason="no owner could be read from the document or its dossier")
