"""The access log: every read of personal data, append-only and hash-chained.

A sibling chain of the audit log (``audit.Chain``: same hashing, same verification), kept in
its own tables. One entry per owner whose data a read returned: a search that showed documents
of three citizens writes three entries (same request), so "who looked at my documents?" is one
indexed query on ``owner_id``.

Functions take an open connection; the caller (``Archive``) owns the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, or_, select

from sohoa.archive.audit import Chain, canonical_json
from sohoa.archive.models import AccessEntry, AccessHead, Document
from sohoa.archive.policy import Caller
from sohoa.vntext import nfc

ACCESS = Chain("access log", AccessEntry.__table__, AccessHead.__table__,
               ("user", "role", "unit", "channel", "action", "purpose", "owner_id",
                "document_id", "request", "result_count"), title="nhật ký truy cập")


@dataclass(frozen=True)
class Read:
    """What one read touched: an owner (or none), a document (or none), how many results."""

    owner_id: str | None
    result_count: int
    document_id: str | None = None
    request: Mapping[str, Any] = field(default_factory=dict)


def append(conn: Connection, caller: Caller, action: str, purpose: str,
           reads: Sequence[Read]) -> list[int]:
    """Write one entry per read, in the caller's transaction; return their seqs."""
    return [ACCESS.append(conn, {
        "user": nfc(caller.user), "role": caller.role, "unit": nfc(caller.unit),
        "channel": caller.channel, "action": action, "purpose": nfc(purpose),
        "owner_id": r.owner_id, "document_id": r.document_id,
        "request": canonical_json(dict(r.request)), "result_count": int(r.result_count),
    }) for r in reads]


def verify(conn: Connection) -> list[str]:
    return ACCESS.verify(conn)


def first_seq_since(conn: Connection, at: str) -> int:
    """The first seq written at or after ``at`` (ISO UTC, as entries carry it): entries are
    appended in time order, so a binary search over the primary key finds it in ~20 lookups
    instead of scanning the log (``at`` has no index)."""
    def at_or_after(seq: int) -> tuple[int, str] | None:
        row = conn.execute(select(AccessEntry.seq, AccessEntry.at).where(
            AccessEntry.seq >= seq).order_by(AccessEntry.seq).limit(1)).first()
        return (row.seq, row.at) if row else None

    last = conn.execute(select(AccessEntry.seq).order_by(AccessEntry.seq.desc()).limit(1)
                        ).scalar_one_or_none() or 0
    lo, hi = 1, last + 1
    while lo < hi:
        mid = (lo + hi) // 2
        found = at_or_after(mid)
        if found is None or found[1] >= at:
            hi = mid
        else:
            lo = found[0] + 1
    return lo


def events(conn: Connection, *, owner: str | None = None, document: str | None = None,
           user: str | None = None, limit: int = 100, since: str | None = None
           ) -> list[dict[str, Any]]:
    """The newest ``limit`` entries matching every filter given, newest first.

    The owner is resolved when the log is read, not only when it was written: a read of a
    document whose owner was not known yet (review before the owner was set) or was misread
    then is the owner's read once the document is theirs. A document's reads are the entries
    naming it and the searches and exports that listed it among their results."""
    stmt = select(AccessEntry).order_by(AccessEntry.seq.desc()).limit(limit)
    if owner is not None:
        owned = select(Document.id).where(Document.owner_id == owner)
        stmt = stmt.where(or_(AccessEntry.owner_id == owner,
                              AccessEntry.document_id.in_(owned)))
    if document is not None:
        listed = "%" + _like_escape(json.dumps(document)) + "%"
        stmt = stmt.where(or_(AccessEntry.document_id == document,
                              AccessEntry.request.like(listed, escape="\\")))
    if user is not None:
        stmt = stmt.where(AccessEntry.user == nfc(user))
    if since is not None:
        stmt = stmt.where(AccessEntry.seq >= first_seq_since(conn, since))
    return [{"seq": r["seq"], "at": r["at"], "user": r["user"], "role": r["role"],
             "unit": r["unit"], "channel": r["channel"], "action": r["action"],
             "purpose": r["purpose"], "owner_id": r["owner_id"],
             "document_id": r["document_id"], "request": json.loads(r["request"]),
             "result_count": r["result_count"], "hash": r["hash"]}
            for r in conn.execute(stmt).mappings()]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
