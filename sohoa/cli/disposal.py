"""Archivists: disposal lists — propose, approve, execute, and the destruction record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from sohoa.cli import paths
from sohoa.cli.options import (
    DAY_FORMS,
    acting_user,
    by_option,
    parse_day,
    progress_bar,
    type_callback,
    who,
)
from sohoa.cli.output import emit_json, out, type_name
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_date, vietnam_today
from sohoa.records import shown_dossier_code


@click.group()
def disposal() -> None:
    """Danh mục hủy: lập danh mục, phê duyệt, thực hiện hủy và biên bản hủy."""


def _print_list(lst: dict[str, Any]) -> None:
    c = lst["counts"]
    status = LIST_STATUS_NAMES.get(lst["status"], lst["status"])
    out.print(f"[bold]danh mục tiêu hủy {lst['list']}[/] ({status}): {lst['documents']} giấy tờ, "
              f"{lst['pages']} trang, đến hạn hủy tính đến ngày {shown_date(lst['as_of'])}")
    out.print(f"  đề nghị ngày {shown_date(lst['proposed_at'])} bởi {lst['proposed_by']}"
              f"{_ran(lst['proposed_by'], lst.get('proposed_run_by'))}: {lst['note']}")
    if lst["decision"]:
        out.print(f"  phê duyệt ngày {shown_date(lst['approved_at'])} bởi {lst['approved_by']}"
                  f"{_ran(lst['approved_by'], lst.get('approved_run_by'))}: {lst['decision']}")
    if lst["status"] in ("executing", "executed"):
        out.print(f"  đã hủy {c['disposed']}, bỏ qua {c['skipped']}, còn chờ {c['listed']}")
    if lst["record"]:
        out.print(f"  biên bản hủy {lst['record']['sha256'][:16]}… "
                  f"({lst['record']['size']} byte): sohoa disposal record {lst['list']} -o F.pdf")
    if lst["cancel_reason"]:
        out.print(f"  đã hủy bỏ danh mục: {lst['cancel_reason']}")


def _ran(named: str, runner: str | None) -> str:
    """Who really ran the step, when it is not the name given with --by."""
    return f" (người chạy lệnh: {runner})" if runner and runner != named else ""


def _print_unreviewed(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    out.print(f"[yellow]{len(rows)} giấy tờ đã hết thời hạn nhưng không đưa vào danh mục[/]: "
              + escape(rows[0]["reason"]))
    for r in rows:
        out.print(f"  {r['document_id']} {type_name(r['doc_type'])}: {r['title']} "
                  f"({shown_dossier_code(r['dossier_code'])}), "
                  f"hết hạn {shown_date(r['eligible_on'])}")


@disposal.command("propose")
@click.option("--as-of", "as_of", metavar="NGÀY",
              help=f"Đến hạn hủy vào ngày này ({DAY_FORMS}; mặc định: hôm nay).")
@click.option("--type", "doc_type", metavar="LOẠI", callback=type_callback,
              help="Chỉ loại giấy tờ này.")
@click.option("--unit", metavar="MÃ", help="Chỉ đơn vị này.")
@click.option("--note", required=True, metavar="THUYẾT_MINH",
              help="Bản thuyết minh: vì sao các tài liệu này không còn giá trị.")
@by_option()
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def disposal_propose(state: State, as_of: str | None, doc_type: str | None, unit: str | None,
                     note: str, by: str | None, as_json: bool) -> None:
    """Lập danh mục hủy có đánh số gồm các tài liệu đã hết thời hạn bảo quản (không bị lệnh
    giữ, chưa nằm trong danh mục nào đang mở)."""
    from sohoa.pipeline.disposal import propose, unreviewed_due

    day = parse_day(as_of, "--as-of") or vietnam_today()
    lst = propose(state.settings, as_of=day, note=note, by=who(by), doc_type=doc_type,
                  unit=unit, runner=acting_user())
    withheld = unreviewed_due(state.settings, as_of=day, doc_type=doc_type, unit=unit)
    if lst is None:
        if as_json:
            emit_json({"list": None, "documents": 0, "as_of": day.isoformat(),
                       "unreviewed": withheld})
        else:
            out.print(f"không có giấy tờ nào đến hạn hủy vào {shown_date(day)}; không lập danh mục")
            _print_unreviewed(withheld)
        return
    if as_json:
        emit_json({**lst, "unreviewed": withheld})
        return
    _print_list(lst)
    _print_unreviewed(withheld)
    out.print(f"xem lại danh mục: sohoa disposal show {lst['list']}; sau khi hội đồng xét và "
              f"có quyết định: sohoa disposal approve {lst['list']} --decision "
              "\"Quyết định số …\" --by HỌ_TÊN")


@disposal.command("list")
@click.option("--json", "as_json", is_flag=True, help="Mỗi danh mục một dòng JSON.")
@pass_state
def disposal_list(state: State, as_json: bool) -> None:
    """Mọi danh mục hủy và trạng thái của từng danh mục."""
    from sohoa.pipeline.disposal import lists

    rows = lists(state.settings)
    for lst in rows:
        emit_json(lst) if as_json else _print_list(lst)
    if not rows and not as_json:
        out.print("chưa có danh mục tiêu hủy nào")


@disposal.command("show")
@click.argument("list_id", type=int, metavar="SỐ_DANH_MỤC")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def disposal_show(state: State, list_id: int, as_json: bool) -> None:
    """Một danh mục hủy cùng mọi giấy tờ trong đó."""
    from sohoa.pipeline.disposal import get

    lst = get(state.settings, list_id)
    if as_json:
        emit_json(lst)
        return
    _print_list(lst)
    for i in lst["items"]:
        extra = f" — {i['reason']}" if i["reason"] else ""
        out.print(f"  {i['position']:>5}. {i['document_id']} {type_name(i['doc_type'])}: "
                  f"{i['title']} ({shown_dossier_code(i['dossier_code'])}) giữ {i['retention']}, "
                  # the brackets are text, not rich markup
                  f"hết hạn {shown_date(i['eligible_on'])} "
                  + escape(f"[{ITEM_STATUS_NAMES.get(i['status'], i['status'])}]") + extra)
        # how the dates were obtained: the rule, the day the period started, the fallbacks
        out.print(f"         căn cứ: {escape(i['basis'])}")


@disposal.command("approve")
@click.argument("list_id", type=int, metavar="SỐ_DANH_MỤC")
@click.option("--decision", required=True,
              metavar="QUYẾT_ĐỊNH",
              help="Quyết định phê duyệt, ví dụ \"Quyết định số 12/QĐ-UBND ngày …\".")
# No SOHOA_USER default here: the approver is the head who signed the decision, named on
# purpose, never whoever happens to be logged in (who is usually the proposer).
@click.option("--by", "by", required=True, metavar="HỌ_TÊN",
              help="Người phê duyệt (thủ trưởng đã ký quyết định); không được là người lập "
                   "danh mục.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def disposal_approve(state: State, list_id: int, decision: str, by: str,
                     as_json: bool) -> None:
    """Ghi quyết định phê duyệt một danh mục hủy đã lập."""
    from sohoa.pipeline.disposal import approve

    # --by names the head who signed; the runner is who really runs this (SOHOA_USER or the
    # OS user), recorded beside it and refused when it is the proposer (tester13 F12)
    lst = approve(state.settings, list_id, decision=decision, by=who(by), runner=acting_user())
    if as_json:
        emit_json(lst)
    else:
        _print_list(lst)
        out.print(f"thực hiện hủy: sohoa disposal execute {list_id} (thử trước với --dry-run)")


@disposal.command("cancel")
@click.argument("list_id", type=int, metavar="SỐ_DANH_MỤC")
@click.option("--reason", required=True, metavar="LÝ_DO", help="Lý do hủy bỏ danh mục.")
@by_option()
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def disposal_cancel(state: State, list_id: int, reason: str, by: str | None,
                    as_json: bool) -> None:
    """Hủy bỏ một danh mục đã lập hoặc đã phê duyệt (các giấy tờ trong đó có thể được đưa vào
    danh mục khác)."""
    from sohoa.pipeline.disposal import cancel

    lst = cancel(state.settings, list_id, reason=reason, by=who(by))
    emit_json(lst) if as_json else _print_list(lst)


@disposal.command("execute")
@click.argument("list_id", type=int, metavar="SỐ_DANH_MỤC")
@click.option("--dry-run", is_flag=True,
              help="Chạy thử: cho biết giấy tờ nào sẽ bị hủy, không thay đổi gì.")
@by_option()
@click.option("--json", "as_json", is_flag=True,
              help="Các dòng JSON: từng giấy tờ, rồi kết quả của cả danh mục.")
@pass_state
def disposal_execute(state: State, list_id: int, dry_run: bool, by: str | None,
                     as_json: bool) -> None:
    """Hủy các giấy tờ của một danh mục đã phê duyệt và lập biên bản hủy có ký số (bị ngắt thì
    chạy lại là làm tiếp)."""
    from sohoa.pipeline.disposaljob import execute

    bar = progress_bar(f"danh mục {list_id}", as_json or dry_run)

    def show(event: dict[str, Any]) -> None:
        if as_json:
            emit_json(event)
        elif not event["disposed"]:
            bar.print(f"[yellow]bỏ qua[/] {event['document_id']}: {event['reason']}")
        elif event.get("dry_run"):
            bar.print(f"sẽ hủy {event['document_id']} ({event['blobs']} tệp)")

    try:
        result = execute(state.settings, list_id, by=who(by), dry_run=dry_run, emit=show,
                         progress=bar)
    finally:
        bar.stop()
    if as_json:
        emit_json(result)
    elif dry_run:
        out.print(f"chạy thử: {result['would_dispose']} giấy tờ sẽ bị hủy, "
                  f"{result['would_skip']} bỏ qua; chưa thay đổi gì")
    else:
        s = result["summary"]
        out.print(f"đã thực hiện danh mục {list_id}: hủy {s['disposed']} giấy tờ, bỏ qua "
                  f"{s['skipped']}, xóa {s['blobs_removed']} tệp ({s['bytes_freed']} byte); "
                  f"biên bản hủy: sohoa disposal record {list_id} -o F.pdf")


@disposal.command("record")
@click.argument("list_id", type=int, metavar="SỐ_DANH_MỤC")
@click.option("-o", "--output", required=True, type=paths.OUTPUT_FILE,
              callback=paths.output_file,
              metavar="TỆP", help="Tệp PDF sẽ ghi biên bản ra.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có.")
@pass_state
def disposal_record(state: State, list_id: int, output: Path, force: bool) -> None:
    """Ghi biên bản hủy (có ký số) của một danh mục đã thực hiện hủy ra tệp."""
    from sohoa.pipeline.disposal import record_pdf

    paths.refuse_overwrite(output, force)  # as `get` and `sign`: a file is not lost silently
    pdf = record_pdf(state.settings, list_id)
    output.write_bytes(pdf)
    out.print(f"đã ghi {output} ({len(pdf)} byte); kiểm tra chữ ký: sohoa verify {output}")


# A list's and an item's state as the archivist reads it (--json keeps the keys).
LIST_STATUS_NAMES = {"proposed": "đã đề nghị", "approved": "đã phê duyệt",
                     "executing": "đang hủy", "executed": "đã hủy xong",
                     "cancelled": "đã hủy bỏ"}
ITEM_STATUS_NAMES = {"listed": "chờ hủy", "disposed": "đã hủy", "skipped": "bỏ qua"}

COMMANDS = [disposal]
