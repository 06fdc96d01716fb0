"""Integrators (and the officers' web page): the HTTP API and its tokens."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from sohoa.cli.output import add_moment_column, add_whole_column, compact_table, emit_json, err, out
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_moment
from sohoa.roles import CHANNELS, READ_ACTIONS, ROLE_NAMES, ROLES


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ĐỊA_CHỈ",
              help="Địa chỉ lắng nghe (0.0.0.0 là mọi giao diện mạng: khi đó đặt TLS phía "
                   "trước).")
@click.option("--port", type=int, default=8080, show_default=True, metavar="CỔNG",
              help="Cổng lắng nghe.")
@pass_state
def serve(state: State, host: str, port: int) -> None:
    """Chạy API HTTP và trang web tra cứu cho cán bộ (/); tài liệu OpenAPI ở /docs và
    /openapi.json."""
    import signal
    import socket

    import uvicorn

    from sohoa.api import create_app
    from sohoa.errors import ConfigError

    # a port already held is said in Vietnamese (exit 2) before uvicorn's English ERROR line
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise ConfigError(f"không mở được cổng {port} trên {host}: cổng đang được một chương "
                          "trình khác dùng, hoặc địa chỉ không thuộc máy này; chọn --port "
                          "khác") from exc
    app = create_app(state.settings)
    err.print(f"sohoa API chạy tại http://{host}:{port}/ (trang web /, OpenAPI /docs); "
              "Ctrl+C để dừng")
    # uvicorn's INFO lines are English ("Started server process", "Uvicorn running on"):
    # quiet; the start and stop are said here, in Vietnamese. Its warnings and errors stay.
    # uvicorn shuts down on SIGTERM and then raises it again to the handler it found: ours
    # ends the process through the stop line instead of dying before it
    def stopped(signum: int, frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stopped)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        err.print("sohoa API đã dừng")


@click.group()
def tokens() -> None:
    """Mã truy cập API (token): mỗi mã gắn với một người dùng, một vai trò và một đơn vị."""


@tokens.command("add")
@click.argument("user", metavar="NGƯỜI_DÙNG")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="Vai trò: desk (cán bộ một cửa), officer (cán bộ chuyên môn), archivist "
                   "(lưu trữ viên), admin (quản trị), integrator (hệ thống một cửa).")
@click.option("--unit", default="", metavar="MÃ",
              help="Đơn vị của người dùng, ví dụ H19.22 (bắt buộc với desk và officer).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (kèm mã).")
@pass_state
def tokens_add(state: State, user: str, role: str, unit: str, as_json: bool) -> None:
    """Tạo một mã truy cập; mã chỉ in ra một lần, kho chỉ giữ mã băm của nó."""
    from sohoa.pipeline.lookup import os_user
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        token_id, token = archive.add_token(user, role, unit, created_by=os_user())
    if as_json:
        emit_json({"id": token_id, "token": token, "user": user, "role": role, "unit": unit})
        return
    out.print(f"mã truy cập (token) {token_id} cho {user} ({ROLE_NAMES.get(role, role)}, "
              f"{unit or 'mọi đơn vị'}):")
    out.print(token)
    err.print("hãy giữ bí mật: mã chỉ hiện một lần này. Gửi kèm mỗi yêu cầu dưới dạng "
              "'Authorization: Bearer <token>'.")


@tokens.command("list")
@click.option("--all", "include_revoked", is_flag=True, help="Kể cả các mã đã thu hồi.")
@click.option("--json", "as_json", is_flag=True, help="Mỗi mã một dòng JSON.")
@pass_state
def tokens_list(state: State, include_revoked: bool, as_json: bool) -> None:
    """Liệt kê các mã truy cập (không bao giờ in phần bí mật)."""
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        rows = archive.list_tokens(include_revoked=include_revoked)
    if as_json:
        for row in rows:
            emit_json(row)
        return
    if not rows:
        out.print("chưa có mã truy cập nào; tạo bằng: sohoa tokens add TÊN --role officer "
                  "--unit ĐƠN_VỊ")
        return
    out.print(tokens_table(rows))


def tokens_table(rows: list[dict[str, Any]]) -> Table:
    """Token ids are typed back into `sohoa tokens revoke`, and the moments are read whole:
    neither is cut in 80 columns (``tạo lúc`` read "07/12/20…"); the names wrap."""
    table = compact_table()
    add_whole_column(table, "mã số")
    table.add_column("người dùng")
    table.add_column("vai trò")
    table.add_column("đơn vị")
    for header in ("tạo lúc", "dùng lần cuối", "thu hồi lúc"):
        add_moment_column(table, header)
    for r in rows:
        table.add_row(r["id"], r["user"], ROLE_NAMES.get(r["role"], r["role"]), r["unit"],
                      shown_moment(r["created_at"]),
                      shown_moment(r["last_used_at"]) if r["last_used_at"] else "chưa dùng",
                      shown_moment(r["revoked_at"]) if r["revoked_at"] else "")
    return table


@tokens.command("revoke")
@click.argument("token_id", metavar="SỐ_HIỆU_MÃ")
@pass_state
def tokens_revoke(state: State, token_id: str) -> None:
    """Thu hồi một mã truy cập theo số hiệu; mã hết hiệu lực ngay."""
    from sohoa.pipeline.lookup import os_user
    from sohoa.pipeline.services import open_archive

    with open_archive(state.settings) as archive:
        archive.revoke_token(token_id, revoked_by=os_user())
    out.print(f"đã thu hồi mã truy cập {token_id}: mã ngừng có hiệu lực ngay")


def print_access(state: State, owner: str, limit: int, as_json: bool) -> None:
    """``sohoa audit show --owner ID``: who looked at this owner's documents, newest first."""
    from sohoa.pipeline import lookup

    events = lookup.access_log(state.settings, owner=owner, limit=limit)
    if not events and not as_json:
        out.print(f"chưa ai xem giấy tờ của {owner}")
        return
    print_reads(events, as_json,
                heading=f"những người đã xem giấy tờ của {owner} (mới nhất trước, giờ Việt Nam):")


def print_reads(events: list[dict[str, Any]], as_json: bool, *, heading: str) -> None:
    if as_json:
        for event in events:
            emit_json({"log": "access", **event})
        return
    if not events:
        return
    out.print(heading)
    for e in events:
        what = READ_ACTIONS.get(e["action"], e["action"]) + (
            f" {e['document_id']}" if e["document_id"] else "")
        out.print(f"{shown_moment(e['at'], seconds=True)}  {e['user']} "
                  f"({ROLE_NAMES.get(e['role'], e['role'])}, "
                  f"{e['unit'] or 'mọi đơn vị'}, {CHANNELS.get(e['channel'], e['channel'])})  "
                  f"{what}  "
                  f"{e['result_count']} kết quả  mục đích: {e['purpose']}")


COMMANDS = [serve, tokens]
