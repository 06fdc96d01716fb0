"""Desk staff at the scanner: a hot folder the scanners drop into, and direct SANE scanning."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
from rich.live import Live
from rich.markup import escape
from rich.text import Text

from sohoa.cli import paths
from sohoa.cli.options import acting_user, unit_callback
from sohoa.cli.output import PageProgress, counts_text, describe_event, emit_json, err, out
from sohoa.cli.state import State, pass_state
from sohoa.errors import EXIT_INTERNAL, EXIT_OK, EXIT_QUARANTINED
from sohoa.vntext import shown_number


def _show_document(event: dict[str, Any]) -> None:
    """One line per outcome, for people (``--json`` prints the events as they are)."""
    if "waiting" in event:
        err.print(f"[yellow]đang chờ[/] {event['file']}: {event['waiting']}")
    elif "index_behind" in event:  # stored, the search index catches up later
        err.print(f"  [yellow]lưu ý[/] {escape(event['index_behind'])}", soft_wrap=True)
    elif "outcome" in event:
        if event["outcome"] == "done" and not event["reason"]:
            out.print(f"[green]xong[/] {event['file']}: {event['stored']} giấy tờ đã lưu, "
                      f"{event['duplicates']} đã lưu trước đây, {event['pages']} trang")
        elif event["outcome"] == "done":
            out.print(f"[dim]bỏ qua[/] {event['file']}: {event['reason']}")
        else:
            out.print(f"[red]không xử lý được[/] {event['file']} → {event['moved_to']}: "
                      f"{event['reason']}")
    elif "warning" in event:  # a page not scanned in colour: stored, with a note
        err.print(f"  [yellow]lưu ý[/] {event['warning']}")
    else:
        line, problem = describe_event(event)
        (err if problem else out).print(f"  {line}")


class _StatusLine:
    """The watcher's one-line status on stderr, redrawn by rich a few times a second."""

    def __init__(self, folder: Path) -> None:
        from sohoa.pipeline.watchjob import WatchReport

        self.report = WatchReport(folder)
        self.live: Live | None = None
        if err.is_terminal:
            self.live = Live(self, console=err, refresh_per_second=2, transient=True)

    def __rich__(self) -> Text:
        r = self.report
        now = time.monotonic()
        text = Text.assemble(("đang theo dõi ", "bold"), str(r.folder), " · chờ ",
                             (str(r.queue), "bold"), " · ",
                             (f"{shown_number(r.pages_per_minute(now), 1)} trang/phút", "bold"),
                             f" · {r.files_done} xong, ")
        text.append(f"{r.files_failed} không xử lý được",
                    style="red" if r.files_failed else "")
        text.append(f" · {r.documents} giấy tờ")
        if r.current:
            done, total = r.current_pages
            text.append(f" · đang xử lý: {r.current} {done}/{total}", style="cyan")
        return text

    def update(self, report: Any) -> None:
        self.report = report

    def __enter__(self) -> _StatusLine:
        if self.live is not None:
            self.live.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self.live is not None:
            self.live.stop()


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), metavar="THƯ_MỤC")
@click.option("--include", multiple=True, metavar="MẪU",
              help="Chỉ nhận các tệp khớp mẫu này, ví dụ '*.pdf' (dùng được nhiều lần; mặc "
                   "định: mọi tệp PDF, TIFF, JPEG và PNG).")
@click.option("--exclude", multiple=True, metavar="MẪU",
              help="Để yên các tệp khớp mẫu này, ví dụ 'nhap*' (dùng được nhiều lần).")
@click.option("--unit", default=None, metavar="MÃ", callback=unit_callback,
              help="Mã đơn vị tiếp nhận (mặc định: `unit` trong sohoa.toml).")
@click.option("--duplex", is_flag=True,
              help="Máy quét quét hai mặt: ghi mỗi trang là mặt trước hay mặt sau.")
@click.option("--once", is_flag=True,
              help="Nhận những gì đang có trong thư mục rồi thoát (cho cron và kiểm thử).")
@click.option("--settle", type=click.FloatRange(min=0), default=5.0, show_default=True,
              metavar="GIÂY", help="Một tệp coi như đã ghi xong khi không đổi trong chừng này.")
@click.option("--poll", type=click.FloatRange(min=0.05), default=2.0, show_default=True,
              metavar="GIÂY", help="Bao lâu xem thư mục một lần.")
@click.option("--json", "as_json", is_flag=True,
              help="Mỗi dòng một đối tượng JSON: từng giấy tờ, rồi kết quả của từng tệp.")
@pass_state
def watch(state: State, folder: Path, include: tuple[str, ...], exclude: tuple[str, ...],
          unit: str | None, duplex: bool, once: bool, settle: float, poll: float,
          as_json: bool) -> None:
    """Nhận bản quét ngay khi máy quét thả vào THƯ_MỤC (thư mục nóng).

    Mỗi tệp đã ghi xong được nhận đúng một lần, rồi chuyển vào THƯ_MỤC/done/, hoặc vào
    THƯ_MỤC/failed/ kèm tệp .reason.txt ghi lý do; sửa xong thì thả bản đã sửa, đúng tên cũ,
    vào lại THƯ_MỤC: lưu được thì mục cách ly của tệp đó tự gỡ. Một thư mục con (thư mục ảnh
    trang của một máy quét) là một lô. Dừng hay tắt ngang đều an toàn: chạy lại đúng lệnh là
    làm tiếp.

    Mã thoát: 0 mọi tệp đã ghi xong đều đã nhận (tệp còn đang ghi dở thì chờ: dòng cuối ghi
    "còn chờ", lần chạy sau nhận; tệp chờ quá 10 phút vẫn chưa có phần kết thúc thì được xử lý
    như hiện có, vào failed/ kèm lý do), 3 có tệp không xử lý được (xem failed/), 1 có tệp gặp
    lỗi của chương trình sohoa (báo bộ phận kỹ thuật; tệp đó để trong failed/, sửa xong thì
    thả lại vào thư mục là được nhận lại), 2 lỗi của máy (đĩa đầy, mất ổ mạng, không có quyền
    ghi, token ký số…): dừng ngay, tệp đang xử lý để nguyên chỗ cũ; khắc phục rồi chạy lại
    đúng lệnh này.
    """
    from sohoa.pipeline.watchjob import WatchSettings, run_watch

    options = WatchSettings(settle_seconds=settle, poll_seconds=poll, exclude=exclude,
                            **({"include": include} if include else {}))
    status = _StatusLine(folder)
    show = emit_json if as_json else _show_document
    try:
        with status:
            report = run_watch(folder, state.settings, options=options, unit=unit,
                               duplex=duplex, once=once, emit=show, listener=status.update,
                               by=acting_user())
    except KeyboardInterrupt:
        report = status.report
        err.print("đã dừng: chạy lại đúng lệnh này để làm tiếp từ chỗ đã dừng")
    line = (f"{report.files_done} tệp xong, {report.files_failed} tệp không xử lý được, "
            f"{report.documents} giấy tờ đã lưu, {report.duplicates} đã lưu trước đây, "
            + (f"{report.disposed} đã bị tiêu hủy, không lưu lại, " if report.disposed else "")
            + f"{report.needs_review} cần rà soát, {report.quarantined} trang/tệp bị cách ly, "
            f"{report.queue} tệp còn chờ"
            + (" (đang ghi dở: lần chạy sau sẽ nhận)" if once and report.queue else ""))
    err.print(line) if as_json else out.print(line)
    if report.program_errors:  # a bug: the clerk must not think the papers were bad
        err.print(f"{report.program_errors} tệp gặp lỗi của chương trình sohoa (không phải lỗi "
                  "của tệp): đã để riêng trong failed/; hãy báo cho bộ phận kỹ thuật, sửa xong "
                  "thì chuyển tệp đó trở lại thư mục nóng để nhận lại")
        raise SystemExit(EXIT_INTERNAL)
    raise SystemExit(EXIT_QUARANTINED if report.files_failed else EXIT_OK)


@click.command()
@click.option("--list", "list_only", is_flag=True,
              help="Liệt kê các máy quét SANE nhìn thấy rồi thoát.")
@click.option("-d", "--device", default=None, metavar="TÊN",
              help="Tên thiết bị SANE lấy từ --list (mặc định: máy quét đầu tiên tìm thấy).")
@click.option("--source", default=None, metavar="TÊN",
              help="Nguồn giấy theo tên máy quét đặt (mặc định: khay nạp giấy; khay nạp hai "
                   "mặt khi có --duplex).")
@click.option("--duplex", is_flag=True, help="Quét cả hai mặt của mỗi tờ.")
@click.option("--resolution", type=int, default=300, show_default=True, metavar="DPI",
              help="Độ phân giải (điểm/inch).")
@click.option("--mode", type=click.Choice(["Gray", "Color", "Lineart"]), default="Gray",
              show_default=True,
              help="Chế độ quét: Gray (thang xám), Color (màu), Lineart (đen trắng).")
@click.option("--format", "fmt", type=click.Choice(["tiff", "png", "jpeg"]), default="tiff",
              show_default=True, help="Định dạng tệp trang máy quét ghi ra.")
@click.option("--pages", type=click.IntRange(min=1), default=None, metavar="SỐ",
              help="Dừng sau chừng này trang (mặc định: đến khi khay nạp hết giấy).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              callback=paths.output_folder,
              metavar="THƯ_MỤC",
              help="Thư mục trống để chứa tệp trang (mặc định: một thư mục mới trong "
                   "HOME/scans).")
@click.option("--device-option", "device_options", multiple=True, metavar="TÙY_CHỌN",
              help="Một tùy chọn khác của scanimage, truyền nguyên văn, ví dụ "
                   "--device-option=--brightness=10 (dùng được nhiều lần).")
@click.option("--stall", "stall_s", type=click.FloatRange(min=1), default=300.0,
              show_default=True, metavar="GIÂY",
              help="Kết thúc lần quét khi máy quét không trả trang nào trong chừng này (kẹt "
                   "giấy hoặc trình điều khiển bị treo); tăng lên khi quét phẳng độ phân giải "
                   "cao, chậm.")
@click.option("--unit", default=None, metavar="MÃ", callback=unit_callback,
              help="Mã đơn vị tiếp nhận (mặc định: `unit` trong sohoa.toml).")
@click.option("--json", "as_json", is_flag=True,
              help="Các dòng JSON: mỗi giấy tờ một dòng, rồi một dòng cho lần quét.")
@pass_state
def scan(state: State, list_only: bool, device: str | None, source: str | None, duplex: bool,
         resolution: int, mode: str, fmt: str, pages: int | None, out_dir: Path | None,
         device_options: tuple[str, ...], stall_s: float, unit: str | None,
         as_json: bool) -> None:
    """Quét một chồng hồ sơ từ khay nạp giấy của máy quét SANE và nhận vào kho."""
    from sohoa.pipeline.scanjob import ScanOptions, list_devices, run_scan

    if list_only:
        devices = list_devices()
        for d in devices:
            if as_json:
                emit_json({"device": d.name, "vendor": d.vendor, "model": d.model,
                           "type": d.kind})
            else:
                out.print(d.describe())
        if not devices and not as_json:
            out.print("không thấy máy quét nào: kiểm tra máy đã bật và đã cắm cáp")
        return

    options = ScanOptions(source=source, duplex=duplex, resolution=resolution, mode=mode,
                          fmt=fmt, max_pages=pages, extra=device_options, stall_s=stall_s)
    scanned = 0

    def on_page(path: Path) -> None:
        nonlocal scanned
        scanned += 1
        if not as_json:
            err.print(f"đã quét trang {scanned}: {path.name}")

    show = emit_json if as_json else _show_document
    progress = PageProgress("đang nhận dạng", enabled=True)
    try:
        result = run_scan(state.settings, device=device, options=options, out=out_dir, unit=unit,
                          emit=show, on_page=on_page, progress=progress, by=acting_user())
    finally:
        progress.stop()
    s, summary = result.scan, result.ingest
    closing = {"scan_folder": str(s.folder), "device": s.device, "source": s.source,
               "scanned_pages": len(s.pages), **summary.counts(),
               **({"search_waiting": summary.search_waiting} if summary.search_waiting else {})}
    if as_json:
        emit_json(closing)
    line = scan_line(len(s.pages), s.device, s.source, s.folder, summary)
    err.print(line) if as_json else out.print(line)
    if summary.search_problem:  # stored all the same: the index catches up (exit unchanged)
        err.print(f"[yellow]lưu ý:[/] {escape(summary.search_problem)}", soft_wrap=True)
    from sohoa.pipeline.outcomes import PROGRAM_ERRORS_LINE, ingest_exit_code

    if summary.program_errors:  # a bug: the clerk must not think the papers were bad
        err.print(PROGRAM_ERRORS_LINE.format(n=summary.program_errors))
    raise SystemExit(ingest_exit_code(summary))


def scan_line(scanned: int, device: str, source: str | None, folder: Any, summary: Any) -> str:
    """The scan's closing line: what was scanned, then the ingest's counts as `ingest` says
    them (``counts_text``): papers destroyed since are said as such, never as "đã lưu trước
    đây", and files known before or pages not scanned in colour are not left unsaid."""
    return (f"đã quét {scanned} trang từ {device} ({source or 'khay mặc định'}) vào {folder}; "
            f"{counts_text(summary)}")


COMMANDS = [watch, scan]
