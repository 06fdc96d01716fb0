"""A page's provenance travels to the workers as JSON (messages.py): a drawn born-digital
page's one-page PDF (``Page.text_pdf``, its exact words, F21) goes with it and comes back."""

from __future__ import annotations

import json

from sohoa.pipeline.queue.messages import page_from, page_meta
from sohoa.records import Page


def test_a_drawn_pages_text_pdf_survives_the_message() -> None:
    page = Page("a.pdf", 1, "ab" * 32, b"\x00image", "image/tiff", 10, 20, 300,
                rendered="dựng lại trang", drawn=True, text_pdf=b"%PDF-1.7\n\x00\xff\x80")
    sent = json.loads(json.dumps(page_meta(page)))
    assert page_from(sent, page.data) == page
    plain = Page("b.jpg", 0, "cd" * 32, b"jpeg", "image/jpeg", 10, 20, 300)
    assert page_from(json.loads(json.dumps(page_meta(plain))), plain.data) == plain
