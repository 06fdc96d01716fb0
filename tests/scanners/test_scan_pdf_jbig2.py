"""JBIG2 scans with a real symbol dictionary in /JBIG2Globals (glyph shapes shared between
pages, text regions placing them) decode to exactly the scanned pixels, are stored losslessly
as CCITT G4, and a stream that declares a page larger than its image is refused before any
decoder allocates it."""

from __future__ import annotations

import io
import struct
import subprocess
import time
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from pdf_producers import image_stream, jbig2_symbols, page_size, save, single_image_page
from PIL import Image
from scan_fixtures import text_page

from sohoa.ocr.pdfa import _g4_strip
from sohoa.records import Page, Quarantined
from sohoa.scanners import read_pages
from sohoa.scanners.jbig2 import Jbig2TooLarge, check_segments


def bilevel(seed: int) -> Image.Image:
    grey = text_page(dpi=100, seed=seed, lines=8)
    return grey.point(lambda v: 255 if v > 150 else 0).convert("1")


def jbig2_page(pdf: pikepdf.Pdf, bits: Image.Image, shared: pikepdf.Stream, data: bytes,
               **extra: object) -> None:
    image = image_stream(pdf, data, bits.width, bits.height, bpc=1, filter="/JBIG2Decode",
                         DecodeParms=pikepdf.Dictionary(JBIG2Globals=shared), **extra)
    single_image_page(pdf, image, page_size(bits, 100), before=b"0 g ")


def test_symbol_dictionary_jbig2_decodes_to_the_scanned_pixels(tmp_path: Path) -> None:
    first, second = bilevel(1), bilevel(2)
    pdf = pikepdf.new()
    globals_1, page_1 = jbig2_symbols(first)
    globals_2, page_2 = jbig2_symbols(second)
    # The dictionary really is shared shapes: fewer symbols than glyphs placed.
    symbols = struct.unpack(">I", globals_1[13:17])[0]
    placed = struct.unpack(">I", page_1[24 + 17 + 4:24 + 17 + 8])[0]
    assert 0 < symbols < placed
    jbig2_page(pdf, first, pikepdf.Stream(pdf, globals_1), page_1)
    # The second page's data is its negative's, turned back by /Decode [1 0] (some MFPs).
    negative = Image.eval(second.convert("L"), lambda v: 255 - v).convert("1")
    globals_n, page_n = jbig2_symbols(negative)
    jbig2_page(pdf, second, pikepdf.Stream(pdf, globals_n), page_n,
               Decode=pikepdf.Array([1, 0]))
    # The same image as a stencil mask painted black.
    jbig2_page(pdf, second, pikepdf.Stream(pdf, globals_2), page_2, ImageMask=True)
    path = save(pdf, tmp_path / "jbig2.pdf")
    started = time.process_time()
    items = list(read_pages(path))
    cpu = time.process_time() - started
    assert all(isinstance(i, Page) for i in items), items
    for got, want, number in zip(items, (first, second, second), (1, 2, 3), strict=True):
        assert (got.mime, got.rendered, got.dpi) == ("image/tiff", "", 100), number
        assert got.converted.startswith("ảnh JBIG2 giải mã đúng từng điểm"), number
        stored = Image.open(io.BytesIO(got.data))
        # Lossless: the scanned pixels exactly, as one CCITT G4 strip the archival PDF carries
        # as it is.
        assert stored.mode == "1" and _g4_strip(stored, got.data) is not None, number
        assert np.array_equal(np.asarray(stored), np.asarray(want)), number
        # and what poppler (another JBIG2 decoder) shows for the page
        shown = subprocess.run(["pdftoppm", "-r", "100", "-gray", "-f", str(number), "-l",
                                str(number), str(path)], capture_output=True, check=True).stdout
        viewer = np.asarray(Image.open(io.BytesIO(shown))) >= 128
        assert np.array_equal(viewer, np.asarray(want)), number
    assert cpu < 2.0  # decoded, not rendered: a fraction of a second a page


def test_a_jbig2_page_larger_than_its_image_is_refused_before_decoding(tmp_path: Path) -> None:
    bits = bilevel(3)
    shared, data = jbig2_symbols(bits)
    # The page information segment (right after its 11-byte header) claims 60000 × 60000
    # pixels: 450 MB for jbig2dec (or poppler) to allocate from a few kilobytes.
    big_page = data[:11] + struct.pack(">II", 60000, 60000) + data[19:]
    # The dictionary (after its header and 2 flag bytes) declares 2³¹ symbols: jbig2dec took
    # 18 GB for its tables in ten minutes before this was checked.
    many = shared[:13] + struct.pack(">II", 1 << 31, 1 << 31) + shared[21:]
    # A halftone region of the page's size whose grid of pattern numbers is 2²⁰ × 2²⁰.
    body = struct.pack(">IIIIB", bits.width, bits.height, 0, 0, 0) + bytes([0]) + struct.pack(
        ">IIIIHH", 1 << 20, 1 << 20, 0, 0, 256, 0)
    grid = data[:-11] + struct.pack(">IBBBI", 4, 22, 0, 1, len(body)) + body + data[-11:]
    # Checked first on their own, so that a missing check fails here instead of decoding.
    with pytest.raises(Jbig2TooLarge):
        check_segments(grid, bits.width, bits.height)
    for page, dictionary in ((big_page, shared), (data, many)):
        with pytest.raises(Jbig2TooLarge):
            check_segments(dictionary, bits.width, bits.height)
            check_segments(page, bits.width, bits.height)
    pdf = pikepdf.new()
    jbig2_page(pdf, bits, pikepdf.Stream(pdf, shared), big_page)
    jbig2_page(pdf, bits, pikepdf.Stream(pdf, many), data)
    path = save(pdf, tmp_path / "hostile.pdf")
    items = list(read_pages(path))
    for number, item in enumerate(items, start=1):
        assert isinstance(item, Quarantined) and item.page_index == number - 1
        assert f"trang {number}" in item.reason
