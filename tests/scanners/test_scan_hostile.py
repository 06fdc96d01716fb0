"""Hostile and odd inputs, one behaviour each, without OCR (issue 19, item 5). The whole
corpus in one real ingest is tests/pipeline/test_pipeline_hostile.py."""

from __future__ import annotations

import io
import os
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scan_fixtures import text_page

from sohoa.ocr import open_image
from sohoa.pipeline.analysis import PageAnalysis
from sohoa.pipeline.assemble import PageItem
from sohoa.pipeline.stages import PageScreen, screen_pages
from sohoa.records import OcrPage, Page, Quarantined
from sohoa.scanners import InputLimits, expand_inputs, is_blank, read_pages, reasons
from sohoa.scanners.blank import unusable
from sohoa.synth.hostile import (
    HTML_WITH_PDF,
    blank_pages_pdf,
    cyclic_pdf,
    sixteen_bit_png,
    tiny_tiff,
)


def _pages(path: Path, folder: Path | None = None,
           limits: InputLimits = InputLimits()) -> list[Page | Quarantined]:  # noqa: B008
    return list(read_pages(path, limits, folder=folder))


def test_a_16_bit_png_of_text_is_read_as_text_not_as_a_blank_back(tmp_path: Path) -> None:
    page = text_page(200, seed=3, lines=12)
    path = tmp_path / "trang.png"
    path.write_bytes(sixteen_bit_png(page, 200))
    assert Image.open(path).mode.startswith("I")  # really 16-bit
    [item] = _pages(path)
    assert isinstance(item, Page)
    image = open_image(item.data)
    assert image.mode == "L"
    # scaled, not clipped: the ink is still dark (PIL's convert("L") made it all 255)
    grey = np.asarray(image)
    expected = np.asarray(page.convert("L"))
    assert np.abs(grey.astype(int) - expected.astype(int)).max() <= 1
    assert not is_blank(image, item.dpi)
    # and the blank test copes with a 16-bit image handed to it directly
    assert not is_blank(Image.open(io.BytesIO(sixteen_bit_png(page, 200))), 200)


def test_an_all_black_or_flat_dark_page_is_refused_a_white_one_is_blank() -> None:
    black = Image.new("L", (1654, 2339), 0)
    noisy_black = Image.fromarray(np.random.default_rng(1).integers(0, 40, (2339, 1654),
                                                                     dtype=np.uint8))
    grey = Image.new("RGB", (1654, 2339), (90, 90, 90))
    white = Image.new("L", (1654, 2339), 250)
    assert unusable(black, 200) == reasons.all_dark()
    assert unusable(noisy_black, 200) == reasons.all_dark()
    assert unusable(grey, 200) == reasons.uniform()
    assert unusable(white, 200) is None and is_blank(white, 200)
    assert unusable(text_page(200, seed=1), 200) is None


def test_tiny_pages_are_refused_by_their_size(tmp_path: Path) -> None:
    one = tmp_path / "one.png"
    Image.new("L", (1, 1), 0).save(one)
    tiff = tmp_path / "tiny.tif"
    tiff.write_bytes(tiny_tiff())
    items = _pages(one) + _pages(tiff)
    assert all(isinstance(i, Quarantined) for i in items), items
    assert [i.page_index for i in items] == [0, 0, 1]
    assert "1×1 điểm ảnh" in items[0].reason and "16×16 điểm ảnh" in items[1].reason


def test_odd_entries_in_a_folder_are_refused_unopened(tmp_path: Path) -> None:
    folder, elsewhere = tmp_path / "in", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    Image.new("L", (800, 1000), 255).save(folder / "real.png")
    (elsewhere / "secret.png").write_bytes((folder / "real.png").read_bytes())
    os.mkfifo(folder / "pipe.pdf")
    os.symlink("b.pdf", folder / "a.pdf")
    os.symlink("a.pdf", folder / "b.pdf")
    os.symlink(elsewhere / "secret.png", folder / "out.png")
    os.symlink("real.png", folder / "inside.png")
    os.symlink("nowhere.pdf", folder / "gone.pdf")
    os.symlink(".", folder / "sub")  # a folder link that loops: not walked
    started = time.monotonic()
    # listing the folder does not raise on the loop (it used to: RuntimeError: Symlink loop)
    files = expand_inputs([folder])
    names = sorted(p.name for p in files)
    # the link inside the folder is the same file as real.png: listed once (the first name)
    assert names == ["a.pdf", "b.pdf", "gone.pdf", "inside.png", "out.png", "pipe.pdf"], names
    results = {p.name: _pages(p, folder) for p in files}
    assert time.monotonic() - started < 5  # the FIFO was never opened for reading
    assert results["pipe.pdf"] == [Quarantined(str(folder / "pipe.pdf"),
                                               reasons.not_regular("một đường ống FIFO"))]
    assert results["a.pdf"][0].reason == reasons.SYMLINK_LOOP
    assert results["gone.pdf"][0].reason == reasons.dangling("nowhere.pdf")
    [out] = results["out.png"]
    assert isinstance(out, Quarantined) and "ngoài thư mục" in out.reason
    assert out.sha256 == ""  # never read, not even hashed
    assert isinstance(results["inside.png"][0], Page)
    # a link inside the folder is read; a file the clerk names is read wherever it leads
    assert isinstance(_pages(folder / "inside.png", folder)[0], Page)
    assert isinstance(_pages(folder / "out.png", None)[0], Page)


def test_html_zip_and_a_looping_page_tree_say_what_they_are(tmp_path: Path) -> None:
    html = tmp_path / "ho-so.pdf"
    html.write_bytes(HTML_WITH_PDF)
    zipped = tmp_path / "scans.pdf"
    zipped.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    cycle = tmp_path / "cycle.pdf"
    cycle.write_bytes(cyclic_pdf())
    assert _pages(html)[0].reason == reasons.HTML
    assert _pages(zipped)[0].reason == reasons.ZIP
    [item] = _pages(cycle)
    assert isinstance(item, Quarantined) and "Traceback" not in item.reason


def test_empty_pdf_pages_cost_nothing_whatever_their_size(tmp_path: Path) -> None:
    many = tmp_path / "300.pdf"
    many.write_bytes(blank_pages_pdf(300))
    huge = tmp_path / "huge.pdf"
    huge.write_bytes(blank_pages_pdf(3, 36 * 72, 36 * 72))
    assert many.stat().st_size < 4000 and huge.stat().st_size < 1000
    started = time.monotonic()
    items = _pages(many) + _pages(huge)
    assert time.monotonic() - started < 10  # 223 s and 33 s rendered at 300 dpi
    assert len(items) == 303 and all(isinstance(i, Page) for i in items)
    assert max(i.width * i.height for i in items) < 4_000_000  # not 117 Mpx a page
    assert all(is_blank(open_image(i.data), i.dpi) for i in items[:3] + items[-3:])


def _drawing(tmp_path: Path) -> Path:
    """A 36-inch square page with one drawn line: a vector page far over A4."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 36 * 72, 36 * 72],
        Contents=pikepdf.Stream(pdf, b"10 w 100 100 m 2000 2000 l S"))))
    path = tmp_path / "drawing.pdf"
    pdf.save(path)
    return path


def test_a_huge_vector_page_is_rendered_at_a_capped_dpi(tmp_path: Path) -> None:
    path = _drawing(tmp_path)
    limits = InputLimits(max_render_pixels=4_000_000)
    [item] = _pages(path, limits=limits)
    assert isinstance(item, Page), item
    assert item.width * item.height <= 4_000_000 and item.dpi == limits.render_dpi(2592, 2592)
    assert InputLimits().render_dpi(595, 842) == 300  # A4 as before


def test_a_drawing_too_large_to_draw_is_told_by_its_paper_size(tmp_path: Path) -> None:
    """tester12 F17: a drawn page over the pixel limit even at the lowered dpi is too large a
    sheet (its size in metres/centimetres), not a decompression bomb: nothing is drawn."""
    path = _drawing(tmp_path)
    [item] = _pages(path, limits=InputLimits(max_pixels_per_page=1_000_000))
    assert isinstance(item, Quarantined), item
    assert item.reason.startswith("trang 1 có khổ trang quá lớn (91,4 cm × 91,4 cm)"), item.reason
    assert "bom giải nén" not in item.reason


def test_reading_a_file_past_its_time_is_refused_as_a_whole(tmp_path: Path) -> None:
    path = tmp_path / "300.pdf"
    path.write_bytes(blank_pages_pdf(300))
    items = _pages(path, limits=InputLimits(file_seconds=0.0))
    assert isinstance(items[-1], Quarantined) and items[-1].page_index is None
    assert "quá giới hạn cho một tệp" in items[-1].reason


def test_the_time_the_caller_takes_between_pages_is_not_reading_time(tmp_path: Path) -> None:
    # The pipeline recognizes each page before it asks for the next: a long file recognized
    # page by page is not a file slow to read.
    path = tmp_path / "3.pdf"
    path.write_bytes(blank_pages_pdf(3))
    got = []
    for item in read_pages(path, limits=InputLimits(file_seconds=0.3)):
        got.append(item)
        time.sleep(0.25)
    assert [type(i) for i in got] == [Page, Page, Page], got


def _item(source: str, index: int, *, blank: bool = False,
          refused: str | None = None) -> PageItem:
    sha = f"{source}:{index}"
    page = Page(source, index, "f" * 64, b"", "image/png", 1000, 1400, 200, sha256=sha)
    ocr = OcrPage(page_sha256=sha, rotation=0, skew=0.0, width=1000, height=1400, dpi=200,
                  words=(), text="" if blank else "CỘNG HÒA", confidence=0.0, blank=blank)
    return PageItem(page, PageAnalysis(sha, blank, None, ocr, refused=refused))


def test_the_screen_takes_out_refused_pages_and_files_of_blank_pages() -> None:
    items = [_item("a.pdf", 0), _item("a.pdf", 1, blank=True),
             *[_item("blank.pdf", i, blank=True) for i in range(3)],
             _item("back.jpg", 0, blank=True),  # a duplex back of its own: passes
             _item("b.pdf", 0, blank=True), _item("b.pdf", 1, refused=reasons.all_dark()),
             _item("b.pdf", 2)]
    out = screen_pages(items)
    kept = [(o.page.source, o.page.index) for o in out if isinstance(o, PageItem)]
    refused = [(o.source, o.page_index, o.reason) for o in out if isinstance(o, Quarantined)]
    assert kept == [("a.pdf", 0), ("a.pdf", 1), ("back.jpg", 0)]
    # a refused page takes its whole file: never a document stored without that page
    why = (f"tệp có 1/3 trang không dùng được (trang 2: {reasons.all_dark()}); "
           "hãy quét lại cả tệp, không riêng trang đó")
    assert refused == [("blank.pdf", None, reasons.ONLY_BLANK),
                       ("b.pdf", 0, why), ("b.pdf", 1, why), ("b.pdf", 2, why)]


def test_a_lone_blank_page_with_nothing_before_it_is_set_aside() -> None:
    """tester12 F16: a white JPEG ingested alone was said as "1 trang trắng … 0 đã lưu", exit
    0, nothing in quarantine, and remembered as read: gone. Only after a page with content is
    a blank single-page file that paper's back."""
    for batch in (False, True):
        out = screen_pages([_item("white.jpg", 0, blank=True)], batch)
        assert [(o.source, o.reason) for o in out if isinstance(o, Quarantined)] == [
            ("white.jpg", reasons.ONLY_BLANK)], batch
    out = screen_pages([_item("white.jpg", 0, blank=True), _item("a.jpg", 0),
                        _item("back.jpg", 0, blank=True)])
    assert [(o.page.source if isinstance(o, PageItem) else ("q", o.source)) for o in out] == [
        ("q", "white.jpg"), "a.jpg", "back.jpg"]


def test_a_lone_blank_file_after_the_file_before_of_its_scan_session_is_its_back() -> None:
    """review12 S3: the hot folder runs each file as its own job, so the blank back a
    page-per-file scanner writes after its front was set aside and the file counted failed.
    Given the previous file's last page with content (``after``), a blank page of the same scan
    session passes as its back; one of another session is still set aside."""
    front = _item("scan_0001.png", 0).page
    back = [_item("scan_0002.png", 0, blank=True)]
    passed = screen_pages(back, after=front)
    assert [o.page.source for o in passed if isinstance(o, PageItem)] == ["scan_0002.png"]
    for other in (replace(front, dpi=300), replace(front, mime="image/jpeg",
                                                   source="photo.jpg")):
        [out] = screen_pages(back, after=other)
        assert isinstance(out, Quarantined) and out.reason == reasons.ONLY_BLANK, other
    # two blank pages in one file stay a stack fed wrongly, whatever came before
    two = [_item("scan_0002.png", 0, blank=True), _item("scan_0002.png", 1, blank=True)]
    assert all(isinstance(o, Quarantined) for o in screen_pages(two, after=front))
    # the job's own last page with content is handed on, without its image
    screen = PageScreen(after=front)
    for item in [_item("scan_0003.png", 0), *back]:
        screen.add(item)
    screen.close()
    assert screen.last_content is not None and screen.last_content.source == "scan_0003.png"


@pytest.mark.parametrize("name", ["hồ sơ.pdf", "ho\u0302\u0300 so\u031b.pdf"])
def test_names_are_kept_as_the_file_system_gives_them(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    Image.new("L", (800, 1000), 255).save(path, "PNG")
    [found] = expand_inputs([tmp_path])
    assert found.name == name and os.path.exists(found)
    [item] = _pages(found)
    assert item.source == str(tmp_path / name)


def test_a_page_over_the_analysis_ceiling_is_looked_at_reduced() -> None:
    from sohoa.pipeline.stages import enlarged
    from sohoa.records import Word
    from sohoa.scanners.pilsafe import reduced

    big = Image.new("L", (9000, 7000), 255)  # 63 Mpx
    small, factor = reduced(big, 20_000_000)
    assert factor == 2 and small.size == (4500, 3500)
    assert reduced(small, 20_000_000) == (small, 1)
    read = OcrPage(page_sha256="x", rotation=90, skew=0.0, width=3500, height=4500, dpi=150,
                   words=(Word("Hà", 10, 20, 30, 40, 90.0),), text="Hà", confidence=0.9)
    full = enlarged(read, factor, big.size, 300)
    assert (full.width, full.height, full.dpi) == (7000, 9000, 300)  # upright: turned 90°
    assert (full.words[0].left, full.words[0].top, full.words[0].width,
            full.words[0].height) == (20, 40, 60, 80)
