"""Where a signing key lives: a PKCS#12 file or a PKCS#11 token (a USB token, an HSM).

A ``KeySource`` is loaded once per process and shared by every ``DocumentSigner``. A PKCS#12
key is opened and checked here with ``cryptography`` alone (a wrong password or a file without
its key stops the caller at once); the pyHanko signer over it (``cmssigner.ParsedKeySigner``)
is made when the first signature needs it, so that work which signs nothing does not import
pyHanko's signing and validation stack.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from sohoa.clock import shown_moment
from sohoa.errors import SigningError, TokenLoginRefused, os_said
from sohoa.vntext import nfc

if TYPE_CHECKING:
    from pyhanko.sign.signers.pdf_cms import Signer


class KeySource:
    """The agency's key and certificate chain, loaded once.

    ``signer_name`` is the certificate subject's common name (NFC); it is what the stamp and the
    verification report call the signer.
    """

    def __init__(
        self,
        signer: Signer | None,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate],
        origin: str,
        *,
        make_signer: Callable[[], Signer] | None = None,
    ) -> None:
        # pyHanko's signer, or (``signer`` None) ``make_signer`` makes it on first use.
        if signer is None and make_signer is None:
            raise ValueError("a KeySource needs a signer or a way to make one")
        self._signer = signer
        self._make_signer = make_signer
        self._signer_lock = threading.Lock()
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
                f"Không đọc được tệp khóa ký số {path}: {os_said(exc)}. "
                "Kiểm tra đường dẫn signing.pkcs12 trong sohoa.toml."
            ) from exc
        try:
            key, cert, others = pkcs12.load_key_and_certificates(data, password)
        except ValueError as exc:
            raise SigningError(
                f"Không mở được tệp khóa ký số {path}: sai mật khẩu, hoặc tệp không phải "
                "PKCS#12 (.p12/.pfx). Kiểm tra tệp mật khẩu (signing.password_file) và tệp "
                "khóa (signing.pkcs12)."
            ) from exc
        if key is None or cert is None:
            raise SigningError(
                f"Tệp khóa {path} không chứa khóa bí mật kèm chứng thư số: hãy xuất lại "
                "chứng thư số ký cùng với khóa bí mật của nó."
            )
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise SigningError(
                f"Khóa trong {path} thuộc loại sohoa không ký được "
                "(chỉ hỗ trợ khóa RSA và khóa đường cong elliptic)."
            )
        chain = [c for c in others if c != cert]

        def make_signer() -> Signer:
            from .cmssigner import ParsedKeySigner

            return ParsedKeySigner(key, _to_asn1(cert), [_to_asn1(c) for c in chain])

        return cls(None, cert, chain, origin=str(path), make_signer=make_signer)

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
        from pkcs11.exceptions import (
            PinExpired,
            PinIncorrect,
            PinLenRange,
            PinLocked,
            UserAlreadyLoggedIn,
        )
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
            raise TokenLoginRefused(
                f"Token ({which}) từ chối mã PIN: PIN sai ({type(exc).__name__}). Kiểm tra tệp "
                "hoặc biến môi trường chứa PIN; nhập sai nhiều lần sẽ khóa token."
            ) from exc
        except PinLocked as exc:
            raise TokenLoginRefused(
                f"Token ({which}) đã bị khóa vì nhập sai mã PIN quá số lần cho phép: không ký "
                "được bằng token này cho đến khi mở khóa bằng mã PIN quản trị (SO PIN). Liên hệ "
                "người quản lý token hoặc nhà cung cấp chứng thư số để mở khóa, rồi sửa PIN "
                "trong tệp hoặc biến môi trường chứa PIN."
            ) from exc
        except PinExpired as exc:
            raise TokenLoginRefused(
                f"Token ({which}) báo mã PIN đã hết hạn: đổi PIN bằng phần mềm của token, rồi "
                "sửa PIN trong tệp hoặc biến môi trường chứa PIN."
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
        if self._signer is None:
            with self._signer_lock:
                if self._signer is None:
                    assert self._make_signer is not None
                    self._signer = self._make_signer()
        return self._signer

    def asn1_chain(self) -> tuple[asn1_x509.Certificate, ...]:
        """The signer certificate and the CA certificates that came with it."""
        return (_to_asn1(self.certificate), *(_to_asn1(c) for c in self.chain))

    def check_usable_at(self, moment: datetime) -> None:
        """Refuse to sign with a certificate that is not valid at ``moment``."""
        cert = self.certificate
        if moment < cert.not_valid_before_utc:
            raise SigningError(
                f"Chứng thư số ký của {self.signer_name} chưa có hiệu lực trước "
                f"{shown_moment(cert.not_valid_before_utc)} (giờ Việt Nam): kiểm tra đồng hồ "
                "của máy tính."
            )
        if moment > cert.not_valid_after_utc:
            raise SigningError(
                f"Chứng thư số ký của {self.signer_name} đã hết hạn lúc "
                f"{shown_moment(cert.not_valid_after_utc)} (giờ Việt Nam): gia hạn với tổ chức "
                "cung cấp dịch vụ chứng thực (CA) rồi cấu hình chứng thư mới."
            )


def _to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
