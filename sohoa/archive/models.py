"""The catalog's tables, as SQLAlchemy 2 declarative models.

Portable on purpose: the same models (and the Alembic migrations that mirror them) must run on
SQLite and PostgreSQL, so nothing here uses SQLite-only SQL. Dialect-specific bits are limited to
keyword arguments SQLAlchemy translates per dialect (partial-index predicates).

Text columns hold NFC text. Dates are ``date``; instants are timezone-aware UTC ``datetime``s
stored through :class:`UtcDateTime` so both backends give back the same value.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

# Review rounds, archivists' jobs (retention, holds, disposal, fixity), dossiers and the sync
# outbox keep their tables in their own modules; importing them here puts them on Base, so the
# metadata (and Alembic's comparison with the migrations) always knows them.
from sohoa.archive import (  # noqa: F401
    archivist_models,
    certification_models,
    dossier_models,
    review_models,
    sync_models,
)
from sohoa.archive.modelbase import Base, UtcDateTime

STATUS_STORED = "stored"
STATUS_DISPOSED = "disposed"


class Owner(Base):
    """A citizen (12-digit ID) or an organization (enterprise code) that documents belong to."""

    __tablename__ = "owners"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(16))  # "person" | "organization"
    name: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Dossier(Base):
    """A dossier (hồ sơ) as received at the desk, identified by its dossier code."""

    __tablename__ = "dossiers"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    procedure_code: Mapped[str | None] = mapped_column(String(64))
    receiving_unit: Mapped[str | None] = mapped_column(String(128))
    competent_unit: Mapped[str | None] = mapped_column(String(128))
    received_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The reuse loop (migration 0006): set when the one-stop system opens the dossier (or the
    # scan's receipt tells), NULL for dossiers known only from their scans.
    procedure_name: Mapped[str | None] = mapped_column(String(256))
    unit_level: Mapped[str | None] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(16))  # counter | postal | online
    owner_id: Mapped[str | None] = mapped_column(String(32), index=True)
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    appointment_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(16))
    status_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    opened_by: Mapped[str | None] = mapped_column(String(128))
    # First ticket time and first resolution (resolved or returned), kept with every status
    # change (migration 0012): the KPI report reads them here, not from the history.
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)

    __table_args__ = (
        Index("ix_dossiers_received_date", "received_date", "receiving_unit"),
        # "has the one-stop system opened a dossier at this unit?", asked for every paper a
        # desk stores (dossiers._unopened_at_open_first_desk, tester13 F21): one probe, never
        # a scan of the dossiers (migration 0023)
        Index("ix_dossiers_opened_unit", "receiving_unit",
              sqlite_where=sql_text("received_at IS NOT NULL"),
              postgresql_where=sql_text("received_at IS NOT NULL")),
    )


class Document(Base):
    """One stored document: catalog metadata, blob references, signature summary, archival
    metadata in the TT 02/2019/TT-BNV sense (the ``arc_*`` columns), and its recognized text."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(64), unique=True)
    dossier_code: Mapped[str] = mapped_column(ForeignKey("dossiers.code"), index=True)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("owners.id"))
    # A number read on the paper but not confirmed (its readings disagreed, or the paper's type
    # takes no owner from it): shown to the reviewer as "đề xuất", never the owner. owner_id
    # stays NULL meanwhile, so no listing, reuse, search or event names anybody (migration 0019).
    proposed_owner_id: Mapped[str | None] = mapped_column(String(32))
    unit: Mapped[str | None] = mapped_column(String(128))
    doc_type: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(512))
    document_number: Mapped[str | None] = mapped_column(String(128))
    issuing_body: Mapped[str | None] = mapped_column(String(256))
    issue_date: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)  # NULL = does not expire
    status: Mapped[str] = mapped_column(String(16), default=STATUS_STORED)
    page_count: Mapped[int] = mapped_column(Integer)
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    pdf_size: Mapped[int] = mapped_column(Integer)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    field_flags: Mapped[list[str]] = mapped_column(JSON)
    confidence: Mapped[float] = mapped_column(Float)
    needs_review: Mapped[bool] = mapped_column(Boolean)
    review_reasons: Mapped[list[str]] = mapped_column(JSON)
    signature_level: Mapped[str | None] = mapped_column(String(8))
    signer: Mapped[str | None] = mapped_column(String(256))
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    signer_cert_sha256: Mapped[str | None] = mapped_column(String(64))
    signature_kind: Mapped[str | None] = mapped_column(String(16))  # "agency" | "officer"
    retention: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON)
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # TT 01/2023 Điều 10: <owner ID>.<procedure or result code>.<component>.<NN> (migration 0006)
    digitization_code: Mapped[str | None] = mapped_column(String(200))

    # Archival metadata (Thông tư 02/2019/TT-BNV, Phụ lục I). Vietnamese names in ``comment``.
    arc_type_name: Mapped[str | None] = mapped_column(
        String(256), comment="Tên loại văn bản")
    arc_number: Mapped[str | None] = mapped_column(String(32), comment="Số của văn bản")
    arc_notation: Mapped[str | None] = mapped_column(String(64), comment="Ký hiệu của văn bản")
    arc_date: Mapped[date | None] = mapped_column(Date, comment="Ngày tháng năm văn bản")
    arc_issuer: Mapped[str | None] = mapped_column(String(256), comment="Tên cơ quan ban hành")
    arc_summary: Mapped[str | None] = mapped_column(Text, comment="Trích yếu nội dung")
    arc_language: Mapped[str | None] = mapped_column(String(64), comment="Ngôn ngữ")
    arc_page_count: Mapped[int | None] = mapped_column(Integer, comment="Số lượng trang")
    arc_retention: Mapped[str | None] = mapped_column(String(64), comment="Thời hạn bảo quản")
    arc_access: Mapped[str | None] = mapped_column(String(64), comment="Chế độ sử dụng")
    arc_reliability: Mapped[str | None] = mapped_column(String(64), comment="Mức độ tin cậy")
    arc_physical_state: Mapped[str | None] = mapped_column(
        String(128), comment="Tình trạng vật lý")

    __table_args__ = (
        # Reuse lookups ("what does owner X still hold?") are answered from this index alone:
        # the key columns are the owner, then the answer's order (newest first), so SQLite reads
        # it backwards and a page of the answer costs only that page's entries (PostgreSQL
        # puts NULLs at the other end, so it sorts the owner's entries: top-N, index-only). The
        # trailing columns are everything reuse() returns. Partial on status so disposed
        # tombstones never weigh on it; status is still a column because SQLite counts the
        # index as covering only if every referenced column is in it.
        Index(
            "ix_documents_reuse_newest",
            "owner_id", "status", "issue_date", "id", "doc_type", "valid_until", "title",
            "document_number", "issuing_body", "signature_level", "signer", "needs_review",
            sqlite_where=sql_text("status = 'stored'"),
            postgresql_where=sql_text("status = 'stored'"),
        ),
    )


Index("ix_documents_digitization_code", Document.digitization_code, unique=True)


class DocumentCoOwner(Base):
    """Another person a paper belongs to as much as to its owner (``owner_shared`` types: a
    marriage certificate is each spouse's). ``documents.owner_id`` stays the person it was filed
    for (whose dossier, whose digitization code); each number the paper itself states, read and
    validated, is a row here, so reuse lookups and dossier reuse find it for them too
    (migration 0021)."""

    __tablename__ = "document_co_owners"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class PageRow(Base):
    """Provenance of one page of a stored document."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    position: Mapped[int] = mapped_column(Integer)  # 0-based order inside the document
    source: Mapped[str] = mapped_column(Text)
    source_index: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    side: Mapped[str] = mapped_column(String(8))
    rotation: Mapped[int] = mapped_column(Integer)
    skew: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    blob_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    # the phone photo the page image was flattened from (migration 0016), kept beside it
    original_sha256: Mapped[str | None] = mapped_column(String(64), index=True)

    __table_args__ = (UniqueConstraint("document_id", "position"),)


class PageRescan(Base):
    """A stored paper's sheet scanned again and recognised as that paper (a dossier's receipt,
    ``stages.same_sheet``: the same numbers, the same words): no second document, but the
    image is kept, content-addressed in the blob store, because the match reads the printed
    text only and the sheet is the one most likely to carry new ink — the applicant's signature,
    "đã nhận kết quả ngày …" (review14a S3). One row per distinct image: a rescan that differs
    by a single mark is a version of its own, the same image scanned again is not (migration
    0025). Disposal of the paper takes these images with it; fixity checks them."""

    __tablename__ = "page_rescans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    blob_sha256: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(Text)
    source_index: Mapped[int] = mapped_column(Integer)
    job_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("document_id", "blob_sha256"),)


class Job(Base):
    """One ingest run: what was given, for which unit, and how it ended."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit: Mapped[str | None] = mapped_column(String(128))
    inputs: Mapped[list[str]] = mapped_column(JSON)
    # "running" | "finished" | "interrupted" | "failed" (stopped by an environment error)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    summary: Mapped[dict[str, int] | None] = mapped_column(JSON)
    # "host:pid:start-time" of the process running it in-process (None: queue workers run it)
    runner: Mapped[str | None] = mapped_column(String(160))
    # why a failed job stopped, in Vietnamese (migration 0017)
    reason: Mapped[str | None] = mapped_column(Text)
    # last sign of life of the process running it in-process (jobs.HEARTBEAT_S)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class JobInput(Base):
    """What became of one input file of a job; lets a rerun skip what is already done."""

    __tablename__ = "job_inputs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"))
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))  # jobs.INPUT_STATUSES
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("job_id", "source"),)


class KnownInput(Base):
    """An input file whose every page went into stored documents, none quarantined: the same
    bytes given again are recognized by their SHA-256 before any page is decoded or rendered,
    and come back as these pages (their analyses are in the stage cache)."""

    __tablename__ = "known_inputs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    # [{"sha256", "mime", "width", "height", "dpi", "rendered", "converted", "born_digital"}]
    # in page order
    pages: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    job_id: Mapped[str | None] = mapped_column(String(32))  # the job that finished it
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class QuarantineRow(Base):
    """An input file or page that could not be used, with the reason shown to desk staff."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    page_index: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    dismissed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    dismissed_by: Mapped[str | None] = mapped_column(String(128))
    dismiss_reason: Mapped[str | None] = mapped_column(Text)


class StageCache(Base):
    """A stage's JSON result keyed by the SHA-256 of its input, so a rerun resumes."""

    __tablename__ = "stage_cache"

    stage: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SearchOutbox(Base):
    """Search-index changes written in the same transaction as the catalog change they mirror;
    ``sync_index`` applies them in ``id`` order and then deletes them."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(16))
    op: Mapped[str] = mapped_column(String(8))  # "upsert" | "delete"
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditEntry(Base):
    """One event of the append-only, hash-chained audit log.

    ``at`` and ``detail`` are stored as the exact strings that were hashed, so that verifying
    the chain never depends on how a backend round-trips timestamps or JSON.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(128), index=True)
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's last (seq, hash), updated with every append: deleting entries from the end
    of the log no longer goes unnoticed, and appends serialize on this one row."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class ApiToken(Base):
    """An API token: bound to one user, role and unit; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # public part of the token
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))  # desk | officer | archivist | admin
    unit: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(128))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # ±1 minute


class WebSession(Base):
    """A signed-in browser (the web workplace): kept in the catalog so a restart of ``sohoa
    serve`` signs nobody out. Only the SHA-256 of the session id is kept (a copy of the
    catalog gives no usable cookie), and the session stands for its token by the token's id:
    the token itself is never stored, and a revoked token ends its sessions at once."""

    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_id: Mapped[str] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())  # ±1 minute


class AccessEntry(Base):
    """One read of personal data (the access log): who, when, what, why, how many results.

    A sibling of :class:`AuditEntry` with the same hash chain, in its own table and with its own
    head: reads are the hot path and must not queue behind ingest's audit appends, the entries
    need typed, indexed owner and document columns to answer "who looked at my documents?",
    and the log can be disclosed to a citizen without the rest of the archive's events.
    """

    __tablename__ = "access_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    user: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16))  # "api" | "cli" | "web"
    action: Mapped[str] = mapped_column(String(32))  # "reuse" | "search" | "show" | "pdf"
    purpose: Mapped[str] = mapped_column(String(256))
    owner_id: Mapped[str | None] = mapped_column(String(32), index=True)
    document_id: Mapped[str | None] = mapped_column(String(16), index=True)
    request: Mapped[str] = mapped_column(Text)  # canonical JSON of what was asked
    result_count: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AccessHead(Base):
    """The access log's chain head (last seq and hash), as :class:`AuditHead` is the audit's."""

    __tablename__ = "access_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
