"""Choosing the search engine by URL: ``tantivy:///dir`` (embedded) or ``http(s)://host:9200``
(Elasticsearch)."""

from __future__ import annotations

from urllib.parse import urlparse

from sohoa.archive.search import SearchIndex, TantivyIndex
from sohoa.archive.urls import search_path


def check_search_url(url: str) -> None:
    """Raise ConfigError for a search URL no engine understands, before anything is opened."""
    if urlparse(url).scheme in ("http", "https"):
        from sohoa.archive.elastic import parse_url

        parse_url(url)
    else:
        search_path(url)


def open_index(url: str) -> SearchIndex:
    if urlparse(url).scheme in ("http", "https"):
        from sohoa.archive.elastic import ElasticIndex

        return ElasticIndex(url)
    return TantivyIndex(search_path(url))
