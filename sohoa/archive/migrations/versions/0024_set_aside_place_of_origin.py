"""A re-typed card's set-aside "Quê quán" is its place of origin too (review13a S3, review14a S6).

0020 moved a card's ``place_of_birth`` (really its "Quê quán") to ``place_of_origin``, and the
same key of the card fields a type correction set aside (``extra.set_aside``) — but only on
papers that were still cards. A card a reviewer re-typed as something else keeps its card
fields in ``extra.set_aside`` (``doc_type = 'citizen_id_card'``); typed back to a card, its
"Quê quán" came back as "Nơi sinh". 0020 was first corrected in place, which never reaches a
catalog already past 0020: this revision does that half for every catalog.

It moves ``set_aside.fields.place_of_birth`` to ``place_of_origin`` on every paper whose
set-aside fields are a card's and hold the old key without the new one (nothing is
overwritten; a catalog whose 0020 already moved them has nothing left to move), and notes each
move in ``extra["renamed_fields"]["set_aside.place_of_origin"]``, the key 0020's corrected form
used, so the downgrade moves back exactly what was moved. Rows are read in keyset batches by
id, never all at once; the flags and review reasons are about the paper's own fields and stay.

Self-contained on purpose (no imports from sohoa models or labels), like 0001–0023.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

CARD = "citizen_id_card"
OLD, NEW = "place_of_birth", "place_of_origin"
SET_ASIDE = "set_aside"  # pipeline/review.py: fields a type correction put aside
RENAMED = "renamed_fields"  # extra[RENAMED] = {"set_aside.<new key>": the key it had}
MARK = f"{SET_ASIDE}.{NEW}"
# Rows read per statement: a province's catalog holds millions of papers, never all in memory.
BATCH = 1000


def _json(value: object, empty: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return empty
    return empty if value is None else value


def _documents() -> sa.TableClause:
    return sa.table("documents", sa.column("id", sa.String), sa.column("extra", sa.JSON))


def _moved(extra: dict[str, Any], *, back: bool) -> dict[str, Any] | None:
    """The row's new ``extra``, or None when this revision has nothing to do on it."""
    aside = extra.get(SET_ASIDE)
    if not isinstance(aside, dict) or aside.get("doc_type") != CARD:
        return None
    kept = dict(aside.get("fields") or {})
    renamed = dict(extra.get(RENAMED) or {})
    src, dst = (NEW, OLD) if back else (OLD, NEW)
    if src not in kept or dst in kept or (back and renamed.get(MARK) != OLD):
        return None
    kept[dst] = kept.pop(src)
    if back:
        del renamed[MARK]
    else:
        renamed[MARK] = OLD
    out = {**extra, SET_ASIDE: {**aside, "fields": kept}}
    if renamed:
        out[RENAMED] = renamed
    else:
        out.pop(RENAMED, None)
    return out


def _move(*, back: bool) -> None:
    documents = _documents()
    conn = op.get_bind()
    stmt = (sa.select(documents.c.id, documents.c.extra)
            .where(sa.cast(documents.c.extra, sa.String).like(f'%"{SET_ASIDE}"%'))
            .order_by(documents.c.id).limit(BATCH))
    last = None
    while True:
        rows = conn.execute(stmt if last is None else stmt.where(documents.c.id > last)).all()
        for row in rows:
            extra = _moved(dict(_json(row.extra, {})), back=back)
            if extra is not None:
                conn.execute(sa.update(documents).where(documents.c.id == row.id)
                             .values(extra=extra))
        if len(rows) < BATCH:
            return
        last = rows[-1].id


def upgrade() -> None:
    _move(back=False)


def downgrade() -> None:
    # Exactly the set-aside fields this revision (or 0020's corrected form) moved go back.
    _move(back=True)
