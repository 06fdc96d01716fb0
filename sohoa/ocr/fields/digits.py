"""Numbers: OCR digit look-alikes (``O`` for 0, ``B`` for 8 …) corrected only when exactly one
reading validates, and the document number ("Số: 12/QĐ-UBND")."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from rapidfuzz.distance import Levenshtein

from sohoa.ocr.dates import fold_keep_length
from sohoa.ocr.fields.scores import _CORRECTED, _FLAGGED
from sohoa.records import FieldValue
from sohoa.vntext import fold

DIGIT_LOOKALIKES: dict[str, str] = {
    "O": "0", "o": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "l": "1", "|": "1", "i": "1",
    "!": "1", "L": "1", "Z": "27", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6",
    "g": "9", "q": "9", "A": "4", "?": "0123456789",
}


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
                     problems: Callable[[str], str], confidence: float = 0.95) -> FieldValue:
    """Accept, correct (exactly one valid reading of its look-alikes) or flag an OCR'd number.
    The flag says why in Vietnamese; the field's name is put before it by
    ``Extraction.flags`` (once: it is not repeated here)."""
    if raw.isdigit():
        if is_valid(raw):
            return FieldValue(raw, confidence)
        return FieldValue(raw, _FLAGGED, problems(raw))
    readings = _digit_readings(raw)
    if readings is None:
        return FieldValue(raw, _FLAGGED, f"có ký tự không đọc được trong {raw!r}")
    valid = sorted({r for r in readings if is_valid(r)})
    if len(valid) == 1:
        return FieldValue(valid[0], min(confidence, _CORRECTED))
    if not valid:
        return FieldValue(raw, _FLAGGED, f"không cách đọc nào của {raw!r} hợp lệ")
    return FieldValue(raw, _FLAGGED,
                      f"{len(valid)} cách đọc của {raw!r} đều hợp lệ; đối chiếu với giấy")


_NUMBER_VALUE = r"(?P<v>(?:[a-z]{1,3}[\s.]?)?[0-9][0-9a-z]*(?:\s?[/\-.]\s?[0-9a-z]+)*)"
_DOC_NUMBER = re.compile(r"(?<![0-9a-z])so\s*(?:/\s*no\.?)?\s*[:.]\s*" + _NUMBER_VALUE,
                         re.IGNORECASE)
# "Số:" at the start of a line with its vowel misread ("Sẽ:", "Sú:", "S6:"): only before a
# number with a notation or a bare number, and only when no "Số:" was read at all.
_DOC_NUMBER_LOOSE = re.compile(r"^\W{0,2}s[aeiouy6]\s*:\s*" + _NUMBER_VALUE, re.IGNORECASE)


# The number on the title line itself ("QUYẾT ĐỊNH số 1234/QĐ-UBND", tester10 F6): only after
# an upper-case title, and only a number with its notation — "Căn cứ Quyết định số 45/…" in
# running text cites another paper.
_TITLE_NUMBER = re.compile(r"^\W{0,2}(?P<t>[^\W\d_]+(?:\s+[^\W\d_]+){0,5})\s+so\s+"
                           + _NUMBER_VALUE, re.IGNORECASE)


# The kinds of paper whose title may carry the paper's number: the administrative documents of
# Nghị định 30/2020 (Điều 7) and the registry's titles' first words. Any other upper-case line
# before "số" names another paper or a form ("MẪU SỐ 02/ĐK", "PHỤ LỤC SỐ 01/2020", "CĂN CỨ
# NGHỊ ĐỊNH SỐ 30/2020/NĐ-CP": review11b S2), never this one's number.
_TITLE_KINDS = re.compile(
    r"(?:nghi quyet|quyet dinh|chi thi|quy che|quy dinh|thong cao|thong bao|huong dan"
    r"|chuong trinh|ke hoach|phuong an|de an|du an|bao cao|bien ban|to trinh|hop dong"
    r"|cong van|cong dien|ban ghi nho|ban thoa thuan|giay|phieu|thu cong|trich luc|to khai"
    r"|xac nhan|van ban|ban sao|don xin|don dang ky|don de nghi|the can cuoc|can cuoc"
    r"|chung minh)\b")


def document_number(text: str) -> str | None:
    """The number and notation after "Số:" ("123/2024/QĐ-UBND", "297", "DB 659081"), else
    the one on an upper-case title line ("QUYẾT ĐỊNH số 1234/QĐ-UBND")."""
    lines = text.splitlines()
    for pattern in (_DOC_NUMBER, _DOC_NUMBER_LOOSE):
        for line in lines:
            number = _number_after(pattern, line)
            if number:
                return number
    for line in lines:
        m = _TITLE_NUMBER.search(fold_keep_length(line))
        title = line[m.start("t"):m.end("t")] if m else ""
        if m and title == title.upper() and _TITLE_KINDS.match(fold(title)) \
                and (number := _number_after(_TITLE_NUMBER, line)) and "/" in number:
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


def checked_notation(number: str, known: Sequence[str], type_name: str) -> FieldValue:
    """A document number whose notation is checked against the ones its type prints
    (``DocType.notations``): the notation is the first part after the number holding a letter,
    its kind before any "-" ("LLTP" in "4397/2026/LLTP", "QĐ" in "195/QĐ-UBND"). A kind one
    letter from a single known one is read as it ("LLUTP" → "LLTP": tester17 F10, a judicial
    record listed to officers as "4397/2026/LLUTP"); one further off is kept as read and
    flagged, never silently kept. A bare number, or a type with no notation listed, is taken
    as read."""
    confidence = 0.85 if "/" in number else 0.75
    parts = number.split("/")
    at = next((i for i, part in enumerate(parts) if i and any(c.isalpha() for c in part)), None)
    if not known or at is None:
        return FieldValue(number, confidence)
    kind, dash, issuer = parts[at].partition("-")
    if kind.upper() in known:
        return FieldValue(number, confidence)
    near = [k for k in known if Levenshtein.distance(kind.upper(), k) <= 1]
    if len(near) == 1:
        parts[at] = near[0] + dash + issuer
        return FieldValue("/".join(parts), _CORRECTED)
    return FieldValue(number, _FLAGGED, (
        f"ký hiệu “{kind}” không phải ký hiệu của {type_name.lower()} "
        f"({', '.join(known)}): đối chiếu số, ký hiệu với giấy"))
