"""Where documents begin inside a dossier's page stream, and the dossier code printed on paper.

A scanned dossier is a run of pages without separators between its documents. A page starts a
new document when it carries what first pages carry: the national header ("CỘNG HÒA XÃ HỘI CHỦ
NGHĨA VIỆT NAM"), a registry title near the top, or a card layout (captions or an MRZ). A page
that says "Trang 2/3" or carries none of these continues the previous document.

The dossier code normally comes from the barcode on the cover sheet (scanners room); the printed
code on a receipt is the fallback read here, tolerant of OCR spacing and look-alike digits.
"""

from __future__ import annotations

import re
from datetime import date

from rapidfuzz import fuzz

from sohoa.vntext import fold

# Agency code (letter + 2 digits, optional ".NN" parts), yymmdd of receipt, sequence number:
# "H19.22-241105-0042". A custom pattern must keep the named groups ``date`` (yymmdd, validated)
# and may rename nothing else; the whole match is the code.
# The agency part is the province's short code ("H19.22") or the whole electronic identifier of
# the receiving body, its levels before the province letter ("000.00.24.H54", QĐ 20/2020/QĐ-TTg);
# the match starts at its first character, never in the middle of one, so two bodies' dossiers
# with the same date and sequence are not filed under one tail (tester16 F10).
# The identifier has all four levels, "ddd.dd.dd.Xdd"; a "." before the letter is refused only
# after a letter or a two-digit level (the tail of a longer code), so a code after a full stop
# ("Mã hồ sơ. H19.22-…", "… năm 2024.\nH19.22-…") is still read and a number closing the line
# before ("Quyển số 01.") is never taken into it (review17 M1).
DEFAULT_DOSSIER_CODE_PATTERN = (
    r"(?<![A-Z0-9])(?<![A-Za-z]\.)(?<!\.\d\d\.)(?:\d{3}\.\d{2}\.\d{2}\.)?"
    r"[A-Z]\d{2}(?:\.\d{1,3}){0,3}-(?P<date>\d{6})-\d{4,6}(?!\d)"
)

NATIONAL_HEADER = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc",
                   "socialist republic of viet nam", "independence freedom happiness")
_CARD_CAPTIONS = ("can cuoc cong dan", "the can cuoc", "citizen identity card", "identity card",
                  "dac diem nhan dang", "personal identification", "ngon tro trai",
                  "left index finger")
# Tesseract reads the slash of "Trang 1/2" as U+2044 FRACTION SLASH or U+2215 DIVISION SLASH
# on some photocopied footers; all three mean "of".
_PAGE_OF = re.compile(
    r"\b(?:trang|page|tr)\s*[:.]?\s*(\d{1,2})\s*(?:[/\u2044\u2215]|tren|of)\s*(\d{1,2})\b")
_PAGE_DASH = re.compile(r"^\s*[-–—]\s*(\d{1,2})\s*[-–—]\s*$")
_NONWORD = re.compile(r"[^0-9a-z]+")
_DIGITISH = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1",
                           "S": "5", "B": "8", "Z": "2"})
_DIGIT_LOOKALIKES = frozenset("OoDQIlSBZ")
_SEPARATOR_SPACES = re.compile(r"\s*([.\-–—])\s*")
_CODE_CANDIDATE = re.compile(r"(?<![0-9A-Za-z|])[0-9A-Z][0-9A-Za-z|.\-–—]{12,40}")
TOP_LINES = 8


def _norm(text: str) -> str:
    return _NONWORD.sub(" ", fold(text)).strip()


def header_span(norm_line: str) -> tuple[int, int] | None:
    """Where the national header or motto sits in a normalized line (folded, punctuation as
    spaces), fuzzily; ``None`` when it is not there. OCR often merges it with the agency name
    printed on the same height in the left column."""
    for mark in NATIONAL_HEADER:
        if len(norm_line) < len(mark) - 4:
            continue
        al = fuzz.partial_ratio_alignment(mark, norm_line, score_cutoff=85)
        if al is not None:
            return al.dest_start, al.dest_end
    return None


def page_number(page_text: str) -> tuple[int, int | None] | None:
    """The page number a page prints ("Trang 2/3" -> (2, 3); "- 2 -" -> (2, None))."""
    lines = [ln for ln in page_text.splitlines() if ln.strip()]
    for line in lines[:3] + lines[-3:]:
        m = _PAGE_OF.search(fold(line))
        if m and 0 < int(m[1]) <= int(m[2]):
            return int(m[1]), int(m[2])
        m = _PAGE_DASH.match(line)
        if m:
            return int(m[1]), None
    return None


def starts_document(page_text: str, titles: tuple[str, ...]) -> bool:
    """Does this page begin a new document rather than continue the previous one?

    ``titles`` are the title patterns to look for near the top: the document-type registry's
    (``Registry.titles()``), handed in by the caller.
    """
    number = page_number(page_text)
    if number is not None:
        return number[0] == 1
    lines = [_norm(ln) for ln in page_text.splitlines() if ln.strip()]
    lines = [ln for ln in lines if ln]
    if not lines:
        return False
    top = lines[:TOP_LINES]
    if any(header_span(ln) for ln in top):
        return True
    whole = " ".join(lines)
    if any(fuzz.partial_ratio(c, whole, score_cutoff=88) for c in _CARD_CAPTIONS):
        return True
    if re.search(r"i[d0]vnm", whole.replace(" ", "")):
        return True
    patterns = {_norm(t) for t in titles if len(_norm(t)) >= 8}
    for ln in top[:6]:
        for p in patterns:
            if len(ln) <= len(p) + 3 and fuzz.ratio(p, ln) >= 85:
                return True
            if len(ln) > len(p) + 3:
                al = fuzz.partial_ratio_alignment(p, ln, score_cutoff=90)
                if al is not None and al.dest_start <= 2:
                    return True
    return False


def _valid_yymmdd(text: str) -> bool:
    try:
        date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return False
    return True


def _digits_undone(token: str) -> str:
    """A code-shaped token with look-alike letters read as the digits they stand for, except
    the agency letter: the first character of the last agency part (before the first dash)
    that opens with a letter no digit looks like ("000.00.24.H54"), else the token's first
    character ("H19.22")."""
    agency, dash, rest = token.partition("-")
    parts = agency.split(".")
    letter = max((n for n, part in enumerate(parts)
                  if part[:1].isalpha() and part[:1] not in _DIGIT_LOOKALIKES), default=0)
    undone = [part[:1] + part[1:].translate(_DIGITISH) if n == letter else part.translate(_DIGITISH)
              for n, part in enumerate(parts)]
    return ".".join(undone) + dash + rest.translate(_DIGITISH)


def find_dossier_code(text: str, pattern: str = DEFAULT_DOSSIER_CODE_PATTERN) -> str | None:
    """The first dossier code printed in ``text`` whose date part is a real date.

    OCR puts spaces around the separators ("H19.22 - 241105 -0042") and letters for digits
    ("24110S"); both are undone before matching, the latter only inside code-shaped tokens.
    """
    regex = re.compile(pattern)
    joined = _SEPARATOR_SPACES.sub(lambda m: "-" if m[1] in "-–—" else ".", text)
    candidates = [joined]
    # look-alike letters undone in place, so the pattern still sees what stands before a code
    candidates.append(_CODE_CANDIDATE.sub(lambda m: _digits_undone(m.group()), joined))
    for haystack in candidates:
        for m in regex.finditer(haystack):
            day = m.groupdict().get("date")
            if day is None or _valid_yymmdd(day):
                return m.group(0)
    return None
