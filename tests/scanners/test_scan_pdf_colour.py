"""CMYK and ICC-tagged images in a PDF come out as a colour-managed viewer (poppler with
littleCMS) shows them: through the image's own profile, a default CMYK profile when it has
none, Adobe-inverted CMYK JPEGs the way /Decode says; an sRGB-tagged JPEG keeps its bytes."""

from __future__ import annotations

import io
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pikepdf
from pdf_producers import image_stream, jpeg_bytes, jpeg_image, save, single_image_page
from PIL import Image, ImageCms

from sohoa.ocr.jpegrecode import same_pixels
from sohoa.records import Page
from sohoa.scanners import read_pages
from sohoa.scanners.iccolour import DEFAULT_CMYK_PROFILE

_GS_ICC = DEFAULT_CMYK_PROFILE.parent
_BLOCK = 8  # colour blocks of 8×8 pixels: JPEG blocks, and 1:1 renders compare at their centres


def colour_blocks(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    cells = rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)
    return Image.fromarray(np.kron(cells, np.ones((_BLOCK, _BLOCK, 1), np.uint8)), "RGB")


def centres(data: bytes | np.ndarray) -> np.ndarray:
    arr = data if isinstance(data, np.ndarray) else np.asarray(
        Image.open(io.BytesIO(data)).convert("RGB"))
    return arr[_BLOCK // 2::_BLOCK, _BLOCK // 2::_BLOCK].astype(np.int16)


def poppler(path: Path, number: int) -> np.ndarray:
    out = subprocess.run(["pdftoppm", "-r", "100", "-f", str(number), "-l", str(number),
                          str(path)], capture_output=True, check=True).stdout
    return np.asarray(Image.open(io.BytesIO(out)).convert("RGB"))


def by_default_profile(cmyk: Image.Image) -> np.ndarray:
    rgb = ImageCms.profileToProfile(cmyk, str(DEFAULT_CMYK_PROFILE),
                                    ImageCms.createProfile("sRGB"), outputMode="RGB")
    return centres(np.asarray(rgb))


def icc_space(pdf: pikepdf.Pdf, profile: bytes, n: int) -> pikepdf.Array:
    stream = pikepdf.Stream(pdf, profile)
    stream.N = n
    return pikepdf.Array([pikepdf.Name.ICCBased, stream])


def test_cmyk_and_icc_images_come_out_as_a_viewer_shows_them(tmp_path: Path) -> None:
    rgb = colour_blocks(1)
    cmyk = rgb.convert("CMYK")  # any ink mix will do: the truth is what a viewer shows
    size = (rgb.width * 0.72, rgb.height * 0.72)  # 100 dpi
    w, h = rgb.size
    press = (_GS_ICC / "ps_cmyk.icc").read_bytes()  # a CMYK profile that is not the default
    adobe_rgb = (_GS_ICC / "a98.icc").read_bytes()
    srgb = (_GS_ICC / "srgb.icc").read_bytes()
    pdf = pikepdf.new()
    # 1. CMYK tagged with its profile; 2. untagged DeviceCMYK.
    single_image_page(pdf, image_stream(pdf, zlib.compress(cmyk.tobytes()), w, h,
                                        space=icc_space(pdf, press, 4), filter="/FlateDecode"),
                      size)
    single_image_page(pdf, image_stream(pdf, zlib.compress(cmyk.tobytes()), w, h,
                                        space="/DeviceCMYK", filter="/FlateDecode"), size)
    # 3. an Adobe-inverted CMYK JPEG (Pillow writes APP14 and inverted samples) with the
    # /Decode Acrobat writes beside it; 4. the same JPEG without it (viewers show a negative).
    adobe = jpeg_bytes(cmyk, quality=95)
    assert b"Adobe" in adobe
    single_image_page(pdf, jpeg_image(pdf, cmyk, adobe, Decode=pikepdf.Array([1, 0] * 4)), size)
    single_image_page(pdf, jpeg_image(pdf, cmyk, adobe), size)
    # 5. RGB pixels tagged Adobe RGB; 6. an RGB JPEG tagged sRGB; 7. one tagged Adobe RGB.
    single_image_page(pdf, image_stream(pdf, zlib.compress(rgb.tobytes()), w, h,
                                        space=icc_space(pdf, adobe_rgb, 3),
                                        filter="/FlateDecode"), size)
    plain = jpeg_bytes(rgb, quality=95)
    single_image_page(pdf, image_stream(pdf, plain, w, h, space=icc_space(pdf, srgb, 3),
                                        filter="/DCTDecode"), size)
    single_image_page(pdf, image_stream(pdf, plain, w, h, space=icc_space(pdf, adobe_rgb, 3),
                                        filter="/DCTDecode"), size)
    path = save(pdf, tmp_path / "colour.pdf")
    pages = list(read_pages(path))
    assert all(isinstance(p, Page) for p in pages), pages
    tagged, untagged, decoded, negative, flate_a98, jpeg_srgb, jpeg_a98 = pages
    shown = [centres(poppler(path, n)) for n in range(1, 8)]

    def off(page: Page, number: int) -> float:
        return float(np.abs(centres(page.data) - shown[number - 1]).mean())

    # Through the attached profile, as poppler draws it (the naive formula: 25 levels off).
    assert tagged.mime == "image/png" and tagged.rendered == ""
    assert "hồ sơ màu ICC kèm ảnh" in tagged.converted
    assert off(tagged, 1) < 4
    naive = np.asarray(cmyk, np.float32) / 255
    naive_rgb = np.stack([(1 - naive[..., i]) * (1 - naive[..., 3]) for i in range(3)], -1)
    assert np.abs(centres(np.rint(naive_rgb * 255).astype(np.uint8)) - shown[0]).mean() > 15
    # Untagged CMYK goes through the default CMYK profile.
    assert "hồ sơ CMYK mặc định" in untagged.converted
    assert np.array_equal(centres(untagged.data), by_default_profile(cmyk))
    # poppler draws DeviceCMYK with its own approximation, nearer the profile than the formula
    assert off(untagged, 2) < 12
    # Adobe CMYK JPEGs: colours with /Decode [1 0 …], a negative without, as poppler shows.
    inverted = Image.fromarray(255 - np.asarray(cmyk), "CMYK")
    for page, number, inks in ((decoded, 3, cmyk), (negative, 4, inverted)):
        assert page.mime == "image/jpeg" and page.rendered == "", number
        assert np.abs(centres(page.data) - by_default_profile(inks)).mean() < 4, number
        assert off(page, number) < 12, (number, off(page, number))
    assert np.abs(centres(decoded.data) + centres(negative.data) - 255).mean() > 40
    # ICC-tagged RGB pixels are converted from Adobe RGB; an sRGB-tagged JPEG is kept byte
    # for byte; an Adobe RGB JPEG keeps its coded data and carries the PDF's profile, which
    # the archival PDF declares (ICCBased), so it shows as the producer's page did.
    assert flate_a98.mime == "image/png" and "sRGB" in flate_a98.converted
    assert off(flate_a98, 5) < 2
    assert jpeg_srgb.data == plain and jpeg_srgb.converted == ""
    assert jpeg_a98.mime == "image/jpeg" and "gắn hồ sơ màu ICC" in jpeg_a98.converted
    coded = plain[plain.index(b"\xff\xdb"):]  # tables, frame and scan: all but the APPn
    assert jpeg_a98.data.endswith(coded) and len(jpeg_a98.data) < len(plain) + len(adobe_rgb) + 99
    kept = Image.open(io.BytesIO(jpeg_a98.data))
    assert kept.info["icc_profile"] == adobe_rgb
    assert np.array_equal(np.asarray(kept), np.asarray(Image.open(io.BytesIO(plain))))
    assert np.abs(centres(plain) - shown[6]).mean() > 8  # declared sRGB, it would be off
    archived = tmp_path / "archived.pdf"
    archived.write_bytes(archival([jpeg_a98]))
    _, image = _only_image(archived)
    carried = image.read_raw_bytes()  # the same coefficients, re-coded when smaller
    assert len(carried) <= len(jpeg_a98.data) and same_pixels(carried, jpeg_a98.data)
    assert image.ColorSpace[0] == "/ICCBased" and image.ColorSpace[1].read_bytes() == adobe_rgb
    assert np.abs(centres(poppler(archived, 1)) - shown[6]).mean() < 2


def test_deep_colour_and_soft_masks_over_white(tmp_path: Path) -> None:
    rgb = colour_blocks(2)
    w, h = rgb.size
    size = (w * 0.72, h * 0.72)
    pdf = pikepdf.new()
    # 1. 16-bit RGB Flate (big-endian samples), each value v stored as v·257 + a little noise.
    noise = np.random.default_rng(2).integers(0, 120, (h, w, 3))
    deep = (np.asarray(rgb, dtype=np.int64) * 257 + noise).clip(0, 65535).astype(">u2")
    single_image_page(pdf, image_stream(pdf, zlib.compress(deep.tobytes()), w, h,
                                        space="/DeviceRGB", bpc=16, filter="/FlateDecode"), size)
    # 2. A grey scan whose soft mask fades its top half: over white paper it shows lighter.
    grey = rgb.convert("L")
    alpha = np.full((h, w), 255, np.uint8)
    alpha[: h // 2] = np.linspace(0, 255, w, dtype=np.uint8)
    smask = image_stream(pdf, zlib.compress(alpha.tobytes()), w, h, filter="/FlateDecode")
    single_image_page(pdf, image_stream(pdf, zlib.compress(grey.tobytes()), w, h,
                                        filter="/FlateDecode", SMask=smask), size)
    # 3. The same over an RGB JPEG: blended, and stored as a JPEG again.
    single_image_page(pdf, jpeg_image(pdf, rgb, jpeg_bytes(rgb, quality=95), SMask=smask), size)
    path = save(pdf, tmp_path / "deep.pdf")
    items = list(read_pages(path))
    assert all(isinstance(i, Page) for i in items), items
    deep_page, faded, faded_jpeg = items
    assert deep_page.mime == "image/png"
    assert deep_page.converted == "ảnh màu 16 bit chuyển sang 8 bit"
    want = np.rint(deep.astype(np.float64) / 257)
    assert np.abs(np.asarray(Image.open(io.BytesIO(deep_page.data)), np.int16) - want).max() <= 1
    a = alpha.astype(np.float64) / 255
    over_white = np.asarray(grey, np.float64) * a + 255 * (1 - a)
    assert faded.rendered == "" and faded.mime == "image/png"
    assert "nền giấy trắng" in faded.converted
    stored = np.asarray(Image.open(io.BytesIO(faded.data)).convert("L"), np.float64)
    assert np.abs(stored - over_white).max() <= 1
    assert np.abs(centres(faded.data) - centres(poppler(path, 2))).mean() < 3
    assert faded_jpeg.rendered == "" and faded_jpeg.mime == "image/jpeg"
    assert np.abs(centres(faded_jpeg.data) - centres(poppler(path, 3))).mean() < 4


def test_cmyk_jpeg_files_become_srgb_jpegs_through_their_profile(tmp_path: Path) -> None:
    rgb = colour_blocks(4)
    cmyk = rgb.convert("CMYK")
    press = (_GS_ICC / "ps_cmyk.icc").read_bytes()
    tagged, untagged = tmp_path / "a_tagged.jpg", tmp_path / "b_untagged.jpg"
    cmyk.save(tagged, quality=95, dpi=(100, 100), icc_profile=press)
    cmyk.save(untagged, quality=95, dpi=(100, 100))
    # Plain (not Adobe-inverted) CMYK, as libjpeg writes it: Pillow writes the inverse of the
    # inverted inks, and the Adobe APP14 segment that would say "inverted" is taken out.
    plain = tmp_path / "c_plain.jpg"
    buf = io.BytesIO()
    Image.fromarray(255 - np.asarray(cmyk), "CMYK").save(buf, format="JPEG", quality=95,
                                                          dpi=(100, 100))
    plain.write_bytes(_without_app14(buf.getvalue()))
    pages = [p for path in (tagged, untagged, plain) for p in read_pages(path)]
    assert all(isinstance(p, Page) for p in pages), pages
    default = DEFAULT_CMYK_PROFILE.read_bytes()
    for page, profile in zip(pages, (press, default, default), strict=True):
        assert page.mime == "image/jpeg" and page.dpi == 100
        assert "ảnh CMYK chuyển sang sRGB" in page.converted
        stored = Image.open(io.BytesIO(page.data))
        assert stored.mode == "RGB"
        want = ImageCms.profileToProfile(cmyk, ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                                         ImageCms.createProfile("sRGB"), outputMode="RGB")
        assert np.abs(centres(page.data) - centres(np.asarray(want))).mean() < 4
    assert "hồ sơ màu ICC kèm ảnh" in pages[0].converted
    assert "hồ sơ CMYK mặc định" in pages[1].converted
    # The archival PDF carries that JPEG's pixels as they are (before: the CMYK JPEG was made
    # RGB by the naive formula and stored as Flate, several times its size).
    archived = tmp_path / "archived.pdf"
    archived.write_bytes(archival(pages[:1]))
    _, image = _only_image(archived)
    carried = image.read_raw_bytes()  # the same coefficients, re-coded when smaller
    assert image.Filter == "/DCTDecode" and same_pixels(carried, pages[0].data)
    assert len(carried) <= len(pages[0].data)
    assert image.ColorSpace == "/DeviceRGB"


def _without_app14(data: bytes) -> bytes:
    pos = 2
    while data[pos] == 0xFF and data[pos + 1] != 0xDA:  # segments up to the scan
        size = int.from_bytes(data[pos + 2:pos + 4], "big")
        if data[pos + 1] == 0xEE:
            return data[:pos] + data[pos + 2 + size:]
        pos += 2 + size
    raise AssertionError("no APP14 segment")


def archival(pages: list[Page]) -> bytes:
    from sohoa.ocr import PdfPage, build_pdf
    from sohoa.records import OcrPage

    blank = [OcrPage(p.sha256, 0, 0.0, p.width, p.height, p.dpi, (), "", 0.0) for p in pages]
    return build_pdf([PdfPage(p.data, p.mime, p.dpi, o) for p, o in zip(pages, blank,
                                                                        strict=True)],
                     title="t", author="a")


def _only_image(path: Path) -> tuple[pikepdf.Pdf, pikepdf.Stream]:
    pdf = pikepdf.open(path)  # returned too: the stream lives only as long as its PDF
    (image,) = [v for v in pdf.pages[0].obj.Resources.XObject.values()
                if v.get("/Subtype") == "/Image"]
    return pdf, image
