"""tester9 F35: a receipt in the future, an appointment before the receipt, a status before the
receipt were all accepted (the history then ran out of order); refused with the date named,
exit 2. What can be true still passes: a receipt a minute ahead (clock skew), an appointment on
the receipt day, an online dossier queued before its receipt."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from sohoa.cli.main import cli
from sohoa.clock import VIETNAM

CODE = "H19.22-261207-0009"
OPEN = ["dossier", "open", CODE, "--procedure", "2.000488.000.00.00.H19",
        "--owner", "040180954551", "--unit", "H19.22"]


def _moment(at: datetime) -> str:
    return at.astimezone(VIETNAM).strftime("%Y-%m-%dT%H:%M")


def test_dates_that_cannot_be_true_are_refused(tmp_path: Path) -> None:
    runner = CliRunner(env={"SOHOA_USER": "Trần Thị Bình"})
    home = ["--home", str(tmp_path)]
    assert runner.invoke(cli, [*home, "init"]).exit_code == 0
    now = datetime.now(VIETNAM)

    ahead = runner.invoke(cli, [*home, *OPEN, "--received", _moment(now + timedelta(hours=6))])
    assert ahead.exit_code == 2, ahead.output
    assert "thời điểm tiếp nhận" in ahead.stderr and "chưa tới" in ahead.stderr, ahead.stderr
    received = now - timedelta(days=2)
    early = runner.invoke(cli, [*home, *OPEN, "--received", _moment(received),
                                "--appointment", (received - timedelta(days=6)).strftime(
                                    "%Y-%m-%d")])
    assert early.exit_code == 2, early.output
    assert f"ngày hẹn trả {(received - timedelta(days=6)):%d/%m/%Y} trước ngày tiếp nhận " \
           f"{received:%d/%m/%Y}" in early.stderr, early.stderr
    assert "Traceback" not in early.output

    opened = runner.invoke(cli, [*home, *OPEN, "--received", _moment(received),
                                 "--appointment", f"{received:%Y-%m-%d}", "--json"])
    assert opened.exit_code == 0, opened.output
    before = runner.invoke(cli, [*home, "dossier", "status", CODE, "processing", "--at",
                                 _moment(received - timedelta(days=400))])
    assert before.exit_code == 2, before.output
    assert "(Đang giải quyết) trước khi hồ sơ" in before.stderr, before.stderr
    later = runner.invoke(cli, [*home, "dossier", "status", CODE, "resolved", "--at",
                                _moment(now + timedelta(days=3))])
    assert later.exit_code == 2 and "chưa tới" in later.stderr, later.output
    # what can be true passes: queued before the receipt (online), a step after it
    assert runner.invoke(cli, [*home, "dossier", "status", CODE, "queued", "--at",
                               _moment(received - timedelta(hours=5))]).exit_code == 0
    # received "now" (stamped to the second), then a step typed to this minute: not before
    other = "H19.22-261207-0011"
    assert runner.invoke(cli, [*home, *OPEN[:2], other, *OPEN[3:]]).exit_code == 0
    this_minute = runner.invoke(cli, [*home, "dossier", "status", other, "processing", "--at",
                                      _moment(datetime.now(VIETNAM))])
    assert this_minute.exit_code == 0, this_minute.output
    moved = runner.invoke(cli, [*home, "dossier", "status", CODE, "processing", "--at",
                                _moment(received + timedelta(hours=1)), "--json"])
    assert moved.exit_code == 0, moved.output
    assert json.loads(moved.stdout)["status"] == "processing"
    # a step at a moment before the latest one goes into the history; the clerk is told the
    # dossier's status is still the later one (it printed 'Đang giải quyết' and nothing else)
    between = runner.invoke(cli, [*home, "dossier", "status", CODE, "supplement", "--at",
                                  _moment(received + timedelta(minutes=30))])
    assert between.exit_code == 0, between.output
    assert "trạng thái hiện tại vẫn là Đang giải quyết" in between.stdout, between.stdout
    skew = runner.invoke(cli, [*home, *OPEN[:2], "H19.22-261207-0010", *OPEN[3:],
                               "--received", _moment(now + timedelta(minutes=1))])
    assert skew.exit_code == 0, skew.output
