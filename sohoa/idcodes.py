"""Structure of Vietnamese identification numbers: citizen IDs, enterprise codes, ICAO MRZ.

Pure functions over strings, shared by the generator and by field validation.
"""

from __future__ import annotations

from datetime import date

from sohoa.clock import vietnam_today

# Province / centrally-run city codes, the first three digits of a 12-digit citizen ID number
# (Thông tư 07/2016/TT-BCA, 63 provinces before the 2025 merger).
PROVINCES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

# The 4th digit encodes century of birth and sex: even = male, odd = female.
_CENTURY_BASE = {0: 1900, 2: 2000, 4: 2100, 6: 2200, 8: 2300}

ENTERPRISE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def citizen_id(province: str, birth_year: int, female: bool, serial: int) -> str:
    """Build a 12-digit citizen ID number with the real structure."""
    if province not in PROVINCES:
        raise ValueError(f"unknown province code {province!r}")
    century = (birth_year // 100) * 100
    base = {v: k for k, v in _CENTURY_BASE.items()}.get(century)
    if base is None:
        raise ValueError(f"birth year {birth_year} outside the encodable centuries")
    digit = base + (1 if female else 0)
    return f"{province}{digit}{birth_year % 100:02d}{serial % 1_000_000:06d}"


def citizen_id_problems(number: str, birth_date: date | None = None,
                        female: bool | None = None) -> list[str]:
    """Everything wrong with a citizen ID number, in Vietnamese (a clerk reads it in review);
    an empty list means it is plausible."""
    if len(number) != 12 or not number.isdigit():
        return ["số định danh cá nhân phải có đúng 12 chữ số"]
    problems = []
    if number[:3] not in PROVINCES:
        problems.append(f"mã tỉnh {number[:3]} không tồn tại")
    digit = int(number[3])
    century = _CENTURY_BASE[digit - digit % 2]
    year = century + int(number[4:6])
    if year > vietnam_today().year:
        # The 4th digit says the 2100s (or later): nobody alive was born then, so the digit
        # (or the two after it) was misread, whatever else the number gets right.
        problems.append(f"chữ số thế kỷ/giới tính {digit} và hai chữ số năm {number[4:6]} "
                        f"cho năm sinh {year}, sau hôm nay")
    if birth_date is not None and birth_date.year != year:
        problems.append(f"năm sinh {birth_date.year} không khớp với số ({year})")
    if female is not None and bool(digit % 2) != female:
        problems.append("giới tính không khớp với số")
    return problems


# The 1999 identity card (CMND, 9 digits) starts with the two-digit code of the provincial police
# that issued it; the codes run from 01 (Hà Nội) and 02 (Hồ Chí Minh) to 38 (Cà Mau, Bạc
# Liêu). Nothing else in the number can be checked: no birth year, no sex, no check digit.
CMND_PREFIXES = frozenset(f"{n:02d}" for n in range(1, 39))


def cmnd_problems(number: str) -> list[str]:
    """Everything wrong with a 9-digit identity card (CMND) number; empty when plausible."""
    if len(number) != 9 or not number.isdigit():
        return ["số chứng minh nhân dân (CMND) phải có đúng 9 chữ số"]
    if number[:2] not in CMND_PREFIXES:
        return [f"mã tỉnh {number[:2]} của CMND không tồn tại"]
    return []


def personal_id_problems(number: str, birth_date: date | None = None,
                         female: bool | None = None) -> list[str]:
    """A person's number as a form prints it: the 12-digit personal ID (CCCD, the 2012 CMND,
    số định danh cá nhân) or the old 9-digit CMND."""
    if len(number) == 9:
        return cmnd_problems(number)
    return citizen_id_problems(number, birth_date, female)


def requester_id_problems(number: str) -> list[str]:
    """What is wrong with the number a clerk types for the person or enterprise a paper is
    filed under: a 12-digit personal ID, a 9-digit CMND, or an enterprise code (10 digits, a
    branch 10-3 with or without the dash); empty when plausible."""
    if number.isdigit() and len(number) in (9, 12):
        return personal_id_problems(number)
    code = number[:10] + "-" + number[10:] if number.isdigit() and len(number) == 13 else number
    main, dash, branch = code.partition("-")
    if main.isdigit() and len(main) == 10 and (not dash or (branch.isdigit()
                                                            and len(branch) == 3)):
        if enterprise_code_valid(code):
            return []
        return [f"mã số doanh nghiệp {number} sai chữ số kiểm tra (chữ số thứ 10)"]
    return [f"{number!r} không phải số định danh cá nhân (12 chữ số), số CMND (9 chữ số) hay "
            "mã số doanh nghiệp (10 chữ số, chi nhánh 13 chữ số)"]


def birth_year_of(number: str) -> int | None:
    """The birth year a valid-looking citizen ID number encodes."""
    if len(number) != 12 or not number.isdigit():
        return None
    digit = int(number[3])
    return _CENTURY_BASE[digit - digit % 2] + int(number[4:6])


def enterprise_check_digit(first_nine: str) -> int | None:
    """The 10th digit of an enterprise code, or None when the remainder gives no valid digit."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("an enterprise code starts with 9 digits")
    total = sum(int(d) * w for d, w in zip(first_nine, ENTERPRISE_WEIGHTS, strict=True))
    check = 10 - total % 11
    return check if 0 <= check <= 9 else None


def enterprise_code_valid(code: str) -> bool:
    """``NNNNNNNNNN`` or a branch ``NNNNNNNNNN-NNN`` whose check digit is right."""
    main, _, branch = code.partition("-")
    if len(main) != 10 or not main.isdigit():
        return False
    if branch and (len(branch) != 3 or not branch.isdigit()):
        return False
    return enterprise_check_digit(main[:9]) == int(main[9])


def mrz_check_digit(field: str) -> int:
    """ICAO 9303 check digit: weights 7-3-1, digits as is, A-Z as 10-35, '<' as 0."""
    total = 0
    for i, ch in enumerate(field):
        if ch.isdigit():
            value = int(ch)
        elif "A" <= ch <= "Z":
            value = ord(ch) - 55
        elif ch == "<":
            value = 0
        else:
            raise ValueError(f"character {ch!r} cannot appear in an MRZ")
        total += value * (7, 3, 1)[i % 3]
    return total % 10


def build_td1(id_number: str, birth_date: date, sex: str, expiry_date: date, surname: str,
              given_names: str) -> tuple[str, str, str]:
    """The three 30-character MRZ lines a Vietnamese chip card prints for these data (names
    already without diacritics): what ``sohoa.ocr.mrz.find_mrz`` reads back. Here, beside the
    check digit, so the generators draw cards without importing the recognizer."""
    line = 30
    if len(id_number) != 12 or not id_number.isdigit():
        raise ValueError("a citizen ID number has 12 digits")
    doc = id_number[3:]
    l1 = f"IDVNM{doc}{mrz_check_digit(doc)}{id_number}".ljust(line, "<")
    birth, expiry = birth_date.strftime("%y%m%d"), expiry_date.strftime("%y%m%d")
    l2 = f"{birth}{mrz_check_digit(birth)}{sex or '<'}{expiry}{mrz_check_digit(expiry)}VNM"
    l2 = l2.ljust(line - 1, "<")
    l2 += str(mrz_check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]))
    name = surname.upper().replace(" ", "<") + "<<" + given_names.upper().replace(" ", "<")
    return l1, l2, name[:line].ljust(line, "<")
