"""tester10 F30: `sohoa status` (the operator's view) says whether this desk can sign now — the
signer, its level and the same check an ingest makes first — so "the PKI is down" shows there
before the desk's next ingest is refused for it; --json carries it as ``signing``.

review11: a server that says nothing within the wait is "not answered in N s", not "ingest
will be refused" (S2, S5); a fault of the check itself is a problem line, not exit 1 (S4); with
a broker the workers sign, the desk's key is not checked (S2); the answer is kept a few
minutes so a monitoring loop does not ask the TSA at every poll (S3)."""

from __future__ import annotations

import dataclasses
import json
import socket
import time
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sohoa.cli.main import cli
from sohoa.cli.operator import _signing_line
from sohoa.errors import SigningError
from sohoa.pipeline.home import init_home
from sohoa.pipeline.services import make_document_signer
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.signerstatus import (
    CACHE_NAME,
    _cache_key,
    check_signer_ready,
    signing_readiness,
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _signing(output: str) -> str:
    [line] = [x for x in output.splitlines() if x.startswith("ký số: ")]
    return line


def test_status_says_the_signer_cannot_sign_while_its_pki_is_down(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # a dev-PKI home whose CRL, OCSP and TSA address nothing listens on
    init_home(home, unit="H19.22", dev_pki_url=f"http://127.0.0.1:{_free_port()}")
    runner = CliRunner(env={"SOHOA_HOME": None, "COLUMNS": "250"})
    shown = runner.invoke(cli, ["--home", str(home), "status"])
    assert shown.exit_code == 0, shown.output
    line = _signing(shown.output)
    assert ": KHÔNG KÝ ĐƯỢC: " in line and "nhận giấy tờ sẽ bị từ chối" in line, line
    # tester11 F1: nothing was signed on this screen, so no "… rồi ký lại"
    assert "sohoa dev-pki serve" in line and "ký lại" not in line, line
    # polled again: a failure is never kept (a PKI started meanwhile shows at once)
    as_json = json.loads(runner.invoke(cli, ["--home", str(home), "status", "--json"]).stdout)
    signing = as_json["signing"]
    assert signing["ready"] is False and signing["problem"] and signing["signer"], signing
    assert signing["tsa"].endswith("/tsa"), signing
    assert signing["cached"] is False, signing
    # tester11 F22: the moment in ISO 8601 like every other JSON moment
    assert datetime.fromisoformat(signing["checked_at"]).tzinfo is not None, signing

    # a home whose signer needs no server (level B-B): ready
    plain = tmp_path / "plain"
    init_home(plain, unit="H19.22")
    ready = runner.invoke(cli, ["--home", str(plain), "status"]).output
    assert "mức B-B: sẵn sàng" in ready, ready


def test_a_server_that_never_answers_is_said_as_no_answer_yet(tmp_path: Path) -> None:
    """S5: a loopback socket that accepts (the kernel's backlog) and never answers."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        home = tmp_path / "home"
        init_home(home, unit="H19.22",
                  dev_pki_url=f"http://127.0.0.1:{silent.getsockname()[1]}")
        settings = load_settings(home=home, environ={})
        signing = signing_readiness(settings, wait_s=0.5, cache_s=0)
    assert signing["ready"] is None and signing["no_answer"], signing
    assert signing["problem"] == "máy chủ ký số (OCSP/CRL, TSA) chưa trả lời trong 0,5 giây"
    line = _signing_line(signing)
    assert ": chưa rõ: " in line and "có thể phải chờ tới 30 giây" in line, line
    assert "KHÔNG KÝ ĐƯỢC" not in line and "sẽ bị từ chối cho đến khi" not in line, line


def test_a_fault_in_the_check_is_a_problem_line_not_exit_1(tmp_path: Path) -> None:
    """S4: aiohttp's ValueError for a TSA port out of range is not a SohoaError."""
    home = tmp_path / "home"
    init_home(home, unit="H19.22", dev_pki_url="http://127.0.0.1:99999")
    shown = CliRunner(env={"SOHOA_HOME": None, "COLUMNS": "250"}).invoke(
        cli, ["--home", str(home), "status"])
    assert shown.exit_code == 0, shown.output
    line = _signing(shown.output)
    assert ": chưa rõ: lỗi chương trình khi kiểm tra ký số: ValueError" in line, line


def test_with_a_broker_the_workers_sign_and_the_desk_key_is_not_checked(tmp_path: Path) -> None:
    """S2: an operator machine with no key of its own, the queue's workers signing."""
    home = tmp_path / "home"
    init_home(home, unit="H19.22", dev_key=False)
    settings = dataclasses.replace(load_settings(home=home, environ={}),
                                   broker="redis://127.0.0.1:6379/0")
    signing = signing_readiness(settings)
    assert signing["broker"] is True and signing["ready"] is None, signing
    line = _signing_line(signing)
    assert "mỗi máy ký bằng khóa của nó" in line, line
    assert "KHÔNG KÝ ĐƯỢC" not in line and "chưa có khóa" not in line, line


def test_a_kept_ready_is_said_with_its_age_and_asked_again_when_its_host_is_gone(
        tmp_path: Path) -> None:
    """tester11 F1: a kept "sẵn sàng" is trusted only while each PKI host accepts a TCP
    connection; --check-signing asks at once."""
    home = tmp_path / "home"
    init_home(home, unit="H19.22")  # B-B: ready with no server
    settings = load_settings(home=home, environ={})
    first = signing_readiness(settings)
    assert first["ready"] is True and first["cached"] is False, first
    kept = signing_readiness(settings)
    assert kept["cached"] is True, kept
    assert "kiểm tra " in _signing_line(kept), _signing_line(kept)
    assert signing_readiness(settings, cache_s=0)["cached"] is False
    cache = home / "cache" / CACHE_NAME
    stored = json.loads(cache.read_text(encoding="utf-8"))
    with socket.socket() as listening:  # a PKI host that is up: the kept answer stands
        listening.bind(("127.0.0.1", 0))
        listening.listen(4)
        stored["result"]["hosts"] = [["127.0.0.1", listening.getsockname()[1]]]
        cache.write_text(json.dumps(stored), encoding="utf-8")
        assert signing_readiness(settings)["cached"] is True
    # ...and gone (nothing listens there now): asked again, not "sẵn sàng" from memory
    stored["result"]["hosts"] = [["127.0.0.1", _free_port()]]
    cache.write_text(json.dumps(stored), encoding="utf-8")
    assert signing_readiness(settings)["cached"] is False


def test_a_jobs_own_check_updates_the_kept_answer(tmp_path: Path) -> None:
    """tester11 F13: ingest (and scan, watch, certify, export…) refused for a PKI that is
    down, the next status must not say "sẵn sàng" from an earlier kept answer; a job's check
    that passes is kept for status."""
    home = tmp_path / "home"
    init_home(home, unit="H19.22", dev_pki_url=f"http://127.0.0.1:{_free_port()}")
    settings = load_settings(home=home, environ={})
    cache = home / "cache" / CACHE_NAME
    # an earlier "ready" kept (the PKI was up 30 s ago), its hosts still accepting
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(4)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"key": _cache_key(settings), "result": {
            "signer": "x", "level": "B-LTA", "tsa": None, "workflow": "agency-copy",
            "ready": True, "problem": None, "broker": False, "checked_at": time.time() - 30,
            "hosts": [["127.0.0.1", listening.getsockname()[1]]]}}), encoding="utf-8")
        assert signing_readiness(settings)["ready"] is True
        with pytest.raises(SigningError):
            check_signer_ready(settings, make_document_signer(settings))
        after = signing_readiness(settings)
    assert after["ready"] is False and after["cached"] is False, after

    plain = tmp_path / "plain"
    init_home(plain, unit="H19.22")
    plain_settings = load_settings(home=plain, environ={})
    check_signer_ready(plain_settings, make_document_signer(plain_settings))
    kept = signing_readiness(plain_settings)
    assert kept["ready"] is True and kept["cached"] is True, kept


def test_a_bad_signing_setting_is_the_signing_lines_problem(tmp_path: Path) -> None:
    """tester11 F21: SOHOA_SIGNING_LEVEL=B-XYZ is said on the ký số line, the other lines
    still printed, rc 0 (as a missing key is)."""
    home = tmp_path / "home"
    init_home(home, unit="H19.22")
    shown = CliRunner(env={"SOHOA_HOME": None, "COLUMNS": "250",
                           "SOHOA_SIGNING_LEVEL": "B-XYZ"}).invoke(
        cli, ["--home", str(home), "status"])
    assert shown.exit_code == 0, shown.output
    line = _signing(shown.output)
    assert line.startswith("ký số: cấu hình ký số sai: KHÔNG KÝ ĐƯỢC: signing.level 'B-XYZ'"), line
    assert "giấy tờ đã lưu: 0" in shown.output, shown.output


def test_a_refused_login_is_kept_per_officer(tmp_path: Path) -> None:
    """review12b M1: one kept refusal per home was shown to every officer, and another
    officer's good login cleared it — the next poll tried the refused PIN again."""
    from sohoa.errors import TokenLoginRefused
    from sohoa.pipeline.signerkept import login_key, note_login_refused, read, refused_path

    home = tmp_path / "home"
    init_home(home, unit="H19.22")
    lan = load_settings(home=home, environ={"SOHOA_USER": "lan"})
    lan = dataclasses.replace(lan, officer="lan")
    minh = dataclasses.replace(lan, officer="minh")
    assert refused_path(lan) != refused_path(minh) == refused_path(lan, "minh")
    note_login_refused(lan, TokenLoginRefused("Token từ chối mã PIN"))
    assert read(refused_path(lan), login_key(lan), None)["login_refused"]
    assert read(refused_path(minh), login_key(minh), None) is None
