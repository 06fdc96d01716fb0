"""Small value conversions shared by the archive's modules (UTC instants, ISO text, NFC)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sohoa.vntext import nfc

SYSTEM_ACTOR = "sohoa"


_VIETNAM = timezone(timedelta(hours=7), "ICT")  # no daylight saving in Viet Nam


def utc_now() -> datetime:
    return datetime.now(UTC)


def vietnam_today() -> date:
    """The calendar day in Viet Nam now: retention periods end on Vietnamese days, and a
    disposal run at 01:00 in Biên Hòa must not count as yesterday (UTC)."""
    return datetime.now(_VIETNAM).date()


def aware(value: datetime | None) -> datetime | None:
    """Treat a naive datetime as UTC (records should carry aware ones; be lenient on read-in)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def nfc_opt(value: str | None) -> str | None:
    return nfc(value) if value is not None else None
