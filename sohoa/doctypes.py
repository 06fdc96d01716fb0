"""The document-type registry: what each kind of paper is, whose it is, how long it is valid.

Types are data (``doctypes.toml`` beside this module); code reads them through :class:`Registry`.
The OCR room classifies and extracts with it, the archive computes validity and retention from it.

Validity convention of :meth:`Registry.valid_until`:
  * a date            the last day on which the document is valid (for "until:F,months:N",
                      the date printed in F when readable, else N months from the issue date);
  * ``None``          the document does not expire (``permanent``, or ``none``: not a proof);
  * ``VALIDITY_UNKNOWN`` (``date.min``)  the rule needs a date the document does not give
    (no readable issue or expiry date). It compares as long expired on purpose: a document whose
    validity cannot be established must never be reused without a person's look.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from sohoa.errors import ConfigError, NotFoundError, os_said
from sohoa.vntext import fold, nfc

DEFAULT_PATH = Path(__file__).with_name("doctypes.toml")
VALIDITY_UNKNOWN = date.min

_OWNER_KINDS = {"person", "organization"}
_VALIDITY = re.compile(
    r"^(permanent|none|(?:until:[a-z_]+,)*(?:months:[1-9]\d*|until:[a-z_]+))$"
)
_RETENTION = re.compile(r"^(permanent|years:[1-9]\d*)$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
# Values an "until:" field may hold for a card with no end date printed ("Không thời hạn").
_NO_END = {"khong thoi han", "permanent", "vinh vien"}


@dataclass(frozen=True)
class DocType:
    code: str  # "birth_certificate"
    name: str  # "Giấy khai sinh"
    titles: tuple[str, ...]  # title patterns as printed, e.g. "GIẤY KHAI SINH"
    fields: tuple[str, ...]  # field keys it carries
    owner_kind: str | None  # "person" | "organization" | None
    owner_field: str | None  # "id_number" | "enterprise_code" | None
    validity: str  # "permanent" | "months:6" | "until:expiry_date" | "none"
    retention: str  # "permanent" | "years:N" (counted from the issue date)
    retention_label: str  # "Vĩnh viễn" / "10 năm"
    keywords: tuple[str, ...] = ()  # identifying phrases printed outside the title
    # Type-specific captions per field, tried instead of the generic ones for that field
    # (a land certificate's "b) Địa chỉ" is the parcel's, not the owner's).
    labels: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The paper belongs to every person it names (a marriage certificate): which of them owns
    # this copy is the dossier's to say, never the first name printed.
    owner_shared: bool = False
    # What desks call it for short ("CCCD", "GKS", "sổ đỏ"): taken by --type like its name.
    abbreviations: tuple[str, ...] = ()
    # Fields every paper of the type prints (the card's issue date): one not read sends the
    # paper to a person with what to enter, even when nothing else depends on it.
    required: tuple[str, ...] = ()
    # The kinds of paper its number's notation names ("LLTP" in "4397/2026/LLTP", "QĐ" in
    # "195/QĐ-UBND"): a read notation is checked against them (sohoa.ocr.fields.digits).
    notations: tuple[str, ...] = ()

    def labels_for(self, field: str) -> tuple[str, ...]:
        return next((labs for key, labs in self.labels if key == field), ())

    @property
    def proves(self) -> bool:
        """Does the paper attest something another procedure can rely on? A form, a receipt or
        an unclassified paper (validity ``none``) has no validity to speak of: it is shown as
        "không áp dụng", never as valid forever, and never offered for reuse (tester12 F4)."""
        return self.validity != "none"

    @property
    def retention_years(self) -> int | None:
        """Years to keep from the issue date; ``None`` means permanently."""
        kind, _, arg = self.retention.partition(":")
        return int(arg) if kind == "years" else None


class Registry:
    """An ordered, read-only set of document types, looked up by code."""

    def __init__(self, types: tuple[DocType, ...], source: str = "") -> None:
        self._types = types
        self._by_code = {t.code: t for t in types}
        self.source = source

    def get(self, code: str) -> DocType:
        try:
            return self._by_code[code]
        except KeyError:
            known = ", ".join(self._by_code)
            raise NotFoundError(
                f"không có loại giấy tờ {code!r}; các loại đã khai báo: {known}. "
                f"Nếu đây là loại giấy tờ mới, hãy khai báo nó trong "
                f"{self.source or 'doctypes.toml'}."
            ) from None

    def all(self) -> tuple[DocType, ...]:
        return self._types

    def code_of(self, typed: str) -> str | None:
        """The code of the type ``typed`` names: its code, its Vietnamese name as listings
        print it (or one of the names it joins with " / ") or a short name desks use ("CCCD",
        "GKS"), accents and case ignored ("giay khai sinh", "Thẻ căn cước"); None when it names
        none. A name that, accents ignored,
        is two types' (a doctypes.toml may declare such) is refused with both, never taken as
        the first one."""
        text = typed.strip()
        if text in self._by_code:
            return text
        key = " ".join(fold(text).split())
        found = [t for t in self._types
                 if any(" ".join(fold(n).split()) == key
                        for n in (t.name, *t.name.split("/"), t.code.replace("_", " "),
                                  *t.abbreviations)
                        if n.strip())]
        if len(found) > 1:  # the accents then tell them apart, if typed
            exact = " ".join(nfc(text).casefold().split())
            found = [t for t in found
                     if any(" ".join(nfc(n).casefold().split()) == exact
                            for n in (t.name, *t.name.split("/")) if n.strip())] or found
        if len(found) > 1:
            both = "; ".join(f"{t.code} ({t.name})" for t in found)
            raise ConfigError(f"«{text}» bỏ dấu thì là tên của {len(found)} loại giấy tờ: "
                              f"{both}. Ghi đúng dấu hoặc ghi mã loại")
        return found[0].code if found else None

    def not_proofs(self) -> tuple[str, ...]:
        """Codes of the types that prove nothing (validity ``none``), in registry order."""
        return tuple(t.code for t in self._types if not t.proves)

    def proves(self, code: str | None) -> bool:
        """:attr:`DocType.proves` of ``code``; an unknown code is taken to prove something, so
        that a type dropped from the registry keeps its stored validity on every face."""
        return code not in self._by_code or self._by_code[code].proves

    def titles(self) -> tuple[str, ...]:
        """Every type's printed titles, in registry order (what a first page starts with)."""
        return tuple(t for doc_type in self._types for t in doc_type.titles)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[DocType]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def valid_until(self, code: str, fields: Mapping[str, str | None]) -> date | None:
        """Last day the document is valid, ``None`` if it never expires, or ``VALIDITY_UNKNOWN``.

        ``fields`` are extracted values with ISO dates (``issue_date``, ``expiry_date`` …).
        """
        rule = self.get(code).validity
        if rule in ("permanent", "none"):
            return None
        # "until:expiry_date,months:1": the printed date when readable, else the fallback term.
        for alternative in rule.split(","):
            kind, _, arg = alternative.partition(":")
            if kind == "months":
                issued = _iso(fields.get("issue_date"))
                if issued is not None:
                    return add_months(issued, int(arg)) - timedelta(days=1)
                continue
            raw = fields.get(arg)
            if raw is not None and fold(raw).strip() in _NO_END:
                return None
            until = _iso(raw)
            if until is not None:
                return until
        return VALIDITY_UNKNOWN

    def retain_until(self, code: str, issue_date: date | None) -> date | None:
        """Earliest disposal date; ``None`` for permanent retention or an unknown issue date
        (an undated document is kept until a person decides)."""
        years = self.get(code).retention_years
        if years is None or issue_date is None:
            return None
        return add_months(issue_date, 12 * years)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_label(retention: str) -> str:
    kind, _, arg = retention.partition(":")
    return "Vĩnh viễn" if kind == "permanent" else f"{int(arg)} năm"


def _iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _strings(entry: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key!r} phải là danh sách các chuỗi")
    return tuple(nfc(v).strip() for v in value)


def _optional(entry: Mapping[str, object], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{where}: {key!r} phải là một chuỗi")
    return value or None


def _flag(entry: Mapping[str, object], key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key!r} phải là true hoặc false")
    return value


def _parse_type(entry: Mapping[str, object], where: str) -> DocType:
    code = entry.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise ConfigError(f"{where}: mỗi loại cần có 'code' gồm chữ thường, chữ số, _")
    where = f"{where} (loại {code!r})"
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: thiếu 'name' (tên tiếng Việt của loại)")
    owner_kind = _optional(entry, "owner_kind", where)
    owner_field = _optional(entry, "owner_field", where)
    if owner_kind is not None and owner_kind not in _OWNER_KINDS:
        raise ConfigError(f"{where}: owner_kind phải là 'person' hoặc 'organization'")
    if (owner_kind is None) != (owner_field is None):
        raise ConfigError(f"{where}: hãy ghi cả owner_kind lẫn owner_field, hoặc không ghi cả "
                          "hai")
    fields = _strings(entry, "fields", where)
    if owner_field is not None and owner_field not in fields:
        raise ConfigError(f"{where}: owner_field {owner_field!r} không có trong fields của "
                          "loại này")
    validity = _optional(entry, "validity", where) or "none"
    if not _VALIDITY.match(validity):
        raise ConfigError(
            f"{where}: validity {validity!r} không thuộc các dạng `permanent`, `none`, "
            "`months:N`, `until:FIELD` hoặc `until:FIELD,months:N` (ngày in trên giấy, nếu "
            "không có thì tính theo thời hạn)"
        )
    for alternative in validity.split(","):
        if alternative.startswith("until:") and alternative[6:] not in fields:
            raise ConfigError(
                f"{where}: validity đọc trường {alternative[6:]!r}, trường này không có "
                "trong fields của loại"
            )
    retention = _optional(entry, "retention", where) or "permanent"
    if not _RETENTION.match(retention):
        raise ConfigError(f"{where}: retention {retention!r} phải là 'permanent' hoặc "
                          "'years:N'")
    label = _optional(entry, "retention_label", where) or retention_label(retention)
    raw_labels = entry.get("labels", {})
    if not isinstance(raw_labels, dict):
        raise ConfigError(f"{where}: 'labels' phải là một bảng dạng trường = [các nhãn]")
    for key in raw_labels:
        if key not in fields:
            raise ConfigError(f"{where}: labels ghi cho {key!r}, trường này không có trong "
                              "fields của loại")
    labels = tuple((key, _strings(raw_labels, key, where)) for key in raw_labels)
    required = _strings(entry, "required", where)
    for key in required:
        if key not in fields:
            raise ConfigError(f"{where}: required ghi trường {key!r}, trường này không có trong "
                              "fields của loại")
    notations = _strings(entry, "notations", where)
    if notations and "document_number" not in fields:
        raise ConfigError(f"{where}: có notations mà fields không có 'document_number'")
    if any(not re.fullmatch(r"[A-ZĐ0-9]+", n) for n in notations):
        raise ConfigError(f"{where}: mỗi ký hiệu trong notations là chữ in hoa, không dấu "
                          "cách, không '-' hay '/' (ví dụ \"LLTP\", \"QĐ\")")
    return DocType(
        code=code,
        name=nfc(name).strip(),
        titles=_strings(entry, "titles", where),
        fields=fields,
        owner_kind=owner_kind,
        owner_field=owner_field,
        validity=validity,
        retention=retention,
        retention_label=nfc(label),
        keywords=_strings(entry, "keywords", where),
        abbreviations=_strings(entry, "abbreviations", where),
        labels=labels,
        owner_shared=_flag(entry, "owner_shared", where),
        required=required,
        notations=notations,
    )


def parse_registry(text: str, source: str = "<string>") -> Registry:
    """Build a registry from TOML text; every mistake is a :class:`ConfigError` naming the type."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{source} không phải TOML hợp lệ: {err}") from None
    entries = data.get("type")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{source}: không có bảng [[type]] nào")
    types = tuple(_parse_type(e, source) for e in entries)
    codes = [t.code for t in types]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ConfigError(f"{source}: mã loại bị khai báo hai lần: {', '.join(duplicates)}")
    if "other" not in codes:
        raise ConfigError(f"{source}: phải khai báo loại dự phòng 'other'")
    return Registry(types, source)


def load_registry(path: Path | None = None) -> Registry:
    """The registry in ``path``, or the packaged ``doctypes.toml``. Cached per path."""
    return _load(str(Path(path).resolve() if path is not None else DEFAULT_PATH))


@lru_cache(maxsize=8)
def _load(path: str) -> Registry:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(
            f"không đọc được danh mục loại giấy tờ {path}: {os_said(err)}"
        ) from None
    return parse_registry(text, path)
