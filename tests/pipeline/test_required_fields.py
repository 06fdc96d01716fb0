"""A field every paper of its type prints (``required`` in doctypes.toml: the card's issue
date) that was not read sends the paper to a person, saying what to enter (tester16 F15: a card
photocopy whose issue date was not read was stored as sure — its validity comes from the
expiry date printed on its front, so nothing else asked)."""

from __future__ import annotations

from datetime import date

import pytest

from sohoa.doctypes import load_registry, parse_registry
from sohoa.errors import ConfigError
from sohoa.pipeline.analysis import PageAnalysis
from sohoa.pipeline.assemble import PageItem, draft_dossier
from sohoa.records import OcrPage, Page
from sohoa.synth import render_document

INGESTED = date(2026, 12, 7)


def _draft(text: str):
    page = Page(source="cccd.jpg", index=0, source_sha256="0" * 64, data=text.encode(),
                mime="image/jpeg", width=1654, height=2339, dpi=200)
    ocr = OcrPage(page_sha256=page.sha256, rotation=0, skew=0.0, width=1654, height=2339,
                  dpi=200, words=(), text=text, confidence=0.93)
    item = PageItem(page, PageAnalysis(page.sha256, False, None, ocr))
    return draft_dossier([item], None, load_registry(), threshold=0.6, today=INGESTED)[0]


def _card_lines() -> list[str]:
    doc = render_document("citizen_id_card", 7)
    (lines,) = doc.truth.page_lines
    return lines


def _issue_reasons(draft) -> list[str]:
    return [r for r in draft.review_reasons if r.startswith("Ngày cấp: ")]


def test_a_card_with_its_back_read_keeps_its_issue_date_and_asks_nothing_of_it() -> None:
    draft = _draft("\n".join(_card_lines()))
    assert draft.classification.doc_type == "citizen_id_card"
    assert draft.issue_date == date(2023, 4, 16)
    assert not _issue_reasons(draft), draft.review_reasons


def test_a_card_copy_without_its_issue_date_goes_to_review_with_what_to_enter() -> None:
    lines = _card_lines()
    front = lines[:lines.index("Date of expiry") + 1]  # the front alone: no issue date
    draft = _draft("\n".join(front))
    assert draft.classification.doc_type == "citizen_id_card"
    assert draft.owner_id == "075191635511" and draft.issue_date is None
    # The expiry date still gives the validity: only the required field asks for a person.
    assert draft.valid_until == date(2031, 10, 21)
    assert draft.needs_review
    (said,) = _issue_reasons(draft)
    assert "không đọc được" in said and "mặt sau" in said and "nhập ngày cấp" in said, said
    assert draft.extraction.fields["issue_date"].flag  # stored with the field, for the desk


def test_the_issue_date_line_lost_by_ocr_is_asked_for_too() -> None:
    lines = [ln for ln in _card_lines() if not ln.startswith("Ngày, tháng, năm")]
    draft = _draft("\n".join(lines))
    assert draft.issue_date is None and len(_issue_reasons(draft)) == 1


def test_a_refused_issue_date_keeps_its_own_reason_and_is_not_asked_twice() -> None:
    lines = [ln.replace("16/04/2023", "16/04/2093") for ln in _card_lines()]
    (said,) = _issue_reasons(_draft("\n".join(lines)))
    assert "16/04/2093" in said  # possible_issue_date's reason, not the generic one


def test_the_registry_refuses_a_required_field_the_type_does_not_carry() -> None:
    text = ('[[type]]\ncode = "card"\nname = "Thẻ"\ntitles = ["THẺ"]\n'
            'fields = ["id_number"]\nrequired = ["issue_date"]\n'
            '[[type]]\ncode = "other"\nname = "Khác"\ntitles = []\nfields = []\n')
    with pytest.raises(ConfigError, match="required"):
        parse_registry(text)
    assert load_registry().get("citizen_id_card").required == ("issue_date",)
