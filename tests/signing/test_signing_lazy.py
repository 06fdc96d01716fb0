"""A signer is made, and its key checked, without pyHanko or fontTools (issue 19: a re-run
ingest that signs nothing must not pay for them); what they make comes with the first signature
or ``prepare``, and a bad configuration is still refused before anything is signed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fontTools import subset, ttLib
from signing_helpers import AGENCY, SIGNED_AT

from sohoa.errors import ConfigError, SigningError
from sohoa.signing import DevIdentity, DocumentSigner, KeySource, SigningSettings, verify_pdf


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, check=False)


def test_key_and_signer_are_made_without_pyhanko_or_fonttools(
        agency_identity: DevIdentity) -> None:
    done = _run(f"""
        import sys
        from pathlib import Path
        from sohoa.signing import DocumentSigner, KeySource, SigningSettings
        key = KeySource.from_pkcs12(Path({str(agency_identity.pkcs12)!r}),
                                    {agency_identity.password()!r})
        signer = DocumentSigner(key, SigningSettings(), "UBND")
        print(sorted({{m.split(".")[0] for m in sys.modules}}
                     & {{"pyhanko", "pyhanko_certvalidator", "fontTools", "aiohttp", "cv2"}}))
        signer.prepare()
        print("fontTools" in sys.modules and "pyhanko" in sys.modules)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "True"], done.stdout


def test_a_wrong_password_is_refused_when_the_key_is_loaded(
        agency_identity: DevIdentity) -> None:
    with pytest.raises(SigningError, match="sai mật khẩu"):
        KeySource.from_pkcs12(agency_identity.pkcs12, b"not the password")


def test_a_font_without_vietnamese_letters_is_refused_before_signing(
        agency_key: KeySource, tmp_path: Path, plain_pdf: bytes) -> None:
    font = ttLib.TTFont(SigningSettings().resolve_font())
    options = subset.Options()
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 :-+/T")
    subsetter.subset(font)
    ascii_only = tmp_path / "ascii.ttf"
    font.save(str(ascii_only))
    signer = DocumentSigner(agency_key, SigningSettings(font_path=str(ascii_only)), AGENCY)
    with pytest.raises(ConfigError, match="thiếu chữ"):
        signer.prepare()
    with pytest.raises(ConfigError, match="thiếu chữ"):
        signer.sign(plain_pdf, signed_at=SIGNED_AT)
    # The template and the font file are checked when the signer is made, as before.
    with pytest.raises(ConfigError, match="Mẫu dấu chữ ký"):
        DocumentSigner(agency_key, SigningSettings(stamp_template="{nobody}"), AGENCY)
    with pytest.raises(ConfigError, match="Không tìm thấy phông chữ"):
        DocumentSigner(agency_key, SigningSettings(font_path=str(tmp_path / "none.ttf")), AGENCY)


def test_a_signer_made_lazily_signs_what_verifies(
        agency_identity: DevIdentity, plain_pdf: bytes) -> None:
    key = KeySource.from_pkcs12(agency_identity.pkcs12, agency_identity.password())
    signed, summary = DocumentSigner(key, SigningSettings(), AGENCY).sign(
        plain_pdf, signed_at=SIGNED_AT)
    assert summary.signer == key.signer_name
    assert verify_pdf(signed, trust_roots=[agency_identity.root_cert]).valid
