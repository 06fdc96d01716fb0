"""pyHanko's side of a PKCS#12 key: a ``Signer`` over the parsed key, with a CMS template.

Kept apart from ``keys.py`` so that loading and checking a key (``KeySource.from_pkcs12``:
the password, the kind of key, the certificate) needs only ``cryptography``; pyHanko and its
validation stack are imported when the first document is signed (a re-run ingest whose files
are all known signs nothing and never pays for them).

pyHanko's stock ``SimpleSigner`` re-parses the DER private key on every signature (≈36 ms
against ≈0.3 ms for the RSA operation itself); ``ParsedKeySigner`` keeps the parsed key object
instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sohoa.errors import SigningError


class ParsedKeySigner(Signer):
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
            raise SigningError("Khóa ký tạo ra chữ ký có độ dài không như dự kiến.")
        a, s = self.attrs_at, self.signature_at
        return b"".join((self.der[:a], attrs, self.der[a + len(attrs):s], signature,
                         self.der[s + self.signature_len:]))
