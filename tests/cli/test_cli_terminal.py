"""What reaches the clerk's terminal: not pyHanko's log lines (a failed timestamp check, with
its traceback) once sohoa's entry point has run, though a process that sets up logging still
gets them; and a reader that stops reading is no bug."""

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


def test_a_reader_that_stops_reading_is_no_bug(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`sohoa … | head -1`: the pipe closes before sohoa has written everything. Nothing
    failed — exit 0 and no "internal error", not exit 1 (a bug's code)."""
    import os

    env = {**os.environ, "SOHOA_HOME": str(tmp_path / "home")}
    child = subprocess.Popen([sys.executable, "-m", "sohoa", "procedures", "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before the first line
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 0, err
    assert "internal error" not in err and "Traceback" not in err, err


def test_a_command_that_does_work_stopped_by_a_closed_pipe_says_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`sohoa ingest … | head -1` stops the ingest part-way when head exits: that is not
    success (exit 2, and why on stderr), unlike a listing the reader had enough of."""
    import os

    from sohoa.cli.main import _typed_command

    assert _typed_command(["--home", "/h", "dossier", "list", "--json"]) == ["dossier", "list"]
    assert _typed_command(["search", "dong nai"]) == ["search", "dong nai"]
    env = {**os.environ, "SOHOA_HOME": str(tmp_path / "home")}
    subprocess.run([sys.executable, "-m", "sohoa", "init"], env=env, capture_output=True,
                   check=True, timeout=120)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.pdf").write_text("không phải bản quét")  # quarantined: a JSON line
    child = subprocess.Popen([sys.executable, "-m", "sohoa", "ingest", str(folder), "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=300) == 2, err
    assert "ống dẫn" in err and "internal error" not in err, err


def test_a_listing_printed_through_rich_whose_reader_took_one_line_exits_0(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`sohoa audit show | head -1` (tester10 F26): rich answered the closed pipe with exit 1
    itself, past cli/main.py's rule for commands that only show. The pipe is made one page
    small and the listing longer, so sohoa is still writing when its reader goes."""
    import fcntl
    import os

    from sohoa.archive import audit
    from sohoa.pipeline.services import open_archive
    from sohoa.pipeline.settings import load_settings

    env = {**os.environ, "SOHOA_HOME": str(tmp_path / "home")}
    subprocess.run([sys.executable, "-m", "sohoa", "init"], env=env, capture_output=True,
                   check=True, timeout=120)
    archive = open_archive(load_settings(tmp_path / "home"))
    try:
        with archive.transaction(write=True) as conn:
            for i in range(300):
                audit.append(conn, "document.stored", actor="lan", target=f"{i:016x}")
    finally:
        archive.close()
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, 1031, 4096)  # F_SETPIPE_SZ: the smallest pipe Linux makes
    child = subprocess.Popen([sys.executable, "-m", "sohoa", "audit", "show", "--limit", "300"],
                             stdout=write_end, stderr=subprocess.PIPE, env=env)
    os.close(write_end)
    first = b""
    while not first.endswith(b"\n"):
        got = os.read(read_end, 1)
        assert got, "sohoa ended before printing a line"
        first += got
    os.close(read_end)  # `head -1` has its line and goes
    assert child.stderr is not None
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 0, err
    assert "internal error" not in err and "Traceback" not in err, err
