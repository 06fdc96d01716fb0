"""Outgoing events for the one-stop system and the national portal, recorded in the caller's
transaction (as the search outbox is): the change and its event are committed together or not
at all, so no change goes unreported and no event reports a change that did not happen.

Every event is an envelope with a fixed JSON body::

    {"event_id": "…uuid…", "event_type": "document.stored", "sequence": 3,
     "occurred_at": "2026-12-06T02:50:00.123456Z", "MaHoSo": "H19.22-241105-0042",
     "data": {…}}

``event_id`` is the ``Idempotency-Key`` of every attempt; ``sequence`` counts the events of one
dossier from 1 (a receiver that sees ``sequence`` go backwards or skip knows something is
wrong); ``data`` uses the field names of the portal and of provincial one-stop systems
(``MaHoSo``, ``MaGiayTo``, ``MaDinhDanh``, ``SoKyHieu``…) where they have one. The JSON Schema
of each event is in ``sohoa/api/sync_contract.py`` (and ``docs/sync-events.schema.json``).

``document.stored`` is the paper's whole record: sent when it is stored — except while its owner
is only proposed, when the review that decides sends it — and again when a review changes
what it says (``statements.announce``); receivers keep the last one per ``document_id``.

Functions take an open connection; the caller owns the transaction.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from sohoa.archive.catalog import xact_lock
from sohoa.archive.sync_models import SyncEvent
from sohoa.archive.values import utc_now, validity_iso
from sohoa.doctypes import load_registry
from sohoa.records import certified_copy_note
from sohoa.vntext import clipped

DOCUMENT_STORED = "document.stored"
DOCUMENT_DISPOSED = "document.disposed"
DOCUMENT_REUSED = "document.reused"
DOSSIER_STATUS = "dossier.status_changed"
DOSSIER_STATUS_CORRECTED = "dossier.status_corrected"
RESULT_ISSUED = "result.issued"
EVENT_TYPES = (DOCUMENT_STORED, DOCUMENT_DISPOSED, DOCUMENT_REUSED, DOSSIER_STATUS,
               DOSSIER_STATUS_CORRECTED, RESULT_ISSUED)


def _instant(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def body_json(envelope: Mapping[str, Any]) -> str:
    """The canonical text of a body: the bytes posted, signed and kept are this text."""
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=_plain)


# Built once: statement construction would otherwise be most of an event's CPU (it is written
# inside reuse decisions that must answer in milliseconds).
_LAST_SEQUENCE = select(func.max(SyncEvent.sequence)).where(
    SyncEvent.ordering_key == bindparam("key"))
_INSERT = SyncEvent.__table__.insert()


def record(conn: Connection, event_type: str, data: Mapping[str, Any], *, dossier_code: str,
           document_id: str | None = None, at: datetime | None = None) -> int:
    """Add one outgoing event to the outbox inside the caller's transaction; return its row id.

    Events of one dossier are numbered in commit order: on PostgreSQL a transaction-level lock
    per dossier makes a second writer wait for the first one's commit before it numbers its
    event (SQLite has one writer at a time anyway), so a later change can never be sent before
    an earlier one of the same dossier."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown sync event type {event_type!r}")
    xact_lock(conn, f"sync-order:{dossier_code}")
    last = conn.execute(_LAST_SEQUENCE, {"key": dossier_code}).scalar_one_or_none()
    sequence = int(last or 0) + 1
    now = at or utc_now()
    event_id = str(uuid.uuid4())
    body = body_json({
        "event_id": event_id, "event_type": event_type, "sequence": sequence,
        "occurred_at": _instant(now), "MaHoSo": dossier_code, "data": dict(data),
    })
    result = conn.execute(_INSERT, {
        "event_id": event_id, "event_type": event_type, "ordering_key": dossier_code,
        "sequence": sequence, "document_id": document_id, "body": body, "fanned": False,
        "created_at": now})
    return int(result.inserted_primary_key[0])


# --- the data of each event ------------------------------------------------------------------


# TT 02/2019/TT-BNV, "Trích yếu nội dung": String 500 (research notes vn-requirements §(d))
SUMMARY_CHARS = 500


def document_stored(*, document_id: str, dossier_code: str, doc_type: str, title: str,
                    owner_id: str | None, owner_name: str | None, unit: str | None,
                    document_number: str | None, issuing_body: str | None,
                    issue_date: date | None, valid_until: date | None, summary: str | None,
                    page_count: int, pdf_sha256: str, signature: Mapping[str, Any] | None,
                    digitized_at: datetime, digitization_code: str | None = None,
                    procedure_code: str | None = None, is_result: bool = False,
                    extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A digitized paper (TT 01/2023 Điều 9–10 metadata), with the names provincial one-stop
    systems give them (``GiayToSoHoa``): Ma, MaGiayTo, MaDinhDanh, ChuGiayTo, Ten, SoKyHieu,
    NgayBanHanh, CoQuanBanHanh, TrichYeuNoiDung, ThoiHanHieuLuc, LoaiSoHoa (0 component,
    1 result). A certified copy says so in TrichYeuNoiDung, the one field of the record that
    can carry it (tester13 F19: its number and day, before any summary of its own). The field
    holds SUMMARY_CHARS at most (TT 02/2019's Trích yếu, String 500): a longer one is cut at a
    word with "…", the marking kept whole at its head (review14a N7)."""
    marked = certified_copy_note(extra, issue_date)
    if marked:
        summary = f"{marked}. {summary}" if summary else marked
    if summary:
        summary = clipped(summary, SUMMARY_CHARS)
    return {
        "Ma": digitization_code,
        "MaHoSo": dossier_code,
        "MaTTHC": procedure_code,
        "MaGiayTo": doc_type,
        "Ten": title,
        "MaDinhDanh": owner_id,
        "ChuGiayTo": owner_name,
        "SoKyHieu": document_number,
        "NgayBanHanh": issue_date,
        "CoQuanBanHanh": issuing_body,
        "TrichYeuNoiDung": summary,
        # Unknown validity (no readable date) is null, not year 1; it is not permanent either.
        "ThoiHanHieuLuc": validity_iso(valid_until),
        # Permanent only for a paper that proves something: a form or a receipt (validity
        # "none") states no validity at all, it is not valid forever (tester13 F4).
        "ThoiHanVinhVien": valid_until is None and load_registry().proves(doc_type),
        "LoaiSoHoa": 1 if is_result else 0,
        "DonVi": unit,
        "SoTrang": page_count,
        "ThoiGianSoHoa": digitized_at,
        "document_id": document_id,
        "pdf_sha256": pdf_sha256,
        "signature": dict(signature) if signature else None,
    }


def document_disposed(*, document_id: str, dossier_code: str, owner_id: str | None,
                      doc_type: str, list_id: int, decision: str,
                      digitization_code: str | None = None) -> dict[str, Any]:
    """A document destroyed under an approved disposal list: every store holding a copy deletes
    it (the decision is the legal ground, "Quyết định số …")."""
    return {
        "Ma": digitization_code,
        "MaHoSo": dossier_code,
        "MaGiayTo": doc_type,
        "MaDinhDanh": owner_id,
        "document_id": document_id,
        "disposal_list": list_id,
        "QuyetDinhHuy": decision,
    }


# --- dossier events (the reuse loop: sohoa.archive.dossiers calls these in its transactions) --


def _iso_day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def dossier_status_changed(conn: Connection, code: str, status: str, previous: str | None,
                           at: datetime) -> int:
    """The dossier entered ``status`` at ``at`` (opening records "received")."""
    from sohoa.archive.models import Dossier

    d = conn.execute(select(Dossier.procedure_code, Dossier.received_at,
                            Dossier.appointment_date, Dossier.receiving_unit, Dossier.channel,
                            Dossier.owner_id).where(Dossier.code == code)).first()
    data = {"MaHoSo": code, "MaTTHC": d.procedure_code if d else None,
            "TrangThaiHoSo": status, "TrangThaiTruoc": previous, "ThoiGian": at,
            "NgayTiepNhan": d.received_at if d else None,
            "NgayHenTra": _iso_day(d.appointment_date) if d else None,
            "DonVi": d.receiving_unit if d else None, "KenhThucHien": d.channel if d else None,
            "MaDinhDanh": d.owner_id if d else None}
    return record(conn, DOSSIER_STATUS, data, dossier_code=code)


def dossier_status_corrected(conn: Connection, code: str, status: str, old: datetime,
                             at: datetime, reason: str) -> int:
    """The moment of the dossier's recorded ``status`` step was mistyped and is now ``at``
    (it was ``old``): the receiver replaces that step's moment, it does not add a step."""
    from sohoa.archive.models import Dossier

    procedure = conn.execute(select(Dossier.procedure_code).where(Dossier.code == code)
                             ).scalar_one_or_none()
    data = {"MaHoSo": code, "MaTTHC": procedure, "TrangThaiHoSo": status, "ThoiGianCu": old,
            "ThoiGian": at, "LyDo": reason}
    return record(conn, DOSSIER_STATUS_CORRECTED, data, dossier_code=code)


def document_reused(conn: Connection, code: str, document_id: str, *,
                    component_code: str | None, component_name: str | None, by: str,
                    from_store: bool, at: datetime, digitization_code: str | None,
                    owner_id: str | None) -> int:
    """A stored document satisfied a component of dossier ``code`` instead of a new paper
    (the caller has just read the document's code and owner)."""
    from sohoa.archive.dossier_models import DossierResult

    was_result = conn.execute(select(DossierResult.id).where(
        DossierResult.document_id == document_id)).first() is not None
    data = {"MaHoSo": code, "MaThanhPhanHoSo": component_code,
            "TenThanhPhanHoSo": component_name, "DuocTaiSuDung": 2 if was_result else 1,
            "DuocLayTuKhoDMQG": 1 if from_store else 0,
            "Ma": digitization_code, "MaDinhDanh": owner_id, "document_id": document_id,
            "NguoiThucHien": by, "ThoiGian": at}
    return record(conn, DOCUMENT_REUSED, data, dossier_code=code, document_id=document_id)


def result_issued(conn: Connection, code: str, document_id: str, *, result_code: str,
                  at: datetime) -> int:
    """The procedure's result, stored and signed, for the portal and the owner's store.

    A result that is several people's (``owner_shared``: a marriage certificate is each
    spouse's) is announced once per person, owner first, each event naming one of them in
    ``MaDinhDanh``: a citizen-store connector files each in that person's store as it files
    any result, and the portal sees the same ``document_id`` again. Returns the first
    event's id."""
    from sohoa.archive.models import Document, DocumentCoOwner, Dossier

    doc = conn.execute(select(Document).where(Document.id == document_id)).mappings().first()
    procedure = conn.execute(select(Dossier.procedure_code)
                             .where(Dossier.code == code)).scalar_one_or_none()
    if doc is None:
        raise ValueError(f"document {document_id} is not in the catalog")
    signature = ({"level": doc["signature_level"], "signer": doc["signer"] or "",
                  "signed_at": doc["signed_at"]} if doc["signature_level"] else None)
    data = {"MaHoSo": code, "MaTTHC": procedure, "Ma": doc["digitization_code"],
            "MaGiayToKetQua": result_code, "TenGiayTo": doc["title"],
            "SoKyHieu": doc["document_number"], "NgayBanHanh": doc["issue_date"],
            "CoQuanBanHanh": doc["issuing_body"],
            "ThoiHanHieuLuc": validity_iso(doc["valid_until"]),
            "MaDinhDanh": doc["owner_id"], "document_id": document_id,
            "pdf_sha256": doc["pdf_sha256"], "signature": signature}
    first = record(conn, RESULT_ISSUED, data, dossier_code=code, document_id=document_id,
                   at=at)
    for other in conn.execute(select(DocumentCoOwner.owner_id).where(
            DocumentCoOwner.document_id == document_id).order_by(DocumentCoOwner.owner_id)
                              ).scalars():
        record(conn, RESULT_ISSUED, {**data, "MaDinhDanh": other}, dossier_code=code,
               document_id=document_id, at=at)
    return first
