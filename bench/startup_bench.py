"""What starting a command costs: CPU seconds of `sohoa …` commands that do little work.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/startup_bench.py --home HOME --known FILE.pdf \
        [--before CHECKOUT] [--repeat 5]

``HOME`` is an archive into which ``FILE.pdf`` was ingested before (for instance the 20-page
ReportLab-style PDF of ``bench/pdf_producers_bench.py``, ``--keep`` folder,
``ingest-home``): ``sohoa ingest FILE.pdf`` then finds the file known by its SHA-256 and only
reports its stored documents (issue 19: at most 3 s). Each command runs ``--repeat`` times as
``python -m sohoa …`` with this venv's Python; the median CPU (user+sys of the whole process
tree) and wall time are printed as a Markdown table, with the heavy libraries each command
imported (``-X importtime`` of one more run). ``--before CHECKOUT``: the same commands from the
source tree CHECKOUT (another commit's ``git worktree``, put first on PYTHONPATH), run
alternately with this one so that both see the same load.

Nothing here is run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEAVY = ("cv2", "numpy", "pyhanko", "fontTools", "tesserocr", "pikepdf", "alembic", "sqlalchemy",
         "aiohttp", "tantivy", "PIL", "cryptography")


# Commands run from the filesystem root: ``python -m`` puts the working directory first on
# sys.path, where a checkout's own ``sohoa/`` would shadow the one PYTHONPATH names.
NEUTRAL = "/"


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False,
                          cwd=NEUTRAL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 5):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.stderr


def heavy_imports(python: str, args: list[str], env: dict[str, str]) -> str:
    """The heavy top-level packages a command imported (from ``-X importtime``)."""
    done = subprocess.run([python, "-X", "importtime", "-m", "sohoa", *args], env=env,
                          capture_output=True, text=True, check=False, cwd=NEUTRAL)
    found = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:"):
            name = line.rsplit("|", 1)[-1].strip()
            top = name.split(".")[0]
            if top in HEAVY:
                found.add(top)
    return ", ".join(sorted(found)) or "none of them"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--known", type=Path, required=True,
                        help="a file already ingested into --home")
    parser.add_argument("--before", type=Path,
                        help="a source checkout to compare with (put first on PYTHONPATH)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    env = dict(os.environ, SOHOA_HOME=str(args.home), OMP_THREAD_LIMIT="1",
               SOHOA_PURPOSE="bench", SOHOA_USER="bench")
    env.pop("PYTHONPATH", None)
    trees = {"this checkout": dict(env, PYTHONPATH=str(Path(__file__).resolve().parents[1]))}
    if args.before:
        trees = {"before": dict(env, PYTHONPATH=str(args.before.resolve())), **trees}
    commands = {
        "sohoa --help": ["--help"],
        "sohoa search \"giấy khai sinh\"": ["search", "giấy khai sinh"],
        "sohoa status": ["status"],
        f"sohoa ingest {args.known.name} (known)": ["ingest", str(args.known)],
    }
    load = os.getloadavg()[0]
    print(f"median of {args.repeat} runs each, `python -m sohoa`, load average {load:.1f} "
          "at the start")
    print("\n| command | tree | CPU s | wall s | heavy libraries imported |")
    print("| --- | --- | ---: | ---: | --- |")
    for label, cmd in commands.items():
        runs: dict[str, list[tuple[float, float, str]]] = {tree: [] for tree in trees}
        for _ in range(args.repeat):  # alternately, so that both see the same load
            for tree, tree_env in trees.items():
                runs[tree].append(timed([python, "-m", "sohoa", *cmd], tree_env))
        for tree, tree_env in trees.items():
            cpu = statistics.median(r[0] for r in runs[tree])
            wall = statistics.median(r[1] for r in runs[tree])
            print(f"| `{label}` | {tree} | {cpu:.2f} | {wall:.2f} | "
                  f"{heavy_imports(python, cmd, tree_env)} |", flush=True)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
