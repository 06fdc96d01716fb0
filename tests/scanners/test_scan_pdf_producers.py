"""The scan is found wherever the producer put it, kept as the producer wrote it when it can
be, and a page that must be rendered is rendered at its own resolution, stored as it deserves,
with the reason in the page's record.

Every expected image is checked against the source pixels, and wherever the page is not kept
byte for byte, against what poppler itself shows for the page (the viewer's truth)."""

from __future__ import annotations

import io
import subprocess
import time
import zlib
from pathlib import Path

import numpy as np
import pikepdf
from pdf_producers import (
    add_page,
    ccitt_image,
    form,
    form_wrapped_jpeg_page,
    g3_image,
    image_stream,
    inline_image_page,
    jbig2_mmr,
    jpeg_bytes,
    jpeg_image,
    nested_forms_page,
    page_size,
    save,
    single_image_page,
    strips_page,
)
from PIL import Image
from scan_fixtures import text_page

from sohoa.records import Page, Quarantined
from sohoa.scanners import InputLimits, read_pages


def page(seed: int, mode: str = "L", dpi: int = 100) -> Image.Image:
    img = text_page(dpi=dpi, seed=seed, lines=8)
    return img.convert(mode) if mode != "L" else img


def bilevel(seed: int) -> Image.Image:
    return page(seed).point(lambda v: 255 if v > 150 else 0).convert("1")


def read(path: Path, limits: InputLimits = InputLimits()) -> list[Page]:  # noqa: B008
    items = list(read_pages(path, limits))
    assert all(isinstance(i, Page) for i in items), items
    return items  # type: ignore[return-value]


def pixels(data: bytes, mode: str = "L") -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert(mode), dtype=np.int16)


def poppler(path: Path, number: int, dpi: int, mode: str = "L") -> np.ndarray:
    args = ["pdftoppm", "-r", str(dpi), "-f", str(number), "-l", str(number)]
    if mode == "L":
        args.append("-gray")
    out = subprocess.run([*args, str(path)], capture_output=True, check=True).stdout
    return np.asarray(Image.open(io.BytesIO(out)).convert(mode), dtype=np.int16)


def test_form_wrapped_and_nested_jpeg_pages_keep_the_producers_bytes(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    rgb, grey = page(1, "RGB"), page(2)
    wrapped = form_wrapped_jpeg_page(pdf, rgb, 100)
    nested = nested_forms_page(pdf, grey, 100)
    # An OCR'd PDF: the scan plus an invisible text layer (render mode 3) still is the scan.
    ocred = jpeg_bytes(grey, dpi=100)
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica)
    single_image_page(pdf, jpeg_image(pdf, grey, ocred), page_size(grey, 100),
                      after=b" BT 3 Tr /F1 12 Tf 72 700 Td (Giay khai sinh) Tj ET",
                      Font=pikepdf.Dictionary(F1=font))
    path = save(pdf, tmp_path / "reportlab.pdf")
    started = time.process_time()
    pages = read(path)
    cpu = time.process_time() - started
    for got, data in zip(pages, (wrapped, nested, ocred), strict=True):
        assert got.data == data  # the producer's JPEG, byte for byte
        assert (got.mime, got.dpi, got.rendered, got.converted) == ("image/jpeg", 100, "", "")
    # Three pages taken out, none rendered or decoded in full: a fraction of a second.
    assert cpu < 1.0


def test_bilevel_pages_ccitt_decode_inverted_stencil_and_jbig2(tmp_path: Path) -> None:
    bits = bilevel(3)
    want = np.asarray(bits.convert("L"), dtype=np.int16)
    size = page_size(bits, 100)
    pdf = pikepdf.new()
    # G4 in a form, G4 whose data is the negative and /Decode [1 0] turns it back, a stencil
    # mask painted black (0 paints), JBIG2 (MMR-coded generic region) and G3 (1-D).
    g4 = ccitt_image(pdf, bits)
    w, h = size
    add_page(pdf, size, b"/Fm Do", {"Fm": form(
        pdf, f"q {w:.4f} 0 0 {h:.4f} 0 0 cm /Im Do Q".encode(), {"Im": g4}, [0, 0, w, h])})
    single_image_page(pdf, ccitt_image(pdf, bits, invert=True), size)
    stencil = image_stream(pdf, zlib.compress(bits.tobytes()), bits.width, bits.height,
                           space=None, bpc=1, filter="/FlateDecode", ImageMask=True)
    single_image_page(pdf, stencil, size, before=b"0 g ")
    jbig2 = image_stream(pdf, jbig2_mmr(bits), bits.width, bits.height, bpc=1,
                         filter="/JBIG2Decode")
    single_image_page(pdf, jbig2, size)
    single_image_page(pdf, g3_image(pdf, bits), size)
    path = save(pdf, tmp_path / "bilevel.pdf")
    fax, negative, mask, jb, g3 = read(path)
    for got in (fax, negative, g3):
        assert (got.mime, got.rendered) == ("image/tiff", "")
        assert np.array_equal(pixels(got.data), want)
    assert fax.data.endswith(g4.read_raw_bytes())  # the fax bytes themselves, in a TIFF
    assert mask.mime == "image/tiff" and mask.converted.startswith("mặt nạ 1 bit")
    assert np.array_equal(pixels(mask.data), want)
    # JBIG2 is decoded exactly (jbig2dec), not rendered, and stored as G4 (test_scan_pdf_jbig2).
    assert (jb.mime, jb.dpi, jb.width, jb.height) == ("image/tiff", 100, bits.width, bits.height)
    assert jb.rendered == "" and jb.converted.startswith("ảnh JBIG2 giải mã")
    assert Image.open(io.BytesIO(jb.data)).mode == "1"
    assert np.array_equal(pixels(jb.data), want)


def test_colour_spaces_depths_and_decode_arrays(tmp_path: Path) -> None:
    grey = page(4)
    size = page_size(grey, 100)
    pdf = pikepdf.new()
    # CMYK JPEG in a form: PIL writes Adobe's inverted CMYK, and the PDF says so with
    # /Decode [1 0 1 0 1 0 1 0] as Acrobat and Ghostscript write it.
    cmyk = page(5, "RGB").convert("CMYK")
    w, h = size
    add_page(pdf, size, b"/Fm Do", {"Fm": form(
        pdf, f"q {w:.4f} 0 0 {h:.4f} 0 0 cm /Im Do Q".encode(),
        {"Im": jpeg_image(pdf, cmyk, jpeg_bytes(cmyk, quality=90),
                          Decode=pikepdf.Array([1, 0] * 4))}, [0, 0, w, h])})
    # 16-bit grey Flate (big-endian samples, as PDF stores them).
    deep = (np.asarray(grey, dtype=np.uint16) * 257).astype(">u2")
    single_image_page(pdf, image_stream(pdf, zlib.compress(deep.tobytes()), grey.width,
                                        grey.height, bpc=16, filter="/FlateDecode"), size)
    # Flate grey whose /Decode [1 0] inverts it.
    negative = Image.eval(grey, lambda v: 255 - v)
    single_image_page(pdf, image_stream(pdf, zlib.compress(negative.tobytes()), grey.width,
                                        grey.height, filter="/FlateDecode",
                                        Decode=pikepdf.Array([1, 0])), size)
    # Indexed: a 4-colour palette.
    quant = grey.quantize(4)
    palette = bytes(quant.getpalette()[:12])  # type: ignore[index]
    indexed = pikepdf.Array([pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, 3, palette])
    single_image_page(pdf, image_stream(pdf, zlib.compress(quant.tobytes()), grey.width,
                                        grey.height, space=indexed, filter="/FlateDecode"),
                      size)
    # ICC-based grey (a one-component profile stream) with an opaque soft mask.
    icc = pikepdf.Stream(pdf, _grey_icc())
    icc.N = 1
    opaque = image_stream(pdf, zlib.compress(b"\xff" * grey.width * grey.height), grey.width,
                          grey.height, filter="/FlateDecode")
    single_image_page(pdf, image_stream(pdf, zlib.compress(grey.tobytes()), grey.width,
                                        grey.height, space=pikepdf.Array(
                                            [pikepdf.Name.ICCBased, icc]),
                                        filter="/FlateDecode", SMask=opaque), size)
    # A grey JPEG with /Decode [1 0]: viewers invert it, so must we.
    single_image_page(pdf, jpeg_image(pdf, negative, Decode=pikepdf.Array([1, 0])), size)
    path = save(pdf, tmp_path / "colours.pdf")
    got_cmyk, got16, got_dec, got_idx, got_icc, got_jdec = read(path)
    want = np.asarray(grey, dtype=np.int16)

    assert got_cmyk.mime == "image/jpeg"
    assert got_cmyk.converted.startswith("ảnh CMYK chuyển sang sRGB")  # test_scan_pdf_colour
    assert Image.open(io.BytesIO(got_cmyk.data)).mode == "RGB"
    shown = poppler(path, 1, 100, "RGB")
    # as a viewer shows it (through the default CMYK profile: 3 levels from poppler's drawing)
    assert np.abs(pixels(got_cmyk.data, "RGB") - shown).mean() < 5
    # and near the page as scanned (PIL made its inks with the naive formula, which a printer's
    # profile does not undo exactly)
    scanned = np.asarray(page(5), dtype=np.int16)
    assert np.abs(pixels(got_cmyk.data) - scanned).mean() < 8
    assert got16.mime == "image/png" and got16.converted == "ảnh xám 16 bit chuyển sang 8 bit"
    assert Image.open(io.BytesIO(got16.data)).mode == "L"  # scaled, not clipped to white
    assert np.array_equal(pixels(got16.data), want)
    assert got_dec.mime == "image/png" and np.array_equal(pixels(got_dec.data), want)
    assert got_idx.mime == "image/png"
    assert np.array_equal(pixels(got_idx.data, "RGB"), np.asarray(quant.convert("RGB")))
    assert np.abs(pixels(got_idx.data, "RGB") - poppler(path, 4, 100, "RGB")).mean() < 3
    assert got_icc.mime == "image/png" and got_icc.rendered == ""
    assert np.array_equal(pixels(got_icc.data), want)
    assert got_jdec.mime == "image/jpeg" and got_jdec.rendered == ""
    assert np.abs(pixels(got_jdec.data) - want).mean() < 3


def _grey_icc() -> bytes:
    from PIL import ImageCms

    profile = ImageCms.createProfile("LAB")  # stands in: only its bytes travel, N says grey
    return ImageCms.ImageCmsProfile(profile).tobytes()


def test_strips_that_abut_are_stitched_others_rendered(tmp_path: Path) -> None:
    img = page(6, "RGB")
    pdf = pikepdf.new()
    strips_page(pdf, img, 100, 4)
    strips_page(pdf, img, 100, 3, gap_px=3)
    inline_image_page(pdf, page(7), 100)
    path = save(pdf, tmp_path / "strips.pdf")
    stitched, gapped, inline = read(path)
    assert (stitched.width, stitched.height, stitched.dpi) == (img.width, img.height, 100)
    assert stitched.rendered == "" and stitched.converted == "ghép 4 dải ảnh thành một trang"
    assert stitched.mime == "image/jpeg"  # JPEG strips stay JPEG: no lossless blow-up
    assert np.abs(pixels(stitched.data, "RGB") - np.asarray(img, dtype=np.int16)).mean() < 3
    assert gapped.rendered.startswith("trang ghép từ 3 ảnh")
    assert inline.rendered == "" and inline.mime == "image/png"
    assert np.array_equal(pixels(inline.data), np.asarray(page(7), dtype=np.int16))


def test_rendered_pages_say_why_at_the_images_resolution_as_jpeg(tmp_path: Path) -> None:
    img = page(8, "RGB", dpi=150)
    size = page_size(img, 150)
    pdf = pikepdf.new()
    # A stamp drawn over the scan: the page is more than the scan.
    single_image_page(pdf, jpeg_image(pdf, img), size,
                      after=b" 1 0 0 rg 100 100 50 50 re f")
    # A soft mask of another size than its image (viewers resample it).
    alpha = np.full((img.height // 2, img.width // 2), 255, np.uint8)
    alpha[:100] = 0
    single_image_page(pdf, jpeg_image(pdf, img, SMask=image_stream(
        pdf, zlib.compress(alpha.tobytes()), img.width // 2, img.height // 2,
        filter="/FlateDecode")), size)
    # A scan drawn slanted.
    w, h = size
    add_page(pdf, size, f"q {w * 0.98:.3f} {h * 0.05:.3f} {-w * 0.05:.3f} {h * 0.98:.3f} 20 0 "
             f"cm /Im0 Do Q".encode(), {"Im0": jpeg_image(pdf, img)})
    path = save(pdf, tmp_path / "render.pdf")
    stamped, masked, slanted = read(path)
    assert stamped.rendered.startswith("trang có nét vẽ ngoài ảnh quét")
    assert masked.rendered.startswith("ảnh có vùng trong suốt (SMask) không ghép được")
    assert slanted.rendered.startswith("ảnh quét được đặt nghiêng")
    for got, number in ((stamped, 1), (masked, 2), (slanted, 3)):
        # At the image's own 150 dpi (not 300), as a colour JPEG, what poppler shows.
        assert (got.dpi, got.mime, got.width, got.height) == (150, "image/jpeg", img.width,
                                                              img.height)
        assert got.rendered.endswith("(150 dpi)")
        assert np.abs(pixels(got.data, "RGB") - poppler(path, number, 150, "RGB")).mean() < 3
    # Visible text over a scan is drawn at the cap (vector text has no resolution of its own).
    texted = tmp_path / "texted.pdf"
    pdf = pikepdf.new()
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica)
    single_image_page(pdf, jpeg_image(pdf, img), size,
                      after=b" BT /F1 12 Tf 72 72 Td (BAN SAO) Tj ET",
                      Font=pikepdf.Dictionary(F1=font))
    save(pdf, texted)
    (lettered,) = read(texted, InputLimits(pdf_render_dpi=200))
    assert lettered.dpi == 200 and lettered.rendered.startswith("trang có chữ")
    # The render is capped: a 600 dpi image is rendered at the limit.
    big = tmp_path / "cap.pdf"
    pdf = pikepdf.new()
    single_image_page(pdf, jpeg_image(pdf, img), page_size(img, 600), after=b" 0 g 0 0 5 5 re f")
    save(pdf, big)
    (capped,) = read(big, InputLimits(pdf_render_dpi=300))
    assert capped.dpi == 300 and capped.width == round(img.width / 2)


def test_jpeg2000_becomes_a_jpeg_of_the_same_pixels(tmp_path: Path) -> None:
    img = page(9, "RGB")
    buf = io.BytesIO()
    img.save(buf, format="JPEG2000", quality_mode="rates", quality_layers=[8])
    pdf = pikepdf.new()
    single_image_page(pdf, image_stream(pdf, buf.getvalue(), img.width, img.height,
                                        space="/DeviceRGB", filter="/JPXDecode"),
                      page_size(img, 100))
    path = save(pdf, tmp_path / "jpx.pdf")
    (got,) = read(path)
    assert (got.mime, got.rendered, got.converted) == ("image/jpeg", "",
                                                       "ảnh JPEG 2000 chuyển sang JPEG")
    assert np.abs(pixels(got.data, "RGB") - np.asarray(img, dtype=np.int16)).mean() < 4
    assert len(got.data) < 4 * len(buf.getvalue()) + 200_000  # not a lossless blow-up


def test_a_bomb_inside_a_form_is_refused_before_decoding(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    bomb = image_stream(pdf, zlib.compress(b"\0" * 1000), 40000, 40000, filter="/FlateDecode")
    add_page(pdf, (595, 842), b"/Fm Do", {"Fm": form(
        pdf, b"q 595 0 0 842 0 0 cm /Im Do Q", {"Im": bomb}, [0, 0, 595, 842])})
    # and a soft mask that declares a bomb behind a small image
    small = page(10)
    mask = image_stream(pdf, zlib.compress(b"\0" * 1000), 30000, 30000, filter="/FlateDecode")
    single_image_page(pdf, jpeg_image(pdf, small, SMask=mask), page_size(small, 100))
    path = save(pdf, tmp_path / "bomb.pdf")
    first, second = list(read_pages(path))
    assert isinstance(first, Quarantined) and "40000×40000" in first.reason
    assert isinstance(second, Quarantined) and "30000×30000" in second.reason


def test_a_form_that_draws_itself_does_not_hang(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    loop = form(pdf, b"/Self Do", {}, [0, 0, 100, 100])
    loop.Resources.XObject.Self = loop
    add_page(pdf, (100, 100), b"/Fm Do", {"Fm": loop})
    path = save(pdf, tmp_path / "loop.pdf")
    items = list(read_pages(path, InputLimits(pdf_render_dpi=100)))
    assert len(items) == 1  # rendered (poppler stops the loop) or quarantined, never a hang
    if isinstance(items[0], Page):
        assert "lồng vòng" in items[0].rendered


def test_every_kind_of_page_goes_into_the_archival_pdf(tmp_path: Path) -> None:
    """What the reader hands out, the PDF/A builder takes: JPEGs with the same coefficients
    (losslessly re-coded when smaller), the rest with the same pixels (G3 is re-coded as G4,
    Indexed and 16-bit as Flate)."""
    from sohoa.ocr import PdfPage, build_pdf
    from sohoa.ocr.jpegrecode import same_pixels
    from sohoa.records import OcrPage

    bits, grey = bilevel(11), page(11)
    size = page_size(grey, 100)
    pdf = pikepdf.new()
    jpeg = form_wrapped_jpeg_page(pdf, page(12, "RGB"), 100)
    single_image_page(pdf, g3_image(pdf, bits), size)
    quant = grey.quantize(4)
    indexed = pikepdf.Array([pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, 3,
                             bytes(quant.getpalette()[:12])])  # type: ignore[index]
    single_image_page(pdf, image_stream(pdf, zlib.compress(quant.tobytes()), grey.width,
                                        grey.height, space=indexed, filter="/FlateDecode"),
                      size)
    path = save(pdf, tmp_path / "mixed.pdf")
    pages = read(path)
    blank = [OcrPage(p.sha256, 0, 0.0, p.width, p.height, p.dpi, (), "", 0.0) for p in pages]
    out = build_pdf([PdfPage(p.data, p.mime, p.dpi, o) for p, o in zip(pages, blank,
                                                                        strict=True)],
                    title="t", author="a")
    archival = pikepdf.open(io.BytesIO(out))
    images = [next(v for v in pg.obj.Resources.XObject.values()
                   if v.get("/Subtype") == "/Image") for pg in archival.pages]
    carried = images[0].read_raw_bytes()
    assert images[0].Filter == "/DCTDecode" and len(carried) <= len(jpeg)
    assert same_pixels(carried, jpeg)
    for number, (image, got) in enumerate(zip(images, pages, strict=True), start=1):
        shown = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
        assert np.array_equal(np.asarray(shown, dtype=np.int16), pixels(got.data, "RGB")), number


def test_a_drawn_page_of_black_type_is_stored_bilevel_and_one_with_shading_keeps_its_greys(
        ) -> None:
    """A page drawn from vector text only (no image) that comes out black on white is stored as
    CCITT G4: its greys are the anti-aliased edges of its strokes. Shading or grey type away
    from any black stroke keeps the page in grey."""
    import numpy as np
    from PIL import ImageDraw

    from sohoa.scanners.pdfrender import black_on_white

    page = Image.new("L", (2400, 1600), 255)
    draw = ImageDraw.Draw(page)
    for row in range(8):
        draw.text((120, 120 + 160 * row), "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", fill=0,
                  font_size=84)
    smooth = page.resize((1200, 800), Image.LANCZOS)  # soft edges, as poppler draws type
    grey = np.asarray(smooth)
    assert ((grey > 64) & (grey < 192)).any()  # the edges are grey indeed
    assert black_on_white(grey)
    shaded = grey.copy()
    shaded[600:760, 40:1160] = np.minimum(shaded[600:760, 40:1160], 225)  # a light shaded cell
    assert not black_on_white(shaded)
    grey_type = page.copy()
    ImageDraw.Draw(grey_type).text((120, 1400), "Bản nháp", fill=128, font_size=120)
    assert not black_on_white(np.asarray(grey_type.resize((1200, 800), Image.LANCZOS)))
    # A light grey rule across the page would vanish in a bilevel copy: the page stays grey.
    light_rule = grey.copy()
    light_rule[700, 40:1160] = 225
    assert not black_on_white(light_rule)
    # Mid-grey table rules stay ink when a bilevel copy is made (cut near the paper).
    from sohoa.scanners.pdfrender import DRAWN_CUT

    rules = grey.copy()
    for row in (500, 520, 540):
        rules[row, 40:1160] = 160
    if black_on_white(rules):
        assert (rules[[500, 520, 540], 40:1160] < DRAWN_CUT).all()
