"""Options and helpers shared by the archivists' commands: who acts, a day, a progress bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import click


def by_option(required: bool = False) -> Callable[[Any], Any]:
    """``--by NAME``: who acts, for the audit log (default: SOHOA_USER, else the OS user)."""
    return click.option("--by", "by", envvar="SOHOA_USER", required=required, metavar="TÊN",
                        help="Ai thực hiện, ghi vào nhật ký kiểm toán (biến môi trường "
                             "SOHOA_USER; mặc định: người dùng của hệ điều hành).")


def who(by: str | None) -> str:
    from sohoa.pipeline.lookup import os_user

    return (by or "").strip() or os_user()


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} không phải ngày: dùng YYYY-MM-DD",
                                 param_hint=option) from None


def progress_bar(label: str, as_json: bool) -> Any:
    from sohoa.cli.output import PageProgress

    return PageProgress(label, enabled=not as_json, unit="tài liệu")
