"""API tokens: ``<id>.<secret>``, bound to a user, a role and a unit. Only the SHA-256 of the
whole token is stored (the secret has 256 bits of entropy, so a fast hash is enough; there is
nothing to brute-force), and the public ``id`` names a token in lists and revocations.

Functions take an open connection; the caller (``Archive``) owns the transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, select, update

from sohoa.archive import audit as audit_log
from sohoa.archive.models import ApiToken
from sohoa.archive.policy import ROLES, Caller, NotAuthenticatedError
from sohoa.archive.values import aware, iso, utc_now
from sohoa.errors import ConfigError, NotFoundError
from sohoa.roles import role_name
from sohoa.vntext import nfc, squash_spaces

PREFIX = "sohoa_"
USE_RESOLUTION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add(conn: Connection, user: str, role: str, unit: str, created_by: str) -> tuple[str, str]:
    """Create a token; return (token id, the token itself — shown once, never stored)."""
    user, unit = squash_spaces(nfc(user)), squash_spaces(nfc(unit))
    if role not in ROLES:
        raise ConfigError(f"không có vai trò {role!r}; chọn một trong {', '.join(ROLES)}")
    if not user:
        raise ConfigError("mã truy cập cần có tên người dùng")
    if not unit and role in ("desk", "officer"):
        raise ConfigError(f"mã truy cập của {role_name(role)} cần đơn vị của người dùng "
                          "(--unit, ví dụ H19.22)")
    token_id = secrets.token_hex(6)
    token = f"{PREFIX}{token_id}.{secrets.token_urlsafe(32)}"
    conn.execute(ApiToken.__table__.insert().values(
        id=token_id, token_sha256=_digest(token), user=user, role=role, unit=unit,
        created_at=utc_now(), created_by=nfc(created_by), revoked_at=None))
    audit_log.append(conn, "token.added", actor=created_by, target=token_id,
                     detail={"user": user, "role": role, "unit": unit})
    return token_id, token


def listing(conn: Connection, include_revoked: bool) -> list[dict[str, Any]]:
    stmt = select(ApiToken).order_by(ApiToken.created_at, ApiToken.id)
    if not include_revoked:
        stmt = stmt.where(ApiToken.revoked_at.is_(None))
    return [{"id": r["id"], "user": r["user"], "role": r["role"], "unit": r["unit"],
             "created_at": iso(r["created_at"]), "created_by": r["created_by"],
             "revoked_at": iso(r["revoked_at"]), "last_used_at": iso(aware(r["last_used_at"]))}
            for r in conn.execute(stmt).mappings()]


def revoke(conn: Connection, token_id: str, revoked_by: str) -> None:
    done = conn.execute(update(ApiToken).where(ApiToken.id == token_id,
                                               ApiToken.revoked_at.is_(None))
                        .values(revoked_at=utc_now()))
    if done.rowcount == 0:
        known = conn.execute(select(ApiToken.id).where(ApiToken.id == token_id)).first()
        if known is None:
            raise NotFoundError(f"không có mã truy cập {token_id}; xem danh sách bằng "
                                "'sohoa tokens list'")
        return  # already revoked: nothing to do
    audit_log.append(conn, "token.revoked", actor=revoked_by, target=token_id, detail={})


def resolve(conn: Connection, token: str | None, channel: str) -> Caller:
    """The caller a presented token stands for; NotAuthenticatedError if none is valid."""
    token = (token or "").strip()
    if not token:
        raise NotAuthenticatedError(
            "cần mã truy cập API: gửi kèm 'Authorization: Bearer <token>'. Quản trị tạo mã "
            "bằng 'sohoa tokens add TÊN --role officer --unit ĐƠN_VỊ'")
    row = conn.execute(select(ApiToken.id, ApiToken.user, ApiToken.role, ApiToken.unit,
                              ApiToken.revoked_at, ApiToken.last_used_at)
                       .where(ApiToken.token_sha256 == _digest(token))).first()
    if row is None or row.revoked_at is not None:
        raise NotAuthenticatedError(
            "mã truy cập API này không tồn tại hoặc đã bị thu hồi; hãy xin quản trị cấp mã "
            "mới ('sohoa tokens add')")
    return Caller(user=row.user, role=row.role, unit=row.unit, channel=channel)


def id_of(conn: Connection, token: str) -> str | None:
    """The public id of a presented token (whether or not it still works)."""
    return conn.execute(select(ApiToken.id).where(
        ApiToken.token_sha256 == _digest((token or "").strip()))).scalar_one_or_none()


def stale_use(conn: Connection, token: str | None) -> str | None:
    """The id of this token if its last-used time is more than a minute old (to be updated:
    once a minute is enough to tell a live token from an abandoned one)."""
    row = conn.execute(select(ApiToken.id, ApiToken.last_used_at).where(
        ApiToken.token_sha256 == _digest((token or "").strip()))).first()
    if row is None:
        return None
    last = aware(row.last_used_at)
    return row.id if last is None or utc_now() - last > USE_RESOLUTION else None


def mark_used(conn: Connection, token_id: str) -> None:
    conn.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utc_now()))
