"""The quarantine is a desk's own: a desk clerk sees (and retries, dismisses) what their
unit's jobs quarantined, an archivist or admin everything; every listing is an attributed read
(access log). A retry from the web without a broker runs beside the request, not inside it.
No browser here: the pages' HTML through the ASGI app."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_home import Home, make_home
from fastapi.testclient import TestClient
from testtools import run_sohoa

from sohoa.api import create_app
from sohoa.pipeline.home import init_home
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.services import open_archive
from sohoa.records import Quarantined


@pytest.fixture
def home(tmp_path: Path) -> Home:
    init_home(tmp_path / "home", unit="H19.22")  # a signing key: a retry really ingests
    home = make_home(tmp_path / "home")
    with open_archive(home.settings) as arc:
        _id, home.tokens["desk_other"] = arc.add_token("Ngô Văn Dũng", "desk", "H19.23",
                                                       created_by="test")
        for unit, name in (("H19.22", "mot"), ("H19.23", "hai")):
            job = arc.start_job([f"/scans/{name}"], unit)
            arc.record_quarantine(job, Quarantined(f"/scans/{name}/{name}.pdf",
                                                   "tệp bị cắt cụt: hãy quét lại", name[0] * 64))
            arc.finish_job(job, {"quarantined": 1})
    return home


@pytest.fixture
def client(home: Home) -> Iterator[TestClient]:
    with TestClient(create_app(home.settings), follow_redirects=False) as c:
        yield c


def _sign_in(client: TestClient, home: Home, who: str) -> str:
    client.cookies.clear()
    page = client.get("/web/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = client.post("/web/login", data={"csrf": csrf, "token": home.tokens[who]})
    assert r.status_code == 303, r.text
    page = client.get("/web/quarantine")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    return found.group(1) if found else ""


def _entry(home: Home, name: str) -> int:
    with open_archive(home.settings) as arc:
        return int(next(q["id"] for q in arc.quarantine_files() if name in q["source"]))


def test_each_desk_sees_its_own_units_quarantine_and_the_archivist_all(
        client: TestClient, home: Home) -> None:
    csrf = _sign_in(client, home, "desk")
    page = client.get("/web/quarantine").text
    assert "/scans/mot/mot.pdf" in page and "hai.pdf" not in page
    other = _entry(home, "hai")
    r = client.post(f"/web/quarantine/{other}/dismiss", data={"csrf": csrf, "reason": "x"})
    assert r.status_code == 404 and "danh sách của đơn vị bạn" in r.text
    r = client.post(f"/web/quarantine/{other}/retry", data={"csrf": csrf})
    assert r.status_code == 404

    _sign_in(client, home, "desk_other")
    page = client.get("/web/quarantine").text
    assert "/scans/hai/hai.pdf" in page and "mot.pdf" not in page

    _sign_in(client, home, "archivist")  # reads everything, acts on nothing
    page = client.get("/web/quarantine").text
    assert "mot.pdf" in page and "hai.pdf" in page and "Đơn vị: H19.23" in page
    assert "/retry" not in page and "/dismiss" not in page

    with open_archive(home.settings) as arc:
        reads = [e for e in arc.access_events(limit=50) if e["action"] == "quarantine.list"]
    by_user = {(e["user"], e["result_count"]) for e in reads}
    assert {("Phạm Thu Hà", 1), ("Ngô Văn Dũng", 1), ("Võ Minh Khoa", 2)} <= by_user, by_user

    # The CLI: a unit's list, the read attributed to the person named.
    done = run_sohoa(home.settings.home, "quarantine", "--unit", "H19.23", "--user",
                     "Ngô Văn Dũng")
    assert done.returncode == 0, done.stderr
    assert "hai.pdf" in done.stdout and "mot.pdf" not in done.stdout
    assert "sau khi sửa tệp (đặt bản đã sửa vào đúng chỗ cũ): sohoa quarantine retry ID " \
        "--fixed" in done.stdout
    with open_archive(home.settings) as arc:
        [last] = [e for e in arc.access_events(limit=1)]
    assert last["action"] == "quarantine.list" and last["channel"] == "cli"
    assert last["user"] == "Ngô Văn Dũng"


def test_a_retry_without_a_broker_runs_beside_the_request(client: TestClient, home: Home,
                                                          tmp_path: Path) -> None:
    scan = tmp_path / "quet" / "ho-so-cut.png"
    scan.parent.mkdir()
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)  # cut short in transfer
    assert run_ingest([scan], home.settings, unit="H19.22").quarantined == 1
    csrf = _sign_in(client, home, "desk")
    r = client.post(f"/web/quarantine/{_entry(home, 'ho-so-cut')}/retry",
                    data={"csrf": csrf})
    # The answer comes at once and sends the clerk to the jobs page, which follows it.
    assert r.status_code == 303 and r.headers["location"].startswith("/web/jobs"), r.text
    notice = client.get(r.headers["location"]).text
    assert "Đang xử lý lại «ho-so-cut.png» trên máy chủ" in notice
    deadline = time.monotonic() + 60
    retried: list[dict] = []
    while not retried and time.monotonic() < deadline:
        time.sleep(0.2)
        with open_archive(home.settings) as arc:
            retried = [e for e in arc.audit_events(limit=20) if e["action"] == "input.retried"]
    assert retried, "the retry never finished"
    detail = retried[0]["detail"]
    assert retried[0]["actor"] == "Phạm Thu Hà" and detail["quarantined"] == 1, detail
    assert detail["unit"] == "H19.22" and detail["job_id"] and "error" not in detail
    with open_archive(home.settings) as arc:
        assert arc.get_job(detail["job_id"])["status"] == "finished"
