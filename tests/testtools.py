"""Helpers shared by tests of several rooms (on the path through pytest's `pythonpath`)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

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


def sohoa_command(*args: str, python_flags: Sequence[str] = ()) -> list[str]:
    """The real `sohoa` command line, run by this interpreter (the worktree's venv)."""
    return [sys.executable, *python_flags, "-m", "sohoa", *args]


def sohoa_env(home: Path | None, env: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The environment a desk PC gives `sohoa`: this one, the archive home, one OpenMP thread
    (Tesseract must not fan out over the shared cores), and ``env`` on top (None removes)."""
    full: dict[str, str | None] = {**os.environ, "OMP_THREAD_LIMIT": "1", **(env or {})}
    if home is not None:
        full["SOHOA_HOME"] = str(home)
    return {k: v for k, v in full.items() if v is not None}


def run_sohoa(home: Path | None, *args: str, env: Mapping[str, str | None] | None = None,
              timeout: float = 600,
              python_flags: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
    """Run `sohoa ARGS…` in a subprocess, as a desk PC would; never raises on its exit code."""
    return subprocess.run(sohoa_command(*args, python_flags=python_flags),
                          env=sohoa_env(home, env), text=True, capture_output=True,
                          timeout=timeout, check=False)


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON objects a `--json` command printed, one a line (other lines skipped)."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]
