"""Elasticsearch down no longer closes the desks (tester14 F4): the archive opens without its
search index, an ingest's end brings the index in step if it can and otherwise counts the papers
waiting for it with a Vietnamese warning (the job is not stopped: the catalog and its outbox
keep every change), `sohoa status` says the index does not answer and how many papers wait, and
only a search refuses (exit 2). The node is a port nobody listens on: refused as a stopped node
refuses. tests/contract/test_search_outage_contract.py: the catch-up when a real node answers."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from archivist_helpers import store
from click.testing import CliRunner

from sohoa.archive.unreachable import IndexUnavailable
from sohoa.pipeline.health import index_in_step
from sohoa.pipeline.outcomes import IngestSummary
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_index_that_does_not_answer_is_said_not_fatal_and_only_search_refuses(
        tmp_path: Path) -> None:
    from sohoa.cli.main import cli

    home = tmp_path / "home"
    url = f"http://127.0.0.1:{_closed_port()}/sohoa"
    env = {"SOHOA_SEARCH": url, "SOHOA_BROKER": ""}
    settings = load_settings(home=home, environ=env)
    with open_archive(settings) as archive:
        assert set(archive.unavailable) == {"search"}
        store(archive, None, "d1", dossier="H19.22-240108-0001")
        summary = IngestSummary()
        index_in_step(archive, summary, settings.search)
        assert summary.search_waiting == 1
        said = summary.search_problem
        assert said.startswith("chỉ mục tìm kiếm chưa cập nhật (1 giấy tờ chờ đưa vào chỉ mục)")
        assert url in said and "sẽ bắt kịp khi nó trả lời lại" in said
        assert "search_waiting" not in summary.counts()  # a state, not a figure of the job
        with pytest.raises(IndexUnavailable) as refused:
            archive.search("Tuyết")
        assert refused.value.exit_code == 2 and "không trả lời" in str(refused.value)
        assert archive.search_pending() == 1  # nothing lost: the outbox keeps it

    done = CliRunner(env=env).invoke(cli, ["--home", str(home), "status"],
                                     catch_exceptions=False)
    lines = done.stdout.splitlines()
    assert done.exit_code == 2, done.output
    [search] = [line for line in lines if line.startswith("chỉ mục tìm kiếm (search)")]
    assert f"{url}: KHÔNG TRẢ LỜI — Elasticsearch tại" in search
    assert "giấy tờ chờ đưa vào chỉ mục tìm kiếm: 1" in lines
    assert "giấy tờ đã lưu: 1" in lines
