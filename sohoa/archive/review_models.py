"""The catalog's review table: every correction and confirmation a person made, with its round.

Kept beside ``models.py`` on the same declarative ``Base`` (migration ``0003_review``). One row
per field a reviewer looked at in a round: a correction (``error`` true, old → new value) or a
confirmation (``error`` false, the value stood). Error rates per field and per operator, the
round a document has reached and the classifier's reviewed training examples are all read from
these rows; the document itself is updated in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sohoa.archive.modelbase import Base, UtcDateTime

ACTIONS = ("correct", "confirm", "accept")


class ReviewEvent(Base):
    """One reviewer decision about one document in one verification round.

    ``action``: ``correct`` (a value was wrong: ``old_value`` → ``new_value``), ``confirm``
    (the value was right as recognized or as set in an earlier round), ``accept`` (the round is
    finished for this document; ``field`` is NULL). ``field`` is a registry field key,
    ``doc_type`` for the type, or ``owner_id``. ``produced_by`` is who produced the value that
    was checked: ``sohoa`` (recognition) in round 1, the earlier round's reviewer after that;
    per-operator error rates are counted against it.
    """

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(16))
    round: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    error: Mapped[bool] = mapped_column(Boolean)
    reviewer: Mapped[str] = mapped_column(String(128))
    produced_by: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_review_events_document_id_round", "document_id", "round"),
        Index("ix_review_events_reviewer", "reviewer"),
    )
