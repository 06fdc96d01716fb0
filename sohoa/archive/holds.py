"""Legal holds: a document, a dossier or all of an owner's documents kept whatever their retention
says, until the hold is released. Held records are never proposed for disposal nor disposed.

Functions over an open :class:`~sohoa.archive.Archive`; every placement and release is an audit
event in the same transaction as the row it writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select, update

from sohoa.archive import audit as audit_log
from sohoa.archive.archivist_models import HOLD_SCOPES, LegalHold
from sohoa.archive.documents import resolve_id
from sohoa.archive.models import Document, DocumentCoOwner, Dossier, Owner
from sohoa.archive.values import iso, utc_now
from sohoa.errors import ConfigError, NotFoundError
from sohoa.vntext import nfc

if TYPE_CHECKING:
    from sohoa.archive import Archive

_EXISTS = {"document": Document.id, "dossier": Dossier.code, "owner": Owner.id}


@dataclass(frozen=True)
class ActiveHolds:
    """Every active hold, by scope: target → hold ids."""

    documents: Mapping[str, list[int]] = field(default_factory=dict)
    dossiers: Mapping[str, list[int]] = field(default_factory=dict)
    owners: Mapping[str, list[int]] = field(default_factory=dict)
    # a held owner's shared papers filed under another person (a marriage certificate in the
    # other spouse's dossier): document → the holds on its co-owners (review14a S7)
    shared: Mapping[str, list[int]] = field(default_factory=dict)

    def on(self, document_id: str, dossier_code: str | None, owner_id: str | None) -> list[int]:
        """The ids of the holds that keep this document (empty if none): on it, on its
        dossier, on its owner or on any other person it belongs to (its co-owners)."""
        found = list(self.documents.get(document_id, ()))
        found += self.shared.get(document_id, ())
        if dossier_code:
            found += self.dossiers.get(dossier_code, ())
        if owner_id:
            found += self.owners.get(owner_id, ())
        return sorted(set(found))


_SCOPE_NAMES = {"document": "giấy tờ", "dossier": "hồ sơ", "owner": "chủ sở hữu"}
_SCOPE_CODES = {"dossier": "mã hồ sơ", "owner": "số định danh chủ sở hữu"}


def require_text(value: str | None, what: str) -> str:
    text = nfc((value or "").strip())
    if not text:
        raise ConfigError(f"hãy cho {what}: điều này được ghi vào nhật ký cùng thao tác")
    return text


def active(conn: Connection) -> ActiveHolds:
    by_scope: dict[str, dict[str, list[int]]] = {s: {} for s in HOLD_SCOPES}
    rows = conn.execute(select(LegalHold.id, LegalHold.scope, LegalHold.target)
                        .where(LegalHold.released_at.is_(None)))
    for row in rows:
        by_scope.setdefault(row.scope, {}).setdefault(row.target, []).append(row.id)
    owners = by_scope["owner"]
    shared: dict[str, list[int]] = {}
    if owners:  # bounded by the holds placed, not by the catalog
        for doc_id, owner_id in conn.execute(
                select(DocumentCoOwner.document_id, DocumentCoOwner.owner_id)
                .where(DocumentCoOwner.owner_id.in_(list(owners)))):
            shared.setdefault(doc_id, []).extend(owners[owner_id])
    return ActiveHolds(by_scope["document"], by_scope["dossier"], owners, shared)


def place(archive: Archive, scope: str, target: str, *, reason: str, by: str) -> dict[str, Any]:
    """Place a hold on a document, dossier or owner that the catalog knows."""
    if scope not in HOLD_SCOPES:
        raise ConfigError(f"phong tỏa đặt trên một trong {', '.join(HOLD_SCOPES)}, "
                          f"không phải {scope!r}")
    target = nfc(target.strip())
    why = require_text(reason, "lý do phong tỏa (--reason)")
    who = require_text(by, "người đặt phong tỏa (--by hoặc SOHOA_USER)")
    now = utc_now()
    with archive.transaction(write=True) as conn:
        column = _EXISTS[scope]
        if scope == "document":
            target = resolve_id(conn, target)  # a unique prefix names it too
        if conn.execute(select(column).where(column == target)).first() is None and not (
                # a person known only as a shared paper's co-owner is an owner to hold too
                scope == "owner" and conn.execute(select(DocumentCoOwner.owner_id).where(
                    DocumentCoOwner.owner_id == target).limit(1)).first() is not None):
            raise NotFoundError(
                f"không có {_SCOPE_NAMES[scope]} {target!r} trong kho; hãy kiểm tra "
                f"{'mã giấy tờ' if scope == 'document' else _SCOPE_CODES[scope]} "
                "(sohoa search / sohoa show để tra)")
        hold_id = conn.execute(LegalHold.__table__.insert().values(
            scope=scope, target=target, reason=why, placed_by=who, placed_at=now,
        )).inserted_primary_key[0]
        audit_log.append(conn, "hold.placed", actor=who, target=target,
                         detail={"hold": hold_id, "scope": scope, "reason": why})
    return {"hold": hold_id, "scope": scope, "target": target, "reason": why,
            "placed_by": who, "placed_at": iso(now)}


def release(archive: Archive, *, hold_id: int | None = None, scope: str | None = None,
            target: str | None = None, reason: str, by: str) -> list[dict[str, Any]]:
    """Release one hold by id, or every active hold on a target; returns what was released."""
    why = require_text(reason, "lý do gỡ phong tỏa (--reason)")
    who = require_text(by, "người gỡ phong tỏa (--by hoặc SOHOA_USER)")
    now = utc_now()
    stmt = select(LegalHold).where(LegalHold.released_at.is_(None))
    if hold_id is not None:
        stmt = stmt.where(LegalHold.id == hold_id)
    elif scope and target:
        stmt = stmt.where(LegalHold.scope == scope, LegalHold.target == nfc(target.strip()))
    else:
        raise ConfigError("hãy cho phong tỏa cần gỡ: số phong tỏa, hoặc "
                          "--document/--dossier/--owner")
    with archive.transaction(write=True) as conn:
        rows = conn.execute(stmt).mappings().all()
        if not rows:
            what = (f"số {hold_id}" if hold_id is not None
                    else f"trên {_SCOPE_NAMES.get(scope or '', scope)} {target}")
            raise NotFoundError(f"không có phong tỏa đang hiệu lực {what} (sohoa hold list "
                                "liệt kê các phong tỏa)")
        for row in rows:
            conn.execute(update(LegalHold).where(LegalHold.id == row["id"]).values(
                released_by=who, released_at=now, release_reason=why))
            audit_log.append(conn, "hold.released", actor=who, target=row["target"],
                             detail={"hold": row["id"], "scope": row["scope"], "reason": why})
    return [{**_hold_dict(r), "released_by": who, "released_at": iso(now),
             "release_reason": why} for r in rows]


def listing(archive: Archive, *, include_released: bool = False,
            target: str | None = None) -> list[dict[str, Any]]:
    stmt = select(LegalHold).order_by(LegalHold.id)
    if not include_released:
        stmt = stmt.where(LegalHold.released_at.is_(None))
    if target:
        stmt = stmt.where(LegalHold.target == nfc(target.strip()))
    with archive.transaction(write=False) as conn:
        return [_hold_dict(r) for r in conn.execute(stmt).mappings()]


def _hold_dict(r: Mapping[str, Any]) -> dict[str, Any]:
    return {"hold": r["id"], "scope": r["scope"], "target": r["target"], "reason": r["reason"],
            "placed_by": r["placed_by"], "placed_at": iso(r["placed_at"]),
            "released_by": r["released_by"], "released_at": iso(r["released_at"]),
            "release_reason": r["release_reason"]}
