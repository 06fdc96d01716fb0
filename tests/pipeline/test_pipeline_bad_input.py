"""A usage error has its own exit code. (Bad files beside good ones in one ingest: in
test_pipeline_ingest.py, which shares the session's ingested home with it — a test here made
a second worker ingest the whole batch again.)"""

from __future__ import annotations

from pathlib import Path

from pipeline_helpers import run_sohoa


def test_usage_errors_have_their_own_exit_code(tmp_path: Path) -> None:
    result = run_sohoa(tmp_path, "ingest", str(tmp_path / "missing-folder"))
    assert result.returncode == 2
    assert "missing-folder" in result.stderr and "Traceback" not in result.stderr
