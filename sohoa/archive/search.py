"""Full-text search over stored documents, behind a small interface.

:class:`SearchIndex` is what the archive needs from a search engine; :class:`TantivyIndex` is the
embedded implementation (an Elasticsearch one can sit beside it later). The catalog stays the
source of truth: the index only holds what ``Archive.sync_index`` copies into it from the outbox,
and can always be rebuilt from the catalog.

Vietnamese is made accent-insensitive by the analyzer, not by the caller: text is NFC, tokenized,
lower-cased and ASCII-folded (tantivy's ``ascii_fold`` maps đ→d), and the query goes through the
same analyzer. The stored ``text`` is the original, so snippets keep their diacritics.
"""

from __future__ import annotations

import html
import json
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import tantivy

from sohoa.errors import StorageError
from sohoa.vntext import nfc

# Bump when the schema or analyzer changes: an index built by another version is rebuilt.
SCHEMA_VERSION = 1
ANALYZER = "vi_folded"
SEARCH_FIELDS = ("title", "text", "owner_name", "document_number")
SNIPPET_CHARS = 240
_MARKER = "sohoa-index.json"
_WRITER_HEAP = 64_000_000
_LOCK_WAIT_S = 15.0


@dataclass(frozen=True)
class IndexDoc:
    """What the search index holds of one document (NFC text)."""

    document_id: str
    doc_type: str
    title: str
    text: str
    owner_id: str | None = None
    owner_name: str | None = None
    dossier_code: str | None = None
    unit: str | None = None
    issue_date: date | None = None
    document_number: str | None = None  # "123/2024/QĐ-UBND": searchable as a phrase


@runtime_checkable
class SearchIndex(Protocol):
    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace documents (by ``document_id``); visible after :meth:`commit`."""
        ...

    def delete(self, ids: Iterable[str]) -> int: ...

    def clear(self) -> None:
        """Remove every document (before a rebuild); visible after :meth:`commit`."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None:
        """Discard changes not yet committed (after a failed sync)."""
        ...

    def search(self, query: str, *, owner: str | None = None, doc_type: str | None = None,
               unit: str | None = None, date_from: date | None = None,
               date_to: date | None = None, limit: int = 10) -> list[dict[str, Any]]: ...

    def count(self) -> int: ...

    def close(self) -> None: ...


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("document_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("doc_type", stored=True, tokenizer_name="raw")
    sb.add_text_field("owner_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("dossier_code", stored=True, tokenizer_name="raw")
    sb.add_text_field("unit", stored=True, tokenizer_name="raw")
    sb.add_date_field("issue_date", stored=True, indexed=True, fast=True)
    sb.add_text_field("title", stored=True, tokenizer_name=ANALYZER)
    sb.add_text_field("owner_name", stored=True, tokenizer_name=ANALYZER)
    sb.add_text_field("document_number", stored=True, tokenizer_name=ANALYZER)
    sb.add_text_field("text", stored=True, tokenizer_name=ANALYZER)
    return sb.build()


def _analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(64))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def _as_datetime(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


class TantivyIndex:
    """A tantivy index in one directory. One writer at a time (tantivy's lock file enforces it
    across processes); the writer is held only between the first change and :meth:`commit`, so
    a CLI rebuild and a running pipeline can take turns."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.schema = _schema()
        #: True when the index was (re)created empty by this open: the caller should rebuild it.
        self.fresh = False
        self._index = self._open()
        self._writer: Any = None
        #: How long to wait for another process's writer to finish before giving up.
        self.lock_wait = _LOCK_WAIT_S

    def _open(self) -> tantivy.Index:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Processes opening the same new index at once must not see each other's
            # half-created directory as a foreign index and remove it.
            with _exclusive(self.path.parent / f".{self.path.name}.open-lock"):
                index = self._open_locked()
        except (OSError, ValueError) as exc:
            raise StorageError(
                f"cannot open the search index at {self.path}: {exc}. Check the 'search' "
                "setting; the index can be deleted and rebuilt with 'sohoa index rebuild'"
            ) from exc
        # Analyzers are not persisted in the index; register ours on every open.
        index.register_tokenizer(ANALYZER, _analyzer())
        return index

    def _open_locked(self) -> tantivy.Index:
        marker = self.path / _MARKER
        if self.path.exists() and tantivy.Index.exists(str(self.path)):
            version = None
            if marker.is_file():
                version = json.loads(marker.read_text("utf-8")).get("schema")
            if version != SCHEMA_VERSION:
                # Built by another version of sohoa: start over, the catalog has everything.
                shutil.rmtree(self.path)
        if not (self.path.exists() and tantivy.Index.exists(str(self.path))):
            self.path.mkdir(parents=True, exist_ok=True)
            marker.write_text(json.dumps({"schema": SCHEMA_VERSION}), "utf-8")
            self.fresh = True
        return tantivy.Index(self.schema, path=str(self.path), reuse=True)

    # --- writing ---------------------------------------------------------------------------

    def _w(self) -> Any:
        if self._writer is None:
            deadline = time.monotonic() + self.lock_wait
            while True:
                try:
                    self._writer = self._index.writer(heap_size=_WRITER_HEAP, num_threads=1)
                    break
                except ValueError as exc:
                    if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                        raise StorageError(
                            f"the search index at {self.path} is being written by another "
                            f"process ({exc}); try again when it has finished") from exc
                    time.sleep(0.1)
        return self._writer

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        writer = self._w()
        n = 0
        for d in docs:
            writer.delete_documents_by_term("document_id", d.document_id)
            writer.add_document(self._to_tantivy(d))
            n += 1
        return n

    def delete(self, ids: Iterable[str]) -> int:
        writer = self._w()
        n = 0
        for doc_id in ids:
            writer.delete_documents_by_term("document_id", doc_id)
            n += 1
        return n

    def clear(self) -> None:
        self._w().delete_all_documents()

    def commit(self) -> None:
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        try:
            writer.commit()
            # Consumes the writer: waits for merges and releases the lock for other processes.
            writer.wait_merging_threads()
        except ValueError as exc:
            raise StorageError(f"could not commit the search index at {self.path}: {exc}") from exc
        self._index.reload()

    def rollback(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.rollback()
            writer.wait_merging_threads()

    def close(self) -> None:
        self.rollback()

    @staticmethod
    def _to_tantivy(d: IndexDoc) -> tantivy.Document:
        values: dict[str, Any] = {
            "document_id": d.document_id,
            "doc_type": d.doc_type,
            "title": nfc(d.title),
            "text": nfc(d.text),
        }
        for name in ("owner_id", "dossier_code", "unit"):
            value = getattr(d, name)
            if value:
                values[name] = value
        if d.owner_name:
            values["owner_name"] = nfc(d.owner_name)
        if d.document_number:
            values["document_number"] = nfc(d.document_number)
        if d.issue_date is not None:
            values["issue_date"] = _as_datetime(d.issue_date)
        return tantivy.Document(**values)

    # --- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        self._index.reload()
        return int(self._index.searcher().num_docs)

    def search(self, query: str, *, owner: str | None = None, doc_type: str | None = None,
               unit: str | None = None, date_from: date | None = None,
               date_to: date | None = None, limit: int = 10) -> list[dict[str, Any]]:
        # Another process may have committed since we last looked.
        self._index.reload()
        searcher = self._index.searcher()
        text_query = self._parse(nfc(query).strip())
        clauses = [(tantivy.Occur.Must, text_query)]
        for name, value in (("owner_id", owner), ("doc_type", doc_type), ("unit", unit)):
            if value:
                clauses.append((tantivy.Occur.Must,
                                tantivy.Query.term_query(self.schema, name, value)))
        if date_from is not None or date_to is not None:
            clauses.append((tantivy.Occur.Must, tantivy.Query.range_query(
                self.schema, "issue_date", tantivy.FieldType.Date,
                _as_datetime(date_from) if date_from else None,
                _as_datetime(date_to) if date_to else None)))
        final = clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
        result = searcher.search(final, max(1, limit))
        snippets = tantivy.SnippetGenerator.create(searcher, text_query, self.schema, "text")
        snippets.set_max_num_chars(SNIPPET_CHARS)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            snippet = snippets.snippet_from_doc(doc).to_html()
            if not snippet:
                # The match was in the title or owner name (or no words were asked for).
                snippet = html.escape(_first(doc, "text")[:SNIPPET_CHARS])
            issued = _first(doc, "issue_date", None)
            hits.append({
                "document_id": _first(doc, "document_id"),
                "score": float(score),
                "doc_type": _first(doc, "doc_type"),
                "title": _first(doc, "title"),
                "owner_id": _first(doc, "owner_id", None),
                "dossier_code": _first(doc, "dossier_code", None),
                "issue_date": issued.date().isoformat() if issued else None,
                "snippet": snippet,
            })
        return hits

    def _parse(self, query: str) -> tantivy.Query:
        if not query:
            return tantivy.Query.all_query()
        try:
            return self._index.parse_query(
                query, list(SEARCH_FIELDS), field_boosts={"title": 2.0},
                conjunction_by_default=True)
        except ValueError:
            # A stray quote or colon from a hurried officer: search what can be understood.
            parsed, _errors = self._index.parse_query_lenient(
                query, list(SEARCH_FIELDS), field_boosts={"title": 2.0},
                conjunction_by_default=True)
            return parsed


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """An exclusive lock between processes, held for the ``with`` block (POSIX or Windows)."""
    with open(lock_path, "a+b") as fh:
        if sys.platform == "win32":  # pragma: no cover - exercised on the Windows desks only
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _first(doc: tantivy.Document, name: str, default: Any = "") -> Any:
    values = doc.get_all(name)
    return values[0] if values else default
