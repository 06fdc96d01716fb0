"""Documents in the catalog: the one-transaction insert, the read-side views (metadata, reuse
lookups) and the rows the search index is fed from.

Functions take an open connection; the caller (``Archive``) owns the transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Connection, and_, bindparam, false, literal_column, or_, select
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

from sohoa.archive import audit as audit_log
from sohoa.archive import outbox, owners
from sohoa.archive.archival import COLUMNS as ARCHIVAL_COLUMNS
from sohoa.archive.archival import ISSUER_FIELDS, NUMBER_FIELDS, archival_columns, first_field
from sohoa.archive.catalog import dossier_locks, upsert
from sohoa.archive.docids import resolve_id
from sohoa.archive.dossiers import DEFAULT_CODE_FORMAT, on_document_stored
from sohoa.archive.models import (
    STATUS_STORED,
    Document,
    DocumentCoOwner,
    Dossier,
    Owner,
    PageRescan,
    PageRow,
    SearchOutbox,
)
from sohoa.archive.search import IndexDoc
from sohoa.archive.statements import held
from sohoa.archive.values import SYSTEM_ACTOR, aware, iso, nfc_opt, utc_now, validity_iso
from sohoa.doctypes import VALIDITY_UNKNOWN, load_registry
from sohoa.errors import ConfigError, NotFoundError
from sohoa.records import DocumentRecord
from sohoa.vntext import nfc

# The partial reuse index only serves queries whose WHERE repeats its predicate verbatim
# (SQLite cannot prove "status = ?" implies "status = 'stored'"), hence a literal.
IS_STORED = Document.status == literal_column(f"'{STATUS_STORED}'")
# A form, a receipt, an unclassified paper prove nothing (validity "none"): never offered for
# reuse, where their empty validity read as "valid forever" (tester12 F4). Literals: the
# statements are built once and run as SQLite text; codes are [a-z0-9_] (doctypes._CODE).
PROVES = Document.doc_type.not_in(
    [literal_column(f"'{code}'") for code in load_registry().not_proofs()])


def find(conn: Connection, doc_key: str, doc_id: str) -> Any:
    """The row holding this doc_key or this id, if any (id and doc_key)."""
    return conn.execute(select(Document.id, Document.doc_key).where(
        or_(Document.doc_key == doc_key, Document.id == doc_id))).first()


def insert(conn: Connection, rec: DocumentRecord, doc_id: str, pdf_sha: str, pdf_size: int,
           image_shas: Sequence[str], code_format: str = DEFAULT_CODE_FORMAT, *,
           actor: str = SYSTEM_ACTOR) -> None:
    """Owner, dossier, document, pages, search-outbox row and audit event, the dossier
    component the document fills and its digitization code: the caller commits them together
    or not at all."""
    # first: the dossier's locks before any other row (the owner's) or lock (the audit log's)
    dossier_locks(conn, nfc(rec.dossier_code))
    now = utc_now()
    needs_review, reasons = bool(rec.needs_review), [nfc(r) for r in rec.review_reasons]
    kept_name = None
    others = {nfc(n): name for n, name in rec.co_owners if n and n != rec.owner_id}
    if rec.owner_id:
        # every owner row this paper writes, in one order, before any (owners.lock_owners)
        owners.lock_owners(conn, [rec.owner_id, *others], now=now)
        # The owner's name is the identity paper's; any other paper only fills an unknown
        # one, and one naming them otherwise waits for a person (tester10 F14).
        kept_name = owners.record_owner(
            conn, rec.owner_id, rec.owner_kind, rec.owner_name, now=now,
            authoritative=rec.doc_type in owners.IDENTITY_TYPES and not rec.needs_review)
        if kept_name is not None and rec.owner_name:
            needs_review = True
            reasons.append(owners.conflict_reason(rec.owner_id, kept_name, rec.owner_name))
    _upsert_dossier(conn, rec, now)

    fields = {nfc(k): nfc_opt(v) for k, v in rec.fields.items()}
    sig = rec.signature
    archival = archival_columns(rec)
    conn.execute(Document.__table__.insert().values(
        id=doc_id, doc_key=rec.doc_key, dossier_code=nfc(rec.dossier_code),
        owner_id=rec.owner_id or None, unit=nfc_opt(rec.unit), doc_type=rec.doc_type,
        proposed_owner_id=None if rec.owner_id else (rec.proposed_owner_id or None),
        title=nfc(rec.title),
        document_number=first_field(fields, NUMBER_FIELDS),
        issuing_body=first_field(fields, ISSUER_FIELDS),
        issue_date=rec.issue_date, valid_until=rec.valid_until, status=STATUS_STORED,
        page_count=len(rec.pages), pdf_sha256=pdf_sha, pdf_size=pdf_size,
        fields=fields, field_flags=[nfc(f) for f in rec.field_flags],
        confidence=float(rec.confidence), needs_review=needs_review,
        review_reasons=reasons,
        signature_level=sig.level if sig else None,
        signer=nfc(sig.signer) if sig else None,
        signed_at=aware(sig.signed_at) if sig else None,
        signer_cert_sha256=(sig.certificate_sha256 or None) if sig else None,
        signature_kind=sig.kind if sig else None,
        retention=rec.retention, text=nfc(rec.text),
        extra=json.loads(json.dumps(dict(rec.extra), default=str, ensure_ascii=False)),
        ingested_at=aware(rec.ingested_at) or now, created_at=now,
        **archival,
    ))
    if others and rec.owner_id:
        for number, name in sorted(others.items()):
            # their name as this paper prints it fills an unknown one, never replaces one
            owners.record_owner(conn, number, "person", name, now=now, authoritative=False)
        conn.execute(DocumentCoOwner.__table__.insert(),
                     [{"document_id": doc_id, "owner_id": n} for n in sorted(others)])
    if rec.pages:
        conn.execute(PageRow.__table__.insert(), [{
            "document_id": doc_id, "position": i, "source": p.source,
            "source_index": p.index, "sha256": p.sha256, "side": p.side,
            "rotation": p.rotation, "skew": float(p.skew), "confidence": float(p.confidence),
            "blob_sha256": (image_shas[i] if image_shas else p.blob_sha256) or None,
            "original_sha256": p.original_sha256 or None,
        } for i, p in enumerate(rec.pages)])
    on_document_stored(conn, doc_id, rec, code_format)
    conn.execute(SearchOutbox.__table__.insert().values(
        document_id=doc_id, op="upsert", created_at=now))
    # The digitization code was just given (on_document_stored); the procedure is the
    # dossier's, when the one-stop system opened it.
    known = conn.execute(select(Document.digitization_code, Dossier.procedure_code)
                         .join(Dossier, Dossier.code == Document.dossier_code)
                         .where(Document.id == doc_id)).first()
    if held(conn, doc_id):
        # Whose paper this is, or which dossier's, waits for a person: announcing it now
        # would file it in the proposed citizen's store or as nobody's, in the applicant's
        # dossier although it is another person's, or under a dossier the portal does not
        # have (tester13 F2, F21). The review that decides, or the dossier's opening,
        # announces it (``review.record`` / ``dossiers.open_dossier`` → ``statements.announce``).
        _audit_stored(conn, rec, doc_id, pdf_sha, needs_review, actor)
        return
    outbox.record(conn, outbox.DOCUMENT_STORED, outbox.document_stored(
        document_id=doc_id, dossier_code=nfc(rec.dossier_code), doc_type=rec.doc_type,
        title=nfc(rec.title), owner_id=rec.owner_id or None,
        owner_name=kept_name if kept_name is not None else nfc_opt(rec.owner_name),
        unit=nfc_opt(rec.unit), document_number=first_field(fields, NUMBER_FIELDS),
        issuing_body=first_field(fields, ISSUER_FIELDS), issue_date=rec.issue_date,
        valid_until=rec.valid_until, summary=archival.get("arc_summary"),
        page_count=len(rec.pages), pdf_sha256=pdf_sha,
        signature={"level": sig.level, "signer": nfc(sig.signer),
                   "signed_at": aware(sig.signed_at)} if sig else None,
        digitized_at=aware(rec.ingested_at) or now,
        digitization_code=known.digitization_code if known else None,
        procedure_code=(known.procedure_code if known else None)
        or rec.extra.get("procedure_code"), extra=rec.extra),
        dossier_code=nfc(rec.dossier_code), document_id=doc_id, at=now)
    _audit_stored(conn, rec, doc_id, pdf_sha, needs_review, actor)


def _audit_stored(conn: Connection, rec: DocumentRecord, doc_id: str, pdf_sha: str,
                  needs_review: bool, actor: str) -> None:
    audit_log.append(conn, "document.stored", actor=actor, target=doc_id, detail={
        "doc_key": rec.doc_key, "dossier": rec.dossier_code, "doc_type": rec.doc_type,
        "owner_id": rec.owner_id, "pdf_sha256": pdf_sha, "pages": len(rec.pages),
        "needs_review": needs_review,
        **({"proposed_owner_id": rec.proposed_owner_id}
           if rec.proposed_owner_id and not rec.owner_id else {}),
    })


def _upsert_dossier(conn: Connection, rec: DocumentRecord, now: Any) -> None:
    extra = rec.extra
    received = extra.get("received_date")
    if isinstance(received, str):
        try:
            received = date.fromisoformat(received)
        except ValueError:
            received = None  # not a date: leave the dossier's received date unknown
    dossier: dict[str, Any] = {"code": nfc(rec.dossier_code), "created_at": now}
    optional = {
        "receiving_unit": nfc_opt(rec.unit),
        "procedure_code": extra.get("procedure_code"),
        "competent_unit": extra.get("competent_unit"),
        "received_date": received if isinstance(received, date) else None,
    }
    dossier.update({k: v for k, v in optional.items() if v})
    opened = conn.execute(select(Dossier.received_at).where(
        Dossier.code == dossier["code"])).scalar_one_or_none()
    # A dossier the one-stop system opened keeps what it said; the scan only attaches papers.
    upsert(conn, Dossier.__table__, dossier, key=("code",),
           update=[] if opened is not None else
           [k for k in dossier if k not in ("code", "created_at")])


def load(conn: Connection, document_id: str) -> dict[str, Any]:
    """Everything the catalog knows of one document, as JSON-ready values."""
    document_id = resolve_id(conn, document_id)
    doc = conn.execute(select(Document).where(Document.id == document_id)).mappings().first()
    if doc is None:
        raise NotFoundError(f"không có giấy tờ {document_id} trong kho")
    owner = None
    if doc["owner_id"]:
        owner = conn.execute(select(Owner).where(Owner.id == doc["owner_id"])).mappings().first()
    dossier = conn.execute(select(Dossier).where(Dossier.code == doc["dossier_code"])
                           ).mappings().first()
    pages = conn.execute(select(PageRow).where(PageRow.document_id == document_id)
                         .order_by(PageRow.position)).mappings().all()
    rescans = conn.execute(select(PageRescan).where(PageRescan.document_id == document_id)
                           .order_by(PageRescan.id)).mappings().all()
    co_owners = list(conn.execute(select(DocumentCoOwner.owner_id).where(
        DocumentCoOwner.document_id == document_id).order_by(DocumentCoOwner.owner_id)
                                  ).scalars())
    archival = {key: doc[col] for col, key in ARCHIVAL_COLUMNS.items()}
    archival["ngay_thang_nam"] = iso(archival["ngay_thang_nam"])
    return {
        "document_id": doc["id"],
        "doc_key": doc["doc_key"],
        "status": doc["status"],
        "doc_type": doc["doc_type"],
        "title": doc["title"],
        "document_number": doc["document_number"],
        "issuing_body": doc["issuing_body"],
        "issue_date": iso(doc["issue_date"]),
        "valid_until": validity_iso(doc["valid_until"]),
        "validity_unknown": doc["valid_until"] == VALIDITY_UNKNOWN,
        # False for a paper that proves nothing (a form, a receipt): its null valid_until
        # means "không áp dụng", not "does not expire".
        "validity_applies": load_registry().proves(doc["doc_type"]),
        "owner_id": doc["owner_id"],
        # a number read but not confirmed: the reviewer's "đề xuất", never the owner
        "proposed_owner_id": None if doc["owner_id"] else doc["proposed_owner_id"],
        "owner": _owner_dict(owner),
        # the other people a shared paper belongs to (both spouses), by its own numbers
        "co_owner_ids": co_owners,
        "dossier_code": doc["dossier_code"],
        "digitization_code": doc["digitization_code"],
        "dossier": _dossier_dict(dossier),
        "unit": doc["unit"],
        "fields": dict(doc["fields"]),
        "field_flags": list(doc["field_flags"]),
        "confidence": doc["confidence"],
        "needs_review": bool(doc["needs_review"]),
        "review_reasons": list(doc["review_reasons"]),
        "page_count": doc["page_count"],
        "pdf": {"sha256": doc["pdf_sha256"], "size": doc["pdf_size"]},
        "pages": [_page_dict(p) for p in pages],
        # the sheet scanned again since, each distinct image a version: new ink kept
        "rescans": [{"version": n, "source": r["source"], "index": r["source_index"],
                     "blob_sha256": r["blob_sha256"], "job": r["job_id"],
                     "at": iso(r["created_at"])} for n, r in enumerate(rescans, start=1)],
        "signature": {
            "level": doc["signature_level"], "signer": doc["signer"],
            "signed_at": iso(doc["signed_at"]),
            "certificate_sha256": doc["signer_cert_sha256"],
            # Documents stored before the kind was recorded are agency copies.
            "kind": doc["signature_kind"] or "agency",
        } if doc["signature_level"] else None,
        "retention": doc["retention"],
        "archival": archival,
        "ingested_at": iso(doc["ingested_at"]),
        "extra": dict(doc["extra"]),
        "text": doc["text"],
    }


def _owner_dict(owner: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if owner is None:
        return None
    return {"id": owner["id"], "kind": owner["kind"], "name": owner["name"]}


def _dossier_dict(dossier: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if dossier is None:
        return None
    return {"code": dossier["code"], "procedure_code": dossier["procedure_code"],
            "receiving_unit": dossier["receiving_unit"],
            "competent_unit": dossier["competent_unit"],
            "received_date": iso(dossier["received_date"])}


def _page_dict(p: Mapping[str, Any]) -> dict[str, Any]:
    return {"position": p["position"], "source": p["source"], "index": p["source_index"],
            "sha256": p["sha256"], "side": p["side"], "rotation": p["rotation"],
            "skew": p["skew"], "confidence": p["confidence"], "blob_sha256": p["blob_sha256"],
            **({"original_sha256": p["original_sha256"]} if p.get("original_sha256") else {})}


# A reuse answer comes in pages of this many documents unless the caller asks otherwise: the
# index is read in the answer's order, so a page costs its own rows, never the owner's whole
# history (an enterprise can hold hundreds of valid documents).
REUSE_PAGE = 100
_NO_LIMIT = 2**62  # LIMIT is one bound parameter on both engines; "everything" is a big one
_CURSOR = re.compile(r"^(\d{4}-\d{2}-\d{2}|undated)~([0-9A-Za-z_-]{1,64})$")


def reuse_cursor(row: Mapping[str, Any]) -> str:
    """The position after ``row`` in a reuse answer (``after`` of the next page)."""
    return f"{row['issue_date'] or 'undated'}~{row['document_id']}"


def parse_reuse_cursor(cursor: str) -> tuple[date | None, str]:
    m = _CURSOR.match(cursor.strip())
    issued = None
    if m and m.group(1) != "undated":
        try:
            issued = date.fromisoformat(m.group(1))
        except ValueError:
            m = None
    if not m:
        raise ConfigError(
            f"{cursor!r} không phải vị trí trang của kết quả dùng lại; hãy gửi nguyên giá trị "
            "'next' mà trang trước đã trả về")
    return issued, m.group(2)


def _reuse_statement(with_type: bool, after: str | None, shared: bool = False) -> Any:
    # Newest first, undated last, ties by id: ix_documents_reuse_newest read backwards.
    # ``shared``: the papers the owner shares with the person they are filed for (a spouse's
    # marriage certificate), found through document_co_owners' owner index.
    whose = (DocumentCoOwner.owner_id == bindparam("owner_id") if shared
             else Document.owner_id == bindparam("owner_id"))
    stmt = (
        select(Document.id, Document.doc_type, Document.title, Document.document_number,
               Document.issuing_body, Document.issue_date, Document.valid_until,
               Document.signature_level, Document.signer, Document.needs_review)
        .where(whose, IS_STORED,
               or_(Document.valid_until.is_(None), Document.valid_until >= bindparam("day")),
               # A document issued after that day was not valid on it either.
               or_(Document.issue_date.is_(None), Document.issue_date <= bindparam("day")),
               # A paper waiting for review is not offered: its owner may be only proposed
               # (a number read unsure, or on a letter that takes no owner), so it may be
               # someone else's, and reusing it is refused until a person confirms it.
               Document.needs_review == false(), PROVES)
        .order_by(Document.issue_date.desc().nulls_last(), Document.id.desc())
        .limit(bindparam("limit", type_=BigInteger))
    )
    if shared:
        stmt = stmt.join(DocumentCoOwner, DocumentCoOwner.document_id == Document.id)
    if with_type:
        stmt = stmt.where(Document.doc_type == bindparam("doc_type"))
    if after == "dated":
        stmt = stmt.where(or_(
            Document.issue_date < bindparam("after_date"),
            and_(Document.issue_date == bindparam("after_date"),
                 Document.id < bindparam("after_id")),
            Document.issue_date.is_(None)))
    elif after == "undated":
        stmt = stmt.where(Document.issue_date.is_(None), Document.id < bindparam("after_id"))
    return stmt


# Built once: reuse lookups are the hottest read path, and building and cache-keying a fresh
# statement per call costs far more than SQLite's index probe.
_AFTER = (None, "dated", "undated")
_REUSE = {(t, a): _reuse_statement(t, a) for t in (False, True) for a in _AFTER}
_REUSE_SHARED = {(t, a): _reuse_statement(t, a, shared=True) for t in (False, True)
                 for a in _AFTER}


def _sqlite_sql(stmt: Any) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    compiled = stmt.compile(dialect=sqlite_dialect())
    # SQLite's LIMIT comes with an OFFSET of SQLAlchemy's own (0): keep its value.
    order = tuple(compiled.positiontup or ())
    fixed = {name: compiled.binds[name].value for name in order
             if not compiled.binds[name].required}
    return str(compiled), order, fixed


# The same statements as SQLite text with their parameters' order and SQLAlchemy's own
# parameter values, for reuse_sqlite.
_REUSE_SQLITE = {key: _sqlite_sql(stmt) for key, stmt in _REUSE.items()}
_REUSE_SHARED_SQLITE = {key: _sqlite_sql(stmt) for key, stmt in _REUSE_SHARED.items()}


def _newest_first(own: list[dict[str, Any]], shared: list[dict[str, Any]],
                  limit: int) -> list[dict[str, Any]]:
    """The owner's own papers and those shared with them, in the answer's one order (newest
    first, undated last, ties by id descending), at most ``limit``: each list is already in
    that order and limited, so the merge is exact."""
    if not shared:
        return own
    seen = {r["document_id"] for r in own}
    rows = own + [r for r in shared if r["document_id"] not in seen]
    rows.sort(key=lambda r: (r["issue_date"] is not None, str(r["issue_date"] or ""),
                             r["document_id"]), reverse=True)
    return rows[:limit]


_REUSE_KEYS = ("document_id", "doc_type", "title", "document_number", "issuing_body",
               "issue_date", "valid_until")


def _reuse_params(owner_id: str, doc_type: str | None, day: date, limit: int | None,
                  after: str | None) -> tuple[tuple[bool, str | None], dict[str, Any]]:
    params: dict[str, Any] = {"owner_id": owner_id, "day": day, "doc_type": doc_type,
                              "limit": _NO_LIMIT if limit is None else limit}
    kind = None
    if after:
        issued, params["after_id"] = parse_reuse_cursor(after)
        kind = "undated" if issued is None else "dated"
        params["after_date"] = issued
    return (bool(doc_type), kind), params


def reuse(conn: Connection, owner_id: str, doc_type: str | None, day: date,
          limit: int | None = None, after: str | None = None) -> list[dict[str, Any]]:
    """The owner's stored documents valid on ``day``: issued by then and not expired
    (``valid_until`` NULL = permanent, else inclusive), newest first (undated last), at most
    ``limit`` of them after the position ``after`` (see :func:`reuse_cursor`). Every column
    used here is in ``ix_documents_reuse_newest``, so the table itself is never read for the
    owner's own papers; those shared with them (``document_co_owners``, a handful per person)
    are read by key and merged in."""
    key, params = _reuse_params(owner_id, doc_type, day, limit, after)

    def rows(stmt: Any) -> list[dict[str, Any]]:
        return [{
            "document_id": r.id, "doc_type": r.doc_type, "title": r.title,
            "document_number": r.document_number, "issuing_body": r.issuing_body,
            "issue_date": iso(r.issue_date), "valid_until": validity_iso(r.valid_until),
            "signature": {"level": r.signature_level, "signer": r.signer}
            if r.signature_level else None,
            "needs_review": bool(r.needs_review),
        } for r in conn.execute(stmt, params)]

    return _newest_first(rows(_REUSE[key]), rows(_REUSE_SHARED[key]), params["limit"])


def reuse_sqlite(dbapi_conn: Any, owner_id: str, doc_type: str | None, day: date,
                 limit: int | None = None, after: str | None = None) -> list[dict[str, Any]]:
    """:func:`reuse` on a raw ``sqlite3`` connection, with the same statement and result. At a
    million documents a frequent owner has hundreds of rows, and SQLAlchemy's per-row result
    processing (dates parsed from SQLite's ISO text only to be formatted back) cost several
    times the index scan; here the ISO text is passed through and each row is a tuple."""
    key, params = _reuse_params(owner_id, doc_type, day, limit, after)
    for name in ("day", "after_date"):
        if isinstance(params.get(name), date):
            params[name] = params[name].isoformat()
    keys = _REUSE_KEYS

    def rows(compiled: tuple[str, tuple[str, ...], dict[str, Any]]) -> list[dict[str, Any]]:
        sql, order, fixed = compiled
        values = {**fixed, **params}
        out = []
        for r in dbapi_conn.execute(sql, [values[name] for name in order]).fetchall():
            row = dict(zip(keys, r, strict=False))
            row["signature"] = {"level": r[7], "signer": r[8]} if r[7] else None
            row["needs_review"] = bool(r[9])
            out.append(row)
        return out

    return _newest_first(rows(_REUSE_SQLITE[key]), rows(_REUSE_SHARED_SQLITE[key]),
                         params["limit"])


def index_docs(conn: Connection, ids: Iterable[str]) -> list[IndexDoc]:
    """What the search index should hold for these ids; ids not stored (absent, disposed) are
    left out, which tells the caller to remove them from the index."""
    rows = conn.execute(
        select(Document.id, Document.doc_type, Document.title, Document.text,
               Document.owner_id, Owner.name.label("owner_name"), Document.dossier_code,
               Document.unit, Document.issue_date, Document.document_number)
        .outerjoin(Owner, Owner.id == Document.owner_id)
        .where(Document.id.in_(list(ids)), IS_STORED))
    return [IndexDoc(document_id=r.id, doc_type=r.doc_type, title=r.title, text=r.text,
                     owner_id=r.owner_id, owner_name=r.owner_name,
                     dossier_code=r.dossier_code, unit=r.unit, issue_date=r.issue_date,
                     document_number=r.document_number)
            for r in rows]


def page_blobs(conn: Connection, ids: Iterable[str]) -> dict[str, list[str]]:
    """Each document's page-image blobs, in page order, then the phone photos pages were
    flattened from, then the images of its rescans (documents without any are absent): what
    disposal deletes and fixity checks."""
    out: dict[str, list[str]] = {}
    originals: dict[str, list[str]] = {}
    for row in conn.execute(select(PageRow.document_id, PageRow.blob_sha256,
                                   PageRow.original_sha256)
                            .where(PageRow.document_id.in_(list(ids)))
                            .order_by(PageRow.document_id, PageRow.position)):
        if row.blob_sha256:
            out.setdefault(row.document_id, []).append(row.blob_sha256)
        if row.original_sha256:
            originals.setdefault(row.document_id, []).append(row.original_sha256)
    for doc_id, shas in originals.items():
        out.setdefault(doc_id, []).extend(dict.fromkeys(shas))
    # then the images of the sheet scanned again since (a receipt brought back signed)
    for row in conn.execute(select(PageRescan.document_id, PageRescan.blob_sha256)
                            .where(PageRescan.document_id.in_(list(ids)))
                            .order_by(PageRescan.document_id, PageRescan.id)):
        out.setdefault(row.document_id, []).append(row.blob_sha256)
    return out


def stored_ids_after(conn: Connection, last: str, limit: int) -> list[str]:
    """Keyset pagination over stored document ids (for index rebuilds)."""
    return list(conn.execute(select(Document.id).where(IS_STORED, Document.id > last)
                             .order_by(Document.id).limit(limit)).scalars())


def referenced(conn: Connection, shas: Sequence[str]) -> set[str]:
    """Which of these blob ids a document (its PDF), a page (its image) or a rescan of a page
    points at."""
    found = set(conn.execute(select(Document.pdf_sha256)
                             .where(Document.pdf_sha256.in_(list(shas)))).scalars())
    found.update(conn.execute(select(PageRow.blob_sha256)
                              .where(PageRow.blob_sha256.in_(list(shas)))).scalars())
    found.update(conn.execute(select(PageRow.original_sha256)
                              .where(PageRow.original_sha256.in_(list(shas)))).scalars())
    found.update(conn.execute(select(PageRescan.blob_sha256)
                              .where(PageRescan.blob_sha256.in_(list(shas)))).scalars())
    return found


_FORM_KEYS = ("certified_copy", "born_digital", "original")


def paper_forms(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The record ``extra`` keys that say what each paper is (``records.paper_form``): read by
    key for one page of a reuse answer, so the answer's own scan stays on its covering index."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        for row in conn.execute(select(Document.id, Document.extra)
                                .where(Document.id.in_(list(ids[start:start + 500])))):
            extra = row.extra or {}
            out[row.id] = {k: extra[k] for k in _FORM_KEYS if extra.get(k)}
    return out


def paper_forms_sqlite(dbapi_conn: Any, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """:func:`paper_forms` on a raw ``sqlite3`` connection, the three keys extracted by SQLite:
    through SQLAlchemy, decoding each row's whole ``extra`` cost several times the reuse
    lookup it follows (1.6 ms for a page of 100, the lookup 0.3 ms); this costs what an empty
    statement does."""
    out: dict[str, dict[str, Any]] = {}
    # ``->`` gives each value as JSON text (NULL when absent): a string that merely starts with
    # "{" or is empty decodes as the string it is (json_extract gave "" and json.loads failed).
    picks = ", ".join(f"extra -> '$.{k}'" for k in _FORM_KEYS)
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        sql = (f"SELECT id, {picks} FROM documents WHERE id IN "
               f"({', '.join('?' * len(chunk))})")
        for row in dbapi_conn.execute(sql, chunk).fetchall():
            values = [None if v is None else json.loads(v) for v in row[1:]]
            out[row[0]] = {k: v for k, v in zip(_FORM_KEYS, values, strict=True) if v}
    return out
