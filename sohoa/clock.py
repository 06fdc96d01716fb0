"""The one clock of sohoa: instants in UTC, calendar days in Viet Nam.

The desks, the registers, the retention periods and the KPI reports count Vietnamese days
(UTC+7, no daylight saving). A machine's own zone is no guide: the servers and CI run in UTC,
where from 17:00 to 24:00 it is still "yesterday" — a result issued at 07:30 in Biên Hòa
would not yet be valid "today" for the reuse lookup. So nothing in sohoa asks the machine for
its local day (``date.today()``, a naive ``datetime.now()``): it asks here
(``tests/test_clock.py`` checks the source for it).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")
# How far ahead of this machine's clock another clock (the one-stop system's, a desk PC's)
# may run: a moment later than that has not happened yet.
CLOCK_SKEW = timedelta(minutes=5)


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


def latest_past_day() -> date:
    """The latest Vietnamese day that can have begun by now, allowing another clock to run
    CLOCK_SKEW ahead: a death or a closing dated after it has not happened yet."""
    return vietnam_day(utc_now() + CLOCK_SKEW)


def vietnam_day(at: datetime) -> date:
    """The Vietnamese calendar day of an instant (a naive one is taken as UTC)."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(VIETNAM).date()


def shown_date(value: str | date | datetime | None) -> str:
    """A day as papers print it, DD/MM/YYYY; an instant as the Vietnamese day it fell on (a
    UTC instant's own date is yesterday from 17:00 to 24:00 UTC). "—" for none; text that is
    no date comes back as it is."""
    if value is None or value == "":
        return "—"
    try:
        if isinstance(value, str):
            value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(
                value)
    except ValueError:
        return str(value)
    if isinstance(value, datetime):
        value = vietnam_day(value)
    return f"{value:%d/%m/%Y}"


# The two ways a person types a day: as papers and sohoa's own output print it, and as ISO.
DAY_FORMS = "DD/MM/YYYY hoặc YYYY-MM-DD"
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class NotADay(ValueError):
    """Text typed where a day was asked that is no day. ``well_formed``: shaped as a day
    (31/12/2030 or 2030-12-31) but one the calendar lacks (30/02/2030): the person typed the
    form right and needs to hear which part is wrong; False when it is not shaped as a day at
    all. (It was called ``exists``, True for the text that was no day at all: review14a N6.)"""

    def __init__(self, text: str, *, well_formed: bool) -> None:
        super().__init__(text)
        self.text, self.well_formed = text, well_formed

    def vietnamese(self) -> str:
        return (f"ngày không tồn tại: {self.text!r}" if self.well_formed
                else f"{self.text!r} không phải ngày: dùng {DAY_FORMS}")


def typed_day(value: str) -> date:
    """A day typed as sohoa shows it (31/12/2030) or as ISO (2030-12-31) — the CLI's options
    and the web's forms read days alike, whatever the browser's or the machine's locale."""
    text = value.strip()
    if m := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise NotADay(value, well_formed=False)
    try:
        return date(year, month, day)
    except ValueError:
        raise NotADay(value, well_formed=True) from None


def shown_field(value: object) -> str:
    """A read field's value as a person reads it beside the header: a day DD/MM/YYYY ("Ngày
    cấp 2025-08-14" sat under "14/08/2025"), anything else as it is, "—" for none. One rule for
    the command line and the web page; the JSON keeps ISO."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return shown_date(value)
    return "—" if value is None or value == "" else str(value)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def shown_moment(value: str | datetime | None, *, seconds: bool = False) -> str:
    """An instant on Viet Nam's wall clock, DD/MM/YYYY HH:MM (and :SS with ``seconds``; a naive
    one taken as UTC); a bare day as :func:`shown_date`."""
    if value is None or value == "":
        return "—"
    try:
        if isinstance(value, str):
            if len(value) <= 10:
                return shown_date(value)
            value = datetime.fromisoformat(value)
    except ValueError:
        return str(value)
    at = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(VIETNAM)
    return f"{at:%d/%m/%Y %H:%M:%S}" if seconds else f"{at:%d/%m/%Y %H:%M}"
