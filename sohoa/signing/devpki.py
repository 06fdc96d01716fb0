"""The development PKI's services on the loopback interface: CRL, OCSP and a timestamp authority.

``sohoa dev-pki serve`` runs this for the test identity of ``identity.create_dev_identity``, so a
demo or a desk PC without a real CA can sign B-LTA: pyHanko fetches the signer's OCSP answer and
the CRL while signing, embeds them, and asks the TSA for the signature and document timestamps.

- ``GET /crl/root.crl``: a CRL of the test root, issued afresh on every request (nothing is ever
  revoked; it is valid for a week, as a CA's scheduled CRL would be).
- ``POST /ocsp`` (and RFC 6960 ``GET /ocsp/<base64>``): "good" for a certificate the test root
  issued, "unknown" for anything else; signed by the delegated OCSP responder, echoing the nonce.
- ``POST /tsa``: RFC 3161 timestamps signed by the test TSA (pyHanko's ``DummyTimeStamper``).
- ``GET /ca/root.crt``: the test root, for the signer's CA-issuers address.

Production CAs run all of this themselves; nothing here is meant to face a network.
"""

from __future__ import annotations

import base64
import errno
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import ProxyHandler, build_opener

from aiohttp import web
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from sohoa.errors import ConfigError, os_said

from .identity import CA_KEY_NAME, OCSP_NAME, PASS_NAME, PKI_NAME, ROOT_NAME, TSA_NAME

CRL_VALIDITY = timedelta(days=7)
OCSP_VALIDITY = timedelta(days=1)


@dataclass(frozen=True)
class DevPki:
    url: str
    root: x509.Certificate
    root_key: rsa.RSAPrivateKey
    ocsp_cert: x509.Certificate
    ocsp_key: rsa.RSAPrivateKey
    issued: frozenset[int]  # serial numbers of the certificates the root issued
    timestamper: DummyTimeStamper

    @classmethod
    def load(cls, directory: Path) -> DevPki:
        directory = Path(directory)
        config = directory / PKI_NAME
        if not config.exists() or not (directory / CA_KEY_NAME).exists():
            raise ConfigError(
                f"{directory} không chứa tổ chức chứng thực thử nghiệm (thiếu {PKI_NAME}): thư "
                "mục này do phiên bản sohoa cũ tạo, hoặc là khóa thật của cơ quan. Hãy chuyển "
                "thư mục khóa sang chỗ khác rồi chạy `sohoa init` để tạo khóa ký thử nghiệm mới."
            )
        password = (directory / PASS_NAME).read_bytes().strip()
        url = str(json.loads(config.read_text(encoding="utf-8"))["url"])
        root = x509.load_pem_x509_certificate((directory / ROOT_NAME).read_bytes())
        root_key = serialization.load_pem_private_key(
            (directory / CA_KEY_NAME).read_bytes(), password
        )
        issued = set()
        bundles = {}
        for name in (OCSP_NAME, TSA_NAME, "dev-signer.p12"):
            key, cert, _ = pkcs12.load_key_and_certificates(
                (directory / name).read_bytes(), password
            )
            assert key is not None and cert is not None
            bundles[name] = (key, cert)
            issued.add(cert.serial_number)
        tsa_key, tsa_cert = bundles[TSA_NAME]
        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(serialization.Encoding.DER)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(tsa_key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )),
            certs_to_embed=[asn1_x509.Certificate.load(
                root.public_bytes(serialization.Encoding.DER))],
            include_nonce=True,
        )
        ocsp_key, ocsp_cert = bundles[OCSP_NAME]
        assert isinstance(root_key, rsa.RSAPrivateKey) and isinstance(ocsp_key, rsa.RSAPrivateKey)
        return cls(url, root, root_key, ocsp_cert, ocsp_key, frozenset(issued), stamper)

    def crl(self) -> bytes:
        now = datetime.now(UTC).replace(microsecond=0)
        built = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.subject)
            .last_update(now - timedelta(minutes=1))
            .next_update(now + CRL_VALIDITY)
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()),
                critical=False,
            )
            .sign(self.root_key, hashes.SHA256())
        )
        return built.public_bytes(serialization.Encoding.DER)

    def ocsp(self, request_der: bytes) -> bytes:
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST
            ).public_bytes(serialization.Encoding.DER)
        now = datetime.now(UTC).replace(microsecond=0)
        ours = (request.serial_number in self.issued
                and request.issuer_key_hash == _key_hash(self.root, request.hash_algorithm))
        status = ocsp.OCSPCertStatus.GOOD if ours else ocsp.OCSPCertStatus.UNKNOWN
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=status,
            this_update=now - timedelta(minutes=1),
            next_update=now + OCSP_VALIDITY,
            revocation_time=None,
            revocation_reason=None,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, self.ocsp_cert).certificates(
            [self.ocsp_cert]
        )
        try:
            nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value
            builder = builder.add_extension(nonce, critical=False)
        except x509.ExtensionNotFound:
            pass
        return builder.sign(self.ocsp_key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER
        )

    def timestamp(self, request_der: bytes) -> bytes:
        request = tsp.TimeStampReq.load(request_der)
        return self.timestamper.request_tsa_response(request).dump()


def _key_hash(cert: x509.Certificate, algorithm: hashes.HashAlgorithm) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    ))
    return digest.finalize()


def make_app(pki: DevPki) -> web.Application:
    async def crl(_: web.Request) -> web.Response:
        return web.Response(body=pki.crl(), content_type="application/pkix-crl")

    async def root(_: web.Request) -> web.Response:
        return web.Response(body=pki.root.public_bytes(serialization.Encoding.DER),
                            content_type="application/pkix-cert")

    async def ocsp_post(request: web.Request) -> web.Response:
        return web.Response(body=pki.ocsp(await request.read()),
                            content_type="application/ocsp-response")

    async def ocsp_get(request: web.Request) -> web.Response:
        encoded = unquote(request.match_info["encoded"])
        try:
            der = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError:
            der = b""
        return web.Response(body=pki.ocsp(der), content_type="application/ocsp-response")

    async def tsa(request: web.Request) -> web.Response:
        try:
            answer = pki.timestamp(await request.read())
        except ValueError as exc:
            raise web.HTTPBadRequest(text=f"not an RFC 3161 request: {exc}") from exc
        return web.Response(body=answer, content_type="application/timestamp-reply")

    app = web.Application()
    app.add_routes([
        web.get("/crl/root.crl", crl),
        web.get("/ca/root.crt", root),
        web.post("/ocsp", ocsp_post),
        web.get("/ocsp/{encoded:.+}", ocsp_get),
        web.post("/tsa", tsa),
    ])
    return app


def listen_address(pki: DevPki) -> tuple[str, int]:
    parts = urlsplit(pki.url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def serve(directory: Path, started: Callable[[str], None] = lambda _: None) -> None:
    """Serve the development PKI of ``directory`` until interrupted (Ctrl-C, SIGTERM).
    ``started`` is told the address once the port is held, never before: a second home's
    serve on the same default port said it was running, then failed to bind (tester10 F34)."""
    pki = DevPki.load(directory)
    host, port = listen_address(pki)
    sock = _listening(pki, host, port)
    started(pki.url)
    try:
        web.run_app(make_app(pki), sock=sock, print=None, access_log=None)
    finally:
        sock.close()


def _listening(pki: DevPki, host: str, port: int) -> socket.socket:
    """A socket bound to the PKI's address and listening, or why it cannot be (Vietnamese):
    whose service already answers there, when one does."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        raise ConfigError(f"Không mở được cổng {host}:{port} cho hạ tầng khóa thử nghiệm "
                          f"({os_said(exc)})") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp's own site
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ConfigError(_port_taken(pki, host, port, exc)) from exc
    return sock


def _port_taken(pki: DevPki, host: str, port: int, exc: OSError) -> str:
    head = f"Không mở được cổng {host}:{port} cho hạ tầng khóa thử nghiệm"
    if exc.errno != errno.EADDRINUSE:
        return f"{head} ({os_said(exc)})"
    try:  # who answers there: this home's CA, another home's, or something else
        # no proxy: the address is this machine's own loopback
        opener = build_opener(ProxyHandler({}))
        with opener.open(f"{pki.url.rstrip('/')}/ca/root.crt", timeout=2) as answer:
            theirs = answer.read(65536)
    except (OSError, ValueError):
        theirs = None
    if theirs == pki.root.public_bytes(serialization.Encoding.DER):
        return (f"{head}: hạ tầng khóa thử nghiệm của chính kho này đã đang chạy tại {pki.url} "
                "(một lệnh `sohoa dev-pki serve` khác); không cần chạy thêm")
    if theirs is not None and theirs[:1] == b"\x30":
        return (f"{head}: cổng này đang được hạ tầng khóa thử nghiệm của một kho sohoa khác "
                "dùng (CA thử nghiệm khác, cùng cổng mặc định); hãy dừng lệnh `sohoa dev-pki "
                "serve` của kho đó, hoặc tạo kho này với cổng khác: sohoa init --dev-pki "
                "--dev-pki-url http://127.0.0.1:CỔNG_KHÁC")
    return (f"{head}: cổng này đang được một chương trình khác dùng; hãy dừng chương trình "
            "đó, hoặc tạo kho này với cổng khác: sohoa init --dev-pki --dev-pki-url "
            "http://127.0.0.1:CỔNG_KHÁC")
