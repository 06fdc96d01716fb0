"""A phone photo of a page, ingested for real (issue 19, item 4): the archival PDF/A carries the
flattened page, the document reads like the page, and the photo itself is kept beside it — a
blob of its own named by the page record (PDF/A-2 embeds no non-PDF/A file) — which fixity
checks and disposal counts with the document's blobs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf
from pipeline_helpers import json_lines, run_sohoa

from sohoa.archive.documents import page_blobs
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.synth import render_document
from sohoa.synth.photo import photograph


def test_a_photographed_page_is_stored_flat_with_its_photo_beside_it(tmp_path: Path) -> None:
    doc = render_document("decision", 3, severity="clean", dpi=200)
    shot = photograph(doc.pages[0], 1)
    folder = tmp_path / "anh-chup"
    folder.mkdir()
    photo = folder / "IMG_2041.jpg"
    photo.write_bytes(shot.jpeg)
    photo_sha = hashlib.sha256(shot.jpeg).hexdigest()
    home = tmp_path / "home"
    assert run_sohoa(home, "init", "--unit", "H19.22").returncode == 0

    result = run_sohoa(home, "ingest", str(folder), "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    [stored] = [e for e in json_lines(result.stdout) if e.get("created")]
    assert stored["doc_type"] == "decision" and "QUYẾT ĐỊNH" in stored["title"].upper()

    shown = json_lines(run_sohoa(home, "show", stored["document_id"], "--json").stdout)[0]
    [page] = shown["pages"]
    assert page["original_sha256"] == photo_sha
    assert page["blob_sha256"] != photo_sha
    assert any("ảnh chụp" in (p.get("note") or p.get("converted") or str(p))
               for p in shown["extra"].get("converted_pages", [])), shown["extra"]

    settings = load_settings(home=home, environ={})
    with open_archive(settings) as archive:
        assert archive.blobs.get(photo_sha) == shot.jpeg  # the photo, byte for byte
        with archive.transaction(write=False) as conn:
            blobs = page_blobs(conn, [stored["document_id"]])[stored["document_id"]]
        assert blobs == [page["blob_sha256"], photo_sha]  # disposal deletes both

    # the archival PDF carries the flattened page (A4 at 200 dpi), not the 12-Mpx photo
    out = tmp_path / "doc.pdf"
    assert run_sohoa(home, "get", stored["document_id"], "-o", str(out)).returncode == 0
    with pikepdf.open(out) as pdf:
        images = [obj for obj in pdf.pages[0].images.values()]
        assert [(int(i.Width), int(i.Height)) for i in images] == [(1654, 2339)]
    fixity = run_sohoa(home, "fixity", "check", "--all")
    assert fixity.returncode == 0, fixity.stdout + fixity.stderr
