"""A citizen ID card's "Quê quán" is its place of origin: cards stored before it moved.

Until the extractor kept the two apart, the card's "Quê quán" (place of origin: the family's
home place) was stored as ``fields.place_of_birth`` and shown as "Nơi sinh" — another fact,
the birth certificate's. Cards read since store ``place_of_origin``. This revision moves the
value of every card stored before (``doc_type = 'citizen_id_card'``, disposed tombstones
included) to ``place_of_origin``, and with it the field flags and review reasons about it
("Nơi sinh: …" → "Quê quán: …"; the English heads of older catalogs, "place_of_birth: …", keep
their form), and the same key of fields a review set aside while the paper was a card.

A card that already holds a ``place_of_origin`` keeps both as they are (nothing is overwritten).
Each moved card notes it in ``extra["renamed_fields"]`` so that the downgrade moves back exactly
those (a card read since has ``place_of_origin`` of its own and keeps it).

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


def _move(old: str, new: str, *, back: bool) -> None:
    documents = _documents()
    conn = op.get_bind()
    rows = conn.execute(sa.select(documents).where(documents.c.doc_type == CARD)).all()
    for r in rows:
        fields = dict(_json(r.fields, {}))
        extra = dict(_json(r.extra, {}))
        renamed = dict(extra.get(RENAMED) or {})
        if back:
            if renamed.get(old) != new:
                continue  # read as place_of_origin: it was never moved
            del renamed[old]
        elif old not in fields or new in fields:
            continue
        else:
            renamed[new] = old
        if old in fields and new not in fields:
            fields[new] = fields.pop(old)
        aside = extra.get(SET_ASIDE)
        if isinstance(aside, dict) and aside.get("doc_type") == CARD:
            kept = dict(aside.get("fields") or {})
            if old in kept and new not in kept:
                kept[new] = kept.pop(old)
                extra[SET_ASIDE] = {**aside, "fields": kept}
        if renamed:
            extra[RENAMED] = renamed
        else:
            extra.pop(RENAMED, None)
        conn.execute(sa.update(documents).where(documents.c.id == r.id).values(
            fields=fields, extra=extra,
            field_flags=_retitled(r.field_flags, old, new),
            review_reasons=_retitled(r.review_reasons, old, new)))


def upgrade() -> None:
    _move(OLD, NEW, back=False)


def downgrade() -> None:
    # Exactly the cards this revision moved go back (the inverse rename); a card read with a
    # place_of_origin of its own keeps it — the code before this revision already reads cards so.
    _move(NEW, OLD, back=True)
