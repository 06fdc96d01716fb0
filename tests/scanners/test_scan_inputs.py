"""Input readers: every page of PDF, TIFF, JPEG and PNG scans, and quarantine for bad input."""

from __future__ import annotations

import hashlib
import io
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image
from scan_fixtures import encode, image_pdf, jpeg_spec, png_bomb, text_page, text_pdf

from sohoa.errors import ConfigError
from sohoa.records import Page, Quarantined
from sohoa.scanners import InputLimits, expand_inputs, read_pages, reasons


def small_page(seed: int, mode: str = "L") -> Image.Image:
    """A 100 dpi page: enough pixels to be a real scan, few enough to keep the tests fast."""
    img = text_page(dpi=100, seed=seed, lines=8)
    return img.convert(mode) if mode != "L" else img


def pages_of(path: Path, limits: InputLimits = InputLimits()) -> list[Page | Quarantined]:  # noqa: B008
    return list(read_pages(path, limits))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.int16)


# --- good input ---------------------------------------------------------------------------


def test_pdf_of_jpegs_passes_the_jpeg_bytes_through(tmp_path: Path) -> None:
    specs = [jpeg_spec(small_page(i, "RGB" if i == 1 else "L")) for i in range(3)]
    pdf = tmp_path / "batch.pdf"
    image_pdf(pdf, specs, dpi=100)
    pages = pages_of(pdf)
    assert [type(p) for p in pages] == [Page] * 3
    for i, (page, spec) in enumerate(zip(pages, specs, strict=True)):
        assert isinstance(page, Page)
        assert page.data == spec["data"]  # not recompressed
        assert (page.index, page.mime, page.dpi) == (i, "image/jpeg", 100)
        assert (page.width, page.height) == (spec["width"], spec["height"])
        assert page.source == str(pdf) and page.source_sha256 == sha(pdf)
        assert page.sha256 == hashlib.sha256(page.data).hexdigest()


def test_pdf_dpi_is_measured_from_page_size_and_snapped(tmp_path: Path) -> None:
    img = small_page(0)
    pdf = tmp_path / "odd.pdf"
    # 827 px over a page declared at 301 dpi: a rounding artefact of the scanner's page size.
    image_pdf(pdf, [jpeg_spec(img)], dpi=301)
    (page,) = pages_of(pdf)
    assert isinstance(page, Page) and page.dpi == 300


def test_pdf_flate_and_ccitt_images_come_out_lossless(tmp_path: Path) -> None:
    grey = small_page(1)
    bits = grey.point(lambda v: 255 if v > 150 else 0).convert("1")
    g4 = io.BytesIO()
    bits.save(g4, format="TIFF", compression="group4", strip_size=10**9)
    tif = Image.open(g4)
    offset, count = tif.tag_v2[273][0], tif.tag_v2[279][0]
    ccitt = g4.getvalue()[offset:offset + count]
    pdf = tmp_path / "mixed.pdf"
    image_pdf(pdf, [
        {"data": zlib.compress(grey.tobytes()), "width": grey.width, "height": grey.height,
         "filter": "/FlateDecode"},
        {"data": ccitt, "width": bits.width, "height": bits.height, "bpc": 1,
         "filter": "/CCITTFaxDecode",
         "parms": {"/K": -1, "/Columns": bits.width, "/Rows": bits.height, "/BlackIs1": True}},
    ], dpi=100)
    flate, fax = pages_of(pdf)
    assert isinstance(flate, Page) and isinstance(fax, Page)
    assert flate.mime == "image/png"
    assert np.array_equal(pixels(flate.data), np.asarray(grey, dtype=np.int16))
    assert fax.mime == "image/tiff"
    assert np.array_equal(pixels(fax.data), np.asarray(bits.convert("L"), dtype=np.int16))


def test_pdf_vector_page_is_kept_as_its_producer_made_it(tmp_path: Path) -> None:
    pdf = tmp_path / "born-digital.pdf"
    text_pdf(pdf)
    (page,) = pages_of(pdf, InputLimits(pdf_render_dpi=100))
    assert isinstance(page, Page)
    # Born digital (issue 19): the page itself as a one-page PDF, not a picture of it; its
    # Helvetica is not embedded, so Ghostscript embedded a substitute for PDF/A.
    assert (page.mime, page.dpi, page.rendered) == ("application/pdf", 300, "")
    assert "Ghostscript" in page.born_digital and "Helvetica" in page.born_digital
    assert (page.width, page.height) == (2479, 3508)  # A4 in the 300 dpi grid of its words
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(page.data)
    text = subprocess.run(["pdftotext", str(kept), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert text.strip() == "Trang 2 - Giay tiep nhan"
    fonts = subprocess.run(["pdffonts", str(kept)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)


def test_a_born_digital_page_too_large_is_told_by_its_paper_size(tmp_path: Path) -> None:
    """tester12 F17: a page a program drew, over the pixel limit, is refused for its paper
    size, not called a decompression bomb nor a wrong scanner resolution."""
    pdf = tmp_path / "born-digital.pdf"
    text_pdf(pdf)
    (item,) = pages_of(pdf, InputLimits(max_pixels_per_page=1_000_000))
    assert isinstance(item, Quarantined)
    assert item.reason.startswith("trang 1 có khổ trang quá lớn (21 cm × 29,7 cm)"), item.reason
    assert "bom giải nén" not in item.reason and "dpi" not in item.reason


def test_pdf_vector_page_without_real_text_is_rendered(tmp_path: Path) -> None:
    # text whose font maps to no letters (a private font with no encoding): not born digital
    pdf = tmp_path / "junk.pdf"
    text_pdf(pdf, text="\\001\\002\\003\\004\\005\\006\\007\\010\\016\\017")
    (page,) = pages_of(pdf, InputLimits(pdf_render_dpi=100))
    assert isinstance(page, Page)
    # Drawn black on white with no image: stored bilevel (CCITT G4), as a page of type is.
    assert (page.mime, page.dpi) == ("image/tiff", 100)
    assert page.rendered.startswith("trang có chữ ngoài ảnh quét")
    assert (page.width, page.height) == (827, 1170)


def test_multipage_tiff_g4_keeps_every_page_bit_exact(tmp_path: Path) -> None:
    frames = [small_page(i).point(lambda v: 255 if v > 150 else 0).convert("1")
              for i in range(3)]
    tif = tmp_path / "batch.tif"
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="group4",
                   dpi=(300, 300))
    pages = pages_of(tif)
    assert [p.index for p in pages if isinstance(p, Page)] == [0, 1, 2]
    for page, frame in zip(pages, frames, strict=True):
        assert isinstance(page, Page)
        assert (page.mime, page.dpi) == ("image/tiff", 300)
        out = Image.open(io.BytesIO(page.data))
        assert out.info["compression"] == "group4"
        assert np.array_equal(np.asarray(out), np.asarray(frame))


def test_multipage_jpeg_tiff_keeps_the_compressed_strips(tmp_path: Path) -> None:
    frames = [small_page(i) for i in range(2)] + [small_page(2, "RGB")]
    tif = tmp_path / "batch.tiff"
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="jpeg",
                   dpi=(200, 200))
    pages = pages_of(tif)
    source = Image.open(tif)
    for i, page in enumerate(pages):
        assert isinstance(page, Page)
        assert (page.index, page.mime, page.dpi) == (i, "image/tiff", 200)
        source.seek(i)
        out = Image.open(io.BytesIO(page.data))
        assert out.info["compression"] == "jpeg"
        # Same decoded pixels as the original frame: the JPEG data was copied, not re-encoded.
        assert np.array_equal(np.asarray(out), np.asarray(source))


def test_jpeg_and_png_pass_through_with_their_dpi(tmp_path: Path) -> None:
    img = small_page(4)
    jpg, png, nodpi = tmp_path / "a.jpg", tmp_path / "b.png", tmp_path / "c.jpeg"
    jpg.write_bytes(encode(img, "JPEG", quality=85, dpi=(300, 300)))
    png.write_bytes(encode(img, "PNG", dpi=(299.9994, 299.9994)))
    nodpi.write_bytes(encode(img, "JPEG", quality=85))
    for path, mime, dpi in ((jpg, "image/jpeg", 300), (png, "image/png", 300),
                            (nodpi, "image/jpeg", 200)):
        (page,) = pages_of(path)
        assert isinstance(page, Page)
        assert page.data == path.read_bytes()
        assert (page.mime, page.dpi, page.width, page.height) == (mime, dpi, 827, 1169)


def test_expand_inputs_walks_folders_in_natural_order(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    (scans / "sub").mkdir(parents=True)
    (scans / ".hidden").mkdir()
    for name in ("page-10.jpg", "page-2.JPG", "page-1.png", "notes.txt", ".part.pdf",
                 "sub/a.tif", ".hidden/x.pdf"):
        (scans / name).write_bytes(b"x")
    single = tmp_path / "loose.dat"
    single.write_bytes(b"x")
    got = expand_inputs([single, scans, scans / "page-2.JPG"])
    assert [p.relative_to(tmp_path).as_posix() for p in got] == [
        "loose.dat", "scans/page-1.png", "scans/page-2.JPG", "scans/page-10.jpg",
        "scans/sub/a.tif",
    ]
    with pytest.raises(ConfigError, match="không tồn tại"):
        expand_inputs([tmp_path / "nope"])


def test_a_folder_batch_reads_every_file(tmp_path: Path) -> None:
    for i in (1, 2, 10):
        (tmp_path / f"scan{i}.jpg").write_bytes(encode(small_page(i), "JPEG"))
    got = [p for f in expand_inputs([tmp_path]) for p in read_pages(f)]
    assert [Path(p.source).name for p in got] == ["scan1.jpg", "scan2.jpg", "scan10.jpg"]
    assert all(isinstance(p, Page) for p in got)


# --- bad input: quarantine, and the rest still comes ----------------------------------------


def reading(paths: list[Path], limits: InputLimits = InputLimits()) -> list[Page | Quarantined]:  # noqa: B008
    return [item for path in paths for item in read_pages(path, limits)]


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.jpg"
    path.write_bytes(encode(small_page(9), "JPEG"))
    return path


def only_quarantine(items: list[Page | Quarantined], source: Path) -> Quarantined:
    mine = [i for i in items if i.source == str(source)]
    assert len(mine) == 1 and isinstance(mine[0], Quarantined), mine
    assert mine[0].page_index is None
    return mine[0]


def assert_good_still_read(items: list[Page | Quarantined], good: Path) -> None:
    assert [type(i) for i in items if i.source == str(good)] == [Page]


def test_encrypted_pdf(tmp_path: Path, good: Path) -> None:
    pdf = tmp_path / "locked.pdf"
    image_pdf(pdf, [jpeg_spec(small_page(0))])
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        doc.save(pdf, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    items = reading([pdf, good])
    q = only_quarantine(items, pdf)
    assert q.reason == reasons.ENCRYPTED and "mật khẩu" in q.reason
    assert q.sha256 == sha(pdf)
    assert_good_still_read(items, good)


def test_truncated_pdf_jpeg_and_tiff(tmp_path: Path, good: Path) -> None:
    pdf, jpg, tif = tmp_path / "cut.pdf", tmp_path / "cut.jpg", tmp_path / "cut.tif"
    image_pdf(pdf, [jpeg_spec(small_page(i)) for i in range(3)])
    pdf.write_bytes(pdf.read_bytes()[: pdf.stat().st_size * 2 // 3])
    jpg.write_bytes(encode(small_page(1), "JPEG")[:-3000])
    frames = [small_page(i) for i in range(3)]
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="jpeg")
    tif.write_bytes(tif.read_bytes()[: tif.stat().st_size - 5000])
    items = reading([pdf, jpg, tif, good])
    for path in (pdf, jpg, tif):
        assert only_quarantine(items, path).reason == reasons.TRUNCATED
    assert_good_still_read(items, good)


def test_not_an_image_and_empty_file(tmp_path: Path, good: Path) -> None:
    fake, empty = tmp_path / "minutes.pdf", tmp_path / "empty.jpg"
    fake.write_text("Biên bản họp, not a scan at all\n", encoding="utf-8")
    empty.write_bytes(b"")
    items = reading([fake, empty, good])
    assert only_quarantine(items, fake).reason == reasons.NOT_IMAGE
    assert only_quarantine(items, empty).reason == reasons.EMPTY
    assert_good_still_read(items, good)


def test_png_decompression_bomb(tmp_path: Path, good: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb(40000, 40000))
    items = reading([bomb, good])
    assert only_quarantine(items, bomb).reason == (
        "trang 1 có 40000×40000 điểm ảnh, vượt giới hạn 120 triệu điểm ảnh: tệp nén bất thường "
        "(bom giải nén) hoặc quét sai độ phân giải; hãy quét lại ở 200–300 dpi")
    assert_good_still_read(items, good)


def test_pdf_page_bomb_quarantines_that_page_only(tmp_path: Path) -> None:
    pdf = tmp_path / "bomb.pdf"
    ok = jpeg_spec(small_page(0))
    bomb = {"data": zlib.compress(b"\0" * 1000), "width": 40000, "height": 40000,
            "filter": "/FlateDecode"}
    image_pdf(pdf, [ok, bomb, ok])
    first, middle, last = pages_of(pdf)
    assert isinstance(first, Page) and isinstance(last, Page) and last.index == 2
    assert isinstance(middle, Quarantined) and middle.page_index == 1
    assert middle.reason == (
        "trang 2 có 40000×40000 điểm ảnh, vượt giới hạn 120 triệu điểm ảnh: tệp nén bất thường "
        "(bom giải nén) hoặc quét sai độ phân giải; hãy quét lại ở 200–300 dpi")


def test_damaged_pdf_page_quarantines_that_page_only(tmp_path: Path) -> None:
    pdf = tmp_path / "damaged.pdf"
    broken = jpeg_spec(small_page(1))
    broken["data"] = bytes(broken["data"])[:2000]  # type: ignore[arg-type]
    image_pdf(pdf, [jpeg_spec(small_page(0)), broken])
    first, second = pages_of(pdf)
    assert isinstance(first, Page)
    assert isinstance(second, Quarantined) and second.page_index == 1
    assert "trang 2" in second.reason and "quét lại" in second.reason


def test_size_and_page_count_limits(tmp_path: Path, good: Path) -> None:
    tif = tmp_path / "long.tif"
    frames = [small_page(i).point(lambda v: 255 if v > 150 else 0).convert("1")
              for i in range(3)]
    frames[0].save(tif, save_all=True, append_images=frames[1:], compression="group4")
    assert tif.stat().st_size < good.stat().st_size
    limits = InputLimits(max_file_bytes=good.stat().st_size, max_pages_per_file=2)
    big = tmp_path / "big.jpg"
    big.write_bytes(good.read_bytes() + b"\0" * 10)
    items = reading([big, tif, good], limits)
    assert "vượt giới hạn" in only_quarantine(items, big).reason
    assert only_quarantine(items, big).sha256 == ""  # refused before reading
    assert only_quarantine(items, tif).reason == (
        "tệp có 3 trang, vượt giới hạn 2 trang: hãy chia lô thành các tệp nhỏ hơn")
    assert_good_still_read(items, good)


def test_missing_file_is_quarantined_not_raised(tmp_path: Path) -> None:
    (q,) = pages_of(tmp_path / "gone.pdf")
    assert isinstance(q, Quarantined) and q.reason == reasons.MISSING


def test_pdf_image_that_does_not_fill_the_page_is_rendered(tmp_path: Path) -> None:
    # A photo pasted on an otherwise empty page is not a scan of that page: render the page.
    img = small_page(5)
    pdf = tmp_path / "photo.pdf"
    pdf_doc = pikepdf.new()
    stream = pikepdf.Stream(pdf_doc, encode(img, "JPEG"))
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height, stream.BitsPerComponent = img.width, img.height, 8
    stream.ColorSpace, stream.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.DCTDecode
    pdf_doc.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream)),
        Contents=pikepdf.Stream(pdf_doc, b"q 200 0 0 283 100 400 cm /Im0 Do Q"),
    )))
    pdf_doc.save(pdf)
    (page,) = pages_of(pdf, InputLimits(pdf_render_dpi=72))
    assert isinstance(page, Page)
    assert (page.mime, page.dpi, page.width, page.height) == ("image/jpeg", 72, 595, 842)
    assert page.rendered.startswith("ảnh không phủ kín trang")


def test_pil_written_pdf_passes_its_jpeg_through(tmp_path: Path) -> None:
    pdf = tmp_path / "pil.pdf"
    small_page(6, "RGB").save(pdf, resolution=100)
    (page,) = pages_of(pdf)
    assert isinstance(page, Page)
    assert (page.mime, page.dpi, page.width) == ("image/jpeg", 100, 827)
