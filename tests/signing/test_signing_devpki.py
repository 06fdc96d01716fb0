"""The development PKI looks like a real one: CRL and OCSP pointers, a TSA, and a small server
on loopback that answers them, so documents signed with the test identity reach B-LTA and the
EU's DSS validator passes them offline with the test root as its only trust anchor."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID
from signing_helpers import AGENCY, add_page_content, image_pdf
from test_signing_etsi import dss_verdicts, etsi_validator  # noqa: F401  (fixture)

from sohoa.signing import (
    DevIdentity,
    DocumentSigner,
    KeySource,
    SigningSettings,
    create_dev_identity,
    renew_timestamps,
    verify_pdf,
)
from sohoa.signing.devpki import DevPki, make_app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevIdentity]:
    identity = create_dev_identity(tmp_path_factory.mktemp("dev-pki"), AGENCY,
                                   pki_url=f"http://127.0.0.1:{_free_port()}")
    pki = DevPki.load(identity.directory)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = web.AppRunner(make_app(pki), access_log=None)

    async def start() -> None:
        await runner.setup()
        port = int(pki.url.rsplit(":", 1)[1])
        await web.TCPSite(runner, "127.0.0.1", port).start()

    asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
    try:
        yield identity
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def lta(dev: DevIdentity) -> bytes:
    key = KeySource.from_pkcs12(dev.pkcs12, dev.password())
    assert dev.tsa_url is not None
    signer = DocumentSigner(key, SigningSettings.for_archive(dev.tsa_url), AGENCY,
                            extra_trust_roots=[dev.root_cert])
    assert signer.level == "B-LTA"
    signed, _ = signer.sign(image_pdf(1, pdfa=True))
    return signed


def test_signing_certificate_points_at_crl_and_ocsp(dev: DevIdentity) -> None:
    key = KeySource.from_pkcs12(dev.pkcs12, dev.password())
    cert = key.certificate
    points = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert points[0].full_name[0].value == f"{dev.pki_url}/crl/root.crl"
    access = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS)
    assert f"{dev.pki_url}/ocsp" in {a.access_location.value for a in access.value}
    tsa = x509.load_der_x509_certificate(
        DevPki.load(dev.directory).timestamper.tsa_cert.dump())
    usage = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def test_b_lta_with_the_dev_pki_verifies_offline(dev: DevIdentity, lta: bytes) -> None:
    report = verify_pdf(lta, trust_roots=[dev.root_cert])
    assert report.valid, report
    [check] = report.signatures
    assert check.level == "B-LTA", check


def test_dss_passes_dev_b_lta_with_the_dev_root_only(
    etsi_validator: Path, dev: DevIdentity, lta: bytes,  # noqa: F811
    tmp_path: Path,
) -> None:
    renewed = renew_timestamps(lta, tsa_url=str(dev.tsa_url), trust_roots=[dev.root_cert])
    verdicts = dss_verdicts(
        etsi_validator, {"dev-lta": lta, "dev-renewed": renewed,
                         "dev-painted": add_page_content(lta)},
        dev.root_cert, tmp_path,
    )
    for name in ("dev-lta", "dev-renewed"):
        [signature] = verdicts[name]["signatures"]
        assert signature["format"] == "PAdES-BASELINE-LTA", signature
        assert signature["indication"] == "TOTAL_PASSED", signature
        assert all(ts["indication"] == "PASSED" for ts in signature["timestamps"]), signature
    [painted] = verdicts["dev-painted"]["signatures"]
    assert painted["indication"] == "TOTAL_FAILED", painted
