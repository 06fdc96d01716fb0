"""Choosing the blob store by URL: ``file:///dir`` (a directory) or ``s3://bucket/prefix``
(S3 or a compatible service). Beside ``blobs.py`` and ``s3blobs.py`` rather than in either, so
the S3 store can build on the file store's helpers without the two importing each other."""

from __future__ import annotations

from sohoa.archive.blobs import BlobStore, FileBlobStore
from sohoa.archive.s3blobs import S3BlobStore, S3Options, parse_s3_url
from sohoa.archive.urls import blob_path, is_s3


def check_blob_url(url: str) -> None:
    """Raise ConfigError for a blobs URL no store understands, before anything is opened."""
    if is_s3(url):
        parse_s3_url(url)
    else:
        blob_path(url)


def open_blob_store(url: str, s3: S3Options | None = None) -> BlobStore:
    """``file:///dir`` → :class:`FileBlobStore`; ``s3://bucket/prefix`` → ``S3BlobStore``
    (reached with ``s3``: endpoint, region, credentials)."""
    if is_s3(url):
        return S3BlobStore(url, s3)
    return FileBlobStore(blob_path(url))
