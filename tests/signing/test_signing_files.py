"""DocumentSigner.sign_file: a file on disk signed into another, never read into memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from signing_helpers import SIGNED_AT, image_pdf
from signing_pki import LocalPki

from sohoa.errors import BadInputError, SigningError
from sohoa.signing import DevIdentity, DocumentSigner, KeySource, SigningSettings, verify_pdf


def test_sign_file_matches_sign(
    agency_signer: DocumentSigner, agency_identity: DevIdentity, tmp_path: Path
) -> None:
    original = image_pdf(3, pdfa=True)
    source, target = tmp_path / "scan.pdf", tmp_path / "out" / "signed.pdf"
    target.parent.mkdir()
    source.write_bytes(original)
    summary = agency_signer.sign_file(source, target, signed_at=SIGNED_AT)
    in_memory, _ = agency_signer.sign(original, signed_at=SIGNED_AT)
    assert source.read_bytes() == original
    signed = target.read_bytes()
    assert signed.startswith(original)
    # The same update either way (up to the file identifier and the font subset's tag).
    assert abs(len(signed) - len(in_memory)) < 64
    assert summary.signed_at == SIGNED_AT
    assert verify_pdf(signed, trust_roots=[agency_identity.root_cert]).valid
    assert [p.name for p in target.parent.iterdir()] == ["signed.pdf"]  # no leftovers


def test_sign_file_refuses_to_overwrite_its_source(
    agency_signer: DocumentSigner, tmp_path: Path
) -> None:
    source = tmp_path / "scan.pdf"
    source.write_bytes(image_pdf(1))
    with pytest.raises(SigningError, match="đường dẫn tệp kết quả khác"):
        agency_signer.sign_file(source, source)
    with pytest.raises(BadInputError, match="Không có tệp"):
        agency_signer.sign_file(tmp_path / "missing.pdf", tmp_path / "out.pdf")


def test_sign_file_leaves_nothing_when_signing_fails(pki: LocalPki, tmp_path: Path) -> None:
    from signing_pki import PASSWORD

    key = KeySource.from_pkcs12(pki.revoked_p12, PASSWORD)
    signer = DocumentSigner(
        key, SigningSettings(level="B-LT", tsa_url=pki.tsa_url), "UBND huyện Nhơn Trạch",
        extra_trust_roots=[pki.root_pem],
    )
    source = tmp_path / "scan.pdf"
    source.write_bytes(image_pdf(1))
    with pytest.raises(SigningError, match="đã bị thu hồi"):
        signer.sign_file(source, tmp_path / "signed.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scan.pdf"]
