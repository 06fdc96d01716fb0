"""A page's provenance travels to the workers as JSON (messages.py); a drawn born-digital
page's one-page PDF (``Page.text_pdf``, its exact words, F21) travels in the blob store, named
by its SHA-256 in the message (review10 S2: fonts and all it can weigh MBs, and the job board that
holds the metas is read whole at every step)."""

from __future__ import annotations

import json
from pathlib import Path

from sohoa.archive.blobs import FileBlobStore
from sohoa.pipeline.queue.messages import TEXT_PDF, page_from, page_meta, with_text_pdf
from sohoa.records import Page


def test_a_drawn_pages_meta_names_its_pdf_and_the_blob_store_gives_it_back(
        tmp_path: Path) -> None:
    text_pdf = b"%PDF-1.7\n" + bytes(range(256)) * 4096  # a page with a font embedded whole
    page = Page("a.pdf", 1, "ab" * 32, b"\x00image", "image/tiff", 10, 20, 300,
                rendered="dựng lại trang", drawn=True, text_pdf=text_pdf)
    sent = json.loads(json.dumps(page_meta(page)))
    assert len(json.dumps(sent)) < 2048, len(json.dumps(sent))
    blobs = FileBlobStore(tmp_path / "blobs")
    assert blobs.put(text_pdf) == sent[TEXT_PDF]
    assert with_text_pdf(page_from(sent, page.data), sent, blobs) == page
    plain = Page("b.jpg", 0, "cd" * 32, b"jpeg", "image/jpeg", 10, 20, 300)
    meta = json.loads(json.dumps(page_meta(plain)))
    assert TEXT_PDF not in meta and with_text_pdf(page_from(meta, b"jpeg"), meta, blobs) == plain
