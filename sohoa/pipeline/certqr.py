"""The QR codes of the certification register's papers (TT 01/2023 Điều 26): what an
electronic certified copy's code and a printed register's code state, and checking them
against the register (``sohoa verify``, through ``pipeline/qrcheck.py``).

A copy's code names its unit, number and book, owner, paper, official and time of
certification; a printed register's code its unit and year, the last number it lists, how many
lines, a digest of those lines' fixed columns (number, time, owner, paper, original, officials),
so a line changed, removed or added among the printed numbers shows (lines certified after the
printing do not: they come after its last number), and the numbers still "đang lập" then: one
issued or spoiled since is reported as changed after printing, never as a mismatch.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sohoa.archive import certifications
from sohoa.archive.certification_models import CERT_ISSUED, CERT_ISSUING, CERT_SPOILED
from sohoa.doctypes import VALIDITY_UNKNOWN
from sohoa.errors import NotFoundError
from sohoa.pdf import qrmark
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings
from sohoa.records import CertificationEntry, sha256_hex
from sohoa.signing.settings import vietnam_time

COPY_KIND = "certified-copy"
REGISTER_KIND = "certification-register"
REGISTER_PAPER = "Sổ chứng thực bản sao từ bản chính"


def copy_fields(entry: CertificationEntry, *, agency: str, dossier: str | None = None,
                valid_until: date | None = None) -> dict[str, Any]:
    """What the copy's QR code states (TT 01/2023 Điều 26), all of it checkable against the
    register: the unit, the number and book, the owner, the paper, the official, the time."""
    return {"system": qrmark.system_name(agency), "paper": entry.paper, "kind": COPY_KIND,
            "ref": str(entry.number), "dossier": dossier, "owner": entry.owner_id,
            "issued": vietnam_time(entry.certified_at),
            "valid_until": valid_until.isoformat() if valid_until else None,
            "unit": entry.unit, "book": entry.book, "official": entry.official}


def check_copy(settings: Settings, payload: dict[str, Any],
               pdf: bytes) -> tuple[list[tuple[Any, ...]], bool | None]:
    """The copy's QR against the register: (field, QR value, catalog value[, ok]) rows, and
    whether these bytes are the copy stored under the number — its current file or one of its
    earlier revisions (None when nothing is stored). NotFoundError when the register holds no
    such number."""
    book = str(payload.get("book", ""))
    try:
        year = int(book.split("/")[1].split("-")[0])
        number = int(str(payload.get("ref", "")))
    except (IndexError, ValueError):
        return [("ref", payload.get("ref"), None)], None
    presented = sha256_hex(pdf)
    with open_archive(settings) as archive:
        # Not in this catalog's register: NotFoundError (a copy certified elsewhere).
        entry = certifications.find(archive, unit=str(payload.get("unit", "")), year=year,
                                    number=number)
        copy = None
        earlier = False
        if entry.document_id:
            with contextlib.suppress(NotFoundError):
                copy = archive.get_document(entry.document_id)
            if copy is not None and presented != copy["pdf"]["sha256"]:
                # `sohoa signatures renew` appends a timestamp revision and the catalog moves
                # to it; the copy the citizen was handed is the file as it was before.
                with contextlib.suppress(NotFoundError):
                    earlier = is_earlier_revision(pdf, archive.get_pdf(entry.document_id))
    expected = copy_fields(entry, agency=settings.agency)
    rows = [(key, payload.get(key), expected[key])
            for key in ("system", "unit", "ref", "book", "owner", "paper", "official",
                        "issued")]
    rows.append(("status", "issued", entry.status))
    if copy is None:
        return rows, None
    # The register names exactly one copy per number: a PDF under this number that is not
    # the stored one (re-drawn with a later "Giá trị sử dụng đến", signed by another key under
    # the trust roots) is not the certified copy, whatever its QR says.
    until = copy.get("valid_until")
    rows.append(("valid_until", payload.get("valid_until"),
                 None if until in (None, VALIDITY_UNKNOWN.isoformat()) else until))
    rows.append(("dossier", payload.get("dossier"), _copy_dossier(entry, copy, payload)))
    stored = presented == copy["pdf"]["sha256"] or earlier
    rows.append(("copy", presented, copy["pdf"]["sha256"], stored))
    return rows, stored


def is_earlier_revision(pdf: bytes, stored: bytes) -> bool:
    """Whether ``pdf`` is a complete earlier revision of ``stored``: the stored file starts
    with it and it ends where a revision ends (``%%EOF``), so the stored file only appends
    incremental updates after it. A cut anywhere else, or other bytes, is not the copy."""
    if not pdf or len(pdf) >= len(stored) or not stored.startswith(pdf):
        return False
    if not pdf.rstrip(b"\r\n").endswith(b"%%EOF"):
        return False
    # Cut right after "%%EOF": the next revision must begin on a line of its own.
    return pdf.endswith((b"\r", b"\n")) or stored[len(pdf):len(pdf) + 1] in (b"\r", b"\n")


def _copy_dossier(entry: CertificationEntry, copy: dict[str, Any],
                  payload: dict[str, Any]) -> str | None:
    """The dossier the copy's QR states: the one it was certified for, or none when it was
    filed under the register's own code (``SCT-<unit>-<year>-<number>``)."""
    code = copy.get("dossier_code")
    own = f"SCT-{entry.unit}-{entry.year}-{entry.number:05d}"
    if code == own and payload.get("dossier") in (None, own):
        return payload.get("dossier")
    return code


# What a line says once its number is taken, and never lawfully changes. Its status, copy and
# note do change (a line printed "đang lập" is later issued or spoiled): a digest over them
# would call the agency's own printed register forged once the desk finished its work.
LINE_COLUMNS = ("number", "book", "certified_at", "owner_id", "paper", "pages", "original",
                "official", "official_title", "compared_by")
STATUS_NAMES = {CERT_ISSUED: "đã cấp", CERT_ISSUING: "đang lập", CERT_SPOILED: "số hỏng"}


def digest(entries: Sequence[CertificationEntry]) -> str:
    """A short digest of the lines' fixed columns (what the QR code states)."""
    return _digest([{k: e.to_json()[k] for k in LINE_COLUMNS} for e in entries])


def _legacy_digest(entries: Sequence[CertificationEntry]) -> str:
    """The digest registers printed before LINE_COLUMNS stated (every column)."""
    return _digest([e.to_json() for e in entries])


def _digest(rows: list[dict[str, Any]]) -> str:
    canon = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode()).hexdigest()[:32]


def register_fields(entries: Sequence[CertificationEntry], *, unit: str, year: int,
                    agency: str, at: datetime) -> dict[str, Any]:
    return {"system": qrmark.system_name(agency), "paper": REGISTER_PAPER, "kind": REGISTER_KIND,
            "ref": f"{unit}/{year}", "issued": vietnam_time(at), "unit": unit, "year": year,
            "through": max((e.number for e in entries), default=0), "lines": len(entries),
            "digest": digest(entries),
            "issuing": [e.number for e in entries if e.status == CERT_ISSUING]}


def check_register(settings: Settings, payload: dict[str, Any]) -> list[tuple[Any, ...]]:
    """A printed register's QR against the register now: the lines up to its last number
    (NotFoundError when this catalog holds none of them)."""
    try:
        unit, year = str(payload["unit"]), int(payload["year"])
        through = int(payload["through"])
    except (KeyError, TypeError, ValueError):
        return [("ref", payload.get("ref"), None)]
    entries = [e for e in _lines(settings, unit=unit, year=year) if e.number <= through]
    if through and not entries:
        raise NotFoundError(f"cơ sở dữ liệu này không có sổ chứng thực của {unit} năm {year}: "
                            "sổ do nơi khác lập")
    now = register_fields(entries, unit=unit, year=year, agency=settings.agency,
                          at=datetime.now(UTC))
    rows: list[tuple[Any, ...]] = [(key, payload.get(key), now[key])
                                   for key in ("system", "ref", "through", "lines")]
    rows.append(("digest", payload.get("digest"), now["digest"],
                 payload.get("digest") in (now["digest"], _legacy_digest(entries))))
    # A line printed "đang lập" that was issued or spoiled since: the desk's lawful work,
    # reported (ok) so the reader knows the paper is older than the register's state.
    by_number = {e.number: e for e in entries}
    for number in payload.get("issuing") or []:
        line = by_number.get(number)
        if line is not None and line.status != CERT_ISSUING:
            rows.append(("changed", f"số {number}",
                         f"{STATUS_NAMES[CERT_ISSUING]} → "
                         f"{STATUS_NAMES.get(line.status, line.status)}", True))
    return rows


def _lines(settings: Settings, *, unit: str, year: int) -> list[CertificationEntry]:
    with open_archive(settings) as archive:
        return certifications.register(archive, unit=unit, year=year)
