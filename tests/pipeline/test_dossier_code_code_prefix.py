"""review17: the dossier-code pattern of 68ad77b vs what the code before it read."""

from __future__ import annotations

import pytest

from sohoa.doctypes import load_registry
from sohoa.ocr.segment import find_dossier_code
from sohoa.pipeline.assemble import draft_dossier
from sohoa.pipeline.stages import group_dossiers
from tests.pipeline.test_pipeline_assemble import _dossier, _item


@pytest.mark.parametrize("text", [
    "Mã hồ sơ. H19.22-241105-0042",         # the colon read as a full stop
    "Mã hồ sơ.H19.22-241105-0042",
    "Mã hồ sơ:.H19.22-241105-0042",
    "ngày 05 tháng 11 năm 2024.\nH19.22-241105-0042",  # the label lost, a sentence before
])
def test_a_code_after_a_full_stop_is_still_read(text: str) -> None:
    # e79b78a read each of these as H19.22-241105-0042
    assert find_dossier_code(text) == "H19.22-241105-0042"


@pytest.mark.parametrize("text", [
    "Số: 12. H19.22-241105-0042",
    "Quyển số 01.\nH19.22-241105-0042",
    "1. H19.22-241105-0042",
])
def test_a_number_closing_the_line_before_is_not_made_part_of_the_code(text: str) -> None:
    # e79b78a: H19.22-241105-0042; 68ad77b: "12.H19.22-…", "01.H19.22-…", "1.H19.22-…"
    assert find_dossier_code(text) in ("H19.22-241105-0042", None)


def test_a_receipt_behind_its_own_sheet_is_not_filed_under_another_code() -> None:
    """A bare barcode sheet, then its receipt whose code line OCR joined to a number ending
    the line before: the receipt and the papers behind it go under a code nobody issued,
    split from their sheet, and nothing asks a person."""
    items, truths = _dossier(13, ["dossier_receipt", "birth_certificate"])
    code = truths[0].fields["dossier_code"]
    sheet = _item(0, "", code=code)
    pages = [sheet] + [_item(n + 1, it.analysis.ocr.text.replace(
        f"Mã hồ sơ: {code}", f"Quyển số 01.\n{code}").replace(f"Số: {code}", "Số: 42/TN"),
        blank=it.analysis.blank) for n, it in enumerate(items)]
    dossiers = group_dossiers(pages, None)
    assert [c for _, c in dossiers] == [code], [c for _, c in dossiers]


def test_the_wrong_code_is_filed_without_a_question() -> None:
    items, truths = _dossier(13, ["dossier_receipt", "birth_certificate"])
    code = truths[0].fields["dossier_code"]
    pages = [_item(n, it.analysis.ocr.text.replace(f"Mã hồ sơ: {code}", f"Quyển số 01.\n{code}")
                   .replace(f"Số: {code}", "Số: 42/TN"), blank=it.analysis.blank)
             for n, it in enumerate(items)]
    [(members, read)] = group_dossiers(pages, None)
    drafts = draft_dossier(members, read, load_registry(), threshold=0.6)
    assert all(d.dossier_code == code for d in drafts), (
        [d.dossier_code for d in drafts], [d.review_reasons for d in drafts])
