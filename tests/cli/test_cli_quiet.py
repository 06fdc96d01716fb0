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


def test_sign_and_verify_refusals_write_no_warning(tmp_path: Path) -> None:
    """Review 9b, B note: `sohoa sign fake.pdf` on a --no-dev-key home wrote a Warning on
    stderr before its refusal (click's deprecated PacifyFlushWrapper import, on every refused
    command); a home with a key signs (pyHanko's signer and its DSA import) without one."""
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.7\n1 0 obj <</ByteRange [0 10 20 30]>> endobj\n%%EOF\n")
    bare = tmp_path / "bare"
    assert _sohoa(bare, "init", "--unit", "G01.05", "--no-dev-key").returncode == 0
    refused = _sohoa(bare, "sign", str(fake), "-o", str(tmp_path / "o.pdf"))
    assert refused.returncode == 2 and "Warning" not in refused.stderr, refused.stderr
    checked = _sohoa(bare, "verify", str(fake))
    assert checked.returncode != 0 and "Warning" not in checked.stderr, checked.stderr
    keyed = tmp_path / "keyed"
    assert _sohoa(keyed, "init").returncode == 0
    from fpdf import FPDF

    paper = FPDF()
    paper.add_page()
    paper.set_font("Helvetica", size=12)
    paper.cell(0, 10, "To khai")
    plain = tmp_path / "plain.pdf"
    paper.output(str(plain))
    signed = _sohoa(keyed, "sign", str(plain), "-o", str(tmp_path / "signed.pdf"))
    assert signed.returncode == 0 and signed.stderr == "", signed.stderr
    again = _sohoa(keyed, "sign", str(fake), "-o", str(tmp_path / "o2.pdf"))
    assert again.returncode == 2 and "Warning" not in again.stderr, again.stderr
