"""Options and helpers shared by the archivists' commands: who acts, a day, a progress bar."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import click

from sohoa.clock import DAY_FORMS as DAY_FORMS  # the options' help says it
from sohoa.clock import NotADay, typed_day


def by_option(required: bool = False) -> Callable[[Any], Any]:
    """``--by NAME``: who acts, for the audit log (default: SOHOA_USER, else the OS user)."""
    return click.option("--by", "by", envvar="SOHOA_USER", required=required, metavar="TÊN",
                        help="Ai thực hiện, ghi vào nhật ký kiểm toán (biến môi trường "
                             "SOHOA_USER; mặc định: người dùng của hệ điều hành).")


def who(by: str | None) -> str:
    from sohoa.pipeline.lookup import os_user

    return (by or "").strip() or os_user()


def acting_user() -> str:
    """Who runs a command that has no --by (ingest, watch, scan): SOHOA_USER, else the OS
    user — the rule of every command that has one."""
    return who(os.environ.get("SOHOA_USER"))


def parse_day(value: str | None, option: str | None = None) -> date | None:
    """A day typed as sohoa shows it (31/12/2030) or as ISO (2030-12-31)
    (``clock.typed_day``, which the web's forms read too)."""
    if value is None:
        return None
    try:
        return typed_day(value)
    except NotADay as e:
        raise click.BadParameter(e.vietnamese(), param_hint=option) from None


MOMENT_FORMS = "DD/MM/YYYY HH:MM hoặc 2026-03-02T08:15"
_DMY_TIME = re.compile(r"(\d{1,2}/\d{1,2}/\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def moment_text(value: str | None, option: str | None = None) -> str | None:
    """An instant typed as sohoa shows it ("07/12/2026 08:15") rewritten as ISO for the
    pipeline's parser, which reads ISO only; ISO text passes through unchanged."""
    if value is None:
        return None
    m = _DMY_TIME.fullmatch(value.strip())
    if not m:
        return value
    day = parse_day(m.group(1), option)
    assert day is not None
    if m.group(2) is None:
        return day.isoformat()
    hour, minute, second = int(m.group(2)), int(m.group(3)), int(m.group(4) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise click.BadParameter(f"giờ không tồn tại: {value!r}", param_hint=option)
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}"


def day_callback(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """:func:`parse_day` as a click callback (the option's own name in the message)."""
    return parse_day(value, None)


def type_callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """--type as listings print it or as its code: "Giấy khai sinh", "giay khai sinh" and
    "birth_certificate" are the same type. Text that names no declared type is passed on as
    typed (a type of this home's own doctypes.toml, or one that matches nothing)."""
    if value is None:
        return None
    from sohoa.doctypes import load_registry

    return load_registry().code_of(value) or value.strip()


def progress_bar(label: str, as_json: bool) -> Any:
    from sohoa.cli.output import PageProgress

    return PageProgress(label, enabled=not as_json, unit="tài liệu")


def unit_callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """--unit of the commands that store papers: an empty code is refused like an unknown one
    (a paper stored with no unit falls out of every unit's lists and KPI); left out, the
    home's own unit applies."""
    if value is not None and not value.strip():
        from sohoa.errors import ConfigError

        raise ConfigError("--unit trống: hãy ghi mã đơn vị tiếp nhận (ví dụ H19.22), hoặc bỏ "
                          "--unit để dùng đơn vị của kho ghi trong sohoa.toml")
    return value
