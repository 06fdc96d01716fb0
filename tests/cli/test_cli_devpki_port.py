"""tester10 F34: two homes' `dev-pki serve` on the same (default) port: the second said
"hạ tầng khóa thử nghiệm chạy tại …" and only then failed to bind. The port is held before
anything is said; when it cannot be, whose service answers there is said in Vietnamese, exit 2."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from sohoa.cli.main import cli
from sohoa.pipeline.home import init_home


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(home: Path) -> tuple[int, str, str]:
    ran = CliRunner().invoke(cli, ["--home", str(home), "dev-pki", "serve"])
    return ran.exit_code, ran.stdout, ran.stderr


def test_a_second_serve_on_a_held_port_says_whose_it_is_before_claiming_to_run(
        tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    first, second = tmp_path / "demo-home", tmp_path / "home3"
    for home in (first, second):
        init_home(home, unit="H19.22", dev_key=True, dev_pki_url=url)
    server = subprocess.Popen([sys.executable, "-m", "sohoa", "dev-pki", "serve"],
                              env={**os.environ, "SOHOA_HOME": str(first)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])),
                                         timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline, "sohoa dev-pki serve did not start"
                time.sleep(0.2)
        code, out, err = _serve(second)
        assert code == 2, (out, err)
        assert "chạy tại" not in out, out  # never said to run
        assert "của một kho sohoa khác" in err and "--dev-pki-url" in err, err
        code, out, err = _serve(first)  # the same home twice
        assert code == 2 and "chạy tại" not in out, (out, err)
        assert "của chính kho này đã đang chạy" in err, err
    finally:
        server.send_signal(signal.SIGINT)
        try:
            said, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            said, _ = server.communicate()
    # the one that runs still says so, and that it stopped
    assert b"ch\xe1\xba\xa1y t\xe1\xba\xa1i" in said and url.encode() in said, said
