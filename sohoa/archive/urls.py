"""Backend selection by URL: one URL per family (catalog, blobs, search)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse, urlunparse

from sohoa.errors import ConfigError

BLOB_SCHEMES = ("file:///<absolute directory>", "s3://bucket[/prefix]")
SEARCH_SCHEMES = ("tantivy:///<absolute directory>", "http://host:9200[/index-name]")


def local_path(url: str, scheme: str, family: str, known: tuple[str, ...]) -> Path:
    """The absolute directory named by ``scheme:///path``; ConfigError for anything else."""
    parsed = urlparse(url)
    if parsed.scheme != scheme:
        raise ConfigError(
            f"địa chỉ {family} {url!r} không được hỗ trợ; các dạng dùng được: "
            f"{', '.join(known)}")
    if parsed.netloc not in ("", "localhost"):
        raise ConfigError(
            f"địa chỉ {family} {url!r} có tên máy chủ; địa chỉ {scheme}:// chỉ nhận đường dẫn "
            f"trên máy này, ví dụ {scheme}:///var/lib/sohoa/{family}")
    # "file:///{home}/blobs" with an absolute home gives "//srv/…", which Path keeps as is
    # (POSIX leaves a leading "//" to the system): the clerk read "//work/…" in every message
    raw = unquote(parsed.path)
    path = Path("/" + raw.lstrip("/") if raw.startswith("//") else raw)
    if not path.is_absolute() or str(path) == "/":
        raise ConfigError(
            f"địa chỉ {family} {url!r} phải là thư mục đường dẫn tuyệt đối, ví dụ "
            f"{scheme}:///var/lib/sohoa/{family}")
    return path


def blob_path(url: str) -> Path:
    return local_path(url, "file", "blobs", BLOB_SCHEMES)


def is_s3(url: str) -> bool:
    return urlparse(url).scheme == "s3"


def search_path(url: str) -> Path:
    return local_path(url, "tantivy", "search", SEARCH_SCHEMES)


def safe_display(url: str) -> str:
    """``url`` fit to show or log: a password in it replaced by ``***``."""
    try:
        parsed = urlparse(url)
        if parsed.password is None:
            return url
        user = parsed.username or ""
        host = parsed.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        port = f":{parsed.port}" if parsed.port else ""
        return urlunparse(parsed._replace(netloc=f"{user}:***@{host}{port}"))
    except ValueError:
        return "(unparsable URL)"
