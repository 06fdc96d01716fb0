"""Small HTML builders: every value passes through ``esc``; pages share one layout."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from html import escape
from typing import Any
from urllib.parse import urlencode

from sohoa.clock import DAY_FORMS, NotADay, shown_date, shown_moment, typed_day
from sohoa.errors import ConfigError
from sohoa.pipeline.lookup import Caller
from sohoa.reasons import label

ROLE_NAMES = {"desk": "Cán bộ một cửa", "officer": "Cán bộ chuyên môn",
              "archivist": "Lưu trữ viên", "admin": "Quản trị", "integrator": "Hệ thống một cửa"}

# (path, label, roles that see it in the menu)
MENU: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/web/dossiers", "Hồ sơ hôm nay", ("desk", "admin")),
    ("/web/jobs", "Công việc", ("desk", "admin")),
    ("/web/quarantine", "Cách ly", ("desk", "archivist", "admin")),
    ("/web/search", "Tìm kiếm", ("officer", "desk", "archivist", "admin")),
    ("/web/owner", "Tái sử dụng", ("officer", "archivist", "admin")),
    ("/web/review", "Kiểm tra", ("desk", "officer", "admin")),
    ("/web/retention", "Thời hạn bảo quản", ("archivist", "admin")),
    ("/web/holds", "Giữ lại", ("archivist", "admin")),
    ("/web/disposal", "Tiêu hủy", ("archivist", "admin")),
    ("/web/fixity", "Toàn vẹn", ("archivist", "admin")),
    ("/web/report", "Báo cáo", ("officer", "archivist", "admin")),
)


def esc(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def url(path: str, **params: Any) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(query) if query else "")


def layout(title: str, body: str, *, caller: Caller | None = None, csrf: str = "",
           here: str = "") -> str:
    nav = ""
    if caller is not None:
        role = ROLE_NAMES.get(caller.role, caller.role)
        links = "".join(
            f'<a href="{esc(path)}"{" aria-current=page" if path == here else ""}>{esc(label)}</a>'
            for path, label, roles in MENU if caller.role in roles)
        nav = (f'<nav aria-label="Chức năng">{links}</nav>'
               f'<div class="who"><span>{esc(caller.user)} · {esc(role)}'
               f'{" · " + esc(caller.unit) if caller.unit else ""}</span>'
               f'<form method="post" action="/web/logout">{csrf_field(csrf)}'
               '<button type="submit" class="link">Đăng xuất</button></form></div>')
    return f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} — sohoa</title>
<link rel="icon" href="/web/static/favicon.png" type="image/png">
<link rel="stylesheet" href="/web/static/web.css">
<script src="/web/static/web.js" defer></script>
</head>
<body>
<header><a class="brand" href="/web/">sohoa · Kho hồ sơ điện tử</a>{nav}</header>
<main id="main">
<h1>{esc(title)}</h1>
{body}
</main>
</body>
</html>
"""


def csrf_field(csrf: str) -> str:
    return f'<input type="hidden" name="csrf" value="{esc(csrf)}">'


def error_box(message: str | None) -> str:
    return f'<p class="error" role="alert">{esc(message)}</p>' if message else ""


def notice(message: str | None) -> str:
    return f'<p class="notice" role="status">{esc(message)}</p>' if message else ""


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, cls: str = "") -> str:
    """``rows`` hold HTML already escaped by the caller (cells may carry links)."""
    head = "".join(f"<th scope=col>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td data-label="{esc(h)}">{c}</td>'
                                    for h, c in zip(headers, row, strict=True)) + "</tr>"
                   for row in rows)
    return (f'<div class="table"><table class="{esc(cls)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def field(label: str, name: str, value: Any = "", *, kind: str = "text", extra: str = "") -> str:
    return (f'<label>{esc(label)}<input name="{esc(name)}" type="{esc(kind)}" '
            f'value="{esc(value)}" {extra}></label>')


def day_field(label: str, name: str, value: date | None) -> str:
    """A day typed and shown as DD/MM/YYYY, as on the papers and in every CLI option. Not
    ``type=date``: the browser shows that in its own locale (12/07/2026 for 7 December in an
    English Chromium), and the clerk would read another day than the one asked."""
    return field(label, name, shown_date(value) if value else "",
                 extra='inputmode="numeric" placeholder="dd/mm/yyyy" autocomplete="off" '
                       r'pattern="\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2}" '
                       f'title="{esc(DAY_FORMS)}"')


def day_arg(raw: str, label: str) -> date | None:
    """A day from a form (DD/MM/YYYY, or ISO from an older link); None when left empty."""
    if not raw.strip():
        return None
    try:
        return typed_day(raw)
    except NotADay as e:
        raise ConfigError(f"{label}: {e.vietnamese()}") from None


def select(label: str, name: str, options: Mapping[str, str], value: str | None) -> str:
    opts = "".join(f'<option value="{esc(k)}"{" selected" if k == (value or "") else ""}>'
                   f"{esc(v)}</option>" for k, v in options.items())
    return f'<label>{esc(label)}<select name="{esc(name)}">{opts}</select></label>'


def dl(items: Iterable[tuple[str, str]]) -> str:
    """``items``: (label, HTML already escaped)."""
    return "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"




def vn_date(value: str | None) -> str:
    """An ISO date as DD/MM/YYYY, the way papers print it; an instant with its zone as
    DD/MM/YYYY HH:MM in Vietnam's time."""
    return esc(shown_moment(value))


def purpose_field(value: str) -> str:
    return field("Mục đích tra cứu (bắt buộc)", "purpose", value,
                 extra='placeholder="Mã hồ sơ đang giải quyết" required')


def field_name(key: str) -> str:
    """The caption of a field key the catalog stores (what a paper prints beside the value)."""
    return label(key)
