"""`sohoa signatures renew` on a real archive: a document ingested at B-LTA with the local PKI
gets a new document timestamp as a new revision; the old file stays; the audit log says so."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from archivist_helpers import store
from click.testing import CliRunner
from signing_pki import PASSWORD, LocalPki, PkiServer

from sohoa.archive import disposal
from sohoa.archive.revisions import signed_documents
from sohoa.doctypes import load_registry
from sohoa.pipeline.home import init_home
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.renewjob import renew_signatures
from sohoa.pipeline.services import make_signer, open_archive
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


@pytest.fixture
def disposing_pki(tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[tuple[LocalPki, list[Callable[[], None]]]]:
    """The local PKI whose TSA, while a renewal waits for its timestamp, first runs what the
    test armed (a disposal batch committing meanwhile, in another connection)."""
    armed: list[Callable[[], None]] = []

    @web.middleware
    async def meanwhile(request: web.Request, handler: Any) -> web.StreamResponse:
        if "/tsa/" in request.path and armed:
            armed.pop()()
        return await handler(request)

    server = PkiServer(tmp_path_factory.mktemp("disposing-pki"), middlewares=[meanwhile])
    try:
        yield server.start(), armed
    finally:
        server.stop()


def test_renew_skips_a_paper_destroyed_while_its_timestamp_was_fetched(
        disposing_pki: tuple[LocalPki, list[Callable[[], None]]], tmp_path: Path) -> None:
    """fix14's skip, end to end: `sohoa signatures renew` over two B-LTA papers; while the
    first one's new timestamp is fetched, a disposal batch destroys that paper. The renewal
    refuses it (no new file, the tombstone keeps the PDF the destruction lists), renews the
    other, says "bỏ qua" and exits 0 (a skip is not a failure)."""
    from sohoa.cli.main import cli

    pki, armed = disposing_pki
    password = tmp_path / "p12.pass"
    password.write_bytes(PASSWORD)
    env = {"SOHOA_SIGNING_PKCS12": str(pki.agency_p12),
           "SOHOA_SIGNING_PASSWORD_FILE": str(password),
           "SOHOA_SIGNING_TRUST_ROOTS": str(pki.root_pem),
           "SOHOA_SIGNING_TSA_URL": pki.tsa_url}
    home = tmp_path / "home"
    init_home(home, unit="UBND phường Tân Phong")
    settings = load_settings(home=home, environ=env)
    assert settings.signing_level == "B-LTA"
    registry = load_registry()
    with open_archive(settings) as archive:
        signer = make_signer(settings)
        # signed first, so renewed first: past its ten years, on an executing disposal list
        due = store(archive, signer, "due", dossier="HS-075-2012-0001",
                    issue_date=date(2012, 3, 1))
        kept = store(archive, signer, "kept", owner_id="075203009999",
                     owner_name="Trần Văn Đức", dossier="HS-075-2024-0002",
                     issue_date=date(2024, 1, 1))
        expiry = last_timestamp_expiry(archive.get_pdf(due))
        assert expiry is not None
        old = {r["document_id"]: r["pdf_sha256"] for r in signed_documents(archive)}
        listed = disposal.propose(archive, registry=registry, as_of=date.today(),
                                  note="hết thời hạn lưu trữ", by="Lê Thu Hà")
        assert listed is not None and listed["documents"] == 1
        disposal.approve(archive, listed["list"], by="Trần Văn Bình",
                         decision="Quyết định số 12/QĐ-UBND ngày 20/5/2026")
        disposal.start(archive, listed["list"], by="Lê Thu Hà")
    files = None

    def destroy() -> None:
        nonlocal files
        with open_archive(settings) as batch:
            disposal.dispose(batch, listed["list"], [due], by="Lê Thu Hà",
                             decision="Quyết định số 12/QĐ-UBND ngày 20/5/2026",
                             registry=registry)
            files = sorted(batch.blobs.iter_all())

    armed.append(destroy)
    ran = CliRunner().invoke(cli, ["--home", str(home), "signatures", "renew", "--before",
                                   f"01/01/{expiry.year + 1}", "--by", "Lê Thu Hà"],
                             env=env, catch_exceptions=False)
    assert not armed  # the batch ran while the first timestamp was fetched
    assert ran.exit_code == 0, (ran.stdout, ran.stderr)
    assert f"bỏ qua {due}: giấy tờ {due} đã bị tiêu hủy" in ran.stdout, ran.stdout
    assert f"đã gia hạn {kept}" in ran.stdout, ran.stdout
    assert ("2 đến hạn gia hạn, 1 đã gia hạn, 0 không gia hạn được, 1 bỏ qua vì không còn "
            "lưu giữ") in ran.stdout, ran.stdout
    with open_archive(settings) as archive:
        now = {r["document_id"]: r["pdf_sha256"] for r in signed_documents(archive)}
        assert archive.document_ref(due)["status"] == "disposed"
        assert archive.audit_verify() == (True, [])
        # the refused renewal stored nothing: the files are the batch's, plus the one renewal
        assert len(set(archive.blobs.iter_all()) - set(files or ())) == 1
    assert due not in now and now[kept] != old[kept]
