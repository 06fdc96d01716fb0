"""``sohoa fixity check``: re-hash stored files against the catalog and verify signatures.

The hashing and the bookkeeping (runs, per-document state, audit events for every mismatch) are
``sohoa.archive.fixity``'s; this module adds the signature check of the signing room and runs
the batches with progress. ``--all`` walks every stored document in id order and resumes an
interrupted run where it stopped; ``--sample N`` checks the N documents checked longest ago.
Destruction records of executed disposal lists are checked in both modes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sohoa.archive import Archive, fixity
from sohoa.errors import SohoaError
from sohoa.pipeline.progress import NoProgress, Progress
from sohoa.pipeline.services import open_archive, trust_roots
from sohoa.pipeline.settings import Settings
from sohoa.records import VerificationReport
from sohoa.signing import verify_pdf

BATCH = 50


def check(settings: Settings, *, sample: int | None, signatures: bool = True, by: str,
          restart: bool = False, emit: Callable[[dict[str, Any]], None] = lambda _e: None,
          progress: Progress | None = None) -> dict[str, Any]:
    roots = trust_roots(settings) if signatures else []
    with open_archive(settings) as archive:
        return check_in(archive, roots, sample=sample, signatures=signatures, by=by,
                        restart=restart, emit=emit, progress=progress)


def check_in(archive: Archive, roots: list[Path], *, sample: int | None, signatures: bool,
             by: str, restart: bool = False,
             emit: Callable[[dict[str, Any]], None] = lambda _e: None,
             progress: Progress | None = None) -> dict[str, Any]:
    progress = progress or NoProgress()
    run = fixity.start_run(archive, mode="all" if sample is None else "sample", sample=sample,
                           signatures=signatures, by=by, restart=restart)
    if run.resumed:
        emit({"resumed": run.id, "after": run.cursor, "checked": run.counts["documents"]})
    progress.start(fixity.total(archive, run) + len(fixity.destruction_records(archive)))

    def handle(targets: list[fixity.Target], cursor: str | None) -> None:
        results = []
        for target in targets:
            result = fixity.check_blobs(archive, target)
            if signatures and target.signed and result.pdf is not None:
                run.counts["signatures_checked"] += 1
                result.problems.extend(_signature_problems(result.pdf, roots))
            result.pdf = None
            results.append(result)
            emit({"id": target.id, "kind": target.kind, "ok": not result.problems,
                  "problems": result.problems})
        fixity.record(archive, run, results, by=by, cursor=cursor)
        progress.advance(len(targets))

    if sample is None:
        while targets := fixity.documents_after(archive, run.cursor, BATCH):
            handle(targets, targets[-1].id)
    else:
        chosen = fixity.least_recently_checked(archive, sample)
        for start in range(0, len(chosen), BATCH):
            handle(chosen[start:start + BATCH], None)
    handle(fixity.destruction_records(archive), None)
    return fixity.finish_run(archive, run, by=by)


def _signature_problems(pdf: bytes, roots: list[Path]) -> list[str]:
    try:
        report = verify_pdf(pdf, trust_roots=roots)
    except SohoaError as exc:
        return [f"không kiểm tra được chữ ký: {exc}"]
    return describe(report)


def describe(report: VerificationReport) -> list[str]:
    if report.valid:
        return []
    problems = [f"chữ ký: {p}" for p in report.problems]
    for sig in report.signatures:
        what = []
        if not sig.intact:
            what.append("nội dung đã ký bị thay đổi")
        if not sig.trusted:
            what.append("không dẫn về tổ chức chứng thực tin cậy")
        if sig.revoked:
            what.append("chứng thư số đã bị thu hồi")
        what.extend(sig.problems)
        if what:
            problems.append(f"chữ ký {sig.field_name} của {sig.signer}: " + "; ".join(what))
    return problems or ["chữ ký không hợp lệ"]


def runs(settings: Settings, limit: int = 20) -> list[dict[str, Any]]:
    """Recent fixity runs, newest first."""
    with open_archive(settings) as archive:
        return fixity.runs(archive, limit)
