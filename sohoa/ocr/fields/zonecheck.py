"""The card's printed number against its machine-readable zone read too damaged to parse.

A chip card prints its holder's 12-digit number twice more in the zone on its back: the last
nine digits as the document number and the whole number after it ("IDVNM176192890 0
048176192890<<7"). A zone whose check digits verify settles the number (``extract._apply_mrz``);
one read too damaged to parse ("1DVM177619289000481776192890<<7": the "N" lost, a "7" doubled)
still holds the number's digits. When the printed number, read as a valid number, is not in
the zone (not even one glyph off) while a valid number one digit from it is, the two copies
disagree on that digit and nothing says which copy was misread: the printed number is kept
but flagged, so it is only proposed, and a dossier's receipt naming that other number
settles it (tester18 t18-1801-11: "…192890" printed, read "…192090", the receipt and the zone
"…192890"; the paper had been left with no owner at all).
"""

from __future__ import annotations

import re
from datetime import date

from sohoa.idcodes import citizen_id_problems
from sohoa.ocr.mrz import looks_like_mrz_line

# A copy of the number in the zone may be this many glyphs off (put in, taken out, changed):
# the zone's own damage.
_ZONE_SLACK = 1
_ZONE_RUN = 12  # the zone's first line holds at least the 12 digits of the number


def zone_digits(lines: list[str]) -> list[str]:
    """The digits of every line of ``lines`` that looks like a line of a machine-readable zone
    and holds at least a number's worth of them. Letters are not read as digits: the zone's
    letters ("IDVNM", the name) would turn into digits that are not the number's."""
    out = []
    for line in lines:
        if not looks_like_mrz_line(line):
            continue
        digits = "".join(ch for ch in line if ch.isdigit())
        if len(digits) >= _ZONE_RUN:
            out.append(digits)
    return out


def _in(number: str, digits: str) -> bool:
    """Is ``number`` printed in ``digits`` at most :data:`_ZONE_SLACK` glyphs off (Sellers'
    approximate substring match: the fewest edits making ``number`` some run of ``digits``)?"""
    prev = [0] * (len(digits) + 1)
    for i, x in enumerate(number, 1):
        cur = [i]
        for j, y in enumerate(digits, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return min(prev) <= _ZONE_SLACK


def zone_rival(number: str, lines: list[str], born: date | None,
               female: bool | None) -> str | None:
    """The one valid number a digit from ``number`` that the card's damaged zone prints while it
    does not print ``number``; None when the zone prints ``number``, holds no number, or more
    than one such rival."""
    if len(number) != 12 or not number.isdigit():
        return None
    zones = zone_digits(lines)
    if not zones or any(_in(number, z) for z in zones):
        return None
    rivals = {c for i in range(12) for d in "0123456789" if d != number[i]
              for c in [number[:i] + d + number[i + 1:]]
              if any(_in(c, z) for z in zones) and not citizen_id_problems(c, born, female)}
    return rivals.pop() if len(rivals) == 1 else None


_BARE = re.compile(r"\W{0,3}(\d{12})\W{0,3}")


def bare_number(lines: list[str], born: date | None, female: bool | None
                ) -> tuple[str, bool] | None:
    """A card's number read on a line of its own, its caption lost ("Số định danh cớ
    nhên/Personodl" above it, or nothing: tester18 t18-1801-16 and -36): the one valid
    12-digit number printed alone on a line, and whether the zone prints it too, exactly
    (then two copies on the card agree). None when there is no such line, or more than one
    number so printed."""
    found = {m[1] for line in lines if (m := _BARE.fullmatch(line.strip()))
             and not citizen_id_problems(m[1], born, female)}
    if len(found) != 1:
        return None
    number = found.pop()
    return number, any(number in z for z in zone_digits(lines))
