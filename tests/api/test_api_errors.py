"""The API's error answers themselves: never a 500 for an error the app raised on purpose."""

from __future__ import annotations

from api_home import CITIZEN, Home
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from sohoa.api import errors
from sohoa.pipeline.services import open_archive


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


def test_a_validation_error_never_echoes_a_whole_body(client: TestClient, home: Home) -> None:
    """Review F6: a body of the wrong shape (a list of a citizen's records where one object is
    expected) was echoed whole, 4 KB with the citizen's ID and name, into the error text that
    integrators' proxies and logs keep. Its shape is said, not its content; a long value is cut
    short; a thousand bad items are not listed one by one."""
    with open_archive(home.settings) as arc:
        _, token = arc.add_token("Hệ thống một cửa tỉnh", "integrator", "", created_by="test")
    headers = {"Authorization": f"Bearer {token}"}
    record = {"owner": CITIZEN, "name": "Nguyễn Thị Hồng Nhung", "note": "x" * 40}
    r = client.post("/dossiers", json=[record] * 40, headers=headers)
    assert r.status_code == 400, r.text
    message = r.json()["error"]["message"]
    assert message == "body: phải là một đối tượng JSON", message

    opening = {"code": "H19.22-260302-0001", "procedure": "2.000488.000.00.00.H19",
               "owner": CITIZEN, "unit": "H19.22",
               "channel": {"owner": CITIZEN, "name": "Nguyễn Thị Hồng Nhung"},
               "received_at": "2026-03-02 " + "Nguyễn Thị Hồng Nhung " * 100 + CITIZEN}
    r = client.post("/dossiers", json=opening, headers=headers)
    assert r.status_code == 400, r.text
    message = r.json()["error"]["message"]
    assert CITIZEN not in message and message.count("Nhung") == 2, message  # the start only
    assert "body.channel: một đối tượng JSON không hợp lệ" in message, message
    assert "body.received_at: '2026-03-02 Nguyễn Thị Hồng Nhung Nguyễn Thị Hồng Nhung Nguy…'" \
        in message, message
    assert len(message) < 200, message

    r = client.post("/dossiers", json={**opening, "channel": [1] * 1000}, headers=headers)
    assert r.status_code == 400 and len(r.json()["error"]["message"]) < 300, r.text
