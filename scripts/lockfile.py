"""The hashed dependency lock: refresh it on purpose, check that it still matches pyproject.toml.

    python scripts/lockfile.py write    re-resolve requirements/lock.txt and bench.txt (uv)
    python scripts/lockfile.py add      resolve them again keeping every version already
                                         pinned (after adding a dependency to pyproject.toml:
                                         pins only what is new)
    python scripts/lockfile.py check    exit 1, with what differs, when the locks and
                                         pyproject.toml (or requirements/tools.in) disagree

Every machine installs from ``requirements/lock.txt`` with ``pip --require-hashes``: every
package, direct and transitive, at one version, with the hashes of its files. uv resolves it
(``uv pip compile --generate-hashes``; pip-tools writes the same format, uv does it in seconds
and is itself pinned in the lock). Each lock's first line records the SHA-256 of the inputs it
was resolved from, so editing a dependency in pyproject.toml without ``make lock`` fails the
test suite instead of silently testing one program and shipping another.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
TOOLS_IN = ROOT / "requirements" / "tools.in"
LOCK = ROOT / "requirements" / "lock.txt"
BENCH_LOCK = ROOT / "requirements" / "bench.txt"
DIGEST_PREFIX = "# inputs-sha256: "
PYTHON_VERSION = "3.11"

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def inputs_digest() -> str:
    """SHA-256 of everything a lock is resolved from, in a canonical form."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    tools = [
        line.strip() for line in TOOLS_IN.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    extras = project["project"].get("optional-dependencies", {})
    canonical = {
        "requires-python": project["project"].get("requires-python"),
        "dependencies": sorted(project["project"].get("dependencies", [])),
        "optional-dependencies": {
            k: sorted(v) for k, v in sorted(extras.items())
        },
        "build-system": sorted(project.get("build-system", {}).get("requires", [])),
        "tools": sorted(tools),
        "python": PYTHON_VERSION,
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def canonical_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(lock: Path) -> dict[str, tuple[str, int]]:
    """name → (version, number of hashes) for every pin in a lock file."""
    pins: dict[str, tuple[str, int]] = {}
    current: str | None = None
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            current = canonical_name(match.group(1))
            pins[current] = (match.group(3), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, count = pins[current]
            pins[current] = (version, count + 1)
        elif not line.startswith(" "):
            current = None
    return pins


def _compile(extras: list[str], out: Path, constraints: Path | None = None,
             upgrade: bool = True) -> None:
    uv = Path(sys.executable).with_name("uv")
    cmd = [str(uv) if uv.exists() else "uv", "pip", "compile", "--quiet", "--generate-hashes",
           "--python-version", PYTHON_VERSION, "--no-header",
           str(PYPROJECT.relative_to(ROOT)), str(TOOLS_IN.relative_to(ROOT)),
           "-o", str(out.relative_to(ROOT))]
    if upgrade:  # without it uv keeps the versions the output file already pins
        cmd.append("--upgrade")
    for extra in extras:
        cmd += ["--extra", extra]
    if constraints is not None:
        cmd += ["--constraint", str(constraints.relative_to(ROOT))]
    subprocess.run(cmd, cwd=ROOT, check=True)
    body = out.read_text(encoding="utf-8")
    header = (f"{DIGEST_PREFIX}{inputs_digest()}\n"
              f"# Resolved by `make lock` (scripts/lockfile.py write) from pyproject.toml"
              f" [{', '.join(extras)}] and requirements/tools.in; do not edit by hand.\n")
    out.write_text(header + body, encoding="utf-8")


def write(upgrade: bool = True) -> None:
    _compile(["dev"], LOCK, upgrade=upgrade)
    # The benchmarks' peers go into the same environment, so they are resolved against the
    # main lock: installing them never changes a version the tests ran with.
    _compile(["dev", "bench"], BENCH_LOCK, constraints=LOCK, upgrade=upgrade)


def problems() -> list[str]:
    """What is wrong with the locks, in sentences; empty when they match pyproject.toml."""
    from packaging.requirements import Requirement

    found: list[str] = []
    digest = inputs_digest()
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    wanted = {
        LOCK: list(project["dependencies"]) + list(project["optional-dependencies"]["dev"]),
        BENCH_LOCK: list(project["dependencies"]) + list(project["optional-dependencies"]["dev"])
        + list(project["optional-dependencies"]["bench"]),
    }
    for lock, requirements in wanted.items():
        name = lock.relative_to(ROOT)
        if not lock.exists():
            found.append(f"{name} is missing: run `make lock`")
            continue
        first = lock.read_text(encoding="utf-8").splitlines()[0]
        if first != DIGEST_PREFIX + digest:
            found.append(f"{name} was resolved from other inputs than pyproject.toml and "
                         "requirements/tools.in say now: run `make lock`")
        pins = read_pins(lock)
        for text in requirements:
            req = Requirement(text)
            pin = pins.get(canonical_name(req.name))
            if pin is None:
                found.append(f"{name} has no pin for {req.name}")
            elif not req.specifier.contains(pin[0], prereleases=True):
                found.append(f"{name} pins {req.name}=={pin[0]}, outside {req.specifier}")
        for pkg, (version, hashes) in sorted(pins.items()):
            if hashes == 0:
                found.append(f"{name} pins {pkg}=={version} without a hash")
    main, bench = read_pins(LOCK), read_pins(BENCH_LOCK) if BENCH_LOCK.exists() else {}
    for pkg, (version, _) in sorted(main.items()):
        if pkg in bench and bench[pkg][0] != version:
            found.append(f"bench.txt pins {pkg}=={bench[pkg][0]} but lock.txt {version}")
    return found


def main(argv: list[str]) -> int:
    if argv[1:] in (["write"], ["add"]):
        write(upgrade=argv[1] == "write")
        return 0
    if argv[1:] == ["check"]:
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
