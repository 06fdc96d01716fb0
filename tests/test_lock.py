"""The hashed lock and pyproject.toml agree, and a change to either without `make lock` fails."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def lockfile():
    spec = importlib.util.spec_from_file_location("lockfile", REPO / "scripts" / "lockfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_locks_match_pyproject(lockfile) -> None:
    assert lockfile.problems() == []


def test_every_pin_has_hashes_and_the_project_dependencies_are_pinned(lockfile) -> None:
    pins = lockfile.read_pins(lockfile.LOCK)
    for name in ("numpy", "opencv-python-headless", "pillow", "tesserocr", "pyhanko", "uv",
                 "setuptools"):
        version, hashes = pins[name]
        assert version and hashes >= 1, name


def test_a_dependency_added_without_relocking_is_caught(lockfile, tmp_path, monkeypatch) -> None:
    copy = tmp_path / "pyproject.toml"
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    copy.write_text(text.replace('"click>=8.1",', '"click>=8.1",\n    "left-pad>=1",'),
                    encoding="utf-8")
    monkeypatch.setattr(lockfile, "PYPROJECT", copy)
    found = lockfile.problems()
    assert any("run `make lock`" in line for line in found)
    assert any("no pin for left-pad" in line for line in found)


def test_a_pin_outside_the_range_pyproject_allows_is_caught(lockfile, tmp_path,
                                                            monkeypatch) -> None:
    lock = tmp_path / "lock.txt"
    shutil.copy(lockfile.LOCK, lock)
    text = lock.read_text(encoding="utf-8")
    version = lockfile.read_pins(lockfile.LOCK)["opencv-python-headless"][0]
    lock.write_text(text.replace(f"opencv-python-headless=={version}",
                                 "opencv-python-headless==5.1.0.95"), encoding="utf-8")
    monkeypatch.setattr(lockfile, "LOCK", lock)
    monkeypatch.setattr(lockfile, "ROOT", tmp_path)  # names in messages are relative to ROOT
    monkeypatch.setattr(lockfile, "BENCH_LOCK", tmp_path / "bench.txt")
    shutil.copy(REPO / "requirements" / "bench.txt", tmp_path / "bench.txt")
    found = lockfile.problems()
    assert any("opencv-python-headless==5.1.0.95, outside" in line for line in found)
