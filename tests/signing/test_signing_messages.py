"""What the signing room says when it refuses is Vietnamese (NFC), and says what to do: the
settings' checks, the stamp's font, seal and template, the trust roots, a PDF that cannot be
signed or verified, and above all a test identity whose `sohoa dev-pki serve` is not running
(the message a clerk at a demo desk meets first). Config keys, commands, paths and the
library's own detail in parentheses stay as they are; none of the English framing words the
messages used to carry is left around them."""

from __future__ import annotations

import io
import re
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pikepdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from signing_helpers import image_pdf

from sohoa.errors import BadInputError, ConfigError, SigningError, SohoaError
from sohoa.signing import (
    DevIdentity,
    DocumentSigner,
    KeySource,
    SigningSettings,
    create_dev_identity,
    verify_pdf,
)
from sohoa.signing.identity import is_test_certificate
from sohoa.signing.stamp import load_seal
from sohoa.signing.stamptext import render_template
from sohoa.signing.trust import load_certificates
from sohoa.vntext import nfc

ENGLISH = re.compile(
    r"\b(the|is|are|not|no|must|use|cannot|could|failed|give|set|check|file|font|stamp|"
    r"certificate|signing|signature|level|unknown|between|and|or|of|with|for|to|has|been|"
    r"needs|empty|folder|page|readable|encrypted|found|tried|valid)\b", re.IGNORECASE)
# kept as written: the library's detail and our glosses in parentheses, quoted values,
# commands in backticks, config keys, paths and URLs
KEPT = (re.compile(r"\([^()]*\)"), re.compile(r"`[^`]*`|'[^']*'|signing\.[a-z_]+|\S*/\S*"))


def english_in(message: str) -> list[str]:
    text, before = message, None
    while text != before:  # parentheses inside parentheses, innermost first
        before, text = text, KEPT[0].sub(" ", text)
    return ENGLISH.findall(KEPT[1].sub(" ", text))


def said(error: SohoaError) -> str:
    message = str(error)
    assert message == nfc(message), message
    assert not english_in(message), (english_in(message), message)
    return message


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def unserved(tmp_path_factory: pytest.TempPathFactory) -> DevIdentity:
    """A test identity whose CRL, OCSP and TSA address nothing listens on."""
    return create_dev_identity(tmp_path_factory.mktemp("unserved"), "UBND xã Thử",
                               pki_url=f"http://127.0.0.1:{_free_port()}")


def test_a_test_identity_without_dev_pki_serve_is_told_to_start_it(
        unserved: DevIdentity) -> None:
    key = KeySource.from_pkcs12(unserved.pkcs12, unserved.password())
    assert unserved.tsa_url is not None
    signer = DocumentSigner(key, SigningSettings(level="B-T", tsa_url=unserved.tsa_url),
                            "UBND xã Thử", extra_trust_roots=[unserved.root_cert])
    with pytest.raises(SigningError) as refused:
        signer.sign(image_pdf(1))
    message = said(refused.value)
    assert message.startswith("Không xác thực được chứng thư số ký của UBND xã Thử")
    assert "hãy chạy `sohoa dev-pki serve`" in message
    assert "signing.trust_roots" in message and refused.value.exit_code == 2


def test_only_a_test_certificate_is_taken_for_one(unserved: DevIdentity) -> None:
    key = KeySource.from_pkcs12(unserved.pkcs12, unserved.password())
    assert is_test_certificate(key.certificate)
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND tỉnh Đồng Nai"),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Văn phòng")])
    now = datetime.now(UTC)
    real = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(private.public_key()).serial_number(1)
            .not_valid_before(now).not_valid_after(now + timedelta(days=1))
            .sign(private, hashes.SHA256()))
    assert not is_test_certificate(real)


def test_settings_refusals_are_vietnamese(tmp_path: Path) -> None:
    for wrong, key in (({"level": "B-X"}, "signing.level"),
                       ({"level": "B-LTA"}, "signing.tsa_url"),
                       ({"kind": "citizen"}, "agency"),
                       ({"stamp_corner": "bottom-left"}, "signing.stamp_corner"),
                       ({"font_size": 2.0}, "signing.font_size"),
                       ({"seal_size_mm": 5.0}, "signing.seal_size_mm"),
                       ({"stamp_box": (100, 100, 50, 200)}, "signing.stamp_box")):
        with pytest.raises(ConfigError) as refused:
            SigningSettings(**wrong)  # type: ignore[arg-type]
        assert key in said(refused.value), wrong
    with pytest.raises(ConfigError) as refused:
        SigningSettings(font_path=str(tmp_path / "none.ttf")).resolve_font()
    assert "signing.font_path" in said(refused.value)
    with pytest.raises(ConfigError) as refused:
        render_template("{nobody}", {"agency": "UBND"})
    assert "{agency}" in said(refused.value)
    with pytest.raises(ConfigError) as refused:
        load_seal(str(tmp_path / "seal.png"))
    assert "signing.seal_image" in said(refused.value)


def test_trust_roots_and_unreadable_pdfs_are_explained(unserved: DevIdentity,
                                                       tmp_path: Path) -> None:
    for source in (b"not a certificate", tmp_path / "root.pem"):
        with pytest.raises(ConfigError) as refused:
            load_certificates([source])
        said(refused.value)
    with pytest.raises(ConfigError) as refused:
        verify_pdf(image_pdf(1), trust_roots=[])
    assert "signing.trust_roots" in said(refused.value)
    with pytest.raises(BadInputError) as refused:
        verify_pdf(b"%PDF-1.7 broken", trust_roots=[unserved.root_cert])
    said(refused.value)

    key = KeySource.from_pkcs12(unserved.pkcs12, unserved.password())
    signer = DocumentSigner(key, SigningSettings(), "UBND xã Thử")
    locked = io.BytesIO()
    with pikepdf.open(io.BytesIO(image_pdf(1))) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="u", R=6))
    with pikepdf.open(io.BytesIO(image_pdf(1))) as pdf:
        pdf.save(readable := io.BytesIO(), encryption=pikepdf.Encryption(owner="o", user=""))
    for pdf_bytes in (b"%PDF-1.7 broken", locked.getvalue(), readable.getvalue()):
        with pytest.raises(BadInputError) as refused:
            signer.sign(pdf_bytes)
        said(refused.value)
    with pytest.raises(SigningError) as refused:
        signer.sign(image_pdf(1), signed_at=datetime(2026, 1, 1, 9, 0))
    assert "múi giờ" in said(refused.value)


def test_readiness_is_checked_before_any_document(unserved: DevIdentity,
                                                  agency_key: KeySource) -> None:
    """F40/F13: `check_ready` refuses a signer whose OCSP/CRL and TSA do not answer with the
    advice a first signature would give, in Vietnamese only (pyHanko's English sentence goes to
    the error's detail, not the clerk's line); a TSA alone not answering is named as such."""
    key = KeySource.from_pkcs12(unserved.pkcs12, unserved.password())
    assert unserved.tsa_url is not None
    signer = DocumentSigner(key, SigningSettings(level="B-LTA", tsa_url=unserved.tsa_url),
                            "UBND xã Thử", extra_trust_roots=[unserved.root_cert])
    with pytest.raises(SigningError) as refused:
        signer.check_ready()
    message = said(refused.value)
    assert "hãy chạy `sohoa dev-pki serve`" in message
    assert "revocation" not in message and "path" not in message, message
    assert "revocation" in refused.value.detail  # type: ignore[attr-defined]
    with pytest.raises(SigningError) as refused:  # the same words from a real signature
        signer.sign(image_pdf(1))
    assert "revocation" not in said(refused.value)

    # a key without revocation pointers validates offline; its TSA alone does not answer
    dead_tsa = f"http://127.0.0.1:{_free_port()}/tsa"
    lone = DocumentSigner(agency_key, SigningSettings(level="B-T", tsa_url=dead_tsa),
                          "UBND xã Thử")
    with pytest.raises(SigningError) as refused:
        lone.check_ready()
    message = said(refused.value)
    assert message.startswith(f"Máy chủ cấp dấu thời gian (TSA) {dead_tsa} không trả lời"), message
    DocumentSigner(agency_key, SigningSettings(level="B-B"), "UBND xã Thử").check_ready()
