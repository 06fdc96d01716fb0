"""Dossier codes from QR and Code 128 symbols, at any rotation, on noisy grey and bilevel scans."""

from __future__ import annotations

import pytest
from scan_fixtures import code_sheet, text_page

from sohoa.scanners import DEFAULT_CODE_PATTERN, read_dossier_code

CODE = "H19.22-241105-0042"


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("kind", ["qr", "code128"])
def test_noisy_200dpi_grey(kind: str, rotation: int) -> None:
    sheet = code_sheet(CODE, (kind,), dpi=200, seed=rotation, rotation=rotation, noise=14)
    assert read_dossier_code(sheet) == CODE


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("kind", ["qr", "code128"])
def test_bilevel_with_salt_and_pepper(kind: str, rotation: int) -> None:
    sheet = code_sheet(CODE, (kind,), dpi=200, seed=10 + rotation, rotation=rotation,
                       bilevel=True, salt=0.01)
    assert sheet.mode == "1"
    assert read_dossier_code(sheet) == CODE


def test_300dpi_sheet_with_both_symbols() -> None:
    assert read_dossier_code(code_sheet("T01-250131-9999", dpi=300, seed=3)) == "T01-250131-9999"


@pytest.mark.parametrize("text", [
    "H19.22-241305-0042",  # month 13: not a receipt date
    "H19.22-240230-0042",  # 30 February
    "https://dichvucong.gov.vn/?ma=H19.22-241105-0042",  # contains a code, is not one
    "H19.22-241105-42",  # short sequence
    "8935001234567",
])
def test_codes_that_do_not_match_are_ignored(text: str) -> None:
    assert read_dossier_code(code_sheet(text, ("qr", "code128"), seed=5)) is None


def test_page_without_symbols() -> None:
    assert read_dossier_code(text_page(200, seed=1)) is None


def test_custom_pattern_with_a_date_group() -> None:
    pattern = r"HS(?P<date>\d{6})(?P<seq>\d{5})"
    sheet = code_sheet("HS24110500042", ("qr",), seed=6)
    assert read_dossier_code(sheet, pattern) == "HS24110500042"
    assert read_dossier_code(sheet) is None  # not the default pattern
    assert read_dossier_code(code_sheet("HS24133100042", ("qr",), seed=7), pattern) is None
    assert DEFAULT_CODE_PATTERN.startswith("[A-Z0-9]")
