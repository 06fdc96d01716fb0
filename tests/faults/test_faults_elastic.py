"""Elasticsearch going away in the middle of a batch and coming back, for real (a private node of
this test on free ports and its own directory: the shared node is never stopped).

The fault lands mid-batch for sure: the ingest is held still once its first document is in the
catalog (with documents left to store), the node is stopped, and the ingest goes on without it.
Defined outcome: the catalog is the truth and the search outbox catches up. Storing needs no
index, so every document of the batch is stored; the last step, bringing the index in step,
cannot reach the node, and the ingest says so and ends as the batch went (exit 0, never a
traceback, nothing quarantined: a search outage must not close the desks, tester14 F4), the
papers waiting for the index counted. Only a search refuses meanwhile (exit 2). The node comes
back empty (the service script starts every node on a fresh data directory), so the catch-up is
the whole index: the same command then stores exactly what a clean run stores, and ``sohoa
search`` finds every document through the node."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from faults_helpers import (
    Stored,
    assert_like_clean,
    assert_no_traceback,
    ingest_through_outage,
    json_lines,
    run_sohoa,
    stored,
)
from private_servers import Server


def test_elasticsearch_gone_mid_batch_and_back_the_outbox_catches_up(
        tmp_path: Path, home: Path, own_elasticsearch: tuple[Server, str],
        batch: tuple[Path, dict[str, Any]], clean: Stored) -> None:
    server, url = own_elasticsearch
    path, truth = batch
    env = {"SOHOA_SEARCH": url}
    code, stdout, stderr = ingest_through_outage(home, path, clean, env, server.service)
    assert code == 0, stderr
    assert "chỉ mục tìm kiếm chưa cập nhật" in stderr and "giấy tờ chờ đưa vào chỉ mục" in stderr
    assert "sẽ bắt kịp" in stderr, stderr
    assert not [e for e in json_lines(stdout) if "error" in e], stdout  # nothing quarantined
    assert stored(home) == clean  # all in the catalog, waiting for the index

    # While the node is away a search says so (exit 2), it does not crash or answer empty.
    away = run_sohoa(home, "search", "giấy", "--json", **env)
    assert away.returncode == 2, away.stdout + away.stderr
    assert_no_traceback(away)

    assert server.service("start").returncode == 0  # back, and empty
    again = run_sohoa(home, "ingest", str(path), "--json", **env)
    assert again.returncode == 0, again.stderr
    assert_like_clean(home, clean, **env)

    found: set[str] = set()
    for dossier in truth["dossiers"]:
        for doc in dossier["documents"]:
            hits = run_sohoa(home, "search", doc["title"], "--owner", doc["owner_id"],
                             "--json", **env)
            assert hits.returncode == 0, hits.stderr
            found |= {h["document_id"] for h in json_lines(hits.stdout)}
    assert found == {doc_id for doc_id, _, _ in clean}
