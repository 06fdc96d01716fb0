"""The archivist's jobs for signed-in callers (the web workplace): the same functions as
``sohoa retention|hold|disposal|fixity``, with the caller's role checked and the caller's name
as the person who proposes, approves, executes or checks (the four-eyes rule on approval is
the archive's, as for the CLI)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sohoa.archive.policy import ARCHIVISTS, Caller, check_role
from sohoa.archive.values import vietnam_today
from sohoa.pipeline import disposal, disposaljob, fixityjob, holds, retention
from sohoa.pipeline.settings import Settings


class ArchivistDesk:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _check(self, caller: Caller) -> str:
        check_role(caller, ARCHIVISTS, "làm công việc của lưu trữ viên")
        return caller.user

    def plan(self, caller: Caller, as_of: date | None = None) -> list[dict[str, Any]]:
        self._check(caller)
        return retention.plan(self.settings, as_of=as_of or vietnam_today())

    def holds(self, caller: Caller) -> list[dict[str, Any]]:
        self._check(caller)
        return holds.listing(self.settings)

    def place_hold(self, caller: Caller, scope: str, target: str,
                   reason: str) -> dict[str, Any]:
        return holds.place(self.settings, scope, target, reason=reason, by=self._check(caller))

    def release_hold(self, caller: Caller, hold_id: int, reason: str) -> list[dict[str, Any]]:
        return holds.release(self.settings, hold_id=hold_id, reason=reason,
                             by=self._check(caller))

    def lists(self, caller: Caller) -> list[dict[str, Any]]:
        self._check(caller)
        return disposal.lists(self.settings)

    def get(self, caller: Caller, list_id: int) -> dict[str, Any]:
        self._check(caller)
        return disposal.get(self.settings, list_id)

    def propose(self, caller: Caller, *, as_of: date, note: str) -> dict[str, Any] | None:
        who = self._check(caller)
        return disposal.propose(self.settings, as_of=as_of, note=note, by=who, runner=who)

    def approve(self, caller: Caller, list_id: int, decision: str) -> dict[str, Any]:
        who = self._check(caller)  # the session's identity is both the name and the runner
        return disposal.approve(self.settings, list_id, decision=decision, by=who, runner=who)

    def cancel(self, caller: Caller, list_id: int, reason: str) -> dict[str, Any]:
        return disposal.cancel(self.settings, list_id, reason=reason, by=self._check(caller))

    def execute(self, caller: Caller, list_id: int) -> dict[str, Any]:
        return disposaljob.execute(self.settings, list_id, by=self._check(caller))

    def record(self, caller: Caller, list_id: int) -> bytes:
        self._check(caller)
        return disposal.record_pdf(self.settings, list_id)

    def fixity_runs(self, caller: Caller) -> list[dict[str, Any]]:
        self._check(caller)
        return fixityjob.runs(self.settings)

    def fixity_check(self, caller: Caller, sample: int) -> dict[str, Any]:
        return fixityjob.check(self.settings, sample=sample, by=self._check(caller))
