"""`make demo` run whole, as a new user runs it (session 17: a change elsewhere stopped the demo
at step 7 and only a run by hand showed it). The demo works in a temporary folder
(SOHOA_DEMO_DIR), so a developer's own demo-home/ and out/ are left alone."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "scripts" / "demo.sh"


def test_the_demo_runs_to_the_end(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update(SOHOA_DEMO_DIR=str(tmp_path), COLUMNS="200")
    # the demo works in another folder: a relative PYTHONPATH (a worktree's ".") would name it
    # there, and the code under test would not be the code the demo runs (review18 N3)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(DEMO.parent.parent)] + [str(Path(p).resolve()) for p in
                                     env.get("PYTHONPATH", "").split(os.pathsep) if p])
    run = subprocess.run(["bash", str(DEMO)], env=env, capture_output=True, text=True,
                         timeout=1800, check=False)
    said = run.stdout[-4000:] + "\n--- stderr ---\n" + run.stderr[-4000:]
    assert run.returncode == 0, said
    assert "== Xong." in run.stdout, said
    # every step said what it did: the card reused, the copy certified, the KPI report signed
    assert "Thẻ đang chờ kiểm tra" in run.stdout or "đã dùng lại" in run.stdout.lower() \
        or "dùng lại" in run.stdout, said
    for made in ("out/demo-ingest.jsonl", "out/demo-certify.json", "out/demo-register.pdf",
                 "out/demo-kpi.html", "out/demo-kpi.pdf"):
        assert (tmp_path / made).is_file(), made
    assert not (tmp_path / "demo-home").is_symlink()
    # no traceback and no third-party warning reaches the user's terminal
    assert "Traceback" not in run.stderr and "Warning" not in run.stderr, said
