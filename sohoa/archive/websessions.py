"""Web sign-in sessions (the web workplace), kept in the catalog.

The browser holds a random session id in a cookie; the catalog holds only its SHA-256, the id
of the API token it was made from, when it was made and when it was last seen. Each request
resolves the session through its token, so the token's user, role and unit are the API's and a
revoked token ends its sessions at once. A session ends after ``idle`` without a request, after
``lifetime`` whatever happens, or when its person signs out (the row is deleted).

Functions take an open connection; the caller (``Archive``) owns the transaction.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, or_, select, update

from sohoa.archive.models import ApiToken, WebSession
from sohoa.archive.policy import Caller
from sohoa.archive.values import aware

SEEN_RESOLUTION = timedelta(minutes=1)  # last-seen is written at most once a minute


def digest(session_id: str) -> str:
    return hashlib.sha256(("sohoa-web-session\0" + session_id).encode("utf-8")).hexdigest()


def open_session(conn: Connection, session_id: str, token_id: str, now: datetime,
                 *, idle: timedelta, lifetime: timedelta) -> None:
    """Record a new session (and drop the expired ones: nothing else ever reads them)."""
    conn.execute(delete(WebSession).where(or_(WebSession.last_seen_at < now - idle,
                                              WebSession.created_at < now - lifetime)))
    conn.execute(WebSession.__table__.insert().values(
        id_sha256=digest(session_id), token_id=token_id, created_at=now, last_seen_at=now))


def resolve(conn: Connection, session_id: str, channel: str, now: datetime, *,
            idle: timedelta, lifetime: timedelta) -> tuple[Caller | None, str | None]:
    """The caller a live session stands for (None: unknown, expired, or its token revoked),
    and its token's id when the session's last-seen time is old enough to be written again
    (with the token's last use: ``sohoa tokens list`` shows web users as in use)."""
    row = conn.execute(
        select(WebSession.created_at, WebSession.last_seen_at, WebSession.token_id,
               ApiToken.user, ApiToken.role, ApiToken.unit, ApiToken.revoked_at)
        .join(ApiToken, ApiToken.id == WebSession.token_id)
        .where(WebSession.id_sha256 == digest(session_id))).first()
    if row is None or row.revoked_at is not None:
        return None, None
    seen, made = aware(row.last_seen_at), aware(row.created_at)
    assert seen is not None and made is not None
    if now - seen > idle or now - made > lifetime:
        return None, None
    return (Caller(user=row.user, role=row.role, unit=row.unit, channel=channel),
            row.token_id if now - seen > SEEN_RESOLUTION else None)


def touch(conn: Connection, session_id: str, now: datetime) -> None:
    conn.execute(update(WebSession).where(WebSession.id_sha256 == digest(session_id))
                 .values(last_seen_at=now))


def end(conn: Connection, session_id: str) -> bool:
    return bool(conn.execute(delete(WebSession).where(
        WebSession.id_sha256 == digest(session_id))).rowcount)


def end_for_token(conn: Connection, token_id: str) -> int:
    return int(conn.execute(delete(WebSession).where(WebSession.token_id == token_id)).rowcount)
