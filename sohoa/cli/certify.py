"""Electronic certified copies (chứng thực bản sao điện tử từ bản chính): certify a copy, print
or export the certification register."""

from __future__ import annotations

from pathlib import Path

import click

from sohoa.cli import paths
from sohoa.cli.options import DAY_FORMS, parse_day, type_callback
from sohoa.cli.output import emit_json, out
from sohoa.cli.state import State, pass_state


@click.group()
def certify() -> None:
    """Chứng thực bản sao điện tử từ bản chính (Nghị định 23/2015/NĐ-CP); sổ chứng thực."""


@certify.command("copy")
@click.argument("source", metavar="NGUỒN")
@click.option("--owner", required=True, metavar="SỐ_ĐỊNH_DANH",
              help="Số định danh của người yêu cầu chứng thực.")
@click.option("--unit", required=True, metavar="MÃ",
              help="Đơn vị thực hiện chứng thực (mã trong units.toml).")
@click.option("--by", "by", envvar="SOHOA_USER", metavar="TÊN",
              help="Người thực hiện chứng thực (biến môi trường SOHOA_USER; mặc định "
                   "signing.officer). Khóa "
                   "riêng của người này (signing.officer_pkcs12) ký bản sao nếu có, nếu không "
                   "thì khóa của cơ quan.")
@click.option("--title", "title", envvar="SOHOA_TITLE", required=True, metavar="CHỨC_DANH",
              help="Chức danh người thực hiện chứng thực (biến môi trường SOHOA_TITLE), ví dụ "
                   "'Phó Chủ tịch UBND phường'.")
@click.option("--original-compared", "compared", is_flag=True,
              help="Xác nhận đã đối chiếu bản sao với bản chính người yêu cầu xuất trình "
                   "(bắt buộc).")
@click.option("--compared-by", metavar="TÊN",
              help="Người đối chiếu bản chính, nếu không phải người ký.")
@click.option("--paper", metavar="TÊN_GIẤY_TỜ",
              help="Tên giấy tờ ghi trong sổ (mặc định: tên loại giấy tờ).")
@click.option("--type", "doc_type", metavar="LOẠI", callback=type_callback,
              help="Loại giấy tờ (doctypes.toml; mặc định: loại của giấy tờ trong kho, hoặc "
                   "'other').")
@click.option("--valid-until", metavar="NGÀY",
              help=f"Giá trị sử dụng đến ngày ({DAY_FORMS}), nếu bản chính có thời hạn.")
@click.option("--dossier", metavar="MÃ_HỒ_SƠ",
              help="Mã hồ sơ yêu cầu chứng thực (mặc định: SCT-<đơn vị>-<năm>-<số>).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def certify_copy(state: State, source: str, owner: str, unit: str, by: str | None, title: str,
                 compared: bool, compared_by: str | None, paper: str | None,
                 doc_type: str | None, valid_until: str | None, dossier: str | None,
                 as_json: bool) -> None:
    """Chứng thực NGUỒN (một tệp đã quét, hoặc mã một giấy tờ trong kho) là bản sao đúng với
    bản chính được xuất trình: lấy số tiếp theo trong sổ chứng thực của đơn vị, in lời chứng và
    mã QR lên bản sao, người thực hiện chứng thực ký số, lưu vào kho theo chủ sở hữu."""
    from sohoa.errors import DestroyedError
    from sohoa.pipeline import certify as certify_desk
    from sohoa.pipeline.services import desk_officer

    until = parse_day(valid_until, "--valid-until")
    official = (by or "").strip() or desk_officer(state.settings)
    try:
        made = certify_desk.certify_copy(
            state.settings, source, owner=owner, unit=unit, official=official, title=title,
            compared=compared, compared_by=compared_by, paper=paper, doc_type=doc_type,
            valid_until=until, dossier=dossier)
    except DestroyedError as gone:
        if as_json:  # the same facts as the line on stderr, for a script
            emit_json({"certified": False, "message": str(gone), **gone.details})
        raise
    if as_json:
        emit_json(made)
        return
    line = made["certification"]
    out.print(f"[green]đã chứng thực[/] số {line['number']}, quyển số {line['book']}: "
              f"{line['paper']} của {line['owner_id']} — bản sao {made['document_id']}, ký bởi "
              f"{made['signature']['signer']}")


@certify.command("register")
@click.option("--unit", metavar="MÃ", help="Đơn vị (mặc định: mọi đơn vị).")
@click.option("--year", type=int, metavar="NĂM", help="Năm (mặc định: mọi năm).")
@click.option("-o", "output", type=paths.OUTPUT_FILE, metavar="TỆP",
              callback=paths.output_file,
              help="register.pdf (PDF/A ký số, cần --unit và --year) hoặc register.csv.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có.")
@click.option("--user", envvar="SOHOA_USER", metavar="TÊN",
              help="Người xem sổ (biến môi trường SOHOA_USER; mặc định người dùng hệ điều "
                   "hành), ghi vào nhật ký truy cập.")
@click.option("--purpose", metavar="MỤC_ĐÍCH",
              help="Mục đích xem/in/xuất sổ, ghi vào nhật ký truy cập.")
@click.option("--json", "as_json", is_flag=True, help="In các dòng của sổ dạng JSON.")
@pass_state
def certify_register(state: State, unit: str | None, year: int | None, output: Path | None,
                     force: bool, user: str | None, purpose: str | None,
                     as_json: bool) -> None:
    """Sổ chứng thực, theo thứ tự số; mỗi lần xem sổ đều ghi vào nhật ký truy cập tên người
    xem (các dòng trong sổ có tên công dân đã yêu cầu chứng thực)."""
    from sohoa.errors import ConfigError
    from sohoa.pipeline import certregister
    from sohoa.pipeline.lookup import cli_caller

    caller = cli_caller(state.settings, user)
    if output is not None:
        suffix = output.suffix.lower()
        if suffix not in (".pdf", ".csv"):
            raise ConfigError(f"{output.name}: chỉ ghi được .pdf hoặc .csv")
        paths.refuse_overwrite(output, force)
        if suffix == ".pdf":
            if not unit or not year:
                raise ConfigError("in sổ chứng thực cần --unit và --year (mỗi đơn vị một sổ "
                                  "mỗi năm)")
            signer = certregister.ready_signer(state.settings)
            entries = certregister.lines(state.settings, caller, unit=unit, year=year,
                                         purpose=purpose or f"in sổ chứng thực {unit} năm {year}")
            data = certregister.draw_register(state.settings, entries, unit=unit, year=year,
                                              signer=signer)
        else:
            entries = certregister.lines(state.settings, caller, unit=unit, year=year,
                                         purpose=purpose or "xuất sổ chứng thực ra tệp CSV")
            data = certregister.to_csv(entries)
        output.write_bytes(data)
    else:
        entries = certregister.lines(state.settings, caller, unit=unit, year=year,
                                     purpose=purpose)
    if as_json:
        emit_json([entry.to_json() for entry in entries])
        return
    for e in entries:
        out.print(f"{e.number:>5} {e.book} {e.certified_on:%d/%m/%Y} {e.owner_id or '—'} "
                  f"{e.paper} — {e.official} ({e.official_title}), "
                  f"{certregister.STATUS_NAMES.get(e.status, e.status)}"
                  f"{' ' + e.document_id if e.document_id else ''}")
    if not entries:
        out.print("sổ chứng thực chưa có số nào")
    if output is not None:
        out.print(f"đã ghi {output}")


COMMANDS = [certify]
