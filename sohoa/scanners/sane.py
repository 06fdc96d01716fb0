"""Direct scanning through SANE's ``scanimage`` (Debian's sane-utils).

A thin wrapper around the binary, as OCRmyPDF keeps Tesseract behind ``_exec/``: list the
scanners, read the sources a scanner offers, and scan a batch from its feeder into a folder,
one image file per side. Everything ``scanimage`` can say goes wrong becomes a ``ScannerError``
whose message tells the desk clerk what to do (switch the scanner on, load the feeder, close
the cover…). No SANE library is loaded into this process: a crashing backend cannot take the
desk's program down with it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sohoa.errors import ConfigError, os_said

MODES = ("Gray", "Color", "Lineart")
FORMATS = {"tiff": "tif", "png": "png", "jpeg": "jpg"}
PAGE_PATTERN = "page-%04d"
_FEEDER = re.compile(r"\b(adf|feeder|automatic document)\b", re.IGNORECASE)
_DUPLEX = re.compile(r"duplex", re.IGNORECASE)


class ScannerError(ConfigError):
    """The scanner or its driver could not do what was asked (exit code 2)."""


@dataclass(frozen=True)
class Device:
    name: str  # what --device-name takes, e.g. "test:0" or "fujitsu:fi-7160:1234"
    vendor: str
    model: str
    kind: str

    def describe(self) -> str:
        return f"{self.name} ({self.vendor} {self.model}, {self.kind})"


@dataclass(frozen=True)
class ScanOptions:
    source: str | None = None  # the scanner's own name for it; None: its feeder (duplex if asked)
    duplex: bool = False
    resolution: int = 300
    mode: str = "Gray"
    fmt: str = "tiff"
    max_pages: int | None = None  # None: until the feeder is empty
    extra: tuple[str, ...] = ()  # further scanimage options, passed as they are
    timeout_s: float = 1800.0  # a whole batch; a jammed scanner must not hang the desk forever
    stall_s: float = 300.0  # no new page and no end for this long: the scanner is stuck


@dataclass
class ScanResult:
    device: str
    source: str | None
    folder: Path
    pages: list[Path] = field(default_factory=list)
    message: str = ""  # scanimage's last word, e.g. "Document feeder out of documents"


def scanimage() -> str:
    found = shutil.which("scanimage")
    if found is None:
        raise ScannerError("chưa cài scanimage: cài gói sane-utils của Debian "
                           "(apt-get install sane-utils) rồi thử lại")
    return found


def _run(args: Sequence[str], timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([scanimage(), *args], capture_output=True, text=True,
                              timeout=timeout, check=False, env=_env())
    except subprocess.TimeoutExpired as exc:
        raise ScannerError(f"máy quét không trả lời trong {timeout:.0f} giây: kiểm tra máy đã "
                           "bật và không bận, rồi thử lại") from exc


def _env() -> dict[str, str]:
    # SANE's messages are parsed below: keep them in English whatever the desk's locale.
    return {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": ""}


def list_devices(timeout_s: float = 60.0) -> list[Device]:
    """The scanners SANE can see (network scanners included, which can take a few seconds)."""
    done = _run(["--formatted-device-list=%d\t%v\t%m\t%t%n"], timeout_s)
    if done.returncode != 0:
        raise ScannerError(f"SANE không liệt kê được máy quét: {_last_line(done.stderr)}")
    devices = []
    for line in done.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[0]:
            devices.append(Device(*parts))
    return devices


def default_device(timeout_s: float = 60.0) -> Device:
    devices = list_devices(timeout_s)
    if not devices:
        raise ScannerError("không thấy máy quét nào: kiểm tra máy quét đã bật và đã kết nối "
                           "(cáp USB hoặc mạng), trình điều khiển SANE của nó đã bật trong "
                           "/etc/sane.d/dll.conf, rồi chạy `scanimage -L`")
    return devices[0]


def device_sources(device: str, timeout_s: float = 60.0) -> list[str]:
    """The paper sources a scanner offers (``--source`` values), empty if it has no choice."""
    done = _run(["--device-name", device, "--all-options"], timeout_s)
    if done.returncode != 0:
        raise _open_error(device, done.stderr)
    for line in done.stdout.splitlines():
        match = re.match(r"\s*--source\s+(.+?)\s+\[", line)
        if match:
            return [s.strip() for s in match.group(1).split("|")]
    return []


def choose_source(sources: Sequence[str], options: ScanOptions, device: str) -> str | None:
    """The source to scan from: as asked, else the duplex feeder or the feeder."""
    if options.source is not None:
        if sources and options.source not in sources:
            raise ScannerError(f"{device} không có khay {options.source!r}; máy có: "
                               f"{', '.join(sources)}")
        return options.source
    if not sources:
        if options.duplex:
            raise ScannerError(f"{device} không cho chọn khay giấy nên không có khay quét hai "
                               "mặt: quét không có --duplex, hoặc chọn khay bằng --source")
        return None
    feeders = [s for s in sources if _FEEDER.search(s)]
    duplex = [s for s in feeders if _DUPLEX.search(s)] or [s for s in sources
                                                          if _DUPLEX.search(s)]
    if options.duplex:
        if not duplex:
            raise ScannerError(f"{device} không có khay quét hai mặt (máy có: "
                               f"{', '.join(sources)}): quét không có --duplex, hoặc chọn khay "
                               "bằng --source")
        return duplex[0]
    simplex = [s for s in feeders if not _DUPLEX.search(s)]
    if simplex:
        return simplex[0]
    raise ScannerError(f"{device} không có khay nạp giấy tự động (máy có: "
                       f"{', '.join(sources)}): chọn khay bằng --source để quét trên mặt kính")


def scan_batch(folder: Path, device: str | None = None, options: ScanOptions | None = None,
               on_page: Callable[[Path], None] = lambda _: None) -> ScanResult:
    """Scan sheets from the feeder into ``folder`` as page-0001.tif, page-0002.tif, …

    Returns when the feeder is empty (or ``max_pages`` are scanned). When the scanner stops
    with an error (a jam after page 12), the error names what to do and where the pages
    scanned so far are; nothing of that batch is ingested, because a stack scanned in two
    parts would split a dossier in two: the clerk scans the whole stack again (pages stored
    before are recognized by their SHA-256 and not stored twice). Zero pages is an error too.
    """
    options = options or ScanOptions()
    if options.mode not in MODES:
        raise ScannerError(f"không có chế độ màu {options.mode!r}: dùng một trong "
                           f"{', '.join(MODES)}")
    if options.fmt not in FORMATS:
        raise ScannerError(f"không có định dạng trang {options.fmt!r}: dùng một trong "
                           f"{', '.join(FORMATS)}")
    if not 75 <= options.resolution <= 1200:
        raise ScannerError(f"độ phân giải {options.resolution} dpi nằm ngoài mức máy quét tài "
                           "liệu dùng: chọn 200 hoặc 300")
    name = device or default_device().name
    source = choose_source(device_sources(name), options, name)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise ScannerError(f"{folder} đã có tệp: hãy quét vào một thư mục mới, trống")

    suffix = FORMATS[options.fmt]
    args = ["--device-name", name, f"--batch={folder / PAGE_PATTERN}.{suffix}", "--batch-print",
            f"--format={options.fmt}", f"--resolution={options.resolution}",
            f"--mode={options.mode}"]
    if source is not None:
        args.append(f"--source={source}")
    if options.max_pages is not None:
        args.append(f"--batch-count={options.max_pages}")
    args.extend(options.extra)

    result = ScanResult(name, source, folder)
    try:
        proc = subprocess.Popen([scanimage(), *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=_env())
    except OSError as exc:
        raise ScannerError(f"không chạy được scanimage ({os_said(exc)}): cài lại "
                           "sane-utils") from exc
    assert proc.stdout is not None
    watchdog = _Watchdog(proc, options.timeout_s, options.stall_s)
    try:
        # --batch-print names each page once it is written completely
        for line in proc.stdout:
            watchdog.alive()
            page = Path(line.strip())
            if line.strip() and page.exists():
                result.pages.append(page)
                on_page(page)
        _, stderr = proc.communicate(timeout=options.timeout_s)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.communicate()
        raise ScannerError(_stopped(result, folder)) from exc
    finally:
        watchdog.stop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if watchdog.fired and _problem(stderr) in (None, "other", "no documents"):
        # Killed for silence, with nothing in its words that says why (a driver that hangs
        # after reporting a jam has said "jammed": that is reported as usual below).
        raise ScannerError(_stopped(result, folder))
    result.message = _last_line(stderr)
    problem = _problem(stderr)
    if problem == "no documents" and result.pages:
        problem = None  # the feeder ran empty: the normal end of a batch
    if proc.returncode != 0 and problem is None and not result.pages:
        problem = "other"
    if problem is not None:
        kept = (f" (chưa lưu gì; {len(result.pages)} trang đã quét trước đó nằm trong "
                f"{folder})" if result.pages else "")
        raise ScannerError(_advice(problem, name, stderr) + kept)
    return result


def _stopped(result: ScanResult, folder: Path) -> str:
    kept = f" ({len(result.pages)} trang đã quét trước đó nằm trong {folder})" \
        if result.pages else ""
    return (f"máy quét ngừng trả lời sau {len(result.pages)} trang: kiểm tra kẹt giấy, tắt "
            f"rồi bật lại máy, rồi quét lại cả xấp{kept}")


class _Watchdog:
    """Kills scanimage when the batch outlives ``limit_s`` or no page comes for ``stall_s``.

    Reading scanimage's output blocks until it writes or exits, so a driver that hangs (SANE's
    test backend does, about once in 40 runs, after reporting a jam) would hang the desk with
    it; the batch timeout alone only applies once the output has ended.
    """

    def __init__(self, proc: subprocess.Popen[str], limit_s: float, stall_s: float) -> None:
        self._proc = proc
        self._deadline = time.monotonic() + limit_s
        self._stall_s = stall_s
        self._last = time.monotonic()
        self._done = threading.Event()
        self.fired = False
        self._thread = threading.Thread(target=self._watch, name="scan-watchdog", daemon=True)
        self._thread.start()

    def alive(self) -> None:
        self._last = time.monotonic()

    def _watch(self) -> None:
        while not self._done.wait(0.2):
            now = time.monotonic()
            if now > self._deadline or now - self._last > self._stall_s:
                self.fired = True
                self._proc.kill()
                return

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


_PROBLEMS = (
    ("no documents", "out of documents"),
    ("no documents", "no documents"),
    ("jammed", "jammed"),
    ("cover open", "cover open"),
    ("cover open", "cover is open"),
    ("busy", "busy"),
    ("open failed", "open of device"),
    ("invalid", "invalid argument"),
    ("denied", "access to resource has been denied"),
    ("io", "error during device i/o"),
)


def _problem(stderr: str) -> str | None:
    low = stderr.lower()
    for name, needle in _PROBLEMS:
        if needle in low:
            return name
    return "other" if "scanimage:" in low and "batch terminated" not in low else None


def _advice(problem: str, device: str, stderr: str) -> str:
    detail = _last_line(stderr)
    return {
        "no documents": f"khay nạp giấy của {device} trống: đặt giấy vào khay rồi quét lại",
        "jammed": f"kẹt giấy ở {device}: gỡ giấy kẹt, rồi quét lại cả xấp",
        "cover open": f"nắp của {device} đang mở: đóng nắp rồi quét lại",
        "busy": f"{device} đang bận (chương trình khác đang dùng): chờ rồi quét lại",
        "open failed": f"không mở được máy quét {device} ({detail}): kiểm tra tên bằng "
                       "`sohoa scan --list` và máy đã bật",
        "invalid": f"{device} không nhận thiết lập quét ({detail}): kiểm tra --source, "
                   "--resolution và --mode theo `scanimage -d DEVICE --help`",
        "denied": f"không có quyền dùng {device}: thêm người dùng này vào nhóm 'scanner'",
        "io": f"{device} báo lỗi vào/ra: kiểm tra cáp hoặc mạng, tắt rồi bật lại máy quét, "
              "rồi quét lại",
    }.get(problem, f"quét bằng {device} không được: {detail or 'trình điều khiển không báo gì'}")


def _open_error(device: str, stderr: str) -> ScannerError:
    problem = _problem(stderr) or "open failed"
    return ScannerError(_advice(problem, device, stderr))


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # scanimage's own messages are prefixed "scanimage: "; keep the driver's words only
    return lines[-1].removeprefix("scanimage: ") if lines else ""
