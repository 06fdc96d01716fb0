"""A corpus of hostile and odd inputs, the way they reach a desk PC, with what should become of
each (issue 19, item 5).

Deterministic: the same arguments write the same bytes (file-system objects — FIFO, links —
are made the same way each time). ``full_size=False`` keeps the expensive cases small where the
behaviour is the same (the 120-Mpx PNG becomes 40 Mpx, the 5,001-page file stays 5,001 pages
since refusing it costs nothing), so that the corpus test stays fast; the benchmark writes the
full-size corpus.

Every case says what a correct ingest does with it: ``STORED`` (a document is stored from it,
once), ``QUARANTINED`` (nothing stored, a reason the clerk can act on), ``BLANK`` (one blank
page: nothing to store and nothing wrong, as a duplex back).
"""

from __future__ import annotations

import io
import os
import random
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image

from sohoa.synth.parts import motto_only, title
from sohoa.synth.sheet import Sheet

STORED, QUARANTINED, BLANK = "stored", "quarantined", "blank"


@dataclass(frozen=True)
class HostileCase:
    name: str  # the entry's name in the corpus folder, exactly as written (NFD names stay NFD)
    expect: str  # STORED, QUARANTINED or BLANK
    what: str  # what the entry is, for a report
    words: tuple[str, ...] = ()  # for STORED pages: words the reading must contain

    @property
    def path_name(self) -> str:
        return self.name


_TITLES = ("ĐƠN ĐỀ NGHỊ", "GIẤY ỦY QUYỀN", "TỜ KHAI", "GIẤY ĐỀ NGHỊ")
_NAMES = ("Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Minh Châu", "Phạm Quốc Dũng", "Võ Thanh Hà",
          "Đặng Thu Trang")


def text_page(seed: int, dpi: int = 200, *, lines: int = 6) -> tuple[Image.Image, list[str]]:
    """A short printed form (national motto, title, a few lines) on A4, in greyscale: cheap to
    read, and it opens a document of its own. Returns the page and its printed lines."""
    rng = random.Random(f"hostile-page:{seed}")
    sheet = Sheet(dpi)
    y = motto_only(sheet, sheet.top)
    y = title(sheet, _TITLES[seed % len(_TITLES)], y)
    name = _NAMES[seed % len(_NAMES)]
    body = [f"Họ và tên: {name}",
            f"Số định danh cá nhân: 0{rng.randint(10**10, 10**11 - 1)}",
            f"Ngày sinh: {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/"
            f"{rng.randint(1950, 2004)}",
            f"Nơi cư trú: số {rng.randint(1, 300)} đường Lê Lợi, phường {rng.randint(1, 15)}",
            "Nội dung đề nghị: cấp bản sao trích lục hộ tịch",
            f"Số điện thoại liên hệ: 09{rng.randint(10**7, 10**8 - 1)}",
            "Tôi xin cam đoan những lời khai trên là đúng sự thật."][:lines]
    for line in body:
        y = sheet.labelled(*line.split(": ", 1), y) if ": " in line else sheet.paragraph(line, y)
    return sheet.image.convert("L"), sheet.lines


def _png(image: Image.Image, dpi: int) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def _jpeg(image: Image.Image, dpi: int, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def declared_bomb_png(width: int = 60000, height: int = 60000) -> bytes:
    """A PNG of a few hundred bytes that declares ``width`` × ``height`` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + _chunk(b"IEND", b""))


def white_png(width: int, height: int, dpi: int | None = None) -> bytes:
    """A real, fully decodable greyscale PNG of ``width`` × ``height`` white pixels (with one
    short black rule, so it is not trivially uniform), written row by row: the whole image is
    never in memory, and a 120-Mpx page compresses to a few hundred KB."""
    comp = zlib.compressobj(9)
    parts = []
    white = b"\x00" + b"\xff" * width
    ruled = b"\x00" + b"\xff" * (width // 3) + b"\x00" * (width // 3) + b"\xff" * (
        width - 2 * (width // 3))
    for row in range(height):
        parts.append(comp.compress(ruled if row == height // 2 else white))
    parts.append(comp.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    phys = b""
    if dpi:
        ppm = round(dpi / 0.0254)
        phys = _chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + phys
            + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b""))


def zip_bomb() -> bytes:
    """A ZIP whose one member inflates 2,000-fold (a 200 MB member in about 200 KB)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        info = zipfile.ZipInfo("scan.pdf", date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as member:
            block = b"\x00" * (1 << 20)
            for _ in range(200):
                member.write(block)
    return buf.getvalue()


def _save(pdf: pikepdf.Pdf, **options: object) -> bytes:
    buf = io.BytesIO()
    if "encryption" in options:
        # qpdf derives no ID from an encrypted file's content: a fixed ID (and RC4: no IV)
        pdf.save(buf, static_id=True, **options)
    else:
        pdf.save(buf, deterministic_id=True, **options)
    return buf.getvalue()


def image_pdf(jpeg: bytes, dpi: int) -> bytes:
    """One page drawing one JPEG edge to edge: what a scanner writes."""
    with Image.open(io.BytesIO(jpeg)) as probe:
        width, height, mode = probe.width, probe.height, probe.mode
    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, jpeg, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                           Width=width, Height=height, BitsPerComponent=8,
                           ColorSpace=pikepdf.Name.DeviceGray if mode == "L"
                           else pikepdf.Name.DeviceRGB, Filter=pikepdf.Name.DCTDecode)
    pw, ph = width * 72 / dpi, height * 72 / dpi
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, round(pw, 3), round(ph, 3)],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
        Contents=pikepdf.Stream(pdf, f"q {pw:.3f} 0 0 {ph:.3f} 0 0 cm /Im0 Do Q".encode()))))
    return _save(pdf)


def blank_pages_pdf(count: int, width_pt: float = 595.0, height_pt: float = 842.0) -> bytes:
    """``count`` empty pages sharing one empty content stream, in object streams: 300 A4 pages
    fit in about 3 KB, three 36-inch pages in under 1 KB."""
    pdf = pikepdf.new()
    content = pikepdf.Stream(pdf, b"")
    for _ in range(count):
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, width_pt, height_pt], Contents=content,
            Resources=pikepdf.Dictionary())))
    return _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True)


def many_pages_pdf(count: int) -> bytes:
    """``count`` small pages that each draw a line: refused by their number, never drawn."""
    pdf = pikepdf.new()
    content = pikepdf.Stream(pdf, b"0 0 m 100 100 l S")
    for _ in range(count):
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 200, 200], Contents=content)))
    return _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def cyclic_pdf() -> bytes:
    """A page tree whose /Pages node lists itself among its kids."""
    return (b"%PDF-1.4\n"
            b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
            b"trailer << /Root 1 0 R /Size 4 >>\n%%EOF\n")


def encrypted_pdf(plain: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        return _save(pdf, encryption=pikepdf.Encryption(user="mat-khau", owner="mat-khau",
                                                         R=4, aes=False,
                                                         metadata=False))


def truncated_tiff(page: Image.Image, dpi: int) -> bytes:
    buf = io.BytesIO()
    frames = [page, page.rotate(180)]
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw",
                   dpi=(dpi, dpi))
    data = buf.getvalue()
    return data[: len(data) * 2 // 3]


def tiny_tiff() -> bytes:
    """Two 16×16-pixel pages, as a misconfigured scanner writes them."""
    buf = io.BytesIO()
    a = Image.new("L", (16, 16), 255)
    a.putpixel((8, 8), 0)
    a.save(buf, "TIFF", save_all=True, append_images=[Image.new("L", (16, 16), 0)],
           dpi=(200, 200))
    return buf.getvalue()


HTML_WITH_PDF = (b"<!DOCTYPE html>\n<html><head><title>T\xe1\xba\xa3i t\xe1\xbb\x87p</title>"
                 b"</head><body><p>Download: %PDF-1.7 preview</p>\n"
                 b"<a href=\"ho-so.pdf\">ho-so.pdf</a></body></html>\n")


def sixteen_bit_png(page: Image.Image, dpi: int) -> bytes:
    """The page as a 16-bit greyscale PNG (what some scanner drivers write in 'archive' mode):
    every 8-bit level v becomes v·257, so white is 65535."""
    wide = np.asarray(page.convert("L"), dtype=np.uint16) * 257
    buf = io.BytesIO()
    Image.fromarray(wide).save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def long_name(stem: str, suffix: str, limit: int = 250) -> str:
    """A name of about ``limit`` UTF-8 bytes (a file system allows 255), repeating ``stem``."""
    name = stem
    while len((name + " " + stem + suffix).encode()) <= limit:
        name += " " + stem
    return name + suffix


def write_hostile(out: Path, outside: Path, *, full_size: bool = False,
                  dpi: int = 200) -> list[HostileCase]:
    """Write the corpus into folder ``out`` (created) and one file into ``outside`` (another
    folder, which a link in ``out`` points to). Returns every entry of ``out`` with what a
    correct ingest does with it."""
    out.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    cases: list[HostileCase] = []

    def put(name: str, data: bytes, expect: str, what: str,
            words: tuple[str, ...] = ()) -> None:
        (out / name).write_bytes(data)
        cases.append(HostileCase(name, expect, what, words))

    pages = [text_page(seed, dpi) for seed in range(5)]

    def word(i: int) -> tuple[str, ...]:
        return (_NAMES[i % len(_NAMES)].split()[-1],)

    # --- good files: each is stored once, whatever its name or extension says -------------
    put("01-scan.pdf", image_pdf(_jpeg(pages[0][0], dpi), dpi), STORED,
        "a scanner's PDF (one JPEG a page)", word(0))
    put("02-trang-16bit.png", sixteen_bit_png(pages[1][0], dpi), STORED,
        "a 16-bit greyscale PNG of a full text page", word(1))
    put(nfd("03-hồ sơ đề nghị.jpg"), _jpeg(pages[2][0], dpi), STORED,
        "a JPEG whose name is in NFD (as macOS writes it)", word(2))
    put(long_name("04 giấy tờ kèm theo hồ sơ", ".png"), _png(pages[3][0], dpi), STORED,
        "a PNG with a 250-byte name", word(3))
    put("05-la-png-that-ra.tif", _png(pages[4][0], dpi), STORED,
        "a PNG named .tif (wrong extension)", word(4))

    # --- degenerate pages -------------------------------------------------------------------
    put("10-tiny-1x1.png", _png(Image.new("L", (1, 1), 0), dpi), QUARANTINED, "a 1×1 image")
    put("11-tiny-16x16.tif", tiny_tiff(), QUARANTINED, "a TIFF of two 16×16-pixel pages")
    black = Image.new("L", pages[0][0].size, 0)
    put("12-all-black.png", _png(black, dpi), QUARANTINED, "an all-black page")

    # --- bombs and oversized pages ----------------------------------------------------------
    put("20-bomb-declared.png", declared_bomb_png(), QUARANTINED,
        "a PNG that declares 60000×60000 pixels")
    side = 10954 if full_size else 6325  # 120 Mpx (full size) or 40 Mpx
    put("21-huge-white.png", white_png(side, side), BLANK,
        f"a real {side * side / 1e6:.0f}-Mpx PNG of a nearly white page")
    put("22-zip-bomb.pdf", zip_bomb(), QUARANTINED, "a ZIP bomb named .pdf")
    put("23-300-blank.pdf", blank_pages_pdf(300), QUARANTINED, "300 blank A4 pages in 3 KB")
    put("24-three-36in-blank.pdf", blank_pages_pdf(3, 36 * 72, 36 * 72), QUARANTINED,
        "three blank 36-inch pages in under 1 KB")
    put("25-5001-pages.pdf", many_pages_pdf(5001), QUARANTINED, "a 5,001-page PDF")

    # --- broken and disguised files ---------------------------------------------------------
    scan = image_pdf(_jpeg(pages[0][0].rotate(90, expand=True), dpi), dpi)
    put("30-truncated.pdf", scan[: len(scan) // 2], QUARANTINED, "a PDF cut in half")
    put("31-truncated.tif", truncated_tiff(pages[1][0], dpi), QUARANTINED, "a TIFF cut short")
    put("32-encrypted.pdf", encrypted_pdf(scan), QUARANTINED, "a password-protected PDF")
    put("33-html.pdf", HTML_WITH_PDF, QUARANTINED, "an HTML page containing %PDF-")
    put("34-page-tree-cycle.pdf", cyclic_pdf(), QUARANTINED, "a PDF whose page tree loops")
    put("35-text.jpg", "Biên bản bàn giao hồ sơ\n".encode(), QUARANTINED,
        "a text file named .jpg")
    put("36-empty.pdf", b"", QUARANTINED, "an empty file")

    # --- what is not a regular file ---------------------------------------------------------
    os.mkfifo(out / "40-fifo.pdf")
    cases.append(HostileCase("40-fifo.pdf", QUARANTINED, "a FIFO named .pdf"))
    os.symlink("41-loop-b.pdf", out / "41-loop-a.pdf")
    os.symlink("41-loop-a.pdf", out / "41-loop-b.pdf")
    cases.append(HostileCase("41-loop-a.pdf", QUARANTINED, "a symlink loop (a → b)"))
    cases.append(HostileCase("41-loop-b.pdf", QUARANTINED, "a symlink loop (b → a)"))
    secret = outside / "not-for-ingest.pdf"
    secret.write_bytes(image_pdf(_jpeg(pages[2][0].rotate(180), dpi), dpi))
    os.symlink(secret, out / "42-link-out.pdf")
    cases.append(HostileCase("42-link-out.pdf", QUARANTINED,
                             "a link to a readable PDF in another folder"))
    os.symlink("da-xoa.pdf", out / "43-dangling.pdf")
    cases.append(HostileCase("43-dangling.pdf", QUARANTINED, "a dangling link"))
    return cases
