"""An independent ETSI check: the EU's DSS library (tools/etsi-validate) judges sohoa's signatures.

DSS validates with its default ETSI EN 319 102-1 policy against the local PKI's root only. Offline
(the default) it uses nothing but what the file embeds, as an archive decades from now will; in
online mode it also asks the local PKI's OCSP responder and CRLs on 127.0.0.1.

The validator is built by ``scripts/services/etsi-validator.sh build`` (Maven, once, cached under
~/.cache/sohoa/etsi-validator) the first time these tests run; `make test` installs Java and
Maven, so a validator that cannot be built fails them.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from signing_helpers import AGENCY, add_page_content, flip_byte_in_signed_range, image_pdf
from signing_pki import LocalPki

from sohoa.signing import DocumentSigner, KeySource, SigningSettings, renew_timestamps

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "services" / "etsi-validator.sh"


@pytest.fixture(scope="module")
def etsi_validator() -> Path:
    try:
        build = subprocess.run(
            ["bash", str(SCRIPT), "build"], capture_output=True, text=True, timeout=900
        )
        problem = None if build.returncode == 0 else build.stderr[-3000:]
    except (OSError, subprocess.TimeoutExpired) as exc:
        problem = str(exc)
    if problem is not None:
        # make test installs Java and Maven: a validator that cannot be built is a failure.
        pytest.fail(f"the DSS validator could not be built:\n{problem}")
    return SCRIPT


def dss_verdicts(
    validator: Path, pdfs: dict[str, bytes], root: Path, directory: Path, *, online: bool = False
) -> dict[str, dict[str, Any]]:
    """DSS's report for each of ``pdfs``, by name; one JVM for all of them."""
    args = ["bash", str(validator), "run", str(root)]
    for name, pdf in pdfs.items():
        path = directory / f"{name}.pdf"
        path.write_bytes(pdf)
        args += ["--pdf", str(path)]
    if online:
        args.append("--online")
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(reports) == len(pdfs), done.stdout
    return dict(zip(pdfs, reports, strict=True))


def _signer(pki: LocalPki, key: KeySource, level: str, *, certify: bool = True) -> DocumentSigner:
    return DocumentSigner(
        key, SigningSettings(level=level, tsa_url=pki.tsa_url, certify=certify), AGENCY,
        extra_trust_roots=[pki.root_pem],
    )


def _only(report: dict[str, Any]) -> dict[str, Any]:
    [signature] = report["signatures"]
    return signature


@pytest.fixture(scope="module")
def signed(pki: LocalPki, pki_key: KeySource) -> dict[str, bytes]:
    # A TSA is configured for every level: a B-B signer must still not timestamp (else B-T).
    files = {level: _signer(pki, pki_key, level).sign(image_pdf(1))[0]
             for level in ("B-B", "B-T", "B-LT")}
    lta, _ = _signer(pki, pki_key, "B-LTA").sign(image_pdf(1, pdfa=True))
    files["B-LTA"] = lta
    files["renewed"] = renew_timestamps(lta, tsa_url=pki.tsa_url, trust_roots=[pki.root_pem])
    files["tampered"] = flip_byte_in_signed_range(lta)
    # Painted over after signing (a black box on page 1, an incremental update): the
    # certification signature forbids it; the same signature without the lock only warns.
    files["painted"] = add_page_content(lta)
    files["painted-renewed"] = add_page_content(files["renewed"])
    unlocked, _ = _signer(pki, pki_key, "B-LTA", certify=False).sign(image_pdf(1, pdfa=True))
    files["painted-unlocked"] = add_page_content(unlocked)
    # A workflow's second signer after the certifying one (the agency after the desk officer):
    # a new visible signature is what a level-2 certification allows.
    files["countersigned"], _ = _signer(pki, pki_key, "B-LTA").sign(lta)
    return files


@pytest.fixture(scope="module")
def offline(
    etsi_validator: Path, signed: dict[str, bytes], pki: LocalPki,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, dict[str, Any]]:
    return dss_verdicts(etsi_validator, signed, pki.root_pem, tmp_path_factory.mktemp("dss"))


@pytest.fixture(scope="module")
def online(
    etsi_validator: Path, signed: dict[str, bytes], pki: LocalPki,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, dict[str, Any]]:
    return dss_verdicts(
        etsi_validator, {k: signed[k] for k in ("B-B", "B-T")}, pki.root_pem,
        tmp_path_factory.mktemp("dss-online"), online=True,
    )


def test_b_lta_is_pades_baseline_lta_total_passed_offline(
    offline: dict[str, dict[str, Any]],
) -> None:
    signature = _only(offline["B-LTA"])
    assert signature["format"] == "PAdES-BASELINE-LTA", signature
    assert signature["indication"] == "TOTAL_PASSED", signature
    assert signature["signed_by"] == AGENCY
    assert signature["errors"] == []
    # The signature timestamp and the document timestamp, both judged good.
    assert len(signature["timestamps"]) == 2
    assert all(ts["indication"] == "PASSED" for ts in signature["timestamps"]), signature


def test_b_lt_is_pades_baseline_lt_total_passed_offline(
    offline: dict[str, dict[str, Any]],
) -> None:
    signature = _only(offline["B-LT"])
    assert signature["format"] == "PAdES-BASELINE-LT", signature
    assert signature["indication"] == "TOTAL_PASSED", signature


@pytest.mark.parametrize(("level", "pades"), [("B-B", "PAdES-BASELINE-B"),
                                              ("B-T", "PAdES-BASELINE-T")])
def test_b_b_and_b_t_pass_online_and_need_revocation_data_offline(
    offline: dict[str, dict[str, Any]], online: dict[str, dict[str, Any]], level: str, pades: str
) -> None:
    checked = _only(online[level])
    assert checked["format"] == pades, checked
    assert checked["indication"] == "TOTAL_PASSED", checked
    assert len(checked["timestamps"]) == (1 if level == "B-T" else 0)
    # Offline, DSS has no OCSP/CRL for the agency certificate: not conclusive, and not a failure.
    # This is why archived documents are signed B-LTA.
    alone = _only(offline[level])
    assert alone["format"] == pades
    assert alone["indication"] == "INDETERMINATE", alone
    assert alone["sub_indication"] == "CERTIFICATE_CHAIN_GENERAL_FAILURE", alone


def test_renewed_b_lta_still_passes(offline: dict[str, dict[str, Any]]) -> None:
    signature = _only(offline["renewed"])
    assert signature["format"] == "PAdES-BASELINE-LTA", signature
    assert signature["indication"] == "TOTAL_PASSED", signature
    assert len(signature["timestamps"]) == 3


def test_tampered_b_lta_fails(offline: dict[str, dict[str, Any]]) -> None:
    signature = _only(offline["tampered"])
    assert signature["indication"] == "TOTAL_FAILED", signature
    assert signature["sub_indication"] == "HASH_FAILURE", signature


@pytest.mark.parametrize("name", ["painted", "painted-renewed"])
def test_painted_over_certified_document_fails(
    offline: dict[str, dict[str, Any]], name: str
) -> None:
    signature = _only(offline[name])
    assert signature["indication"] == "TOTAL_FAILED", signature
    assert any("DocMDP" in e or "MDP" in e or "permission" in e.lower()
               for e in signature["errors"]), signature


def test_painted_over_unlocked_signature_only_warns(offline: dict[str, dict[str, Any]]) -> None:
    # What sohoa signed before certifying: DSS sees the change, and lets it pass.
    signature = _only(offline["painted-unlocked"])
    assert signature["indication"] == "TOTAL_PASSED", signature
    assert signature["warnings"], signature


def test_second_signer_after_the_certification_passes(
    offline: dict[str, dict[str, Any]],
) -> None:
    report = offline["countersigned"]
    assert len(report["signatures"]) == 2, report
    for signature in report["signatures"]:
        assert signature["indication"] == "TOTAL_PASSED", signature
        assert not any("MDP" in e for e in signature["errors"] + signature["warnings"])
