"""tester10 F7: `dossier list` says what an UNASSIGNED-… entry is — pages ingested without a
dossier-code sheet — not "known from a scanned receipt", and how a dossier takes such a paper."""

from __future__ import annotations

import json
from pathlib import Path

from archivist_helpers import make_home, opened, store
from click.testing import CliRunner

from sohoa.cli.main import cli


def test_unassigned_pages_are_said_for_what_they_are(tmp_path: Path) -> None:
    settings = make_home(tmp_path / "home")
    with opened(settings) as archive:
        store(archive, None, "loose", dossier="UNASSIGNED-62696bdea292")
        store(archive, None, "receipt", dossier="H19.22-261207-0103")
    runner = CliRunner(env={"SOHOA_HOME": None, "COLUMNS": "250"})
    home = ["--home", str(settings.home)]
    text = runner.invoke(cli, [*home, "dossier", "list"]).output
    [loose] = [line for line in text.splitlines() if line.startswith("UNASSIGNED-")]
    assert "chưa gán hồ sơ: trang không có phiếu mã hồ sơ" in loose, text
    assert "sohoa dossier reuse MÃ_HỒ_SƠ MÃ_GIẤY_TỜ" in loose and "phiếu tiếp nhận" not in loose
    [known] = [line for line in text.splitlines() if line.startswith("H19.22-261207-0103")]
    assert "chỉ biết từ phiếu tiếp nhận đã quét" in known, text
    rows = {r["code"]: r for r in map(json.loads, runner.invoke(
        cli, [*home, "dossier", "list", "--json"]).output.splitlines())}
    assert rows["UNASSIGNED-62696bdea292"]["unassigned"] is True
    assert rows["H19.22-261207-0103"]["unassigned"] is False
