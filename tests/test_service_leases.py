"""scripts/test.sh stops at exit only the servers its run started, and not while another run
still uses them (scripts/services/lease.sh): it used to stop every shared server it had merely
reused, under another person's running suite."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

LEASE = Path(__file__).resolve().parents[1] / "scripts" / "services" / "lease.sh"

# A service as scripts/services/NAME.sh is one: "up" is a file; start and stop are logged.
FAKE = """#!/usr/bin/env bash
set -euo pipefail
here=$(dirname "$0")
case "$1" in
    start) [ -e "$here/up" ] || { touch "$here/up"; echo start >> "$here/log"; }
           echo "fake://service" ;;
    stop) rm -f "$here/up"; echo stop >> "$here/log" ;;
    url) [ -e "$here/up" ] && echo "fake://service" ;;
esac
"""


@pytest.fixture
def services(tmp_path: Path) -> Path:
    folder = tmp_path / "services"
    folder.mkdir()
    script = folder / "fake.sh"
    script.write_text(FAKE)
    script.chmod(0o755)
    return folder


def run(services: Path, body: str) -> subprocess.CompletedProcess[str]:
    """``body`` in a bash that sourced lease.sh as test.sh does, its exit trap included."""
    script = (f"set -euo pipefail\nSOHOA_SERVICES_DIR={services}\n"
              f"SOHOA_LEASE_DIR={services}/leases\n. {LEASE}\ntrap stop_services EXIT\n{body}")
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done


def log(services: Path) -> list[str]:
    path = services / "log"
    return path.read_text().split() if path.exists() else []


def test_a_run_stops_the_server_it_started(services: Path) -> None:
    done = run(services, 'start_service fake FAKE_URL\necho "url=$FAKE_URL"')
    assert "url=fake://service" in done.stdout
    assert log(services) == ["start", "stop"]
    assert not list((services / "leases" / "fake").iterdir())  # its lease given back


def test_a_run_leaves_running_a_server_it_found_running(services: Path) -> None:
    (services / "up").touch()  # another run's
    run(services, "start_service fake FAKE_URL")
    assert log(services) == []
    assert (services / "up").exists()


def test_a_run_leaves_its_server_running_while_another_run_uses_it(services: Path) -> None:
    other = subprocess.Popen(["sleep", "30"])  # a run that is still going
    dead = subprocess.run(["bash", "-c", "echo $$"], capture_output=True, text=True)
    try:
        leases = services / "leases" / "fake"
        leases.mkdir(parents=True)
        (leases / str(other.pid)).touch()
        (leases / dead.stdout.strip()).touch()  # a run killed with -9: counts for nothing
        done = run(services, "start_service fake FAKE_URL")
        assert log(services) == ["start"]
        assert f"still used by run(s) {other.pid}" in done.stderr
        assert sorted(p.name for p in leases.iterdir()) == [str(other.pid)]
    finally:
        other.kill()
        other.wait()
    run(services, "start_service fake FAKE_URL")  # the lease is stale now; the server is up
    assert log(services) == ["start"]  # found running, so not this run's to stop
