"""A certified copy stays verifiable after `sohoa signatures renew`: the copy the citizen was
handed is the file before the renewal (a prefix of the stored file, ending at a revision's
%%EOF); `sohoa verify` must pass it (exit 0), and still refuse a PDF that is not the copy."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from archivist_helpers import make_home
from signing_pki import PASSWORD, LocalPki
from testtools import json_lines, run_sohoa

from sohoa.archive import certifications
from sohoa.doctypes import VALIDITY_UNKNOWN
from sohoa.pipeline import certify
from sohoa.pipeline.certqr import is_earlier_revision
from sohoa.pipeline.renewjob import renew_signatures
from sohoa.pipeline.services import make_certifier_signer, open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.signing import last_timestamp_expiry
from sohoa.synth.document import render_document

OWNER = "075203001234"
UNIT = "H19.22.31"


def test_the_copy_handed_out_before_a_renewal_still_verifies(pki: LocalPki,
                                                            tmp_path: Path) -> None:
    home = tmp_path / "home"
    make_home(home)
    password = home / "keys" / "pki.pass"
    password.write_bytes(PASSWORD)
    config = home / "sohoa.toml"
    text = config.read_text(encoding="utf-8")
    for old, new in (('"{home}/keys/dev-signer.p12"', f'"{pki.agency_p12}"'),
                     ('"{home}/keys/dev-signer.pass"', f'"{password}"'),
                     ('["{home}/keys/dev-root.pem"]', f'["{pki.root_pem}"]'),
                     ('\ntsa_url = ""\n', f'\ntsa_url = "{pki.tsa_url}"\n'
                                          'certify_with_agency_key = true\n')):
        assert old in text, old
        text = text.replace(old, new, 1)
    config.write_text(text, encoding="utf-8")
    settings = load_settings(home=home, environ={})
    assert settings.signing_level == "B-LTA" and settings.certify_with_agency_key
    scan = tmp_path / "giay-khai-sinh.jpg"
    scan.write_bytes(render_document("birth_certificate", 3, dpi=150).page_jpeg(0))
    made = certify.certify_copy(settings, str(scan), owner=OWNER, unit=UNIT,
                                official="Lê Văn Tâm", title="Phó Chủ tịch UBND phường",
                                compared=True, doc_type="birth_certificate")
    with open_archive(settings) as archive:
        handed_out = archive.get_pdf(made["document_id"])
    expiry = last_timestamp_expiry(handed_out)
    assert expiry is not None
    counts = renew_signatures(settings, before=date(expiry.year + 1, 1, 1),
                              emit=lambda _: None)
    assert counts["renewed"] == 1, counts
    with open_archive(settings) as archive:
        renewed = archive.get_pdf(made["document_id"])
    assert renewed != handed_out and renewed.startswith(handed_out)

    for name, pdf in (("handed-out.pdf", handed_out), ("renewed.pdf", renewed)):
        path = tmp_path / name
        path.write_bytes(pdf)
        done = run_sohoa(home, "verify", str(path), "--json")
        assert done.returncode == 0, (name, done.stdout + done.stderr)
        [report] = json_lines(done.stdout)
        assert report["qr"]["agrees"] and report["qr"]["stored_copy"], report

    # A cut that is not a revision's end is not the copy (nor would its signature be).
    assert not is_earlier_revision(handed_out[:-40], renewed)
    assert not is_earlier_revision(renewed, renewed)

    # The same line re-drawn and signed again (other bytes, a valid signature, the same QR)
    # is not the copy the register names: still exit 4, for the copy row.
    with open_archive(settings) as archive:
        entry = certifications.find(archive, unit=UNIT, year=made["certification"]["year"],
                                    number=made["certification"]["number"])
        until = archive.get_document(made["document_id"]).get("valid_until")
    redrawn = certify.copy_pdf(entry, [scan.read_bytes()], agency=settings.agency,
                               unit_name="UBND phường Tân Phong", dossier=None,
                               valid_until=None if until in (None, VALIDITY_UNKNOWN.isoformat())
                               else date.fromisoformat(until))
    forged, _ = make_certifier_signer(settings, "Lê Văn Tâm").sign(redrawn)
    path = tmp_path / "redrawn.pdf"
    path.write_bytes(forged)
    done = run_sohoa(home, "verify", str(path), "--json")
    assert done.returncode == 4, done.stdout + done.stderr
    [report] = json_lines(done.stdout)
    assert report["qr"]["stored_copy"] is False
    assert [c["field"] for c in report["qr"]["checks"] if not c["ok"]] == ["copy"], report
