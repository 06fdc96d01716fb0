"""Helpers shared by tests of several rooms (on the path through pytest's `pythonpath`)."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def verapdf_command() -> list[str]:
    """veraPDF from SOHOA_VERAPDF, else fetched (once, cached) from Maven Central."""
    if os.environ.get("SOHOA_VERAPDF"):
        return shlex.split(os.environ["SOHOA_VERAPDF"])
    script = REPO / "scripts" / "services" / "verapdf.sh"
    line = subprocess.run([str(script), "command"], capture_output=True, text=True, check=True)
    return shlex.split(line.stdout.strip())


def verapdf(path: Path) -> str:
    """veraPDF's one-line verdict on a file as PDF/A-2b ("PASS …" or "FAIL …")."""
    command = [*verapdf_command(), "--flavour", "2b", "--format", "text", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    return result.stdout + result.stderr
