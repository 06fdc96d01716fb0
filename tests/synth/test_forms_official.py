"""The official-form pages (issue 18): every form of the registry's types is drawn, names its
owner as the truth says, and the extractor finds that owner in the page's own text."""

from __future__ import annotations

from sohoa.doctypes import load_registry
from sohoa.ocr.classify import classify
from sohoa.ocr.fields.extract import extract_fields
from sohoa.pipeline.owner import resolve_owner
from sohoa.synth.forms_official import FORMS, available_families, render_form

REGISTRY = load_registry()


def test_every_form_is_drawn_and_its_printed_owner_is_read_from_its_text() -> None:
    assert {"Noto Serif", "DejaVu Serif", "TeX Gyre Termes"} <= set(available_families())
    seen = set()
    for index in range(len(FORMS) * 2):
        page = render_form(index, dpi=100)
        truth = page.truth
        seen.add(truth.form)
        assert page.image.size == (827, 1169)
        text = "\n".join(truth.lines)
        doc_type = classify(text, REGISTRY).doc_type
        assert doc_type == truth.doc_type, truth.form
        fields = extract_fields(doc_type, text, REGISTRY)
        decision = resolve_owner(doc_type, fields, None, registry=REGISTRY)
        assert decision.owner_id == truth.owner_id, truth.form
        if truth.owner_id is not None:
            assert truth.owner_id in text
        if truth.issue_date is not None:  # an extract's: its signer's date, not the register's
            assert fields.fields["issue_date"].value == truth.issue_date.isoformat(), truth.form
    assert len(seen) == len(FORMS) * 2 - 2  # two types have one version only


def test_the_same_index_draws_the_same_page() -> None:
    a, b = render_form(5, dpi=100), render_form(5, dpi=100)
    assert a.truth == b.truth and a.image.tobytes() == b.image.tobytes()


def test_a_card_is_copied_with_its_back_and_its_issue_date_is_read() -> None:
    # owner17 F15: a front alone has no issue date, so every synthetic card went to review.
    # A copy holds both sides on one A4, as a dossier's does; the 2024 card's zone verifies.
    from sohoa.ocr.mrz import find_mrz

    (k,) = [i for i, form in enumerate(FORMS) if form[0] == "citizen_id_card"]
    versions = FORMS[k][2]
    for n in range(len(versions)):
        truth = render_form(k + n * len(FORMS), dpi=100).truth
        text = "\n".join(truth.lines)
        assert truth.issue_date is not None, truth.form
        fields = extract_fields("citizen_id_card", text, REGISTRY).fields
        assert fields["issue_date"].value == truth.issue_date.isoformat(), truth.form
        assert fields["issue_date"].flag is None
        zone = find_mrz(text)
        if truth.form.startswith("Thẻ căn cước"):
            assert zone is not None and zone.checks_ok and zone.id_number == truth.owner_id
        else:
            assert zone is None
