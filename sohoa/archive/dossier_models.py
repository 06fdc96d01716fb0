"""Tables of the reuse loop: a dossier's status history, its components (how each was
satisfied), the procedure results issued for it, and the counters behind digitization codes.

The dossier itself is the ``dossiers`` table of ``models`` (widened by migration 0006: procedure,
level, channel, applicant, received-at, appointment, current status). Imported by ``models`` so
the metadata always knows these tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sohoa.archive.modelbase import Base, UtcDateTime

# How a component was satisfied (TT 01/2023; the portal's DuocSoHoa / DuocTaiSuDung /
# DuocLayTuKhoDMQG flags): scanned at this desk, an already stored document reused, taken from
# the owner's data store (Kho quản lý dữ liệu điện tử), or not yet.
SATISFIED_DIGITIZED = "digitized"
SATISFIED_REUSED = "reused"
SATISFIED_STORE = "owner_store"
SATISFACTIONS = (SATISFIED_DIGITIZED, SATISFIED_REUSED, SATISFIED_STORE)

DOSSIER_STATUSES = ("queued", "received", "processing", "supplement", "resolved", "returned",
                    "rejected")
CHANNELS = ("counter", "postal", "online")


class DossierStatus(Base):
    """One status change of a dossier, with when it happened and who recorded it."""

    __tablename__ = "dossier_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(ForeignKey("dossiers.code"))
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    # the moment first recorded, when `dossier status … --correct` moved it: a resend of
    # (status, that moment) is the same step, not a new one
    corrected_from: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("dossier_code", "status", "at"),)


class DossierComponent(Base):
    """A component (thành phần hồ sơ) of one dossier, copied from the procedure catalogue when
    the dossier was opened, and how it was satisfied."""

    __tablename__ = "dossier_components"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(ForeignKey("dossiers.code"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(256))
    doc_type: Mapped[str] = mapped_column(String(64))
    required: Mapped[bool] = mapped_column(Boolean)
    satisfied: Mapped[str | None] = mapped_column(String(16))  # see SATISFACTIONS
    document_id: Mapped[str | None] = mapped_column(String(16), index=True)
    satisfied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    satisfied_by: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (UniqueConstraint("dossier_code", "position"),)


class DossierResult(Base):
    """A procedure result (kết quả giải quyết TTHC) issued for a dossier: a stored document."""

    __tablename__ = "dossier_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_code: Mapped[str] = mapped_column(ForeignKey("dossiers.code"), index=True)
    document_id: Mapped[str] = mapped_column(String(16), unique=True)
    result_code: Mapped[str] = mapped_column(String(64))
    born_digital: Mapped[bool] = mapped_column(Boolean)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    issued_on: Mapped[date] = mapped_column(Date, index=True)  # local (+07:00) day
    valid_until: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(128))
    # Set by the exchange with the owner's data store (issue 16) once it confirmed the push.
    pushed_to_store_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DigitizationCounter(Base):
    """The last NN handed out for one digitization-code prefix (TT 01/2023 Điều 10)."""

    __tablename__ = "digitization_counters"

    prefix: Mapped[str] = mapped_column(String(200), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


Index("ix_dossier_components_dossier", DossierComponent.dossier_code)
Index("ix_dossier_status_history_dossier", DossierStatus.dossier_code, DossierStatus.at)
