"""Reviewers: check what recognition was unsure of, correct it, and teach the classifier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from sohoa.cli import paths
from sohoa.cli.output import add_whole_column, compact_table, emit_json, out
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_date
from sohoa.reasons import label
from sohoa.records import shown_dossier_code
from sohoa.vntext import shown_number, shown_percent

# Who reviews: SOHOA_REVIEWER, else SOHOA_USER as for every other command (tester10 F36: a
# desk's shared OS account was named instead of the person).
_WHO_ENV = ["SOHOA_REVIEWER", "SOHOA_USER"]


def _by(command: Any) -> Any:
    return click.option("--by", "by", envvar=_WHO_ENV, required=True, metavar="TÊN",
                        help="Người quyết định (ghi cùng quyết định; biến môi trường "
                             "SOHOA_REVIEWER, hoặc SOHOA_USER).")(
        command)


# Fields holding a day (ISO in the catalog and in --json): shown as papers print them.
_DATE_FIELDS = frozenset({"date_of_birth", "issue_date", "expiry_date"})


def _value(key: str, value: Any) -> str:
    """A field's value as the reviewer reads it: "(trống)" when there is none, a day as
    DD/MM/YYYY, a type code with its name."""
    if value is None or value == "":
        return "(trống)"
    if key in _DATE_FIELDS:
        return shown_date(str(value))
    if key == "doc_type":
        return _type_named(str(value))
    if key == "dossier":
        return shown_dossier_code(str(value))  # a group of no known dossier (tester19 F8)
    return str(value)


def _type_named(code: str | None) -> str:
    """"Căn cước công dân (citizen_id_card)": the name, and the code typed after `review
    type`."""
    from sohoa.doctypes import load_registry

    registry = load_registry()
    return f"{registry.get(code).name} ({code})" if code and code in registry else str(code)


def validity_text(rule: str) -> str:
    """A type's validity rule (doctypes.toml) as a clerk says it: "months:6" → "6 tháng kể
    từ ngày cấp", "until:expiry_date,months:1" → "đến ngày ghi ở Có giá trị đến (không đọc
    được thì 1 tháng kể từ ngày cấp)"."""
    said = {"permanent": "vĩnh viễn", "none": "không áp dụng (không phải giấy chứng nhận)"}
    if rule in said:
        return said[rule]
    parts = dict(p.split(":", 1) for p in rule.split(",") if ":" in p)
    months = f"{parts['months']} tháng kể từ ngày cấp" if "months" in parts else ""
    if "until" in parts:
        until = f"đến ngày ghi ở “{label(parts['until'])}”"  # Vietnamese quotes “…”, not «…»
        return f"{until} (không đọc được thì {months})" if months else until
    return months or rule


def _print_decision(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(result)
        return
    kind = "đã sửa" if result.get("correction") else "đã xác nhận"
    key = str(result["field"])
    out.print(f"{result['document_id']} lượt {result['round']}: {label(key)} {kind} "
              f"({_value(key, result['old'])} → {_value(key, result['new'])}), người rà soát "
              f"{result['by']}", markup=False, soft_wrap=True)
    if result.get("followers"):
        out.print(f"  cùng {len(result['followers'])} giấy tờ quét sau giấy tiếp nhận: "
                  + ", ".join(result["followers"]), markup=False, soft_wrap=True)
    if result["needs_review"]:
        out.print("  còn phải kiểm tra: " + "; ".join(result["reasons"]))
    else:
        out.print("  không còn gì phải kiểm tra: chấp nhận bằng "
                  f"`sohoa review accept {result['document_id']} --by {result['by']}`")


@click.group(invoke_without_command=True)
@click.option("--round", "round_no", type=int, metavar="LƯỢT",
              help="Chỉ các giấy tờ đang chờ ở lượt này.")
@click.option("--json", "as_json", is_flag=True, help="Mỗi giấy tờ một dòng JSON.")
@click.pass_context
def review(ctx: click.Context, round_no: int | None, as_json: bool) -> None:
    """Các giấy tờ và trường cần người kiểm tra, theo từng lượt (các lệnh con ghi quyết
    định)."""
    if ctx.invoked_subcommand is not None:
        return
    from sohoa.pipeline.review import pending

    state: State = ctx.find_object(State)
    waiting = pending(state.settings, round_no=round_no)
    if as_json:
        for item in waiting:
            emit_json(item)
        return
    if not waiting:
        out.print("không có giấy tờ nào chờ rà soát")
        return
    for item in waiting:
        # the fields by their caption ("Ngày cấp"), as `sohoa show` names them; codes in --json
        check = ", ".join(label(k) for k in item["fields_to_check"]) or "toàn bộ"
        why = item["why"] if item["why"].endswith("kiểm tra") else f"{item['why']}; kiểm tra"
        out.print(f"[bold]{item['document_id']}[/] lượt {item['round']} "
                  f"{escape(_type_named(item['doc_type']))} "
                  f"hồ sơ {shown_dossier_code(item['dossier_code'])} "
                  f"chủ sở hữu {_owner_shown(item)} "
                  f"độ tin cậy {shown_number(item['confidence'], 2)} [yellow]{why}[/]: "
                  f"{escape(check)}", soft_wrap=True)
        for reason in item["reasons"]:
            out.print(f"    {reason}", markup=False)
    out.print(f"{len(waiting)} giấy tờ đang chờ; xem một giấy tờ bằng "
              "`sohoa review show DOC [--field F]`")


def _owner_shown(item: dict[str, Any]) -> str:
    """The owner as the desk says it: a number only proposed is never shown as the owner."""
    if item.get("owner_id"):
        return str(item["owner_id"])
    proposed = item.get("proposed_owner_id")
    return f"? (đề xuất {proposed}, chưa xác nhận)" if proposed else "?"


@review.command("show")
@click.argument("document_id", metavar="MÃ_GIẤY_TỜ")
@click.option("--field", "field_key", metavar="TRƯỜNG",
              help="Cắt ảnh trang quanh trường này.")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              callback=paths.output_folder,
              metavar="THƯ_MỤC",
              help="Thư mục ghi ảnh trang (mặc định: HOME/review).")
@click.option("--by", "by", envvar=_WHO_ENV, metavar="TÊN",
              help="Ai đang xem, để ghi nhật ký truy cập (biến môi trường SOHOA_REVIEWER, hoặc "
                   "SOHOA_USER; mặc định: người dùng của hệ điều hành).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def show_cmd(state: State, document_id: str, field_key: str | None, out_dir: Path | None,
             by: str | None, as_json: bool) -> None:
    """Các giá trị, lý do cần kiểm tra, văn bản nhận dạng được và ảnh trang (ghi ra tệp PNG)
    của một giấy tờ."""
    from sohoa.pipeline.lookup import cli_caller
    from sohoa.pipeline.review import show

    # the same CLI reader as `show`/`get` (one name, one role in the access log)
    caller = cli_caller(state.settings, by)
    result = show(state.settings, document_id, field_key,
                  out_dir or state.settings.home / "review", user=caller.user, caller=caller)
    if as_json:
        emit_json(result)
        return
    out.print(f"[bold]{result['document_id']}[/] {escape(_type_named(result['doc_type']))} "
              f"\"{escape(str(result['title']))}\" "
              f"hồ sơ {shown_dossier_code(result['dossier_code'])} "
              f"chủ sở hữu {_owner_shown(result)} "
              + (f"(lượt {result['waiting']})" if result.get("waiting") is not None
                 else "(đã rà soát xong: không còn gì chờ người kiểm tra)"))
    for reason in result["reasons"]:
        out.print(f"  [yellow]kiểm tra[/]: {reason}")
    for key, value in result["fields"].items():
        out.print(f"  {label(key)}: {_value(key, value)}", markup=False, soft_wrap=True)
        if key in result["agreed"]:
            out.print(f"    [dim]{escape(result['agreed'][key])}[/]")
    # the paper's signer and ink, as `sohoa show` says them (a reason may be about them)
    if result.get("signer"):
        out.print(f"  người ký: {result['signer']}", markup=False, soft_wrap=True)
    if result.get("ink_marks"):
        out.print("  dấu, chữ ký tay: " + "; ".join(result["ink_marks"]), markup=False,
                  soft_wrap=True)
    for image in result["images"]:
        out.print(f"  ảnh trang {image['page']}: {image['path']}")
    if result.get("note"):
        out.print(f"  {result['note']}")
    out.print("[bold]văn bản nhận dạng được[/]:")
    out.print(result["ocr_text"] or "(không có)", markup=False)


@review.command("set")
@click.argument("document_id", metavar="MÃ_GIẤY_TỜ")
@click.argument("field_key", metavar="TRƯỜNG")
@click.argument("value", metavar="GIÁ_TRỊ")
@_by
@click.option("--reason", metavar="LÝ_DO", help="Lý do (được ghi lại; bắt buộc khi có --force).")
@click.option("--force", is_flag=True,
              help="Giữ một giá trị không qua được bước kiểm tra hợp lệ (vì trên giấy in đúng "
                   "như vậy).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def set_cmd(state: State, document_id: str, field_key: str, value: str, by: str,
            reason: str | None, force: bool, as_json: bool) -> None:
    """Sửa (hoặc xác nhận) giá trị một trường; GIÁ_TRỊ "" thì xóa trường đó. Trường owner_id
    thì đặt thẳng chủ sở hữu của giấy tờ. Trường dossier ("Hồ sơ") thì chuyển giấy tờ sang hồ
    sơ đúng của nó khi tờ mã hồ sơ quét kèm là của hồ sơ khác (hoặc xác nhận hồ sơ hiện tại).

    TRƯỜNG: mã trường (issue_date) hoặc tên như `review show` in ("Ngày cấp")."""
    from sohoa.pipeline.review import decide

    _print_decision(decide(state.settings, by, "set", document_id, field_key, value,
                           reason=reason, force=force), as_json)


@review.command("type")
@click.argument("document_id", metavar="MÃ_GIẤY_TỜ")
@click.argument("doc_type", metavar="LOẠI")
@_by
@click.option("--reason", metavar="LÝ_DO", help="Lý do (được ghi lại).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def type_cmd(state: State, document_id: str, doc_type: str, by: str, reason: str | None,
             as_json: bool) -> None:
    """Sửa loại giấy tờ; các trường được đọc lại theo loại mới."""
    from sohoa.pipeline.review import decide

    _print_decision(decide(state.settings, by, "type", document_id, doc_type, reason=reason),
                    as_json)


@review.command("accept")
@click.argument("document_ids", nargs=-1, required=True, metavar="MÃ_GIẤY_TỜ...")
@_by
@click.option("--json", "as_json", is_flag=True, help="Mỗi giấy tờ một dòng JSON.")
@pass_state
def accept_cmd(state: State, document_ids: tuple[str, ...], by: str, as_json: bool) -> None:
    """Kết thúc lượt này cho các giấy tờ: mọi giá trị chưa được sửa coi như đã xác nhận."""
    from sohoa.pipeline.review import decide

    for document_id in document_ids:
        result = decide(state.settings, by, "accept", document_id)
        if as_json:
            emit_json(result)
            continue
        after = (f"; lượt {result['next_round']} nếu được chọn kiểm tra lại"
                 if result["next_round"] else "")
        out.print(f"{result['document_id']} lượt {result['round']} đã được {by} chấp nhận: "
                  f"{result['confirmed']} giá trị xác nhận, {result['corrected']} "
                  f"giá trị đã sửa{after}")


@review.command("stats")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def stats_cmd(state: State, as_json: bool) -> None:
    """Tỉ lệ lỗi theo từng trường và từng người (hay khâu) tạo ra giá trị (mỗi lần sửa là một
    lỗi tìm thấy)."""
    from sohoa.pipeline.review import stats

    result = stats(state.settings)
    if as_json:
        emit_json(result)
        return
    rate = result["error_rate"]
    out.print(f"{result['checks']} giá trị đã kiểm tra, phát hiện {result['errors']} lỗi"
              + (f" ({shown_percent(rate)})" if rate is not None else ""))
    if result["documents_not_colour"]:
        out.print(f"{result['documents_not_colour']} tài liệu có trang không quét màu từ "
                  "200 dpi (TT 01/2023)")
    titles = {"fields": "trường", "operators": "người/khâu tạo ra giá trị",
              "reviewers": "người rà soát", "rounds": "lượt"}
    for key, title in titles.items():
        if not result[key]:
            continue
        table = Table(title, "đã kiểm tra", "lỗi", "tỉ lệ lỗi")
        for name, row in result[key].items():
            # a field by its caption ("Ngày cấp"), as show and review show it; --json keeps keys
            table.add_row(label(name) if key == "fields" else name, str(row["checks"]),
                          str(row["errors"]),
                          shown_percent(row["error_rate"]) if row["error_rate"] is not None
                          else "")
        out.print(table)


@click.group()
def types() -> None:
    """Danh mục loại giấy tờ và mô hình phân loại dự phòng học từ giấy tờ đã rà soát."""


@types.command("train")
@click.option("--synthetic", type=click.IntRange(min=0), default=0, show_default=True,
              metavar="SỐ",
              help="Học thêm từ chừng này giấy tờ sinh tự động cho mỗi loại (sohoa.synth).")
@click.option("--seed", type=int, default=7, show_default=True, metavar="SỐ",
              help="Hạt giống ngẫu nhiên cho giấy tờ sinh tự động.")
@click.option("-o", "--output", type=paths.OUTPUT_FILE, metavar="TỆP",
              callback=paths.output_file,
              help="Nơi lưu mô hình (mặc định: HOME/models/types.npz, tệp lệnh ingest dùng).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def train_cmd(state: State, synthetic: int, seed: int, output: Path | None,
              as_json: bool) -> None:
    """Huấn luyện mô hình phân loại dự phòng từ các giấy tờ đã rà soát (và giấy tờ sinh tự
    động)."""
    from sohoa.pipeline.training import train_types

    generated = []
    if synthetic:  # the generator is a test and demo tool: only this command reaches it
        from sohoa.synth.typetexts import labelled_first_pages

        generated = labelled_first_pages(synthetic, seed)
    report = train_types(state.settings, generated=generated, output=output)
    if as_json:
        emit_json(report)
        return
    table = Table("loại giấy tờ", "đã rà soát", "sinh tự động")
    for code, counts in report["types"].items():
        table.add_row(_type_named(code), str(counts["catalog"]), str(counts["synthetic"]))
    out.print(table)
    held = report["held_out"]
    if held["accuracy"] is not None:
        out.print(f"độ chính xác trên mẫu để riêng: {held['right']}/{held['examples']} "
                  f"({shown_percent(held['accuracy'])})")
    else:
        out.print("độ chính xác trên mẫu để riêng: quá ít mẫu để giữ riêng một phần")
    out.print(f"đã lưu {report['model']} ({report['examples']} mẫu); lượt tiếp nhận sau sẽ "
              "dùng mô hình này")


@types.command("list")
@click.option("--json", "as_json", is_flag=True, help="Mỗi loại một dòng JSON.")
def list_cmd(as_json: bool) -> None:
    """Các loại giấy tờ đã đăng ký."""
    from sohoa.doctypes import load_registry

    registry = load_registry()
    if as_json:
        for t in registry:
            emit_json({"code": t.code, "name": t.name,
                       "abbreviations": list(t.abbreviations), "fields": list(t.fields),
                       "owner_kind": t.owner_kind, "validity": t.validity,
                       "retention": t.retention})
        return
    # the code is typed back (--type): never cut ("birth_certif…" in 80 columns)
    table = compact_table()
    add_whole_column(table, "mã")
    for header in ("tên", "chủ sở hữu", "hiệu lực", "thời hạn lưu"):
        table.add_column(header)
    for t in registry:
        # the owner field by its caption, the validity rule in words (--json keeps both codes)
        name = f"{t.name} ({', '.join(t.abbreviations)})" if t.abbreviations else t.name
        table.add_row(t.code, name, label(t.owner_field) if t.owner_field else "",
                      validity_text(t.validity), t.retention_label)
    out.print(table)


COMMANDS = [review, types]
