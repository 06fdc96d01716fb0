"""Where a signing key lives: a PKCS#12 file or a PKCS#11 token (a USB token, an HSM).

A ``KeySource`` is loaded once per process and shared by every ``DocumentSigner``. pyHanko's
stock ``SimpleSigner`` re-parses the DER private key on every signature (≈36 ms against ≈0.3 ms
for the RSA operation itself); ``_ParsedKeySigner`` keeps the parsed key object instead.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
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

        self._templates: dict[tuple[str, bool], _CmsTemplate | None] = {}
        self._templates_lock = threading.Lock()

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hash_algo)
        return self._key.sign(data, ec.ECDSA(hash_algo))

    async def async_sign(  # type: ignore[override]
        self,
        data_digest: bytes,
        digest_algorithm: str,
        dry_run: bool = False,
        use_pades: bool = False,
        timestamper: object = None,
        signed_attr_settings: PdfCMSSignedAttributes | None = None,
        is_pdf_sig: bool = True,
        encap_content_info: object = None,
    ) -> cms.ContentInfo:
        """pyHanko's CMS, built once and then filled in.

        For a PAdES signature without timestamp or revocation attributes the CMS that pyHanko
        assembles is the same for every document but for the message digest and the signature
        value (RSA signatures have a fixed length): the attribute and certificate encoding that
        costs about half of a one-page signature is done once per signer and checked byte for
        byte against pyHanko's own result before it is used. Anything else goes to pyHanko.
        """
        attrs = signed_attr_settings or PdfCMSSignedAttributes()
        plain = (
            not dry_run and use_pades and is_pdf_sig and timestamper is None
            and encap_content_info is None and isinstance(self._key, rsa.RSAPrivateKey)
            and attrs.adobe_revinfo_attr is None and attrs.cades_signed_attrs is None
        )
        if not plain:
            return await super().async_sign(
                data_digest, digest_algorithm, dry_run=dry_run, use_pades=use_pades,
                timestamper=timestamper, signed_attr_settings=signed_attr_settings,
                is_pdf_sig=is_pdf_sig, encap_content_info=encap_content_info)
        key = (digest_algorithm, use_pades)
        if key not in self._templates:
            template = await self._make_template(digest_algorithm, attrs)
            with self._templates_lock:
                self._templates[key] = template
        template = self._templates[key]
        if template is None or len(data_digest) != template.digest_len:
            return await super().async_sign(
                data_digest, digest_algorithm, use_pades=use_pades,
                signed_attr_settings=signed_attr_settings)
        return cms.ContentInfo.load(await template.fill(self, data_digest, digest_algorithm))

    async def _make_template(self, digest_algorithm: str, attrs: PdfCMSSignedAttributes
                             ) -> _CmsTemplate | None:
        size = get_pyca_cryptography_hash(digest_algorithm).digest_size
        first, second = os.urandom(size), os.urandom(size)
        made = await super().async_sign(first, digest_algorithm, use_pades=True,
                                        signed_attr_settings=attrs)
        template = _CmsTemplate.of(made, first)
        if template is None:
            return None
        # Trust it only if it reproduces what pyHanko makes for another digest, byte for byte
        # (PKCS#1 v1.5 signatures are deterministic).
        expected = await super().async_sign(second, digest_algorithm, use_pades=True,
                                            signed_attr_settings=attrs)
        if await template.fill(self, second, digest_algorithm) != expected.dump():
            return None
        return template


@dataclass(frozen=True)
class _CmsTemplate:
    """A signed CMS with the places of its message digest and signature value."""

    der: bytes
    attrs_at: int  # the signed attributes ([0] IMPLICIT SET OF) inside ``der``
    attrs: bytes
    digest_at: int  # the message digest inside ``attrs``
    digest_len: int
    signature_at: int  # the signature value inside ``der``
    signature_len: int

    @classmethod
    def of(cls, made: cms.ContentInfo, digest: bytes) -> _CmsTemplate | None:
        der = made.dump()
        info = made["content"]["signer_infos"][0]
        attrs = info["signed_attrs"].dump()
        signature = info["signature"].native
        places = (der.count(attrs), attrs.count(digest), der.count(signature))
        if places != (1, 1, 1) or info["unsigned_attrs"].native:
            return None
        attrs_at, signature_at = der.index(attrs), der.index(signature)
        if signature_at < attrs_at + len(attrs):
            return None
        return cls(der, attrs_at, attrs, attrs.index(digest), len(digest), signature_at,
                   len(signature))

    async def fill(self, signer: Signer, digest: bytes, digest_algorithm: str) -> bytes:
        at = self.digest_at
        attrs = self.attrs[:at] + digest + self.attrs[at + self.digest_len:]
        # What is signed is the attributes' DER with the SET OF tag, not the [0] of SignerInfo.
        signature = await signer.async_sign_raw(b"\x31" + attrs[1:], digest_algorithm)
        if len(signature) != self.signature_len:
            raise SigningError("The key made a signature of an unexpected length.")
        a, s = self.attrs_at, self.signature_at
        return b"".join((self.der[:a], attrs, self.der[a + len(attrs):s], signature,
                         self.der[s + self.signature_len:]))


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
        token_label: str | None,
        pin: str | None,
        key_label: str,
        *,
        slot: int | None = None,
        certificate: Path | bytes | None = None,
        chain: Sequence[Path | bytes] = (),
    ) -> KeySource:
        """A key on a PKCS#11 token (a USB token, or SoftHSM2 in tests).

        The token is the one labelled ``token_label``, or the one in slot number ``slot`` (the
        position in the module's slot list, as ``pkcs11-tool --slot-index``), or both. The
        session stays open for the life of the process. The certificate is read from the token
        (object labelled ``key_label``) unless ``certificate`` is given: tokens often hold only
        the key and the signer certificate, so CA certificates come from ``chain``.
        """
        try:
            from pyhanko.config.pkcs11 import TokenCriteria
            from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
        except ImportError as exc:  # python-pkcs11 missing
            raise SigningError(
                "Ký bằng USB token cần gói python-pkcs11 (cài lại sohoa bằng `make install`), "
                "hoặc ký bằng tệp PKCS#12."
            ) from exc
        from pkcs11.exceptions import PinIncorrect, PinLenRange, UserAlreadyLoggedIn
        from pkcs11.exceptions import PKCS11Error as TokenError
        from pyhanko.sign.general import SigningError as PyHankoSigningError

        from .trust import load_certificates

        which = " ".join(part for part in (
            f"nhãn {token_label!r}" if token_label else "",
            f"khe số {slot}" if slot is not None else "") if part)
        criteria = TokenCriteria(label=token_label) if token_label else None
        try:
            try:
                session = open_pkcs11_session(str(module), slot_no=slot, token_criteria=criteria,
                                              user_pin=pin)
            except UserAlreadyLoggedIn:
                # PKCS#11 logins belong to the process, not the session: a second KeySource on
                # the same token opens its session without logging in again.
                session = open_pkcs11_session(str(module), slot_no=slot,
                                              token_criteria=criteria)
        except (PinIncorrect, PinLenRange) as exc:
            raise SigningError(
                f"Token ({which}) từ chối mã PIN: PIN sai ({type(exc).__name__}). Kiểm tra tệp "
                "hoặc biến môi trường chứa PIN; nhập sai nhiều lần sẽ khóa token."
            ) from exc
        except (TokenError, PyHankoSigningError, OSError, RuntimeError, IndexError) as exc:
            raise SigningError(
                f"Không mở được token ({which}) bằng mô-đun {module}: "
                f"{str(exc) or type(exc).__name__}. Kiểm tra token đã cắm, mã PIN và đường dẫn "
                "mô-đun PKCS#11."
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
                f"Token ({which}) không có khóa hoặc chứng thư dùng được mang nhãn "
                f"{key_label!r} ({exc})."
            ) from exc
        cert_asn1 = signer.signing_cert
        assert cert_asn1 is not None
        pyca_cert = x509.load_der_x509_certificate(cert_asn1.dump())
        pyca_chain = [x509.load_der_x509_certificate(c.dump()) for c in others]
        where = token_label if token_label else f"slot{slot}"
        return cls(signer, pyca_cert, pyca_chain, origin=f"pkcs11:{where}/{key_label}")

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
