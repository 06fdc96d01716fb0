"""Archivists: fixity checks — stored files still hold the bytes the catalog recorded."""

from __future__ import annotations

from typing import Any

import click

from sohoa.cli.options import by_option, progress_bar, who
from sohoa.cli.output import emit_json, out
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_moment
from sohoa.errors import EXIT_OK, EXIT_VERIFY_FAILED
from sohoa.vntext import shown_number


@click.group()
def fixity() -> None:
    """Kiểm tra toàn vẹn: các tệp trong kho vẫn đúng từng byte như sổ mục lục đã ghi."""


@fixity.command("check")
@click.option("--sample", type=click.IntRange(min=1), metavar="SỐ",
              help="Kiểm tra chừng này giấy tờ, những giấy tờ lâu chưa kiểm tra nhất trước.")
@click.option("--all", "check_all", is_flag=True,
              help="Kiểm tra mọi giấy tờ (mặc định); lượt kiểm tra bị ngắt thì làm tiếp.")
@click.option("--restart", is_flag=True,
              help="Với --all: làm lại từ đầu thay vì làm tiếp lượt bị ngắt.")
@click.option("--no-signatures", is_flag=True,
              help="Chỉ tính lại mã băm; không kiểm tra chữ ký số.")
@by_option()
@click.option("--json", "as_json", is_flag=True,
              help="Các dòng JSON: từng chỗ không khớp, rồi kết quả của lượt kiểm tra.")
@pass_state
def fixity_check(state: State, sample: int | None, check_all: bool, restart: bool,
                 no_signatures: bool, by: str | None, as_json: bool) -> None:
    """Tính lại mã băm các tệp trong kho và kiểm tra chữ ký số; mã thoát 4 nếu có chỗ không
    khớp."""
    from sohoa.pipeline.fixityjob import check

    if sample is not None and check_all:
        raise click.UsageError("chỉ cho --sample N hoặc --all, không cả hai")
    bar = progress_bar("kiểm tra toàn vẹn", as_json)

    def show(event: dict[str, Any]) -> None:
        if "resumed" in event:
            message = (f"chạy tiếp lượt kiểm tra {event['resumed']} sau giấy tờ "
                       f"{event['after']} ({event['checked']} đã kiểm tra; --restart để làm "
                       "lại từ đầu)")
            emit_json(event) if as_json else bar.print(message)
        elif not event["ok"]:
            if as_json:
                emit_json(event)
            else:
                for problem in event["problems"]:
                    bar.print(f"[red]KHÔNG KHỚP[/] {event['id']}: {problem}", error=True)

    try:
        result = check(state.settings, sample=sample, signatures=not no_signatures,
                       by=who(by), restart=restart, emit=show, progress=bar)
    finally:
        bar.stop()
    if as_json:
        emit_json(result)
    else:
        verdict = ("[green]tất cả đều khớp[/]" if not result["mismatches"]
                   else f"[red]{result['mismatches']} CHỖ KHÔNG KHỚP[/]")
        out.print(f"lượt kiểm tra toàn vẹn {result['run']}: đã kiểm tra {result['documents']} "
                  f"giấy tờ và {result['records']} biên bản hủy, {result['blobs']} tệp, "
                  f"{shown_number(result['bytes'] / 1e6, 1)} MB, "
                  f"{result['signatures_checked']} chữ ký: "
                  f"{verdict}")
    raise SystemExit(EXIT_VERIFY_FAILED if result["mismatches"] else EXIT_OK)


@fixity.command("runs")
@click.option("--limit", type=int, default=20, show_default=True, metavar="SỐ",
              help="Số lượt tối đa.")
@click.option("--json", "as_json", is_flag=True, help="Mỗi lượt một dòng JSON.")
@pass_state
def fixity_runs(state: State, limit: int, as_json: bool) -> None:
    """Các lượt kiểm tra toàn vẹn gần đây, mới nhất trước."""
    from sohoa.pipeline.fixityjob import runs

    rows = runs(state.settings, limit)
    for r in rows:
        if as_json:
            emit_json(r)
        else:
            mode = RUN_MODES.get(r["mode"], r["mode"])
            status = RUN_STATUSES.get(r["status"], r["status"])
            out.print(f"{r['run']:>4} {mode:<8} {status:<10} {shown_moment(r['started_at'])} "
                      f"{r['started_by']}: {r['documents']} giấy tờ, "
                      f"{r['mismatches']} chỗ không khớp")
    if not rows and not as_json:
        out.print("chưa có lượt kiểm tra toàn vẹn nào: sohoa fixity check")


# a run's mode and state as the archivist reads them (--json keeps the keys)
RUN_MODES = {"all": "toàn bộ", "sample": "mẫu"}
RUN_STATUSES = {"running": "đang chạy", "finished": "đã xong", "interrupted": "bị ngắt",
                "failed": "thất bại"}

COMMANDS = [fixity]
