"""Browser sessions made from API tokens.

The token is typed once on the sign-in page and kept server-side only; the browser holds a
random session id in an HttpOnly, SameSite=Strict cookie. Every request re-resolves the token
through the archive, so a revoked token ends its sessions at once. Each session has its own
CSRF token, which every form that writes carries and every write checks (SameSite already stops
cross-site posts in today's browsers; the token also covers older ones and same-site pages)."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass

COOKIE = "sohoa_session"
IDLE_SECONDS = 8 * 3600  # one working day without a click
MAX_SESSIONS = 10_000


@dataclass(frozen=True)
class Session:
    sid: str
    token: str
    csrf: str
    last_seen: float


class Sessions:
    """In-memory, per server process: a restart signs everybody out, which is the safe side."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, Session] = {}
        self.idle_seconds = idle_seconds

    def create(self, token: str) -> Session:
        now = time.monotonic()
        session = Session(secrets.token_urlsafe(32), token, secrets.token_urlsafe(32), now)
        with self._lock:
            self._expire(now)
            if len(self._by_id) >= MAX_SESSIONS:  # the oldest idle one goes
                oldest = min(self._by_id.values(), key=lambda s: s.last_seen)
                del self._by_id[oldest.sid]
            self._by_id[session.sid] = session
        return session

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._by_id.get(sid)
            if session is None:
                return None
            if now - session.last_seen > self.idle_seconds:
                del self._by_id[sid]
                return None
            session = Session(session.sid, session.token, session.csrf, now)
            self._by_id[sid] = session
            return session

    def end(self, sid: str | None) -> None:
        with self._lock:
            self._by_id.pop(sid or "", None)

    def _expire(self, now: float) -> None:
        for sid in [s.sid for s in self._by_id.values()
                    if now - s.last_seen > self.idle_seconds]:
            del self._by_id[sid]


def csrf_ok(session: Session, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(session.csrf, presented or "")
