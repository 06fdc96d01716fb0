"""The append-only, hash-chained audit log.

Each entry's hash is SHA-256 over a canonical serialization of the entry *including the previous
entry's hash*, so editing any entry breaks its own hash and deleting one breaks the link of the
next. The chain head (last seq and hash) is kept in ``audit_head`` and updated in the same
transaction as each append, which also catches entries deleted from the end of the log.

:class:`Chain` is the mechanism; ``AUDIT`` is the archive's event log and ``sohoa.archive.access``
holds a sibling chain for reads of personal data (same hashing, its own tables and head).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select

from sohoa.archive.catalog import xact_lock
from sohoa.archive.models import AuditEntry, AuditHead
from sohoa.vntext import nfc

GENESIS = "0" * 64
_HEAD_ID = 1


def _nfc_tree(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, Mapping):
        return {nfc(str(k)): _nfc_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc_tree(v) for v in value]
    return value


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept as is (NFC), ISO dates."""
    return json.dumps(_nfc_tree(value), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"audit detail value {value!r} is not JSON-serializable")


def chain_hash(seq: int, at: str, values: Sequence[Any], prev_hash: str) -> str:
    """SHA-256 over ``[seq, at, *values, prev_hash]`` as compact JSON (the chain's link)."""
    payload = json.dumps([seq, at, *values, prev_hash], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def entry_hash(seq: int, at: str, actor: str, action: str, target: str | None, detail: str,
               prev_hash: str) -> str:
    return chain_hash(seq, at, (actor, action, target, detail), prev_hash)


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Chain:
    """One hash-chained, append-only log: its entry table, its one-row head table, and the
    columns hashed between ``seq, at`` and ``prev_hash`` (in this order)."""

    name: str
    entries: Table
    head: Table
    fields: tuple[str, ...]
    label: str = "action"  # the column that names an entry in problem reports
    title: str = "nhật ký"  # what an auditor calls it, in the problems reported

    def append(self, conn: Connection, values: Mapping[str, Any]) -> int:
        """Append one entry inside the caller's (write) transaction; return its seq."""
        # One chain, however many processes append: on PostgreSQL an advisory lock per chain,
        # held to commit, makes appenders take turns (FOR UPDATE alone would let two appenders
        # of a fresh log both find no head row); SQLite's BEGIN IMMEDIATE already did.
        xact_lock(conn, f"chain:{self.head.name}")
        read_head, read_last, insert_entry, move_head, insert_head = self._statements
        head = conn.execute(read_head).first()
        if head is None:
            # No head row: a fresh log, or the head was deleted; then go on from the last entry
            # so that appends keep working (verify() reports the missing head until this append).
            last = conn.execute(read_last).first()
            prev_seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS)
        else:
            prev_seq, prev_hash = head.seq, head.hash
        seq = prev_seq + 1
        at = utc_now_iso()
        row = {name: values.get(name) for name in self.fields}
        digest = chain_hash(seq, at, [row[n] for n in self.fields], prev_hash)
        conn.execute(insert_entry, {"seq": seq, "at": at, "prev_hash": prev_hash,
                                    "hash": digest, **row})
        if head:
            conn.execute(move_head, {"new_seq": seq, "new_hash": digest})
        else:
            conn.execute(insert_head, {"id": _HEAD_ID, "seq": seq, "hash": digest})
        return seq

    @cached_property
    def _statements(self) -> tuple[Any, ...]:
        """Built once per chain: constructing them on every append was over half of an
        audited `dossier reuse`'s CPU (bench/RESULTS.md)."""
        e, h = self.entries.c, self.head.c
        return (select(h.seq, h.hash).where(h.id == _HEAD_ID).with_for_update(),
                select(e.seq, e.hash).order_by(e.seq.desc()).limit(1),
                self.entries.insert(),
                self.head.update().where(h.id == _HEAD_ID).values(
                    seq=bindparam("new_seq"), hash=bindparam("new_hash")),
                self.head.insert())

    def verify(self, conn: Connection) -> list[str]:
        """Walk the chain from the start; return the problems in words an auditor can act on."""
        problems: list[str] = []
        expected_prev = GENESIS
        expected_seq = 1
        e, h = self.entries.c, self.head.c
        for row in conn.execute(select(self.entries).order_by(e.seq)).mappings():
            seq = row["seq"]
            if seq != expected_seq:
                missing = (f"mục {expected_seq}" if seq == expected_seq + 1
                           else f"các mục {expected_seq}–{seq - 1}")
                problems.append(f"{missing} của {self.title} đã bị xóa")
            if row["prev_hash"] != expected_prev:
                problems.append(
                    f"{self._entry(seq)} không nối tiếp mục ngay trước nó (một mục trước đó đã "
                    "bị xóa hoặc sửa)")
            recomputed = chain_hash(seq, row["at"], [row[n] for n in self.fields],
                                    row["prev_hash"])
            if recomputed != row["hash"]:
                problems.append(f"{self._entry(seq)} ({row[self.label]}, {row['at']}) đã bị "
                                "sửa sau khi ghi")
            expected_prev = row["hash"]
            expected_seq = seq + 1
        head = conn.execute(select(h.seq, h.hash).where(h.id == _HEAD_ID)).first()
        last_seq = expected_seq - 1
        if head is not None:
            if head.seq > last_seq:
                first = last_seq + 1
                span = f"mục {first}" if first == head.seq else f"các mục {first}–{head.seq}"
                problems.append(f"{span} ở cuối {self.title} đã bị xóa")
            elif head.seq == last_seq and head.hash != expected_prev:
                problems.append(
                    f"{self._entry(last_seq)}, mục cuối cùng, không khớp đầu chuỗi đã ghi")
            elif head.seq < last_seq:
                problems.append(
                    f"các mục của {self.title} sau mục {head.seq} được thêm vào không qua "
                    "chương trình ghi nhật ký")
        elif last_seq:
            problems.append(f"đầu chuỗi của {self.title} không còn (đã bị xóa)")
        return problems

    def last(self, conn: Connection) -> dict[str, Any]:
        """The last entry's seq and hash (0 and the genesis hash for an empty log): what a
        checkpoint anchors."""
        e = self.entries.c
        row = conn.execute(select(e.seq, e.hash).order_by(e.seq.desc()).limit(1)).first()
        return {"seq": row.seq, "hash": row.hash} if row else {"seq": 0, "hash": GENESIS}

    def check_anchor(self, conn: Connection, anchor: Mapping[str, Any], where: str
                     ) -> list[str]:
        """Does the log still hold the entry a checkpoint anchored, with the same hash? A log
        cut back below it, or rewritten and rehashed before it, no longer does."""
        seq, digest = int(anchor.get("seq", 0)), str(anchor.get("hash", ""))
        if seq == 0:
            return []
        e = self.entries.c
        found = conn.execute(select(e.hash).where(e.seq == seq)).scalar_one_or_none()
        if found is None:
            last = self.last(conn)["seq"]
            return [f"{self._entry(seq)}, được mốc {where} ghi lại, không còn: {self.title} "
                    f"chỉ đến mục {last} (các mục đã bị xóa sau mốc)"]
        if found != digest:
            return [f"{self._entry(seq)} không còn giá trị băm mà mốc {where} ghi lại: "
                    f"{self.title} đã bị viết lại (và băm lại) sau mốc"]
        return []

    def _entry(self, seq: int) -> str:
        return f"mục {seq} của {self.title}"


AUDIT = Chain("audit log", AuditEntry.__table__, AuditHead.__table__,
              ("actor", "action", "target", "detail"), title="nhật ký hệ thống")


def append(conn: Connection, action: str, *, actor: str, target: str | None = None,
           detail: Mapping[str, Any] | None = None) -> int:
    """Append one audit event inside the caller's (write) transaction; return its seq."""
    return AUDIT.append(conn, {
        "actor": nfc(actor), "action": nfc(action),
        "target": nfc(target) if target is not None else None,
        "detail": canonical_json(dict(detail or {})),
    })


def verify(conn: Connection) -> tuple[bool, list[str]]:
    """Walk the chain from the start; return (intact, problems in words an auditor can act on)."""
    problems = AUDIT.verify(conn)
    return (not problems, problems)


def events(conn: Connection, target: str | None, limit: int) -> list[dict[str, Any]]:
    """The newest ``limit`` entries (about ``target`` if given), newest first."""
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if target is not None:
        stmt = stmt.where(AuditEntry.target == target)
    return [{"seq": r["seq"], "at": r["at"], "actor": r["actor"], "action": r["action"],
             "target": r["target"], "detail": json.loads(r["detail"]), "hash": r["hash"]}
            for r in conn.execute(stmt).mappings()]
