"""Dossiers and procedures: open a dossier as the one-stop system announces it, reuse stored
documents for its components, move its status, add its result, report the plan's KPIs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from sohoa.cli import paths
from sohoa.cli.options import DAY_FORMS, MOMENT_FORMS, moment_text, parse_day
from sohoa.cli.output import emit_json, out, type_name
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_date, shown_moment
from sohoa.records import (
    SATISFIED_NAMES,
    UNASSIGNED_PREFIX,
    DossierState,
    given_dossier_code,
    party_marks,
    shown_dossier_code,
)
from sohoa.vntext import shown_number, shown_percent
from sohoa.vocabulary import DIGITIZED_COPY, ORIGINAL, PAPER_FORM_NAMES

_SATISFIED = SATISFIED_NAMES


def _who(by: str | None) -> str:
    from sohoa.pipeline.lookup import os_user

    return (by or "").strip() or os_user()


def by_option(command: Any) -> Any:
    return click.option("--by", "by", envvar="SOHOA_USER",
                        metavar="TÊN",
                        help="Ai thực hiện, ghi vào nhật ký (biến môi trường SOHOA_USER; mặc "
                             "định: người dùng hệ điều hành).")(command)


def _local(at: datetime) -> str:
    """An instant as desk staff read it: Vietnamese local time."""
    from sohoa.clock import VIETNAM as VN

    return at.astimezone(VN).strftime("%d/%m/%Y %H:%M")


# Said wherever a placeholder of loose papers (UNASSIGNED-…) is shown: what it is, and how one
# of its papers serves a dossier (no command moves a paper to another dossier).
UNASSIGNED_LINE = ("chưa gán hồ sơ: trang không có phiếu mã hồ sơ hoặc giấy tiếp nhận không "
                   "đọc được mã; giấy tờ vẫn tra cứu được "
                   "(sohoa search); giấy tiếp nhận không đọc được mã: nhập mã in trên giấy "
                   "(sohoa review set MÃ_GIẤY_TỜ \"Mã hồ sơ\" MÃ_HỒ_SƠ), các giấy tờ theo sau "
                   "được chuyển cùng; để dùng một giấy tờ cho hồ sơ khác: sohoa dossier reuse "
                   "MÃ_HỒ_SƠ MÃ_GIẤY_TỜ")


def print_state(state: DossierState, level_name: str | None = None) -> None:
    from sohoa.pipeline.dossierdesk import CHANNEL_NAMES, DOSSIER_STATUS_NAMES

    out.print(f"[bold]Hồ sơ {state.code}[/] — {state.procedure_name or '(chưa rõ thủ tục)'} "
              f"({state.procedure_code or '—'})")
    level = level_name or state.unit_level or "—"
    channel = CHANNEL_NAMES.get(state.channel or "", state.channel or "—")
    out.print(f"  đơn vị {state.unit or '—'} ({level.lower()}), kênh {channel}, "
              f"người nộp {state.owner_id or '—'}")
    received = _local(state.received_at) if state.received_at else (
        shown_date(state.received_date))
    out.print(f"  tiếp nhận {received}, hẹn trả {shown_date(state.appointment_date)}, "
              f"trạng thái {DOSSIER_STATUS_NAMES.get(state.status or '', state.status or '—')}")
    for c, party in zip(state.components, party_marks(state.components), strict=True):
        mark = "✓" if c.satisfied else ("✗" if c.required else "·")
        doc = f" {c.document_id}" if c.document_id else ""
        code = f" [{c.digitization_code}]" if c.digitization_code else ""
        out.print(f"  {mark} {c.code} {c.name}{party}{' (bắt buộc)' if c.required else ''}: "
                  f"{_SATISFIED.get(c.satisfied, c.satisfied)}{doc}{code}")
    for r in state.results:
        out.print(f"  kết quả {r.document_id} [{r.digitization_code}] "
                  f"{PAPER_FORM_NAMES[ORIGINAL if r.born_digital else DIGITIZED_COPY]}, "
                  f"hiệu lực đến {shown_date(r.valid_until) if r.valid_until else 'vĩnh viễn'}")
    # papers scanned under its code sheet that fill no component nor are a result: said too,
    # or a paper filed here by a wrong sheet could not be found from the dossier (tester12 F20)
    listed = {c.document_id for c in state.components} | {r.document_id for r in state.results}
    others = [d for d in state.documents if d not in listed]
    if others:
        out.print(f"  giấy tờ khác trong hồ sơ (không thuộc thành phần nào; xem: sohoa show "
                  f"MÃ): {', '.join(others)}")
    for h in state.history:
        out.print(f"  {_local(h.at)} {DOSSIER_STATUS_NAMES.get(h.status, h.status)} "
                  f"({h.recorded_by})")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Mỗi thủ tục một dòng JSON.")
@pass_state
def procedures(state: State, as_json: bool) -> None:
    """Danh mục thủ tục hành chính: thành phần hồ sơ, loại kết quả, có trả kết quả giấy không,
    số ngày giải quyết."""
    from sohoa.pipeline.dossierdesk import catalogue

    for proc in catalogue(state.settings):
        if as_json:
            emit_json(proc.to_json())
            continue
        paper = "trả kết quả bằng giấy" if proc.paper_result else "không trả kết quả giấy"
        out.print(f"[bold]{proc.code}[/] {proc.name} — kết quả {proc.result_code} "
                  f"({proc.result_name}), {paper}, {proc.processing_days} ngày làm việc")
        for c in proc.components:
            each = f", mỗi bên một giấy ({c.parties} bên)" if c.parties > 1 else ""
            out.print(f"  {c.code} {c.name} [{c.doc_type}]"
                      f"{' (bắt buộc)' if c.required else ''}{each}")


@click.group()
def dossier() -> None:
    """Hồ sơ từ hệ thống một cửa: mở, xem, dùng lại giấy tờ, chuyển trạng thái, liệt kê."""


@dossier.command("open")
@click.argument("code", metavar="MÃ_HỒ_SƠ")
@click.option("--procedure", required=True, metavar="MÃ_TTHC",
              help="Mã thủ tục hành chính (xem `sohoa procedures`).")
@click.option("--owner", required=True, metavar="SỐ_ĐỊNH_DANH",
              help="Số định danh cá nhân hoặc mã số tổ chức của người nộp.")
@click.option("--unit", required=True, metavar="MÃ",
              help="Mã đơn vị tiếp nhận (units.toml).")
@click.option("--received", metavar="THỜI_ĐIỂM",
              help=f"Thời điểm tiếp nhận ({MOMENT_FORMS}; không ghi múi giờ thì là giờ Việt Nam "
                   "+07:00; mặc định: bây giờ).")
@click.option("--channel", type=click.Choice(["counter", "postal", "online"]),
              default="counter", show_default=True,
              help="Kênh nộp: counter (trực tiếp tại quầy), postal (bưu chính), online (trực "
                   "tuyến).")
@click.option("--appointment", metavar="NGÀY",
              help=f"Ngày hẹn trả kết quả, {DAY_FORMS} (mặc định: cộng số ngày làm việc giải "
                   "quyết của thủ tục vào ngày tiếp nhận).")
@by_option
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def dossier_open(state: State, code: str, procedure: str, owner: str, unit: str,
                 received: str | None, channel: str, appointment: str | None, by: str | None,
                 as_json: bool) -> None:
    """Mở một hồ sơ (mở lại đúng hồ sơ đó lần nữa thì không thay đổi gì)."""
    from sohoa.pipeline import dossierdesk

    with dossierdesk.with_archive(state.settings) as archive:
        result, changed = dossierdesk.open_dossier(
            archive, state.settings, code, procedure=procedure, owner=owner, unit=unit,
            received=dossierdesk.parse_instant(moment_text(received, "--received"),
                                               "--received"), channel=channel,
            appointment=parse_day(appointment, "--appointment"), by=_who(by))
    if as_json:
        emit_json({**result.to_json(), "changed": changed})
        return
    out.print("đã mở hồ sơ" if changed else "hồ sơ đã được mở trước đó, không thay đổi")
    print_state(result, dossierdesk.level_name(state.settings, result.unit_level))


@dossier.command("show")
@click.argument("code", metavar="MÃ_HỒ_SƠ")
@click.option("--user", envvar="SOHOA_USER", metavar="TÊN",
              help="Ai đang xem, để ghi nhật ký truy cập (biến môi trường SOHOA_USER; mặc định: "
                   "người dùng của hệ điều hành).")
@click.option("--purpose", envvar="SOHOA_PURPOSE", metavar="MỤC_ĐÍCH",
              help="Xem để làm gì (mặc định: giải quyết hồ sơ này; biến môi trường "
                   "SOHOA_PURPOSE). Được ghi vào nhật ký truy cập.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def dossier_show(state: State, code: str, user: str | None, purpose: str | None,
                 as_json: bool) -> None:
    """Một hồ sơ: các thành phần và cách đáp ứng từng thành phần, kết quả, lịch sử trạng
    thái. Mỗi lần xem được ghi vào nhật ký truy cập (hồ sơ có số định danh của người nộp)."""
    from sohoa.pipeline import dossierdesk
    from sohoa.pipeline.lookup import cli_caller

    # The applicant's ID number and papers are personal data: read through the desk, as the
    # HTTP API does, so the read is in the access log under who ran it (tester10 F37).
    caller = cli_caller(state.settings, user)
    loose = given_dossier_code(code).startswith(UNASSIGNED_PREFIX)
    with dossierdesk.with_archive(state.settings) as archive:
        desk = dossierdesk.Desk(archive, state.settings)
        result = desk.show(caller, purpose, code)
        # a placeholder of loose papers holds nothing but its papers: list them (tester11 F6)
        papers = desk.papers(caller, purpose, result) if loose else None
    if as_json:
        emit_json({**result.to_json(), **({"papers": papers} if loose else {})})
    elif loose:
        _print_loose(result, papers or [])
    else:
        print_state(result, dossierdesk.level_name(state.settings, result.unit_level))


def _print_loose(state: DossierState, papers: list[dict[str, Any]]) -> None:
    out.print(f"[bold]{shown_dossier_code(state.code)}[/] {state.unit or '—'}: {UNASSIGNED_LINE}",
              soft_wrap=True)
    for p in papers:
        owner = " ".join(x for x in (p["owner_id"], p.get("owner_name")) if x) or "—"
        review = " [yellow]cần rà soát[/]" if p["needs_review"] else ""
        gone = "" if p["status"] == "stored" else f" ({p['status']})"
        out.print(f"  {p['document_id']} {escape(type_name(p['doc_type']))}, chủ giấy tờ "
                  f"{escape(owner)}{review}{gone}", soft_wrap=True)
    if not papers:
        out.print("  (không còn giấy tờ nào)")


@dossier.command("reuse")
@click.argument("code", metavar="MÃ_HỒ_SƠ")
@click.argument("document_id", metavar="MÃ_GIẤY_TỜ")
@click.option("--component", metavar="THÀNH_PHẦN",
              help="Mã hoặc tên thành phần hồ sơ (mặc định: thành phần còn thiếu đầu tiên "
                   "đúng loại của giấy tờ).")
@click.option("--from-store", is_flag=True,
              help="Giấy tờ lấy từ kho dữ liệu của công dân, tổ chức (Kho dữ liệu).")
@click.option("--purpose", envvar="SOHOA_PURPOSE", metavar="MỤC_ĐÍCH",
              help="Mục đích (mặc định: giải quyết hồ sơ này; biến môi trường SOHOA_PURPOSE). "
                   "Được ghi vào nhật ký kiểm toán.")
@by_option
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def dossier_reuse(state: State, code: str, document_id: str, component: str | None,
                  from_store: bool, purpose: str | None, by: str | None, as_json: bool) -> None:
    """Dùng lại một giấy tờ còn hiệu lực của người nộp đã có trong kho cho một thành phần hồ
    sơ (không quét lại)."""
    from sohoa.pipeline import dossierdesk

    with dossierdesk.with_archive(state.settings) as archive:
        comp, changed = dossierdesk.reuse(
            archive, code, document_id, component=component, by=_who(by), purpose=purpose,
            from_store=from_store)
    if as_json:
        emit_json({"dossier": code.strip(), "component": comp.code, "name": comp.name,
                   "document_id": comp.document_id, "satisfied": comp.satisfied,
                   "digitization_code": comp.digitization_code, "changed": changed})
        return
    verb = "đã ghi nhận dùng lại" if changed else "đã dùng lại trước đó, không thay đổi"
    out.print(f"{verb}: giấy tờ {comp.document_id} cho thành phần {comp.code} {comp.name} "
              f"của hồ sơ {code.strip()}")


def _status_callback(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """The status's code or its Vietnamese name as listings print it ("da tra ket qua")."""
    from sohoa.errors import ConfigError
    from sohoa.pipeline.dossierdesk import status_code

    try:
        return status_code(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from None


@dossier.command("status")
@click.argument("code", metavar="MÃ_HỒ_SƠ")
@click.argument("status", metavar="TRẠNG_THÁI", callback=_status_callback)
@click.option("--at", metavar="THỜI_ĐIỂM",
              help=f"Thời điểm ({MOMENT_FORMS}; không ghi múi giờ thì là giờ Việt Nam +07:00; mặc "
                   "định: bây giờ).")
@click.option("--note", metavar="GHI_CHÚ", help="Ghi chú lưu kèm lần chuyển trạng thái.")
@click.option("--correct", is_flag=True,
              help="Sửa thời điểm đã ghi nhầm của bước cuối (returned, khi đang là bước hiện "
                   "tại) thành --at, kèm --reason.")
@click.option("--reason", metavar="LÝ_DO", help="Vì sao sửa (với --correct; được ghi lại).")
@by_option
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def dossier_status(state: State, code: str, status: str, at: str | None, note: str | None,
                   correct: bool, reason: str | None, by: str | None, as_json: bool) -> None:
    """Ghi một lần chuyển trạng thái của hồ sơ (ghi lại đúng lần đó lần nữa thì không thay
    đổi gì). TRẠNG_THÁI là mã (queued, received, processing, supplement, resolved, returned,
    rejected) hoặc tên như danh sách in ra, có dấu hay không ("đã trả kết quả"). Thời điểm
    trả kết quả (returned) đã ghi nhầm được sửa bằng --correct --at THỜI_ĐIỂM_ĐÚNG --reason
    '…'."""
    from sohoa.pipeline import dossierdesk

    if correct:
        if not at:
            raise click.UsageError("--correct cần --at: thời điểm đúng của bước này")
        if note:
            raise click.UsageError("--note không dùng với --correct: lý do sửa ghi ở --reason")
        with dossierdesk.with_archive(state.settings) as archive:
            result, old, changed = dossierdesk.correct_moment(
                archive, code, status, at=dossierdesk.parse_instant(moment_text(at, "--at")),
                by=_who(by), reason=reason or "")
        if as_json:
            emit_json({**result.to_json(), "changed": changed,
                       "corrected_from": old.isoformat()})
            return
        name = dossierdesk.DOSSIER_STATUS_NAMES.get(status, status)
        if not changed:
            out.print(f"hồ sơ {result.code}: {name} đã ghi lúc {shown_moment(old)} "
                      "(đã có, không thay đổi)", soft_wrap=True)
            return
        fixed = next((s.at for s in reversed(result.history) if s.status == status), None)
        out.print(f"hồ sơ {result.code}: đã sửa thời điểm {name} từ {shown_moment(old)} thành "
                  f"{shown_moment(fixed)}", soft_wrap=True)
        return
    if reason:
        raise click.UsageError("--reason chỉ dùng với --correct")
    when = dossierdesk.parse_instant(moment_text(at, "--at"))
    with dossierdesk.with_archive(state.settings) as archive:
        result, changed = dossierdesk.set_status(archive, code, status, at=when, by=_who(by),
                                                 note=note)
    if as_json:
        emit_json({**result.to_json(), "changed": changed})
        return
    # the clerk reads the state's name; the code stays in --json, where integrators read it
    name = dossierdesk.DOSSIER_STATUS_NAMES.get(status, status)
    out.print(f"hồ sơ {result.code}: {name}" + ("" if changed else " (đã có, không thay đổi)"))
    recorded = [s.at for s in result.history if s.status == status]
    if not changed and when is not None and recorded and all(
            shown_moment(r) != shown_moment(when) for r in recorded):
        # A once-only step given at another moment: the recorded one stays; say where it is
        # and how a mistyped moment is put right, or the clerk believes the new one was taken.
        if status in dossierdesk.CORRECTABLE:
            fix = (f"sohoa dossier status {result.code} {status} --correct --at … "
                   "--reason …")
        elif status in ("received", "queued"):  # the receipt is the one-stop system's fact
            fix = "sửa ở hệ thống một cửa (thời điểm tiếp nhận do hệ thống đó công bố)"
        else:  # it times the on-time indicators of reports that may be issued already
            fix = "sửa ở hệ thống một cửa (sohoa chỉ sửa thời điểm Đã trả kết quả)"
        out.print(f"  bước này đã ghi lúc {shown_moment(recorded[0])}; nếu thời điểm đó sai: "
                  f"{fix}", soft_wrap=True)
    if changed and result.status != status:
        # A step recorded at an earlier moment than the latest one goes into the history only:
        # say so, or the clerk reads a status `dossier show` does not have.
        now = dossierdesk.DOSSIER_STATUS_NAMES.get(result.status or "", result.status)
        out.print(f"  đã ghi vào lịch sử; trạng thái hiện tại vẫn là {now} (từ "
                  f"{shown_moment(result.status_at)}, sau thời điểm vừa ghi)", soft_wrap=True)


@dossier.command("list")
@click.option("--unit", metavar="MÃ", help="Chỉ đơn vị tiếp nhận này.")
@click.option("--from", "date_from", metavar="NGÀY", help=f"Tiếp nhận từ ngày này ({DAY_FORMS}).")
@click.option("--to", "date_to", metavar="NGÀY", help=f"Tiếp nhận đến ngày này ({DAY_FORMS}).")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              metavar="SỐ", help="Số hồ sơ tối đa.")
@click.option("--json", "as_json", is_flag=True, help="Mỗi hồ sơ một dòng JSON.")
@pass_state
def dossier_list(state: State, unit: str | None, date_from: str | None, date_to: str | None,
                 limit: int, as_json: bool) -> None:
    """Các hồ sơ tiếp nhận trong một khoảng thời gian, mới nhất trước."""
    from sohoa.pipeline import dossierdesk

    with dossierdesk.with_archive(state.settings) as archive:
        rows = dossierdesk.listing(archive, unit=unit, date_from=parse_day(date_from, "--from"),
                                   date_to=parse_day(date_to, "--to"), limit=limit)
    if as_json:
        for row in rows:
            emit_json(row)
        return
    if not rows:
        out.print("không có hồ sơ nào")
        return
    names = dossierdesk.DOSSIER_STATUS_NAMES
    for r in rows:
        _print_listed(r, names)
        if r.get("same_as"):
            out.print(f"  có thể là cùng một hồ sơ với {', '.join(r['same_as'])} (mã hồ sơ quốc "
                      "gia và phần cuối của nó, đọc từ cùng một giấy tiếp nhận ở các lần quét "
                      "khác nhau): đối chiếu rồi chuyển giấy tờ về một mã (sohoa review set "
                      "MÃ_GIẤY_TỜ \"Mã hồ sơ\" MÃ_HỒ_SƠ)", markup=False, soft_wrap=True)


def _print_listed(r: dict[str, Any], names: dict[str, str]) -> None:
    if r.get("unassigned"):
        # Not a dossier: the pages came without a dossier-code sheet (born-digital files,
        # loose scans), or behind a receipt whose code was not read. Their papers are
        # stored and found by search; `review set … "Mã hồ sơ"` files them.
        last = (f", lưu gần nhất {shown_moment(r['last_stored_at'])}"
                if r.get("last_stored_at") else "")
        group = r["code"][len(UNASSIGNED_PREFIX):]
        out.print(f"{shown_dossier_code(r['code'])} {r['unit'] or '—'}: {r.get('papers', 0)} "
                  f"giấy tờ{last}; {UNASSIGNED_LINE}; xem từng giấy tờ: sohoa dossier show "
                  f"\"nhóm {group}\"",
                  soft_wrap=True)
        return
    if r["received_at"] is None and r["status"] is None:
        # Its code was read from a scanned receipt; the dossier itself was never opened
        # here, so there is no procedure or status to show: say what it is.
        day = f" {shown_date(r['received_date'])}" if r["received_date"] else ""
        out.print(f"{r['code']}{day} {r['unit'] or '—'}: chỉ biết từ phiếu tiếp nhận đã "
                  "quét (chưa mở hồ sơ ở đây)", soft_wrap=True)
        return
    comps = ", ".join(f"{_SATISFIED.get(k if k != 'missing' else None, k)} {n}"
                      for k, n in sorted(r["components"].items()))
    out.print(f"{r['code']} {shown_date(r['received_date'])} {r['unit'] or '—'} "
              f"{r['procedure_name'] or '—'} "
              f"[{names.get(r['status'] or '', r['status'] or '—')}]"
              + (f" {comps}" if comps else ""))


@click.group()
def result() -> None:
    """Kết quả giải quyết thủ tục hành chính của hồ sơ."""


@result.command("add")
@click.argument("code", metavar="MÃ_HỒ_SƠ")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), metavar="TỆP")
@click.option("--scanned", is_flag=True,
              help="Kết quả bằng giấy: số hóa như mọi giấy tờ khác (nhận dạng chữ, PDF/A, ký "
                   "số). Không có tùy chọn này thì TỆP là kết quả điện tử đã ký số, được kiểm "
                   "tra chữ ký rồi lưu nguyên trạng.")
@click.option("--issued", metavar="THỜI_ĐIỂM",
              help=f"Thời điểm ban hành ({MOMENT_FORMS}; mặc định: bây giờ).")
@by_option
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def result_add(state: State, code: str, file: Path, scanned: bool, issued: str | None,
               by: str | None, as_json: bool) -> None:
    """Thêm kết quả giải quyết của một hồ sơ: cấp mã số hóa, thời hạn hiệu lực, chủ sở hữu
    dùng lại được."""
    from sohoa.pipeline import dossierdesk, results

    with dossierdesk.with_archive(state.settings) as archive:
        outcome = results.add_result(archive, state.settings, code, file, scanned=scanned,
                                     by=_who(by),
                                     issued_at=dossierdesk.parse_instant(
                                         moment_text(issued, "--issued"), "--issued"))
    if as_json:
        emit_json(outcome)
        return
    r = outcome["result"]
    out.print(f"kết quả của hồ sơ {outcome['dossier']}: giấy tờ {outcome['document_id']} "
              f"mã số hóa {r['digitization_code']}, hiệu lực đến "
              f"{shown_date(r['valid_until']) if r['valid_until'] else 'vĩnh viễn'}"
              + ("" if outcome["changed"] else " (đã có, không thay đổi)"))


@click.group()
def report() -> None:
    """Báo cáo cho lãnh đạo."""


@report.command("kpi")
@click.option("--from", "date_from", required=True, metavar="NGÀY",
              help=f"Ngày đầu kỳ ({DAY_FORMS}).")
@click.option("--to", "date_to", required=True, metavar="NGÀY",
              help=f"Ngày cuối kỳ ({DAY_FORMS}).")
@click.option("--unit", metavar="MÃ", help="Chỉ đơn vị này.")
@click.option("--level", metavar="CẤP", help="Chỉ cấp này (units.toml: tinh, xa, …).")
@click.option("-o", "output", type=paths.OUTPUT_FILE, metavar="TỆP",
              callback=paths.output_file,
              help="Ghi báo cáo ra report.html, hoặc report.pdf (PDF/A có ký số).")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có (-o).")
@click.option("--explain", metavar="MÃ_CHỈ_SỐ",
              help="Liệt kê các hồ sơ được tính vào một chỉ số.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def report_kpi(state: State, date_from: str, date_to: str, unit: str | None, level: str | None,
               output: Path | None, force: bool, explain: str | None, as_json: bool) -> None:
    """Các chỉ số số hóa theo QĐ 766, chỉ tiêu kế hoạch, năng suất, thời gian giải quyết, xu
    hướng theo tháng."""
    from sohoa.pipeline import dossierdesk, kpi, kpireport
    from sohoa.pipeline.sync import register_kpi_source

    if output is not None:
        paths.refuse_overwrite(output, force)  # as `get` and `sign`, before any work
    settings = state.settings
    register_kpi_source(settings)  # the portal's sync ratio, when a target is configured
    period = kpi.Period(parse_day(date_from, "--from"), parse_day(date_to, "--to"))  # type: ignore[arg-type]
    data_files = {"catalogue": dossierdesk.catalogue(settings),
                  "units": dossierdesk.units(settings), "rules": dossierdesk.kpi_rules(settings)}
    with dossierdesk.with_archive(settings) as archive:
        if explain:
            listing = kpi.explain(archive, period, explain, unit=unit, level=level,
                                  **data_files)  # type: ignore[arg-type]
        else:
            made = kpi.compute(archive, period, unit=unit, level=level,
                               **data_files)  # type: ignore[arg-type]
            members = (kpi.explain_all(archive, period, unit=unit, level=level,
                                       **data_files)  # type: ignore[arg-type]
                       if output and sum(u["received"] for u in made.units)
                       <= kpireport.EXPLAIN_INLINE else None)
    if explain:
        if as_json:
            emit_json(listing)
            return
        out.print(f"{listing['code']} {listing['name']}: {listing['numerator']}/"
                  f"{listing['denominator']}")
        for item in listing["items"]:
            out.print(f"  {'✓' if item['counted'] else '✗'} {item['id']}")
        return
    written = kpireport.write(made, output, settings, members=members) if output else None
    if as_json:
        emit_json(made.to_json())
        return
    data = made.to_json()
    if written:
        # the report is in the file: one line, not the table again (the demo printed it three
        # times over)
        out.print(f"đã ghi {written['path']}: chỉ số số hóa {shown_date(data['period']['from'])}"
                  f" – {shown_date(data['period']['to'])}")
        return
    out.print(f"[bold]Chỉ số số hóa {shown_date(data['period']['from'])} – "
              f"{shown_date(data['period']['to'])}[/]")
    for i in data["indicators"]:
        target = ("" if i["target"] is None
                  else f" (chỉ tiêu {shown_number(i['target'], 2, trim=True)}%)")
        # a manager reads the indicator's name; the code stays for whoever checks the JSON
        out.print(f"  {i.get('name') or i['code']} [{i['code']}]: "
                  f"{i['numerator']}/{i['denominator']} = "
                  f"{shown_percent(i['ratio'])}, điểm {shown_number(i['points'], 2)}/"
                  f"{shown_number(i['max_points'], 2, trim=True)}"
                  f"{target}", markup=False, soft_wrap=True)
    for u in data["units"]:
        out.print(f"  {u['unit']} {u['name']}: {u['received']} hồ sơ, "
                  f"{shown_number(u['productivity'], 2, trim=True)} hồ sơ/người/năm")


COMMANDS = [procedures, dossier, result, report]
