"""The archive room: catalog (SQLAlchemy 2 + Alembic), content-addressed blobs, search index
(tantivy embedded or Elasticsearch, kept in step through an outbox), reuse lookups, stage cache,
the hash-chained audit and access logs, and API tokens. Other rooms talk to it through
:class:`Archive` and the records in ``sohoa.records``."""

from sohoa.archive.archival import LABELS as ARCHIVAL_LABELS
from sohoa.archive.archival import archival_metadata
from sohoa.archive.archive import Archive
from sohoa.archive.blobs import BlobStore, FileBlobStore
from sohoa.archive.search import IndexDoc, SearchIndex, TantivyIndex

__all__ = [
    "ARCHIVAL_LABELS",
    "Archive",
    "BlobStore",
    "FileBlobStore",
    "IndexDoc",
    "SearchIndex",
    "TantivyIndex",
    "archival_metadata",
]
