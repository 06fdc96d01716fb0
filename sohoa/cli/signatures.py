"""Archivists: signing a file outside the pipeline, and renewing the long-term signatures
of stored documents."""

from __future__ import annotations

from pathlib import Path

import click

from sohoa.cli import paths
from sohoa.cli.options import DAY_FORMS, parse_day
from sohoa.cli.output import emit_json, out
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_date, shown_moment
from sohoa.errors import EXIT_OK, EXIT_VERIFY_FAILED, ConfigError


@click.command()
@click.argument("input_pdf", type=click.Path(path_type=Path, dir_okay=False, exists=True),
                metavar="TỆP_PDF")
@click.option("-o", "--output", required=True, type=paths.OUTPUT_FILE,
              callback=paths.output_file, metavar="TỆP", help="Tệp PDF đã ký sẽ ghi ra.")
@click.option("--level", type=click.Choice(["B-B", "B-T", "B-LT", "B-LTA"]),
              help="Mức chữ ký PAdES (mặc định: signing.level trong sohoa.toml).")
@click.option("--sao-y", "copy", is_flag=True,
              help="Tệp là bản sao điện tử từ bản giấy (Nghị định 30/2020/NĐ-CP): dấu ký có "
                   "chữ \"SAO Y\". Mặc định: ký như bản gốc của cơ quan, không có \"SAO Y\" "
                   "— trừ tệp ảnh quét, phải chọn --sao-y hoặc --original.")
@click.option("--original", is_flag=True,
              help="Tệp là văn bản gốc điện tử do chính cơ quan ban hành (không có \"SAO Y\"); "
                   "cần khi tệp là ảnh quét.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def sign(state: State, input_pdf: Path, output: Path, level: str | None, copy: bool,
         original: bool, force: bool, as_json: bool) -> None:
    """Ký số một tệp PDF bằng khóa của cơ quan (dấu ký ở góc trên bên phải trang 1: tên cơ
    quan và thời gian ký; thêm "SAO Y" chỉ khi có --sao-y). Tệp ảnh quét phải kèm --sao-y
    hoặc --original."""
    from sohoa.pipeline.signjob import sign_file

    if output.exists() and output.samefile(input_pdf):  # before --force is suggested
        raise ConfigError(f"{output} chính là tệp cần ký: ký số ghi ra một tệp mới và giữ "
                          f"nguyên tệp gốc; hãy chọn tên khác cho -o, ví dụ "
                          f"{output.with_name(output.stem + '-da-ky' + output.suffix)}")
    paths.refuse_overwrite(output, force)  # as `get` does: a signed copy is not lost silently
    summary = sign_file(state.settings, input_pdf, output, level=level, copy=copy,
                        original=original)
    if as_json:
        emit_json(summary)
    else:
        out.print(f"đã ký {output}: mức {summary['level']}, người ký {summary['signer']}, "
                  f"lúc {shown_moment(summary['signed_at'])}, "
                  + ("bản sao (dấu \"SAO Y\")" if copy else "bản gốc (không có dấu \"SAO Y\")"))


@click.group()
def signatures() -> None:
    """Chữ ký số dài hạn của các giấy tờ trong kho."""


@signatures.command("renew")
@click.option("--before", "before", default=None, metavar="NGÀY",
              help="Gia hạn các tệp có dấu thời gian cuối cùng hết hạn trước ngày này ("
                   f"{DAY_FORMS}; mặc định: một năm kể từ hôm nay).")
@click.option("--dry-run", is_flag=True,
              help="Chỉ liệt kê những gì đến hạn gia hạn, không thay đổi gì.")
@click.option("--by", "actor", default="archivist", show_default=True, metavar="TÊN",
              help="Ai thực hiện gia hạn (ghi vào nhật ký kiểm toán).")
@click.option("--json", "as_json", is_flag=True,
              help="Các dòng JSON: từng giấy tờ, rồi bản tổng kết.")
@pass_state
def signatures_renew(state: State, before: str | None, dry_run: bool, actor: str,
                     as_json: bool) -> None:
    """Thêm dấu thời gian tài liệu mới cho các tệp ký mức B-LTA có dấu thời gian sắp hết hạn;
    mã thoát 4 nếu có giấy tờ gia hạn không được."""

    from sohoa.pipeline.renewjob import renew_signatures

    cutoff = parse_day(before, "--before")

    def show(event: dict) -> None:
        if as_json:
            emit_json(event)
        elif event.get("error"):
            out.print(f"[red]không gia hạn được[/] {event['document_id']}: {event['error']}")
        elif event.get("skipped"):
            out.print(f"bỏ qua {event['document_id']}: {event['skipped']}")
        else:
            verb = "đến hạn gia hạn" if event.get("dry_run") else "đã gia hạn"
            out.print(f"{verb} {event['document_id']} (dấu thời gian hết hạn ngày "
                      f"{shown_date(event['timestamp_expiry'])})")

    counts = renew_signatures(state.settings, before=cutoff, dry_run=dry_run, actor=actor,
                              emit=show)
    line = (f"đã xét {counts['checked']} giấy tờ ký mức B-LTA: {counts['due']} đến hạn gia "
            f"hạn, {counts['renewed']} đã gia hạn, {counts['failed']} không gia hạn được")
    if counts.get("skipped"):
        line += f", {counts['skipped']} bỏ qua vì không còn lưu giữ"
    if as_json:
        emit_json(counts)
    else:
        out.print(line)
    raise SystemExit(EXIT_VERIFY_FAILED if counts["failed"] else EXIT_OK)


COMMANDS = [sign, signatures]
