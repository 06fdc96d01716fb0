"""Running the real `sohoa` command in a subprocess, as a desk PC would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def run_sohoa(home: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOHOA_HOME": str(home), "OMP_THREAD_LIMIT": "1",
           "SOHOA_PURPOSE": "automated test of the ingest pipeline"}
    return subprocess.run([sys.executable, "-m", "sohoa", *args], env=env, text=True,
                          capture_output=True, timeout=timeout, check=False)


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]
