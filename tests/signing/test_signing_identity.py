from __future__ import annotations

import stat
import unicodedata

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

from sohoa.errors import SigningError
from sohoa.signing import DevIdentity, KeySource, create_dev_identity
from sohoa.signing.identity import TEST_MARK


def test_files_are_written_private(agency_identity: DevIdentity) -> None:
    for path in (agency_identity.pkcs12, agency_identity.password_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert agency_identity.root_cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_identity_is_reused(agency_identity: DevIdentity) -> None:
    before = agency_identity.pkcs12.read_bytes()
    again = create_dev_identity(agency_identity.pkcs12.parent, "UBND tỉnh Đồng Nai")
    assert again == agency_identity
    assert again.pkcs12.read_bytes() == before


def test_subject_is_vietnamese_and_marked_as_test(agency_key: KeySource) -> None:
    cert = agency_key.certificate
    org = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert org == "UBND tỉnh Đồng Nai"
    assert agency_key.signer_name == f"UBND tỉnh Đồng Nai ({TEST_MARK})"
    assert unicodedata.is_normalized("NFC", agency_key.signer_name)
    # UTF8String, so the diacritics survive in every validator.
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0]
    assert cn._type.name == "UTF8String"
    ou = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value
    assert TEST_MARK in ou


def test_profile_has_no_revocation_pointers(agency_key: KeySource) -> None:
    for cert in (agency_key.certificate, *agency_key.chain):
        oids = {ext.oid for ext in cert.extensions}
        assert ExtensionOID.CRL_DISTRIBUTION_POINTS not in oids
        assert ExtensionOID.AUTHORITY_INFORMATION_ACCESS not in oids
    usage = agency_key.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment and usage.digital_signature
    assert len(agency_key.certificate_sha256()) == 64


def test_wrong_password_is_a_clear_error(agency_identity: DevIdentity) -> None:
    with pytest.raises(SigningError, match="sai mật khẩu"):
        KeySource.from_pkcs12(agency_identity.pkcs12, b"not the password")


def test_missing_key_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(SigningError, match="Không đọc được tệp khóa ký số"):
        KeySource.from_pkcs12(tmp_path / "none.p12", None)


def test_long_agency_name_keeps_the_test_mark(tmp_path) -> None:
    agency = "Ủy ban nhân dân phường Trảng Dài, thành phố Biên Hòa, tỉnh Đồng Nai"
    identity = create_dev_identity(tmp_path, agency)
    key = KeySource.from_pkcs12(identity.pkcs12, identity.password())
    assert key.signer_name.endswith("(THỬ NGHIỆM)")
    assert key.signer_name.startswith("Ủy ban nhân dân phường Trảng Dài")
    assert len(key.signer_name.encode()) <= 64
