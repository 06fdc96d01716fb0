"""B-T, B-LT and B-LTA against a real PKI (CA, TSA, OCSP, CRLs) served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from signing_helpers import AGENCY, flip_byte_in_signed_range, image_pdf
from signing_pki import PASSWORD, LocalPki, PkiServer

from sohoa.errors import SigningError
from sohoa.signing import (
    DocumentSigner,
    KeySource,
    SigningSettings,
    last_timestamp_expiry,
    renew_timestamps,
    verify_pdf,
)


def _signer(pki: LocalPki, key: KeySource, level: str) -> DocumentSigner:
    return DocumentSigner(
        key, SigningSettings(level=level, tsa_url=pki.tsa_url), AGENCY,
        extra_trust_roots=[pki.root_pem],
    )


@pytest.fixture(scope="module")
def lta_pdf(pki: LocalPki, pki_key: KeySource) -> bytes:
    signed, summary = _signer(pki, pki_key, "B-LTA").sign(image_pdf(1))
    assert summary.level == "B-LTA"
    return signed


def _pdfsig(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_b_t_has_a_trusted_timestamp(pki: LocalPki, pki_key: KeySource) -> None:
    signed, _ = _signer(pki, pki_key, "B-T").sign(image_pdf(1))
    online = verify_pdf(signed, trust_roots=[pki.root_pem], allow_fetching=True)
    assert online.valid, online
    [check] = online.signatures
    assert check.level == "B-T" and check.timestamp is not None
    # Offline, a B-T file of a certificate with OCSP/CRL addresses cannot prove it was not
    # revoked: hard-fail, not a silent "trusted". That is what B-LT is for.
    offline = verify_pdf(signed, trust_roots=[pki.root_pem])
    assert not offline.valid and not offline.signatures[0].trusted


def test_b_lt_verifies_offline_from_embedded_data(
    pki: LocalPki, pki_key: KeySource, tmp_path: Path
) -> None:
    signed, summary = _signer(pki, pki_key, "B-LT").sign(image_pdf(1))
    assert summary.level == "B-LT"
    report = verify_pdf(signed, trust_roots=[pki.root_pem])
    assert report.valid, report
    [check] = report.signatures
    assert check.level == "B-LT"
    assert check.signer == "UBND tỉnh Đồng Nai"
    assert check.timestamp is not None and not check.revoked
    assert "Signature is Valid" in _pdfsig(signed, tmp_path)


def test_b_lta_verifies_offline(lta_pdf: bytes, pki: LocalPki, tmp_path: Path) -> None:
    report = verify_pdf(lta_pdf, trust_roots=[pki.root_pem])
    assert report.valid, report
    [check] = report.signatures
    assert check.level == "B-LTA"
    assert check.modification == "none"  # DSS and document timestamp are LTA updates
    text = _pdfsig(lta_pdf, tmp_path)
    assert "Signature is Valid" in text and "Digest Mismatch" not in text


def test_b_lta_tampered_is_not_intact(lta_pdf: bytes, pki: LocalPki) -> None:
    report = verify_pdf(flip_byte_in_signed_range(lta_pdf), trust_roots=[pki.root_pem])
    assert not report.valid
    assert not report.signatures[0].intact


def test_revoked_signer_is_refused(pki: LocalPki) -> None:
    key = KeySource.from_pkcs12(pki.revoked_p12, PASSWORD)
    with pytest.raises(SigningError, match="đã bị thu hồi"):
        _signer(pki, key, "B-LT").sign(image_pdf(1))


def test_revoked_signer_is_reported_as_revoked(pki: LocalPki) -> None:
    # B-B needs no network, so nothing stops the signature; the verifier must catch it.
    key = KeySource.from_pkcs12(pki.revoked_p12, PASSWORD)
    signed, _ = DocumentSigner(key, SigningSettings(), "UBND huyện Nhơn Trạch").sign(image_pdf(1))
    report = verify_pdf(signed, trust_roots=[pki.root_pem], allow_fetching=True)
    assert not report.valid
    [check] = report.signatures
    assert check.intact and check.revoked
    assert any("đã bị thu hồi" in p for p in check.problems)


def test_renewal_adds_a_timestamp_as_a_new_revision(lta_pdf: bytes, pki: LocalPki) -> None:
    expiry = last_timestamp_expiry(lta_pdf)
    assert expiry is not None
    renewed = renew_timestamps(lta_pdf, tsa_url=pki.tsa_url, trust_roots=[pki.root_pem])
    assert renewed.startswith(lta_pdf) and len(renewed) > len(lta_pdf)
    report = verify_pdf(renewed, trust_roots=[pki.root_pem])
    assert report.valid, report
    assert report.signatures[0].level == "B-LTA"
    assert last_timestamp_expiry(renewed) == expiry  # same TSA certificate here


def test_renewal_needs_a_b_lta_file(pki: LocalPki, signed_pdf: bytes) -> None:
    assert last_timestamp_expiry(signed_pdf) is None
    with pytest.raises(SigningError, match="chưa có dấu thời gian tài liệu"):
        renew_timestamps(signed_pdf, tsa_url=pki.tsa_url, trust_roots=[pki.root_pem])


def test_a_signer_whose_ocsp_crl_and_tsa_answer_is_ready(pki: LocalPki,
                                                         pki_key: KeySource) -> None:
    """The readiness check an ingest makes before OCR (F40) passes where signing works."""
    for level in ("B-T", "B-LT", "B-LTA"):
        _signer(pki, pki_key, level).check_ready()


def test_renewal_with_a_tsa_that_does_not_answer_is_refused_in_vietnamese(
        lta_pdf: bytes, pki: LocalPki) -> None:
    """A TSA down escaped as pyHanko's OSError (exit 1, "a bug"); the refusal names the TSA and
    keeps pyHanko's English out (tester 9, F13)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/tsa"
    with pytest.raises(SigningError) as refused:
        renew_timestamps(lta_pdf, tsa_url=dead, trust_roots=[pki.root_pem])
    message = str(refused.value)
    assert "máy chủ cấp dấu thời gian không trả lời" in message and dead in message, message
    assert "Error" not in message and "timestamp" not in message, message


def test_officer_b_b_then_agency_b_lta(
    pki: LocalPki, pki_key: KeySource, officer_signer: DocumentSigner, officer_identity,
    tmp_path: Path,
) -> None:
    first, _ = officer_signer.sign(image_pdf(1))
    both, _ = _signer(pki, pki_key, "B-LTA").sign(first)
    report = verify_pdf(
        both, trust_roots=[pki.root_pem, officer_identity.root_cert], required=2
    )
    assert report.valid, report
    assert [s.level for s in report.signatures] == ["B-B", "B-LTA"]
    assert _pdfsig(both, tmp_path).count("Signature is Valid") >= 2


@pytest.fixture(scope="module")
def slow_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPki]:
    """A PKI whose CRL and TSA answer after 5.5 s: slow (a national CA's big CRL over a commune's
    link, a busy public TSA) but within what a signature waits."""
    from aiohttp import web

    slowed: set[str] = set()

    @web.middleware
    async def slow(request: web.Request, handler: Any) -> web.StreamResponse:
        kind = "tsa" if "/tsa/" in request.path else "crl" if "crl" in request.path else ""
        if kind and kind not in slowed:  # the first of each: enough, and the test stays short
            slowed.add(kind)
            await asyncio.sleep(5.5)
        return await handler(request)

    server = PkiServer(tmp_path_factory.mktemp("slow-pki"), middlewares=[slow])
    try:
        yield server.start()
    finally:
        server.stop()


def test_a_slow_crl_and_tsa_that_signing_waits_for_do_not_refuse_the_home(
        slow_pki: LocalPki) -> None:
    """S3: the readiness check waits as long as a signature does (FETCH/TSA_TIMEOUT_S), so a
    home whose first signature would succeed is never refused before its work."""
    key = KeySource.from_pkcs12(slow_pki.agency_p12, PASSWORD)
    _signer(slow_pki, key, "B-LT").check_ready()


@pytest.fixture(scope="module")
def other_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPki]:
    """A second PKI: its TSA's certificate chains to a root the signer does not trust."""
    server = PkiServer(tmp_path_factory.mktemp("other-pki"))
    try:
        yield server.start()
    finally:
        server.stop()


def test_a_tsa_whose_certificate_does_not_validate_is_named_not_the_signer(
        pki: LocalPki, pki_key: KeySource, other_pki: LocalPki) -> None:
    """L6: the TSA answers, but its own certificate does not lead to a trusted root: the refusal
    names the TSA's certificate (the signer's validated), in Vietnamese, nothing English."""
    signer = DocumentSigner(pki_key, SigningSettings(level="B-LT", tsa_url=other_pki.tsa_url),
                            AGENCY, extra_trust_roots=[pki.root_pem])
    with pytest.raises(SigningError) as refused:
        signer.check_ready()
    said = str(refused.value)
    assert said.startswith("Không xác thực được chứng thư của máy chủ cấp dấu thời gian (TSA) "
                           f"{other_pki.tsa_url}"), said
    assert "không trả lời" not in said and "Error" not in said and "path" not in said, said
    assert "PathBuildingError" in refused.value.detail  # type: ignore[attr-defined]
