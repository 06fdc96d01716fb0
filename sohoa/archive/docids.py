"""The document id a person typed, resolved the one way every command and page uses: the full
id, or a unique prefix of 4+ characters (tester10 F11/F16: `dossier reuse` and review's
writing commands took only the full id). Apart from ``documents`` so that ``dossiers``, which
``documents`` imports, can use it too."""

from __future__ import annotations

import re

from sqlalchemy import Connection, select

from sohoa.archive.models import Document
from sohoa.errors import ConfigError, NotFoundError

_PREFIX = re.compile(r"[0-9a-f]{4,}")


# A command that changes a paper takes a longer prefix: in a ward's catalog a mistyped 4-6
# character prefix that matches at all usually matches one paper — another citizen's
# (review10b C).
WRITE_PREFIX = 8


def resolve_id(conn: Connection, given: str, *, min_prefix: int = 4) -> str:
    """The document id a user typed: the full id, or a unique prefix of at least
    ``min_prefix`` (4+) characters (what a narrow terminal showed, "931b469a…" included).
    NotFoundError when nothing matches, ConfigError naming the candidates when several do,
    or when the prefix is shorter than ``min_prefix``."""
    text = given.strip().removesuffix("…").removesuffix("...").strip().lower()
    if conn.execute(select(Document.id).where(Document.id == text)).first() is not None:
        return text
    if not _PREFIX.fullmatch(text):
        raise NotFoundError(f"không có giấy tờ {given.strip()} trong kho")
    if len(text) < min_prefix:
        raise ConfigError(f"mã {text} quá ngắn cho lệnh thay đổi dữ liệu: hãy gõ ít nhất "
                          f"{min_prefix} ký tự đầu của mã giấy tờ (hoặc cả mã)")
    found = list(conn.execute(select(Document.id).where(Document.id.like(text + "%"))
                              .order_by(Document.id).limit(6)).scalars())
    if not found:
        raise NotFoundError(f"không có giấy tờ {given.strip()} trong kho")
    if len(found) > 1:
        more = ", …" if len(found) > 5 else ""
        raise ConfigError(f"mã {text} khớp với nhiều tài liệu ({', '.join(found[:5])}{more}); "
                          "hãy gõ thêm vài ký tự")
    return found[0]
