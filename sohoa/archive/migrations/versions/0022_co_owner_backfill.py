"""Shared papers stored before 0021 are each named person's too: their co-owner rows.

0021 made ``document_co_owners`` for papers stored since; a marriage certificate stored before
stayed its owner's alone (the other spouse could not reuse it). This revision reads what each
such paper already holds — no OCR: the numbers its fields state (``id_number``,
``related_id_numbers``) — and makes a row for each one that is not its owner's, under the rule
of the store as far as stored fields allow:

- only a paper of a shared type (``owner_shared`` in doctypes.toml: the marriage certificate),
  stored, with a confirmed owner and nothing left to review (a number on a paper a person has
  not looked at may be a misreading);
- only a number its field states without a flag, that its own text prints, and whose shape
  validates (``idcodes.personal_id_problems``: province, century and sex digit, a birth year not
  after today). The check against the birth date printed in that person's block needs the
  field reader and is left to the store and the review, which recompute the rows;
- never where the paper has co-owner rows already (stored or reviewed since 0021).

Each paper it fills notes the numbers in ``extra["co_owners_backfilled"]``; the downgrade
deletes those rows and the note — unless a person has acted on the paper's co-owners since
(store16, N10's pattern: a downgrade must not take away what people decided): a reviewer
reviewed the paper (``review_events``: the review recomputes its co-owner rows, so they are
the reviewer's now; a review before this revision cannot be told from one after, and keeping
is the side that loses nothing), a dossier of a co-owner reuses it (``dossier_components``), or
a legal hold names a co-owner. Such a paper keeps its rows *and* the note, and the upgrade
leaves a noted paper alone, so a row a reviewer removed is not made again by going down and
up. The kept rows are data 0021's code understands: it makes the same rows at the store and the
review. Rows are read in batches.

Self-contained on purpose (no imports from sohoa models or labels), like 0001–0021; the number
rules are the shared ``sohoa.idcodes``.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from sohoa.idcodes import personal_id_problems

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

SHARED = ("marriage_certificate",)  # doctypes.toml owner_shared = true, as of this revision
NUMBER_FIELDS = ("id_number", "related_id_numbers")
# The heads a flag about each field starts with: its label, then the bare key of older catalogs.
FLAG_HEADS = {"id_number": ("Số định danh cá nhân", "id_number"),
              "related_id_numbers": ("Số định danh người liên quan", "related_id_numbers")}
NOTE = "co_owners_backfilled"
BATCH = 1000


def _json(value: object, empty: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return empty
    return empty if value is None else value


def _documents() -> sa.TableClause:
    return sa.table("documents", sa.column("id", sa.String), sa.column("doc_type", sa.String),
                    sa.column("status", sa.String), sa.column("owner_id", sa.String),
                    sa.column("needs_review", sa.Boolean), sa.column("fields", sa.JSON),
                    sa.column("field_flags", sa.JSON), sa.column("text", sa.Text),
                    sa.column("extra", sa.JSON))


def _co_owners() -> sa.TableClause:
    return sa.table("document_co_owners", sa.column("document_id", sa.String),
                    sa.column("owner_id", sa.String))


def _acted_on(documents: sa.TableClause, co: sa.TableClause) -> Any:
    """A paper whose co-owners a person has acted on: reviewed, reused for a co-owner's
    dossier, or a co-owner held."""
    reviews = sa.table("review_events", sa.column("document_id", sa.String))
    components = sa.table("dossier_components", sa.column("dossier_code", sa.String),
                          sa.column("document_id", sa.String))
    dossiers = sa.table("dossiers", sa.column("code", sa.String),
                        sa.column("owner_id", sa.String))
    holds = sa.table("legal_holds", sa.column("scope", sa.String),
                     sa.column("target", sa.String))
    return sa.or_(
        sa.exists().where(reviews.c.document_id == documents.c.id),
        sa.exists().where(components.c.document_id == documents.c.id,
                          dossiers.c.code == components.c.dossier_code,
                          co.c.document_id == documents.c.id,
                          dossiers.c.owner_id == co.c.owner_id),
        sa.exists().where(co.c.document_id == documents.c.id, holds.c.scope == "owner",
                          holds.c.target == co.c.owner_id))


def _flagged(flags: object) -> set[str]:
    out = set()
    for flag in _json(flags, []):
        head = str(flag).partition(":")[0].strip().casefold()
        out |= {k for k, heads in FLAG_HEADS.items() if head in (h.casefold() for h in heads)}
    return out


def _numbers(row: Any) -> list[str]:
    """The other people's numbers the paper's own fields state, as the rule above takes them."""
    fields = _json(row.fields, {})
    flagged = _flagged(row.field_flags)
    text = row.text or ""
    out: list[str] = []
    for key in NUMBER_FIELDS:
        value = fields.get(key)
        if key in flagged or not isinstance(value, str):
            continue
        for number in (v.strip() for v in value.split(",")):
            if (number and number.isdigit() and number != row.owner_id and number in text
                    and number not in out and not personal_id_problems(number)):
                out.append(number)
    return out


def _batches(stmt: Any, key: Any) -> Any:
    conn = op.get_bind()
    last = None
    while True:
        rows = conn.execute((stmt if last is None else stmt.where(key > last))
                            .order_by(key).limit(BATCH)).all()
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1].id


def upgrade() -> None:
    documents, co = _documents(), _co_owners()
    conn = op.get_bind()
    has_rows = sa.exists().where(co.c.document_id == documents.c.id)
    # a noted paper was filled once and kept by a downgrade: people decided its co-owners since
    noted = sa.cast(documents.c.extra, sa.String).like(f'%"{NOTE}"%')
    stmt = sa.select(documents).where(
        documents.c.doc_type.in_(SHARED), documents.c.status == "stored",
        documents.c.owner_id.is_not(None), documents.c.needs_review.is_(False), ~has_rows,
        sa.or_(documents.c.extra.is_(None), ~noted))
    for row in _batches(stmt, documents.c.id):
        numbers = _numbers(row)
        if not numbers:
            continue
        conn.execute(co.insert(), [{"document_id": row.id, "owner_id": n} for n in numbers])
        extra = dict(_json(row.extra, {}))
        extra[NOTE] = numbers
        conn.execute(sa.update(documents).where(documents.c.id == row.id).values(extra=extra))


def downgrade() -> None:
    # The rows this revision made go, on papers nobody has acted on since; the rows of papers
    # stored since stay (0021's downgrade drops the table itself).
    documents, co = _documents(), _co_owners()
    conn = op.get_bind()
    stmt = sa.select(documents.c.id, documents.c.extra).where(
        sa.cast(documents.c.extra, sa.String).like(f'%"{NOTE}"%'), ~_acted_on(documents, co))
    for row in _batches(stmt, documents.c.id):
        extra = dict(_json(row.extra, {}))
        numbers = extra.pop(NOTE, None)
        if not isinstance(numbers, list):
            continue
        if numbers:
            conn.execute(sa.delete(co).where(co.c.document_id == row.id,
                                             co.c.owner_id.in_(numbers)))
        conn.execute(sa.update(documents).where(documents.c.id == row.id).values(extra=extra))
