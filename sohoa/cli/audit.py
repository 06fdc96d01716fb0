"""Archivists: the hash-chained audit log (and, with --owner, the access log)."""

from __future__ import annotations

from pathlib import Path

import click

from sohoa.cli.output import emit_json, err, out
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_moment
from sohoa.errors import EXIT_OK, EXIT_VERIFY_FAILED

_LOGS = {"audit": "nhật ký hệ thống", "access": "nhật ký truy cập"}


@click.group()
def audit() -> None:
    """Nhật ký kiểm toán: các mục nối thành chuỗi bằng mã băm, sửa một mục là lộ."""


@audit.command("verify")
@click.option("--checkpoint", "checkpoints", multiple=True,
              type=click.Path(path_type=Path, exists=True),
              metavar="ĐƯỜNG_DẪN",
              help="Đối chiếu thêm với tệp mốc hoặc gói xuất BagIt này (dùng được nhiều lần).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def audit_verify(state: State, checkpoints: tuple[Path, ...], as_json: bool) -> None:
    """Tính lại cả hai chuỗi (nhật ký kiểm toán, nhật ký truy cập) và đối chiếu với mọi mốc đã
    ký (các mốc lưu trong kho và các mốc được chỉ ra); mục bị sửa, bị xóa, nhật ký bị cắt bớt
    hay viết lại đều được báo (mã thoát 4)."""
    from sohoa.pipeline import anchors

    report = anchors.verify(state.settings, checkpoints)
    ok = report["valid"]
    if as_json:
        emit_json(report)
    else:
        for problem in report["problems"]:
            out.print(f"[red]vấn đề[/]: {problem}")
        latest = report["latest_checkpoint"]
        if latest is None:
            out.print("[yellow]chưa có mốc nào[/]: nếu phần cuối nhật ký bị cắt hay viết lại "
                      "thì không phát hiện được; tạo mốc bằng: sohoa audit checkpoint")
        else:
            since = ", ".join(f"{n} mục {_LOGS.get(k, k)}"
                              for k, n in report["unanchored"].items())
            out.print(f"{report['checkpoints']} mốc, mốc mới nhất lúc "
                      f"{shown_moment(latest['at'], seconds=True)}; ghi thêm từ đó "
                      f"(chưa có mốc): {since}")
        out.print("nhật ký: " + ("[green]nguyên vẹn[/]" if ok else "[red]ĐÃ BỊ CAN THIỆP[/]"))
    raise SystemExit(EXIT_OK if ok else EXIT_VERIFY_FAILED)


@audit.command("checkpoint")
@click.option("--reason", default="định kỳ", show_default=True, metavar="LÝ_DO",
              help="Lý do (ghi vào nhật ký).")
@click.option("--by", "by", envvar="SOHOA_USER", metavar="TÊN",
              help="Ai thực hiện (biến môi trường SOHOA_USER; mặc định: người dùng của hệ điều "
                   "hành).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def audit_checkpoint(state: State, reason: str, by: str | None, as_json: bool) -> None:
    """Ký số đầu chuỗi hiện tại của hai nhật ký bằng khóa của cơ quan, lưu làm mốc trong kho
    (chạy định kỳ bằng cron: nhờ các mốc, phần nhật ký đến mốc mới nhất mà bị cắt bớt hay viết
    lại đều phát hiện được)."""
    from sohoa.cli.options import who
    from sohoa.pipeline import anchors

    payload = anchors.checkpoint(state.settings, reason=reason, by=who(by))
    if as_json:
        emit_json(payload)
    else:
        h = payload["heads"]
        out.print(f"đã ký mốc lúc {shown_moment(payload['at'], seconds=True)}: nhật ký hệ "
                  "thống đến mục "
                  f"{h['audit']['seq']}, nhật ký truy cập đến mục {h['access']['seq']}")


@audit.command("show")
@click.option("--target", metavar="MÃ",
              help="Chỉ các sự kiện về giấy tờ, chủ sở hữu hay hồ sơ này (với một giấy tờ thì "
                   "kèm cả các lượt xem nó trong nhật ký truy cập).")
@click.option("--owner", metavar="SỐ_ĐỊNH_DANH",
              help="Ai đã xem giấy tờ của chủ sở hữu này (nhật ký truy cập).")
@click.option("--limit", type=int, default=50, show_default=True, metavar="SỐ",
              help="Số sự kiện tối đa.")
@click.option("--json", "as_json", is_flag=True, help="Mỗi sự kiện một dòng JSON.")
@pass_state
def audit_show(state: State, target: str | None, owner: str | None, limit: int,
               as_json: bool) -> None:
    """Liệt kê các sự kiện trong nhật ký kiểm toán, mới nhất trước; với --owner thì là các lượt
    xem dữ liệu của chủ sở hữu đó."""
    from sohoa.pipeline.services import open_archive

    if owner:
        from sohoa.cli.integrator import print_access

        print_access(state, owner, limit, as_json)
        return
    given = target
    with open_archive(state.settings) as archive:
        if target:
            target = archive.audit_target(target)
        events = archive.audit_events(target=target, limit=limit)
    for event in events:
        if as_json:
            emit_json(event)
        else:
            action = str(event.get("action") or "")
            out.print(f"{shown_moment(event.get('at'), seconds=True)}  {event.get('actor')}  "
                      f"{ACTIONS.get(action, action)}  {event.get('target') or ''}"
                      f"{_said_detail(action, event.get('detail') or {})}",
                      markup=False, soft_wrap=True)
    if target:
        from sohoa.cli.integrator import print_reads
        from sohoa.pipeline import lookup

        # A document's history includes who read it (the access log), owner known or not.
        reads = lookup.access_log(state.settings, document=target, limit=limit)
        print_reads(reads, as_json,
                    heading=f"các lượt xem {target} (mới nhất trước, giờ Việt Nam):")
        if not events and not reads and not as_json:
            # A blank answer read as "nothing happened" to a code typed in another form.
            err.print(f"không có sự kiện nào về {given} trong nhật ký; --target nhận mã hồ sơ, "
                      "mã giấy tờ (đủ hoặc từ 4 ký tự đầu), số định danh của chủ sở hữu, hoặc "
                      "dạng `dossier:MÃ_HỒ_SƠ`", markup=False, soft_wrap=True)


def _said_detail(action: str, detail: dict) -> str:
    """What an event's detail adds that a reader needs without --json: a dossier's status
    move (from → to, and the moment it happened, not when it was typed)."""
    if action == "document.code_changed":
        return f": {detail.get('old') or '—'} → {detail.get('new') or 'chưa cấp'}"
    if action not in ("dossier.status", "dossier.status_corrected") or not detail.get("status"):
        return ""
    from sohoa.pipeline.dossierdesk import DOSSIER_STATUS_NAMES as names

    if action == "dossier.status_corrected":
        return (f": {names.get(detail['status'], detail['status'])} từ "
                f"{shown_moment(detail.get('from_at'))} thành {shown_moment(detail.get('at'))}"
                f" ({detail.get('reason') or ''})")
    to = names.get(detail["status"], detail["status"])
    was = detail.get("from")
    when = f" (lúc {shown_moment(detail['at'])})" if detail.get("at") else ""
    if detail.get("current") is False and was:  # a late report: no move happened
        return (f": {to}{when}; chỉ ghi vào lịch sử, trạng thái hiện tại vẫn là "
                f"{names.get(was, was)}")
    return f": {names.get(was, was)} → {to}{when}" if was else f": → {to}{when}"


# What each audit event is, as an archivist or inspector reads it (--json keeps the codes).
ACTIONS = {
    "home.init": "tạo kho", "job.started": "bắt đầu lô", "job.finished": "xong lô",
    "job.failed": "lô dừng vì lỗi", "job.interrupted": "lô bị gián đoạn",
    "document.stored": "lưu giấy tờ", "document.disposed": "hủy giấy tờ",
    "document.code_changed": "đổi mã số hóa giấy tờ",
    "document.rescanned": ("quét lại giấy tờ đã lưu (cùng nội dung chữ in: ảnh giữ kèm giấy "
                           "tờ, không lưu thêm giấy tờ)"),
    "input.quarantined": "cách ly tệp", "input.retried": "chạy lại tệp bị cách ly",
    "input.dismissed": "bỏ qua tệp bị cách ly",
    "input.refiled": "bản sửa của tệp bị cách ly vẫn bị cách ly",
    "index.rebuilt": "dựng lại chỉ mục tìm kiếm",
    "review.accepted": "rà soát chấp nhận giấy tờ", "review.corrected": "rà soát sửa trường",
    "review.confirmed": "rà soát xác nhận trường", "dossier.opened": "mở hồ sơ",
    "dossier.status": "đổi trạng thái hồ sơ", "dossier.reused": "dùng lại giấy tờ cho hồ sơ",
    "dossier.status_corrected": "sửa thời điểm trạng thái hồ sơ",
    "dossier.result": "ghi kết quả hồ sơ", "certification.allocated": "cấp số chứng thực",
    "certification.issued": "chứng thực bản sao", "certification.spoiled": "hủy số chứng thực",
    "hold.placed": "đặt lệnh giữ", "hold.released": "gỡ lệnh giữ",
    "retention.override_set": "đặt thời hạn bảo quản riêng",
    "retention.override_cleared": "bỏ thời hạn bảo quản riêng",
    "retention.dossier_closed": "ghi ngày đóng hồ sơ (tính thời hạn bảo quản)",
    "retention.owner_died": "ghi ngày chủ sở hữu mất (tính thời hạn bảo quản)",
    "disposal.proposed": "lập danh mục hủy", "disposal.approved": "phê duyệt danh mục hủy",
    "disposal.cancelled": "hủy bỏ danh mục hủy", "disposal.started": "bắt đầu hủy",
    "disposal.resumed": "tiếp tục hủy", "disposal.deleting": "xóa tệp khi hủy",
    "disposal.skipped": "giữ lại khi hủy",
    "disposal.executed": "xong đợt hủy", "fixity.checked": "kiểm tra toàn vẹn",
    "fixity.mismatch": "phát hiện sai lệch toàn vẹn", "token.added": "cấp mã truy cập API",
    "token.revoked": "thu hồi mã truy cập API", "signature.renewed": "gia hạn chữ ký số",
    "signature.renewal_failed": "gia hạn chữ ký số không được",
    "signatures.renewal_run": "đợt gia hạn chữ ký số", "log.checkpoint": "ký mốc nhật ký",
    "export.written": "xuất gói BagIt",
}


COMMANDS = [audit]
