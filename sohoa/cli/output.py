"""How the CLI talks: JSON lines for machines, rich tables and a progress bar for people."""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from rich import box
from rich.console import Console, ConsoleDimensions
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from sohoa.pipeline.codec import jsonable
from sohoa.records import shown_dossier_code
from sohoa.vntext import nfc, shown_number


class _Console(Console):
    """rich's console, but a closed pipe is left to the entry point: rich's own answer is
    SystemExit(1) — a bug's code in sohoa — which bypassed cli/main.py's rule (a command that
    only shows exits 0 when its reader has had enough; tester10 F26)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True  # nothing more is written to the closed pipe
        raise BrokenPipeError

    # The console is made once, at import, but where it writes is asked at each use (a pipe
    # today, a terminal tomorrow; a COLUMNS set for one command): rich froze the width and the
    # wrapping it saw at import, so a later command laid out its table for another output.

    def _sized(self) -> ConsoleDimensions:
        if (self._width is None and not self.is_terminal
                and not os.environ.get("COLUMNS", "").isdigit()):
            return ConsoleDimensions(_UNWRAPPED, Console.size.fget(self).height)  # type: ignore[attr-defined]
        return Console.size.fget(self)  # type: ignore[attr-defined]

    size = property(_sized, Console.size.fset)  # type: ignore[assignment]

    def _wraps_softly(self) -> bool:
        return self._soft_wrap_asked or not self.is_terminal

    def _ask_soft_wrap(self, value: bool) -> None:
        self._soft_wrap_asked = value

    soft_wrap = property(_wraps_softly, _ask_soft_wrap)  # type: ignore[assignment]


def _console(stderr: bool) -> Console:
    """A console that wraps only for a person at a terminal. Into a file or a pipe (a log, the
    demo's output, ``2>log``) rich would hard-wrap at 80 columns mid-phrase ("0 cần" /
    "rà soát"): there lines stay whole and tables as wide as their cells (a COLUMNS the caller
    set still rules)."""
    console = _Console(stderr=stderr, highlight=False, soft_wrap=not stderr)
    console._width = None  # rich read COLUMNS once, at import: it is read at each use instead
    return console


def type_name(code: str | None) -> str:
    """A document type as an officer reads it ("Quyết định"), not its code ("decision"): the
    code stays in --json and is what --type takes. An unknown code is shown as it is."""
    from sohoa.doctypes import load_registry

    registry = load_registry()
    return registry.get(code).name if code and code in registry else str(code or "")


# wide enough that no line or table of sohoa's is cut, narrow enough for rich to lay out
_UNWRAPPED = 400
out = _console(stderr=False)
err = _console(stderr=True)


def compact_table(*headers: str) -> Table:
    """A table for people that fits an 80-column terminal: no outer frame, two spaces between
    columns (a framed table spent 22 of the 80 columns on borders and padding, and rich then
    cut the dates: "23/0…")."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
                  collapse_padding=True)
    for header in headers:
        table.add_column(header)
    return table


def add_whole_column(table: Table, header: str, *, width: int = 0) -> None:
    """A column never wrapped nor cut: a date (DD/MM/YYYY, ``width`` 10), an id or a code
    copied into the next command. The long text of the other columns wraps instead."""
    table.add_column(header, no_wrap=True, min_width=width or None)


def add_moment_column(table: Table, header: str) -> None:
    """A moment (DD/MM/YYYY HH:MM) that may go on two lines, the day over the time, but
    never cut: three whole moments side by side took 48 of 80 columns."""
    table.add_column(header, min_width=DAY_WIDTH, overflow="fold")


DAY_WIDTH = 10


def owner_said(event: dict[str, Any]) -> str:
    """The owner on an ingest line: a number only proposed is said as such, never as the owner."""
    if event.get("owner_id"):
        return str(event["owner_id"])
    proposed = event.get("proposed_owner_id")
    return f"? (đề xuất {proposed})" if proposed else "?"


def counts_text(counts: Any, seconds: float | None = None) -> str:
    """An ingest's counts as the ingest says them at its end, and `sohoa jobs` the same way
    ("1 tệp, 20 trang …"; jobs read "tệp 1, trang 20", backwards, in another order). ``counts``:
    the summary's fields, as a mapping or attributes."""
    def n(key: str) -> int:
        value = counts.get(key) if isinstance(counts, dict) else getattr(counts, key, 0)
        return int(value or 0)

    line = (f"{n('files')} tệp, {n('pages')} trang ({n('blank_pages')} trang trắng), "
            f"{n('dossiers')} hồ sơ: {n('stored')} đã lưu, "
            f"{n('duplicates')} đã lưu trước đây, "
            + (f"{n('disposed')} đã bị tiêu hủy, không lưu lại, " if n("disposed") else "")
            + f"{n('needs_review')} cần rà soát, {n('quarantined')} bị cách ly")
    if seconds is not None:
        line += f", trong {shown_number(seconds, 1)} giây"
    if n("not_colour"):
        line += f"; {n('not_colour')} trang không quét màu từ 200 dpi (TT 01/2023)"
    if n("known_files"):
        line += f"; {n('known_files')} tệp đã nhận trước đây, không đọc lại"
    if n("search_waiting"):
        line += (f"; {n('search_waiting')} giấy tờ chờ đưa vào chỉ mục tìm kiếm (chỉ mục không "
                 "trả lời, sẽ bắt kịp khi trả lời lại)")
    return line


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(obj), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def describe_event(event: dict[str, Any]) -> tuple[str, bool]:
    """One line for people about an ingest event (a stored, already-stored or quarantined
    document or page), and whether it reports a problem."""
    page = f" trang {event['page'] + 1}" if event.get("page") is not None else ""
    if "error" in event:
        # the name as a person reads it (NFC; brackets in it are not markup), the JSON keeps
        # the file system's own bytes
        return (f"[red]cách ly[/] {escape(nfc(event['source']))}{page}: "
                f"{escape(event['error'])}"), True
    if "warning" in event:  # a page stored all the same (grey scan, OCR process restarted)
        return (f"[yellow]lưu ý[/] {escape(nfc(event['source']))}{page}: "
                f"{escape(event['warning'])}"), True
    if event.get("disposed"):
        return (f"[yellow]đã hủy[/] {event['document_id']} {type_name(event['doc_type'])} "
                f"({shown_dossier_code(event['dossier_code'])}){_from_files(event)}: "
                "giấy tờ này đã bị tiêu hủy theo "
                f"danh mục tiêu hủy, không lưu lại (xem: sohoa show {event['document_id']})"), True
    if event.get("duplicate"):
        return (f"[dim]đã lưu trước đây[/] {event['document_id']} "
                f"{type_name(event['doc_type'])} "
                f"({shown_dossier_code(event['dossier_code'])}){_from_files(event)}"), False
    review = " [yellow]cần rà soát[/]" if event["needs_review"] else ""
    fields = event["fields"]
    who = fields.get("full_name") or fields.get("enterprise_name")
    # No name read: nothing after the owner, not a double space (tester11 F17).
    who = f" {who}" if who else ""
    return (f"[green]đã lưu[/] {event['document_id']} {shown_dossier_code(event['dossier_code'])} "
            f"{type_name(event['doc_type'])} chủ sở hữu={owner_said(event)}{who} "
            f"số trang={len(event['pages'])} độ tin cậy {shown_number(event['confidence'], 2)}"
            f"{review}"
            ), False


def _from_files(event: dict[str, Any]) -> str:
    """Which input files a document was found in (" — tệp a.pdf trang 2, 3"): of 26 files
    dropped, the clerk must tell which one was already stored (tester12 F5). Page numbers only
    where a file gave more than that one page, or not its first."""
    found: dict[str, list[int]] = {}
    for page in event.get("pages") or []:
        if isinstance(page, dict) and page.get("source"):
            found.setdefault(nfc(str(page["source"])), []).append(int(page.get("index") or 0))
    if not found:
        return ""
    parts = [escape(source) + ("" if indexes == [0] else " trang " + ", ".join(
        str(i + 1) for i in sorted(set(indexes)))) for source, indexes in found.items()]
    return " — tệp " + "; ".join(parts)


class _PagesPerMinute(ProgressColumn):
    def __init__(self, unit: str = "trang") -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed * 60 if elapsed > 1 else 0.0
        return Text(f"{shown_number(rate, 1):>5} {self.unit}/phút")


class PageProgress:
    """A rich progress bar on stderr (stdout stays clean for --json)."""

    def __init__(self, label: str = "trang", enabled: bool = True, unit: str = "trang") -> None:
        self._enabled = enabled and err.is_terminal
        self._progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            _PagesPerMinute(unit), TimeElapsedColumn(), console=err, transient=False,
        )
        self._label = label
        self._task: Any = None
        self._started = time.monotonic()

    def start(self, total: int) -> None:
        if self._enabled:
            self._progress.start()
            self._task = self._progress.add_task(self._label, total=total)

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n)

    def print(self, message: str, *, error: bool = False) -> None:
        """A line for people: above the live bar while it runs (so the two never interleave),
        else on stdout (or stderr for problems)."""
        # soft_wrap: one line whatever the terminal's width; these lines carry hashes and
        # ids that are copied, and a wrap splits them.
        if self._task is not None:
            self._progress.console.print(message, soft_wrap=True)
        else:
            (err if error else out).print(message, soft_wrap=True)

    def stop(self) -> None:
        if self._task is not None:
            self._progress.stop()
