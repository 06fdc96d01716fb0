"""A self-made test identity (root CA + agency signing certificate) for demos and tests.

Real agencies sign with certificates from a licensed Vietnamese CA, usually on a USB token. The dev
identity lets a desk PC produce and verify B-B signatures with no CA at all; its subject says in
Vietnamese that it is a test identity, so nobody mistakes its signatures for real ones.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from sohoa.errors import SigningError
from sohoa.vntext import nfc

P12_NAME = "dev-signer.p12"
PASS_NAME = "dev-signer.pass"
ROOT_NAME = "dev-root.pem"
TEST_MARK = "THỬ NGHIỆM - KHÔNG DÙNG THẬT"
SHORT_TEST_MARK = "THỬ NGHIỆM"
VALIDITY = timedelta(days=3652)
RSA_BITS = 3072


@dataclass(frozen=True)
class DevIdentity:
    pkcs12: Path
    password_file: Path
    root_cert: Path

    def password(self) -> bytes:
        return self.password_file.read_bytes().strip()


def create_dev_identity(directory: Path, agency: str = "UBND tỉnh Đồng Nai") -> DevIdentity:
    """Make (or reuse) a test root CA and an agency signing certificate under ``directory``.

    The certificates carry no CRL distribution point and no OCSP address: nothing can revoke
    them, and offline B-B verification has nothing to fetch. The root's private key is thrown
    away once the signer certificate is issued, so the test root can issue nothing else.
    """
    directory = Path(directory)
    identity = DevIdentity(
        pkcs12=directory / P12_NAME,
        password_file=directory / PASS_NAME,
        root_cert=directory / ROOT_NAME,
    )
    if identity.pkcs12.exists() and identity.password_file.exists() and identity.root_cert.exists():
        return identity
    agency = nfc(agency).strip()
    if not agency:
        raise SigningError("The agency name for the test identity is empty; give the agency name.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SigningError(
            f"Cannot create the folder {directory} for the test identity: {exc}"
        ) from exc

    # Backdated by a day, as CAs do for clock skew: a signing time taken a while before the
    # identity was made (a long job, a test module imported minutes earlier) is still covered.
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    root_name = _name(agency, f"CA {TEST_MARK}")
    root_cert = (
        _builder(root_name, root_name, root_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )

    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    signer_name = _name(agency, _signer_common_name(agency))
    signer_cert = (
        _builder(signer_name, root_name, signer_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )

    password = secrets.token_urlsafe(24).encode("ascii")
    p12 = pkcs12.serialize_key_and_certificates(
        name=signer_name.rfc4514_string().encode("utf-8"),
        key=signer_key,
        cert=signer_cert,
        cas=[root_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(password),
    )
    # The password is written first and the PKCS#12 last, so a crash in between leaves no
    # half identity that the idempotency check would take for a whole one.
    _write_private(identity.password_file, password + b"\n")
    identity.root_cert.write_bytes(root_cert.public_bytes(serialization.Encoding.PEM))
    _write_private(identity.pkcs12, p12)
    return identity


def _signer_common_name(agency: str) -> str:
    """``agency (THỬ NGHIỆM - KHÔNG DÙNG THẬT)``, shortened to the 64 UTF-8 bytes a common name
    may hold: first the mark (the OU keeps it whole), then the agency name."""
    for mark in (TEST_MARK, SHORT_TEST_MARK):
        name = f"{agency} ({mark})"
        if len(name.encode()) <= 64:
            return name
    return f"{_fit_utf8(agency, 64 - len(f' ({SHORT_TEST_MARK})'.encode()))} ({SHORT_TEST_MARK})"


def _fit_utf8(text: str, limit: int) -> str:
    if len(text.encode()) <= limit:
        return text
    while len((text + "…").encode()) > limit:
        text = text[:-1]
    return text.rstrip() + "…"


def _name(agency: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"CHỨNG THƯ {TEST_MARK}"),
            x509.NameAttribute(NameOID.COMMON_NAME, nfc(common_name)),
        ]
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: rsa.RSAPublicKey, now: datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + VALIDITY)
    )


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
