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

import functools
import html
import json
import re
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

from sohoa.errors import StorageError, said_of
from sohoa.vntext import nfc

# Bump when the schema or analyzer changes: an index built by another version is rebuilt.
# 2: one catch-all field plus syllable bigrams and trigrams (see _schema).
SCHEMA_VERSION = 2
ANALYZER = "vi_folded"
#: The title is fed to the catch-all field this many times: its boost, as term frequency.
TITLE_WEIGHT = 2
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
    """Words are searched in ``all``, which holds every searchable field (title, owner name,
    document number, text: one value each, so a phrase never runs from one into the next; the
    title twice, as its boost): a query of words is then an intersection of single-term posting
    lists, which tantivy answers top-k with block-max pruning instead of scoring every match.

    Vietnamese is written in syllables, so a phrase of common syllables ("của và theo") has
    posting lists covering nearly every document; intersecting them by position cost hundreds
    of milliseconds at a million documents. ``bi`` and ``tri`` hold each value's consecutive
    syllable pairs and triples as single terms ("cua_va", "cua_va_theo"), so a 2- or
    3-syllable phrase is one term lookup, and a longer one a phrase of overlapping triples.

    The three are fed the analyzer's terms joined by spaces (:class:`_Terms` computes them
    once per document for all three), so tantivy splits them on whitespace only. The text is
    stored as bytes, not indexed: snippets are cut from it here (:func:`_snippet`)."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("document_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("doc_type", stored=True, tokenizer_name="raw")
    sb.add_text_field("owner_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("dossier_code", stored=True, tokenizer_name="raw")
    sb.add_text_field("unit", stored=True, tokenizer_name="raw")
    sb.add_date_field("issue_date", stored=True, indexed=True, fast=True)
    sb.add_text_field("title", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("text", stored=True, indexed=False)
    sb.add_text_field("all", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("bi", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("tri", tokenizer_name="whitespace", index_option="position")
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
        self._terms = _Terms()
        self._index = self._open()
        self._writer: Any = None
        self._searcher: Any = None
        self._seen: tuple[int, int, int] | None = None
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
                f"không mở được chỉ mục tìm kiếm tại {self.path}: {said_of(exc)}. Hãy kiểm tra "
                "thiết lập 'search'; có thể xóa chỉ mục rồi dựng lại bằng 'sohoa index rebuild'"
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
                            f"chỉ mục tìm kiếm tại {self.path} đang được một tiến trình khác "
                            f"ghi ({exc}); hãy thử lại khi tiến trình đó xong") from exc
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
            raise StorageError(
                f"Không ghi được chỉ mục tìm kiếm {self.path} ({exc}). Kiểm tra chỗ trống trên "
                "đĩa và quyền ghi; tài liệu đã lưu vẫn còn, khắc phục xong thì chạy lại đúng "
                "lệnh này để chỉ mục bắt kịp.") from exc
        self._index.reload()

    def optimize(self) -> None:
        """After a bulk load: commit and wait until background merges have finished."""
        self.commit()

    def rollback(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.rollback()
            writer.wait_merging_threads()

    def close(self) -> None:
        self.rollback()

    def _to_tantivy(self, d: IndexDoc) -> tantivy.Document:
        title, text = nfc(d.title), nfc(d.text)
        values: dict[str, Any] = {"document_id": d.document_id, "doc_type": d.doc_type,
                                  "title": title, "text": text.encode("utf-8")}
        for name in ("owner_id", "dossier_code", "unit"):
            value = getattr(d, name)
            if value:
                values[name] = value
        if d.issue_date is not None:
            values["issue_date"] = _as_datetime(d.issue_date)
        searchable = [title] * TITLE_WEIGHT + [
            nfc(v) for v in (d.owner_name, d.document_number) if v] + [text]
        terms = [self._terms(v) for v in searchable]
        values["all"] = [" ".join(t) for t in terms]
        values["bi"] = [" ".join(_grams(t, 2)) for t in terms]
        values["tri"] = [" ".join(_grams(t, 3)) for t in terms]
        return tantivy.Document(**values)

    # --- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._current().num_docs)

    def _current(self) -> Any:
        """The searcher on the last commit, from whichever process made it. Reloading costs
        more than a whole selective query, so it happens only when ``meta.json`` (replaced
        atomically on every commit) has changed since the last look."""
        try:
            st = (self.path / "meta.json").stat()
            seen: tuple[int, int, int] | None = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            seen = None
        if self._searcher is None or seen is None or seen != self._seen:
            self._index.reload()
            self._searcher, self._seen = self._index.searcher(), seen
        return self._searcher

    def search(self, query: str, *, owner: str | None = None, doc_type: str | None = None,
               unit: str | None = None, date_from: date | None = None,
               date_to: date | None = None, limit: int = 10) -> list[dict[str, Any]]:
        searcher = self._current()
        text_query, highlight = self._parse(nfc(query).strip())
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
        # No total count: counting visits every match and defeats block-max pruning.
        result = searcher.search(final, max(1, limit), count=False)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            text = bytes(_first(doc, "text", b"")).decode("utf-8")
            snippet = _snippet(text, highlight) if highlight else ""
            if not snippet:
                # The match was in the title or owner name (or no words were asked for).
                snippet = html.escape(text[:SNIPPET_CHARS])
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

    def _parse(self, query: str) -> tuple[tantivy.Query, set[str]]:
        """The query for ``query`` and the terms to highlight. The syntax is the one
        Elasticsearch's ``simple_query_string`` gives the other engine, and never an error:
        words (all required), "quoted phrases", ``-`` before a word or phrase to exclude it,
        ``|`` between alternatives; a word the analyzer cuts in several terms
        ("123/2022/QĐ-UBND") is a phrase of them. Anything else is text, "AND" and "OR"
        included (as there)."""
        if not query:
            return tantivy.Query.all_query(), set()
        alternatives: list[list[tuple[tantivy.Occur, tantivy.Query]]] = [[]]
        highlight: set[str] = set()
        for m in _CLAUSE.finditer(query):
            sign, phrase, word = m.group("sign"), m.group("phrase"), m.group("word")
            if m.group("bar"):
                if alternatives[-1]:
                    alternatives.append([])
                continue
            terms = self._terms(phrase if phrase is not None else word)
            if not terms:
                continue
            if sign == "-":
                alternatives[-1].append((tantivy.Occur.MustNot, self._sequence(terms)))
            else:
                alternatives[-1].append((tantivy.Occur.Must, self._sequence(terms)))
                highlight.update(terms)
        groups = []
        for clauses in alternatives:
            if not clauses:
                continue
            if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
                clauses = [(tantivy.Occur.Must, tantivy.Query.all_query()), *clauses]
            groups.append(clauses[0][1] if len(clauses) == 1
                          else tantivy.Query.boolean_query(clauses))
        if not groups:
            return tantivy.Query.empty_query(), set()
        if len(groups) == 1:
            return groups[0], highlight
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, g) for g in groups]), highlight

    def _sequence(self, terms: list[str]) -> tantivy.Query:
        """Consecutive terms (a phrase, or one term): a single-term lookup up to three."""
        if len(terms) == 1:
            return self._term("all", terms[0])
        if len(terms) == 2:
            return self._term("bi", _JOIN.join(terms))
        if len(terms) == 3:
            return self._term("tri", _JOIN.join(terms))
        # Overlapping triples at consecutive positions: exactly the phrase.
        return tantivy.Query.phrase_query(self.schema, "tri", list(_grams(terms, 3)))

    def _term(self, field: str, text: str) -> tantivy.Query:
        # Frequencies, not positions: what BM25 needs, and what block-max pruning runs on.
        return tantivy.Query.term_query(self.schema, field, text, index_option="freq")


# A clause: "|" (or), or an optional sign, then a "quoted phrase" (the closing quote may be
# missing) or a run of anything but spaces, quotes and bars. Parentheses and other operators
# are dropped by the analyzer with the rest of the punctuation.
_CLAUSE = re.compile(r'(?P<bar>\|)|(?P<sign>[-+]?)(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"|]+))')
# Joins a bigram's or trigram's syllables into one term: the analyzer's terms are
# alphanumeric, so it cannot occur inside one.
_JOIN = "_"


def _grams(terms: list[str], n: int) -> Iterator[str]:
    """Each run of ``n`` consecutive terms, as one term."""
    return map(_JOIN.join, zip(*(terms[i:] for i in range(n)), strict=False))


# What tantivy's simple tokenizer keeps of a word: runs of letters and digits.
_ALNUM = re.compile(r"[^\W_]+")
_MAX_TERM_BYTES = 64  # longer "words" are OCR noise: dropped, as remove_long(64) did
_CACHE_WORDS = 500_000


class _Terms:
    """The analyzer's terms for a text. The text is split at whitespace (where the analyzer
    splits too), and each distinct piece ("Nai;", "123/2022/QĐ-UBND") is analyzed once by the
    tantivy analyzer itself (split at punctuation, NFC, lower-case, ASCII folding with đ→d)
    and remembered: Vietnamese has a few thousand syllables, so nearly every piece is a
    dictionary hit, where analyzing a whole document from Python cost ten times more."""

    def __init__(self) -> None:
        self._analyzer = _analyzer()
        self._cache: dict[str, tuple[str, ...]] = {}

    def piece(self, piece: str) -> tuple[str, ...]:
        terms = self._cache.get(piece)
        if terms is None:
            if len(self._cache) >= _CACHE_WORDS:
                self._cache.clear()
            terms = tuple(t for t in self._analyzer.analyze(piece)
                          if len(t.encode("utf-8")) < _MAX_TERM_BYTES)
            self._cache[piece] = terms
        return terms

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        get, piece = self._cache.get, self.piece
        for p in text.split():
            terms = get(p)
            out.extend(piece(p) if terms is None else terms)
        return out


def _variants() -> dict[str, str]:
    """For each character the analyzer folds others to, all the characters it folds to it
    (itself included): "d" → "dDđĐ", "o" → "oOòóỏõọôồ…". Upper-case ASCII and the Latin
    letters with diacritics, Vietnamese's among them, are asked of the analyzer itself."""
    analyzer = _analyzer()
    out: dict[str, set[str]] = {}
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        terms = analyzer.analyze(chr(code))
        if len(terms) == 1 and len(terms[0]) == 1:
            out.setdefault(terms[0], {terms[0]}).add(chr(code))
    return {c: "".join(sorted(chars)) for c, chars in out.items()}


_VARIANTS = _variants()


@functools.lru_cache(maxsize=256)
def _highlighter(terms: frozenset[str]) -> re.Pattern[str]:
    """Matches, in unfolded text, what folds to one of ``terms`` (whole words or not: a
    pattern that checked the word boundaries itself ran three times slower)."""
    def word(term: str) -> str:
        return "".join(f"[{re.escape(_VARIANTS[c])}]" if c in _VARIANTS else re.escape(c)
                       for c in term)

    return re.compile("|".join(word(t) for t in sorted(terms, key=len, reverse=True)))


def _snippet(text: str, terms: set[str]) -> str:
    """About ``SNIPPET_CHARS`` characters of ``text`` around the densest run of words that
    fold to one of ``terms``, HTML-escaped, each such word in ``<b>…</b>``; "" if none does.
    The whole text when it is that short."""
    n = len(text)
    spans = [(a, b) for a, b in (m.span() for m in _highlighter(frozenset(terms)).finditer(text))
             if (a == 0 or not text[a - 1].isalnum()) and (b == n or not text[b].isalnum())]
    if not spans:
        return ""
    if len(text) <= SNIPPET_CHARS:
        begin, end = 0, len(text)
    else:
        # The window of SNIPPET_CHARS holding the most matches, found by two pointers.
        best, first, j = 0, 0, 0
        for i, (a, _) in enumerate(spans):
            j = max(j, i)
            while j + 1 < len(spans) and spans[j + 1][1] - a <= SNIPPET_CHARS:
                j += 1
            if j - i + 1 > best:
                best, first = j - i + 1, i
        a, z = spans[first][0], spans[first + best - 1][1]
        begin = max(0, min(a - (SNIPPET_CHARS - (z - a)) // 2, len(text) - SNIPPET_CHARS))
        end = min(len(text), begin + SNIPPET_CHARS)
        # Whole words only: a cut inside a word moves to the word's end (or the next start).
        while 0 < begin < a and text[begin - 1].isalnum() and text[begin].isalnum():
            begin += 1
        while z < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
            end -= 1
    out, at = [], begin
    for a, b in spans:
        if a < begin or b > end:
            continue
        out += [html.escape(text[at:a]), "<b>", html.escape(text[a:b]), "</b>"]
        at = b
    out.append(html.escape(text[at:end]))
    return "".join(out)


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
