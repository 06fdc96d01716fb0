"""Legal holds for the faces: place, release and list them (``archive/holds.py`` keeps the
rows and the audit events; this module opens the archive from the settings)."""

from __future__ import annotations

from typing import Any

from sohoa.archive import holds
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings


def place(settings: Settings, scope: str, target: str, *, reason: str,
          by: str) -> dict[str, Any]:
    with open_archive(settings) as archive:
        return holds.place(archive, scope, target, reason=reason, by=by)


def release(settings: Settings, *, hold_id: int | None = None, scope: str | None = None,
            target: str | None = None, reason: str, by: str) -> list[dict[str, Any]]:
    with open_archive(settings) as archive:
        return holds.release(archive, hold_id=hold_id, scope=scope, target=target,
                             reason=reason, by=by)


def listing(settings: Settings, *, include_released: bool = False,
            target: str | None = None) -> list[dict[str, Any]]:
    with open_archive(settings) as archive:
        return holds.listing(archive, include_released=include_released, target=target)
