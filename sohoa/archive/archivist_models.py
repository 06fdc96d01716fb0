"""The catalog's tables for archivists' jobs: retention overrides and the events retention is
counted from, legal holds, disposal lists with their items, and fixity runs.

Kept beside ``models.py`` on the same declarative ``Base`` (migration ``0004_archivist``), as
``review_models`` is. Who did what and why is also in the audit log; these rows are the state the
jobs need to resume and the answers the read commands give.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sohoa.archive.modelbase import Base, UtcDateTime

# What a retention period is counted from.
COUNTED_FROM = ("issue", "closing", "death")
# Facts recorded about dossiers and owners that a retention period can be counted from.
EVENTS = {"closed": "dossier", "died": "owner"}
HOLD_SCOPES = ("document", "dossier", "owner")

LIST_PROPOSED = "proposed"
LIST_APPROVED = "approved"
LIST_EXECUTING = "executing"
LIST_EXECUTED = "executed"
LIST_CANCELLED = "cancelled"

ITEM_LISTED = "listed"
ITEM_DISPOSED = "disposed"
ITEM_SKIPPED = "skipped"


class RetentionOverride(Base):
    """A dossier kept longer or shorter than its types say: N years or permanently (``years``
    NULL), counted from the issue date, the dossier's closing or the owner's death."""

    __tablename__ = "retention_overrides"

    dossier_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    years: Mapped[int | None] = mapped_column(Integer)
    counted_from: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(128))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RetentionEvent(Base):
    """A dated fact a retention period may be counted from: a dossier closed, an owner died."""

    __tablename__ = "retention_events"

    subject: Mapped[str] = mapped_column(String(16), primary_key=True)  # "dossier" | "owner"
    subject_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event: Mapped[str] = mapped_column(String(16), primary_key=True)  # "closed" | "died"
    on_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LegalHold(Base):
    """A legal hold on a document, a dossier or every document of an owner. Active while
    ``released_at`` is NULL; released holds stay as history."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(128))
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    released_by: Mapped[str | None] = mapped_column(String(128))
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    release_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_legal_holds_scope_target", "scope", "target"),)


class DisposalList(Base):
    """A numbered list of records past their retention (danh mục tài liệu hết giá trị): proposed
    with an explanatory note, approved by a decision, executed once, with its destruction record
    (biên bản hủy) kept as a blob named by ``record_sha256``."""

    __tablename__ = "disposal_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16))
    as_of: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON)
    proposed_by: Mapped[str] = mapped_column(String(128))
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decision: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(128))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    executed_by: Mapped[str | None] = mapped_column(String(128))
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    executed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    record_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    record_size: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DisposalItem(Base):
    """One document on a disposal list, with what the list said about it (kept after the
    document is gone) and what became of it."""

    __tablename__ = "disposal_items"

    list_id: Mapped[int] = mapped_column(ForeignKey("disposal_lists.id"), primary_key=True)
    document_id: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    doc_type: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(512))
    dossier_code: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[str | None] = mapped_column(String(32))
    unit: Mapped[str | None] = mapped_column(String(128))
    document_number: Mapped[str | None] = mapped_column(String(128))
    issue_date: Mapped[date | None] = mapped_column(Date)
    page_count: Mapped[int] = mapped_column(Integer)
    retention: Mapped[str] = mapped_column(String(64))
    eligible_on: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    blobs: Mapped[list[str] | None] = mapped_column(JSON)
    blobs_removed: Mapped[bool] = mapped_column(Boolean)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class FixityRun(Base):
    """One fixity check; ``cursor`` is the last document id an ``--all`` run finished, so an
    interrupted run resumes after it."""

    __tablename__ = "fixity_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mode: Mapped[str] = mapped_column(String(16))  # "all" | "sample"
    sample: Mapped[int | None] = mapped_column(Integer)
    signatures: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))  # "running" | "finished"
    started_by: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cursor: Mapped[str | None] = mapped_column(String(64))
    counts: Mapped[dict[str, int]] = mapped_column(JSON)


class FixityState(Base):
    """When each document was last checked and how it came out; ``--sample`` takes the
    documents checked longest ago, so repeated samples cover the whole store."""

    __tablename__ = "fixity_state"

    document_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    problem: Mapped[str | None] = mapped_column(Text)
