"""Operators: the exchange with the one-stop system and the national portal (``sohoa sync``)."""

from __future__ import annotations

from datetime import date

import click

from sohoa.cli.options import DAY_FORMS, day_callback
from sohoa.cli.output import emit_json, err, out
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_date, shown_moment
from sohoa.vntext import shown_percent


@click.group()
def sync() -> None:
    """Gửi sự kiện hồ sơ sang hệ thống một cửa và Cổng dịch vụ công; xem và xử lý những gì
    còn phải gửi."""


@sync.command("run")
@click.option("--once", is_flag=True, help="Gửi những gì đến lượt gửi bây giờ rồi dừng.")
@click.option("--json", "as_json", is_flag=True, help="Mỗi lượt gửi một dòng JSON tổng kết.")
@pass_state
def sync_run(state: State, once: bool, as_json: bool) -> None:
    """Gửi các sự kiện đang chờ tới mọi đích nhận [[sync.targets]] (chạy đến khi Ctrl-C, hoặc
    một lần với --once)."""
    from sohoa.pipeline.sync import run_sender

    def report(stats: dict[str, int]) -> None:
        if as_json:
            emit_json(stats)
        else:
            out.print(f"đã gửi {stats['delivered']}, chờ gửi lại {stats['retrying']}, "
                      f"bị từ chối {stats['dead']}")

    if not once:
        err.print("đang gửi sự kiện đồng bộ; Ctrl+C để dừng")
    run_sender(state.settings, once=once, report=report)


@sync.command("status")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def sync_status(state: State, as_json: bool) -> None:
    """Số sự kiện chờ gửi, đang thử lại (lần thử tới), đã gửi và bị từ chối, theo từng đích
    nhận và từng loại sự kiện."""
    from sohoa.pipeline.sync import sync_status as report

    result = report(state.settings)
    if as_json:
        emit_json(result)
        return
    out.print(f"chờ gửi {result['pending']}, đang thử lại {result['retrying']}, "
              f"đã gửi {result['delivered']}, bị từ chối {result['dead']}")
    for t in result["targets"]:
        note = "" if t["configured"] else " (không còn trong cấu hình)"
        nxt = f", lần thử tới {shown_moment(t['next_attempt_at'])}" if t["next_attempt_at"] else ""
        out.print(f"{t['name']}{note}: chờ {t['pending']}, thử lại {t['retrying']}{nxt}, "
                  f"đã gửi {t['delivered']}, từ chối {t['dead']}")
        for event_type, c in sorted(t["events"].items()):
            out.print(f"  {event_type}: chờ {c['pending']}, thử lại {c['retrying']}, "
                      f"đã gửi {c['delivered']}, từ chối {c['dead']}")
    for d in result["dead_letters"]:
        out.print(f"[red]từ chối[/] #{d['id']} {d['event_type']} hồ sơ {d['dossier']} → "
                  f"{d['target']}: {d['error']}; bên nhận trả lời: "
                  f"{(d['response'] or '').strip()[:200]}", soft_wrap=True)


@sync.command("retry")
@click.argument("event_id", type=int, required=False, metavar="[ID]")
@click.option("--all-dead", is_flag=True,
              help="Mọi sự kiện bị từ chối, của mọi đích nhận.")
@click.option("--target", metavar="ĐÍCH", help="Chỉ các lượt gửi tới đích nhận này.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def sync_retry(state: State, event_id: int | None, all_dead: bool, target: str | None,
               as_json: bool) -> None:
    """Gửi lại ngay một sự kiện bị từ chối (hoặc đang chờ): ID lấy từ `sync status`, hoặc
    --all-dead."""
    from sohoa.errors import ConfigError
    from sohoa.pipeline.sync import retry_deliveries

    if (event_id is None) == (not all_dead):
        raise ConfigError("cho số sự kiện (ID) hoặc --all-dead, không cả hai")
    n = retry_deliveries(state.settings, event_row=event_id, all_dead=all_dead, target=target)
    if as_json:
        emit_json({"requeued": n})
    else:
        out.print(f"đã đưa {n} lượt gửi về hàng chờ")


@sync.command("reconcile")
@click.option("--from", "date_from", required=True, callback=day_callback, metavar="NGÀY",
              help=f"Ngày đầu kỳ ({DAY_FORMS}).")
@click.option("--to", "date_to", required=True, callback=day_callback, metavar="NGÀY",
              help=f"Ngày cuối kỳ ({DAY_FORMS}).")
@click.option("--target", metavar="ĐÍCH", help="Chỉ đích nhận này.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def sync_reconcile(state: State, date_from: date, date_to: date, target: str | None,
                   as_json: bool) -> None:
    """Đối soát các hồ sơ tiếp nhận trong kỳ: số hồ sơ đã gửi đủ tới từng đích nhận, tỉ lệ,
    và những hồ sơ còn lại kèm lý do."""
    from sohoa.pipeline.sync import reconcile

    result = reconcile(state.settings, date_from, date_to, target=target)
    if as_json:
        emit_json(result)
        return
    out.print(f"hồ sơ tiếp nhận từ {shown_date(date_from)} đến {shown_date(date_to)}: "
              f"{result['received']}")
    for t in result["targets"]:
        ratio = shown_percent(t["ratio"], 2)
        out.print(f"{t['name']}: đồng bộ đủ {t['delivered']}/{t['received']} ({ratio})")
        for m in t["not_delivered"]:
            out.print(f"  {m['dossier']}: {m['why']}", soft_wrap=True)


COMMANDS = [sync]
