"""The real `sohoa` command as the pipeline tests run it: testtools' runner, with a purpose
for the reads of personal data (search, show, get) that the tests make."""

from __future__ import annotations

import subprocess
from pathlib import Path

import testtools
from testtools import json_lines

__all__ = ["json_lines", "run_sohoa"]

PURPOSE = {"SOHOA_PURPOSE": "automated test of the ingest pipeline"}


def run_sohoa(home: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return testtools.run_sohoa(home, *args, env=PURPOSE, timeout=timeout)
