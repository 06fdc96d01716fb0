"""The archivist's routine on both archives: SQLite + file store and PostgreSQL + S3.

Same documents, same steps, same answers: a retention plan, a legal hold, a disposal list
proposed → approved → executed (a hold placed after approval keeps its document, the signed
destruction record is stored and verifies), fixity passing and then finding one flipped bit in a
stored blob, a BagIt export that validates, and the audit chain verifying at the end. The jobs
run as the product runs them, through ``Settings`` (and once through the CLI), so the
scale-out half proves the ``db``/``blobs``/``[s3]`` settings reach every archivist job.
"""

from __future__ import annotations

import dataclasses
import json
import signal
from datetime import date
from pathlib import Path

import boto3
from archivist_helpers import make_home, opened, run_sohoa, signer_for, store
from backends import Place

from sohoa.archive import Archive, FileBlobStore, bagit, disposal, faults, holds, retention
from sohoa.archive.s3blobs import S3BlobStore
from sohoa.doctypes import load_registry
from sohoa.pipeline import disposaljob, exportjob, fixityjob
from sohoa.pipeline.settings import Settings
from sohoa.signing import verify_pdf

AS_OF = date(2025, 12, 1)
REGISTRY = load_registry()
DECISION = "Quyết định số 12/QĐ-UBND ngày 20/5/2026 của Chủ tịch UBND phường Tân Phong"
ARCHIVIST = "Lê Thu Hà"
KEPT_DOSSIER = "HS-075-2015-0002"


def settings_on(place: Place, home: Path) -> Settings:
    """A home made by `sohoa init` (the dev signing identity) whose archive is ``place``."""
    s3 = place.s3
    return dataclasses.replace(
        make_home(home), db=place.urls[0], blobs=place.urls[1], search=place.urls[2],
        s3_endpoint=s3.endpoint if s3 else "", s3_region=s3.region if s3 else "",
        s3_access_key_id=s3.access_key_id if s3 else "",
        s3_secret_access_key=s3.secret_access_key if s3 else "")


def cli_env(settings: Settings) -> dict[str, str]:
    """The same archive for a `sohoa` subprocess, through the environment variables."""
    return {"SOHOA_DB": settings.db, "SOHOA_BLOBS": settings.blobs,
            "SOHOA_SEARCH": settings.search, "SOHOA_S3_ENDPOINT": settings.s3_endpoint,
            "SOHOA_S3_REGION": settings.s3_region,
            "SOHOA_S3_ACCESS_KEY_ID": settings.s3_access_key_id,
            "SOHOA_S3_SECRET_ACCESS_KEY": settings.s3_secret_access_key}


def assert_on_backend(archive: Archive, backend: str) -> None:
    """Guard against a scale-out run that silently fell back to the embedded store."""
    if backend == "postgresql+s3":
        assert archive._writer.dialect.name == "postgresql"
        assert isinstance(archive.blobs, S3BlobStore)
    else:
        assert archive._writer.dialect.name == "sqlite"
        assert isinstance(archive.blobs, FileBlobStore)


def flip_bit(archive: Archive, place: Place, sha: str, offset: int) -> None:
    """Change one bit of a stored blob behind the archive's back (bit rot): in the file on
    disk, or by overwriting the S3 object through a boto3 client of our own."""
    if isinstance(archive.blobs, FileBlobStore):
        path = archive.blobs.path(sha)
        data = bytearray(path.read_bytes())
        data[offset % len(data)] ^= 0x01
        path.write_bytes(bytes(data))
        return
    assert isinstance(archive.blobs, S3BlobStore) and place.s3 is not None
    client = boto3.client("s3", endpoint_url=place.s3.endpoint, region_name=place.s3.region,
                          aws_access_key_id=place.s3.access_key_id,
                          aws_secret_access_key=place.s3.secret_access_key)
    try:
        bucket, key = archive.blobs.bucket, archive.blobs.key(sha)
        data = bytearray(client.get_object(Bucket=bucket, Key=key)["Body"].read())
        data[offset % len(data)] ^= 0x01
        client.put_object(Bucket=bucket, Key=key, Body=bytes(data))
    finally:
        client.close()


def seed(settings: Settings) -> dict[str, str]:
    """Two expired ID-card copies in one dossier; in another, an expired card (to be held
    before proposing) and a permanent birth certificate."""
    signer = signer_for(settings)
    with opened(settings) as archive:
        return {
            "a": store(archive, signer, "a"),
            "b": store(archive, signer, "b", owner_id="075203009999",
                       owner_name="Trần Văn Đức"),
            "c": store(archive, signer, "c", dossier=KEPT_DOSSIER,
                       issue_date=date(2013, 7, 9)),
            "birth": store(archive, signer, "birth", doc_type="birth_certificate",
                           title="GIẤY KHAI SINH", retention="permanent",
                           dossier=KEPT_DOSSIER, issue_date=date(2003, 5, 2)),
        }


def test_archivist_routine_end_to_end(place: Place, backend: str, tmp_path: Path) -> None:
    settings = settings_on(place, tmp_path / "home")
    ids = seed(settings)

    # --- retention plan and holds --------------------------------------------------------
    with opened(settings) as archive:
        assert_on_backend(archive, backend)
        holds.place(archive, "dossier", KEPT_DOSSIER, reason="thanh tra", by=ARCHIVIST)
        groups = {g["doc_type"]: g for g in retention.plan(archive, as_of=AS_OF, registry=REGISTRY)}
        cards, births = groups["citizen_id_card"], groups["birth_certificate"]
        assert cards["due"] == 2 and sorted(cards["due_documents"]) == sorted(
            [ids["a"], ids["b"]])
        assert cards["held"] == 1 and births["held"] == 1  # the dossier hold keeps both

        # --- disposal: propose → approve → a hold after approval → execute --------------
        lst = disposal.propose(archive, registry=REGISTRY, as_of=AS_OF,
                               note="hết thời hạn bảo quản", by=ARCHIVIST)
        assert lst is not None and lst["status"] == "proposed"
        number = lst["list"]
        listed = {i["document_id"] for i in disposal.get(archive, number)["items"]}
        assert listed == {ids["a"], ids["b"]}
        disposal.approve(archive, number, decision=DECISION, by="Trần Văn Bình")
        late_hold = holds.place(archive, "owner", "075203001234",
                                reason="Tòa án yêu cầu lưu giữ (Công văn 45/TA)", by=ARCHIVIST)
        kept_pdf = archive.get_pdf(ids["a"])
        gone_before = archive.get_document(ids["b"])
        gone_blobs = [gone_before["pdf"]["sha256"],
                      *(p["blob_sha256"] for p in gone_before["pages"])]
        gone_bytes = sum(len(archive.blobs.get(sha)) for sha in gone_blobs)

    events: list[dict] = []
    result = disposaljob.execute(settings, number, by=ARCHIVIST, emit=events.append)
    assert result["status"] == "executed"
    assert result["summary"]["disposed"] == 1 and result["summary"]["skipped"] == 1
    # b's PDF and its page image, with their sizes (the record states the bytes freed).
    assert result["summary"]["blobs_removed"] == 2
    assert result["summary"]["bytes_freed"] == gone_bytes
    [skipped] = [e for e in events if not e["disposed"]]
    assert skipped["document_id"] == ids["a"] and skipped["holds"] == [late_hold["hold"]]

    with opened(settings) as archive:
        # The held document survives, bytes and all; the disposed one is a tombstone.
        assert archive.get_pdf(ids["a"]) == kept_pdf
        assert archive.get_document(ids["a"])["status"] == "stored"
        gone = archive.get_document(ids["b"])
        assert gone["status"] == "disposed" and gone["text"] == ""
        assert not any(archive.blobs.exists(sha) for sha in gone_blobs)
        assert [h["document_id"] for h in archive.search("Trần Văn Đức")] == []
        assert ids["a"] in {h["document_id"] for h in archive.search("Ánh Tuyết")}
        # The destruction record is stored in this archive's blob store and verifies.
        shown = disposal.get(archive, number, items=False)
        assert shown["record"] is not None and archive.blobs.exists(shown["record"]["sha256"])
        record = disposal.record_pdf(archive, number)
        assert len(record) == shown["record"]["size"]
        held_doc = archive.get_document(ids["c"])
    assert verify_pdf(record, trust_roots=list(settings.trust_roots)).valid

    # --- fixity: samples rotate, a full run is clean, then one flipped bit is found -------
    sampled: list[dict] = []
    for _ in range(2):  # never-checked documents first: two samples of 2 cover all 3
        fixityjob.check(settings, sample=2, by=ARCHIVIST, emit=sampled.append)
    assert {e["id"] for e in sampled if e["kind"] == "document"} == {
        ids["a"], ids["c"], ids["birth"]}
    assert all(e["ok"] for e in sampled)
    clean = fixityjob.check(settings, sample=None, by=ARCHIVIST)
    assert clean["mismatches"] == 0
    assert clean["documents"] == 3 and clean["records"] == 1
    assert clean["signatures_checked"] == 4 and clean["blobs"] == 7

    page_sha = held_doc["pages"][0]["blob_sha256"]
    with opened(settings) as archive:
        flip_bit(archive, place, page_sha, offset=len(archive.blobs.get(page_sha)) // 2)
    done = run_sohoa(settings.home, "fixity", "check", "--all", "--json",
                     env=cli_env(settings))
    assert done.returncode == 4, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    [bad] = [e for e in lines if e.get("ok") is False]
    assert bad["id"] == ids["c"] and "bị hỏng" in " ".join(bad["problems"])
    assert lines[-1]["mismatches"] == 1 and lines[-1]["documents"] == 3

    # --- export of the kept dossier as BagIt ----------------------------------------------
    bag = tmp_path / "bag"
    exported = exportjob.write(settings, bag, dossier=KEPT_DOSSIER, by=ARCHIVIST,
                               purpose="nộp lưu lịch sử")
    assert exported["documents"] == 2
    assert bagit.validate(bag) == []
    assert exportjob.verify(bag)["valid"]
    for doc_id in (ids["c"], ids["birth"]):
        pdf = (bag / "data" / KEPT_DOSSIER / f"{doc_id}.pdf").read_bytes()
        assert verify_pdf(pdf, trust_roots=list(settings.trust_roots)).valid

    # --- every step is in one audit chain that verifies -----------------------------------
    with opened(settings) as archive:
        ok, problems = archive.audit_verify()
        assert ok, problems
        actions = {e["action"] for e in archive.audit_events(limit=200)}
        [mismatch] = [e for e in archive.audit_events(target=ids["c"])
                      if e["action"] == "fixity.mismatch"]
        assert mismatch["actor"] == ARCHIVIST  # SOHOA_USER of the CLI run
    assert {"hold.placed", "disposal.proposed", "disposal.approved", "disposal.started",
            "document.disposed", "disposal.skipped", "disposal.executed", "fixity.checked",
            "fixity.mismatch", "export.written"} <= actions


def test_disposal_killed_after_deleting_blobs_resumes(place: Place, tmp_path: Path) -> None:
    """`kill -9` between deleting a batch's blobs and marking them deleted: the next run
    finishes the list once (blob deletion must be idempotent on both stores)."""
    settings = settings_on(place, tmp_path / "home")
    ids = seed(settings)
    with opened(settings) as archive:
        lst = disposal.propose(archive, registry=REGISTRY, as_of=AS_OF, note="hết hạn",
                               by=ARCHIVIST)
        assert lst is not None
        disposal.approve(archive, lst["list"], decision=DECISION, by="Bình")
        files = {i: archive.get_document(i)["pdf"]["sha256"] for i in (ids["a"], ids["b"])}
    env = cli_env(settings)
    killed = run_sohoa(settings.home, "disposal", "execute", str(lst["list"]),
                       env={**env, faults.ENV: "disposal_after_blob_delete"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    again = run_sohoa(settings.home, "disposal", "execute", str(lst["list"]), "--json", env=env)
    assert again.returncode == 0, again.stderr
    final = json.loads(again.stdout.splitlines()[-1])
    assert final["status"] == "executed" and final["summary"]["disposed"] == 3
    with opened(settings) as archive:
        for doc_id, sha in files.items():
            assert archive.get_document(doc_id)["status"] == "disposed"
            assert not archive.blobs.exists(sha)
        assert archive.get_pdf(ids["birth"])
        actions = [e["action"] for e in archive.audit_events(limit=100)]
        assert actions.count("disposal.executed") == 1 and "disposal.resumed" in actions
        assert archive.audit_verify() == (True, [])
        record = disposal.record_pdf(archive, lst["list"])
    assert verify_pdf(record, trust_roots=list(settings.trust_roots)).valid
