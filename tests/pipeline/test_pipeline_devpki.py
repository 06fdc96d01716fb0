"""The demo's signatures: `sohoa init --dev-pki` makes a development PKI, `sohoa dev-pki serve`
answers its CRL, OCSP and TSA on loopback, and a scan ingested with that TSA is stored B-LTA,
which `sohoa verify` and the EU's DSS validator (offline, the dev root as the only trust anchor)
pass."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pipeline_helpers import json_lines, run_sohoa

from sohoa.synth.document import render_document

REPO = Path(__file__).resolve().parents[2]
VALIDATOR = REPO / "scripts" / "services" / "etsi-validator.sh"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    home = tmp_path_factory.mktemp("home")
    url = f"http://127.0.0.1:{_free_port()}"
    made = run_sohoa(home, "init", "--unit", "H19.22", "--dev-pki", "--dev-pki-url", url)
    assert made.returncode == 0, made.stderr
    assert f'tsa_url = "{url}/tsa"' in (home / "sohoa.toml").read_text(encoding="utf-8")
    env = {**os.environ, "SOHOA_HOME": str(home)}
    server = subprocess.Popen([sys.executable, "-m", "sohoa", "dev-pki", "serve"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        port = int(url.rsplit(":", 1)[1])
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline, "sohoa dev-pki serve did not start"
                time.sleep(0.2)
        yield home, url
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_demo_document_is_b_lta_and_passes_dss(
    home: tuple[Path, str], tmp_path: Path
) -> None:
    path, _url = home
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "decision.jpg").write_bytes(render_document("decision", 7, dpi=200).page_jpeg(0))
    done = run_sohoa(path, "ingest", str(scans), "--json")
    assert done.returncode == 0, done.stderr
    [stored] = [e for e in json_lines(done.stdout) if e.get("created")]
    assert stored["signature"]["level"] == "B-LTA", stored["signature"]
    document = stored["document_id"]
    assert run_sohoa(path, "verify", document).returncode == 0
    pdf = tmp_path / "stored.pdf"
    assert run_sohoa(path, "get", document, "-o", str(pdf)).returncode == 0
    checked = subprocess.run(["bash", str(VALIDATOR), "run", str(pdf),
                              str(path / "keys" / "dev-root.pem")],
                             capture_output=True, text=True, timeout=600)
    assert checked.returncode == 0, checked.stderr[-3000:]
    import json

    [signature] = json.loads(checked.stdout)["signatures"]
    assert signature["format"] == "PAdES-BASELINE-LTA", signature
    assert signature["indication"] == "TOTAL_PASSED", signature
