"""Archivists: export to the historical archive as a BagIt package."""

from __future__ import annotations

from pathlib import Path

import click

from sohoa.cli import paths
from sohoa.cli.options import by_option, progress_bar, type_callback, who
from sohoa.cli.output import emit_json, out
from sohoa.cli.state import State
from sohoa.errors import EXIT_OK, EXIT_VERIFY_FAILED


@click.group(invoke_without_command=True)
@click.option("--dossier", metavar="MÃ_HỒ_SƠ", help="Xuất hồ sơ này …")
@click.option("--type", "doc_type", metavar="LOẠI", callback=type_callback,
              help="… hoặc các giấy tờ thuộc loại này …")
@click.option("--owner", metavar="SỐ_ĐỊNH_DANH",
              help="… hoặc các giấy tờ của chủ sở hữu này (các điều kiện lọc kết hợp với "
                   "nhau).")
@click.option("--permanent-only", is_flag=True,
              help="Chỉ các giấy tờ có thời hạn bảo quản vĩnh viễn.")
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False),
              callback=paths.output_folder,
              metavar="THƯ_MỤC",
              help="Thư mục gói BagIt sẽ ghi (mới hoặc trống; gói ghi dở thì ghi tiếp).")
@click.option("--purpose", envvar="SOHOA_PURPOSE", default="nộp lưu lịch sử",
              show_default=True, metavar="MỤC_ĐÍCH",
              help="Mục đích, ghi vào nhật ký truy cập (biến môi trường SOHOA_PURPOSE).")
@by_option()
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.pass_context
def export(ctx: click.Context, dossier: str | None, doc_type: str | None, owner: str | None,
           permanent_only: bool, output: Path | None, purpose: str, by: str | None,
           as_json: bool) -> None:
    """Xuất tài liệu thành gói BagIt để nộp lưu vào Lưu trữ lịch sử; kiểm tra gói bằng
    `export verify THƯ_MỤC`."""
    if ctx.invoked_subcommand is not None:
        return
    from sohoa.pipeline.exportjob import write

    if output is None:
        raise click.UsageError("hãy cho thư mục gói BagIt cần ghi: -o THƯ_MỤC")
    state = ctx.find_object(State)
    assert state is not None
    bar = progress_bar("xuất gói", as_json)
    try:
        result = write(state.settings, output, dossier=dossier, doc_type=doc_type, owner=owner,
                       permanent_only=permanent_only, by=who(by), purpose=purpose,
                       progress=bar)
    finally:
        bar.stop()
    if as_json:
        emit_json(result)
    else:
        out.print(f"gói BagIt {result['bag']}: {result['documents']} giấy tờ trong "
                  f"{result['dossiers']} hồ sơ, {result['audit_events']} sự kiện nhật ký, "
                  f"{result['holds']} lệnh phong tỏa, {result['certifications']} dòng sổ "
                  "chứng thực, "
                  f"{result['files']} tệp, {result['octets']} byte; kiểm tra gói: "
                  f"sohoa export verify {result['bag']}")


@export.command("verify")
@click.argument("bag", type=click.Path(path_type=Path, file_okay=False), metavar="THƯ_MỤC_GÓI")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def export_verify(bag: Path, as_json: bool) -> None:
    """Kiểm tra một gói BagIt (gói bất kỳ, không chỉ gói do sohoa xuất); mã thoát 4 nếu gói
    không hợp lệ."""
    from sohoa.pipeline.exportjob import verify

    report = verify(bag)
    if as_json:
        emit_json(report)
    else:
        for problem in report["problems"]:
            out.print(f"[red]lỗi[/]: {problem}")
        out.print(f"{bag}: " + ("[green]gói BagIt hợp lệ[/] (Payload-Oxum "
                                f"{report['payload_oxum']})" if report["valid"]
                                else "[red]KHÔNG HỢP LỆ[/]"))
    raise SystemExit(EXIT_OK if report["valid"] else EXIT_VERIFY_FAILED)


COMMANDS = [export]
