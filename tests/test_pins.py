"""What the tests fetch at run time is checked against pinned checksums before it is used."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PINS = REPO / "scripts" / "services" / "pins.sh"


def _bash(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", f"source {PINS}; {script}"], text=True,
                          capture_output=True, timeout=60, check=False)


@pytest.fixture
def jars(tmp_path: Path) -> tuple[Path, Path]:
    lib = tmp_path / "lib"
    lib.mkdir()
    for name in ("a-1.0.jar", "b-2.0.jar"):
        (lib / name).write_bytes(name.encode() * 100)
    (lib / "ours.jar").write_bytes(b"built here")
    pins = tmp_path / "jars.sha256"
    assert _bash(f"write_jars {lib} {pins} ours.jar").returncode == 0
    return lib, pins


def test_pinned_jars_pass(jars: tuple[Path, Path]) -> None:
    lib, pins = jars
    assert pins.read_text().count(".jar") == 2  # the jar built here is not pinned
    result = _bash(f"check_jars {lib} {pins} test ours.jar")
    assert result.returncode == 0, result.stderr


def test_a_changed_jar_is_refused(jars: tuple[Path, Path]) -> None:
    lib, pins = jars
    data = bytearray((lib / "b-2.0.jar").read_bytes())
    data[10] ^= 1
    (lib / "b-2.0.jar").write_bytes(bytes(data))
    result = _bash(f"check_jars {lib} {pins} test ours.jar")
    assert result.returncode != 0
    assert "b-2.0.jar" in result.stderr


def test_an_unpinned_jar_is_refused(jars: tuple[Path, Path]) -> None:
    lib, pins = jars
    shutil.copy(lib / "a-1.0.jar", lib / "c-3.0.jar")
    result = _bash(f"check_jars {lib} {pins} test ours.jar")
    assert result.returncode != 0
    assert "c-3.0.jar" in result.stderr


def test_a_file_with_another_hash_is_refused(tmp_path: Path) -> None:
    zipped = tmp_path / "dist.zip"
    zipped.write_bytes(b"not the distribution")
    result = _bash(f"check_sha256 {zipped} {'0' * 64} elasticsearch")
    assert result.returncode != 0
    assert "pinned" in result.stderr


@pytest.mark.parametrize("tool", ["verapdf", "etsi-validate"])
def test_every_fetched_validator_jar_is_pinned(tool: str) -> None:
    lines = (REPO / "tools" / tool / "jars.sha256").read_text().splitlines()
    assert lines and all(len(line.split()[0]) == 64 and line.endswith(".jar") for line in lines)


def test_the_fetching_scripts_check_their_pins() -> None:
    services = REPO / "scripts" / "services"
    assert "check_sha256 \"$ZIP\"" in (services / "elasticsearch.sh").read_text()
    assert "MODULE_SUM" in (services / "s3.sh").read_text()
    for name in ("verapdf.sh", "etsi-validator.sh"):
        assert "check_jars" in (services / name).read_text()
