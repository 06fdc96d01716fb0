"""The scale-out search engine: Elasticsearch behind the same ``SearchIndex`` protocol.

Selected by ``search = "http://host:9200"`` (or ``https://…``; a path names the index alias,
default ``sohoa``). The analyzer needs no plugin on a standard cluster: the standard tokenizer,
``lowercase`` and ``asciifolding`` (which folds đ→d, on NFC text). Queries go through
``simple_query_string`` (words AND-ed, "quoted phrases", never a syntax error, like the tantivy
side's lenient parser); snippets come from the highlighter and are escaped here as tantivy
escapes them, with ``<b>…</b>`` around matches and the original diacritics kept.

Transactions, like tantivy's: changes are sent in bulk as they come, but the physical index has
``refresh_interval: -1``, so nothing becomes visible before :meth:`commit` refreshes it.
:meth:`clear` (before a rebuild) builds a new physical index and :meth:`commit` swings the alias
to it atomically, so searches see the old index until the rebuild is committed.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlparse

from sohoa.archive.search import SNIPPET_CHARS, IndexDoc
from sohoa.archive.unreachable import IndexLost, IndexUnavailable
from sohoa.errors import ConfigError, StorageError
from sohoa.vntext import nfc

SCHEMA_VERSION = 1
ANALYZER = "vi_folded"
_BULK_CHUNK = 500
_TITLE_BOOST = 2.0
# Highlight markers: private-use characters (never in recognized text; Java's trim() would eat
# control characters at a fragment's end).
_OPEN, _CLOSE = "\ue000", "\ue001"

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "refresh_interval": "-1",
    "analysis": {"analyzer": {ANALYZER: {
        "type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}}},
}
MAPPINGS: dict[str, Any] = {
    "_meta": {"sohoa_schema": SCHEMA_VERSION},
    "dynamic": "strict",
    "properties": {
        "document_id": {"type": "keyword"},
        "doc_type": {"type": "keyword"},
        "owner_id": {"type": "keyword"},
        "dossier_code": {"type": "keyword"},
        "unit": {"type": "keyword"},
        "issue_date": {"type": "date", "format": "strict_date"},
        "title": {"type": "text", "analyzer": ANALYZER},
        "owner_name": {"type": "text", "analyzer": ANALYZER},
        "document_number": {"type": "text", "analyzer": ANALYZER},
        "text": {"type": "text", "analyzer": ANALYZER, "index_options": "offsets"},
    },
}
SEARCH_FIELDS = [f"title^{_TITLE_BOOST}", "text", "owner_name", "document_number"]


def parse_url(url: str) -> tuple[str, str]:
    """``http://host:9200/alias`` → (node URL, alias)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"địa chỉ tìm kiếm (search) {url!r} không phải địa chỉ "
                          "Elasticsearch; hãy ghi http://host:9200 (có thể thêm /tên-chỉ-mục)")
    alias = parsed.path.strip("/") or "sohoa"
    if "/" in alias or alias != alias.lower() or alias.startswith(("_", "-", "+")):
        raise ConfigError(f"địa chỉ tìm kiếm (search) {url!r}: tên chỉ mục {alias!r} phải là "
                          "một từ viết thường (chữ, số, '-', '_'), ví dụ "
                          "http://host:9200/sohoa")
    node = f"{parsed.scheme}://{parsed.netloc}"
    return node, alias


class ElasticIndex:
    """An Elasticsearch index (through an alias) holding what the catalog's outbox feeds it."""

    def __init__(self, url: str, *, timeout_s: float = 30.0) -> None:
        from elasticsearch import Elasticsearch

        self.url = url
        self.node, self.alias = parse_url(url)
        self.fresh = False
        self._es = Elasticsearch(self.node, request_timeout=timeout_s, retry_on_timeout=True,
                                 max_retries=2)
        self._pending: list[dict[str, Any]] = []
        self._target: str | None = None  # the physical index being written (after clear())
        self._dirty: set[str] = set()
        self._call(self._ensure)

    # --- plumbing --------------------------------------------------------------------------

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from elastic_transport import ConnectionError as TransportConnectionError
        from elastic_transport import ConnectionTimeout, TransportError
        from elasticsearch import ApiError

        try:
            return fn(*args, **kwargs)
        except (TransportConnectionError, ConnectionTimeout) as exc:
            raise IndexUnavailable(
                f"Elasticsearch tại {self.node} không trả lời ({exc.message}). Kiểm tra "
                "thiết lập 'search' và cụm Elasticsearch có đang chạy; tài liệu đã lưu vẫn còn "
                "trong danh mục: khắc phục xong thì chạy lại đúng lệnh này để chỉ mục bắt "
                "kịp.") from exc
        except (ApiError, TransportError) as exc:
            raise StorageError(f"Elasticsearch tại {self.node} từ chối một yêu cầu: "
                               f"{exc}") from exc

    def _physical(self) -> str | None:
        if not self._es.indices.exists_alias(name=self.alias):
            return None
        return next(iter(self._es.indices.get_alias(name=self.alias)))

    def _create(self) -> str:
        name = f"{self.alias}-v{SCHEMA_VERSION}-{time.time_ns()}"
        self._es.indices.create(index=name, settings=SETTINGS, mappings=MAPPINGS)
        return name

    def _ensure(self) -> None:
        current = self._physical()
        if current is not None:
            meta = self._es.indices.get_mapping(index=current)[current]["mappings"].get("_meta")
            if (meta or {}).get("sohoa_schema") == SCHEMA_VERSION:
                return
            # Built by another version of sohoa: start over, the catalog has everything.
            self._es.indices.delete(index=current)
        elif self._es.indices.exists(index=self.alias):
            raise StorageError(
                f"chỉ mục Elasticsearch {self.alias!r} tại {self.node} đã có nhưng không phải "
                "bí danh chỉ mục của sohoa; hãy chọn tên khác trong địa chỉ 'search'")
        name = self._create()
        self._es.indices.put_alias(index=name, name=self.alias)
        self.fresh = True

    def _write_index(self) -> str:
        return self._target or self.alias

    def _flush(self) -> None:
        if not self._pending:
            return
        ops, self._pending = self._pending, []
        # Through the alias only while it exists: a node restarted empty would otherwise make
        # a plain index of that name from the first write (no mapping, and no alias can take
        # the name any more); the catalog then fills a new one (``Archive.sync_index``).
        response = self._call(self._es.bulk, operations=ops, refresh=False,
                              **({"require_alias": True} if self._target is None else {}))
        if response.get("errors"):
            failed = [item for item in response["items"]
                      if next(iter(item.values())).get("error")
                      and next(iter(item.values())).get("status") != 404]
            gone = [item for item in response["items"]
                    if (next(iter(item.values())).get("error") or {}).get("type")
                    == "index_not_found_exception"]
            if gone:
                raise IndexLost(f"chỉ mục Elasticsearch {self.alias!r} tại {self.node} không "
                                "còn (máy chủ khởi động lại mà mất dữ liệu?): dựng lại từ danh "
                                "mục")
            if failed:
                first = next(iter(failed[0].values()))
                raise StorageError(
                    f"Elasticsearch từ chối {len(failed)} giấy tờ trong một lần ghi hàng "
                    f"loạt: {first.get('error')}")
        self._dirty.add(self._write_index())

    # --- writing ---------------------------------------------------------------------------

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        n = 0
        index = self._write_index()
        for d in docs:
            self._pending.append({"index": {"_index": index, "_id": d.document_id}})
            self._pending.append(_source(d))
            n += 1
            if len(self._pending) >= 2 * _BULK_CHUNK:
                self._flush()
        return n

    def delete(self, ids: Iterable[str]) -> int:
        n = 0
        index = self._write_index()
        for doc_id in ids:
            self._pending.append({"delete": {"_index": index, "_id": doc_id}})
            n += 1
            if len(self._pending) >= 2 * _BULK_CHUNK:
                self._flush()
        return n

    def clear(self) -> None:
        self._pending = []
        if self._target is not None:
            self._call(self._es.indices.delete, index=self._target)
        self._target = self._call(self._create)

    def commit(self) -> None:
        self._flush()
        for index in sorted(self._dirty | ({self._target} if self._target else set())):
            self._call(self._es.indices.refresh, index=index)
        self._dirty.clear()
        if self._target is not None:
            new, self._target = self._target, None
            old = self._call(self._physical)
            actions: list[dict[str, Any]] = [{"add": {"index": new, "alias": self.alias}}]
            if old is not None and old != new:
                actions.append({"remove_index": {"index": old}})
            self._call(self._es.indices.update_aliases, actions=actions)

    def rollback(self) -> None:
        self._pending = []
        if self._target is not None:
            target, self._target = self._target, None
            self._call(self._es.indices.delete, index=target)
        # Bulk chunks already sent stay invisible until the next refresh; the outbox keeps
        # their rows, so the next sync sends them again (idempotent by document id).
        self._dirty.clear()

    def close(self) -> None:
        self.rollback()
        self._es.close()

    def drop(self) -> None:
        """Delete the index and its alias (tests and benchmarks clean up with this)."""
        physical = self._call(self._physical)
        if physical is not None:
            self._call(self._es.indices.delete, index=physical)

    # --- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._call(self._es.count, index=self.alias)["count"])

    def size_bytes(self) -> int:
        stats = self._call(self._es.indices.stats, index=self.alias, metric="store")
        return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])

    def search(self, query: str, *, owner: str | None = None, doc_type: str | None = None,
               unit: str | None = None, date_from: date | None = None,
               date_to: date | None = None, limit: int = 10) -> list[dict[str, Any]]:
        text = nfc(query).strip()
        filters: list[dict[str, Any]] = [
            {"term": {name: value}} for name, value in
            (("owner_id", owner), ("doc_type", doc_type), ("unit", unit)) if value]
        if date_from is not None or date_to is not None:
            bounds = {}
            if date_from is not None:
                bounds["gte"] = date_from.isoformat()
            if date_to is not None:
                bounds["lte"] = date_to.isoformat()
            filters.append({"range": {"issue_date": bounds}})
        must: dict[str, Any] = ({"simple_query_string": {
            "query": text, "fields": SEARCH_FIELDS, "default_operator": "and",
            "flags": "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE"}}
            if text else {"match_all": {}})
        body = {
            "query": {"bool": {"must": [must], "filter": filters}},
            "size": max(1, limit),
            "_source": ["document_id", "doc_type", "title", "owner_id", "dossier_code",
                        "issue_date", "text"],
            "highlight": {
                # Markers, not tags: the fragment is escaped here exactly as tantivy escapes.
                "pre_tags": [_OPEN], "post_tags": [_CLOSE],
                "fields": {"text": {"type": "unified", "fragment_size": SNIPPET_CHARS,
                                    "number_of_fragments": 1, "no_match_size": 0}},
            },
            "track_total_hits": False,
        }
        result = self._call(self._es.search, index=self.alias, **body)
        hits = []
        for h in result["hits"]["hits"]:
            src = h["_source"]
            fragments = (h.get("highlight") or {}).get("text") or []
            snippet = (_marked_html(fragments[0]) if fragments
                       else html.escape((src.get("text") or "")[:SNIPPET_CHARS]))
            hits.append({
                "document_id": src["document_id"],
                "score": float(h.get("_score") or 0.0),
                "doc_type": src["doc_type"],
                "title": src["title"],
                "owner_id": src.get("owner_id"),
                "dossier_code": src.get("dossier_code"),
                "issue_date": src.get("issue_date"),
                "snippet": snippet,
            })
        return hits


def _marked_html(fragment: str) -> str:
    return html.escape(fragment).replace(_OPEN, "<b>").replace(_CLOSE, "</b>")


def _source(d: IndexDoc) -> dict[str, Any]:
    src: dict[str, Any] = {"document_id": d.document_id, "doc_type": d.doc_type,
                           "title": nfc(d.title), "text": nfc(d.text)}
    for name in ("owner_id", "dossier_code", "unit"):
        value = getattr(d, name)
        if value:
            src[name] = value
    if d.owner_name:
        src["owner_name"] = nfc(d.owner_name)
    if d.document_number:
        src["document_number"] = nfc(d.document_number)
    if d.issue_date is not None:
        src["issue_date"] = d.issue_date.isoformat()
    return src
