"""The receiver as a child process, archive homes configured to send to it, and documents
stored for real (real PDFs, page images and catalog transactions; no OCR) so that the events
are the ones the archive writes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sample_files import page_image, pdf_bytes

from sohoa.archive import Archive
from sohoa.clock import vietnam_today
from sohoa.records import DocumentRecord, PageRecord, SignatureSummary, sha256_hex

HERE = Path(__file__).resolve().parent
SECRET = "khoá-bí-mật-thử-nghiệm"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ReceiverProcess:
    """tests/sync/receiver.py on a fixed loopback port, stoppable and restartable; its state
    (a SQLite file) survives restarts."""

    def __init__(self, state: Path, secret: str = SECRET, *, durable: bool = True,
                 tls: tuple[Path, Path, Path] | None = None) -> None:
        self.state = state
        self.secret = secret
        self.durable = durable
        self.tls = tls
        self.port = free_port()
        self.proc: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/events"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "receiver.py"), "--port", str(self.port), "--state",
             str(self.state), "--secret", self.secret,
             *([] if self.durable else ["--no-fsync"]),
             *(["--tls", *map(str, self.tls)] if self.tls else [])],
            stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.startswith("ready"), line

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def _call(self, method: str, path: str, obj: Any = None) -> Any:
        data = json.dumps(obj).encode() if obj is not None else None
        base = self.url.rsplit("/", 1)[0]
        req = urllib.request.Request(f"{base}{path}", data=data, method=method)
        context = None
        if self.tls:
            import ssl

            context = ssl.create_default_context(cafile=str(self.tls[2]))
            context.load_cert_chain(str(self.state.parent / "pki" / "client.pem"),
                                    str(self.state.parent / "pki" / "client.key"))
        with urllib.request.urlopen(req, timeout=10, context=context) as resp:
            return json.loads(resp.read())

    def plan(self, actions: list[str], *, cycle: bool = False, retry_after: float = 0.2,
             slow_s: float = 1.0, delay_s: float = 0.0) -> None:
        self._call("POST", "/_control", {"actions": actions, "cycle": cycle,
                                         "retry_after": retry_after, "slow_s": slow_s,
                                         "delay_s": delay_s})

    def snapshot(self) -> dict[str, Any]:
        return self._call("GET", "/_state")  # type: ignore[no-any-return]


def make_record(seed: str, dossier: str, *, owner_id: str = "075203001234",
                owner_name: str = "Nguyễn Văn An", retention: str = "permanent",
                issue_date: date = date(2024, 3, 1), doc_type: str = "birth_certificate"
                ) -> tuple[DocumentRecord, bytes, list[bytes]]:
    images = [page_image(f"{seed}-0")]
    pages = tuple(PageRecord(source=f"/scans/{seed}.tif", index=i, sha256=sha256_hex(img),
                             side="front", rotation=0, skew=0.2, confidence=0.93)
                  for i, img in enumerate(images))
    doc_key = hashlib.sha256("".join(p.sha256 for p in pages).encode()).hexdigest()
    pdf = pdf_bytes(f"GIẤY KHAI SINH {seed}")
    rec = DocumentRecord(
        doc_key=doc_key, dossier_code=dossier, unit="UBND phường Tân Phong",
        doc_type=doc_type, title="GIẤY KHAI SINH", owner_id=owner_id,
        owner_kind="person", owner_name=owner_name,
        fields={"full_name": owner_name, "document_number": f"{seed}/2024"}, field_flags=(),
        text=f"Giấy khai sinh của {owner_name}, sinh tại Đồng Nai.", pages=pages,
        confidence=0.9, needs_review=False, review_reasons=(), pdf_sha256=sha256_hex(pdf),
        pdf_size=len(pdf),
        signature=SignatureSummary(level="B-B", signer="UBND phường Tân Phong",
                                   signed_at=datetime(2024, 3, 1, 9, 30, tzinfo=UTC)),
        issue_date=issue_date, valid_until=None, retention=retention,
        ingested_at=datetime.now(UTC), extra={"received_date": vietnam_today().isoformat()})
    return rec, pdf, images


def store_many(archive: Archive, dossiers: int, per_dossier: int, tag: str = "d") -> list[str]:
    """Store ``dossiers × per_dossier`` documents, interleaving the dossiers; return ids."""
    ids = []
    for n in range(per_dossier):
        for d in range(dossiers):
            rec, pdf, images = make_record(f"{tag}{d}-{n}", f"H19.22-261206-{d:04d}")
            doc_id, created = archive.store_document(rec, pdf, images)
            assert created
            ids.append(doc_id)
    return ids


def write_config(home: Path, db: str, targets: Iterable[dict[str, Any]], **sync: Any) -> None:
    """A sohoa.toml sending to ``targets``, with the test's short backoffs."""
    home.mkdir(parents=True, exist_ok=True)
    lines = [f'db = "{db}"', "", "[sync]"]
    options = {"backoff_s": 0.05, "max_backoff_s": 0.4, "lease_s": 3.0, "poll_s": 0.05,
               **sync}
    lines += [f"{k} = {json.dumps(v)}" for k, v in options.items()]
    for t in targets:
        t = {"timeout_s": 1.0, **t}
        lines += ["", "[[sync.targets]]"] + [f"{k} = {json.dumps(v, ensure_ascii=False)}"
                                              for k, v in t.items()]
    (home / "sohoa.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def sohoa_process(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SOHOA_HOME": str(home), "OMP_THREAD_LIMIT": "1"}
    return subprocess.Popen([sys.executable, "-m", "sohoa", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run_sohoa(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOHOA_HOME": str(home), "OMP_THREAD_LIMIT": "1"}
    return subprocess.run([sys.executable, "-m", "sohoa", *args], env=env, text=True,
                          capture_output=True, timeout=timeout, check=False)


def wait_for(predicate: Any, timeout: float, what: str, step: float = 0.05) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def event_ids(archive: Archive) -> dict[str, tuple[str, int]]:
    """Every recorded event: Idempotency-Key → (dossier, sequence)."""
    from sqlalchemy import select

    from sohoa.archive.sync_models import SyncEvent

    with archive.transaction(write=False) as conn:
        return {r.event_id: (r.ordering_key, r.sequence) for r in conn.execute(
            select(SyncEvent.event_id, SyncEvent.ordering_key, SyncEvent.sequence))}


def assert_exactly_once(archive: Archive, receiver: ReceiverProcess) -> dict[str, Any]:
    """Every event applied by the receiver once, in order per dossier, none lost, no
    violation (signature, contract, order, two requests with one key at once)."""
    snap = receiver.snapshot()
    expected = event_ids(archive)
    applied = [a["key"] for a in snap["applied"]]
    assert snap["violations"] == [], snap["violations"][:5]
    assert len(applied) == len(set(applied))
    assert set(applied) == set(expected), (
        f"lost: {len(set(expected) - set(applied))}, unknown: {len(set(applied) - set(expected))}")
    last: dict[str, int] = {}
    for a in snap["applied"]:  # applied order, per dossier
        assert a["sequence"] == last.get(a["dossier"], 0) + 1, a
        last[a["dossier"]] = a["sequence"]
    return snap


def make_pki(where: Path) -> dict[str, Path]:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    where.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def save(stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
        (where / f"{stem}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (where / f"{stem}.key").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("Sở TT&TT thử nghiệm"))
          .issuer_name(name("Sở TT&TT thử nghiệm")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now)
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    save("ca", ca, ca_key)
    for stem, usage, san in (
            ("server", ExtendedKeyUsageOID.SERVER_AUTH,
             x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])),
            ("client", ExtendedKeyUsageOID.CLIENT_AUTH, None)):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder().subject_name(name(f"sohoa {stem}"))
                   .issuer_name(ca.subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.ExtendedKeyUsage([usage]), critical=False))
        if san is not None:
            builder = builder.add_extension(san, critical=False)
        save(stem, builder.sign(ca_key, hashes.SHA256()), key)
    return {p.stem + p.suffix: p for p in where.iterdir()}
