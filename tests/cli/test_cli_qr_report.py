"""The KPI report's QR code: `sohoa report kpi -o report.pdf` prints its period and figures in a
QR code at the top left; `sohoa verify` recomputes them from the catalog and agrees, and once the
catalog has a dossier the report did not count, says which figure no longer holds (exit 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from testtools import verapdf

from sohoa.pdf import qrmark


def sohoa(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_USER": "Trần Thị Bình"}
    return subprocess.run([sys.executable, "-m", "sohoa", *args], env=env, text=True,
                          capture_output=True, timeout=300, check=False)


def test_the_kpi_reports_qr_code_agrees_with_the_catalog(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert sohoa(home, "init").returncode == 0
    made = sohoa(home, "synth", "year", "--year", "2025", "--dossiers", "12", "--seed", "5",
                 "--json")
    assert made.returncode == 0, made.stderr
    pdf = tmp_path / "report.pdf"
    written = sohoa(home, "report", "kpi", "--from", "2025-01-01", "--to", "2025-12-31",
                    "-o", str(pdf), "--json")
    assert written.returncode == 0, written.stderr
    figures = {i["code"]: f"{i['numerator']}/{i['denominator']}"
               for i in json.loads(written.stdout)["indicators"]}

    [payload] = [qrmark.parse(t) for t in qrmark.read_pdf(pdf.read_bytes())]
    assert payload is not None and payload["kind"] == "kpi-report"
    assert payload["ref"] == "2025-01-01/2025-12-31" and payload["received"] == 12
    assert payload["digitized"] == figures["SO_HOA_GIAY_TO_GIAI_QUYET"]
    assert payload["reused"] == figures["REUSED_DIGITIZED_DATA"]
    assert payload["paper"].startswith("Báo cáo chỉ số số hóa") and payload["issued"].endswith(
        "+07:00")

    done = sohoa(home, "verify", str(pdf), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["qr"]["agrees"] is True
    assert "PASS" in verapdf(pdf)

    # A dossier received in the period that the report did not count.
    procs = [json.loads(line) for line in sohoa(home, "procedures", "--json").stdout.splitlines()]
    opened = sohoa(home, "dossier", "open", "H19.22.31-250602-0999", "--procedure",
                   procs[0]["code"], "--owner", "075203001234", "--unit", "H19.22.31",
                   "--received", "2025-06-02T08:15")
    assert opened.returncode == 0, opened.stderr
    done = sohoa(home, "verify", str(pdf), "--json")
    assert done.returncode == 4, done.stdout + done.stderr
    qr = json.loads(done.stdout)["qr"]
    assert "số hồ sơ tiếp nhận: mã QR ghi 12, cơ sở dữ liệu ghi 13" in qr["problems"]
    shown = sohoa(home, "verify", str(pdf))
    assert shown.returncode == 4 and "mã QR không khớp cơ sở dữ liệu" in shown.stdout
    # the report's period as a clerk reads it (tester10 F17: "số 2025-01-01/2025-12-31")
    assert "kỳ 01/01/2025 – 31/12/2025" in shown.stdout and "2025-01-01" not in shown.stdout
