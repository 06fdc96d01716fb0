"""``sohoa quarantine``: what could not be used, once per input, where the file is now, and
what to do with it (retry it after fixing, or dismiss it with a reason).

The catalog records the path an input had when it was quarantined; a hot folder moves it to
``failed/`` right after, so the listing looks there when the recorded path is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sohoa.errors import ConfigError
from sohoa.pipeline.quarantinelist import CHANGED, changed, current_path, entries, paths_of, settle
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings

__all__ = ["CHANGED", "changed", "current_path", "dismiss", "entries", "listing", "paths_of",
           "retry", "retry_paths", "settle"]


def listing(settings: Settings) -> list[dict[str, Any]]:
    with open_archive(settings) as archive:
        return entries(archive)


def dismiss(settings: Settings, ids: list[int], *, reason: str, by: str) -> int:
    why = " ".join((reason or "").split())
    if not why:
        raise ConfigError("nói lý do bỏ qua (--reason), ví dụ: tệp gửi nhầm, đã quét lại")
    with open_archive(settings) as archive:
        return archive.dismiss_quarantine(ids, reason=why, by=by)


def retry_paths(settings: Settings, ids: list[int]) -> list[Path]:
    """The current files of these quarantine entries, to be ingested again."""
    return paths_of(listing(settings), ids)


def retry(settings: Settings, ids: list[int], *, emit: Callable[[dict[str, Any]], None],
          progress: Any, by: str) -> Any:
    from sohoa.pipeline.ingest import run_ingest

    with open_archive(settings) as archive:
        rows = entries(archive)
    summary = run_ingest(paths_of(rows, ids), settings, emit=emit, progress=progress)
    with open_archive(settings) as archive:
        settle(archive, rows, ids, summary.job_id, by=by)
    return summary
