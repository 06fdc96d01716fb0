"""Log checkpoints beside the blobs on both archives: kept in the blob store (a directory or an
S3 prefix, never listed as blobs), and a log cut back behind one is caught on SQLite and on
PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from archivist_helpers import opened, signer_for
from backends import Place
from sqlalchemy import text
from test_archivist_contract import settings_on

from sohoa.pipeline import anchors


def test_checkpoints_beside_the_blobs_catch_a_cut_log(place: Place, tmp_path: Path) -> None:
    settings = settings_on(place, tmp_path / "home")
    signer = signer_for(settings)
    with opened(settings) as archive:
        for i in range(3):
            archive.audit("test.event", actor="Hà", target=f"t{i}", detail={})
        _pdf, payload = anchors.make(archive, signer, agency=settings.agency, reason="test",
                                     by="Hà")
        [name] = archive.blobs.anchors()
        assert name.startswith("checkpoint-") and name.endswith(".pdf")
        assert list(archive.blobs.iter_all()) == []  # not mistaken for a blob
    assert anchors.verify(settings)["valid"]
    keep = payload["heads"]["audit"]["seq"] - 1
    with opened(settings) as archive, archive._writer.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq > :k"), {"k": keep})
        last = conn.execute(text("SELECT hash FROM audit_log WHERE seq = :k"),
                            {"k": keep}).scalar_one()
        conn.execute(text("UPDATE audit_head SET seq = :k, hash = :h"), {"k": keep, "h": last})
    with opened(settings) as archive:
        assert archive.audit_verify() == (True, [])
    report = anchors.verify(settings)
    assert not report["valid"] and "không còn" in report["problems"][0]
