"""Owner rows are taken in one order (store14 "left"): row locks are not in the checked order
of named locks, and a shared paper writes its owner's row and its co-owners'. Two marriage
certificates stored at once into two dossiers — the husband's naming the wife, the wife's
naming the husband — took the two rows in opposite orders and deadlocked. PostgreSQL only:
SQLite serialises writers, so the order cannot matter there."""

from __future__ import annotations

from datetime import date

from archivist_helpers import store
from backends import Place
from races import racing, until_waiting

from sohoa.archive import owners
from sohoa.archive.values import utc_now

HUSBAND = "075203001234"  # sorts before the wife's number
WIFE = "075303001111"


def test_two_shared_papers_naming_each_other_take_the_owner_rows_in_one_order(
        pg_place: Place) -> None:
    """A store of the husband's certificate has written his row and is about to write the
    wife's; the wife's certificate (her dossier, the husband as co-owner) is stored meanwhile
    by another connection. Taking her row first, it waited for his while holding hers, and the
    first store then waited for hers: PostgreSQL rolled one back (DeadlockDetected). Now every
    store takes the rows in id order: the second waits for the husband's row holding nothing,
    and both stores commit."""
    first, second = pg_place.open(), pg_place.open()
    try:
        racer, outcome = racing(lambda: store(
            second, None, "kh-vo", doc_type="marriage_certificate",
            title="GIẤY CHỨNG NHẬN KẾT HÔN", owner_id=WIFE, owner_name="Lê Thị Hoa",
            dossier="HS-075-2026-0002", issue_date=date(2020, 5, 1), retention="permanent",
            co_owners=((HUSBAND, "Nguyễn Văn Hùng"),)))
        with first.transaction(write=True) as conn:  # the husband's store, half-way
            now = utc_now()
            owners.record_owner(conn, HUSBAND, "person", "Nguyễn Văn Hùng", now=now,
                                authoritative=False)
            racer.start()
            until_waiting(pg_place, racer)  # (the wife's store started and waits for a row)
            owners.record_owner(conn, WIFE, "person", "Lê Thị Hoa", now=now,
                                authoritative=False)
        racer.join(timeout=60)
        [stored] = outcome
        assert isinstance(stored, str), stored
        assert second.get_document(stored)["co_owner_ids"] == [HUSBAND]
    finally:
        first.close()
        second.close()
