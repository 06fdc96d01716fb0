"""Browser sessions made from API tokens, kept in the catalog.

The token is typed once on the sign-in page; the catalog keeps the session under the SHA-256 of
a random id, tied to the token's public id (never the token), and the browser holds the id in
an HttpOnly, SameSite=Strict cookie — never in a URL. Every request resolves the session through
its token, so roles, units and revocation are the API's. Because the catalog holds them, a
restart of ``sohoa serve`` signs nobody out, and two server processes share them.

A session ends after ``IDLE`` without a click, after ``LIFETIME`` whatever happens, or when its
person signs out (the row is deleted, so the cookie is worthless even if it was copied).

Each session has its own CSRF token, which every form that writes carries and every write
checks (SameSite already stops cross-site posts in today's browsers; the token also covers older
ones and same-site pages). It is an HMAC of the session id, so it needs no storage and says
nothing about the id."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sohoa.pipeline.lookup import Caller

COOKIE = "sohoa_session"
IDLE = timedelta(hours=8)  # one working day without a click
LIFETIME = timedelta(hours=12)  # a session never outlives a long working day


class SessionStore(Protocol):
    """What the catalog (``Archive``) offers the web for its sessions."""

    def open_web_session(self, token: str, session_id: str, *, idle: timedelta,
                         lifetime: timedelta) -> Caller: ...

    def web_session(self, session_id: str, *, idle: timedelta,
                    lifetime: timedelta) -> Caller | None: ...

    def end_web_session(self, session_id: str) -> bool: ...


@dataclass(frozen=True)
class Session:
    sid: str
    csrf: str
    caller: Caller


def csrf_of(sid: str) -> str:
    return hmac.new(sid.encode("utf-8"), b"sohoa-web-csrf", hashlib.sha256).hexdigest()


class Sessions:
    """The web's sessions over the catalog of ``archive``."""

    def __init__(self, archive: SessionStore, *, idle: timedelta = IDLE,
                 lifetime: timedelta = LIFETIME) -> None:
        self.archive = archive
        self.idle = idle
        self.lifetime = lifetime

    def create(self, token: str) -> Session:
        """A new session for a valid token (NotAuthenticatedError otherwise)."""
        sid = secrets.token_urlsafe(32)
        caller = self.archive.open_web_session(token, sid, idle=self.idle,
                                               lifetime=self.lifetime)
        return Session(sid, csrf_of(sid), caller)

    def get(self, sid: str | None) -> Session | None:
        if not sid or len(sid) > 128:
            return None
        caller = self.archive.web_session(sid, idle=self.idle, lifetime=self.lifetime)
        return Session(sid, csrf_of(sid), caller) if caller is not None else None

    def end(self, sid: str | None) -> None:
        if sid:
            self.archive.end_web_session(sid)


def csrf_ok(session: Session, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(session.csrf, presented or "")
