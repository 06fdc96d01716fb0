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
from pathlib import Path

from click.testing import CliRunner

from sohoa.cli.main import cli
from sohoa.cli.operator import _signing_line
from sohoa.pipeline.home import init_home
from sohoa.pipeline.settings import load_settings
from sohoa.pipeline.signerstatus import signing_readiness


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
    # polled again: the answer kept in the home, said with its age; --check-signing asks again
    as_json = json.loads(runner.invoke(cli, ["--home", str(home), "status", "--json"]).stdout)
    signing = as_json["signing"]
    assert signing["ready"] is False and signing["problem"] and signing["signer"], signing
    assert signing["tsa"].endswith("/tsa"), signing
    assert signing["cached"] is True, signing
    assert "kiểm tra " in _signing(runner.invoke(cli, ["--home", str(home), "status"]).output)
    fresh = json.loads(runner.invoke(cli, ["--home", str(home), "status", "--check-signing",
                                           "--json"]).stdout)["signing"]
    assert fresh["cached"] is False and fresh["checked_at"] > signing["checked_at"], fresh

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
    assert signing["problem"] == "máy chủ ký số (OCSP/CRL, TSA) chưa trả lời trong 0.5 s"
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
