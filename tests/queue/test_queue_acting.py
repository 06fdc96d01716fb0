"""Naming who ran a job (the board's ``by``) never stops the job from ending: a worker whose
catalog cannot be opened (locked past its busy timeout) still runs the give-up that marks the
job failed on the board — the CI's locked-catalog fault test waited 300 s for an ingest whose
give-up died opening the catalog only to name the clerk."""

from __future__ import annotations

from typing import Any

from sohoa.errors import StorageBusyError
from sohoa.pipeline.queue.actors import Queue


class _Board:
    def info(self, job_id: str) -> dict[str, Any]:
        return {"by": "thu.nguyen"}


def test_a_catalog_that_cannot_open_does_not_stop_the_handler() -> None:
    queue = Queue.__new__(Queue)  # no broker: only the naming is under test
    queue.board = _Board()  # type: ignore[assignment]

    def locked() -> None:
        raise StorageBusyError("danh mục đang bị khóa")

    queue.archive = locked  # type: ignore[method-assign,assignment]
    ran: list[str] = []
    with queue._acting("7bcbe7eb"):
        ran.append("give-up")  # the handler runs, and meets the fault itself if it needs it
    assert ran == ["give-up"]
