"""``/docs``: the API described from its own OpenAPI document, on a page with no script and
nothing from another host (Swagger UI would load its bundle from a CDN and show a blank page
at a desk without internet). The machine-readable document stays at ``/openapi.json``."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

_STYLE = """body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;margin:0 auto;
max-width:960px;padding:12px 16px;color:#1d2630;line-height:1.45}code,pre{background:#eef1f4;
padding:1px 4px;border-radius:3px}pre{padding:8px;overflow-x:auto}section{border:1px solid
#c9d1d9;border-radius:6px;padding:8px 12px;margin:10px 0}.m{font-weight:bold;color:#fff;
background:#1f5fa8;padding:1px 6px;border-radius:3px}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def render(spec: dict[str, Any]) -> str:
    info = spec.get("info", {})
    schemes = spec.get("components", {}).get("securitySchemes", {})
    parts = [f"<h1>{_e(info.get('title'))} {_e(info.get('version'))} — API</h1>",
             f"<pre>{_e(info.get('description'))}</pre>",
             '<p>Tài liệu máy đọc: <a href="/openapi.json">/openapi.json</a> (OpenAPI). '
             'Trang làm việc cho cán bộ: <a href="/web/">/web/</a>.</p>']
    for name, scheme in schemes.items():
        parts.append(f"<p>Xác thực <code>{_e(name)}</code>: {_e(scheme.get('type'))} "
                     f"{_e(scheme.get('scheme'))} — {_e(scheme.get('description'))}</p>")
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            params = "".join(
                f"<tr><td><code>{_e(p.get('name'))}</code></td><td>{_e(p.get('in'))}</td>"
                f"<td>{'bắt buộc' if p.get('required') else ''}</td>"
                f"<td>{_e(p.get('description'))}</td></tr>" for p in op.get("parameters", []))
            codes = ", ".join(_e(c) for c in op.get("responses", {}))
            secured = "có token" if op.get("security") else "không cần token"
            parts.append(
                f'<section id="{_e(op.get("operationId"))}"><p><span class="m">'
                f"{_e(method.upper())}</span> <code>{_e(path)}</code> · {secured}</p>"
                f"<p><b>{_e(op.get('summary'))}</b></p><pre>{_e(op.get('description'))}</pre>"
                + (f"<table><tr><th>Tham số</th><th>Ở</th><th></th><th>Mô tả</th></tr>{params}"
                   "</table>" if params else "")
                + f"<p>Mã trả về: {codes}</p></section>")
    return ('<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" '
            'content="width=device-width, initial-scale=1"><title>sohoa API</title>'
            f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>")


def install(app: FastAPI) -> None:
    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(render(app.openapi()), headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})
