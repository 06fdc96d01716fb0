"""Both search engines for the contract tests: the embedded tantivy index and a real
Elasticsearch node (``SOHOA_TEST_ES_URL``, started by scripts/services/elasticsearch.sh).

Without the variable the Elasticsearch half is skipped on a developer's machine and FAILS in CI
(``CI=true``): a green CI must mean the scale-out engine was tested.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "archive"))

from sohoa.archive import Archive

ENGINES = ("tantivy", "elasticsearch")
ES_ENV = "SOHOA_TEST_ES_URL"


def es_url() -> str:
    url = os.environ.get(ES_ENV, "").strip()
    if not url:
        message = (f"{ES_ENV} is not set: start a node with "
                   f"'scripts/services/elasticsearch.sh start' and export {ES_ENV}=<its URL>")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return url.rstrip("/")


def search_url(engine: str, root: Path) -> str:
    if engine == "tantivy":
        return f"tantivy://{root}/index"
    return f"{es_url()}/sohoa-contract-{uuid.uuid4().hex[:12]}"


OpenArchive = Callable[[Path], Archive]


def drop_indexes(engine: str, urls: Iterable[str]) -> None:
    """Delete the Elasticsearch indexes a test made (tantivy's live in tmp_path)."""
    if engine != "elasticsearch":
        return
    from sohoa.archive.elastic import ElasticIndex

    for url in urls:
        index = ElasticIndex(url)
        index.drop()
        index.close()
