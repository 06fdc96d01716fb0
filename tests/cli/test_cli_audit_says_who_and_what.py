"""tester10 F4/F5: plain `audit show` says a dossier's status move (from → to, and the moment
it happened) without --json, and an ingest's events name who ran it (SOHOA_USER, else the OS
user, as every other audited command), not "sohoa"."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sohoa.cli.main import cli

CODE = "H19.22-260302-0011"
OPEN = ["dossier", "open", CODE, "--procedure", "2.000488.000.00.00.H19", "--owner",
        "040180954551", "--unit", "H19.22", "--received", "2026-03-02T08:15"]


def test_audit_show_says_the_status_move_and_who_ingested(tmp_path: Path) -> None:
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình", "SOHOA_HOME": None})
    home = ["--home", str(tmp_path / "home")]
    assert runner.invoke(cli, [*home, "init"]).exit_code == 0
    assert runner.invoke(cli, [*home, *OPEN]).exit_code == 0
    moved = runner.invoke(cli, [*home, "dossier", "status", CODE, "resolved", "--at",
                                "2026-03-03T10:00"])
    assert moved.exit_code == 0, moved.output
    late = runner.invoke(cli, [*home, "dossier", "status", CODE, "processing", "--at",
                               "2026-03-02T09:00"])
    assert late.exit_code == 0, late.output
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj\n<<")  # a transfer cut short: quarantined
    assert runner.invoke(cli, [*home, "ingest", str(bad)]).exit_code == 3
    hot = tmp_path / "hot"
    hot.mkdir()
    (hot / "broken.pdf").write_bytes(b"%PDF-1.7\nno objects at all\n%%EOF\n")
    watched = runner.invoke(cli, [*home, "watch", str(hot), "--once", "--settle", "0.2",
                                  "--poll", "0.1"],
                            env={"SOHOA_USER": "Lê Văn Tâm"})
    assert watched.exit_code in (0, 3), watched.output

    text = runner.invoke(cli, [*home, "audit", "show"], env={"COLUMNS": "250"}).output
    assert (f"đổi trạng thái hồ sơ  dossier:{CODE}: Đã tiếp nhận → Đã có kết quả "
            "(lúc 03/03/2026 10:00)") in text, text
    assert (f"dossier:{CODE}: Đang giải quyết (lúc 02/03/2026 09:00); chỉ ghi vào lịch sử, "
            "trạng thái hiện tại vẫn là Đã có kết quả") in text, text
    events = [json.loads(line) for line in runner.invoke(
        cli, [*home, "audit", "show", "--json"]).output.splitlines() if line.startswith("{")]
    ingest = [e for e in events if e["action"] in ("job.started", "input.quarantined",
                                                   "job.finished")]
    assert len(ingest) == 6, events
    assert {e["actor"] for e in ingest} == {"Trần Thị Bình", "Lê Văn Tâm"}, ingest
    assert len([e for e in ingest if e["actor"] == "Lê Văn Tâm"]) == 3, ingest
    [init] = [e for e in events if e["action"] == "home.init"]
    assert init["actor"] == "Trần Thị Bình"
