"""The dossier commands as desk staff run them: `sohoa procedures`, `dossier open/show/status/
reuse/list`, JSON and exit codes (a refused reuse is 2 with a Vietnamese reason, an unknown
dossier 5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CODE = "H19.22.31-260302-0001"


def sohoa(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_USER": "Trần Thị Bình"}
    return subprocess.run([sys.executable, "-m", "sohoa", *args], env=env, text=True,
                          capture_output=True, timeout=120, check=False)


def test_dossier_commands(tmp_path: Path) -> None:
    listed = sohoa(tmp_path, "procedures", "--json")
    assert listed.returncode == 0, listed.stderr
    procs = [json.loads(line) for line in listed.stdout.splitlines()]
    khai_sinh = next(p for p in procs if p["name"] == "Đăng ký khai sinh")
    assert [c["code"] for c in khai_sinh["components"]] == ["TP1", "TP2", "TP3"]

    opened = sohoa(tmp_path, "dossier", "open", CODE, "--procedure", khai_sinh["code"],
                   "--owner", "075203001234", "--unit", "H19.22.31",
                   "--received", "2026-03-02T08:15", "--json")
    assert opened.returncode == 0, opened.stderr
    state = json.loads(opened.stdout)
    assert state["changed"] and state["unit_level"] == "xa"
    assert state["received_at"] == "2026-03-02T01:15:00+00:00"
    assert state["appointment_date"] == "2026-03-03"  # one working day after a Monday

    again = sohoa(tmp_path, "dossier", "open", CODE, "--procedure", khai_sinh["code"],
                  "--owner", "075203001234", "--unit", "H19.22.31",
                  "--received", "2026-03-02T08:15")
    assert again.returncode == 0 and "không thay đổi" in again.stdout

    moved = sohoa(tmp_path, "dossier", "status", CODE, "resolved", "--at", "2026-03-03T10:00")
    assert moved.returncode == 0, moved.stderr
    # the clerk reads the state's name, not the code integrators read in --json
    assert moved.stdout == f"hồ sơ {CODE}: Đã có kết quả\n", moved.stdout
    shown = json.loads(sohoa(tmp_path, "dossier", "show", CODE, "--json").stdout)
    assert [h["status"] for h in shown["history"]] == ["received", "resolved"]
    assert shown["history"][1]["recorded_by"] == "Trần Thị Bình"

    missing = sohoa(tmp_path, "dossier", "reuse", CODE, "0123456789abcdef")
    assert missing.returncode == 5 and "không có giấy tờ" in missing.stderr
    unknown = sohoa(tmp_path, "dossier", "show", "H19-KHONG-CO")
    assert unknown.returncode == 5

    rows = [json.loads(line) for line in sohoa(tmp_path, "dossier", "list", "--from",
                                               "2026-03-01", "--to", "2026-03-31",
                                               "--json").stdout.splitlines()]
    assert [(r["code"], r["status"], r["components"]) for r in rows] == [
        (CODE, "resolved", {"missing": 3})]
    listed = sohoa(tmp_path, "dossier", "list", "--from", "2026-03-01", "--to", "2026-03-31")
    assert "[Đã có kết quả]" in listed.stdout and "resolved" not in listed.stdout, listed.stdout
    assert sohoa(tmp_path, "dossier", "list", "--from", "2026-04-01", "--json").stdout == ""


def test_synth_year_then_report_kpi(tmp_path: Path) -> None:
    made = sohoa(tmp_path, "synth", "year", "--year", "2025", "--dossiers", "24", "--seed", "3",
                 "--json")
    assert made.returncode == 0, made.stderr
    truth = json.loads(made.stdout)["truth"]["overall"]
    report = sohoa(tmp_path, "report", "kpi", "--from", "2025-01-01", "--to", "2025-12-31",
                   "--json")
    assert report.returncode == 0, report.stderr
    got = {i["code"]: (i["numerator"], i["denominator"])
           for i in json.loads(report.stdout)["indicators"]}
    assert got == {code: (t["numerator"], t["denominator"]) for code, t in truth.items()}
    explained = sohoa(tmp_path, "report", "kpi", "--from", "2025-01-01", "--to", "2025-12-31",
                      "--explain", "REUSED_DIGITIZED_DATA", "--json")
    listing = json.loads(explained.stdout)
    assert sum(x["counted"] for x in listing["items"]) == truth["REUSED_DIGITIZED_DATA"][
        "numerator"]
    unknown = sohoa(tmp_path, "report", "kpi", "--from", "2025-01-01", "--to", "2025-12-31",
                    "--explain", "KHONG_CO")
    assert unknown.returncode == 2 and "không có chỉ số" in unknown.stderr


def test_synth_year_says_its_figures_by_name(tmp_path: Path) -> None:
    # A manager holds these against the report: the indicator's name first, its code in
    # brackets, never a bare code (tester16 F3).
    made = sohoa(tmp_path, "synth", "year", "--year", "2025", "--dossiers", "6", "--seed", "3")
    assert made.returncode == 0, made.stderr
    assert "  Số hóa hồ sơ [SO_HOA_GIAY_TO_GIAI_QUYET]: " in made.stdout, made.stdout
    assert not any(line.startswith("  SO_HOA") for line in made.stdout.splitlines())
