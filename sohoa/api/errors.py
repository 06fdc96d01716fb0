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


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for problem in exc.errors():
        where = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("query", "path"))
        given = problem.get("input")
        kind = str(problem.get("type", ""))
        if kind.startswith("date"):
            text = f"{given!r} is not a date: use YYYY-MM-DD"
        elif kind == "missing":
            text = "is required"
        else:
            text = str(problem.get("msg", "is not valid"))
        parts.append(f"{where}: {text}" if where else text)
    return "; ".join(parts) or "the request is not valid"


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
            message = "no such address; the API is described at /docs"
        return error_response(exc.status_code, CODES.get(exc.status_code, "error"), str(message))
