"""Retention for the faces: the plan of what becomes disposable when, and the recorded
decisions that change it (a dossier's override, the date a period counts from).

The rules live in ``archive/retention.py``; this module opens the archive from the settings and
hands it the document-type registry, so a command or an API route calls one function."""

from __future__ import annotations

from datetime import date
from typing import Any

from sohoa.archive import retention
from sohoa.doctypes import load_registry
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings


def plan(settings: Settings, *, as_of: date, doc_type: str | None = None,
         unit: str | None = None) -> list[dict[str, Any]]:
    with open_archive(settings) as archive:
        return retention.plan(archive, as_of=as_of, registry=load_registry(), doc_type=doc_type,
                              unit=unit)


def set_override(settings: Settings, dossier: str, *, years: int | None, counted_from: str,
                 reason: str, by: str) -> dict[str, Any]:
    with open_archive(settings) as archive:
        return retention.set_override(archive, dossier, years=years, counted_from=counted_from,
                                      reason=reason, by=by, registry=load_registry())


def clear_override(settings: Settings, dossier: str, *, reason: str, by: str) -> None:
    with open_archive(settings) as archive:
        retention.clear_override(archive, dossier, reason=reason, by=by)


def record_event(settings: Settings, event: str, subject_id: str, on_date: date, *,
                 reason: str | None, by: str) -> dict[str, Any]:
    with open_archive(settings) as archive:
        return retention.record_event(archive, event, subject_id, on_date, reason=reason, by=by)


def overrides(settings: Settings) -> list[dict[str, Any]]:
    with open_archive(settings) as archive:
        return retention.overrides(archive)
