"""Two writers racing on one catalog: the contract race tests hold a transaction open while a
racer runs in a thread, and go on once the racer waits for the transaction's locks.

Waiting on the real condition, not for a second (review14a N14): on PostgreSQL the racer is seen
waiting in ``pg_locks`` (a lock not granted, in the test's database); a racer that finishes
without waiting ends the wait too. On SQLite a write transaction excludes every other writer
from its start, so nothing is waited for there: the SQLite runs only show that the outcome is
right, and only the PostgreSQL runs can catch a wrong lock order."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from backends import Place

# how long a racer may take to reach the lock it waits for (a bound for a hung test, not a
# timing the tests assert)
REACH_S = 60.0


def racing(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """A thread (not started) that runs ``work`` and appends its result, or the exception it
    raised, to the list returned with it."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    return threading.Thread(target=run), outcome


def until_waiting(place: Place, racer: threading.Thread) -> None:
    """Return once ``racer`` waits for a lock on ``place``'s PostgreSQL catalog, or has
    finished; at once on SQLite (see the module's docstring)."""
    if not place.urls[0].startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    watcher = create_engine(place.urls[0], poolclass=NullPool)
    deadline = time.monotonic() + REACH_S
    try:
        with watcher.connect() as conn:
            while racer.is_alive() and time.monotonic() < deadline:
                waiting = conn.execute(text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE NOT l.granted AND a.datname = current_database()")).scalar_one()
                conn.rollback()  # a fresh snapshot of the lock table each time
                if waiting:
                    return
                time.sleep(0.01)
    finally:
        watcher.dispose()
    assert not racer.is_alive(), f"the racer reached no lock in {REACH_S:g} s"
