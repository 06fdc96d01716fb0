"""``sohoa signatures renew``: keep archived B-LTA files verifiable as their timestamps age.

For every stored B-LTA document whose newest document timestamp's certificate expires before
the given date, a new document timestamp (with the validation data of the old one) is added as
a new revision; the catalog points at the new file and the old one stays in the blob store.
Every renewal, and every failure, is an audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sohoa.archive.revisions import replace_pdf, signed_documents
from sohoa.errors import ConfigError, NotFoundError, SohoaError, WorkflowError
from sohoa.pipeline.progress import NoProgress, Progress
from sohoa.pipeline.services import open_archive, trust_roots
from sohoa.pipeline.settings import Settings
from sohoa.signing import last_timestamp_expiry, renew_timestamps

# Renew well before the timestamp certificate expires: a TSA certificate usually runs for years.
DEFAULT_MARGIN = timedelta(days=365)


def renew_signatures(settings: Settings, *, before: date | None = None, dry_run: bool = False,
                     actor: str = "archivist", emit: Callable[[dict[str, Any]], None] = print,
                     progress: Progress | None = None) -> dict[str, int]:
    if not settings.tsa_url:
        raise ConfigError("gia hạn chữ ký cần máy chủ cấp dấu thời gian: đặt "
                          "signing.tsa_url trong sohoa.toml")
    progress = progress or NoProgress()
    cutoff = before or (datetime.now(UTC) + DEFAULT_MARGIN).date()
    roots = trust_roots(settings)
    counts = {"checked": 0, "renewed": 0, "due": 0, "failed": 0, "skipped": 0}
    with open_archive(settings) as archive:
        documents = signed_documents(archive, level="B-LTA")
        progress.start(len(documents))
        for doc in documents:
            progress.advance()
            counts["checked"] += 1
            document_id = doc["document_id"]
            try:
                pdf = archive.get_pdf(document_id)
            except NotFoundError as exc:  # destroyed since the list was read: nothing to renew
                counts["skipped"] += 1
                emit({"document_id": document_id, "renewed": False, "skipped": str(exc)})
                continue
            expiry = last_timestamp_expiry(pdf)
            if expiry is None or expiry.date() >= cutoff:
                continue
            counts["due"] += 1
            event = {"document_id": document_id, "timestamp_expiry": expiry.isoformat()}
            if dry_run:
                emit({**event, "renewed": False, "dry_run": True})
                continue
            try:
                renewed = renew_timestamps(pdf, tsa_url=settings.tsa_url, trust_roots=roots)
                sha = replace_pdf(archive, document_id, renewed, actor=actor,
                                  action="signature.renewed", detail=event)
            except (NotFoundError, WorkflowError) as exc:
                # destroyed while its timestamp was being fetched (a disposal batch holds the
                # dossier first): the renewed file was never stored, the run goes on
                counts["skipped"] += 1
                emit({**event, "renewed": False, "skipped": str(exc)})
                continue
            except SohoaError as exc:
                counts["failed"] += 1
                archive.audit("signature.renewal_failed", actor=actor, target=document_id,
                              detail={**event, "error": str(exc)})
                emit({**event, "renewed": False, "error": str(exc)})
                continue
            counts["renewed"] += 1
            emit({**event, "renewed": True, "pdf": sha})
        if not dry_run:  # each renewal and failure is an event; the run as a whole too
            archive.audit("signatures.renewal_run", actor=actor, target="signatures",
                          detail={**counts, "before": cutoff.isoformat()})
    return counts
