"""Archivists: legal holds, which keep records whatever their retention says."""

from __future__ import annotations

import click

from sohoa.cli.options import by_option, who
from sohoa.cli.output import emit_json, out
from sohoa.cli.state import State, pass_state
from sohoa.clock import shown_date


@click.group()
def hold() -> None:
    """Lệnh giữ (phong tỏa): tài liệu được giữ lại dù đã hết thời hạn bảo quản."""


def _hold_target(document: str | None, dossier: str | None,
                 owner: str | None) -> tuple[str, str] | None:
    given = [(s, t) for s, t in (("document", document), ("dossier", dossier),
                                 ("owner", owner)) if t]
    if len(given) > 1:
        raise click.UsageError("chỉ cho một trong --document, --dossier hoặc --owner")
    return given[0] if given else None


@hold.command("add")
@click.option("--document", metavar="MÃ_GIẤY_TỜ", help="Mã một giấy tờ.")
@click.option("--dossier", metavar="MÃ_HỒ_SƠ", help="Mã một hồ sơ (mọi giấy tờ của hồ sơ).")
@click.option("--owner", metavar="SỐ_ĐỊNH_DANH",
              help="Số định danh của một chủ sở hữu (mọi giấy tờ của người đó).")
@click.option("--reason", required=True, metavar="LÝ_DO",
              help="Lý do (ví dụ số văn bản yêu cầu của tòa án).")
@by_option()
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@pass_state
def hold_add(state: State, document: str | None, dossier: str | None, owner: str | None,
             reason: str, by: str | None, as_json: bool) -> None:
    """Đặt lệnh giữ lên một giấy tờ, một hồ sơ hoặc một chủ sở hữu."""
    from sohoa.pipeline import holds

    target = _hold_target(document, dossier, owner)
    if target is None:
        raise click.UsageError("hãy cho một trong --document, --dossier hoặc --owner")
    result = holds.place(state.settings, target[0], target[1], reason=reason, by=who(by))
    if as_json:
        emit_json(result)
    else:
        out.print(f"đã phong tỏa (số {result['hold']}) {SCOPE_NAMES[result['scope']]} "
                  f"{result['target']}")


@hold.command("remove")
@click.argument("hold_id", type=int, required=False, metavar="[SỐ_LỆNH_GIỮ]")
@click.option("--document", metavar="MÃ_GIẤY_TỜ",
              help="Gỡ mọi lệnh giữ đang hiệu lực trên giấy tờ này …")
@click.option("--dossier", metavar="MÃ_HỒ_SƠ", help="… trên hồ sơ này …")
@click.option("--owner", metavar="SỐ_ĐỊNH_DANH", help="… hoặc trên chủ sở hữu này.")
@click.option("--reason", required=True, metavar="LÝ_DO", help="Lý do chấm dứt lệnh giữ.")
@by_option()
@click.option("--json", "as_json", is_flag=True, help="Mỗi lệnh giữ đã gỡ một dòng JSON.")
@pass_state
def hold_remove(state: State, hold_id: int | None, document: str | None, dossier: str | None,
                owner: str | None, reason: str, by: str | None, as_json: bool) -> None:
    """Gỡ lệnh giữ (theo số của lệnh, hoặc mọi lệnh giữ trên một đối tượng)."""
    from sohoa.pipeline import holds

    target = _hold_target(document, dossier, owner)
    if (hold_id is None) == (target is None):
        raise click.UsageError("hãy cho số phong tỏa, hoặc một trong --document, --dossier, "
                               "--owner")
    released = holds.release(state.settings, hold_id=hold_id,
                             scope=target[0] if target else None,
                             target=target[1] if target else None,
                             reason=reason, by=who(by))
    for r in released:
        if as_json:
            emit_json(r)
        else:
            out.print(f"đã gỡ phong tỏa số {r['hold']} trên {SCOPE_NAMES[r['scope']]} "
                      f"{r['target']}")


@hold.command("list")
@click.option("--all", "include_released", is_flag=True, help="Kể cả các lệnh giữ đã gỡ.")
@click.option("--target", metavar="MÃ",
              help="Chỉ các lệnh giữ trên giấy tờ, hồ sơ hoặc chủ sở hữu này.")
@click.option("--json", "as_json", is_flag=True, help="Mỗi lệnh giữ một dòng JSON.")
@pass_state
def hold_list(state: State, include_released: bool, target: str | None, as_json: bool) -> None:
    """Liệt kê các lệnh giữ (chỉ các lệnh đang hiệu lực, trừ khi có --all)."""
    from sohoa.pipeline import holds

    rows = holds.listing(state.settings, include_released=include_released, target=target)
    for r in rows:
        if as_json:
            emit_json(r)
        else:
            state_text = (f"đã gỡ ngày {shown_date(r['released_at'])} bởi {r['released_by']}: "
                          f"{r['release_reason']}" if r["released_at"] else "đang hiệu lực")
            out.print(f"{r['hold']:>4} {SCOPE_NAMES[r['scope']]:<12} {r['target']}: {r['reason']} "
                      f"({r['placed_by']}, {shown_date(r['placed_at'])}; {state_text})")
    if not rows and not as_json:
        out.print("không có phong tỏa nào" + ("" if include_released
                                             else " đang hiệu lực"))


# what a hold is placed on, as the archivist reads it (--json keeps the scope's key)
SCOPE_NAMES = {"document": "giấy tờ", "dossier": "hồ sơ", "owner": "chủ sở hữu"}

COMMANDS = [hold]
