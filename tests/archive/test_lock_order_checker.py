"""The lock-order checker itself (review14a S2): if it stopped raising, every other test would
still pass and a path that deadlocks two PostgreSQL writers would go unseen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine

from sohoa.archive import catalog
from sohoa.archive.catalog import LockOrderError, dossier_locks, xact_lock


@pytest.fixture
def engine() -> Iterator[Engine]:
    eng = create_engine("sqlite://")
    yield eng
    eng.dispose()


def test_a_dossier_after_the_audit_chain_raises(engine: Engine) -> None:
    assert catalog.CHECK_LOCK_ORDER
    with engine.begin() as conn:
        xact_lock(conn, "chain:audit_head")
        with pytest.raises(LockOrderError, match="dossier:H1"):
            dossier_locks(conn, "H1")


def test_numbering_before_the_dossier_raises(engine: Engine) -> None:
    with engine.begin() as conn:
        xact_lock(conn, "sync-order:A")
        with pytest.raises(LockOrderError):
            xact_lock(conn, "dossier:A")


def test_dossiers_in_any_order_asked_are_taken_sorted_and_again(engine: Engine) -> None:
    with engine.begin() as conn:
        dossier_locks(conn, "B", "A")
        dossier_locks(conn, "A")  # held already: waits for nothing
        xact_lock(conn, "sync-fanout")
        xact_lock(conn, "chain:audit_head")
    with engine.begin() as conn:  # a new transaction on the pooled connection starts clean
        dossier_locks(conn, "A")


def test_the_check_reaches_the_processes_tests_start() -> None:
    import os
    import subprocess
    import sys

    assert os.environ.get("SOHOA_CHECK_LOCK_ORDER") == "1"
    code = "from sohoa.archive import catalog; print(catalog.CHECK_LOCK_ORDER)"
    done = subprocess.run([sys.executable, "-c", code],
                          capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "True"
