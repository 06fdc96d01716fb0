"""Strict, offline verification of the PAdES signatures of a PDF.

pyHanko's stock ``validate_pdf_signature`` calls a chain TRUSTED offline even when no revocation
data can be had (soft-fail). Here every signature goes through pyHanko's ETSI EN 319 102-1
long-term validation (``ades_lta_validation``: it reads the file's DSS and document timestamps and
falls back to the with-time and basic checks a lesser level needs), with a hard-fail revocation
policy for every certificate that names an OCSP responder or a CRL, and no network unless asked.
On top of that come what no validator flags: too few signatures, and signatures taken away by a
later revision.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.diff_analysis import (
    CatalogModificationRule,
    DiffResult,
    DocInfoRule,
    DSSCompareRule,
    FormUpdatingRule,
    GenericFieldModificationRule,
    MetadataUpdateRule,
    ModificationLevel,
    ObjectStreamRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
    XrefStreamRule,
)

# The two DSS/archival readers are private in pyHanko 0.38; they are what its own LTA process
# uses, and the basic and with-time processes need the same embedded revocation data.
from pyhanko.sign.validation.ades import (
    AdESBasicValidationResult,
    AdESLTAValidationResult,
    _adobe_revinfo_archival_to_local_knowledge,
    _dss_to_local_knowledge,
    ades_basic_validation,
    ades_lta_validation,
    ades_with_time_validation,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (
    CertificateFetchingRule,
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel, StandardCMSSignatureStatus
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

from sohoa.errors import BadInputError, ConfigError
from sohoa.records import SignatureCheck, VerificationReport
from sohoa.vntext import nfc

from .revisions import removed_signatures
from .trust import load_certificates

PADES_SUBFILTER = "/ETSI.CAdES.detached"

# pyHanko's default diff policy but for one rule: a visible signature field may be added after a
# certification signature, as Acrobat and DSS accept. The first signature of a sohoa document
# certifies it (DocMDP level 2) and a later signer of the same workflow (the agency after the
# desk officer) adds a visible stamp; pyHanko's default, "stricter than Acrobat", would call
# that a forbidden change. Everything else a certification forbids stays forbidden.
ARCHIVE_DIFF_POLICY = StandardDiffPolicy(
    global_rules=[
        CatalogModificationRule(),
        DocInfoRule().as_qualified(ModificationLevel.LTA_UPDATES),
        XrefStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        ObjectStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        DSSCompareRule().as_qualified(ModificationLevel.LTA_UPDATES),
        MetadataUpdateRule().as_qualified(ModificationLevel.LTA_UPDATES),
    ],
    form_rule=FormUpdatingRule(
        field_rules=[
            SigFieldCreationRule(allow_new_visible_after_certify=True),
            SigFieldModificationRule(),
            GenericFieldModificationRule(),
        ],
    ),
)

_MODIFICATION = {
    ModificationLevel.NONE: "none",
    ModificationLevel.LTA_UPDATES: "none",
    ModificationLevel.FORM_FILLING: "form_filling",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "other",
}


def verify_pdf(
    pdf: bytes,
    *,
    trust_roots: Sequence[Path | bytes],
    required: int = 1,
    allow_fetching: bool = False,
) -> VerificationReport:
    """Check every signature of ``pdf`` against ``trust_roots``; see the module docstring.

    The report is valid only when at least ``required`` signatures are present, each is intact,
    chains to a trust root, is not revoked, and nothing after it changed the document beyond
    what signing workflows do (more signatures, timestamps, validation data).
    """
    roots = load_certificates(trust_roots)
    if not roots:
        raise ConfigError(
            "Chưa có chứng thư gốc tin cậy: để kiểm tra chữ ký cần chứng thư gốc của tổ chức "
            "chứng thực đã cấp chứng thư cho cơ quan (signing.trust_roots trong sohoa.toml)."
        )
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError) as exc:
        # pypdf's own sentence is English: the clerk gets ours (the cause stays chained)
        raise BadInputError("Tệp không phải PDF hợp lệ hoặc không đọc được (tệp hỏng hoặc "
                            "bị cắt ngắn).") from exc
    if reader.encrypted:
        raise BadInputError("Tệp PDF có mật khẩu (bị mã hóa); sohoa chỉ kiểm tra chữ ký "
                            "của tệp PDF không mã hóa.")

    spec = _validation_spec(roots, allow_fetching)
    checks = tuple(asyncio.run(_check_all(signatures, spec)))

    problems: list[str] = []
    if len(signatures) < required:
        if not signatures:
            problems.append("không có chữ ký: tài liệu phải được ký nhưng không mang chữ ký nào")
        else:
            problems.append(
                f"thiếu chữ ký: tài liệu mang {len(signatures)} chữ ký, phải có {required}"
            )
    problems.extend(removed_signatures(reader))
    problems.extend(_timestamp_problems(reader))
    return VerificationReport(signatures=checks, problems=tuple(problems))


def _validation_spec(roots: list[asn1_x509.Certificate], allow_fetching: bool) -> (
    PdfSignatureValidationSpec
):
    # CHECK_IF_DECLARED is hard-fail: a certificate that names an OCSP responder or a CRL must
    # have an answer from it (embedded, or fetched when allowed). One that names none (the dev
    # identity) has nothing to check, which is not the same as "revoked".
    revocation = RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CHECK_IF_DECLARED,
        intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED,
    )
    cert_policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=roots),
        revinfo_policy=CertRevTrustPolicy(revocation),
    )
    gathering = RevocationInfoGatheringSpec(
        online_fetching_rule=(
            RevinfoOnlineFetchingRule.NO_HISTORICAL_FETCH
            if allow_fetching
            else RevinfoOnlineFetchingRule.LOCAL_ONLY
        ),
        certificate_fetching_rule=(
            CertificateFetchingRule.FOLLOW_ONLINE_RULE
            if allow_fetching
            else CertificateFetchingRule.NEVER_FETCH
        ),
    )
    return PdfSignatureValidationSpec(
        signature_validation_spec=SignatureValidationSpec(
            cert_validation_policy=cert_policy,
            revinfo_gathering_policy=gathering,
            key_usage_settings=KeyUsageConstraints(
                key_usage={"non_repudiation", "digital_signature"},
                match_all_key_usages=False,
            ),
        ),
        diff_policy=ARCHIVE_DIFF_POLICY,
    )


async def _check_all(
    signatures: list[EmbeddedPdfSignature], spec: PdfSignatureValidationSpec
) -> list[SignatureCheck]:
    return [await _check(sig, spec) for sig in signatures]


async def _check(sig: EmbeddedPdfSignature, spec: PdfSignatureValidationSpec) -> SignatureCheck:
    name = nfc(sig.field_name or "")
    try:
        signer = _common_name(sig.signer_cert)
    except (SignatureValidationError, ValueError, KeyError):
        signer = ""
    try:
        sig.compute_integrity_info(diff_policy=spec.diff_policy)
        integrity = sig.summarise_integrity_info()
        result = await _etsi_validation(sig, spec)
    except (SignatureValidationError, PdfError, ValueError, KeyError):
        # pyHanko's reason is English: the check says it in words of its own
        return SignatureCheck(
            field_name=name, signer=signer, intact=False, trusted=False, revoked=False,
            level="none", signed_at=None, timestamp=None, modification="other",
            covers_whole_file=False,
            problems=("không kiểm tra được chữ ký: chữ ký bị hỏng hoặc sai cấu trúc",),
        )
    status = result.api_status
    if not isinstance(status, StandardCMSSignatureStatus):
        # pyHanko stops before building a status when the CMS itself is unusable.
        return SignatureCheck(
            field_name=name, signer=signer, intact=False, trusted=False, revoked=False,
            level="none", signed_at=None, timestamp=None, modification="other",
            covers_whole_file=False,
            problems=(f"chữ ký bị hỏng: {result.failure_msg or result.ades_subindic}",),
        )

    problems: list[str] = []
    intact = bool(status.intact and status.valid)
    if not status.intact:
        problems.append("nội dung đã ký bị sửa: giá trị băm không còn khớp")
    elif not status.valid:
        problems.append("giá trị chữ ký không khớp khóa của người ký")
    trusted = bool(status.trusted)
    revoked = bool(status.revoked)
    if revoked:
        problems.append(f"chứng thư số của {signer} đã bị thu hồi")
    elif not trusted and intact:
        # A signature whose digest no longer matches was never taken to the trust check:
        # "does not chain to a trusted root" would be a second, wrong reason.
        problems.append(
            f"chứng thư số của {signer} không dẫn về tổ chức chứng thực gốc được tin cậy"
            + (f" hoặc thiếu dữ liệu thu hồi ({result.failure_msg})" if result.failure_msg
               else "")
        )
    modification = _modification(integrity)
    if integrity.get("docmdp_ok") is False or modification == "other":
        problems.append(
            "tài liệu bị thay đổi sau chữ ký này (thay đổi nội dung, không chỉ thêm chữ ký, "
            "dấu thời gian hay dữ liệu kiểm tra)"
        )
    if intact and trusted and not revoked and result.ades_subindic != AdESPassed.OK:
        reason = result.failure_msg or result.ades_subindic
        problems.append(f"chưa kết luận được tính hợp lệ: {reason}")

    timestamp = None
    ts_status = getattr(status, "timestamp_validity", None)
    if ts_status is not None:
        if ts_status.intact and ts_status.valid and ts_status.trusted:
            timestamp = ts_status.timestamp
        else:
            problems.append("dấu thời gian của chữ ký bị hỏng hoặc do nơi cấp dấu thời gian "
                            "không được tin cậy cấp")
    return SignatureCheck(
        field_name=name,
        signer=signer,
        intact=intact,
        trusted=trusted,
        revoked=revoked,
        level=_level(sig, result, timestamp),
        signed_at=_as_datetime(sig.self_reported_timestamp),
        timestamp=timestamp,
        modification=modification,
        covers_whole_file=integrity.get("coverage") == SignatureCoverageLevel.ENTIRE_FILE,
        problems=tuple(problems),
    )


def _modification(integrity: dict[str, object]) -> str:
    """What changed after signing, from pyHanko's difference analysis."""
    if integrity.get("coverage") == SignatureCoverageLevel.ENTIRE_FILE:
        return "none"
    diff = integrity.get("diff_result")
    if isinstance(diff, DiffResult):
        return _MODIFICATION.get(diff.modification_level, "other")
    # No analysis, or a SuspiciousModification: something the policy cannot explain.
    return "other"


async def _etsi_validation(
    sig: EmbeddedPdfSignature, spec: PdfSignatureValidationSpec
) -> AdESBasicValidationResult:
    """The ETSI EN 319 102-1 process that fits what the file carries.

    Basic for a bare signature (B-B), with-time when the signature has a timestamp (B-T/B-LT),
    long-term (LTA) when document timestamps follow it: the with-time and LTA processes report
    INDETERMINATE for a signature without timestamp, which would fail every B-B file (also an
    officer's B-B signature that the agency's B-LTA signature follows).
    """
    timestamped = _has_signature_timestamp(sig)
    later_doc_ts = any(
        ts.signed_revision > sig.signed_revision for ts in sig.reader.embedded_timestamp_signatures
    )
    if timestamped and later_doc_ts:
        return await ades_lta_validation(sig, spec)
    base = spec.signature_validation_spec
    dss = _dss_to_local_knowledge(sig.reader)
    archival = _adobe_revinfo_archival_to_local_knowledge(sig)
    known = LocalKnowledge(
        known_ocsps=dss.known_ocsps + archival.known_ocsps,
        known_crls=dss.known_crls + archival.known_crls,
        known_certs=dss.known_certs,
    )
    scoped = dataclasses.replace(base, local_knowledge=known)
    if timestamped:
        return await ades_with_time_validation(
            signed_data=sig.signed_data, validation_spec=scoped, raw_digest=sig.compute_digest()
        )
    # pyHanko 0.38's basic process ignores status_cls, so the PDF integrity facts (coverage,
    # modification level) are taken from the EmbeddedPdfSignature in _check instead.
    return await ades_basic_validation(
        signed_data=sig.signed_data, validation_spec=scoped, raw_digest=sig.compute_digest()
    )


def _has_signature_timestamp(sig: EmbeddedPdfSignature) -> bool:
    unsigned = sig.signer_info["unsigned_attrs"]
    if not unsigned or unsigned.native is None:
        return False
    return any(attr["type"].native == "signature_time_stamp_token" for attr in unsigned)


def _level(
    sig: EmbeddedPdfSignature, result: AdESBasicValidationResult, timestamp: datetime | None
) -> str:
    """The PAdES baseline level the file actually reaches for this signature."""
    if sig.sig_object.get("/SubFilter") != PADES_SUBFILTER:
        return "none"
    if timestamp is None:
        # A document timestamp after the signature could in principle stand in for the
        # signature timestamp (B-T); sohoa only credits the signature's own, trusted one.
        return "B-B"
    if not _has_revocation_data(sig):
        return "B-T"
    # pyHanko sets the evidence record time only when a document timestamp after this
    # signature validated: that timestamp is what protects the DSS over the decades.
    if (
        isinstance(result, AdESLTAValidationResult)
        and result.oldest_evidence_record_timestamp is not None
    ):
        return "B-LTA"
    return "B-LT"


def _has_revocation_data(sig: EmbeddedPdfSignature) -> bool:
    try:
        dss = DocumentSecurityStore.read_dss(sig.reader)
    except NoDSSFoundError:
        return False
    return bool(dss.ocsps or dss.crls)


def _timestamp_problems(reader: PdfFileReader) -> list[str]:
    problems = []
    for ts in reader.embedded_timestamp_signatures:
        try:
            ts.compute_integrity_info(diff_policy=ARCHIVE_DIFF_POLICY)
            intact = ts.compute_digest() == _tst_imprint(ts)
        except (SignatureValidationError, PdfError, ValueError, KeyError):
            intact = False
        if not intact:
            problems.append(
                f"dấu thời gian tài liệu {ts.field_name!r} bị hỏng: tệp đã thay đổi trong "
                "phần dấu thời gian bao phủ"
            )
    return problems


def _tst_imprint(ts: EmbeddedPdfSignature) -> bytes:
    tst_info = ts.signed_data["encap_content_info"]["content"].parsed
    return tst_info["message_imprint"]["hashed_message"].native


def _common_name(cert: asn1_x509.Certificate) -> str:
    subject = cert.subject.native
    name = subject.get("common_name") or cert.subject.human_friendly
    return nfc(name if isinstance(name, str) else str(name))


def _as_datetime(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else None
