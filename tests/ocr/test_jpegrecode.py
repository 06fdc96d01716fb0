"""The scanner's JPEG re-coded losslessly (issue 18: archival output no larger than the input):
the same pixels in fewer bytes, and the PDF/A of a JPEG batch, text layer included, smaller
than the JPEGs it was made from."""

from __future__ import annotations

import io
import random
from functools import cache

import pikepdf
import pytest
from PIL import Image, ImageCms, ImageDraw, ImageFont

from sohoa.ocr import PdfPage, build_pdf
from sohoa.ocr.jpegrecode import jpegtran, leaner_jpeg, same_pixels
from sohoa.records import OcrPage, Word, sha256_hex

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
DPI = 150


def scan(seed: int, mode: str) -> Image.Image:
    """An A4 page at 150 dpi as a scanner sees it: lines of text, paper grain, a grey cast."""
    rng = random.Random(seed)
    width, height = 1240, 1754
    paper = (246, 243, 236) if mode == "RGB" else (244,)
    image = Image.new(mode, (width, height), paper if mode == "RGB" else paper[0])
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 26)
    for row in range(45):
        words = " ".join(rng.choice(["Cộng", "hòa", "xã", "hội", "chủ", "nghĩa", "Việt", "Nam",
                                     "Độc", "lập", "Tự", "do", "Hạnh", "phúc", "số", "ngày"])
                         for _ in range(rng.randint(6, 11)))
        ink = (20, 20, 30) if mode == "RGB" else 25
        draw.text((110, 120 + row * 34), words, font=font, fill=ink)
    noise = Image.effect_noise((width, height), 9).convert("L")
    if mode == "RGB":
        noise = Image.merge("RGB", (noise, noise, noise))
    return Image.blend(image, noise, 0.08)


@cache
def batch() -> list[tuple[bytes, Image.Image]]:
    """JPEGs as scanners and libraries write them: baseline, standard Huffman tables, colour
    and grey, several qualities and chroma subsamplings, one with an ICC profile."""
    out = []
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for n, (mode, quality, extra) in enumerate([
            ("RGB", 75, {}), ("RGB", 90, {"subsampling": 0}), ("L", 85, {}),
            ("RGB", 95, {"icc_profile": srgb}), ("L", 60, {})]):
        image = scan(n, mode)
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=quality, dpi=(DPI, DPI), **extra)
        out.append((buf.getvalue(), image))
    return out


def test_recoded_jpegs_decode_to_the_same_pixels_in_fewer_bytes() -> None:
    assert jpegtran() is not None, "jpegtran is missing: `make install` (libjpeg-turbo-progs)"
    for data, _ in batch():
        leaner = leaner_jpeg(data)
        assert len(leaner) < 0.98 * len(data)
        with Image.open(io.BytesIO(data)) as a, Image.open(io.BytesIO(leaner)) as b:
            assert (a.mode, a.size) == (b.mode, b.size)
            assert a.tobytes() == b.tobytes()  # bit-identical pixels, decoded by Pillow
            assert a.info.get("icc_profile") == b.info.get("icc_profile")  # kept when present
        assert leaner_jpeg(leaner) == leaner  # nothing left to gain: kept as it is


def test_the_page_decoded_for_reading_checks_the_recoded_file() -> None:
    """``sohoa ocr``'s worker decodes the scan once, for the reading and for the re-coded
    file's check: the same file as when the check decodes the scan itself; another scan's
    pixels are refused."""
    from sohoa.ocr import open_image

    for data, _ in batch():
        decoded = open_image(data)
        assert leaner_jpeg(data, decoded) == leaner_jpeg(data)
        assert same_pixels(data, leaner_jpeg(data), decoded)
    other = open_image(batch()[1][0])
    assert not same_pixels(batch()[0][0], leaner_jpeg(batch()[0][0]), other)
    assert leaner_jpeg(batch()[0][0], other) == batch()[0][0]  # refused: the scan's bytes


def test_a_jpeg_that_does_not_shrink_or_cannot_be_read_is_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ = batch()[0]
    assert leaner_jpeg(data[:5000]) == data[:5000]  # truncated: jpegtran fails, bytes kept
    assert not same_pixels(data, leaner_jpeg(batch()[2][0]))
    monkeypatch.setenv("PATH", "/nonexistent")
    assert jpegtran() is None and leaner_jpeg(data) == data  # without the tool: as scanned


def _words(image: Image.Image, seed: int) -> tuple[Word, ...]:
    """A text layer as recognition gives one: ~300 words in 45 lines over the page."""
    rng = random.Random(seed)
    words = []
    for line in range(45):
        x = 110
        for _ in range(7):
            text = rng.choice(["Cộng", "hòa", "nghĩa", "Việt", "Nam", "Hạnh", "phúc", "ngày"])
            width = 22 * len(text)
            words.append(Word(text, x, 120 + line * 34, width, 28, 91.0, 0, line))
            x += width + 14
    return tuple(words)


def test_the_archival_pdf_of_a_jpeg_batch_is_smaller_than_the_jpegs() -> None:
    pages = []
    jpegs = batch()
    for n, (data, image) in enumerate(jpegs):
        words = _words(image, n)
        text = "\n".join(" ".join(w.text for w in words if w.line == line)
                         for line in range(45))
        ocr = OcrPage(sha256_hex(data), 0, 0.0, image.width, image.height, DPI, words, text,
                      0.9)
        pages.append(PdfPage(data, "image/jpeg", DPI, ocr))
    pdf = build_pdf(pages, title="Hồ sơ", author="UBND phường Bến Nghé")
    given = sum(len(data) for data, _ in jpegs)
    assert len(pdf) < given, (len(pdf), given)
    with pikepdf.open(io.BytesIO(pdf)) as archival:
        carried = [page.Resources.XObject.Im0.read_raw_bytes() for page in archival.pages]
    for (data, _), inside in zip(jpegs, carried, strict=True):
        assert same_pixels(data, inside)


def test_a_page_recoded_beforehand_makes_the_same_pdf() -> None:
    """`sohoa ocr` has its workers re-code each page's JPEG beside the others (PdfPage.lean):
    the PDF is byte for byte the one made re-coding every page here, and it carries what it is
    given (the scanner's bytes given as the lean copy go in as they are)."""
    pages, given = [], []
    for n, (data, image) in enumerate(batch()[2:3]):
        ocr = OcrPage(sha256_hex(data), 0, 0.0, image.width, image.height, DPI,
                      _words(image, n), "", 0.9)
        pages.append(PdfPage(data, "image/jpeg", DPI, ocr))
        given.append(PdfPage(data, "image/jpeg", DPI, ocr, leaner_jpeg(data)))
    assert build_pdf(given, title="Hồ sơ", author="UBND") == build_pdf(
        pages, title="Hồ sơ", author="UBND")
    as_scanned = [PdfPage(p.data, p.mime, p.dpi, p.ocr, p.data) for p in pages]
    with pikepdf.open(io.BytesIO(build_pdf(as_scanned, title="Hồ sơ", author="UBND"))) as pdf:
        carried = [page.Resources.XObject.Im0.read_raw_bytes() for page in pdf.pages]
    assert carried == [p.data for p in pages]
