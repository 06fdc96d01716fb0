"""The owners table: whose name a citizen or organization carries in the catalog.

Every paper of an owner names them, and most of those namings are less sure than the one on
their identity paper: a decision read with a misread ID number, a form flagged for review. So
the row's name is not "the last paper stored" but:

- an identity paper (the citizen's ID card, the enterprise registration) whose fields a
  reviewer confirmed sets it;
- one read without doubt sets it too, unless a settled identity paper of the owner (stored,
  nothing left to review) already named them otherwise: a second card whose number was
  misread into another citizen's must not rename that citizen, so it waits for a person;
- any other paper only fills a name still unknown; a different name on it is kept on that
  paper and the paper waits for a person (the caller adds :data:`NAME_CONFLICT`'s reason).

Functions take an open write connection; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, select, update

from sohoa.archive.catalog import upsert
from sohoa.archive.models import STATUS_STORED, Document, Owner
from sohoa.archive.values import nfc_opt
from sohoa.vntext import fold, nfc, squash_spaces

# The papers that say who someone is (doctypes.toml codes); what they print is the name.
IDENTITY_TYPES = frozenset({"citizen_id_card", "business_registration"})


def same_name(a: str, b: str) -> bool:
    """One name, whatever its case, spacing and marks ("NGUYỄN ĐỨC TRUNG", "Nguyen Duc Trung"
    are "Nguyễn Đức Trung"): a tone mark misread on a form is not another person, and a
    paper is flagged only for a name that is."""
    return squash_spaces(fold(a)) == squash_spaces(fold(b))


def conflict_reason(owner_id: str, known: str, read: str) -> str:
    """The review reason of a paper naming its owner otherwise than the catalog does."""
    return (f"Họ và tên: tên trên giấy này ({nfc(read)}) khác tên đã biết của chủ sở hữu "
            f"{owner_id} ({nfc(known)}); tên chủ sở hữu giữ nguyên — kiểm tra họ tên hoặc "
            "số định danh trên giấy")


def _named_by_identity(conn: Connection, owner_id: str) -> bool:
    """Whether a settled identity paper of this owner is stored (its name is the row's)."""
    return conn.execute(select(Document.id).where(
        Document.owner_id == owner_id, Document.doc_type.in_(sorted(IDENTITY_TYPES)),
        Document.status == STATUS_STORED, Document.needs_review.is_(False)).limit(1)
    ).first() is not None


def lock_owners(conn: Connection, owner_ids: Iterable[str | None], *, now: datetime) -> None:
    """Take the rows of every owner a transaction is about to write, in id order, before it
    writes any (each created if new, to be filled by :func:`record_owner`). Row locks are not
    in the checked order of named locks (docs/architecture.md): a shared paper writes its
    owner's row and its co-owners', and two marriage certificates stored at once — the
    husband's with the wife as co-owner, the wife's with the husband — took the two rows in
    opposite orders and deadlocked on PostgreSQL (store14's "left"). Taken in one order, the
    second waits for the first."""
    for owner_id in sorted({i for i in owner_ids if i}):
        upsert(conn, Owner.__table__, {"id": owner_id, "kind": None, "name": None,
                                       "created_at": now, "updated_at": now},
               key=("id",), update=[])
        conn.execute(select(Owner.id).where(Owner.id == owner_id).with_for_update())


def record_owner(conn: Connection, owner_id: str, kind: str | None, name: str | None, *,
                 authoritative: bool, now: datetime, reviewed: bool = False) -> str | None:
    """Create or update the owner row by the rule above. ``authoritative``: the name comes
    from an identity paper read sure or reviewed; ``reviewed``: a reviewer confirmed it, so
    it replaces even a name another identity paper set. Returns the known name this paper's
    ``name`` disagrees with and did not replace (None when there is no disagreement)."""
    name = nfc_opt(squash_spaces(name)) if name and name.strip() else None
    # Insert first, then lock the row: two papers of a new owner stored at once on
    # PostgreSQL both see the one row, and the second decides on what the first wrote.
    upsert(conn, Owner.__table__, {"id": owner_id, "kind": kind, "name": name,
                                   "created_at": now, "updated_at": now},
           key=("id",), update=[])
    row = conn.execute(select(Owner.kind, Owner.name).where(Owner.id == owner_id)
                       .with_for_update()).one()
    values: dict[str, object] = {}
    if kind and kind != row.kind:
        values["kind"] = kind
    conflict = None
    if name and name != row.name:
        if row.name is None or (authoritative and (
                reviewed or not _named_by_identity(conn, owner_id))):
            values["name"] = name
        elif not same_name(name, row.name):
            conflict = row.name
    if values:
        conn.execute(update(Owner).where(Owner.id == owner_id)
                     .values(**values, updated_at=now))
    return conflict
