"""A generated scanner batch and an archive home ingested once per session (real OCR)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pipeline_helpers import json_lines, run_sohoa


@pytest.fixture(scope="session")

def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Two dossiers, duplex (blank backs), light noise, some sheets upside down."""
    from sohoa.synth import write_batch

    out = tmp_path_factory.mktemp("batch")
    truth = write_batch(out, seed=11, dossiers=2, fmt="pdf", duplex=True, severity="light",
                        docs_per_dossier=(2, 3), rotate_fraction=0.2)
    return out, truth


@pytest.fixture(scope="session")
def ingested(tmp_path_factory: pytest.TempPathFactory,
             batch: tuple[Path, dict[str, Any]]) -> tuple[Path, list[dict[str, Any]]]:
    home = tmp_path_factory.mktemp("home")
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0
    result = run_sohoa(home, "ingest", str(batch[0]), "--duplex", "--json")
    assert result.returncode == 0, result.stderr
    return home, json_lines(result.stdout)
