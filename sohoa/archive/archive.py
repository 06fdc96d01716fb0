"""The archive: one object over the catalog, the blob store and the search index.

Write path invariants (what makes ingest crash-safe and idempotent):
1. blobs first, catalog second: a document row never points at a blob that is not durably there;
   a crash in between leaves only unreferenced blobs (harmless; content-addressed, so re-storing
   reuses them);
2. the document, its pages, owner, dossier, search-outbox row and audit event are written in ONE
   catalog transaction: all of it exists or none of it does;
3. the search index is derived data: it is brought in step from the outbox by ``sync_index`` and
   can be rebuilt from the catalog at any time.

This module holds transactions and error translation; the SQL lives in ``documents``, ``jobs``
and ``audit``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import TracebackType
from typing import Any, cast

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from sohoa.archive import access as access_log
from sohoa.archive import audit as audit_log
from sohoa.archive import documents, faults, tokens, websessions
from sohoa.archive import jobs as job_state
from sohoa.archive.blobs import BlobStore
from sohoa.archive.blobstores import check_blob_url, open_blob_store
from sohoa.archive.catalog import (
    dossier_locks,
    exclusive,
    make_engines,
    migrate,
    safe_url,
    upsert,
)
from sohoa.archive.dossiers import DEFAULT_CODE_FORMAT
from sohoa.archive.indexes import check_search_url, open_index
from sohoa.archive.models import (
    STATUS_DISPOSED,
    STATUS_STORED,
    Document,
    Dossier,
    Owner,
    PageRescan,
    PageRow,
    QuarantineRow,
    SearchOutbox,
    StageCache,
)
from sohoa.archive.policy import Caller
from sohoa.archive.s3blobs import S3Options
from sohoa.archive.search import SearchIndex
from sohoa.archive.unreachable import (
    BLOBS,
    NOT_OPENED,
    SEARCH,
    IndexLost,
    IndexUnavailable,
    Unreachable,
)
from sohoa.archive.values import SYSTEM_ACTOR, nfc_opt, utc_now
from sohoa.clock import shown_date, vietnam_today
from sohoa.errors import (
    DestroyedError,
    NotFoundError,
    SohoaError,
    StorageError,
    VerificationError,
    said_of,
)
from sohoa.records import DocumentRecord, Quarantined, sha256_hex
from sohoa.vntext import nfc

_SYNC_BATCH = 500
INDEX_RETRY_S = 10.0  # an index that did not answer is tried again at most this often
# what a clerk reads for a document that is no longer stored
_GONE = {STATUS_DISPOSED: "đã bị tiêu hủy"}


def destroyed(document_id: str, extra: Mapping[str, Any] | None) -> DestroyedError:
    """What a clerk reads (and --json carries) for a paper destroyed under a disposal decision:
    that it was destroyed, the day, the decision and the list whose signed destruction record
    tells the rest. Not "no such id": the catalog still knows the paper, and saying so keeps a
    clerk from hunting for a mistyped code."""
    gone = dict((extra or {}).get("disposal") or {})
    list_id, decision, at = gone.get("list"), gone.get("decision"), gone.get("at")
    record = (f"danh mục tiêu hủy số {list_id}; biên bản hủy: sohoa disposal record {list_id} "
              "-o bien-ban-huy.pdf") if list_id is not None else "không rõ danh mục tiêu hủy"
    said = f" ngày {shown_date(at)}" if at else ""
    under = f" theo {decision}" if decision else " theo quyết định hủy"
    return DestroyedError(
        f"giấy tờ {document_id} đã bị tiêu hủy{said}{under} ({record}); bản PDF của nó "
        "không còn được lưu giữ",
        {"document_id": document_id, "status": STATUS_DISPOSED, "destroyed_at": at,
         "disposal_list": list_id, "decision": decision})


@dataclass
class _AccessTicket:
    caller: Caller
    action: str
    purpose: str
    reads: Sequence[access_log.Read]
    seqs: list[int] = field(default_factory=list)
    done: bool = False
    error: BaseException | None = None


class Archive:
    """Catalog + blob store + search index, selected by URL (see :meth:`open`)."""

    def __init__(self, writer: Engine, reader: Engine, blobs: BlobStore,
                 index: SearchIndex) -> None:
        self._writer = writer
        self._reader = reader
        self.blobs = blobs
        self.index = index
        # Whom the ingest events (job started/finished/failed, document stored, input
        # quarantined) name: the person who ran the ingest when the pipeline knows them
        # (SOHOA_USER, else the OS user, as every other audited command), else sohoa itself.
        # A queue worker's one archive serves several people's jobs at once, one per thread:
        # acting_as names the job's runner for its thread only.
        self._acting = threading.local()
        self.actor = SYSTEM_ACTOR
        self._index_lock = threading.Lock()
        # One writer at a time inside this process: SQLite would make the others wait in its
        # busy handler, which sleeps in growing steps (up to 100 ms) and wrecks tail latency.
        self._write_lock = threading.Lock()
        self._access_queue: list[_AccessTicket] = []
        # TT 01/2023 Điều 10 code of every stored paper (setting dossiers.code_format).
        self.digitization_format = DEFAULT_CODE_FORMAT
        self._access_queue_lock = threading.Lock()
        # the families put aside at the opening (``open(optional=…)``) → why, for status
        self.unavailable: dict[str, str] = {}
        self._search_url = ""
        self._index_retry_at = 0.0

    @classmethod
    def open(cls, db_url: str, blobs_url: str, search_url: str, *,
             s3: S3Options | None = None, busy_timeout_s: float | None = None,
             optional: Collection[str] = (SEARCH,), skip: Collection[str] = ()) -> Archive:
        """Open (creating and migrating as needed) the archive named by three URLs:
        ``sqlite:////abs/catalog.db`` or ``postgresql+psycopg://…``, ``file:///abs/blobs`` or
        ``s3://bucket/prefix`` (reached with ``s3``), ``tantivy:///abs/index`` or
        ``http://host:9200`` (Elasticsearch).

        ``optional``: the families (``unreachable.BLOBS``, ``SEARCH``) that may be down: one
        that does not answer is put aside (:class:`Unreachable`, every use raises why; named
        in ``unavailable``) instead of failing the opening. The search index is optional by
        default: it is derived from the catalog, whose outbox keeps every change until the
        index answers again (each sync tries it anew), and only a search needs it. ``skip``:
        families not even opened (what reads the catalog only: every use of them refuses)."""
        check_blob_url(blobs_url)
        check_search_url(search_url)
        writer, reader = make_engines(db_url, busy_timeout_s=busy_timeout_s)
        unavailable: dict[str, StorageError] = {}
        try:
            try:
                migrate(writer)
            except SQLAlchemyError as exc:
                raise StorageError(
                    f"không mở hoặc nâng cấp được cơ sở dữ liệu danh mục {safe_url(db_url)}: "
                    f"{getattr(exc, 'orig', None) or exc}. Hãy kiểm tra thiết lập 'db', quyền "
                    "trên tệp và chỗ trống trên đĩa") from exc
            blobs: BlobStore = cast(BlobStore, Unreachable(BLOBS, NOT_OPENED))
            if BLOBS not in skip:
                try:
                    blobs = open_blob_store(blobs_url, s3)
                except StorageError as exc:
                    if BLOBS not in optional:
                        raise
                    unavailable[BLOBS] = exc
                    blobs = cast(BlobStore, Unreachable(BLOBS, exc))
            index: SearchIndex = cast(SearchIndex, Unreachable(SEARCH, NOT_OPENED))
            if SEARCH not in skip:
                try:
                    index = open_index(search_url)
                except IndexUnavailable as exc:
                    if SEARCH not in optional:
                        blobs.close()
                        raise
                    unavailable[SEARCH] = exc
                    index = cast(SearchIndex, Unreachable(SEARCH, exc))
                except BaseException:
                    blobs.close()
                    raise
        except BaseException:
            writer.dispose()
            reader.dispose()
            raise
        archive = cls(writer, reader, blobs, index)
        archive._search_url = search_url
        archive.unavailable = {family: str(exc) for family, exc in unavailable.items()}
        if SEARCH in unavailable:  # not asked again at once: a node that hangs costs minutes
            archive._index_retry_at = time.monotonic() + INDEX_RETRY_S
        try:
            archive._fill_if_fresh()
        except BaseException:
            archive.close()
            raise
        return archive

    def _fill_if_fresh(self) -> None:
        if getattr(self.index, "fresh", False) and self._count(
                select(func.count()).select_from(Document)):
            # A new or discarded index beside an existing catalog: fill it before use.
            self.rebuild_index()

    def _reach_index(self) -> None:
        """When the index did not answer at the opening, try it again (at most every
        ``INDEX_RETRY_S``: a node that hangs costs its timeout): reached, it takes its place,
        filled from the catalog if it came back empty; else IndexUnavailable, with why."""
        if not isinstance(self.index, Unreachable):
            return
        now = time.monotonic()
        if now < self._index_retry_at:
            raise self.index.error
        self._index_retry_at = now + INDEX_RETRY_S
        try:
            index = open_index(self._search_url)
        except IndexUnavailable as exc:
            self.index = cast(SearchIndex, Unreachable(SEARCH, exc))
            self.unavailable[SEARCH] = str(exc)
            raise
        self.index = index
        self.unavailable.pop(SEARCH, None)
        self._fill_if_fresh()

    def close(self) -> None:
        self.index.close()
        self.blobs.close()
        self._writer.dispose()
        if self._reader is not self._writer:
            self._reader.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Connection]:
        """One catalog transaction, committed when the block ends (rolled back if it raises).

        The archive package's one way in for its modules (disposal, retention, fixity, …): a
        writing one takes this process's write lock and the writer engine (SQLite has one writer
        at a time; BEGIN IMMEDIATE), a reading one the reader engine. ``write`` has no default so
        every call says which it is."""
        if write:
            with self._write_lock, self._writer.begin() as conn:
                yield conn
        else:
            with self._reader.begin() as conn:
                yield conn

    def _count(self, stmt: Any) -> int:
        with self.transaction(write=False) as conn:
            return int(conn.execute(stmt).scalar_one())

    # --- jobs -----------------------------------------------------------------------------

    @property
    def actor(self) -> str:
        """Whom the ingest events name: this thread's ``acting_as``, else the archive's."""
        return getattr(self._acting, "name", None) or self._actor

    @actor.setter
    def actor(self, name: str) -> None:
        self._actor = name

    @contextmanager
    def acting_as(self, name: str | None) -> Iterator[None]:
        """Within the block, in this thread only, name ``name`` (when given) as the actor."""
        before = getattr(self._acting, "name", None)
        self._acting.name = name or before
        try:
            yield
        finally:
            self._acting.name = before

    def start_job(self, inputs: Sequence[str], unit: str | None, *,
                  in_process: bool = False) -> str:
        """A new job. ``in_process``: this process runs it (not queue workers); it is then
        marked interrupted by a later job if this process dies before finishing it."""
        with self.transaction(write=True) as conn:
            job_state.mark_interrupted(conn)
            runner = job_state.this_runner() if in_process else None
            return job_state.start(conn, inputs, unit, runner, actor=self.actor)

    def finish_job(self, job_id: str, summary: Mapping[str, int]) -> None:
        with self.transaction(write=True) as conn:
            job_state.finish(conn, job_id, summary, actor=self.actor)

    def fail_job(self, job_id: str, reason: str) -> bool:
        """A running job stopped by an environment error (exit 2), with the reason in
        Vietnamese; False if it was not running."""
        with self.transaction(write=True) as conn:
            return job_state.fail(conn, job_id, reason, actor=self.actor)

    def interrupt_job(self, job_id: str, reason: str) -> bool:
        """A running job whose queued work is gone (``jobs.interrupt``), with the reason in
        Vietnamese; False if it was not running."""
        with self.transaction(write=True) as conn:
            return job_state.interrupt(conn, job_id, reason, actor=self.actor)

    def heartbeat_job(self, job_id: str) -> None:
        """The process running this job is alive (see ``jobs.HEARTBEAT_S``)."""
        with self.transaction(write=True) as conn:
            job_state.heartbeat(conn, job_id)

    def get_job(self, job_id: str) -> dict[str, Any]:
        """A job with the outcome of each of its inputs (for status displays and resume)."""
        with self.transaction(write=False) as conn:
            return job_state.get(conn, job_id)

    def jobs(self, *, status: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """Recent jobs, newest first; ``status="running"`` lists those a crash interrupted."""
        with self.transaction(write=False) as conn:
            return job_state.recent(conn, status, limit)

    def input_done(self, job_id: str, source: str, sha256: str, status: str,
                   reason: str | None = None) -> None:
        """Record what became of one input file: "stored" | "quarantined" | "duplicate" |
        "partial" | "blank" (``jobs.INPUT_STATUSES``)."""
        with self.transaction(write=True) as conn:
            job_state.input_done(conn, job_id, source, sha256, status, reason)

    def input_outcome(self, sha256: str) -> dict[str, Any] | None:
        """What became of an input file with these bytes the last time any job saw it."""
        with self.transaction(write=False) as conn:
            return job_state.input_outcome(conn, sha256)

    def remember_input(self, job_id: str, sha256: str,
                       pages: Sequence[Mapping[str, Any]]) -> bool:
        """Record an input file whose every page went into stored documents as known (not if
        this job quarantined any of it); ``pages``: each page's sha256, mime, size, dpi."""
        with self.transaction(write=True) as conn:
            return job_state.remember_input(conn, job_id, sha256, pages)

    def forget_input(self, sha256: str) -> None:
        """An input file is no longer known: its pages are read again next time it is given."""
        with self.transaction(write=True) as conn:
            job_state.forget_input(conn, sha256)

    def known_input(self, sha256: str) -> list[dict[str, Any]] | None:
        """The pages of a known input file (``remember_input``), or None."""
        with self.transaction(write=False) as conn:
            return job_state.known_input(conn, sha256)

    def record_quarantine(self, job_id: str, q: Quarantined) -> None:
        with self.transaction(write=True) as conn:
            job_state.quarantine(conn, job_id, q, actor=self.actor)

    def list_quarantine(self) -> list[dict[str, Any]]:
        with self.transaction(write=False) as conn:
            return job_state.list_quarantine(conn)

    def quarantine_files(self) -> list[dict[str, Any]]:
        """Quarantined inputs not dismissed, once each (``sohoa quarantine``)."""
        with self.transaction(write=False) as conn:
            return job_state.quarantine_files(conn)

    def refile_quarantine(self, ids: list[int], sha256: str, *, by: str) -> int:
        with self.transaction(write=True) as conn:
            return job_state.refile_quarantine(conn, ids, sha256, by=by)

    def dismiss_quarantine(self, ids: list[int], *, reason: str, by: str) -> int:
        with self.transaction(write=True) as conn:
            return job_state.dismiss_quarantine(conn, ids, reason=reason, by=by)

    # --- documents: write side ------------------------------------------------------------

    def has_document(self, doc_key: str) -> str | None:
        with self.transaction(write=False) as conn:
            return conn.execute(
                select(Document.id).where(Document.doc_key == doc_key)).scalar_one_or_none()

    def review_state(self, document_id: str) -> tuple[bool, tuple[str, ...]]:
        """Whether a stored paper waits for a person, and why, as the catalog decided at the
        store (an owner named otherwise, another person's paper, a dossier's sheet in
        question): two columns, read for every paper an ingest stores (review13a S4)."""
        with self.transaction(write=False) as conn:
            row = conn.execute(select(Document.needs_review, Document.review_reasons)
                               .where(Document.id == document_id)).first()
        if row is None:
            raise NotFoundError(f"không có giấy tờ {document_id} trong kho")
        return bool(row.needs_review), tuple(row.review_reasons or ())

    def dossier_papers_of_type(self, dossier_code: str, doc_type: str) -> list[tuple[str, str]]:
        """(id, text) of the stored papers of this type filed under this dossier, oldest first:
        what a rescanned sheet is compared with."""
        with self.transaction(write=False) as conn:
            rows = conn.execute(select(Document.id, Document.text).where(
                Document.dossier_code == dossier_code, Document.doc_type == doc_type,
                documents.IS_STORED).order_by(Document.created_at, Document.id)).all()
        return [(r.id, r.text or "") for r in rows]

    def record_rescan(self, document_id: str, *, job_id: str,
                      pages: Sequence[Mapping[str, Any]],
                      images: Sequence[bytes] = ()) -> list[str]:
        """A stored paper was scanned again (the same sheet as its printed text reads): no
        second document (tester13 F4), but each page image is kept — a blob, content-addressed,
        and a ``page_rescans`` row tied to the paper — because the text match cannot see new
        ink on it (a signature, "đã nhận kết quả"; review14a S3). An image already kept for
        this paper (the same file run again) adds nothing and is not audited twice (review14a
        N8); one that differs by a mark is a version of its own. ``pages`` give each image's
        file and page; the audit entry names the job, the file and page and the image's
        SHA-256. Returns the blob ids newly kept."""
        if images and len(images) != len(pages):
            raise StorageError(
                f"lần quét lại giấy tờ {document_id} có {len(pages)} trang nhưng "
                f"{len(images)} ảnh trang; mỗi trang phải có đúng một ảnh")
        shas = [self.blobs.put(img) for img in images]  # durably, before the catalog names them
        with self.transaction(write=True) as conn:
            # the paper's dossier first (the lock order): a disposal batch of this dossier
            # either ran before — the paper is no longer stored, nothing is kept for it — or
            # runs after and takes these images with the paper
            code = conn.execute(select(Document.dossier_code).where(
                Document.id == document_id)).scalar_one_or_none()
            if code is None:
                raise NotFoundError(f"không có giấy tờ {document_id} trong kho")
            dossier_locks(conn, code)
            if conn.execute(select(Document.status).where(
                    Document.id == document_id)).scalar_one() != STATUS_STORED:
                return []
            seen = set(conn.execute(select(PageRescan.blob_sha256).where(
                PageRescan.document_id == document_id)).scalars())
            fresh: list[tuple[str, Mapping[str, Any]]] = []
            for sha, page in zip(shas, pages, strict=True):
                if sha not in seen:
                    seen.add(sha)
                    fresh.append((sha, page))
            if fresh:
                now = utc_now()
                conn.execute(PageRescan.__table__.insert(), [{
                    "document_id": document_id, "blob_sha256": sha,
                    "source": str(page["source"]), "source_index": int(page["index"]),
                    "job_id": job_id, "created_at": now} for sha, page in fresh])
            if fresh or not images:
                audit_log.append(conn, "document.rescanned", actor=self.actor,
                                 target=document_id, detail={"job": job_id, "pages": [
                                     dict(page) for _, page in fresh] if images else [
                                     dict(p) for p in pages]})
        return [sha for sha, _ in fresh]

    def document_with_pages(self, page_shas: Sequence[str]) -> str | None:
        """The stored document holding the first of these pages when every one of them is in a
        stored document already (the same page images scanned again, grouped otherwise than
        the first time: storing them again would keep one paper twice); None otherwise."""
        wanted = list(dict.fromkeys(page_shas))
        if not wanted:
            return None
        with self.transaction(write=False) as conn:
            rows = conn.execute(
                select(PageRow.sha256, PageRow.document_id)
                .join(Document, Document.id == PageRow.document_id)
                .where(PageRow.sha256.in_(wanted), documents.IS_STORED)
                .order_by(Document.created_at, PageRow.document_id)).all()
        holder: dict[str, str] = {}
        for sha, document_id in rows:
            holder.setdefault(sha, document_id)
        if any(sha not in holder for sha in wanted):
            return None
        return holder[wanted[0]]

    def store_document(self, rec: DocumentRecord, pdf: bytes,
                       page_images: Sequence[bytes]) -> tuple[str, bool]:
        """Store a finished document; return (document_id, created). Idempotent by doc_key."""
        if len(rec.doc_key) < 16:
            raise StorageError(f"khóa giấy tờ {rec.doc_key!r} quá ngắn, không phải SHA-256")
        if page_images and len(page_images) != len(rec.pages):
            raise StorageError(
                f"giấy tờ {rec.doc_key[:16]} có {len(rec.pages)} bản ghi trang nhưng "
                f"{len(page_images)} ảnh trang; mỗi trang phải có đúng một ảnh")
        existing = self.has_document(rec.doc_key)
        if existing is not None:
            return existing, False
        pdf_sha = sha256_hex(pdf)
        if rec.pdf_sha256 and rec.pdf_sha256 != pdf_sha:
            raise VerificationError(
                f"bản PDF của giấy tờ {rec.doc_key[:16]} đã thay đổi sau khi được lập "
                f"(bản ghi ghi {rec.pdf_sha256[:12]}…, nội dung có mã băm {pdf_sha[:12]}…); "
                "hãy xử lý lại giấy tờ này từ đầu")

        # 1. blobs, durably.
        self.blobs.put(pdf)
        image_shas = [self.blobs.put(img) for img in page_images]
        faults.point("after_blobs")

        # 2. the catalog, in one transaction.
        doc_id = rec.doc_key[:16]
        try:
            with self.transaction(write=True) as conn:
                clash = documents.find(conn, rec.doc_key, doc_id)
                if clash is not None:
                    if clash.doc_key != rec.doc_key:
                        raise StorageError(
                            f"mã giấy tờ {doc_id} đã thuộc về một giấy tờ khác; việc này "
                            "không được phép xảy ra, hãy báo cho bộ phận kỹ thuật")
                    return clash.id, False
                documents.insert(conn, rec, doc_id, pdf_sha, len(pdf), image_shas,
                                 self.digitization_format, actor=self.actor)
                faults.point("before_commit")
        except IntegrityError as exc:
            # Another process stored the same document between our check and our insert.
            existing = self.has_document(rec.doc_key)
            if existing is not None:
                return existing, False
            raise StorageError(f"không lưu được giấy tờ {doc_id}: {exc.orig}") from exc
        except SQLAlchemyError as exc:
            raise StorageError(
                f"không lưu được giấy tờ {doc_id} vào danh mục: {exc}. Chưa có gì được "
                "ghi; khi danh mục ghi được trở lại, hãy chạy lại lô này") from exc
        return doc_id, True

    def unreferenced_blobs(self) -> Iterator[str]:
        """Blobs no document or page points at: what a crash between the blob writes and the
        catalog commit leaves behind (harmless; listed for cleanup and fixity reports)."""
        batch: list[str] = []
        for sha in self.blobs.iter_all():
            batch.append(sha)
            if len(batch) == _SYNC_BATCH:
                yield from self._unreferenced(batch)
                batch = []
        if batch:
            yield from self._unreferenced(batch)

    def drop_unreferenced(self, shas: Sequence[str]) -> int:
        """Delete those of these blobs that nothing points at; how many went. For blobs put only
        to travel between processes (a drawn page's one-page PDF to the queue's workers): kept
        after their job, they would hold a citizen's page past its document's disposal."""
        gone = 0
        for sha in self._unreferenced(list(dict.fromkeys(shas))):
            if self.blobs.exists(sha):
                self.blobs.delete(sha)
                gone += 1
        return gone

    def _unreferenced(self, shas: list[str]) -> list[str]:
        from sohoa.archive.disposal import kept_references  # destruction records are kept

        with self.transaction(write=False) as conn:
            used = documents.referenced(conn, shas) | kept_references(conn, shas)
        return [s for s in shas if s not in used]

    # --- stage cache ----------------------------------------------------------------------

    def cache_get(self, stage: str, key: str) -> dict[str, Any] | None:
        with self.transaction(write=False) as conn:
            value = conn.execute(select(StageCache.value).where(
                StageCache.stage == stage, StageCache.key == key)).scalar_one_or_none()
        return dict(value) if value is not None else None

    def cache_put(self, stage: str, key: str, value: Mapping[str, Any]) -> None:
        try:
            clean = json.loads(json.dumps(dict(value), ensure_ascii=False))
        except (TypeError, ValueError) as exc:
            raise StorageError(f"kết quả của bước {stage!r} không phải JSON: {exc}") from exc
        with self.transaction(write=True) as conn:
            upsert(conn, StageCache.__table__,
                   {"stage": stage, "key": key, "value": clean, "created_at": utc_now()},
                   key=("stage", "key"), update=("value", "created_at"))

    # --- search index ---------------------------------------------------------------------

    def sync_index(self) -> int:
        """Apply pending outbox rows to the search index; return how many were applied.
        IndexUnavailable when the index does not answer (the rows stay for the next sync).
        An index that stops answering is put aside and opened anew by a later sync; one found
        gone (a node restarted empty) at once, made anew and filled from the catalog."""
        try:
            return self._sync_index()
        except IndexUnavailable as exc:
            lost = isinstance(exc, IndexLost)
            if not isinstance(self.index, Unreachable):
                with suppress(Exception):  # a client of a node that went away: let it go
                    self.index.close()
                self.index = cast(SearchIndex, Unreachable(SEARCH, exc))
                self.unavailable[SEARCH] = str(exc)
                self._index_retry_at = 0.0 if lost else time.monotonic() + INDEX_RETRY_S
            if not lost:
                raise
        return self._sync_index()

    def _sync_index(self) -> int:
        applied = 0
        if not self._count(select(func.count()).select_from(
                select(SearchOutbox.id).limit(1).subquery())):
            # Nothing pending: searches need not queue behind other processes for the lock.
            return 0
        self._reach_index()
        # One drainer at a time, across processes too: two drainers could apply one document's
        # outbox rows out of order (an older state indexed after a newer one).
        with self._index_lock, exclusive(self._writer, "search-sync"):
            while True:
                with self.transaction(write=False) as conn:
                    rows = conn.execute(select(SearchOutbox.id, SearchOutbox.document_id)
                                        .order_by(SearchOutbox.id).limit(_SYNC_BATCH)).all()
                    if not rows:
                        break
                    ids = list(dict.fromkeys(r.document_id for r in rows))
                    docs = {d.document_id: d for d in documents.index_docs(conn, ids)}
                # The catalog decides: a stored document is (re)indexed, anything else removed.
                try:
                    self.index.upsert(docs[i] for i in ids if i in docs)
                    self.index.delete(i for i in ids if i not in docs)
                    self.index.commit()
                except BaseException:
                    self.index.rollback()
                    raise
                # Delete exactly the rows applied: ids may commit out of order on PostgreSQL.
                with self.transaction(write=True) as conn:
                    conn.execute(delete(SearchOutbox).where(
                        SearchOutbox.id.in_([r.id for r in rows])))
                applied += len(rows)
        return applied

    def rebuild_index(self) -> int:
        """Recreate the index from the catalog; return the number of documents indexed."""
        self._reach_index()
        with self._index_lock, exclusive(self._writer, "search-sync"):
            indexed = 0
            with self.transaction(write=False) as conn:
                pending = [r[0] for r in conn.execute(select(SearchOutbox.id))]
                try:
                    self.index.clear()
                    last = ""
                    while True:
                        batch_ids = documents.stored_ids_after(conn, last, _SYNC_BATCH)
                        if not batch_ids:
                            break
                        indexed += self.index.upsert(documents.index_docs(conn, batch_ids))
                        last = batch_ids[-1]
                    self.index.commit()
                except BaseException:
                    self.index.rollback()
                    raise
            with self.transaction(write=True) as conn:
                for start in range(0, len(pending), _SYNC_BATCH):
                    conn.execute(delete(SearchOutbox).where(
                        SearchOutbox.id.in_(pending[start:start + _SYNC_BATCH])))
                audit_log.append(conn, "index.rebuilt", actor=SYSTEM_ACTOR,
                                 detail={"documents": indexed})
        return indexed

    # --- read side ------------------------------------------------------------------------

    def get_document(self, document_id: str) -> dict[str, Any]:
        """All metadata of a document: fields, pages with provenance, signature, archival
        metadata (TT 02/2019), text. NotFoundError if absent."""
        with self.transaction(write=False) as conn:
            return documents.load(conn, document_id)

    def get_pdf(self, document_id: str) -> bytes:
        with self.transaction(write=False) as conn:
            document_id = documents.resolve_id(conn, document_id)
            row = conn.execute(select(Document.pdf_sha256, Document.status, Document.extra)
                               .where(Document.id == document_id)).first()
        if row is None:
            raise NotFoundError(f"không có giấy tờ {document_id} trong kho")
        if row.status == STATUS_DISPOSED:
            raise destroyed(document_id, row.extra)
        if row.status != STATUS_STORED:
            raise NotFoundError(
                f"giấy tờ {document_id} {_GONE.get(row.status, row.status)}; bản PDF của nó "
                "không còn được lưu giữ")
        return self.blobs.get(row.pdf_sha256)

    def search(self, query: str, *, owner: str | None = None, doc_type: str | None = None,
               unit: str | None = None, date_from: date | None = None,
               date_to: date | None = None, limit: int = 10) -> list[dict[str, Any]]:
        self._reach_index()
        try:
            return self.index.search(nfc(query), owner=owner, doc_type=doc_type,
                                     unit=nfc_opt(unit), date_from=date_from,
                                     date_to=date_to, limit=limit)
        except SohoaError:
            raise
        except (OSError, ValueError) as exc:
            raise StorageError(
                f"chỉ mục tìm kiếm không trả lời được ({said_of(exc)}); hãy dựng lại bằng "
                "'sohoa index rebuild'") from exc

    def reuse(self, owner_id: str, *, doc_type: str | None = None,
              valid_on: date | None = None, limit: int | None = None,
              after: str | None = None) -> list[dict[str, Any]]:
        """The owner's stored documents valid on ``valid_on`` (default today), newest first,
        at most ``limit`` after the position ``after`` (``documents.reuse_cursor`` of the last
        row of the previous page); answered from the covering index alone, in its order,
        never from the search index."""
        day = valid_on or vietnam_today()
        if self._reader.dialect.name == "sqlite":
            # One statement, so no BEGIN/COMMIT around it (SQLite reads it from one snapshot),
            # on the driver's own cursor: see documents.reuse_sqlite.
            raw = self._reader.raw_connection()
            try:
                return documents.reuse_sqlite(raw.driver_connection, owner_id, doc_type, day,
                                              limit, after)
            finally:
                raw.close()
        with self.transaction(write=False) as conn:
            return documents.reuse(conn, owner_id, doc_type, day, limit, after)

    def paper_forms(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """What each of these papers is (original, certified copy, digitized copy): the keys of
        its record that say it (``documents.paper_forms``)."""
        if self._reader.dialect.name == "sqlite":  # as reuse: the driver's own cursor
            raw = self._reader.raw_connection()
            try:
                return documents.paper_forms_sqlite(raw.driver_connection, ids)
            finally:
                raw.close()
        with self.transaction(write=False) as conn:
            return documents.paper_forms(conn, ids)

    def search_pending(self) -> int:
        """Outbox rows not yet in the search index (cheap: a health check can call it)."""
        return self._count(select(func.count()).select_from(SearchOutbox))

    def stats(self) -> dict[str, int]:
        with self.transaction(write=False) as conn:
            def count(model: Any, *where: Any) -> int:
                stmt = select(func.count()).select_from(model)
                for w in where:
                    stmt = stmt.where(w)
                return int(conn.execute(stmt).scalar_one())

            return {
                "documents": count(Document, documents.IS_STORED),
                "owners": count(Owner),
                "dossiers": count(Dossier),
                # What `sohoa quarantine` lists: each input once, however many runs reported
                # it, and none dismissed (counting rows said 8 where the list showed 5).
                "quarantined": int(conn.execute(select(func.count()).select_from(
                    select(func.coalesce(func.nullif(QuarantineRow.sha256, ""),
                                         QuarantineRow.source), QuarantineRow.page_index)
                    .where(QuarantineRow.dismissed_at.is_(None)).distinct().subquery())
                ).scalar_one()),
                "pages": count(PageRow),
                "needs_review": count(Document, documents.IS_STORED,
                                      Document.needs_review.is_(True)),
                "search_pending": count(SearchOutbox),
            }

    # --- audit log ------------------------------------------------------------------------

    def audit(self, action: str, *, actor: str, target: str | None = None,
              detail: Mapping[str, Any] | None = None) -> None:
        with self.transaction(write=True) as conn:
            audit_log.append(conn, action, actor=actor, target=target, detail=detail)

    def audit_verify(self) -> tuple[bool, list[str]]:
        """Verify both chains: the audit log and the access log."""
        with self.transaction(write=False) as conn:
            _, problems = audit_log.verify(conn)
            problems = problems + access_log.verify(conn)
        return (not problems, problems)

    def log_heads(self) -> dict[str, dict[str, Any]]:
        """The last seq and hash of the audit and access logs (what a checkpoint anchors)."""
        with self.transaction(write=False) as conn:
            return {"audit": audit_log.AUDIT.last(conn), "access": access_log.ACCESS.last(conn)}

    def check_log_anchors(self, heads: Mapping[str, Any], where: str) -> list[str]:
        """Problems if the logs no longer hold the entries a checkpoint anchored."""
        with self.transaction(write=False) as conn:
            return (audit_log.AUDIT.check_anchor(conn, heads.get("audit") or {}, where)
                    + access_log.ACCESS.check_anchor(conn, heads.get("access") or {}, where))

    def audit_target(self, given: str) -> str:
        """The audit log's name for what a person typed (tester10 F3): a dossier code as
        printed everywhere is ``dossier:CODE``, a document id prefix the full id; anything
        else (``dossier:…``, an owner's number) as typed. ConfigError for an ambiguous
        prefix."""
        text = nfc(given.strip())
        if not text or ":" in text:
            return text
        with self.transaction(write=False) as conn:
            if conn.execute(select(Dossier.code).where(Dossier.code == text)).first():
                return f"dossier:{text}"
            try:
                return documents.resolve_id(conn, text)
            except NotFoundError:
                return text

    def audit_events(self, *, target: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """The newest ``limit`` events (about ``target`` if given), newest first."""
        with self.transaction(write=False) as conn:
            return audit_log.events(conn, target, limit)

    # --- API tokens -----------------------------------------------------------------------

    def add_token(self, user: str, role: str, unit: str, *, created_by: str) -> tuple[str, str]:
        """Create an API token; return (token id, token). The token is shown once, only its
        SHA-256 is kept."""
        with self.transaction(write=True) as conn:
            return tokens.add(conn, user, role, unit, created_by)

    def list_tokens(self, *, include_revoked: bool = False) -> list[dict[str, Any]]:
        with self.transaction(write=False) as conn:
            return tokens.listing(conn, include_revoked)

    def revoke_token(self, token_id: str, *, revoked_by: str) -> None:
        with self.transaction(write=True) as conn:
            tokens.revoke(conn, token_id, revoked_by)
            websessions.end_for_token(conn, token_id)  # its browsers are signed out with it

    def authenticate(self, token: str | None, *, channel: str = "api") -> Caller:
        """The caller a presented API token stands for (NotAuthenticatedError otherwise)."""
        with self.transaction(write=False) as conn:
            caller = tokens.resolve(conn, token, channel)
            stale = tokens.stale_use(conn, token)
        if stale is not None:
            with self.transaction(write=True) as conn:
                tokens.mark_used(conn, stale)
        return caller

    # --- web sessions (sign-in of the web workplace) ---------------------------------------

    def open_web_session(self, token: str, session_id: str, *, idle: timedelta,
                         lifetime: timedelta) -> Caller:
        """Sign a browser in with an API token (NotAuthenticatedError if it is not valid): the
        session is kept in the catalog under ``session_id``'s SHA-256."""
        with self.transaction(write=True) as conn:
            caller = tokens.resolve(conn, token, "web")
            token_id = tokens.id_of(conn, token)
            assert token_id is not None  # resolve() found it
            websessions.open_session(conn, session_id, token_id, utc_now(), idle=idle,
                                     lifetime=lifetime)
            tokens.mark_used(conn, token_id)
        return caller

    def web_session(self, session_id: str, *, idle: timedelta,
                    lifetime: timedelta) -> Caller | None:
        """The caller of a live web session, None if it is unknown, expired or its token was
        revoked; its last-seen time (and its token's last use) is kept to the minute."""
        now = utc_now()
        with self.transaction(write=False) as conn:
            caller, stale = websessions.resolve(conn, session_id, "web", now, idle=idle,
                                                lifetime=lifetime)
        if stale is not None:
            with self.transaction(write=True) as conn:
                websessions.touch(conn, session_id, now)
                tokens.mark_used(conn, stale)
        return caller

    def end_web_session(self, session_id: str) -> bool:
        with self.transaction(write=True) as conn:
            return websessions.end(conn, session_id)

    # --- access log -----------------------------------------------------------------------

    def resolve_id(self, given: str, *, min_prefix: int = 4) -> str:
        """The full id of the document a person typed (the id, or a unique prefix of
        ``min_prefix`` (4+) characters); NotFoundError (exit 5) when none, ConfigError naming
        them when several or when the prefix is too short."""
        with self.transaction(write=False) as conn:
            return documents.resolve_id(conn, given, min_prefix=min_prefix)

    def destroyed_copy(self, pdf_sha256: str) -> DestroyedError | None:
        """What the catalog says when these PDF bytes are the stored copy of a paper destroyed
        since (a PDF fetched before the disposal and verified now), else None."""
        with self.transaction(write=False) as conn:
            row = conn.execute(select(Document.id, Document.extra).where(
                Document.pdf_sha256 == pdf_sha256, Document.status == STATUS_DISPOSED)
            ).first()
        return destroyed(row.id, row.extra) if row is not None else None

    def document_ref(self, document_id: str) -> dict[str, Any]:
        """Owner, unit, status, type and dossier of a document (for access checks, and for a
        duplicate's line: what the catalog holds, not what a new reading guessed);
        NotFoundError if absent."""
        with self.transaction(write=False) as conn:
            document_id = documents.resolve_id(conn, document_id)
            row = conn.execute(select(Document.owner_id, Document.unit, Document.status,
                                      Document.doc_type, Document.dossier_code)
                               .where(Document.id == document_id)).first()
        if row is None:
            raise NotFoundError(f"không có giấy tờ {document_id} trong kho")
        return {"document_id": document_id, "owner_id": row.owner_id, "unit": row.unit,
                "status": row.status, "doc_type": row.doc_type,
                "dossier_code": row.dossier_code}

    def log_access(self, caller: Caller, action: str, purpose: str,
                   reads: Sequence[access_log.Read]) -> list[int]:
        """Append one access-log entry per read; return their seqs once they are committed.

        Group commit: concurrent callers queue their entries; whoever takes the writer lock
        first commits everything queued in one transaction (one fsync), and the others find
        theirs done. Nobody returns before their own entries are durable."""
        ticket = _AccessTicket(caller, action, purpose, reads)
        with self._access_queue_lock:
            self._access_queue.append(ticket)
        with self._write_lock:
            if not ticket.done:
                with self._access_queue_lock:
                    batch, self._access_queue = self._access_queue, []
                try:
                    with self._writer.begin() as conn:
                        for t in batch:
                            t.seqs = access_log.append(conn, t.caller, t.action, t.purpose,
                                                       t.reads)
                except Exception as exc:  # every waiter in the batch gets the failure
                    for t in batch:
                        t.error, t.seqs = exc, []
                finally:
                    for t in batch:
                        t.done = True
        if ticket.error is not None:
            raise StorageError(
                f"không ghi được nhật ký truy cập ({ticket.error}); chưa hiện gì cả. Hãy "
                "thử lại; nếu vẫn lỗi, hãy kiểm tra cơ sở dữ liệu danh mục") from ticket.error
        return ticket.seqs

    def access_events(self, *, owner: str | None = None, document: str | None = None,
                      user: str | None = None, limit: int = 100,
                      since: str | None = None) -> list[dict[str, Any]]:
        """Access-log entries (about this owner / document / by this user, written at or after
        ``since``), newest first."""
        with self.transaction(write=False) as conn:
            return access_log.events(conn, owner=owner, document=document, user=user,
                                     limit=limit, since=since)
