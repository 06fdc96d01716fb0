"""Small value conversions shared by the archive's modules (UTC instants, ISO text, NFC)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sohoa.clock import utc_now as utc_now
from sohoa.clock import vietnam_day as vietnam_day
from sohoa.clock import vietnam_today as vietnam_today
from sohoa.doctypes import VALIDITY_UNKNOWN
from sohoa.vntext import nfc

SYSTEM_ACTOR = "sohoa"


def aware(value: datetime | None) -> datetime | None:
    """Treat a naive datetime as UTC (records should carry aware ones; be lenient on read-in)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def validity_iso(value: date | None) -> str | None:
    """A document's last valid day as every outward face gives it: the registry's
    VALIDITY_UNKNOWN (no readable date; the catalog keeps it so reuse never offers the paper) is
    null there, with ``validity_unknown`` beside it, never "0001-01-01" (tester11 F2)."""
    return None if value is None or value == VALIDITY_UNKNOWN else value.isoformat()


def nfc_opt(value: str | None) -> str | None:
    return nfc(value) if value is not None else None
