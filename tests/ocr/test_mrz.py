"""The TD1 MRZ on the back of a chip citizen ID card: layout, 7-3-1 check digits, OCR damage."""

from __future__ import annotations

from datetime import date

import pytest

from sohoa.idcodes import mrz_check_digit
from sohoa.ocr.mrz import build_td1, find_mrz

ID = "075180954281"
LINES = build_td1(ID, date(1980, 2, 4), "F", date(2040, 2, 4), "VO", "MY NGOC CHI")


def _text(lines: tuple[str, str, str] | list[str]) -> str:
    return "\n".join(["Đặc điểm nhân dạng: Sẹo chấm C:1cm dưới trước mép trái",
                      "Ngày, tháng, năm / Date, month, year: 21/12/2021", *lines])


def test_layout_matches_the_card() -> None:
    # The same data the issue describes: IDVNM + last 9 digits + check, then the 12 digits.
    assert LINES == ("IDVNM1809542812075180954281<<<",
                     "8002044F4002046VNM<<<<<<<<<<<4",
                     "VO<<MY<NGOC<CHI<<<<<<<<<<<<<<<")
    assert all(len(line) == 30 for line in LINES)


def test_parses_a_clean_zone() -> None:
    mrz = find_mrz(_text(LINES))
    assert mrz is not None and mrz.checks_ok, mrz
    assert mrz.id_number == ID
    assert mrz.document_number == ID[3:]
    assert mrz.birth_date == date(1980, 2, 4)
    assert mrz.expiry_date == date(2040, 2, 4)
    assert (mrz.sex, mrz.nationality) == ("F", "VNM")
    assert (mrz.surname, mrz.given_names) == ("VO", "MY NGOC CHI")
    assert mrz.problems == ()


def test_birth_century_comes_from_the_id_number() -> None:
    # 05/11/2003, female: century digit 3 -> 2000s, even though "03" alone could be 1903.
    lines = build_td1("079303001234", date(2003, 11, 5), "F", date(2028, 11, 5), "LE", "THI MAI")
    mrz = find_mrz("\n".join(lines))
    assert mrz is not None and mrz.checks_ok
    assert mrz.birth_date == date(2003, 11, 5)


@pytest.mark.parametrize("damage", [
    lambda s: s.replace("<", "«"),  # guillemets
    lambda s: s.replace("<<<", "KKK"),  # K for runs of fillers
    lambda s: s.replace("<<<<", " "),  # fillers read as a space (and the run shrinks)
    lambda s: s.replace("<", "< ", 3),  # stray spaces
])
def test_tolerates_filler_damage(damage) -> None:
    mrz = find_mrz(_text([damage(line) for line in LINES]))
    assert mrz is not None and mrz.checks_ok, mrz
    assert mrz.id_number == ID and mrz.given_names == "MY NGOC CHI"


def test_letters_in_digit_positions_are_read_as_digits() -> None:
    l1 = LINES[0].replace("0", "O")  # every 0 of line 1 read as the letter O
    l2 = LINES[1][:6].replace("0", "O") + LINES[1][6:]
    mrz = find_mrz(_text([l1, l2, LINES[2]]))
    assert mrz is not None and mrz.checks_ok
    assert mrz.id_number == ID and mrz.birth_date == date(1980, 2, 4)


def test_specks_before_the_lines() -> None:
    mrz = find_mrz(f"` {LINES[0]}\n' {LINES[1]}\n\" {LINES[2].replace('O', '0')} s.")
    assert mrz is not None and mrz.checks_ok
    assert (mrz.surname, mrz.given_names) == ("VO", "MY NGOC CHI")


def test_lowercase_and_blank_lines_between() -> None:
    mrz = find_mrz(f"{LINES[0].lower()}\n\n{LINES[1]}\n\n{LINES[2]}\n")
    assert mrz is not None and mrz.checks_ok


@pytest.mark.parametrize(("line", "pos", "problem"), [
    (0, 14, "document number"),
    (1, 6, "birth date"),
    (1, 14, "expiry date"),
    (1, 29, "composite"),
])
def test_broken_check_digits_are_reported(line: int, pos: int, problem: str) -> None:
    lines = list(LINES)
    digit = int(lines[line][pos])
    lines[line] = lines[line][:pos] + str((digit + 1) % 10) + lines[line][pos + 1:]
    mrz = find_mrz(_text(lines))
    assert mrz is not None
    assert not mrz.checks_ok
    assert any(problem in p for p in mrz.problems), mrz.problems


def test_a_misread_digit_breaks_the_checks() -> None:
    # The OCR read 9 instead of 8 in the ID: both the document number and composite fail.
    lines = [LINES[0].replace("180954281", "190954281", 1), LINES[1], LINES[2]]
    mrz = find_mrz(_text(lines))
    assert mrz is not None and not mrz.checks_ok
    assert any("document number" in p for p in mrz.problems)


def test_optional_data_must_agree_with_the_document_number() -> None:
    other = "075180954282"  # a different ID in the optional data, check digits recomputed
    doc = ID[3:]
    l1 = f"IDVNM{doc}{mrz_check_digit(doc)}{other}".ljust(30, "<")
    l2 = LINES[1][:29] + str(mrz_check_digit(l1[5:30] + LINES[1][0:7] + LINES[1][8:15]
                                             + LINES[1][18:29]))
    mrz = find_mrz("\n".join([l1, l2, LINES[2]]))
    assert mrz is not None and not mrz.checks_ok
    assert any("last 9 digits" in p for p in mrz.problems)


def test_no_zone_gives_none() -> None:
    assert find_mrz("CĂN CƯỚC CÔNG DÂN\nSố / No.: 075180954281\nHọ và tên: VÕ MỸ NGỌC CHI") is None
    assert find_mrz("") is None


def test_build_refuses_a_bad_id() -> None:
    with pytest.raises(ValueError):
        build_td1("12345", date(1990, 1, 1), "M", date(2030, 1, 1), "A", "B")
