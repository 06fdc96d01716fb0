"""Pieces every administrative document shares (Decree 30/2020 layout): the two header blocks,
the place-and-date line, signature blocks with seal and signature, recipients, page footers —
and the way Vietnamese documents write dates and numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sohoa.synth.marks import SEAL_RED, SIGNATURE_BLUE, seal_mask, signature_mask, stamp_ink
from sohoa.synth.sheet import Sheet

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Authority:
    """Who issues a document: the header lines, the place for the date line, the seal."""

    lines: tuple[tuple[str, str], ...]  # left header block: (text, font style)
    place: str  # "Trảng Bom" in "Trảng Bom, ngày 05 tháng 11 năm 2024"
    name: str  # the issuing body as a field value, e.g. "Ủy ban nhân dân huyện Trảng Bom"
    seal_rim: str
    seal_centre: str
    notation: str  # unit's abbreviation in document numbers: "UBND", "STP", "CA"


def vn_date(day: date) -> str:
    """"ngày 05 tháng 11 năm 2024": days under 10 and months under 3 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def dmy(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def number_words(n: int) -> str:
    """Vietnamese reading of 0 ≤ n < 10000, as dates of birth are spelt out on civil papers."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        unit = n % 10
        return "mười" + ("" if unit == 0 else " " + ("lăm" if unit == 5 else _DIGITS[unit]))
    if n < 100:
        tens, unit = divmod(n, 10)
        tail = {0: "", 1: " mốt", 4: " tư", 5: " lăm"}.get(unit, " " + _DIGITS[unit])
        return f"{_DIGITS[tens]} mươi{tail}"
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            return f"{_DIGITS[hundreds]} trăm"
        if rest < 10:
            return f"{_DIGITS[hundreds]} trăm linh {_DIGITS[rest]}"
        return f"{_DIGITS[hundreds]} trăm {number_words(rest)}"
    thousands, rest = divmod(n, 1000)
    if rest == 0:
        return f"{_DIGITS[thousands]} nghìn"
    if rest < 100:
        return f"{_DIGITS[thousands]} nghìn không trăm " + (
            f"linh {_DIGITS[rest]}" if rest < 10 else number_words(rest))
    return f"{_DIGITS[thousands]} nghìn {number_words(rest)}"


def date_in_words(day: date) -> str:
    month = {1: "một", 4: "tư"}.get(day.month, number_words(day.month))
    return f"ngày {number_words(day.day)}, tháng {month}, năm {number_words(day.year)}"


def national_header(sheet: Sheet, authority: Authority | None, y: int, *,
                    number: str | None = None, when: date | None = None,
                    place: str | None = None) -> int:
    """Left: the issuing body (underlined) and "Số: …"; right: national name and motto
    (underlined) and the place-and-date line. Returns the y below the taller column."""
    size = 12.5
    nation_w = sheet.measure(NATION, size, "bold")
    right_cx = sheet.right - nation_w / 2 - sheet.mm(1)
    # The left block may reach into the margin a little, as real letterheads do, and wraps
    # a long unit name rather than running into the national name.
    col_x0 = sheet.left - sheet.mm(12)
    col_x1 = right_cx - nation_w / 2 - sheet.mm(3)
    left_cx = (col_x0 + col_x1) / 2
    left_y = y
    if authority is not None:
        last, last_style = "", "regular"
        for text, style in authority.lines:
            for part in sheet.wrap(text, round(col_x1 - col_x0), size=size, style=style):
                left_y = sheet.write(part, left_cx, left_y, size=size, style=style,
                                     align="center", spacing=1.2)
                last, last_style = part, style
        rule = sheet.measure(last, size, last_style) * 0.45
        sheet.underline(left_cx, left_y + sheet.mm(0.3), rule)
        left_y += sheet.mm(3)
        if number:
            left_y = sheet.write(f"Số: {number}", left_cx, left_y, size=13, align="center")
    right_y = sheet.write(NATION, right_cx, y, size=size, style="bold", align="center",
                          spacing=1.2)
    right_y = sheet.write(MOTTO, right_cx, right_y, size=13.5, style="bold", align="center",
                          spacing=1.2)
    sheet.underline(right_cx, right_y + sheet.mm(0.3), sheet.measure(MOTTO, 13.5, "bold"))
    right_y += sheet.mm(3)
    if when is not None:
        where = place or (authority.place if authority else "")
        line = f"{where}, {vn_date(when)}" if where else vn_date(when).capitalize()
        right_y = sheet.write(line, right_cx, right_y, size=13, style="italic", align="center")
    return max(left_y, right_y) + sheet.mm(6)


def motto_only(sheet: Sheet, y: int) -> int:
    """Forms filled in by citizens carry only the centred national name and motto."""
    cx = (sheet.left + sheet.right) / 2
    y = sheet.write(NATION, cx, y, size=13, style="bold", align="center", spacing=1.2)
    y = sheet.write(MOTTO, cx, y, size=13.5, style="bold", align="center", spacing=1.2)
    sheet.underline(cx, y + sheet.mm(0.3), sheet.measure(MOTTO, 13.5, "bold"))
    return y + sheet.mm(8)


def title(sheet: Sheet, text: str, y: int, *, size: float = 14.5,
          subtitle: str | None = None) -> int:
    cx = (sheet.left + sheet.right) / 2
    lines = sheet.wrap(text, sheet.text_width - sheet.mm(10), size=size, style="bold")
    if len(lines) == 2:
        # Titles break into two lines of similar length, never leaving one word alone.
        words = text.split()
        best = min(range(1, len(words)), key=lambda k: max(
            sheet.measure(" ".join(words[:k]), size, "bold"),
            sheet.measure(" ".join(words[k:]), size, "bold")))
        lines = [" ".join(words[:best]), " ".join(words[best:])]
    for line in lines:
        y = sheet.write(line, cx, y, size=size, style="bold", align="center", spacing=1.25)
    if subtitle:
        y = sheet.write(subtitle, cx, y, size=13.5, style="bold", align="center", spacing=1.25)
    return y + sheet.mm(4)


def signature_block(sheet: Sheet, rng: random.Random, y: int, cx: float, heading: list[str],
                    name: str, *, seal: Authority | None = None,
                    note: str | None = None) -> int:
    """Signer's capacity in bold caps, a note in italics, the signature (blue) with the seal
    (red) over its left third, then the signer's name in bold."""
    for line in heading:
        y = sheet.write(line, cx, y, size=13, style="bold", align="center", spacing=1.2)
    if note:
        y = sheet.write(note, cx, y, size=12, style="italic", align="center", spacing=1.2)
    space = sheet.mm(27)
    sig = signature_mask(sheet, rng)
    sig_left = round(cx - sig.width / 2 + sheet.mm(rng.uniform(-4, 6)))
    sig_top = round(y + (space - sig.height) / 2 + sheet.mm(rng.uniform(-2, 2)))
    if seal is not None:
        stamp = seal_mask(sheet, seal.seal_rim, seal.seal_centre, rng)
        left = round(sig_left - stamp.width * 0.62)
        top = round(y + space / 2 - stamp.height / 2 + sheet.mm(rng.uniform(-2, 2)))
        left = max(0, left)
        stamp_ink(sheet, stamp, left, top, SEAL_RED)
    stamp_ink(sheet, sig, sig_left, sig_top, SIGNATURE_BLUE)
    return sheet.write(name, cx, y + space, size=13.5, style="bold", align="center")


def recipients(sheet: Sheet, y: int, items: list[str]) -> int:
    y = sheet.write("Nơi nhận:", sheet.left, y, size=12, style="bolditalic", spacing=1.2)
    for item in items:
        y = sheet.write(f"- {item}", sheet.left, y, size=11, spacing=1.2)
    return y


def footer(sheet: Sheet, text: str) -> None:
    sheet.write(text, (sheet.left + sheet.right) / 2, sheet.bottom, size=11, align="center")
