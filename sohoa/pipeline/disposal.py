"""Disposal lists for the faces: propose, show, approve, cancel, and fetch the destruction
record. Executing a list (signing its record) is ``pipeline/disposaljob.py``; the state machine
and its audit events are ``archive/disposal.py``'s. Each call opens the archive from the
settings; proposing hands it the document-type registry (the retention periods)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sohoa.archive import disposal
from sohoa.doctypes import load_registry
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings


def propose(settings: Settings, *, as_of: date, note: str, by: str, doc_type: str | None = None,
            unit: str | None = None, runner: str | None = None) -> dict[str, Any] | None:
    with open_archive(settings) as archive:
        return disposal.propose(archive, as_of=as_of, note=note, by=by,
                                registry=load_registry(), doc_type=doc_type, unit=unit,
                                runner=runner)


def unreviewed_due(settings: Settings, *, as_of: date, doc_type: str | None = None,
                   unit: str | None = None) -> list[dict[str, Any]]:
    """Past their period but not reviewed: kept off every list, with the reason."""
    with open_archive(settings) as archive:
        return disposal.unreviewed_due(archive, as_of=as_of, registry=load_registry(),
                                       doc_type=doc_type, unit=unit)


def lists(settings: Settings) -> list[dict[str, Any]]:
    with open_archive(settings) as archive:
        return disposal.lists(archive)


def get(settings: Settings, list_id: int) -> dict[str, Any]:
    with open_archive(settings) as archive:
        return disposal.get(archive, list_id)


def approve(settings: Settings, list_id: int, *, decision: str, by: str,
            runner: str | None = None) -> dict[str, Any]:
    with open_archive(settings) as archive:
        return disposal.approve(archive, list_id, decision=decision, by=by, runner=runner)


def cancel(settings: Settings, list_id: int, *, reason: str, by: str) -> dict[str, Any]:
    with open_archive(settings) as archive:
        return disposal.cancel(archive, list_id, reason=reason, by=by)


def record_pdf(settings: Settings, list_id: int) -> bytes:
    with open_archive(settings) as archive:
        return disposal.record_pdf(archive, list_id)
