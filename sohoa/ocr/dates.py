"""Dates as Vietnamese documents print them, read from OCR text and normalized to ``date``.

Forms handled: "ngày 05 tháng 11 năm 2024" (with or without diacritics), "05/11/2024",
"5-11-2024", "05.11.2024", "05 / 11 / 2024". Day comes first, always. Letters that OCR puts in
place of digits inside a date (``O`` for 0, ``l`` for 1 …) are read as the digit, because the date
words around them make the position unambiguous; the result must still be a real calendar date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sohoa.vntext import fold, nfc

# Glyphs Tesseract reads in place of digits. Only used inside a token that a date pattern
# already anchors, so a word like "Số" is never touched.
DIGIT_LOOKALIKES = str.maketrans({
    "O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1", "!": "1",
    "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "g": "9", "q": "9",
    "A": "4",
})
_D = r"[0-9OoDQIl|i!ZzSsBGbgqA]"
_DAY = rf"{_D}{{1,2}}"
_YEAR = rf"{_D}{{4}}"

# "ngày" as OCR reads it, folded: a letter dropped or added, "y" read as "u" or "v" ("ngàu" on
# Bonum and Pagella faces, tester17 F4), "g" as "q" or "s".
NGAY = r"n[gqs][a-z]?[yuv]"
# Word form; the folded text has no diacritics, and OCR may drop a letter of each word.
_WORDS = re.compile(
    rf"{NGAY}\s*[:.]?\s*(?P<d>{_DAY})\s*[,.]?\s*th[a-z]?ng\s*[:.]?\s*(?P<m>{_DAY})\s*[,.]?\s*"
    rf"[nh][a-z]?m\s*[:.]?\s*(?P<y>{_YEAR})(?![0-9])"  # "năm" read as "hăm"
)
# Numeric form: the separators must agree ("05/11-2024" is more likely two things).
_NUMERIC = re.compile(
    rf"(?<![0-9A-Za-z])(?P<d>{_DAY})\s?(?P<sep>[/.\-])\s?(?P<m>{_DAY})\s?(?P=sep)\s?"
    rf"(?P<y>{_YEAR})(?![0-9])"
)
MIN_YEAR = 1900
MAX_YEAR = 2100


@dataclass(frozen=True)
class DateMatch:
    """A date found in a text; ``start``/``end`` index the text as given (NFC)."""

    value: date
    start: int
    end: int
    text: str


def _to_date(day: str, month: str, year: str) -> date | None:
    try:
        d, m, y = (int(s.translate(DIGIT_LOOKALIKES)) for s in (day, month, year))
    except ValueError:
        return None
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMatch]:
    """Every date in ``text``, in order of appearance."""
    text = nfc(text)
    folded = fold_keep_length(text)
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_WORDS, _NUMERIC):
        # The word form is matched case-insensitively on the folded text, digits on the original.
        haystack = folded if pattern is _WORDS else text
        for m in pattern.finditer(haystack):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = _to_date(m["d"], m["m"], m["y"]) if pattern is _NUMERIC else _to_date(
                text[m.start("d"):m.end("d")], text[m.start("m"):m.end("m")],
                text[m.start("y"):m.end("y")],
            )
            if value is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(DateMatch(value, m.start(), m.end(), text[m.start():m.end()]))
    found.sort(key=lambda d: d.start)
    return found


def parse_vn_date(text: str) -> date | None:
    """The first date in ``text`` (ISO ``YYYY-MM-DD`` accepted too), or ``None``."""
    iso = re.search(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)", text)
    matches = find_dates(text)
    if iso and (not matches or iso.start() < matches[0].start):
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            pass
    return matches[0].value if matches else None


def fold_keep_length(text: str) -> str:
    """``vntext.fold`` character by character, so offsets in the result index ``text`` too.

    Characters whose folded form is not a single character are only lower-cased.
    """
    out = []
    for ch in text:
        f = fold(ch)
        out.append(f if len(f) == 1 else ch.lower()[:1] or ch)
    return "".join(out)
