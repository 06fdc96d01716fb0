"""The one clock of sohoa: instants in UTC, calendar days in Viet Nam.

The desks, the registers, the retention periods and the KPI reports count Vietnamese days
(UTC+7, no daylight saving). A machine's own zone is no guide: the servers and CI run in UTC,
where from 17:00 to 24:00 it is still "yesterday" — a result issued at 07:30 in Biên Hòa
would not yet be valid "today" for the reuse lookup. So nothing in sohoa asks the machine for
its local day (``date.today()``, a naive ``datetime.now()``): it asks here
(``tests/test_clock.py`` checks the source for it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")


def utc_now() -> datetime:
    return datetime.now(UTC)


def vietnam_now() -> datetime:
    """Now, on Viet Nam's wall clock (an aware datetime)."""
    return datetime.now(VIETNAM)


def vietnam_today() -> date:
    """The calendar day in Viet Nam now: a result issued this morning in Biên Hòa is valid
    today even when the server's UTC day is still yesterday, and a disposal run at 01:00 must
    not count as yesterday."""
    return vietnam_now().date()


def vietnam_day(at: datetime) -> date:
    """The Vietnamese calendar day of an instant (a naive one is taken as UTC)."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(VIETNAM).date()
