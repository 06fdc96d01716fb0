"""`sohoa signatures renew` on a real archive: a document ingested at B-LTA with the local PKI
gets a new document timestamp as a new revision; the old file stays; the audit log says so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from signing_pki import PASSWORD, LocalPki

from sohoa.archive.revisions import signed_documents
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.renewjob import renew_signatures
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.signing import last_timestamp_expiry, verify_pdf
from sohoa.synth import render_document


def test_renewal_job_adds_a_revision_and_keeps_the_old_file(pki: LocalPki,
                                                             tmp_path: Path) -> None:
    password = tmp_path / "p12.pass"
    password.write_bytes(PASSWORD)
    settings = load_settings(home=tmp_path / "home", environ={
        "SOHOA_SIGNING_PKCS12": str(pki.agency_p12),
        "SOHOA_SIGNING_PASSWORD_FILE": str(password),
        "SOHOA_SIGNING_TRUST_ROOTS": str(pki.root_pem),
        "SOHOA_SIGNING_TSA_URL": pki.tsa_url,
        "SOHOA_OCR_JOBS": "1",
    })
    assert settings.signing_level == "B-LTA"  # auto: a TSA is configured
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(render_document("birth_certificate", 3, dpi=150).page_jpeg(0))
    summary = run_ingest([scan], settings)
    assert summary.stored == 1
    document_id = summary.document_ids[0]

    with open_archive(settings) as archive:
        before = archive.get_pdf(document_id)
        [row] = signed_documents(archive, level="B-LTA")
        old_sha = row["pdf_sha256"]
    expiry = last_timestamp_expiry(before)
    assert expiry is not None

    events: list[dict] = []
    dry = renew_signatures(settings, before=expiry.date(), emit=events.append)
    assert dry["due"] == 0 and not events  # not due yet: expires on, not before, that day

    counts = renew_signatures(settings, before=date(expiry.year + 1, 1, 1), dry_run=True,
                              emit=events.append)
    assert counts == {"checked": 1, "due": 1, "renewed": 0, "failed": 0,
                      "skipped": 0}

    counts = renew_signatures(settings, before=date(expiry.year + 1, 1, 1), actor="Lê Thu Hà",
                              emit=events.append)
    assert counts["renewed"] == 1

    with open_archive(settings) as archive:
        after = archive.get_pdf(document_id)
        assert archive.blobs.exists(old_sha)  # never in place over the only copy
        audit = archive.audit_events(target=document_id)
        ok, problems = archive.audit_verify()
    assert after.startswith(before) and len(after) > len(before)
    report = verify_pdf(after, trust_roots=[pki.root_pem])
    assert report.valid, report
    assert report.signatures[0].level == "B-LTA"
    renewal = next(e for e in audit if e["action"] == "signature.renewed")
    assert renewal["actor"] == "Lê Thu Hà"
    assert ok, problems
