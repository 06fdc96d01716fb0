"""review17: the stranger check ties a paper to the applicant through
``draft.owner_id`` — but a form (application_form: ``proves`` False) that prints no number of its
own *gets* the applicant's number from the receipt (owner.resolve_owner: "a form … is the
applicant's by being there"). Another citizen's form scanned behind this sheet (her receipt
missing) is then tied by the number it was given: filed under the applicant, owner confirmed,
no question — though it names only the other person."""

from __future__ import annotations

from sohoa.doctypes import load_registry
from sohoa.pipeline.assemble import draft_dossier
from sohoa.synth import make_person, render_document
from tests.pipeline.test_pipeline_assemble import _dossier, _item


def test_another_citizens_form_without_a_number_is_asked_about() -> None:
    items, truths = _dossier(11, ["dossier_receipt", "birth_certificate"])
    code = truths[0].fields["dossier_code"]
    applicant = truths[0].owner_id
    other = make_person(77)
    form = render_document("application_form", 77, person=other)
    text = "\n".join(form.truth.page_lines[0]).replace(other.id_number, "")
    assert other.full_name in text and applicant not in text
    drafts = draft_dossier([*items, _item(len(items), text)], code, load_registry(),
                           threshold=0.6)
    [stranger] = [d for d in drafts if d.classification.doc_type == "application_form"]
    assert stranger.owner_id != applicant or stranger.needs_review, (
        stranger.owner_id, stranger.review_reasons)
