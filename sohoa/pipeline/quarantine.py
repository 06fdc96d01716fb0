"""``sohoa quarantine``: what could not be used, once per input, where the file is now, and
what to do with it (retry it after fixing, or dismiss it with a reason).

The catalog records the path an input had when it was quarantined; a hot folder moves it to
``failed/`` right after, so the listing looks there when the recorded path is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sohoa.archive.policy import Caller
from sohoa.errors import ConfigError
from sohoa.pipeline.quarantinelist import CHANGED, changed, current_path, entries, paths_of, settle
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings
from sohoa.vntext import nfc

__all__ = ["CHANGED", "changed", "current_path", "dismiss", "entries", "listing", "paths_of",
           "retry", "retry_paths", "settle"]


def listing(settings: Settings, *, caller: Caller | None = None,
            unit: str | None = None) -> list[dict[str, Any]]:
    """The quarantine (of ``unit`` only, if given). With ``caller`` the read is the caller's:
    their role decides what they see (``OperatorDesk.quarantine``: desk staff their own
    unit's) and it is written to the access log under their name."""
    with open_archive(settings) as archive:
        if caller is None:
            return entries(archive, unit=unit)
        from sohoa.pipeline.operatordesk import OperatorDesk

        rows = OperatorDesk(archive, settings).quarantine(caller)
        return [r for r in rows if unit is None or nfc(r.get("unit") or "") == nfc(unit)]


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
          progress: Any, by: str, fixed: bool = False) -> Any:
    from sohoa.pipeline.ingest import run_ingest

    with open_archive(settings) as archive:
        rows = entries(archive)
    summary = run_ingest(paths_of(rows, ids), settings, emit=emit, progress=progress, by=by)
    with open_archive(settings) as archive:
        settle(archive, rows, ids, summary.job_id, by=by, fixed=fixed)
    return summary
