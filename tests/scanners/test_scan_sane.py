"""`sohoa scan` for real: SANE's built-in `test` backend through Debian's `scanimage`.

The test backend is switched on in a private SANE config folder (``SANE_CONFIG_DIR``), so the
machine's /etc/sane.d stays as it is. Its feeder makes synthetic pages (a grid) with no dossier
code, so what the pipeline must do with them is the real rule: one "unassigned" dossier, flagged
for review, nothing dropped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from testtools import json_lines, run_sohoa

from sohoa.scanners.sane import ScannerError, ScanOptions, list_devices, scan_batch

FEEDER = "Automatic Document Feeder"
# Small grid pages at 150 dpi: real scans through the real driver, cheap to recognize.
GRID = ("--device-option=--test-picture=Grid", "--device-option=-x100",
        "--device-option=-y140", "--resolution", "150")


def sohoa(home: Path, sane: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_sohoa(home, *args, timeout=300,
                     env={"SANE_CONFIG_DIR": str(sane),
                          "SOHOA_PURPOSE": "automated test of direct scanning"})


@pytest.fixture(scope="module")
def sane(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SANE with only the test backend enabled (make test installs sane-utils)."""
    assert shutil.which("scanimage"), "scanimage is missing: install sane-utils (make test does)"
    folder = tmp_path_factory.mktemp("sane.d")
    (folder / "dll.conf").write_text("test\n")
    return folder


@pytest.fixture(scope="module")
def no_scanner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sane-none.d")
    (folder / "dll.conf").write_text("")
    return folder


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, sane: Path) -> Path:
    home = tmp_path_factory.mktemp("home")
    done = sohoa(home, sane, "init", "--unit", "H19.22")
    assert done.returncode == 0, done.stderr
    return home


def test_list_shows_the_test_scanners(home: Path, sane: Path) -> None:
    done = sohoa(home, sane, "scan", "--list", "--json")
    assert done.returncode == 0, done.stderr
    assert [d["device"] for d in json_lines(done.stdout)] == ["test:0", "test:1"]
    assert json_lines(done.stdout)[0]["model"] == "frontend-tester"


def test_a_duplex_batch_from_the_feeder_is_scanned_and_ingested(home: Path, sane: Path) -> None:
    done = sohoa(home, sane, "scan", "--device", "test:0", "--source", FEEDER, "--duplex",
                 "--pages", "4", *GRID, "--json")
    assert done.returncode == 0, done.stderr
    events = json_lines(done.stdout)
    documents = [e for e in events if "document_id" in e]
    (scan,) = [e for e in events if "scan_folder" in e]

    folder = Path(scan["scan_folder"])
    assert folder.parent == home / "scans"
    assert sorted(p.name for p in folder.iterdir()) == [
        "page-0001.tif", "page-0002.tif", "page-0003.tif", "page-0004.tif"]
    assert (scan["device"], scan["source"], scan["scanned_pages"]) == ("test:0", FEEDER, 4)
    assert (scan["pages"], scan["dossiers"], scan["stored"], scan["quarantined"]) == (4, 1, 1, 0)

    # No dossier-code sheet on the test pages: one unassigned dossier, kept (and flagged for
    # what its test pattern reads as, not for standing before a sheet there is none of).
    (doc,) = documents
    assert doc["dossier_code"].startswith("UNASSIGNED-")
    assert doc["needs_review"]
    assert not [r for r in doc["review_reasons"] if r.startswith("Hồ sơ: ")], doc
    assert [(Path(p["source"]).name, p["side"]) for p in doc["pages"]] == [
        ("page-0001.tif", "front"), ("page-0002.tif", "back"),
        ("page-0003.tif", "front"), ("page-0004.tif", "back")]

    shown = sohoa(home, sane, "show", doc["document_id"], "--json")
    assert shown.returncode == 0, shown.stderr
    assert [p["side"] for p in json.loads(shown.stdout)["pages"]] == [
        "front", "back", "front", "back"]

    # The scan folder is an ordinary batch: ingesting it again stores nothing twice.
    again = sohoa(home, sane, "ingest", str(folder), "--json")
    assert again.returncode == 0, again.stderr
    # (SANE's test backend scans grey: each page also brings a colour warning, TT 01/2023.)
    assert [e.get("duplicate") for e in json_lines(again.stdout) if "warning" not in e] == [True]


def test_scan_into_a_chosen_folder_simplex(home: Path, sane: Path, tmp_path: Path) -> None:
    out = tmp_path / "stack"
    done = sohoa(home, sane, "scan", "-d", "test:1", "--pages", "2", "--format", "png",
                 "--out", str(out), *GRID, "--device-option=--test-picture=Color pattern")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["page-0001.png", "page-0002.png"]
    assert "đã quét 2 trang từ test:1 (Automatic Document Feeder)" in done.stdout

    # A folder that already holds pages is not mixed with a new batch.
    again = sohoa(home, sane, "scan", "-d", "test:1", "--pages", "1", "--out", str(out), *GRID)
    assert again.returncode == 2
    assert "đã có tệp: hãy quét vào một thư mục mới, trống" in again.stderr


@pytest.mark.parametrize(("device", "options", "message"), [
    ("test:0", ScanOptions(duplex=True),
     "test:0 không có khay quét hai mặt (máy có: Flatbed, Automatic Document Feeder)"),
    ("test:7", ScanOptions(), "không mở được máy quét test:7"),
    ("test:0", ScanOptions(source="Tray 2"), "test:0 không có khay 'Tray 2'"),
    ("test:0", ScanOptions(extra=("--read-return-value=SANE_STATUS_JAMMED",)),
     "kẹt giấy ở test:0: gỡ giấy kẹt, rồi quét lại cả xấp"),
    ("test:0", ScanOptions(resolution=2400), "độ phân giải 2400 dpi nằm ngoài"),
])
def test_scanner_problems_are_said_plainly(sane: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch, device: str,
                                           options: ScanOptions, message: str) -> None:
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane))
    with pytest.raises(ScannerError) as raised:
        # SANE's test backend sometimes hangs after it reports the jam: the stall watchdog
        # then ends it, and what it said (the jam) is still the message.
        scan_batch(tmp_path / "pages", device, replace(options, max_pages=1, stall_s=20))
    assert message in str(raised.value)
    assert raised.value.exit_code == 2


@pytest.mark.timeout(90)  # without the watchdog the read blocks for hours: a hang, not a figure
def test_a_scanner_that_stops_answering_is_ended_not_waited_for(
        sane: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test backend made very slow (one byte a read, 0.2 s after each): no page comes,
    and reading its output would block for hours. After ``stall_s`` without a page the scan
    is ended with a message the clerk can act on."""
    monkeypatch.setenv("SANE_CONFIG_DIR", str(sane))
    slow = ("--read-limit=yes", "--read-limit-size=1", "--read-delay=yes",
            "--read-delay-duration=200000")
    with pytest.raises(ScannerError) as raised:
        scan_batch(tmp_path / "pages", "test:0",
                   ScanOptions(extra=slow, max_pages=1, stall_s=2))
    assert "máy quét ngừng trả lời sau 0 trang" in str(raised.value)
    assert "quét lại cả xấp" in str(raised.value)


@pytest.mark.timeout(120)
def test_scan_command_takes_the_stall_limit(home: Path, sane: Path) -> None:
    slow = [f"--device-option={o}" for o in ("--read-limit=yes", "--read-limit-size=1",
                                              "--read-delay=yes", "--read-delay-duration=200000")]
    done = sohoa(home, sane, "scan", "-d", "test:0", "--pages", "1", "--stall", "2", *slow)
    assert done.returncode == 2, done.stderr
    assert "máy quét ngừng trả lời sau 0 trang" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_scanner_found(home: Path, no_scanner: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = sohoa(home, no_scanner, "scan", "--pages", "1")
    assert done.returncode == 2
    assert "không thấy máy quét nào: kiểm tra máy quét đã bật" in done.stderr
    assert "Traceback" not in done.stderr
    monkeypatch.setenv("SANE_CONFIG_DIR", str(no_scanner))
    assert list_devices() == []


def test_two_scans_started_in_the_same_second_get_two_folders(tmp_path: Path) -> None:
    """Two desks on one home pressing "scan" in the same second: each claims its own folder
    (made, not only looked for), so neither batch's pages land among the other's."""
    from datetime import datetime

    from sohoa.clock import VIETNAM
    from sohoa.pipeline.scanjob import new_scan_folder
    from sohoa.pipeline.settings import load_settings

    settings = load_settings(home=tmp_path, environ={})
    now = datetime(2026, 12, 7, 1, 0, 5, tzinfo=VIETNAM)
    first, second = new_scan_folder(settings, now), new_scan_folder(settings, now)
    assert first.is_dir() and second.is_dir() and first != second
    assert (first.name, second.name) == ("20261207-010005", "20261207-010005-2")
