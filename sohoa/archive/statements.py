"""What the sync targets are told of a stored paper, and when: its ``document.stored`` data as
the catalog holds it now (:func:`stored_event`), whether it waits for a person first
(:func:`held`), and its re-statement after a change (:func:`announce`). Apart from
``documents`` and ``dossiers``, which both use it, so neither imports the other back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, literal_column, select

from sohoa.archive import outbox
from sohoa.archive.models import STATUS_STORED, Document, Dossier, Owner
from sohoa.archive.values import aware, utc_now
from sohoa.reasons import topic as reason_topic
from sohoa.records import UNASSIGNED_PREFIX

# Why a stored paper waits before it fills its dossier's component, gets its code and is told
# to any target (``documents.extra``): ``dossiers.HOLD_SETTLED``, ``HOLD_OWNER``,
# ``HOLD_UNOPENED``. A reviewer's decision (or the dossier's opening) lifts it.
HOLD_KEY = "dossier_hold"
IS_STORED = Document.status == literal_column(f"'{STATUS_STORED}'")


def held(conn: Connection, doc_id: str) -> bool:
    """Does this stored paper wait for a person before any target hears of it? Its owner is
    only proposed (session 12), or it waits for a reviewer about its dossier (``HOLD_KEY``:
    another person's paper, a settled or never-opened dossier's sheet), or it stands in a
    group of no known dossier whose dossier a person is asked for — behind a receipt whose
    code was not read, before a stack's first sheet (tester19 F8: the portal was sent papers
    under "UNASSIGNED-…", a dossier it does not have, before the clerk typed the code)."""
    row = conn.execute(select(Document.owner_id, Document.proposed_owner_id, Document.extra,
                              Document.dossier_code, Document.review_reasons)
                       .where(Document.id == doc_id)).first()
    if row is None:
        return False
    asked = str(row.dossier_code or "").startswith(UNASSIGNED_PREFIX) and any(
        reason_topic(r) == "dossier" for r in row.review_reasons or ())
    return bool((row.proposed_owner_id and not row.owner_id)
                or (row.extra or {}).get(HOLD_KEY) or asked)


def stored_event(conn: Connection, document_id: str) -> dict[str, Any] | None:
    """The ``document.stored`` data of a stored document as the catalog holds it now (what a
    review changed included); None when it is not stored (disposed, absent). The owner's name
    is the catalog's (the identity paper's, or as reviewed)."""
    from sohoa.archive.dossier_models import DossierResult

    doc = conn.execute(
        select(Document.__table__, Owner.name.label("owner_name"),
               Dossier.procedure_code.label("dossier_procedure"))
        .outerjoin(Owner, Owner.id == Document.owner_id)
        .outerjoin(Dossier, Dossier.code == Document.dossier_code)
        .where(Document.id == document_id, IS_STORED)).first()
    if doc is None:
        return None
    result = conn.execute(select(DossierResult.id).where(
        DossierResult.document_id == document_id)).first() is not None
    return outbox.document_stored(
        document_id=doc.id, dossier_code=doc.dossier_code, doc_type=doc.doc_type,
        title=doc.title, owner_id=doc.owner_id,
        owner_name=doc.owner_name if doc.owner_id else None, unit=doc.unit,
        document_number=doc.document_number, issuing_body=doc.issuing_body,
        issue_date=doc.issue_date, valid_until=doc.valid_until, summary=doc.arc_summary,
        page_count=doc.page_count, pdf_sha256=doc.pdf_sha256,
        signature={"level": doc.signature_level, "signer": doc.signer or "",
                   "signed_at": aware(doc.signed_at)} if doc.signature_level else None,
        digitized_at=aware(doc.ingested_at) or utc_now(),
        digitization_code=doc.digitization_code,
        procedure_code=doc.dossier_procedure or (doc.extra or {}).get("procedure_code"),
        is_result=result, extra=doc.extra)


def announce(conn: Connection, document_id: str, *, before: Mapping[str, Any] | None,
             was_held: bool, at: Any) -> bool:
    """After a review changed a document (in the same transaction): send its record again as
    ``document.stored`` when the targets must learn it — a paper held back while its owner was
    only proposed, or its dossier in question (:func:`held`), is announced once that
    is decided (confirmed, corrected, or the review
    ended without one), and one announced before is stated again when what it says changed
    (``before``: :func:`stored_event` read before the change). Targets keep the last record per
    ``document_id``. True when an event was recorded."""
    if held(conn, document_id):
        return False  # still waiting for the person who decides whose (which dossier's) it is
    after = stored_event(conn, document_id)
    if after is None or (not was_held and after == before):
        return False
    outbox.record(conn, outbox.DOCUMENT_STORED, after, dossier_code=after["MaHoSo"],
                  document_id=document_id, at=at)
    return True


