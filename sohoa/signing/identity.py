"""A self-made test PKI (root CA, agency signing certificate, TSA and OCSP responder) for demos
and tests.

Real agencies sign with certificates from a licensed Vietnamese CA, usually on a USB token. The dev
identity looks like one: the signing certificate names a CRL distribution point and an OCSP
responder, and a timestamp authority is issued beside it, all at ``pki_url`` on the loopback
interface, where ``sohoa dev-pki serve`` (``sohoa.signing.devpki``) answers. So a desk PC can sign
B-B with nothing running, and B-LTA (what an archive needs) with that small server running; its
subjects say in Vietnamese that they are test certificates, so nobody mistakes its signatures for
real ones.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from sohoa.errors import SigningError, os_said
from sohoa.vntext import nfc

P12_NAME = "dev-signer.p12"
PASS_NAME = "dev-signer.pass"
ROOT_NAME = "dev-root.pem"
CA_KEY_NAME = "dev-ca.key"  # the test root's key, encrypted with the password: it signs CRLs
TSA_NAME = "dev-tsa.p12"
OCSP_NAME = "dev-ocsp.p12"
PKI_NAME = "dev-pki.json"  # where the server listens (the address is in the certificates)
DEV_PKI_URL = "http://127.0.0.1:8739"
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

    @property
    def directory(self) -> Path:
        return self.pkcs12.parent

    @property
    def pki_url(self) -> str | None:
        """Where the test CA's CRL, OCSP and TSA are served, or None for an identity made
        before the test CA had them."""
        path = self.directory / PKI_NAME
        if not path.exists():
            return None
        return str(json.loads(path.read_text(encoding="utf-8"))["url"])

    @property
    def tsa_url(self) -> str | None:
        url = self.pki_url
        return f"{url}/tsa" if url else None


def create_dev_identity(
    directory: Path, agency: str = "UBND tỉnh Đồng Nai", *, pki_url: str | None = None,
    person: str | None = None,
) -> DevIdentity:
    """Make (or reuse) a test identity under ``directory``: a root CA and an agency signing
    certificate, and with ``pki_url`` a whole test PKI.

    Without ``pki_url`` the certificates name no CRL and no OCSP responder: nothing can revoke
    them, so a B-B signature verifies offline with nothing running (a certificate that names
    revocation services cannot: its status is unknown without them). The root's key is thrown
    away once the signer certificate is issued, so that root can issue nothing else.

    With ``pki_url`` (``sohoa init --dev-pki``) it looks like a licensed CA's: the signing and
    TSA certificates point at ``pki_url`` for their CRL (``/crl/root.crl``) and OCSP
    (``/ocsp``), the root's certificate is at ``/ca/root.crt``, a TSA and a delegated OCSP
    responder are issued beside the signer, and the root's key is kept (encrypted with the
    identity's password) because CRLs must be signed by it. ``sohoa dev-pki serve`` answers at
    that address, and signatures reach B-LTA.

    ``person`` makes it a personal certificate (a desk officer's, TT 01/2023 Điều 8.1): the
    common name is the person's name, the organization the agency.
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
    holder = nfc(person).strip() if person else agency
    if not agency:
        raise SigningError("Tên cơ quan cho khóa ký thử nghiệm đang để trống; hãy nhập tên cơ "
                           "quan.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SigningError(
            f"Không tạo được thư mục {directory} cho khóa ký thử nghiệm ({os_said(exc)})."
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
    signer_name = _name(agency, _signer_common_name(holder))
    signer_builder = (
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
    )
    if pki_url is None:
        signer_cert = signer_builder.sign(root_key, hashes.SHA256())
        password = secrets.token_urlsafe(24).encode("ascii")
        encryption = serialization.BestAvailableEncryption(password)
        _write_private(identity.password_file, password + b"\n")
        identity.root_cert.write_bytes(root_cert.public_bytes(serialization.Encoding.PEM))
        _write_private(identity.pkcs12, _bundle(signer_key, signer_cert, root_cert, encryption))
        return identity

    pki_url = pki_url.rstrip("/")
    signer_cert = _revocable(signer_builder, pki_url, ocsp=True).sign(root_key, hashes.SHA256())
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    tsa_cert = _service_cert(
        root_key, root_name, tsa_key,
        _name(agency, f"Máy chủ dấu thời gian {SHORT_TEST_MARK}"), now,
        ExtendedKeyUsageOID.TIME_STAMPING, pki_url,
    )
    ocsp_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    ocsp_cert = _service_cert(
        root_key, root_name, ocsp_key, _name(agency, f"OCSP {SHORT_TEST_MARK}"), now,
        ExtendedKeyUsageOID.OCSP_SIGNING, pki_url,
    )
    password = secrets.token_urlsafe(24).encode("ascii")
    encryption = serialization.BestAvailableEncryption(password)
    # The password is written first and the signer's PKCS#12 last, so a crash in between
    # leaves no half identity that the idempotency check would take for a whole one.
    _write_private(identity.password_file, password + b"\n")
    _write_private(directory / CA_KEY_NAME, root_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    _write_private(directory / TSA_NAME, _bundle(tsa_key, tsa_cert, root_cert, encryption))
    _write_private(directory / OCSP_NAME, _bundle(ocsp_key, ocsp_cert, root_cert, encryption))
    (directory / PKI_NAME).write_text(json.dumps({"url": pki_url}) + "\n", encoding="utf-8")
    identity.root_cert.write_bytes(root_cert.public_bytes(serialization.Encoding.PEM))
    _write_private(identity.pkcs12, _bundle(signer_key, signer_cert, root_cert, encryption))
    return identity


def _bundle(
    key: rsa.RSAPrivateKey, cert: x509.Certificate, root: x509.Certificate,
    encryption: serialization.KeySerializationEncryption,
) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        name=cert.subject.rfc4514_string().encode("utf-8"), key=key, cert=cert, cas=[root],
        encryption_algorithm=encryption,
    )


def _revocable(
    builder: x509.CertificateBuilder, pki_url: str, *, ocsp: bool
) -> x509.CertificateBuilder:
    """The CRL distribution point and (for the signer) the OCSP and CA-issuer addresses."""
    builder = builder.add_extension(
        x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(f"{pki_url}/crl/root.crl")],
            relative_name=None, reasons=None, crl_issuer=None,
        )]),
        critical=False,
    )
    access = [x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                     x509.UniformResourceIdentifier(f"{pki_url}/ca/root.crt"))]
    if ocsp:
        access.insert(0, x509.AccessDescription(
            AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(f"{pki_url}/ocsp")))
    return builder.add_extension(x509.AuthorityInformationAccess(access), critical=False)


def _service_cert(
    root_key: rsa.RSAPrivateKey, root_name: x509.Name, key: rsa.RSAPrivateKey,
    name: x509.Name, now: datetime, usage: x509.ObjectIdentifier, pki_url: str,
) -> x509.Certificate:
    """A TSA or OCSP-responder certificate: its one extended key usage, critical."""
    builder = (
        _builder(name, root_name, key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
    )
    if usage == ExtendedKeyUsageOID.OCSP_SIGNING:
        # RFC 6960 4.2.2.2.1: a delegated responder's own status is not asked of itself.
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    else:
        builder = _revocable(builder, pki_url, ocsp=False)
    return builder.sign(root_key, hashes.SHA256())


def _signer_common_name(agency: str) -> str:
    """``agency (THỬ NGHIỆM - KHÔNG DÙNG THẬT)``, shortened to the 64 UTF-8 bytes a common name
    may hold: first the mark (the OU keeps it whole), then the agency name."""
    for mark in (TEST_MARK, SHORT_TEST_MARK):
        name = f"{agency} ({mark})"
        if len(name.encode()) <= 64:
            return name
    return f"{_fit_utf8(agency, 64 - len(f' ({SHORT_TEST_MARK})'.encode()))} ({SHORT_TEST_MARK})"


def is_test_certificate(cert: x509.Certificate) -> bool:
    """Whether ``cert`` was made by ``create_dev_identity`` (its OU carries the test mark)."""
    units = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    return any(TEST_MARK in str(unit.value) for unit in units)


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
