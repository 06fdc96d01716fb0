"""Errors as JSON: ``{"error": {"code", "message"}}`` with the HTTP status that fits the
``sohoa.errors`` class, and the clerk-readable message unchanged."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from sohoa.errors import (
    BadInputError,
    ConfigError,
    NotFoundError,
    SigningError,
    SohoaError,
    StorageError,
    VerificationError,
    WorkflowError,
)

# Most specific first; a class may also say its own status (``http_status``).
STATUS: tuple[tuple[type[SohoaError], int, str], ...] = (
    (NotFoundError, 404, "not_found"),
    (ConfigError, 400, "bad_request"),
    (BadInputError, 422, "bad_input"),
    (VerificationError, 409, "verification_failed"),
    (WorkflowError, 409, "conflict"),
    (StorageError, 503, "storage_unavailable"),
    (SigningError, 500, "signing_failed"),
)
CODES = {401: "not_authenticated", 403: "forbidden", 400: "bad_request"}


def status_of(exc: SohoaError) -> tuple[int, str]:
    own = getattr(exc, "http_status", None)
    if isinstance(own, int):
        return own, getattr(exc, "error_code", None) or CODES.get(own, "error")
    for cls, status, code in STATUS:
        if isinstance(exc, cls):
            return status, code
    return 500, "internal_error"


def error_response(status: int, code: str, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status,
                        headers=headers)


# How much of a value given is echoed back: enough to see which one it was, never a whole body
# (it may hold a citizen's ID and name, and integrators' proxies and logs keep error texts).
ECHO_MAX = 60
PROBLEMS_MAX = 5  # problems listed in one message
# A body (or part of one) of the wrong shape: said without its content.
_SHAPES = {"dict_type": "phải là một đối tượng JSON", "model_type": "phải là một đối tượng JSON",
           "model_attributes_type": "phải là một đối tượng JSON",
           "list_type": "phải là một danh sách JSON"}


class _Shown:
    """A value given, as the message shows it: a scalar's repr, cut to ``ECHO_MAX``
    characters; only the kind of a structure."""

    def __init__(self, value: Any) -> None:
        if isinstance(value, dict | list | tuple):  # a structure's content is never echoed
            self.text = "một đối tượng JSON" if isinstance(value, dict) else "một danh sách JSON"
            return
        if isinstance(value, str) and len(value) > ECHO_MAX:
            value = value[:ECHO_MAX - 1] + "…"  # cut inside the quotes: still reads as a string
        text = repr(value)
        self.text = text if len(text) <= ECHO_MAX + 2 else text[:ECHO_MAX - 1] + "…"

    def __repr__(self) -> str:
        return self.text


def _problem_text(problem: dict[str, Any]) -> str:
    """One of pydantic's (English) validation problems as the officer's web page and the
    integrator's log show it: in Vietnamese, with (the start of) the value that was given."""
    kind = str(problem.get("type", ""))
    if kind in _SHAPES:
        return _SHAPES[kind]
    raw = problem.get("input")
    given = _Shown(raw) if raw is not None else None
    ctx = problem.get("ctx") or {}
    if kind.startswith("date"):
        return f"{given!r} không phải ngày: dùng YYYY-MM-DD"
    if kind == "missing":
        return "bắt buộc phải có"
    if kind == "extra_forbidden":  # a misspelt field is refused, never dropped (tester13 F20)
        return "trường này không có trong yêu cầu (sai tên?); tên các trường xem tại /docs"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{given!r} không phải số nguyên"
    if kind in ("float_parsing", "float_type"):
        return f"{given!r} không phải số"
    if kind in ("bool_parsing", "bool_type"):
        return f"{given!r} không phải true/false"
    bounds = {"greater_than_equal": ("ge", "phải từ {} trở lên"),
              "less_than_equal": ("le", "phải từ {} trở xuống"),
              "greater_than": ("gt", "phải lớn hơn {}"), "less_than": ("lt", "phải nhỏ hơn {}"),
              "string_too_short": ("min_length", "phải có ít nhất {} ký tự"),
              "string_too_long": ("max_length", "chỉ được tối đa {} ký tự"),
              "too_short": ("min_length", "phải có ít nhất {} phần tử"),
              "too_long": ("max_length", "chỉ được tối đa {} phần tử"),
              "literal_error": ("expected", "phải là một trong: {}"),
              "enum": ("expected", "phải là một trong: {}")}
    if kind in bounds:
        key, text = bounds[kind]
        return f"{given!r} không hợp lệ: {text.format(ctx.get(key, '?'))}"
    if kind == "string_pattern_mismatch":
        return f"{given!r} không đúng dạng"
    if kind.startswith("json"):
        return "nội dung JSON không đọc được"
    return f"{given!r} không hợp lệ" if given is not None else "không hợp lệ"


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    problems = exc.errors()
    for problem in problems[:PROBLEMS_MAX]:
        where = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("query", "path"))
        text = _problem_text(problem)
        parts.append(f"{where}: {text}" if where else text)
    if len(problems) > PROBLEMS_MAX:  # a list of a thousand bad items: the first few say it
        parts.append(f"và {len(problems) - PROBLEMS_MAX} lỗi khác")
    return "; ".join(parts) or "yêu cầu không hợp lệ"


# What starlette says by itself (the routes' own messages are Vietnamese already).
_PHRASES = {405: ("Method Not Allowed", "địa chỉ này không nhận phương thức đó; xem /docs"),
            413: ("Request Entity Too Large", "yêu cầu quá lớn"),
            415: ("Unsupported Media Type", "kiểu nội dung không được hỗ trợ")}


def install(app: FastAPI) -> None:
    @app.exception_handler(SohoaError)
    async def _sohoa(_request: Request, exc: SohoaError) -> JSONResponse:
        status, code = status_of(exc)
        return error_response(status, code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, "bad_request", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message: Any = exc.detail
        if exc.status_code == 404 and message == "Not Found":
            message = "không có địa chỉ này; API được mô tả tại /docs"
        elif exc.status_code in _PHRASES and message == _PHRASES[exc.status_code][0]:
            message = _PHRASES[exc.status_code][1]  # starlette's own, English
        elif not message:  # an empty detail: say at least what kind of refusal it is
            message = f"yêu cầu không thực hiện được (mã HTTP {exc.status_code})"
        return error_response(exc.status_code, CODES.get(exc.status_code, "error"), str(message))
