"""Tables of the certification register (sổ chứng thực bản sao từ bản chính, Decree 23/2015):
one counter per unit and year, and one row per certification number handed out.

A number is allocated inside the transaction that records its certification, against a counter
row that writers take in turn (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
SQLite), so numbers have no gaps and are never handed out twice. Imported by ``models`` so the
metadata always knows these tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sohoa.archive.modelbase import Base, UtcDateTime

# A number's state: being issued (allocated, the copy not yet stored), issued (the signed copy is
# stored), spoiled (số hỏng: allocated, but the copy could not be made; the number stays in the
# register with the reason, never handed out again).
CERT_ISSUING = "issuing"
CERT_ISSUED = "issued"
CERT_SPOILED = "spoiled"


class CertificationCounter(Base):
    """The last certification number handed out in one unit's register for one year."""

    __tablename__ = "certification_counters"

    unit: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Certification(Base):
    """One entry of the register: the copy certified under a number, and by whom."""

    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    book: Mapped[str] = mapped_column(String(32))  # "01/2026-SCT/BS"
    certified_at: Mapped[datetime] = mapped_column(UtcDateTime())
    certified_on: Mapped[date] = mapped_column(Date, index=True)  # local (+07:00) day
    owner_id: Mapped[str | None] = mapped_column(String(32), index=True)
    paper: Mapped[str] = mapped_column(String(256))  # the paper's name (tên giấy tờ)
    doc_type: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer)
    original: Mapped[str] = mapped_column(Text)  # the original: a file name or "document:<id>"
    official: Mapped[str] = mapped_column(String(128))  # người thực hiện chứng thực
    official_title: Mapped[str] = mapped_column(String(128))
    compared_by: Mapped[str] = mapped_column(String(128))  # who compared it with the original
    status: Mapped[str] = mapped_column(String(16))
    document_id: Mapped[str | None] = mapped_column(String(16), unique=True)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("unit", "year", "number"),)
