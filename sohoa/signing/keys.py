"""Where the agency's private key lives: a PKCS#12 file now, a PKCS#11 token later.

A ``KeySource`` is loaded once per process and shared by every ``DocumentSigner``. pyHanko's
stock ``SimpleSigner`` re-parses the DER private key on every signature (≈36 ms against ≈0.3 ms
for the RSA operation itself); ``_ParsedKeySigner`` keeps the parsed key object instead.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sohoa.errors import SigningError
from sohoa.vntext import nfc


class _ParsedKeySigner(Signer):
    """A pyHanko signer over an already-parsed RSA or EC private key."""

    def __init__(
        self,
        key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
        cert: asn1_x509.Certificate,
        others: Sequence[asn1_x509.Certificate],
    ) -> None:
        store = SimpleCertificateStore()
        store.register_multiple(others)
        super().__init__(signing_cert=cert, cert_registry=store, embed_roots=True)
        self._key = key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hash_algo)
        return self._key.sign(data, ec.ECDSA(hash_algo))


class KeySource:
    """The agency's key and certificate chain, loaded once.

    ``signer_name`` is the certificate subject's common name (NFC); it is what the stamp and the
    verification report call the signer.
    """

    def __init__(
        self,
        signer: Signer,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate],
        origin: str,
    ) -> None:
        self._signer = signer
        self.certificate = certificate
        self.chain = tuple(chain)
        self.origin = origin
        cns = certificate.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
        name = cns[0].value if cns else certificate.subject.rfc4514_string()
        self.signer_name: str = nfc(name if isinstance(name, str) else name.decode())
        self._sha256 = hashlib.sha256(
            certificate.public_bytes(serialization.Encoding.DER)
        ).hexdigest()

    @classmethod
    def from_pkcs12(cls, path: Path, password: bytes | None) -> KeySource:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SigningError(
                f"Cannot read the signing key file {path}: {exc.strerror or exc}. "
                "Check the path in sohoa.toml (signing.pkcs12)."
            ) from exc
        try:
            key, cert, others = pkcs12.load_key_and_certificates(data, password)
        except ValueError as exc:
            raise SigningError(
                f"Cannot open the signing key file {path}: wrong password or not a PKCS#12 "
                "(.p12/.pfx) file. Check the password file and the key file."
            ) from exc
        if key is None or cert is None:
            raise SigningError(
                f"The key file {path} holds no private key with its certificate; "
                "export the signing certificate together with its private key."
            )
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise SigningError(
                f"The key in {path} is of a kind sohoa cannot sign with "
                "(only RSA and elliptic-curve keys are supported)."
            )
        chain = [c for c in others if c != cert]
        signer = _ParsedKeySigner(
            key,
            _to_asn1(cert),
            [_to_asn1(c) for c in chain],
        )
        return cls(signer, cert, chain, origin=str(path))

    @classmethod
    def from_pkcs11(
        cls,
        module: Path | str,
        token_label: str,
        pin: str | None,
        key_label: str,
        *,
        certificate: Path | bytes | None = None,
        chain: Sequence[Path | bytes] = (),
    ) -> KeySource:
        """A key on a PKCS#11 token (a USB token, or SoftHSM2 in tests).

        The session stays open for the life of the process. The certificate is read from the
        token (object labelled ``key_label``) unless ``certificate`` is given: tokens often hold
        only the key and the signer certificate, so CA certificates come from ``chain``.
        """
        try:
            from pyhanko.config.pkcs11 import TokenCriteria
            from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
        except ImportError as exc:  # python-pkcs11 missing
            raise SigningError(
                "USB token signing needs the python-pkcs11 package; install it "
                "(pip install python-pkcs11) or sign with a PKCS#12 file."
            ) from exc
        from pkcs11.exceptions import PKCS11Error as TokenError
        from pkcs11.exceptions import UserAlreadyLoggedIn
        from pyhanko.sign.general import SigningError as PyHankoSigningError

        from .trust import load_certificates

        criteria = TokenCriteria(label=token_label)
        try:
            try:
                session = open_pkcs11_session(str(module), token_criteria=criteria, user_pin=pin)
            except UserAlreadyLoggedIn:
                # PKCS#11 logins belong to the process, not the session: a second KeySource on
                # the same token opens its session without logging in again.
                session = open_pkcs11_session(str(module), token_criteria=criteria)
        except (TokenError, PyHankoSigningError, OSError, RuntimeError) as exc:
            raise SigningError(
                f"Cannot open the token {token_label!r} with module {module}: "
                f"{str(exc) or type(exc).__name__}. Check that the token is plugged in, the "
                "PIN, and signing.pkcs11_module."
            ) from exc
        given = load_certificates([certificate]) if certificate is not None else []
        others = load_certificates(chain)
        signer = PKCS11Signer(
            session,
            key_label=key_label,
            cert_label=None if given else key_label,
            signing_cert=given[0] if given else None,
            ca_chain=others,
        )
        try:
            asyncio.run(signer.ensure_objects_loaded())
        except (TokenError, PyHankoSigningError) as exc:
            raise SigningError(
                f"The token {token_label!r} has no usable key or certificate labelled "
                f"{key_label!r} ({exc})."
            ) from exc
        cert_asn1 = signer.signing_cert
        assert cert_asn1 is not None
        pyca_cert = x509.load_der_x509_certificate(cert_asn1.dump())
        pyca_chain = [x509.load_der_x509_certificate(c.dump()) for c in others]
        return cls(signer, pyca_cert, pyca_chain, origin=f"pkcs11:{token_label}/{key_label}")

    def certificate_sha256(self) -> str:
        return self._sha256

    @property
    def pyhanko_signer(self) -> Signer:
        return self._signer

    def asn1_chain(self) -> tuple[asn1_x509.Certificate, ...]:
        """The signer certificate and the CA certificates that came with it."""
        return (_to_asn1(self.certificate), *(_to_asn1(c) for c in self.chain))

    def check_usable_at(self, moment: datetime) -> None:
        """Refuse to sign with a certificate that is not valid at ``moment``."""
        cert = self.certificate
        if moment < cert.not_valid_before_utc:
            raise SigningError(
                f"The signing certificate of {self.signer_name} is not valid before "
                f"{cert.not_valid_before_utc:%Y-%m-%d}; check the computer's clock."
            )
        if moment > cert.not_valid_after_utc:
            raise SigningError(
                f"The signing certificate of {self.signer_name} expired on "
                f"{cert.not_valid_after_utc:%Y-%m-%d}; renew it with the CA and configure "
                "the new certificate."
            )


def _to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
