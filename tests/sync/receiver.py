"""A real receiver of sohoa's outgoing events, on loopback, for the tests and the benchmark.

It implements the contract (sohoa/api/sync_contract.py): checks ``X-Sohoa-Signature`` against
the shared secret, checks that ``Idempotency-Key`` is the body's ``event_id``, validates the
body against the contract's models, applies each key once (a repeat answers 200 without
applying), and records everything in its own SQLite file so that a test can ask, after the
fact and across restarts: which keys were applied, how often each key arrived, whether a
dossier's events were applied in order and without gaps (``sequence``), and whether one key was
ever being handled by two requests at the same time.

Faults are injected by a plan (``POST /_control``): each event request takes the next action of
the plan (cycling if asked), one of
  ok                apply, answer 200
  500               answer 500, apply nothing
  503               answer 503 with Retry-After (``retry_after`` seconds), apply nothing
  429               answer 429 with Retry-After, apply nothing
  422               refuse the event (answer 422 with a reason), apply nothing
  timeout           wait ``slow_s`` (longer than the sender's timeout), then apply and answer
  reset             read the request, then reset the connection (RST), apply nothing
  commit-noanswer   apply, then close the connection without answering

Run: ``python receiver.py --port P --state DIR --secret S`` (prints "ready <port>").
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import socket
import sqlite3
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS applied (key TEXT PRIMARY KEY, dossier TEXT, sequence INTEGER,
    event_type TEXT, applied_at REAL, body TEXT);
CREATE TABLE IF NOT EXISTS arrivals (id INTEGER PRIMARY KEY, key TEXT, action TEXT, at REAL);
CREATE TABLE IF NOT EXISTS violations (id INTEGER PRIMARY KEY, kind TEXT, detail TEXT);
CREATE TABLE IF NOT EXISTS plan (id INTEGER PRIMARY KEY CHECK (id = 1), actions TEXT,
    cycle INTEGER, position INTEGER, retry_after REAL, slow_s REAL, delay_s REAL);
"""


class Receiver:
    def __init__(self, state: Path, secret: str, durable: bool = True) -> None:
        self.secret = secret.encode()
        self.db = sqlite3.connect(state / "receiver.db", check_same_thread=False,
                                  isolation_level=None)
        if not durable:  # the benchmark times the sender, not this file's fsyncs
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=OFF")
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()
        self.in_flight: set[str] = set()

    def next_action(self, key: str) -> tuple[str, dict[str, float]]:
        with self.lock:
            row = self.db.execute("SELECT actions, cycle, position, retry_after, slow_s, delay_s "
                                  "FROM plan WHERE id = 1").fetchone()
            timing = {"retry_after": 1.0, "slow_s": 2.0, "delay_s": 0.0}
            action = "ok"
            if row is not None:
                actions = json.loads(row[0])
                timing = {"retry_after": row[3], "slow_s": row[4], "delay_s": row[5]}
                if actions:
                    pos = row[2]
                    if pos < len(actions) or row[1]:
                        action = actions[pos % len(actions)]
                        self.db.execute("UPDATE plan SET position = position + 1 WHERE id = 1")
            self.db.execute("INSERT INTO arrivals (key, action, at) VALUES (?, ?, ?)",
                            (key, action, time.time()))
            return action, timing

    def violation(self, kind: str, detail: str) -> None:
        with self.lock:
            self.db.execute("INSERT INTO violations (kind, detail) VALUES (?, ?)", (kind, detail))

    def apply(self, key: str, event: dict[str, Any], body: bytes) -> bool:
        """Apply once; check the dossier's order. True if applied now, False if a repeat."""
        with self.lock:
            if self.db.execute("SELECT 1 FROM applied WHERE key = ?", (key,)).fetchone():
                return False
            dossier, seq = event["MaHoSo"], int(event["sequence"])
            last = self.db.execute("SELECT max(sequence) FROM applied WHERE dossier = ?",
                                   (dossier,)).fetchone()[0] or 0
            if seq != last + 1:
                self.db.execute("INSERT INTO violations (kind, detail) VALUES (?, ?)",
                                ("order", f"{dossier}: sequence {seq} after {last}"))
            self.db.execute("INSERT INTO applied VALUES (?, ?, ?, ?, ?, ?)",
                            (key, dossier, seq, event["event_type"], time.time(),
                             body.decode("utf-8")))
            return True

    def set_plan(self, spec: dict[str, Any]) -> None:
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO plan VALUES (1, ?, ?, 0, ?, ?, ?)", (
                json.dumps(spec.get("actions", [])), int(bool(spec.get("cycle", False))),
                float(spec.get("retry_after", 1.0)), float(spec.get("slow_s", 2.0)),
                float(spec.get("delay_s", 0.0))))

    def state(self) -> dict[str, Any]:
        with self.lock:
            q = self.db.execute
            return {
                "applied": [dict(zip(("key", "dossier", "sequence", "event_type"), r, strict=True))
                            for r in q("SELECT key, dossier, sequence, event_type FROM applied "
                                       "ORDER BY applied_at")],
                "arrivals": dict(q("SELECT action, count(*) FROM arrivals GROUP BY action")
                                 .fetchall()),
                "arrivals_per_key": dict(q("SELECT key, count(*) FROM arrivals GROUP BY key")
                                         .fetchall()),
                "violations": [{"kind": k, "detail": d}
                               for k, d in q("SELECT kind, detail FROM violations")],
            }


def _contract() -> Any:
    """sohoa/api/sync_contract.py by its path: importing the ``sohoa.api`` package would load
    the whole web app (seconds of start-up) for one module that needs only pydantic."""
    import importlib.util

    import sohoa

    path = Path(sohoa.__file__).parent / "api" / "sync_contract.py"
    spec = importlib.util.spec_from_file_location("sohoa_sync_contract", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def make_handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    from pydantic import ValidationError

    validate_event = _contract().validate_event

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body leave in two writes: without this, Nagle holds the body back
            # until the sender's delayed ACK (40 ms a request on Linux).
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _answer(self, status: int, obj: dict[str, Any],
                    headers: dict[str, str] | None = None) -> None:
            data = json.dumps(obj, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _reset(self) -> None:
            # SO_LINGER 0: close() sends RST, as a crashed or cut-off peer does.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

        def do_GET(self) -> None:
            if self.path == "/_state":
                self._answer(200, receiver.state())
            else:
                self._answer(404, {"error": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if len(body) < length:
                # The sender was killed while writing: no request arrived (an HTTP server
                # never dispatches half a body), so nothing to judge — not a bad signature.
                self.close_connection = True
                return
            if self.path == "/_control":
                receiver.set_plan(json.loads(body))
                self._answer(200, {"ok": True})
                return
            key = self.headers.get("Idempotency-Key", "")
            with receiver.lock:
                concurrent = key in receiver.in_flight
                receiver.in_flight.add(key)
            if concurrent:
                receiver.violation("concurrent", key)
            try:
                self._event(key, body)
            finally:
                with receiver.lock:
                    if not concurrent:
                        receiver.in_flight.discard(key)

        def _event(self, key: str, body: bytes) -> None:
            action, timing = receiver.next_action(key)
            if timing["delay_s"]:
                time.sleep(timing["delay_s"])
            expected = "sha256=" + hmac.new(receiver.secret, body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(self.headers.get("X-Sohoa-Signature", ""), expected):
                receiver.violation("signature", key)
                self._answer(401, {"error": "chữ ký không đúng"})
                return
            try:
                event = validate_event(body)
            except ValidationError as exc:
                receiver.violation("contract", f"{key}: {exc.errors()[:3]}")
                self._answer(422, {"error": "không đúng hợp đồng", "detail": str(exc)[:500]})
                return
            if event.event_id != key or self.headers.get("X-Sohoa-Event") != event.event_type:
                receiver.violation("headers", key)
                self._answer(400, {"error": "Idempotency-Key / X-Sohoa-Event không khớp"})
                return
            plain = json.loads(body)
            if action == "500":
                self._answer(500, {"error": "lỗi máy chủ (giả lập)"})
            elif action in ("503", "429"):
                self._answer(int(action), {"error": "bận (giả lập)"},
                             {"Retry-After": f"{timing['retry_after']:g}"})
            elif action == "422":
                self._answer(422, {"error": "hồ sơ không hợp lệ (giả lập)", "key": key})
            elif action == "reset":
                self._reset()
            elif action == "commit-noanswer":
                receiver.apply(key, plain, body)
                self._reset()
            elif action == "timeout":
                time.sleep(timing["slow_s"])
                receiver.apply(key, plain, body)
                with contextlib.suppress(OSError):  # the sender has gone
                    self._answer(200, {"applied": True})
            else:
                applied = receiver.apply(key, plain, body)
                self._answer(200, {"applied": applied, "duplicate": not applied})

    return Handler


class Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--no-fsync", action="store_true",
                        help="do not fsync the record of deliveries (benchmarks)")
    parser.add_argument("--tls", nargs=3, metavar=("CERT", "KEY", "CLIENT_CA"),
                        help="serve HTTPS and require a client certificate from CLIENT_CA")
    args = parser.parse_args()
    args.state.mkdir(parents=True, exist_ok=True)
    receiver = Receiver(args.state, args.secret, durable=not args.no_fsync)
    server = Server(("127.0.0.1", args.port), make_handler(receiver))
    if args.tls:
        import ssl

        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        ctx.load_verify_locations(args.tls[2])
        ctx.verify_mode = ssl.CERT_REQUIRED  # mutual TLS: no client certificate, no talk
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print(f"ready {server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever(poll_interval=0.05)


if __name__ == "__main__":
    sys.exit(main())
