"""tester13 F4: the receipts and forms of a dossier went to the portal as valid forever
(``ThoiHanVinhVien: true``) although they prove nothing ("không áp dụng" everywhere else)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sohoa.archive import outbox
from sohoa.doctypes import VALIDITY_UNKNOWN


def _body(doc_type: str, valid_until: date | None) -> dict[str, object]:
    return outbox.document_stored(
        document_id="0" * 16, dossier_code="H19.22-261207-0301", doc_type=doc_type,
        title="X", owner_id="001090012345", owner_name=None, unit="H19.22",
        document_number=None, issuing_body=None, issue_date=None, valid_until=valid_until,
        summary=None, page_count=1, pdf_sha256="9" * 64, signature=None,
        digitized_at=datetime(2026, 12, 7, tzinfo=UTC))


@pytest.mark.parametrize(("doc_type", "valid_until", "forever"), [
    ("marriage_certificate", None, True),   # permanent by its type
    ("application_form", None, False),      # a form proves nothing: not "forever"
    ("dossier_receipt", None, False),
    ("other", None, False),
    ("citizen_id_card", date(2040, 8, 14), False),
    ("citizen_id_card", VALIDITY_UNKNOWN, False),  # no readable date: unknown, not forever
])
def test_only_a_paper_that_proves_something_is_sent_as_valid_forever(
        doc_type: str, valid_until: date | None, forever: bool) -> None:
    assert _body(doc_type, valid_until)["ThoiHanVinhVien"] is forever
