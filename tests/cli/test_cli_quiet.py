"""No third-party warning reaches a desk clerk's terminal, and status shows the OCR's versions."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from testtools import run_sohoa


def _sohoa(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # -W default: show every warning the interpreter would otherwise hide, so that only the
    # narrow filters of sohoa/quiet.py can keep one off the terminal.
    return run_sohoa(home, *args, env={"PYTHONWARNINGS": None}, timeout=300,
                     python_flags=("-W", "default"))


def test_init_and_status_on_a_new_home_write_nothing_to_stderr(tmp_path: Path) -> None:
    home = tmp_path / "home"
    init = _sohoa(home, "init")
    assert init.returncode == 0, init.stderr
    assert init.stderr == ""
    status = _sohoa(home, "status")
    assert status.returncode == 0, status.stderr
    assert status.stderr == ""
    assert "(ocr): tesserocr" in status.stdout


def test_status_json_names_the_tesseract_and_language_data_it_reads_with(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _sohoa(home, "init").returncode == 0
    status = _sohoa(home, "status", "--json")
    assert status.stderr == ""
    ocr = json.loads(status.stdout)["ocr"]
    assert ocr["tesseract"][0].isdigit()
    assert ocr["vie.traineddata"].startswith("sha256 ")
