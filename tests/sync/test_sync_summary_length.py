"""review14a N7: a certified copy's marking (~130 characters) was put before the paper's own
summary with no cap, while TT 02/2019 gives Trích yếu 500 characters: the field a portal reads
holds 500 at most, cut at a word with "…", the marking whole at its head."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sohoa.archive import outbox
from sohoa.records import certified_copy_note

LINE = {"number": 12, "book": "01/2026-SCT/BS"}
COPIED = date(2026, 12, 7)


def _summary(summary: str | None) -> str | None:
    body = outbox.document_stored(
        document_id="0" * 16, dossier_code="H19.22-261207-0301", doc_type="birth_certificate",
        title="Giấy khai sinh", owner_id="001090012345", owner_name=None, unit="H19.22",
        document_number=None, issuing_body=None, issue_date=COPIED, valid_until=None,
        summary=summary, page_count=1, pdf_sha256="9" * 64, signature=None,
        digitized_at=datetime(2026, 12, 7, tzinfo=UTC), extra={"certified_copy": LINE})
    return body["TrichYeuNoiDung"]


def test_a_certified_copys_summary_keeps_its_marking_and_fits_the_field() -> None:
    marking = certified_copy_note({"certified_copy": LINE}, COPIED)
    own = " ".join(["Giấy khai sinh cấp lại theo trích lục hộ tịch của phường Trấn Biên"] * 9)
    said = _summary(own)
    assert said is not None and len(said) <= outbox.SUMMARY_CHARS < len(marking) + len(own)
    assert said.startswith(f"{marking}. ") and said.endswith("…")
    assert (f"{marking}. {own}").startswith(said.removesuffix("…"))


def test_a_short_summary_is_sent_whole() -> None:
    marking = certified_copy_note({"certified_copy": LINE}, COPIED)
    assert _summary("Bản chính do UBND phường cấp") == (
        f"{marking}. Bản chính do UBND phường cấp")
    assert _summary(None) == marking
