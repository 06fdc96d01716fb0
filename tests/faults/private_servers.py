"""Private servers for the fault tests: PostgreSQL, S3 (versitygw), Redis and Elasticsearch, each
on free ports and in its own directory, started and stopped with ``scripts/services/NAME.sh``.

The shared test servers are never stopped. A fault test stops and starts its own; the ports are
picked free each time (two runs of the suite, or another engineer's, never meet on a fixed
port), and the server is stopped and its directory removed even when the test or the start
itself fails half-way."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from testtools import REPO

_PATH = "/usr/local/go/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def port_free(port: int) -> bool:
    """Nothing listens on ``port`` on loopback, and it can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports below Linux's ephemeral range (32768-60999), so that no
    client's outgoing connection takes one in the moment before the server binds it."""
    picked: list[int] = []
    while len(picked) < count:
        port = random.randrange(20000, 32000)
        if port not in picked and port_free(port):
            picked.append(port)
    return picked


@dataclass(frozen=True)
class Server:
    """One private server: ``url`` once started, ``service("stop"|"start")`` to restart it."""

    name: str
    run_dir: Path
    env: dict[str, str]
    pidfile: str  # relative to run_dir: proof that the server answering is this one
    timeout: float

    def service(self, action: str) -> subprocess.CompletedProcess[str]:
        script = REPO / "scripts" / "services" / f"{self.name}.sh"
        return subprocess.run(["bash", str(script), action], env=self.env, capture_output=True,
                              text=True, timeout=self.timeout, check=False)

    def start(self) -> str:
        started = self.service("start")
        if started.returncode != 0:
            pytest.fail(f"the private {self.name} server did not start: "
                        f"{started.stderr.strip()[-600:]}")
        # "start" reuses a server already answering on the port: make sure it is ours
        assert (self.run_dir / self.pidfile).exists(), (self.name, started.stderr)
        return started.stdout.strip()


@contextmanager
def private_server(name: str, ports: dict[str, int], *, parent: str = "/tmp",
                   pidfile: str, timeout: float = 240,
                   **extra: str) -> Iterator[tuple[Server, str]]:
    """Start ``scripts/services/NAME.sh`` with ``ports`` (its port variables) and a fresh
    directory under ``parent``; yield the server and its URL; stop and remove it whatever
    happens (a start that failed half-way may have left a process: stop is always run)."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"sohoa-faults-{name}-", dir=parent))
    upper = {"postgres": "PG", "elasticsearch": "ES", "s3": "S3", "redis": "REDIS"}[name]
    env = {"PATH": _PATH, "HOME": os.environ.get("HOME", "/root"),
           f"SOHOA_{upper}_DIR": str(run_dir), **{k: str(v) for k, v in ports.items()}, **extra}
    server = Server(name, run_dir, env, pidfile, timeout)
    try:
        yield server, server.start()
    finally:
        server.service("stop")
        shutil.rmtree(run_dir, ignore_errors=True)


def postgres() -> Iterator[tuple[Server, str]]:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/postgres")):
        pytest.fail("PostgreSQL is not installed (make install installs it)")
    # under /tmp itself: the server runs as the unprivileged postgres user, who cannot walk
    # into pytest's root-only temporary folders
    [port] = free_ports(1)
    with private_server("postgres", {"SOHOA_PG_PORT": port}, pidfile="data/postmaster.pid",
                        timeout=180) as started:
        yield started


def s3() -> Iterator[tuple[Server, str]]:
    # on disk, not tmpfs: versitygw keeps metadata in extended attributes
    [port] = free_ports(1)
    with private_server("s3", {"SOHOA_S3_PORT": port}, parent="/var/tmp",
                        pidfile="versitygw.pid", timeout=900) as started:
        yield started


def redis() -> Iterator[tuple[Server, str]]:
    [port] = free_ports(1)
    with private_server("redis", {"SOHOA_REDIS_PORT": port}, pidfile="redis.pid",
                        timeout=60) as started:
        yield started


def elasticsearch() -> Iterator[tuple[Server, str]]:
    # under /tmp itself: the node runs as the unprivileged user sohoa-es
    http, transport = free_ports(2)
    with private_server("elasticsearch", {"SOHOA_ES_PORT": http,
                                          "SOHOA_ES_TRANSPORT_PORT": transport},
                        pidfile="es.pid", SOHOA_ES_HEAP="384m") as started:
        yield started
