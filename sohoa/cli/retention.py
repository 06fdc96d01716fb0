"""Archivists: retention schedules — what may be disposed of and when, per-dossier
overrides and the dates periods count from."""

from __future__ import annotations

from typing import Any

import click

from sohoa.cli.options import DAY_FORMS, by_option, parse_day, type_callback, who
from sohoa.cli.output import emit_json, out
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_date, vietnam_today
from sohoa.records import shown_dossier_code


@click.group()
def retention() -> None:
    """Thời hạn bảo quản: tài liệu nào được hủy, và khi nào."""


@retention.command("plan")
@click.option("--as-of", "as_of", metavar="NGÀY",
              help=f"Tính đến hạn vào ngày này ({DAY_FORMS}; mặc định: hôm nay).")
@click.option("--type", "doc_type", metavar="LOẠI", callback=type_callback,
              help="Chỉ loại giấy tờ này.")
@click.option("--unit", metavar="MÃ", help="Chỉ đơn vị này.")
@click.option("--json", "as_json", is_flag=True,
              help="Mỗi nhóm (loại giấy tờ, đơn vị) một dòng JSON.")
@pass_state
def retention_plan(state: State, as_of: str | None, doc_type: str | None, unit: str | None,
                   as_json: bool) -> None:
    """Những gì đến hạn hủy và khi nào, theo loại giấy tờ và đơn vị."""
    from sohoa.pipeline import retention

    day = parse_day(as_of, "--as-of") or vietnam_today()
    groups = retention.plan(state.settings, as_of=day, doc_type=doc_type, unit=unit)
    if as_json:
        for group in groups:
            emit_json(group)
        return
    if not groups:
        out.print("chưa có giấy tờ nào được lưu trong kho")
        return
    for g in groups:
        out.print(f"[bold]{g['type_name']}[/] ({g['doc_type']}) — {g['unit'] or 'không rõ đơn vị'}"
                  f" — giữ {g['retention']}: {g['documents']} giấy tờ")
        parts = [f"[red]{g['due']} đến hạn hủy vào {shown_date(day)}[/]" if g["due"]
                 else f"0 đến hạn hủy vào {shown_date(day)}",
                 f"{g['waiting']} đến hạn sau" + (f" (sớm nhất "
                                                 f"{shown_date(g['next_eligible_on'])})"
                                                 if g["next_eligible_on"] else ""),
                 f"{g['permanent']} giữ vĩnh viễn", f"{g['held']} đang bị phong tỏa",
                 f"{g['on_list']} đã nằm trong một danh mục tiêu hủy đang mở"]
        if g["unreviewed"]:
            parts.append(f"[yellow]{g['unreviewed']} đã hết hạn nhưng chưa rà soát (không đưa "
                         "vào danh mục hủy trước khi có người rà soát)[/]")
        if g["unknown"]:
            parts.append(f"{g['unknown']} chờ ngày bắt đầu tính thời hạn "
                         "(sohoa retention event)")
        out.print("  " + ", ".join(parts))
        for note in g["notes"]:
            out.print(f"  [yellow]ghi chú[/] {note['documents']} giấy tờ: {note['note']}")
    due = sum(g["due"] for g in groups)
    out.print(f"{due} giấy tờ đến hạn hủy vào {shown_date(day)}"
              + ("; lập danh mục đề nghị hủy bằng: sohoa disposal propose --note …"
                 if due else ""))


@retention.command("set")
@click.option("--dossier", required=True, metavar="MÃ_HỒ_SƠ", help="Mã hồ sơ.")
@click.option("--years", type=click.IntRange(min=1), metavar="SỐ_NĂM",
              help="Bảo quản chừng này năm …")
@click.option("--permanent", is_flag=True, help="… hoặc bảo quản vĩnh viễn.")
@click.option("--clear", is_flag=True,
              help="Bỏ thời hạn riêng: áp dụng lại thời hạn theo loại giấy tờ.")
@click.option("--from", "counted_from", type=click.Choice(["issue", "closing", "death"]),
              default="issue", show_default=True,
              help="Thời hạn tính từ: issue (ngày ban hành), closing (ngày kết thúc hồ sơ), "
                   "death (ngày chủ sở hữu mất).")
@click.option("--reason", required=True, metavar="LÝ_DO",
              help="Lý do (ghi vào nhật ký kiểm toán).")
@by_option()
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def retention_set(state: State, dossier: str, years: int | None, permanent: bool, clear: bool,
                  counted_from: str, reason: str, by: str | None, as_json: bool) -> None:
    """Đặt thời hạn bảo quản riêng cho một hồ sơ."""
    from sohoa.pipeline import retention

    if sum((years is not None, permanent, clear)) != 1:
        raise click.UsageError("hãy cho đúng một trong --years N, --permanent hoặc --clear")
    if clear:
        retention.clear_override(state.settings, dossier, reason=reason, by=who(by))
        result: dict[str, Any] = {"dossier_code": dossier, "cleared": True}
    else:
        result = retention.set_override(state.settings, dossier,
                                        years=None if permanent else years,
                                        counted_from=counted_from, reason=reason, by=who(by))
    if as_json:
        emit_json(result)
    elif clear:
        out.print(f"hồ sơ {dossier}: đã bỏ thời hạn riêng; áp dụng thời hạn theo loại giấy tờ")
    else:
        term = "vĩnh viễn" if result["permanent"] else f"{result['years']} năm"
        out.print(f"hồ sơ {shown_dossier_code(result['dossier_code'])}: giữ {term}, tính từ "
                  f"{COUNTED_FROM[counted_from]}")


@retention.command("event")
@click.option("--dossier", metavar="MÃ_HỒ_SƠ", help="Hồ sơ đã kết thúc (đi với --closed).")
@click.option("--closed", metavar="NGÀY", help=f"Ngày kết thúc hồ sơ ({DAY_FORMS}).")
@click.option("--owner", metavar="SỐ_ĐỊNH_DANH", help="Chủ sở hữu đã mất (đi với --died).")
@click.option("--died", metavar="NGÀY", help=f"Ngày mất của chủ sở hữu ({DAY_FORMS}).")
@click.option("--reason", metavar="CĂN_CỨ",
              help="Căn cứ của ngày này (ví dụ số trích lục khai tử).")
@by_option()
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def retention_event(state: State, dossier: str | None, closed: str | None, owner: str | None,
                    died: str | None, reason: str | None, by: str | None,
                    as_json: bool) -> None:
    """Ghi ngày bắt đầu tính thời hạn bảo quản: ngày kết thúc một hồ sơ, ngày mất của một chủ
    sở hữu."""
    from sohoa.pipeline import retention

    if dossier and closed and not (owner or died):
        event, subject, day = "closed", dossier, parse_day(closed, "--closed")
    elif owner and died and not (dossier or closed):
        event, subject, day = "died", owner, parse_day(died, "--died")
    else:
        raise click.UsageError("hãy cho --dossier MÃ --closed NGÀY, hoặc --owner SỐ_ĐỊNH_DANH "
                               "--died NGÀY")
    assert day is not None
    result = retention.record_event(state.settings, event, subject, day, reason=reason,
                                    by=who(by))
    if as_json:
        emit_json(result)
    else:
        what = "hồ sơ" if event == "closed" else "chủ sở hữu"
        happened = "kết thúc" if event == "closed" else "mất"
        replaced = (f" (thay ngày {shown_date(result['replaced'])} đã ghi trước đó)"
                    if result["replaced"] else "")
        out.print(f"{what} {result['subject_id']}: {happened} ngày "
                  f"{shown_date(result['on'])}{replaced}")


@retention.command("overrides")
@click.option("--json", "as_json", is_flag=True, help="Mỗi hồ sơ một dòng JSON.")
@pass_state
def retention_overrides(state: State, as_json: bool) -> None:
    """Liệt kê các hồ sơ được đặt thời hạn bảo quản riêng."""
    from sohoa.pipeline import retention

    rows = retention.overrides(state.settings)
    for r in rows:
        if as_json:
            emit_json(r)
        else:
            term = "vĩnh viễn" if r["permanent"] else f"{r['years']} năm"
            since = COUNTED_FROM.get(r["counted_from"], r["counted_from"])
            out.print(f"{shown_dossier_code(r['dossier_code'])}: giữ {term}, "
                      f"tính từ {since} — {r['reason']} "
                      f"({r['set_by']}, {shown_date(r['set_at'])})")
    if not rows and not as_json:
        out.print("không có hồ sơ nào được đặt thời hạn riêng")


# what a retention period counts from, as the archivist reads it
COUNTED_FROM = {"issue": "ngày ban hành", "closing": "ngày kết thúc hồ sơ",
                "death": "ngày chủ sở hữu mất"}

COMMANDS = [retention]
