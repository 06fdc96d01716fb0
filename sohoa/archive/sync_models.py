"""The catalog's tables for the exchange with the one-stop system and the national portal: the
outbox of outgoing events, one delivery row per event and target, and the targets seen so far.

Kept beside ``models.py`` on the same declarative ``Base`` (migration ``0009_sync_outbox``), as
``archivist_models`` is.

- ``sync_events`` is written in the transaction of the change it reports (a document stored or
  disposed, a dossier's status…), with the exact JSON body that will be posted, so that every
  retry sends the same bytes (and the same signature) and a crash cannot separate a change from
  its event. ``sequence`` counts the events of one dossier (``ordering_key``) from 1: a receiver
  sees a gap or a reversal at once.
- ``sync_deliveries`` holds what became of an event at one target. Rows are made by the sender
  (``fanned`` marks the events it has spread over the configured targets), not by the writer of
  the event, because the catalog does not know the targets.
- ``sync_targets`` remembers which targets the sender has seen, so that a target added later
  receives the events recorded before it (its first pass fills its rows in).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from sohoa.archive.modelbase import Base, UtcDateTime

DELIVERY_PENDING = "pending"
DELIVERY_RETRYING = "retrying"
DELIVERY_DELIVERED = "delivered"
DELIVERY_DEAD = "dead"
DELIVERY_STATES = (DELIVERY_PENDING, DELIVERY_RETRYING, DELIVERY_DELIVERED, DELIVERY_DEAD)


class SyncEvent(Base):
    """One outgoing event, its body fixed when the change it reports was committed."""

    __tablename__ = "sync_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)  # the Idempotency-Key
    event_type: Mapped[str] = mapped_column(String(40))
    ordering_key: Mapped[str] = mapped_column(String(64))  # the dossier code
    sequence: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[str | None] = mapped_column(String(16), index=True)
    body: Mapped[str] = mapped_column(Text)
    fanned: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("ordering_key", "sequence"),
        # The sender's "what is new" scan reads only events not yet spread over the targets.
        Index("ix_sync_events_unfanned", "id",
              sqlite_where=sql_text("fanned = 0"), postgresql_where=sql_text("fanned = false")),
    )


class SyncDelivery(Base):
    """What became of one event at one target: pending, retrying (with the next attempt),
    delivered, or dead (refused by the receiver, whose answer is kept)."""

    __tablename__ = "sync_deliveries"

    event_id: Mapped[int] = mapped_column(ForeignKey("sync_events.id"), primary_key=True)
    target: Mapped[str] = mapped_column(String(64), primary_key=True)
    ordering_key: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)  # the receiver's HTTP status
    last_error: Mapped[str | None] = mapped_column(Text)
    response: Mapped[str | None] = mapped_column(Text)  # the receiver's answer (dead letters)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        # Claiming: a target's due rows, oldest first.
        Index("ix_sync_deliveries_due", "target", "status", "next_attempt_at"),
        # Per-dossier order: "is an earlier event of this dossier still undelivered here?"
        Index("ix_sync_deliveries_order", "target", "ordering_key", "event_id"),
    )


class SyncTargetRow(Base):
    """A target the sender has spread events over (by its configured name)."""

    __tablename__ = "sync_targets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    events: Mapped[str] = mapped_column(Text)  # the event types it took when first seen
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())
