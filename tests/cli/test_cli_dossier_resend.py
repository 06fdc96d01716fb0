"""A step already recorded is not recorded again (tester10 F1 addendum): the one-stop system
and the help's own form (DD/MM/YYYY HH:MM) send a step to the minute while the desk recorded it
to the second; the once-only steps (received, resolved, rejected, returned) resent at any
moment change nothing; a step that recurs (processing, supplement) is new only at another
minute. A mistyped moment is still moved with --correct."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sohoa.cli.main import cli

CODE = "H19.22-261207-0101"
OPEN = ["dossier", "open", CODE, "--procedure", "2.000488.000.00.00.H19", "--owner",
        "040180954551", "--unit", "H19.22", "--received", "2026-03-02T08:15:49"]


def test_a_resent_step_is_not_a_new_step(tmp_path: Path) -> None:
    runner = CliRunner(env={"SOHOA_USER": "lan"})
    home = ["--home", str(tmp_path)]

    def status(*args: str) -> tuple[int, str]:
        done = runner.invoke(cli, [*home, "dossier", "status", CODE, *args])
        return done.exit_code, done.output

    def history() -> list[tuple[str, str]]:
        shown = json.loads(runner.invoke(cli, [*home, "dossier", "show", CODE, "--json"]).stdout)
        return [(h["status"], h["at"][:16]) for h in shown["history"]]

    assert runner.invoke(cli, [*home, *OPEN]).exit_code == 0
    # The receipt recorded 08:15:49, resent with the minute, then at another moment.
    assert status("received", "--at", "02/03/2026 08:15") == (
        0, f"hồ sơ {CODE}: Đã tiếp nhận (đã có, không thay đổi)\n")
    code, said = status("received", "--at", "02/03/2026 09:30")
    assert code == 0 and "(đã có, không thay đổi)" in said, said
    assert "đã ghi lúc 02/03/2026 08:15" in said and "hệ thống một cửa" in said, said
    assert "--correct" not in said, said  # the receipt is not sohoa's to correct (review11 M2)
    assert "đã ghi vào lịch sử" not in said, said

    assert status("processing", "--at", "2026-03-02T09:00:12")[0] == 0
    code, said = status("processing", "--at", "02/03/2026 09:00")
    assert code == 0 and "(đã có, không thay đổi)" in said, said
    assert status("supplement", "--at", "2026-03-02T10:00:30")[0] == 0
    assert status("resolved", "--at", "2026-03-03T10:00:05")[0] == 0
    # A late resend of the supplement, to the minute, on the resolved dossier: nothing new.
    code, said = status("supplement", "--at", "02/03/2026 10:00")
    assert code == 0 and "(đã có, không thay đổi)" in said and "lịch sử" not in said, said
    # Processing again after the supplement (another minute) is a real step.
    assert status("processing", "--at", "2026-03-02T14:00")[1].endswith("Đang giải quyết\n"
        "  đã ghi vào lịch sử; trạng thái hiện tại vẫn là Đã có kết quả (từ 03/03/2026 10:00, "
        "sau thời điểm vừa ghi)\n")
    code, said = status("resolved", "--at", "03/03/2026 11:00")
    assert code == 0 and "(đã có, không thay đổi)" in said, said
    assert status("returned", "--at", "2026-03-04T09:00")[0] == 0
    assert status("returned", "--at", "04/03/2026 09:45")[0] == 0
    # tester10's case: the receipt resent to the minute once the result is handed back
    assert status("received", "--at", "02/03/2026 08:15") == (
        0, f"hồ sơ {CODE}: Đã tiếp nhận (đã có, không thay đổi)\n")

    assert history() == [
        ("received", "2026-03-02T01:15"), ("processing", "2026-03-02T02:00"),
        ("supplement", "2026-03-02T03:00"), ("processing", "2026-03-02T07:00"),
        ("resolved", "2026-03-03T03:00"), ("returned", "2026-03-04T02:00")]
    # The recorded moment is still put right with --correct (it is recorded once).
    fixed = runner.invoke(cli, [*home, "dossier", "status", CODE, "returned", "--correct",
                                "--at", "04/03/2026 09:45", "--reason", "gõ nhầm giờ"])
    assert fixed.exit_code == 0, fixed.output
    assert history()[-1] == ("returned", "2026-03-04T02:45")
