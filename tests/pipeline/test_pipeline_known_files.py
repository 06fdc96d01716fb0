"""A ReportLab-style PDF through the whole ingest, then the same folder again.

The first run stores the form-wrapped scan with the producer's JPEG in the archival PDF/A and
says which page had to be rendered and why; it is stopped just before its last bookkeeping (as
an interrupted ingest is), yet the file whose pages are all stored is already known. The second
run recognizes that file by its SHA-256 and never reads it, while the file that was partly
quarantined is read again; the dossier made of the same pages is answered from what was stored,
without reading its fields again."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pikepdf
import pytest
import testtools
from pdf_producers import add_page, form_wrapped_jpeg_page, jpeg_image
from PIL import Image
from pipeline_helpers import json_lines, run_sohoa

from sohoa.ocr.jpegrecode import same_pixels
from sohoa.pipeline import inprocess, lookup, stages
from sohoa.pipeline.ingest import run_ingest
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import load_settings
from sohoa.synth import render_document


class Interrupted(Exception):
    pass


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _inputs(folder: Path) -> tuple[Path, Path, bytes]:
    folder.mkdir()
    scan = render_document("birth_certificate", 3, dpi=150).page_jpeg(0)
    img = Image.open(io.BytesIO(scan))
    pdf = pikepdf.new()
    form_wrapped_jpeg_page(pdf, img, 150, data=scan)
    # A born-digital cover note (vector text in Helvetica, not embedded, a small page): kept as
    # its producer made it, through Ghostscript for PDF/A (issue 19).
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica)
    add_page(pdf, (298, 200), b"BT /F1 14 Tf 30 100 Td (Ghi chu: ban sao) Tj ET",
             Font=pikepdf.Dictionary(F1=font))
    a = folder / "a-reportlab.pdf"
    pdf.save(a)
    # b: a good page, then a page whose JPEG is cut short: quarantined, so b is never known.
    other = render_document("marriage_certificate", 4, dpi=150).page_jpeg(0)
    pdf = pikepdf.new()
    other_img = Image.open(io.BytesIO(other))
    w, h = other_img.width * 72 / 150, other_img.height * 72 / 150
    for data in (other, other[:3000]):
        add_page(pdf, (w, h), f"q {w:.3f} 0 0 {h:.3f} 0 0 cm /Im0 Do Q".encode(),
                 {"Im0": jpeg_image(pdf, other_img, data)})
    b = folder / "b-damaged.pdf"
    pdf.save(b)
    return a, b, scan


def test_reportlab_pdf_keeps_its_jpeg_and_known_files_are_not_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    assert run_sohoa(home, "init").returncode == 0
    settings = load_settings(home=home, environ={"SOHOA_OCR_JOBS": "1"})
    a, b, scan = _inputs(tmp_path / "in")

    def stop(*_args: object) -> None:
        raise Interrupted  # the ingest dies after storing every dossier, before the end

    with monkeypatch.context() as patch:
        patch.setattr(inprocess, "record_inputs", stop)
        events: list[dict] = []
        with pytest.raises(Interrupted):
            run_ingest([a.parent], settings, emit=events.append)
    ids = [e["document_id"] for e in events if "document_id" in e]

    with open_archive(settings) as archive:
        assert archive.known_input(_sha(b)) is None  # partly quarantined: to be retried
        known = archive.known_input(_sha(a))
        assert known is not None and len(known) == 2
        assert known[0]["born_digital"] == "" and known[1]["rendered"] == ""
        assert known[1]["born_digital"].startswith("trang PDF tạo từ văn bản")
        stored = [archive.get_document(d) for d in ids]
    pages = [(doc, p) for doc in stored for p in doc["pages"] if p["source"] == str(a)]
    assert len(pages) == 2
    kept = [r for doc in stored for r in doc["extra"].get("born_digital_pages", [])]
    assert [(r["source"], r["index"]) for r in kept] == [(str(a), 1)]
    assert "Ghostscript" in kept[0]["note"]
    assert not [r for doc in stored for r in doc["extra"].get("rendered_pages", [])]
    # The clerk sees it on the page itself (sohoa show, the web page, the API), in Vietnamese.
    holder = next(doc for doc, p in pages if p["index"] == 1)
    shown = lookup.show(settings, holder["document_id"], caller=lookup.cli_caller(settings, "cb"),
                        purpose="kiểm tra nguồn trang")
    [page] = [p for p in shown["pages"] if p["source"] == str(a) and p["index"] == 1]
    assert page["provenance"].startswith("trang PDF tạo từ văn bản")
    assert all(p["provenance"] == "" for p in shown["pages"] if p is not page)
    # The archival PDF/A carries the scanner's JPEG: its coefficients, so its very pixels, in
    # no more bytes (re-coded losslessly when smaller); the page blob keeps the scanner's bytes.
    first = next(doc for doc, p in pages if p["index"] == 0)
    with open_archive(settings) as archive:
        archival = pikepdf.open(io.BytesIO(archive.get_pdf(first["document_id"])))
    streams = [im.read_raw_bytes() for pg in archival.pages
               for im in pg.obj.Resources.get("/XObject", {}).values()
               if im.get("/Subtype") == "/Image"]
    carried = [data for data in streams if data[:2] == b"\xff\xd8"]
    assert len(carried) == 1 and len(carried[0]) <= len(scan)
    assert same_pixels(carried[0], scan)

    read: list[str] = []
    original = stages.read_pages

    def spy(path: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        read.append(Path(path).name)
        return original(path, *args, **kwargs)

    drafted: list[object] = []
    draft = stages.draft_dossier

    def draft_spy(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        drafted.append(args)
        return draft(*args, **kwargs)

    monkeypatch.setattr(stages, "read_pages", spy)
    monkeypatch.setattr(stages, "draft_dossier", draft_spy)
    again = run_ingest([a.parent], settings)
    assert read == ["b-damaged.pdf"]  # a is known: not one of its pages decoded or rendered
    assert drafted == []  # the same pages as a stored dossier: its documents, not drafted again
    assert again.known_files == 1
    assert (again.stored, again.quarantined) == (0, 1)
    assert again.duplicates == len(stored)
    with open_archive(settings) as archive:
        statuses = {Path(d["source"]).name: d["status"]
                    for d in archive.get_job(again.job_id)["done"]}
    # a's documents were all stored before: "duplicate", not "blank" (the cache answered them)
    assert statuses == {"a-reportlab.pdf": "duplicate", "b-damaged.pdf": "partial"}

    # `sohoa ingest` of known files only (issue 19: a stored 20-page PDF in under 3 s) decodes,
    # recognizes, renders and signs nothing, so it does not even import what those need.
    known_only = testtools.run_sohoa(home, "ingest", str(a), "--json",
                                     python_flags=("-X", "importtime"))
    assert known_only.returncode == 0, known_only.stderr[-2000:]
    assert sorted(e["document_id"] for e in json_lines(known_only.stdout)
                  if e.get("duplicate")) == sorted({doc["document_id"] for doc, _ in pages})
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0]
                for line in known_only.stderr.splitlines() if line.startswith("import time:")}
    assert "sohoa" in imported
    assert imported.isdisjoint({"cv2", "tesserocr", "zxingcpp", "pikepdf", "pypdfium2",
                                "pyhanko", "pyhanko_certvalidator", "fontTools", "aiohttp",
                                "alembic"}), sorted(imported)

    # L4: the rendered page no longer reads back as the image remembered (a renderer upgrade
    # changes its bytes; its analysis is not cached under them). The job goes on with the page
    # as read now, the file is forgotten and is read as a new file from then on.
    with open_archive(settings) as archive:
        entries = archive.known_input(_sha(a))
        assert entries is not None
        entries[1] = {**entries[1], "sha256": "0" * 64}
        assert archive.remember_input(again.job_id, _sha(a), entries)
    monkeypatch.undo()
    third = run_ingest([a.parent], settings)
    assert (third.stored, third.duplicates) == (0, len(stored))
    with open_archive(settings) as archive:
        assert archive.known_input(_sha(a)) is None
        statuses = {Path(d["source"]).name: d["status"]
                    for d in archive.get_job(third.job_id)["done"]}
    assert statuses["a-reportlab.pdf"] == "duplicate"
