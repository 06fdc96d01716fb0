from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from signing_helpers import AGENCY, OFFICER_AGENCY, SIGNED_AT, image_pdf
from signing_pki import PASSWORD, LocalPki, PkiServer

from sohoa.signing import (
    DevIdentity,
    DocumentSigner,
    KeySource,
    SigningSettings,
    create_dev_identity,
)


@pytest.fixture(scope="session")
def agency_identity(tmp_path_factory: pytest.TempPathFactory) -> DevIdentity:
    return create_dev_identity(tmp_path_factory.mktemp("agency-id"), AGENCY)


@pytest.fixture(scope="session")
def officer_identity(tmp_path_factory: pytest.TempPathFactory) -> DevIdentity:
    return create_dev_identity(tmp_path_factory.mktemp("officer-id"), OFFICER_AGENCY)


@pytest.fixture(scope="session")
def agency_key(agency_identity: DevIdentity) -> KeySource:
    return KeySource.from_pkcs12(agency_identity.pkcs12, agency_identity.password())


@pytest.fixture(scope="session")
def agency_signer(agency_key: KeySource) -> DocumentSigner:
    return DocumentSigner(agency_key, SigningSettings(), AGENCY)


@pytest.fixture(scope="session")
def officer_signer(officer_identity: DevIdentity) -> DocumentSigner:
    key = KeySource.from_pkcs12(officer_identity.pkcs12, officer_identity.password())
    return DocumentSigner(key, SigningSettings(), OFFICER_AGENCY)


@pytest.fixture(scope="session")
def plain_pdf() -> bytes:
    return image_pdf(1)


@pytest.fixture(scope="session")
def signed_pdf(agency_signer: DocumentSigner, plain_pdf: bytes) -> bytes:
    out, _ = agency_signer.sign(plain_pdf, signed_at=SIGNED_AT)
    return out


@pytest.fixture(scope="session")
def twice_signed_pdf(
    officer_signer: DocumentSigner, agency_signer: DocumentSigner, plain_pdf: bytes
) -> bytes:
    first, _ = officer_signer.sign(plain_pdf, signed_at=SIGNED_AT)
    second, _ = agency_signer.sign(first, signed_at=SIGNED_AT + timedelta(seconds=30))
    return second


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPki]:
    """The local PKI (CA, TSA, OCSP, CRLs) on 127.0.0.1, shared by every test that needs it."""
    server = PkiServer(tmp_path_factory.mktemp("pki"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pki_key(pki: LocalPki) -> KeySource:
    return KeySource.from_pkcs12(pki.agency_p12, PASSWORD)
