"""The machine-readable zone on the back of a chip citizen ID card (ICAO 9303 TD1, 3 × 30).

Layout on Vietnamese cards::

    IDVNM<9 last digits of the ID><check><12-digit ID><fillers…>
    <birth YYMMDD><check><sex><expiry YYMMDD><check>VNM<fillers…><composite check>
    SURNAME<<GIVEN<NAMES<<<<<<<<<<

OCR text of an MRZ is damaged in known ways: ``<`` comes out as ``«``, ``K``, ``{`` or spaces,
runs of fillers shrink, digits turn into ``O``/``I``/``B``. The parser therefore anchors the fixed
fields from both ends of each line, pads shrunken filler runs back to 30 characters, reads
look-alike letters as digits only where the layout says a digit stands, and then lets the 7-3-1
check digits decide: ``checks_ok`` is true only when every check digit, composite included,
verifies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sohoa.clock import vietnam_today
from sohoa.idcodes import build_td1 as build_td1  # made beside the check digit, read here
from sohoa.idcodes import mrz_check_digit

LINE = 30
_FILLER_LOOKALIKES = "<«‹≪＜{[(‚,"
_TO_DIGIT = str.maketrans({
    "O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "T": "1", "Z": "2", "S": "5",
    "B": "8", "G": "6", "A": "4",
})
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"})
# "IDVNM" as OCR reads it: I as 1, l or T; D as O or 0.
_LINE1 = re.compile(r"[I1LT][DO0][A-Z<]{0,2}VNM|IDV[NM]{1,2}")


@dataclass(frozen=True)
class Mrz:
    document_number: str  # the 9 characters after IDVNM (the last 9 digits of the ID)
    id_number: str  # the 12 digits of the optional data ("" when unreadable)
    birth_date: date | None  # None when the printed digits are not a date
    sex: str  # "M" | "F" | "" (unspecified)
    expiry_date: date | None  # None when not a date (cards without expiry)
    nationality: str
    surname: str
    given_names: str
    checks_ok: bool
    problems: tuple[str, ...]
    lines: tuple[str, str, str] = ("", "", "")  # the three reconstructed 30-character lines
    # The second line was not read at all (no run of digits where the birth date stands: a
    # heavy copy lost it, the name line came next), so the composite check cannot be made,
    # and the first line holds up alone: the document number's check digit verifies and the
    # 12-digit ID repeats those nine digits. A second line read but failing keeps this False.
    number_ok: bool = False


def _clean(line: str) -> str:
    """Upper-case, fillers unified to ``<``, spaces inside the zone read as fillers."""
    s = line.strip().upper()
    for ch in _FILLER_LOOKALIKES:
        s = s.replace(ch, "<")
    # OCR splits the zone at filler runs; a run of spaces there stands for one or more fillers.
    s = re.sub(r"\s+", "<", s)
    return re.sub(r"[^A-Z0-9<]", "", s)


def _fillers_from_k(s: str) -> str:
    """``K`` is the commonest misreading of ``<``; a run of two or more is never a name."""
    return re.sub(r"K{2,}", lambda m: "<" * len(m.group()), s)


def _fit(s: str, head: int, tail: int) -> str:
    """Make ``s`` exactly 30 long, keeping ``head`` leading and ``tail`` trailing characters in
    place and padding or trimming the filler run between them."""
    if len(s) == LINE:
        return s
    if len(s) < LINE:
        middle = s[head:len(s) - tail] if tail else s[head:]
        return s[:head] + middle + "<" * (LINE - len(s)) + (s[len(s) - tail:] if tail else "")
    # Too long: extra fillers (a space read as several); drop fillers from the middle.
    excess = len(s) - LINE
    middle = s[head:len(s) - tail] if tail else s[head:]
    trimmed = middle
    while excess and "<" in trimmed:
        i = trimmed.rfind("<")
        trimmed = trimmed[:i] + trimmed[i + 1:]
        excess -= 1
    if excess:
        return ""
    return s[:head] + trimmed + (s[len(s) - tail:] if tail else "")


def _digits(s: str) -> str:
    return s.translate(_TO_DIGIT)


def _yymmdd(s: str, century: int) -> date | None:
    if not s.isdigit():
        return None
    try:
        return date(century + int(s[:2]), int(s[2:4]), int(s[4:6]))
    except ValueError:
        return None


def _birth_century(yy: str, id_number: str) -> int:
    """The century of a YYMMDD birth date: from the ID number's century digit when it is there,
    otherwise the latest century that does not put the birth in the future."""
    if len(id_number) == 12 and id_number.isdigit():
        return {0: 1900, 2: 2000, 4: 2100}.get(int(id_number[3]) // 2 * 2, 1900)
    this_year = vietnam_today().year % 100
    return 2000 if yy.isdigit() and int(yy) <= this_year else 1900


def _parse(raw1: str, raw2: str, raw3: str) -> Mrz | None:
    problems: list[str] = []
    l1 = _clean(raw1)
    start = _LINE1.search(l1)
    if start is None:
        return None
    l1 = l1[start.start():]
    l1 = "IDVNM" + _fillers_from_k(l1[start.end() - start.start():])
    # 9-character number + check digit + 12 digits are all digits on Vietnamese cards.
    body = _digits(l1[5:27]) + l1[27:]
    l1 = _fit("IDVNM" + body, 27, 0)
    l2 = _clean(raw2).lstrip("<")  # specks before the zone become leading fillers
    l2 = l2[:15].translate(_TO_DIGIT) + _fillers_from_k(l2[15:]) if len(l2) > 15 else l2
    if len(l2) >= 7 and l2[7:8] in "0<":  # sex position: a "0" here is an unspecified "<"
        l2 = l2[:7] + "<" + l2[8:]
    l2 = _fit(l2, 18, 1)
    if l2:
        # Positions 18-28 hold only fillers on Vietnamese cards: any letter there is a misread "<".
        l2 = l2[:18] + re.sub(r"[A-Z]", "<", l2[18:29]) + _digits(l2[29])
    l1 = l1[:27] + re.sub(r"[A-Z]", "<", l1[27:])
    # Names hold letters only: digits there are misread letters ("NG0C").
    l3 = _fillers_from_k(_clean(raw3).lstrip("<")).translate(_TO_LETTER)
    l3 = (l3.rstrip("<") + "<" * LINE)[:LINE] if l3.strip("<") else ""
    if len(l1) != LINE or len(l2) != LINE:
        return None
    if len(l3) != LINE:
        problems.append("the name line could not be read")

    def check(name: str, value: str, digit: str) -> bool:
        try:
            good = digit.isdigit() and mrz_check_digit(value) == int(digit)
        except ValueError:
            good = False
        if not good:
            problems.append(f"{name} check digit does not match")
        return good

    number_checked = check("document number", l1[5:14], l1[14])
    ok = number_checked
    ok &= check("birth date", l2[0:6], l2[6])
    ok &= check("expiry date", l2[8:14], l2[14])
    ok &= check("composite", l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29])

    id_number = l1[15:27] if l1[15:27].isdigit() else ""
    if not id_number:
        problems.append("the 12-digit ID number in the optional data is unreadable")
    elif id_number[3:] != l1[5:14]:
        problems.append("the document number is not the last 9 digits of the ID number")
        ok = False
    birth = _yymmdd(l2[0:6], _birth_century(l2[0:2], id_number))
    if birth is None:
        problems.append("the birth date is not a date")
    expiry = _yymmdd(l2[8:14], 2000)
    nationality = l2[15:18].translate(_TO_LETTER)
    names = l3.rstrip("<").split("<<", 1)
    # Empty parts come from doubled fillers inside a name (a space OCR'd next to a "<").
    surname = " ".join(p for p in names[0].split("<") if p)
    given = " ".join(p for p in names[1].split("<") if p) if len(names) > 1 else ""
    sex = {"M": "M", "F": "F"}.get(l2[7], "")
    return Mrz(
        document_number=l1[5:14],
        id_number=id_number,
        birth_date=birth,
        sex=sex,
        expiry_date=expiry,
        nationality=nationality,
        surname=surname,
        given_names=given,
        checks_ok=bool(ok) and not problems,
        problems=tuple(problems),
        lines=(l1, l2, l3),
        number_ok=(number_checked and bool(id_number) and id_number[3:] == l1[5:14]
                   and sum(ch.isdigit() for ch in _clean(raw2)[:8]) < 5),
    )


def find_mrz(text: str) -> Mrz | None:
    """Locate and parse a TD1 MRZ in OCR text; ``None`` when there is none.

    Blank lines between the three MRZ lines are skipped. When several candidates exist, the first
    whose check digits all verify wins, else the first that parses.
    """
    lines = [ln for ln in text.splitlines() if ln.strip()]
    first: Mrz | None = None
    for i, line in enumerate(lines):
        if not _LINE1.search(_clean(line)):
            continue
        rest = [*lines[i + 1:i + 3], "", ""]
        parsed = _parse(line, rest[0], rest[1])
        if parsed is None:
            continue
        if parsed.checks_ok:
            return parsed
        first = first or parsed
    return first


_MRZ_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<«‹{")


def looks_like_mrz_line(text: str) -> bool:
    """Whether one OCR line is likely a line of a machine-readable zone: long, almost only
    capitals, digits and fillers, with fillers in it."""
    s = "".join(text.split())
    if len(s) < 20:
        return False
    share = sum(ch in _MRZ_CHARS for ch in s) / len(s)
    return share >= 0.85 and (s.count("<") + s.count("«") >= 2 or "VNM" in s)


def best_reading(readings: list[tuple[str, ...]]) -> tuple[str, str, str] | None:
    """The MRZ's three lines from several readings of each (``readings[i]``: the readings of
    line i), when one choice of a reading per line passes every check digit: then they are the
    printed lines (a reading that fails a check is never returned)."""
    if len(readings) != 3:
        return None
    for first in dict.fromkeys(readings[0]):
        for second in dict.fromkeys(readings[1]):
            for third in dict.fromkeys(readings[2]):
                parsed = _parse(first, second, third)
                if parsed is not None and parsed.checks_ok:
                    return parsed.lines
    return None
