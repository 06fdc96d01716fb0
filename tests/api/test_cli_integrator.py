"""The CLI side: tokens, read commands with --purpose/--user, audit show --owner and verify,
and ``sohoa serve`` as a real uvicorn process on loopback."""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from api_home import CITIZEN, Home
from click.testing import CliRunner

from sohoa.cli.main import cli


def run(home: Home, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home.settings.home), *args],
                                env={"SOHOA_HOME": str(home.settings.home)})
    return result.exit_code, result.output


def test_cli_roles_are_the_policy_roles() -> None:
    from sohoa.archive.policy import ROLES
    from sohoa.cli.integrator import ROLES as CLI_ROLES

    assert CLI_ROLES == ROLES


def test_tokens_add_list_revoke(home: Home) -> None:
    code, output = run(home, "tokens", "add", "Đỗ Thị Mai", "--role", "officer",
                       "--unit", "H19.24", "--json")
    assert code == 0, output
    made = json.loads(output.splitlines()[0])
    assert made["token"].startswith("sohoa_")
    code, output = run(home, "tokens", "list", "--json")
    listed = [json.loads(line) for line in output.splitlines()]
    assert made["id"] in {t["id"] for t in listed}
    assert made["token"] not in output
    assert run(home, "tokens", "revoke", made["id"])[0] == 0
    code, output = run(home, "tokens", "list", "--json")
    assert made["id"] not in output
    code, output = run(home, "tokens", "add", "x", "--role", "king")
    assert code == 2


def test_read_commands_need_a_purpose_and_are_logged(home: Home) -> None:
    code, output = run(home, "reuse", CITIZEN, "--json")
    assert code == 2
    assert "purpose" in output
    code, output = run(home, "reuse", CITIZEN, "--json", "--purpose", "HS H19.22-0001",
                       "--user", "Nguyễn Hữu Tài", "--valid-on", "2024-01-01")
    assert code == 0, output
    assert len(output.splitlines()) == 2
    code, output = run(home, "search", "dong nai", "--json", "--purpose", "HS H19.22-0002",
                       "--user", "Nguyễn Hữu Tài")
    assert code == 0 and len(output.splitlines()) == 3
    code, _ = run(home, "show", home.ids["birth"], "--json", "--purpose", "HS H19.22-0003",
                  "--user", "Nguyễn Hữu Tài")
    assert code == 0
    code, output = run(home, "audit", "show", "--owner", CITIZEN, "--json")
    assert code == 0
    events = [json.loads(line) for line in output.splitlines()]
    assert [(e["action"], e["channel"], e["user"]) for e in events] == [
        ("show", "cli", "Nguyễn Hữu Tài"), ("search", "cli", "Nguyễn Hữu Tài"),
        ("reuse", "cli", "Nguyễn Hữu Tài")]
    code, output = run(home, "audit", "show", "--owner", CITIZEN)
    assert "HS H19.22-0003" in output and "Nguyễn Hữu Tài" in output
    # tester12 F22: what was done and where, in the words of the web's access history
    assert "xem chi tiết" in output and "tra cứu tái sử dụng" in output
    assert "dòng lệnh" in output and not re.search(r"\b(show|cli|reuse)\b", output)
    assert run(home, "audit", "verify")[0] == 0


def test_reuse_answers_a_page_at_a_time(home: Home) -> None:
    args = ("reuse", CITIZEN, "--purpose", "HS H19.22-0001", "--valid-on", "2024-01-01")
    result = CliRunner().invoke(cli, ["--home", str(home.settings.home), *args, "--json",
                                      "--limit", "1"])
    assert result.exit_code == 0, result.output
    [first] = [json.loads(line) for line in result.stdout.splitlines()]
    assert first["document_id"] == home.ids["id_card"]  # newest first
    # stdout stays one JSON document per line; where to go on is said on stderr.
    [hint] = result.stderr.splitlines()  # one line to copy, never wrapped
    position = hint.split("--after ")[1]
    assert position == f"2021-07-01~{home.ids['id_card']}"
    code, output = run(home, *args, "--json", "--limit", "1", "--after", position)
    assert code == 0
    assert [json.loads(line)["document_id"] for line in output.splitlines()] == [
        home.ids["birth"]]
    code, output = run(home, *args, "--after", "not-a-position")
    assert code == 2 and "không phải vị trí trang" in output


def test_audit_verify_reports_a_tampered_access_log(home: Home) -> None:
    run(home, "reuse", CITIZEN, "--purpose", "HS H19.22-0001")
    db = sqlite3.connect(home.settings.home / "catalog.db")
    try:
        db.execute("UPDATE access_log SET user = 'ai đó' WHERE seq = 1")
        db.commit()
    finally:
        db.close()
    code, output = run(home, "audit", "verify")
    assert code == 4
    assert "mục 1 của nhật ký truy cập" in output and "ĐÃ BỊ CAN THIỆP" in output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(home: Home, port: int) -> Iterator[str]:
    """``sohoa serve`` as a real process on loopback, until the block ends (SIGTERM)."""
    env = {**os.environ, "SOHOA_HOME": str(home.settings.home)}
    proc = subprocess.Popen([sys.executable, "-m", "sohoa", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        # A wait for the server, not a timing assertion: on a loaded 2-core machine its start
        # (imports of the OCR, signing and web rooms) has taken 15 s.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1) as r:
                    assert json.load(r)["status"] == "ok"
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                time.sleep(0.05)
        else:
            raise AssertionError("sohoa serve did not answer")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # tester11 F24: no uvicorn English on the operator's terminal, our own start/stop lines
    said = proc.stderr.read().decode() if proc.stderr else ""
    assert "INFO" not in said and "Uvicorn" not in said, said
    assert "sohoa API chạy tại" in said and "sohoa API đã dừng" in said, said


def test_serve_answers_on_loopback_and_a_restart_signs_nobody_out(home: Home) -> None:
    import re

    import httpx

    port = _free_port()
    browser = httpx.Client(follow_redirects=False, timeout=30)
    with serving(home, port) as url:
        request = urllib.request.Request(
            f"{url}/owners/{CITIZEN}/documents?purpose=HS-1&valid_on=2024-01-01",
            headers={"Authorization": f"Bearer {home.tokens['officer']}"})
        with urllib.request.urlopen(request, timeout=5) as r:
            assert json.load(r)["count"] == 2
        # A person signs in on the web workplace (the login form's CSRF is a cookie's value).
        form = browser.get(f"{url}/web/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        r = browser.post(f"{url}/web/login", data={"csrf": csrf,
                                                   "token": home.tokens["officer"]})
        assert r.status_code == 303 and browser.cookies.get("sohoa_session")
        assert browser.get(f"{url}/web/search").status_code == 200
    with serving(home, port) as url:  # the same command started again
        page = browser.get(f"{url}/web/search")
        assert page.status_code == 200 and "Trần Thị Bình" in page.text
    browser.close()
