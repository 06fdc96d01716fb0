"""Fixity on real blobs and real signatures: one flipped bit anywhere in a stored file is
reported (and audit-logged, exit 4), a broken signature too, and an interrupted --all run
resumes where it stopped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from archivist_helpers import flip_bit, opened, run_sohoa, signer_for, store

from sohoa.archive import FileBlobStore
from sohoa.pipeline.fixityjob import check
from sohoa.pipeline.settings import Settings


def seed(settings: Settings, n: int = 3) -> list[str]:
    signer = signer_for(settings)
    with opened(settings) as archive:
        return [store(archive, signer, f"doc{i}", dossier=f"HS-{i}") for i in range(n)]


def blob_file(settings: Settings, sha: str) -> Path:
    return FileBlobStore(settings.home / "blobs").path(sha)


def test_clean_store_passes_with_signatures_checked(settings: Settings) -> None:
    seed(settings)
    done = run_sohoa(settings.home, "fixity", "check", "--all", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.splitlines()[-1])
    assert summary["documents"] == 3 and summary["mismatches"] == 0
    assert summary["signatures_checked"] == 3 and summary["blobs"] == 6


@pytest.mark.parametrize("where", ["pdf", "page"])
@pytest.mark.parametrize("position", [0, 0.5, -1])
def test_one_flipped_bit_anywhere_is_found(settings: Settings, where: str,
                                           position: float) -> None:
    ids = seed(settings)
    with opened(settings) as archive:
        doc = archive.get_document(ids[1])
    sha = doc["pdf"]["sha256"] if where == "pdf" else doc["pages"][0]["blob_sha256"]
    path = blob_file(settings, sha)
    size = path.stat().st_size
    flip_bit(path, int(size * position) if position >= 0 else size - 1)

    done = run_sohoa(settings.home, "fixity", "check", "--all", "--json")
    assert done.returncode == 4, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    [bad] = [e for e in lines if e.get("ok") is False]
    assert bad["id"] == ids[1] and "bị hỏng" in " ".join(bad["problems"])
    assert lines[-1]["mismatches"] == 1
    with opened(settings) as archive:
        [event] = [e for e in archive.audit_events(target=ids[1])
                   if e["action"] == "fixity.mismatch"]
        assert event["actor"] == "Lê Thu Hà"
        assert archive.audit_verify()[0]


def test_a_signature_that_does_not_verify_is_a_mismatch(settings: Settings) -> None:
    """Bytes intact (they hash to their name) but the PDF was re-written after signing: the
    catalog's hash cannot tell, the signature check does."""
    ids = seed(settings, 1)
    signer = signer_for(settings)
    with opened(settings) as archive:
        good = archive.get_pdf(ids[0])
        # Same document re-saved by a tool that does not keep incremental updates.
        import io

        import pikepdf

        with pikepdf.open(io.BytesIO(good)) as pdf:
            buf = io.BytesIO()
            pdf.docinfo["/Title"] = "sửa sau khi ký"
            pdf.save(buf)
        from sohoa.archive.revisions import replace_pdf

        replace_pdf(archive, ids[0], buf.getvalue(), actor="test", action="test.rewrite",
                    detail={})
    del signer
    events: list[dict] = []
    summary = check(settings, sample=None, by="Hà", emit=events.append)
    assert summary["mismatches"] == 1
    [bad] = [e for e in events if not e.get("ok", True)]
    assert any("chữ ký" in p for p in bad["problems"])
    quick = check(settings, sample=None, signatures=False, by="Hà")
    assert quick["mismatches"] == 0  # the bytes themselves are what the catalog recorded


def test_interrupted_run_resumes_and_samples_rotate(settings: Settings) -> None:
    ids = seed(settings, 4)
    seen: list[str] = []

    def stop_after_first_batch(event: dict) -> None:
        seen.append(event["id"])
        if len(seen) == 4:
            raise KeyboardInterrupt

    import sohoa.pipeline.fixityjob as job

    job.BATCH, saved = 2, job.BATCH
    try:
        with pytest.raises(KeyboardInterrupt):
            check(settings, sample=None, by="Hà", emit=stop_after_first_batch)
        events: list[dict] = []
        summary = check(settings, sample=None, by="Hà", emit=events.append)
    finally:
        job.BATCH = saved
    assert events[0]["resumed"] and events[0]["after"] == sorted(ids)[1]
    assert summary["resumed"] and summary["documents"] == 4  # 2 before, 2 after
    checked_after = [e["id"] for e in events[1:]]
    assert checked_after == sorted(ids)[2:]

    # Samples take the documents checked longest ago: two samples of 2 cover all 4.
    first = check(settings, sample=2, by="Hà", emit=(a := []).append)
    second = check(settings, sample=2, by="Hà", emit=(b := []).append)
    assert first["documents"] == second["documents"] == 2
    assert {e["id"] for e in a} | {e["id"] for e in b} == set(ids)
    runs = run_sohoa(settings.home, "fixity", "runs", "--json")
    assert [json.loads(line)["status"] for line in runs.stdout.splitlines()] == [
        "finished"] * 3
