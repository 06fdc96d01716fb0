"""The search index catches up by itself when Elasticsearch answers again (tester14 F4), in the
same long-lived process (a `sohoa worker`, `watch` or the web server): an archive opened while
the node did not answer keeps the changes in its outbox, and the first sync after the node
answers brings the index in step — made anew and filled from the catalog, as a node that comes
back empty must be. The node is real (``SOHOA_TEST_ES_URL``); its outage is a port that refuses
until a forwarder to the node listens on it."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlparse

import pytest
from archivist_helpers import store
from engines import es_url

from sohoa.archive import Archive
from sohoa.archive import archive as archive_module
from sohoa.archive.elastic import ElasticIndex
from sohoa.archive.unreachable import IndexUnavailable


@contextmanager
def forwarding(port: int, target: str) -> Iterator[None]:
    """Listen on ``port`` and pass every connection through to ``target`` (host:port)."""
    host, target_port = target.rsplit(":", 1)
    listener = socket.create_server(("127.0.0.1", port), reuse_port=False)
    opened: list[socket.socket] = [listener]

    def pump(src: socket.socket, dst: socket.socket) -> None:
        with suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    def accept() -> None:
        with suppress(OSError):
            while True:
                client, _ = listener.accept()
                upstream = socket.create_connection((host, int(target_port)))
                opened.extend((client, upstream))
                for a, b in ((client, upstream), (upstream, client)):
                    threading.Thread(target=pump, args=(a, b), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield
    finally:
        for s in opened:
            with suppress(OSError):
                s.close()


def test_the_index_catches_up_in_the_same_process_when_the_node_answers_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    node = urlparse(es_url()).netloc
    with socket.socket() as s:  # a port nobody listens on: the node "down"
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    alias = f"sohoa-outage-{uuid.uuid4().hex[:12]}"
    url = f"http://127.0.0.1:{port}/{alias}"
    monkeypatch.setattr(archive_module, "INDEX_RETRY_S", 0.0)  # no wait between tries here
    archive = Archive.open(f"sqlite:///{tmp_path}/catalog.db", f"file://{tmp_path}/blobs", url)
    try:
        assert set(archive.unavailable) == {"search"}
        doc_id = store(archive, None, "d1", dossier="H19.22-240108-0001")
        with pytest.raises(IndexUnavailable):
            archive.sync_index()
        assert archive.search_pending() == 1
        with forwarding(port, node):  # the node answers again (without the alias: empty)
            archive.sync_index()
            assert archive.search_pending() == 0 and archive.unavailable == {}
            assert [h["document_id"] for h in archive.search("Tuyết")] == [doc_id]
            # The node restarted empty under this process: the next write finds the alias
            # gone, and the index is made anew from the catalog, not a stray index of that name
            # that no later process could open.
            direct = ElasticIndex(f"{es_url()}/{alias}")
            direct.drop()
            direct.close()
            second = store(archive, None, "d2", dossier="H19.22-240108-0002")
            assert archive.sync_index() == 0  # the rebuild took it, from the catalog
            assert archive.search_pending() == 0
            assert {h["document_id"] for h in archive.search("Tuyết")} == {doc_id, second}
            # what it made is the index a later process opens
            again = Archive.open(f"sqlite:///{tmp_path}/catalog.db",
                                 f"file://{tmp_path}/blobs", url)
            try:
                assert {h["document_id"] for h in again.search("Tuyết")} == {doc_id, second}
            finally:
                again.close()
    finally:
        archive.close()
        index = ElasticIndex(f"{es_url()}/{alias}")
        index.drop()
        index.close()
