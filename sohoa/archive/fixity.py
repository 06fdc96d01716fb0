"""Fixity: every stored file still has the bytes the catalog recorded.

A blob's name is the SHA-256 of its bytes, so re-hashing what the store returns and comparing it
with the name the catalog holds finds any change, down to one flipped bit; a missing file and a
size that differs from the catalog's are reported too. Signature checks belong to the signing
room and are wired in by ``sohoa.pipeline.fixityjob``.

Runs are rows (``fixity_runs``): an ``--all`` run keeps the last document id it finished as its
cursor, so an interrupted run resumes there; ``fixity_state`` keeps when each document was last
checked, and a ``--sample`` run takes the ones checked longest ago (never-checked first, in
random order), so that repeated samples from cron cover the whole store. Every mismatch is an
audit event, written with the run's progress in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from sohoa.archive import audit as audit_log
from sohoa.archive.archivist_models import DisposalList, FixityRun, FixityState
from sohoa.archive.catalog import upsert
from sohoa.archive.documents import IS_STORED, page_blobs
from sohoa.archive.models import Document
from sohoa.archive.values import iso, utc_now
from sohoa.errors import NotFoundError, SohoaError, VerificationError

if TYPE_CHECKING:
    from sohoa.archive import Archive

RUNNING = "running"
FINISHED = "finished"
COUNTS = ("documents", "records", "blobs", "bytes", "mismatches", "signatures_checked")


@dataclass(frozen=True)
class Target:
    """One thing to check: a stored document (its PDF and page images) or a destruction
    record (``kind="record"``, id ``disposal-list:N``)."""

    id: str
    kind: str
    pdf_sha256: str
    pdf_size: int | None
    signed: bool
    pages: tuple[str, ...] = ()


@dataclass
class Result:
    target: Target
    problems: list[str] = field(default_factory=list)
    blobs: int = 0
    bytes: int = 0
    pdf: bytes | None = None  # kept for the signature check, then dropped


@dataclass
class Run:
    id: int
    mode: str
    sample: int | None
    signatures: bool
    cursor: str | None
    counts: dict[str, int]
    resumed: bool


def start_run(archive: Archive, *, mode: str, sample: int | None, signatures: bool, by: str,
              restart: bool = False) -> Run:
    """A new run, or (``--all`` only) the interrupted one to resume."""
    now = utc_now()
    with archive.transaction(write=True) as conn:
        if mode == "all":
            running = conn.execute(select(FixityRun).where(
                FixityRun.mode == "all", FixityRun.status == RUNNING
            ).order_by(FixityRun.id.desc()).limit(1)).mappings().first()
            if running is not None and not restart:
                return Run(running["id"], "all", None, running["signatures"],
                           running["cursor"], dict(running["counts"]), True)
            if running is not None:
                conn.execute(update(FixityRun).where(FixityRun.mode == "all",
                                                     FixityRun.status == RUNNING)
                             .values(status="abandoned", finished_at=now))
        counts = dict.fromkeys(COUNTS, 0)
        run_id = conn.execute(FixityRun.__table__.insert().values(
            mode=mode, sample=sample, signatures=signatures, status=RUNNING, started_by=by,
            started_at=now, cursor=None, counts=counts)).inserted_primary_key[0]
    return Run(run_id, mode, sample, signatures, None, counts, False)


def total(archive: Archive, run: Run) -> int:
    """Documents this run still has to check (for the progress bar)."""
    with archive.transaction(write=False) as conn:
        stmt = select(func.count()).select_from(Document).where(IS_STORED)
        if run.cursor:
            stmt = stmt.where(Document.id > run.cursor)
        n = int(conn.execute(stmt).scalar_one())
    return n if run.sample is None else min(n, run.sample)


def documents_after(archive: Archive, cursor: str | None, limit: int) -> list[Target]:
    with archive.transaction(write=False) as conn:
        stmt = select(Document.id).where(IS_STORED).order_by(Document.id).limit(limit)
        if cursor:
            stmt = stmt.where(Document.id > cursor)
        ids = list(conn.execute(stmt).scalars())
    return _targets(archive, ids)


def least_recently_checked(archive: Archive, n: int) -> list[Target]:
    with archive.transaction(write=False) as conn:
        ids = list(conn.execute(
            select(Document.id).outerjoin(FixityState, FixityState.document_id == Document.id)
            .where(IS_STORED)
            .order_by(FixityState.checked_at.is_(None).desc(), FixityState.checked_at,
                      func.random())
            .limit(n)).scalars())
    return _targets(archive, ids)


def _targets(archive: Archive, ids: Sequence[str]) -> list[Target]:
    if not ids:
        return []
    with archive.transaction(write=False) as conn:
        pages = page_blobs(conn, ids)
        rows = {r.id: r for r in conn.execute(
            select(Document.id, Document.pdf_sha256, Document.pdf_size,
                   Document.signature_level).where(Document.id.in_(list(ids))))}
    return [Target(i, "document", rows[i].pdf_sha256, rows[i].pdf_size,
                   bool(rows[i].signature_level), tuple(pages.get(i, ())))
            for i in ids if i in rows]


def destruction_records(archive: Archive) -> list[Target]:
    with archive.transaction(write=False) as conn:
        rows = conn.execute(select(DisposalList.id, DisposalList.record_sha256,
                                   DisposalList.record_size)
                            .where(DisposalList.record_sha256.is_not(None))
                            .order_by(DisposalList.id)).all()
    return [Target(f"disposal-list:{r.id}", "record", r.record_sha256, r.record_size, True)
            for r in rows]


def check_blobs(archive: Archive, target: Target) -> Result:
    """Re-hash the target's files against the names the catalog holds."""
    result = Result(target)
    try:
        pdf = archive.blobs.get(target.pdf_sha256)
        result.pdf = pdf
        result.bytes += len(pdf)
        if target.pdf_size is not None and len(pdf) != target.pdf_size:
            result.problems.append(f"PDF {target.pdf_sha256[:12]}… dài {len(pdf)} byte, sổ "
                                   f"mục lục ghi {target.pdf_size}")
    except (VerificationError, NotFoundError) as exc:
        result.problems.append(f"PDF: {exc}")
    except SohoaError as exc:
        result.problems.append(f"không đọc được PDF: {exc}")
    result.blobs += 1
    for position, sha in enumerate(target.pages, start=1):
        result.blobs += 1
        try:
            result.bytes += len(archive.blobs.get(sha))
        except (VerificationError, NotFoundError) as exc:
            result.problems.append(f"ảnh trang {position}: {exc}")
        except SohoaError as exc:
            result.problems.append(f"không đọc được ảnh trang {position}: {exc}")
    return result


def record(archive: Archive, run: Run, results: Sequence[Result], *, by: str,
           cursor: str | None) -> None:
    """Store a batch's outcome, its mismatches as audit events, and the run's progress."""
    now = utc_now()
    for r in results:
        key = "documents" if r.target.kind == "document" else "records"
        run.counts[key] += 1
        run.counts["blobs"] += r.blobs
        run.counts["bytes"] += r.bytes
        run.counts["mismatches"] += bool(r.problems)
    if cursor is not None:
        run.cursor = cursor
    with archive.transaction(write=True) as conn:
        for r in results:
            if r.target.kind == "document":
                upsert(conn, FixityState.__table__, {
                    "document_id": r.target.id, "checked_at": now, "ok": not r.problems,
                    "problem": "; ".join(r.problems) or None,
                }, key=("document_id",), update=("checked_at", "ok", "problem"))
            if r.problems:
                audit_log.append(conn, "fixity.mismatch", actor=by, target=r.target.id,
                                 detail={"run": run.id, "problems": r.problems,
                                         "pdf_sha256": r.target.pdf_sha256})
        conn.execute(update(FixityRun).where(FixityRun.id == run.id).values(
            cursor=run.cursor, counts=dict(run.counts)))


def finish_run(archive: Archive, run: Run, *, by: str) -> dict[str, Any]:
    now = utc_now()
    with archive.transaction(write=True) as conn:
        conn.execute(update(FixityRun).where(FixityRun.id == run.id).values(
            status=FINISHED, finished_at=now, counts=dict(run.counts)))
        audit_log.append(conn, "fixity.checked", actor=by, target=f"fixity-run:{run.id}",
                         detail={"mode": run.mode, "sample": run.sample,
                                 "signatures": run.signatures, "resumed": run.resumed,
                                 **run.counts})
    return {"run": run.id, "mode": run.mode, "sample": run.sample,
            "signatures": run.signatures, "resumed": run.resumed, "finished_at": iso(now),
            **run.counts}


def runs(archive: Archive, limit: int = 20) -> list[dict[str, Any]]:
    with archive.transaction(write=False) as conn:
        rows = conn.execute(select(FixityRun).order_by(FixityRun.id.desc()).limit(limit))
        return [{"run": r["id"], "mode": r["mode"], "sample": r["sample"],
                 "signatures": r["signatures"], "status": r["status"],
                 "started_by": r["started_by"], "started_at": iso(r["started_at"]),
                 "finished_at": iso(r["finished_at"]), **dict(r["counts"])}
                for r in rows.mappings()]
