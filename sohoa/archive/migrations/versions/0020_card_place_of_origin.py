"""A citizen ID card's "Quê quán" is its place of origin: cards stored before it moved.

Until the extractor kept the two apart, the card's "Quê quán" (place of origin: the family's
home place) was stored as ``fields.place_of_birth`` and shown as "Nơi sinh" — another fact,
the birth certificate's. Cards read since store ``place_of_origin``. This revision moves the
value of every card stored before (``doc_type = 'citizen_id_card'``, disposed tombstones
included) to ``place_of_origin``, and with it the field flags and review reasons about it
("Nơi sinh: …" → "Quê quán: …"; the English heads of older catalogs, "place_of_birth: …", keep
their form), and the same key of fields a review set aside while the paper was a card — also
when the paper is no card any more (a type correction keeps the card's fields in
``extra.set_aside``: review13a S3). Rows are read in batches, never all at once.

A card that already holds a ``place_of_origin`` keeps both as they are (nothing is overwritten).
Each moved card notes it in ``extra["renamed_fields"]`` so that the downgrade moves back exactly
those (a card read since has ``place_of_origin`` of its own and keeps it); a set-aside field is
noted under its own key (``"set_aside.place_of_origin"``), apart from the card's own.

Self-contained on purpose (no imports from sohoa models or labels), like 0001–0019.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

CARD = "citizen_id_card"
OLD, NEW = "place_of_birth", "place_of_origin"
# The heads a flag or reason about each key starts with: the label the screens show, then the
# bare key older (English) catalogs wrote.
_HEADS = {OLD: ("Nơi sinh", OLD), NEW: ("Quê quán", NEW)}
RENAMED = "renamed_fields"  # extra[RENAMED] = {new key: the key it had}
SET_ASIDE = "set_aside"  # pipeline/review.py: fields a type correction put aside


def _json(value: object, empty: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return empty
    return empty if value is None else value


def _retitled(texts: object, old: str, new: str) -> list[str]:
    """Each flag or reason about ``old`` said about ``new`` (the label's form kept)."""
    out = []
    for text in _json(texts, []):
        text = str(text)
        head, sep, rest = text.partition(":")
        if sep:
            for was, now in zip(_HEADS[old], _HEADS[new], strict=True):
                if head.strip().casefold() == was.casefold():
                    text = now + sep + rest
                    break
        out.append(text)
    return out


def _documents() -> sa.TableClause:
    return sa.table("documents", sa.column("id", sa.String), sa.column("doc_type", sa.String),
                    sa.column("fields", sa.JSON), sa.column("field_flags", sa.JSON),
                    sa.column("review_reasons", sa.JSON), sa.column("extra", sa.JSON))


# Rows read per statement: a province's catalog holds millions of cards, never all in memory.
BATCH = 1000
ASIDE = f"{SET_ASIDE}."  # extra[RENAMED] key of a set-aside field: {"set_aside.<new>": old}


def _move(old: str, new: str, *, back: bool) -> None:
    """Move ``old`` to ``new`` on the rows that may hold it — cards, and any paper whose fields a
    type correction set aside while it was a card (``extra.set_aside.doc_type``: a card
    re-typed as something else keeps its "Quê quán" there) — in keyset batches by id."""
    documents = _documents()
    conn = op.get_bind()
    extra_text = sa.cast(documents.c.extra, sa.String)
    stmt = (sa.select(documents)
            .where(sa.or_(documents.c.doc_type == CARD,
                          extra_text.like(f'%"{SET_ASIDE}"%'),
                          extra_text.like(f'%"{RENAMED}"%')))
            .order_by(documents.c.id).limit(BATCH))
    last = None
    while True:
        rows = conn.execute(stmt if last is None else stmt.where(documents.c.id > last)).all()
        for r in rows:
            _move_row(conn, documents, r, old, new, back=back)
        if len(rows) < BATCH:
            return
        last = rows[-1].id


def _move_row(conn: Any, documents: sa.TableClause, r: Any, old: str, new: str, *,
              back: bool) -> None:
    """One row: its card fields and its set-aside card fields, each marked on its own in
    ``extra[RENAMED]`` so the downgrade moves back exactly what the upgrade moved."""
    fields = dict(_json(r.fields, {}))
    extra = dict(_json(r.extra, {}))
    renamed = dict(extra.get(RENAMED) or {})
    moved = False
    if back:
        if renamed.get(old) == new:  # moved by the upgrade (read as place_of_origin: never)
            del renamed[old]
            if old in fields and new not in fields:
                fields[new] = fields.pop(old)
            moved = True
    elif r.doc_type == CARD and old in fields and new not in fields:
        fields[new] = fields.pop(old)
        renamed[new] = old
        moved = True
    aside = extra.get(SET_ASIDE)
    aside_moved = False
    if isinstance(aside, dict) and aside.get("doc_type") == CARD:
        kept = dict(aside.get("fields") or {})
        if old in kept and new not in kept and (
                renamed.get(ASIDE + old) == new if back else True):
            kept[new] = kept.pop(old)
            extra[SET_ASIDE] = {**aside, "fields": kept}
            if back:
                del renamed[ASIDE + old]
            else:
                renamed[ASIDE + new] = old
            aside_moved = True
    if not (moved or aside_moved):
        return
    if renamed:
        extra[RENAMED] = renamed
    else:
        extra.pop(RENAMED, None)
    values: dict[str, Any] = {"fields": fields, "extra": extra}
    if moved:  # the flags and reasons are about the paper's own fields
        values.update(field_flags=_retitled(r.field_flags, old, new),
                      review_reasons=_retitled(r.review_reasons, old, new))
    conn.execute(sa.update(documents).where(documents.c.id == r.id).values(**values))


def upgrade() -> None:
    _move(OLD, NEW, back=False)


def downgrade() -> None:
    # Exactly the cards this revision moved go back (the inverse rename); a card read with a
    # place_of_origin of its own keeps it — the code before this revision already reads cards so.
    _move(NEW, OLD, back=True)
