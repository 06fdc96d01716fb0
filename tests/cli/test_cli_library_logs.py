"""What pyHanko logs (a failed timestamp check, with its traceback) stays off the clerk's
terminal once sohoa's entry point has run; a process that sets up logging still gets it."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import logging, sys
{setup}
import sohoa.cli.main  # the `sohoa` command's entry module: silences what it knows
try:
    raise ValueError("Permanent failure while evaluating timestamp in PoE chain")
except ValueError:
    logging.getLogger("pyhanko.sign.validation.ltv").warning(
        "Document timestamp chain failed to validate", exc_info=True)
logging.getLogger("sohoa.jobs").warning("lô X chưa ghi được trạng thái")
"""


def _stderr(setup: str = "") -> str:
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(setup=setup)],
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stderr


def test_pyhanko_log_lines_do_not_reach_the_terminal_but_sohoas_own_do() -> None:
    err = _stderr()
    assert "timestamp" not in err and "Traceback" not in err, err
    assert "lô X chưa ghi được trạng thái" in err  # sohoa's own warnings still show


def test_a_process_that_sets_up_logging_still_receives_them() -> None:
    err = _stderr("logging.basicConfig(stream=sys.stderr, level=logging.WARNING)")
    assert "Document timestamp chain failed to validate" in err and "Traceback" in err, err
