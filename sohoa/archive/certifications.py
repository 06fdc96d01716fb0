"""The certification register (sổ chứng thực bản sao từ bản chính, Decree 23/2015 Art. 13):
one sequence of numbers per unit and year, with no gaps and no number handed out twice, however
many desks certify at once.

A number is allocated inside the transaction that records its certification: the unit's counter
row is created if missing (INSERT … ON CONFLICT DO NOTHING), then read ``FOR UPDATE`` — on
PostgreSQL that row lock makes a second desk wait until the first commits or rolls back; on
SQLite the write transaction (``BEGIN IMMEDIATE``) already excludes every other writer. A
rollback gives the number back with the row, so no gap can open; once committed, the number is
in the register for good: a copy that cannot be finished afterwards is marked spoiled (số hỏng)
with its reason, never reused.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, update

from sohoa.archive import audit as audit_log
from sohoa.archive.catalog import upsert
from sohoa.archive.certification_models import (
    CERT_ISSUED,
    CERT_ISSUING,
    CERT_SPOILED,
    Certification,
    CertificationCounter,
)
from sohoa.archive.values import utc_now
from sohoa.clock import VIETNAM as VN
from sohoa.errors import ConfigError, NotFoundError, WorkflowError
from sohoa.records import CertificationEntry, CertificationRequest
from sohoa.vntext import nfc

if TYPE_CHECKING:
    from sohoa.archive import Archive

BOOK_NUMBER = 1  # one book (quyển) per unit per year: the sequence restarts each year


def book_name(year: int, volume: int = BOOK_NUMBER) -> str:
    """The book's number as the register form writes it: ``01/2026-SCT/BS``."""
    return f"{volume:02d}/{year}-SCT/BS"


def _next_number(conn: Connection, unit: str, year: int) -> int:
    upsert(conn, CertificationCounter.__table__, {"unit": unit, "year": year, "last": 0},
           key=("unit", "year"), update=[])
    counter = CertificationCounter.__table__.c
    last = conn.execute(select(counter.last).where(counter.unit == unit, counter.year == year)
                        .with_for_update()).scalar_one()
    number = int(last) + 1
    conn.execute(update(CertificationCounter).where(
        CertificationCounter.unit == unit, CertificationCounter.year == year).values(last=number))
    return number


def allocate(archive: Archive, request: CertificationRequest, *,
             at: datetime | None = None) -> CertificationEntry:
    """Hand out the unit's next number for ``at``'s year (Viet Nam's calendar) and record the
    certification under it, in one transaction; audited."""
    unit = nfc(request.unit.strip())
    if not unit:
        raise ConfigError("cho biết đơn vị thực hiện chứng thực (--unit)")
    for label, value in (("người thực hiện chứng thực", request.official),
                         ("chức danh", request.official_title),
                         ("người đối chiếu bản chính", request.compared_by),
                         ("tên giấy tờ", request.paper)):
        if not value.strip():
            raise ConfigError(f"thiếu {label}: được ghi vào sổ chứng thực")
    when = (at or utc_now()).astimezone(UTC)
    local = when.astimezone(VN)
    with archive.transaction(write=True) as conn:
        number = _next_number(conn, unit, local.year)
        values: dict[str, Any] = {
            "unit": unit, "year": local.year, "number": number, "book": book_name(local.year),
            "certified_at": when, "certified_on": local.date(),
            "owner_id": nfc(request.owner_id) if request.owner_id else None,
            "paper": nfc(request.paper.strip()), "doc_type": request.doc_type,
            "pages": request.pages, "original": nfc(request.original),
            "official": nfc(request.official.strip()),
            "official_title": nfc(request.official_title.strip()),
            "compared_by": nfc(request.compared_by.strip()), "status": CERT_ISSUING,
            "document_id": None, "note": None}
        new_id = conn.execute(Certification.__table__.insert().values(**values)
                              .returning(Certification.id)).scalar_one()
        audit_log.append(conn, "certification.allocated", actor=values["compared_by"],
                         target=f"certification:{unit}:{number}/{values['book']}", detail={
                             "owner_id": values["owner_id"], "paper": values["paper"],
                             "original": values["original"], "official": values["official"],
                             "official_title": values["official_title"]})
        return _entry({**values, "id": new_id})


def complete(archive: Archive, entry_id: int, document_id: str, *, by: str) -> CertificationEntry:
    """The signed copy is stored: the register's line points at it."""
    with archive.transaction(write=True) as conn:
        row = _row(conn, entry_id)
        if row["status"] == CERT_ISSUED and row["document_id"] == document_id:
            return _entry(row)  # another desk settled it first: the same copy
        if row["status"] != CERT_ISSUING:
            raise WorkflowError(f"số chứng thực {row['number']} đã ở trạng thái "
                                f"{row['status']}; không ghi lại")
        conn.execute(update(Certification).where(Certification.id == entry_id).values(
            status=CERT_ISSUED, document_id=document_id))
        audit_log.append(conn, "certification.issued", actor=nfc(by),
                         target=_target(row), detail={"document_id": document_id})
        return _entry({**row, "status": CERT_ISSUED, "document_id": document_id})


def spoil(archive: Archive, entry_id: int, *, reason: str, by: str) -> CertificationEntry:
    """The copy under this number could not be made: the number stays used (số hỏng)."""
    with archive.transaction(write=True) as conn:
        row = _row(conn, entry_id)
        if row["status"] != CERT_ISSUING:
            return _entry(row)
        conn.execute(update(Certification).where(Certification.id == entry_id).values(
            status=CERT_SPOILED, note=nfc(reason)))
        audit_log.append(conn, "certification.spoiled", actor=nfc(by), target=_target(row),
                         detail={"reason": nfc(reason)})
        return _entry({**row, "status": CERT_SPOILED, "note": nfc(reason)})


def register(archive: Archive, *, unit: str | None = None,
             year: int | None = None) -> list[CertificationEntry]:
    """The register's lines in number order (per unit, per year)."""
    c = Certification.__table__.c
    stmt = select(Certification.__table__)
    if unit:
        stmt = stmt.where(c.unit == nfc(unit))
    if year:
        stmt = stmt.where(c.year == year)
    with archive.transaction(write=False) as conn:
        return [_entry(dict(r)) for r in conn.execute(
            stmt.order_by(c.unit, c.year, c.number)).mappings()]


def issuing(archive: Archive, *, unit: str) -> list[CertificationEntry]:
    """The unit's lines still being issued: a desk at work now, or one that stopped between
    storing its copy and recording it (see ``pipeline/certify.settle``)."""
    c = Certification.__table__.c
    with archive.transaction(write=False) as conn:
        return [_entry(dict(r)) for r in conn.execute(select(Certification.__table__).where(
            c.unit == nfc(unit), c.status == CERT_ISSUING).order_by(c.id)).mappings()]


def find(archive: Archive, *, unit: str, year: int, number: int) -> CertificationEntry:
    c = Certification.__table__.c
    with archive.transaction(write=False) as conn:
        row = conn.execute(select(Certification.__table__).where(
            c.unit == nfc(unit), c.year == year, c.number == number)).mappings().first()
    if row is None:
        raise NotFoundError(f"sổ chứng thực của {unit} năm {year} không có số {number}")
    return _entry(dict(row))


def for_document(archive: Archive, document_id: str) -> CertificationEntry | None:
    c = Certification.__table__.c
    with archive.transaction(write=False) as conn:
        row = conn.execute(select(Certification.__table__).where(
            c.document_id == document_id)).mappings().first()
    return _entry(dict(row)) if row else None


def issuing_units(archive: Archive, *, date_from: date, date_to: date) -> dict[str, int]:
    """Per unit, how many certified copies were issued on the local days [date_from, date_to]:
    what the KPI's ``ELECTRONIC_CERTIFIED_COPY`` counts communes by."""
    c = Certification.__table__.c
    with archive.transaction(write=False) as conn:
        return {unit: int(n) for unit, n in conn.execute(
            select(c.unit, func.count()).where(
                c.status == CERT_ISSUED, c.certified_on >= date_from,
                c.certified_on <= date_to).group_by(c.unit))}


def _row(conn: Connection, entry_id: int) -> dict[str, Any]:
    row = conn.execute(select(Certification.__table__).where(
        Certification.id == entry_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"không có dòng {entry_id} trong sổ chứng thực")
    return dict(row)


def _target(row: dict[str, Any]) -> str:
    return f"certification:{row['unit']}:{row['number']}/{row['book']}"


def _entry(row: dict[str, Any]) -> CertificationEntry:
    at = row["certified_at"]
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return CertificationEntry(
        id=int(row["id"]), unit=row["unit"], year=int(row["year"]), number=int(row["number"]),
        book=row["book"], certified_at=at, certified_on=row["certified_on"],
        owner_id=row["owner_id"], paper=row["paper"], doc_type=row["doc_type"],
        pages=int(row["pages"]), original=row["original"], official=row["official"],
        official_title=row["official_title"], compared_by=row["compared_by"],
        status=row["status"], document_id=row["document_id"], note=row["note"])
