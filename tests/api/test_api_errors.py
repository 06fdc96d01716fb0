"""The API's error answers themselves: never a 500 for an error the app raised on purpose."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from sohoa.api import errors


def _app() -> FastAPI:
    """The error handlers the real app installs, over a route that raises what a library or a
    later route may: an HTTPException with no words, of a status sohoa has no phrase for."""
    app = FastAPI()
    errors.install(app)

    @app.get("/teapot")
    def teapot() -> None:
        raise HTTPException(418, detail="")

    return app


def test_an_http_error_with_an_empty_message_keeps_its_status() -> None:
    r = TestClient(_app()).get("/teapot")
    assert r.status_code == 418, r.text  # was a 500: a KeyError in the handler
    assert r.json() == {"error": {"code": "error",
                                  "message": "yêu cầu không thực hiện được (mã HTTP 418)"}}
