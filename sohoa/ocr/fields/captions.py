"""Printed captions ("Họ và tên:", "Số định danh cá nhân:" …) found on folded text, exactly or
fuzzily at a line start, and the raw value that follows each (an address runs on until its
province)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from sohoa.doctypes import DocType
from sohoa.idcodes import (
    PROVINCES,
)
from sohoa.ocr.dates import fold_keep_length
from sohoa.ocr.fields.words import _JUNK_EDGE, _words
from sohoa.vntext import fold

# Captions as printed (folded before use). The longest match wins, so "Ngày, tháng, năm sinh"
# is never read as "Ngày, tháng, năm" (the issue date on a card's back).
LABELS: dict[str, tuple[str, ...]] = {
    "full_name": ("họ và tên", "họ, chữ đệm và tên", "họ, chữ đệm, tên", "họ tên", "full name",
                  "họ, chữ đệm, tên vợ", "họ, chữ đệm, tên chồng", "họ và tên người yêu cầu",
                  "họ, chữ đệm, tên người yêu cầu",
                  "tên người yêu cầu", "họ và tên người nộp", "ông/bà", "ông", "bà", "cấp cho",
                  # the declarant's own caption on a letter or an authorization ("Tôi là: …")
                  "tôi là", "tôi tên là"),
    "id_number": ("số định danh cá nhân", "số định danh", "số cccd", "cccd số",
                  "số căn cước công dân", "số căn cước", "số cmnd/cccd", "số cmnd",
                  "giấy tờ tùy thân", "số giấy tờ tùy thân", "số giấy tờ pháp lý của cá nhân",
                  "personal identification number", "số cccd/cmnd", "số thẻ căn cước"),
    "date_of_birth": ("ngày, tháng, năm sinh", "ngày sinh", "sinh ngày", "date of birth"),
    "sex": ("giới tính", "sex"),
    "expiry_date": ("có giá trị đến", "có giá trị đến ngày", "date of expiry",
                    "có giá trị sử dụng đến", "giá trị đến"),
    "enterprise_code": ("mã số doanh nghiệp", "mã số thuế", "mã số chi nhánh"),
    "household_business_code": ("mã số hộ kinh doanh", "mã số đăng ký hộ kinh doanh",
                                "số giấy chứng nhận đăng ký hộ kinh doanh"),
    "enterprise_name": ("tên doanh nghiệp viết bằng tiếng việt", "tên công ty viết bằng tiếng việt",
                        "tên doanh nghiệp", "tên hộ kinh doanh"),
    "dossier_code": ("mã hồ sơ", "mã số hồ sơ", "số hồ sơ", "số biên nhận"),
    "address": ("nơi thường trú", "địa chỉ thường trú", "nơi cư trú", "nơi ở hiện tại",
                "địa chỉ trụ sở chính", "địa chỉ", "place of residence", "thường trú"),
    "place_of_birth": ("nơi sinh", "place of birth"),
    "issue_date": ("ngày cấp", "cấp ngày", "ngày, tháng, năm", "date of issue",
                   "ngày, tháng, năm đăng ký", "ngày đăng ký", "đăng ký lần đầu",
                   "đăng ký thay đổi lần thứ"),
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
_NUMBER_FIELDS = ("id_number", "enterprise_code", "household_business_code", "dossier_code")
_SHORT = 6  # captions shorter than this (folded) need a colon: "Bà:", "Sex:"


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
# A caption's English gloss wrapped onto the next line, as the 2024 card prints its bilingual
# captions in two narrow columns: "Ngày sinh/Date⏎of birth: 02/01/2002", "Nơi cư trú/Place⏎of
# residence:⏎Số 211 …" (tester18 F2: the gloss's tail was taken for the address, and the birth
# date was lost). The gloss is an ASCII word or two after a slash at the line's end, its rest a
# few lower-case ASCII words up to a colon at the next line's start.
_GLOSS_OPEN = re.compile(r"/\s*[A-Za-z][A-Za-z ]{0,20}$")
_GLOSS_REST = re.compile(r"\s*([a-z][A-Za-z ,.]{0,30}?)\s*:")


def joined_glosses(lines: list[str]) -> list[str]:
    """``lines`` with each caption's wrapped English gloss joined back onto its caption's line
    (the value after the gloss's colon with it)."""
    out: list[str] = []
    n = 0
    while n < len(lines):
        line = lines[n]
        rest = _GLOSS_REST.match(lines[n + 1]) if n + 1 < len(lines) \
            and _GLOSS_OPEN.search(line.rstrip()) else None
        if rest is not None:
            out.append(f"{line.rstrip()} {rest[1]}:{lines[n + 1][rest.end():]}")
            n += 2
            continue
        out.append(line)
        n += 1
    return out
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
            if key == "full_name" and _GIVEN_TO.search(folded[:m.start()]):
                key = None  # "Ủy quyền cho bà: …": the attorney, not the paper's person (F15)
            found.append(_Hit(key, n, m.start(), end, fuzzy=False, inline=inline))
            taken = end
        if not any(h.start <= 4 for h in found):
            fuzzy = _fuzzy_label(line, entries)
            # Not when an exact caption stands inside the fuzzy one ("-_6. Nơi cư trú:").
            if fuzzy is not None and not (found and found[0].start < fuzzy[1]):
                found.insert(0, _Hit(fuzzy[0], n, 0, fuzzy[1], fuzzy=True))
        for i, hit in enumerate(found):
            stop = found[i + 1].start if i + 1 < len(found) else len(line)
            end = hit.end
            if hit.field == "full_name" and (more := _caption_goes_on(
                    line[end:stop], closed=line[:end].rstrip().endswith((":", ";")))):
                if _ANOTHER_PERSON.intersection(re.findall(r"\w+", fold(line[end:end + more]))):
                    continue  # another person's caption ("Họ và tên cha:", "… người khai:")
                end += more  # the same person's ("Họ, chữ đệm và tên khai sinh:")
            value = line[end:stop].lstrip(" \t:;,-–").rstrip(" \t:;-–")
            hits.append(_Hit(hit.field, n, hit.start, end, hit.fuzzy, value, hit.inline))
    return hits


# A name caption after these words names the person a power is given to ("Ủy quyền cho bà:",
# "Người được ủy quyền — ông:"), never the one who gives it and owns the paper (tester13 F15:
# the attorney's name was printed beside the principal's number). Folded.
_GIVEN_TO = re.compile(r"uy quyen cho\b|duoc uy quyen|nhan uy quyen")


# Words that make a name caption another person's: "Họ và tên cha/mẹ/vợ/chồng/con:", "… người
# khai:", "… chủ hộ:" (folded).
_ANOTHER_PERSON = frozenset({"nguoi", "cha", "me", "bo", "vo", "chong", "con", "chu", "ong",
                             "ba", "anh", "chi", "em"})


def _caption_goes_on(rest: str, *, closed: bool = False) -> int:
    """How far a caption runs on past the words the registry knows, to its colon: "Họ và tên
    người khai:", "Họ, chữ đệm và tên khai sinh:" — a few lower-case words ending in a colon are
    still the form's caption (a name starts with a capital). The 2024 card prints its caption
    with no colon, its English half after a slash and the name on the next line ("Họ, chữ đệm
    và tên khai sinh/Surname, middle and given name"): words ending the line that way are the
    caption too (tester19 F3: "Khai Sinh" was taken for the card holder's name) — not after a
    caption ``closed`` by its colon, where lower-case words are a name as written ("Ho va tn:
    tran thi bich"). 0 when it does not."""
    if not closed and (gloss := re.match(r"[ \t]*" + _GLOSS_TO_END, rest)):
        return gloss.end()  # "Họ và tên/Full name", the name on the next line
    gloss = _NAME_GLOSS.search(rest) if not closed else None
    if gloss and re.fullmatch(r"[ \t/]*(?:[^\W\d_A-Z][^\W\d_]*[ \t]*){0,3}[ \t/]*",
                              rest[:gloss.start()]):
        # the slash lost to the scan: "… tên khai sinhSurname, middle and given name", "… tên
        # khát xinh Surname, and su" — the caption runs to its English half's last word, the
        # name after it or under it
        return gloss.end()
    ends = ":" if closed else f":|{_GLOSS_TO_END}|$"
    m = re.match(r"[ \t]*((?:[^\W\d_]+[ \t]+){0,3}[^\W\d_]+)[ \t]*(?:" + ends + ")", rest)
    if not m or not m.group(1)[0].islower():
        return 0
    if m.end() == len(rest) and not rest.rstrip().endswith((":", "/")) and "/" not in rest \
            and fold(m.group(1)) not in _CAPTION_TAILS:
        return 0  # lower-case words alone to the line's end are a name written so
    return m.end()


# Words that end a name caption the 2024 card prints with no colon ("Họ, chữ đệm và tên khai
# sinh", the name on the next line), folded.
_CAPTION_TAILS = frozenset({"khai sinh"})
# The English half of a name caption, as bilingual cards print it ("Full name", "Surname, middle
# and given name"), found whatever joins it to the Vietnamese half.
_NAME_GLOSS = re.compile(r"(?i:sur ?name|full ?name|given ?name|middle and)(?:[ ,.]+[a-z]+)*"
                         r"[ \t,.:]*")
# A caption's English half to the end of its line (or to the English caption the table knows,
# read as a caption of its own), its colon optional: "/Full name", "/ Surname, middle and
# given name:", "/ ".
_GLOSS_TO_END = r"/[ \t]*(?:[A-Za-z][A-Za-z ,.]{0,45}:?)?[ \t]*$"


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
    for value, fuzzy, _label in labelled_values(hits, lines, key, wrap=wrap):
        yield value, fuzzy


def labelled_values(hits: list[_Hit], lines: list[str], key: str, *, wrap: bool = False
                    ) -> Iterator[tuple[str, bool, str]]:
    """:func:`_values` with the caption as printed ("Mã số doanh nghiệp")."""
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
            label = lines[hit.line][hit.start:hit.end].strip(" \t:;.,-–")
            yield value, hit.fuzzy, label


def _continues_empty(lines: list[str], index: int, starts: set[int]) -> bool:
    return index < len(lines) and index not in starts and bool(lines[index].strip())
