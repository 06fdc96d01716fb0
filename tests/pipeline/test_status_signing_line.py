"""tester10 F30: `sohoa status` (the operator's view) says whether this desk can sign now — the
signer, its level and the same check an ingest makes first — so "the PKI is down" shows there
before the desk's next ingest is refused for it; --json carries it as ``signing``."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

from click.testing import CliRunner

from sohoa.cli.main import cli
from sohoa.pipeline.home import init_home


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_status_says_the_signer_cannot_sign_while_its_pki_is_down(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # a dev-PKI home whose CRL, OCSP and TSA address nothing listens on
    init_home(home, unit="H19.22", dev_pki_url=f"http://127.0.0.1:{_free_port()}")
    runner = CliRunner(env={"SOHOA_HOME": None, "COLUMNS": "250"})
    started = time.monotonic()
    shown = runner.invoke(cli, ["--home", str(home), "status"])
    assert shown.exit_code == 0, shown.output
    assert time.monotonic() - started < 30
    [line] = [x for x in shown.output.splitlines() if x.startswith("ký số: ")]
    assert ": KHÔNG KÝ ĐƯỢC: " in line and "nhận giấy tờ sẽ bị từ chối" in line, line
    as_json = json.loads(runner.invoke(cli, ["--home", str(home), "status", "--json"]).stdout)
    signing = as_json["signing"]
    assert signing["ready"] is False and signing["problem"] and signing["signer"], signing
    assert signing["tsa"].endswith("/tsa"), signing

    # a home whose signer needs no server (level B-B): ready
    plain = tmp_path / "plain"
    init_home(plain, unit="H19.22")
    ready = runner.invoke(cli, ["--home", str(plain), "status"]).output
    assert "mức B-B: sẵn sàng" in ready, ready
