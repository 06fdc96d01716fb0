"""Catalog engines, connection settings and migrations.

SQLite is configured for an archive, not for speed:
- WAL, so readers (search API, CLI) never block the ingest writer and vice versa;
- ``synchronous=FULL``: in WAL mode NORMAL may lose the last commits on power loss. The desk hands
  the paper back once a document is reported stored, so a reported commit must survive a power
  cut; one extra fsync per document is nothing next to OCR;
- foreign keys on (off by default in SQLite) and a busy timeout so concurrent processes wait;
- reads through a memory map of the file (``mmap_size``): a page the OS already caches is then
  a page-table entry, not a read() and a copy into SQLite's cache. At 1M documents a reuse
  lookup's first touch of an owner went from 1.1–1.2 ms to 0.42–0.44 ms at p99 (bench/RESULTS.md).
  The map is read-only (writes still go through the WAL), and SQLite caps its size at its
  compile-time maximum (2 GiB in Debian's build): beyond that, pages are read as before;
- two engines: write transactions start with ``BEGIN IMMEDIATE`` so a writer takes the write lock
  up front and never fails half-way with "database is locked" when upgrading a read lock, while
  read-only work uses plain deferred ``BEGIN`` and never blocks anyone.
PostgreSQL gets one engine for both roles, at READ COMMITTED (each statement sees what others
committed before it; writers that must not interleave take a lock, see :func:`xact_lock` and
:func:`exclusive`).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import random
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError

from sohoa.errors import ConfigError, StorageBusyError, StorageError
from sohoa.vntext import shown_number

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30_000
MMAP_BYTES = 1 << 34  # asked for; SQLite keeps the smaller of this and its compile-time limit
DB_SCHEMES = ("sqlite:///<absolute path>", "postgresql+psycopg://user@host/db")


def sqlite_file(db_url: str) -> Path | None:
    """The file of an embedded (SQLite) catalog's URL, read as :func:`make_engines` reads it
    (``sqlite+pysqlite:///…``, ``…/catalog.db?timeout=30``); None for a server's URL, or text
    that is no database URL (make_engines says why when it is opened)."""
    try:
        url = make_url(db_url)
    except ArgumentError:
        return None
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def make_engines(db_url: str, *,
                 busy_timeout_s: float | None = None) -> tuple[Engine, Engine]:
    """Return (writer, reader) engines for ``db_url``; the same engine twice on PostgreSQL.

    ``busy_timeout_s``: how long a statement waits for another process's lock before it fails
    (default 30 s): SQLite's busy timeout, PostgreSQL's ``lock_timeout`` (a catalog locked by
    hand or by a long backup made a desk's ingest wait without a word, tester14; now it stops
    with the reason and "run the same command again", as on SQLite). Every engine turns the
    database's "the machine is in the way" errors (locked, read-only, disk full, I/O error,
    server gone) into :class:`StorageError` with a reason in Vietnamese, so that no caller
    mistakes them for a fault of the page or document it was writing, and the command ends with
    exit 2 instead of a traceback."""
    try:
        url = make_url(db_url)
    except ArgumentError as exc:
        raise ConfigError(
            f"địa chỉ danh mục (db) {db_url!r} không phải địa chỉ cơ sở dữ liệu; hãy dùng một "
            f"trong các dạng: {', '.join(DB_SCHEMES)}"
        ) from exc
    backend = url.get_backend_name()
    timeout_ms = BUSY_TIMEOUT_MS if busy_timeout_s is None else int(busy_timeout_s * 1000)
    if backend == "sqlite":
        if not url.database or url.database == ":memory:" or not Path(url.database).is_absolute():
            # A relative path would follow the current directory: a second catalog appears
            # wherever the command happens to be run.
            raise ConfigError(
                f"địa chỉ danh mục (db) {db_url!r} phải ghi đường dẫn tuyệt đối tới tệp, ví "
                "dụ sqlite:////var/lib/sohoa/catalog.db (bốn dấu gạch chéo)")
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        writer = _sqlite_engine(db_url, "BEGIN IMMEDIATE", timeout_ms)
        reader = _sqlite_engine(db_url, "BEGIN", timeout_ms)
        _translate_errors(writer, db_url, timeout_ms)
        _translate_errors(reader, db_url, timeout_ms)
        return writer, reader
    if backend == "postgresql":
        try:
            engine = create_engine(db_url, pool_pre_ping=True,
                                   isolation_level="READ COMMITTED")
        except ImportError as exc:
            raise ConfigError(
                f"chưa cài trình điều khiển PostgreSQL cho {db_url!r} ({exc}); hãy cài "
                "psycopg hoặc dùng danh mục sqlite:///") from exc
        _pg_lock_timeout(engine, timeout_ms)
        _translate_errors(engine, db_url, timeout_ms)
        return engine, engine
    raise ConfigError(
        f"địa chỉ danh mục có kiểu {url.drivername!r} không được hỗ trợ; hãy dùng một trong "
        f"các dạng: {', '.join(DB_SCHEMES)}")


def _pg_lock_timeout(engine: Engine, timeout_ms: int) -> None:
    """Every session of ``engine`` waits at most ``timeout_ms`` for a lock (a row, a table, an
    advisory lock), then fails with SQLSTATE 55P03, said as "locked" (``catalog_error``).
    Committed at once: a SET in a transaction later rolled back would be undone."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {int(timeout_ms)}")
        dbapi_conn.commit()


def _sqlite_engine(db_url: str, begin_sql: str, timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    engine = create_engine(db_url, connect_args={"timeout": timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so that "begin" below decides
        # how each transaction starts (and DDL in migrations is transactional too).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        _use_wal(cur)
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        cur.execute(f"PRAGMA busy_timeout={timeout_ms}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(begin_sql)

    return engine


# SQLite's messages for what is wrong with the machine rather than with the statement, and what
# the desk should be told about each (Vietnamese: the clerk at the scanner reads it).
_SQLITE_CAUSES = (
    ("locked", "đang bị một tiến trình khác khóa"),
    ("readonly", "chỉ cho phép đọc (quyền ghi, thuộc tính bất biến hoặc ổ đĩa chỉ đọc)"),
    ("read-only", "chỉ cho phép đọc (quyền ghi, thuộc tính bất biến hoặc ổ đĩa chỉ đọc)"),
    ("disk is full", "không còn chỗ trống trên đĩa"),
    ("disk i/o error", "gặp lỗi đọc/ghi đĩa"),
    ("unable to open database file", "không mở được tệp (thư mục mất, hết chỗ hoặc thiếu quyền)"),
)
_AGAIN = "Không có gì bị ghi dở; khắc phục xong thì chạy lại đúng lệnh này để làm tiếp."


def catalog_error(exc: BaseException, db_url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                  *, disconnect: bool = False) -> StorageError | None:
    """The :class:`StorageError` a database error stands for, or None for an error of the
    statement itself (a constraint, a bug), which callers handle or report as such."""
    where = safe_url(db_url)
    orig = getattr(exc, "orig", None) or exc
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    module = type(orig).__module__
    if isinstance(orig, sqlite3.OperationalError):
        folded = detail.lower()
        for needle, cause in _SQLITE_CAUSES:
            if needle in folded:
                # SQLite's own sentence ("database is locked") is English and the cause is
                # already said: the clerk reads ours only. Said alike for whatever command
                # met it (a status read, a dossier step, an ingest): nothing of the input is
                # at fault.
                if needle == "locked":
                    return _busy(where, busy_timeout_ms)
                return StorageError(f"Không ghi được cơ sở dữ liệu danh mục {where}: tệp "
                                    f"{cause}. {_AGAIN}")
        # Anything else ("no such table", a syntax error, too many variables) is a fault of
        # the statement, not of the machine: a bug to report (exit 1), never "run it again".
        return None
    if not module.startswith("psycopg"):
        return None
    kinds = {c.__name__ for c in type(orig).__mro__}
    if "DiskFull" in kinds:
        return StorageError(f"Máy chủ PostgreSQL {where} hết chỗ trên đĩa ({detail}). {_AGAIN}")
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate == "55P03":  # lock_not_available: waited lock_timeout (make_engines)
        return _busy(where, busy_timeout_ms)
    # A lost or refused connection: SQLSTATE class 08, the server shutting down or starting
    # (57P01-57P03), or no SQLSTATE at all (the connection itself failed). Deadlocks and
    # serialization failures are OperationalErrors too, but of the transaction: not the machine.
    lost = sqlstate.startswith("08") or sqlstate in {"57P01", "57P02", "57P03"} or (
        not sqlstate and bool(kinds & {"OperationalError", "InterfaceError"}))
    if disconnect or lost:
        return StorageError(f"Mất kết nối tới máy chủ PostgreSQL {where} ({detail}): máy chủ "
                            f"không trả lời hoặc vừa khởi động lại. {_AGAIN}")
    return None


def _busy(where: str, busy_timeout_ms: int) -> StorageBusyError:
    """A catalog locked past the wait, said alike on SQLite and PostgreSQL."""
    return StorageBusyError(
        f"Cơ sở dữ liệu danh mục {where} đang bị một tiến trình khác khóa quá "
        f"{shown_number(busy_timeout_ms / 1000, 1, trim=True)} giây (một lệnh khác đang ghi, "
        f"hay đang sao lưu): không phải lỗi của dữ liệu hay giấy tờ. {_AGAIN}")


def _translate_errors(engine: Engine, db_url: str, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "handle_error")
    def _on_error(ctx: ExceptionContext) -> BaseException | None:
        if ctx.is_pre_ping:
            return None  # the pool is testing a pooled connection: let it reconnect
        return catalog_error(ctx.original_exception, db_url, busy_timeout_ms,
                             disconnect=ctx.is_disconnect)


def _use_wal(cur: Any) -> None:
    """Switch the file to WAL (a no-op once it is: the mode is stored in the file).

    The first switch needs an exclusive lock. When two processes open a new catalog at once,
    both hold a read lock and both ask for it; SQLite then fails one of them at once with
    "database is locked" instead of calling the busy handler (waiting could never end), so the
    switch is retried here until the other side has finished.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            mode = cur.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause * (1 + random.random()))
            pause = min(pause * 2, 0.1)
            continue
        if str(mode).lower() != "wal":
            raise StorageError(
                f"tệp danh mục không dùng được chế độ ghi nhật ký trước (WAL; journal mode vẫn "
                f"là {mode!r}); hãy đặt tệp trên ổ đĩa của máy, không đặt trên ổ mạng dùng "
                "chung")
        return


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


# ``revision = "0016"`` / ``down_revision = "0015"`` (or None), as every migration file says.
_REVISION_LINE = re.compile(
    r"""^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(?:["']([^"'\n]+)["']|(None))\s*$""",
    re.MULTILINE)


@functools.cache
def head_revision() -> str:
    """The newest migration, read from the migration files' own ``revision`` and
    ``down_revision`` lines. Every open of the archive asks (is the catalog current?), and
    alembic's script directory imports alembic and every migration module to answer (≈0.3 s of
    a command that does nothing else); alembic is asked only when the files do not say it
    plainly (a merge, a tuple) and when a catalog must be upgraded."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text("utf-8")
        if not re.search(r"^revision\b", source, re.MULTILINE):
            continue  # __init__.py
        found = {m.group(1): m.group(2) for m in _REVISION_LINE.finditer(source)}
        if found.get("revision") is None or "down_revision" not in found:
            return _alembic_head()  # not said plainly (a merge of two heads, a tuple)
        revisions.add(found["revision"])
        if found["down_revision"] is not None:
            parents.add(found["down_revision"])
    heads = revisions - parents
    if len(heads) != 1 or not parents <= revisions:
        return _alembic_head()
    return heads.pop()


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StorageError("bản cài đặt thiếu các bước nâng cấp danh mục (migrations); hãy "
                           "cài lại sohoa")
    return head


def current_revision(engine: Engine) -> str | None:
    """The catalog's schema revision (alembic's ``alembic_version`` row), None when new."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        if len(rows) <= 1:
            return rows[0] if rows else None
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()  # says what is wrong


def migrate(engine: Engine) -> bool:
    """Bring the catalog to the newest schema; return True if anything was applied."""
    head = head_revision()
    if current_revision(engine) == head:
        return False
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        # Several workers opening a fresh PostgreSQL catalog at once: the first migrates, the
        # others wait here and then find it at head (SQLite's BEGIN IMMEDIATE does the same).
        # However long the first one takes (an index built on a large catalog): not
        # lock_timeout, which holds for this transaction only.
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL lock_timeout = 0"))
        xact_lock(conn, "migrate")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a named PostgreSQL advisory lock."""
    return int.from_bytes(hashlib.sha256(f"sohoa:{name}".encode()).digest()[:8], "big",
                          signed=True)


# The one order every transaction takes its named locks in (docs/architecture.md, "Writers
# that must take turns"): a transaction that only ever waits for a lock later in this order than
# every lock it holds cannot be part of a cycle, so PostgreSQL never has to break a deadlock
# between two writers. A dossier's own locks come first — ``dossier:CODE`` (its components and
# codes) then ``sync-order:CODE`` (its events' numbering), dossiers in code order —, then the
# other named locks, then the hash chains (the audit log, the access log) last: a transaction
# that appended to the audit log waits for no dossier any more.
_LOCKS_HELD = "sohoa.xact_locks"
# Tests turn this on (tests/conftest.py sets SOHOA_CHECK_LOCK_ORDER=1, which the CLI and the
# queue workers the tests start inherit): a lock taken out of order raises instead of being
# taken, so every path the suite runs is checked on SQLite too, where no lock is ever waited for.
CHECK_LOCK_ORDER = os.environ.get("SOHOA_CHECK_LOCK_ORDER") == "1"


class LockOrderError(RuntimeError):
    """A transaction asked for a named lock before one it already holds (a programming error:
    two such transactions can deadlock on PostgreSQL)."""


def lock_rank(name: str) -> tuple[int, str, int]:
    """Where the lock ``name`` stands in the one order of :func:`xact_lock`."""
    kind, _, rest = name.partition(":")
    if name == "migrate":
        return (0, "", 0)
    if kind == "dossier":
        return (1, rest, 0)
    if kind == "sync-order":
        return (1, rest, 1)
    if kind == "chain":
        return (3, rest, 0)
    return (2, name, 0)


def _check_order(conn: Connection, name: str) -> None:
    tx = conn.get_transaction()
    held = conn.info.get(_LOCKS_HELD)
    if held is None or held[0] is not tx:  # a new transaction on this pooled connection
        held = (tx, set(), [])
        conn.info[_LOCKS_HELD] = held
    names, top = held[1], held[2]
    if name in names:
        return  # held already: taking it again waits for nothing
    rank = lock_rank(name)
    if top and rank < top[0][0] and CHECK_LOCK_ORDER:
        raise LockOrderError(f"lock {name!r} taken after {top[0][1]!r}: see xact_lock's order")
    names.add(name)
    if not top or rank > top[0][0]:
        top[:] = [(rank, name)]


def dossier_locks(conn: Connection, *codes: str | None) -> None:
    """Take the locks of these dossiers (``dossier:CODE`` then ``sync-order:CODE``, in code
    order) at the start of a write transaction that changes what they hold: their components,
    their papers' codes, their events. Two writers of one dossier then take turns from their
    first read of it (review13a S1: two stores both took the same open component)."""
    for code in sorted({c for c in codes if c}):
        xact_lock(conn, f"dossier:{code}")
        xact_lock(conn, f"sync-order:{code}")


def xact_lock(conn: Connection, name: str) -> None:
    """Inside a write transaction, wait for the lock ``name``; it is released at commit or
    rollback. On PostgreSQL a transaction-level advisory lock, held across processes and hosts;
    on SQLite nothing, because a write transaction (BEGIN IMMEDIATE) already excludes every
    other writer. Locks are taken in one order (:func:`lock_rank`); the order is tracked on
    both engines."""
    _check_order(conn, name)
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Hold the lock ``name`` across processes for a stretch of work that spans several
    transactions (and work outside the catalog, such as writing the search index): a session-level
    advisory lock on PostgreSQL (released by the server if the process dies), an ``flock`` on a
    file beside the catalog on SQLite (released by the kernel likewise)."""
    if engine.dialect.name == "postgresql":
        key = lock_key(name)
        with engine.connect() as conn:
            # waited for as long as it takes (a rebuild of the index holds it for minutes),
            # not lock_timeout: the setting is put back at the commit
            conn.execute(text("SET LOCAL lock_timeout = 0"))
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
            try:
                yield
            finally:
                try:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    conn.commit()
                except Exception:
                    # A broken connection: the server drops its locks with the session.
                    conn.invalidate()
        return
    database = engine.url.database
    if not database:  # pragma: no cover - make_engines refuses catalogs without a file
        yield
        return
    path = Path(f"{database}.{name}.lock")
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def upsert(conn: Connection, table: Table, values: Mapping[str, Any],
           key: Sequence[str], update: Iterable[str]) -> None:
    """INSERT … ON CONFLICT (key) DO UPDATE, in the dialect's own syntax."""
    name = conn.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
    else:  # pragma: no cover - make_engines admits only the two above
        raise StorageError(f"không hỗ trợ loại cơ sở dữ liệu danh mục {name!r}")
    stmt = insert(table).values(**values)
    cols = list(update)
    if cols:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key), set_={c: stmt.excluded[c] for c in cols})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    conn.execute(stmt)


def safe_url(db_url: str) -> str:
    """``db_url`` fit for an error message: the password masked."""
    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparsable URL)"
