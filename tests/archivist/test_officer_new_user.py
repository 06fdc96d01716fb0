"""What a new user tripped on at the officers' commands (tester9 F36, F38, F41): reuse with an
unknown type refused as search refuses it, a search with nothing to look for refused, a PDF
never poured onto a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from datetime import date

from archivist_helpers import opened, signer_for, store
from click.testing import CliRunner
from fastapi.testclient import TestClient

from sohoa.pipeline.settings import Settings

P = ("--purpose", "HS H19.22-0001")
OWNER = "075203001234"


def seed(settings: Settings) -> str:
    with opened(settings) as archive:
        return store(archive, signer_for(settings), "d0", dossier="HS-0",
                     issue_date=date(2024, 1, 1), owner_id=OWNER)


def said(settings: Settings, *args: str) -> tuple[int, str, str]:
    from sohoa.cli.main import cli

    done = CliRunner().invoke(cli, ["--home", str(settings.home), *args],
                              catch_exceptions=False)
    return done.exit_code, done.stdout, done.stderr


def test_reuse_refuses_an_unknown_type_as_search_does(settings: Settings) -> None:
    seed(settings)
    code, out, text = said(settings, "reuse", OWNER, "--type", "cccdd", *P)
    assert code == 2, (out, text)
    assert "không có loại tài liệu 'cccdd'" in text and "citizen_id_card" in text, text
    assert "không có giấy tờ còn hiệu lực" not in out
    # The same words as search's refusal.
    _, _, searched = said(settings, "search", "Tuyết", "--type", "cccdd", *P)
    assert searched == text
    code, out, _ = said(settings, "reuse", OWNER, "--type", "citizen_id_card", *P)
    assert code == 0 and "Căn cước" in out and "citizen_id_card" not in out, out


def test_search_refuses_nothing_to_look_for_unless_filtered(settings: Settings) -> None:
    seed(settings)
    for blank in ("", "   "):
        code, out, text = said(settings, "search", blank, *P)
        assert code == 2 and "hãy nhập từ khóa cần tìm" in text, (blank, out, text)
        assert out == ""
    # A filter alone is a question (the web workplace documents "từ khóa hoặc điều kiện lọc").
    code, out, text = said(settings, "search", "", "--owner", OWNER, *P)
    assert code == 0 and OWNER in out, text


def test_api_refuses_the_same(settings: Settings) -> None:
    from sohoa.api import create_app
    from sohoa.pipeline.services import open_archive

    seed(settings)
    with open_archive(settings) as archive:
        _, token = archive.add_token("Lan", role="officer", unit=settings.unit or "H19.22",
                                     created_by="test")
    head = {"Authorization": f"Bearer {token}", "X-Purpose": "HS H19.22-0001"}
    with TestClient(create_app(settings)) as api:
        blank = api.get("/search", params={"q": "  "}, headers=head)
        assert blank.status_code == 400 and "hãy nhập từ khóa cần tìm" in blank.text
        typo = api.get(f"/owners/{OWNER}/documents", params={"type": "cccdd"}, headers=head)
        assert typo.status_code == 400 and "cccdd" in typo.text, typo.text
        good = api.get(f"/owners/{OWNER}/documents", params={"type": "citizen_id_card"},
                       headers=head)
        assert good.status_code == 200 and good.json()["count"] == 1, good.text


def test_get_refuses_to_write_a_pdf_onto_a_terminal(settings: Settings) -> None:
    doc = seed(settings)
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "sohoa", "get", doc, "-o", "-", *P],
                              env={**os.environ, "SOHOA_HOME": str(settings.home)},
                              stdout=follower, stderr=subprocess.PIPE, text=True,
                              timeout=120, check=False)
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 2, done.stderr
    assert "đầu ra là màn hình: ghi ra tệp bằng -o TỆP, hoặc chuyển hướng: > TỆP" in \
        done.stderr
    assert b"%PDF" not in shown
