"""Signing with a key on a PKCS#11 token: SoftHSM2 (Debian's softhsm2) with a fresh token."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from signing_helpers import image_pdf

from sohoa.errors import SigningError
from sohoa.signing import DevIdentity, DocumentSigner, KeySource, SigningSettings, verify_pdf

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN = "sohoa-test"
PIN = "123456"

# SoftHSM2 and python-pkcs11 are installed by `make test`; their absence is a failure, not a skip.


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory, agency_identity: DevIdentity) -> Iterator[Path]:
    """A SoftHSM2 token holding the dev identity's private key (the certificate stays outside)."""
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n")
    # SoftHSM reads its configuration when the module is first loaded in this process.
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = {**os.environ}
    util = ["softhsm2-util"]
    subprocess.run(
        [*util, "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "654321"],
        check=True, env=env, capture_output=True,
    )
    key, cert, _ = pkcs12.load_key_and_certificates(
        agency_identity.pkcs12.read_bytes(), agency_identity.password()
    )
    key_pem = base / "key.pem"
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    subprocess.run(
        [*util, "--import", str(key_pem), "--token", TOKEN, "--label", "agency", "--id", "01",
         "--pin", PIN],
        check=True, env=env, capture_output=True,
    )
    key_pem.unlink()
    cert_pem = base / "agency.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    try:
        yield cert_pem
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


def test_wrong_pin_is_a_clear_error(token: Path) -> None:
    # First in the module on purpose: a PKCS#11 login lasts for the process, so once a
    # KeySource has logged in, later sessions on the token are not asked for the PIN again.
    with pytest.raises(SigningError, match="từ chối mã PIN"):
        KeySource.from_pkcs11(MODULE, TOKEN, "000000", "agency", certificate=token)


def test_token_key_signs_and_verifies(token: Path, agency_identity: DevIdentity) -> None:
    key = KeySource.from_pkcs11(
        MODULE, TOKEN, PIN, "agency", certificate=token, chain=[agency_identity.root_cert]
    )
    assert key.signer_name.startswith("UBND tỉnh Đồng Nai")
    signer = DocumentSigner(key, SigningSettings(), "UBND tỉnh Đồng Nai")
    signed, summary = signer.sign(image_pdf(1))
    assert summary.certificate_sha256 == key.certificate_sha256()
    report = verify_pdf(signed, trust_roots=[agency_identity.root_cert])
    assert report.valid, report
    again, _ = signer.sign(signed)  # the session stays open between signatures
    assert verify_pdf(again, trust_roots=[agency_identity.root_cert], required=2).valid


def test_unknown_key_label_is_a_clear_error(token: Path) -> None:
    with pytest.raises(SigningError, match="không có khóa hoặc chứng thư dùng được"):
        KeySource.from_pkcs11(MODULE, TOKEN, PIN, "nobody", certificate=token)
