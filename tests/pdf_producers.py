"""PDFs as other producers write them, built with pikepdf: the scan inside Form XObjects
(ReportLab, print drivers, MFP firmware), nested forms with their own matrices, strips, inline
images, stencil masks, hand-made JBIG2 (a generic region coded with MMR, i.e. CCITT G4),
CMYK JPEGs, 16-bit Flate, /Decode arrays and soft masks.

Shared by the scanner tests and ``bench/pdf_producers_bench.py``.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image


def jpeg_bytes(img: Image.Image, quality: int = 80, dpi: int = 100) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality, dpi=(dpi, dpi))
    return buf.getvalue()


def image_stream(pdf: pikepdf.Pdf, data: bytes, width: int, height: int, *,
                 space: Any = "/DeviceGray", bpc: int = 8, filter: str | None = None,
                 **extra: Any) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, data)
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height, stream.BitsPerComponent = width, height, bpc
    if space is not None:
        stream.ColorSpace = pikepdf.Name(space) if isinstance(space, str) else space
    if filter:
        stream.Filter = pikepdf.Name(filter)
    for key, value in extra.items():
        stream[f"/{key}"] = value
    return stream


def jpeg_image(pdf: pikepdf.Pdf, img: Image.Image, data: bytes | None = None,
               **extra: Any) -> pikepdf.Stream:
    space = {"L": "/DeviceGray", "RGB": "/DeviceRGB", "CMYK": "/DeviceCMYK"}[img.mode]
    return image_stream(pdf, data if data is not None else jpeg_bytes(img), img.width,
                        img.height, space=space, filter="/DCTDecode", **extra)


def form(pdf: pikepdf.Pdf, content: bytes, xobjects: dict[str, pikepdf.Object],
         bbox: Sequence[float], matrix: Sequence[float] | None = None) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, content)
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    stream.BBox = list(bbox)
    if matrix is not None:
        stream.Matrix = list(matrix)
    stream.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(
        {f"/{k}": v for k, v in xobjects.items()}))
    return stream


def add_page(pdf: pikepdf.Pdf, size: tuple[float, float], content: bytes,
             xobjects: dict[str, pikepdf.Object] | None = None, **resources: Any) -> None:
    res = pikepdf.Dictionary({f"/{k}": v for k, v in resources.items()})
    if xobjects:
        res.XObject = pikepdf.Dictionary({f"/{k}": v for k, v in xobjects.items()})
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, size[0], size[1]], Resources=res,
        Contents=pikepdf.Stream(pdf, content))))


def page_size(img: Image.Image, dpi: int) -> tuple[float, float]:
    return img.width * 72 / dpi, img.height * 72 / dpi


def form_wrapped_jpeg_page(pdf: pikepdf.Pdf, img: Image.Image, dpi: int,
                           data: bytes | None = None) -> bytes:
    """ReportLab's ``drawImage``: the page draws a form, the form draws the image scaled to
    the page. Returns the JPEG bytes the page carries."""
    data = data if data is not None else jpeg_bytes(img, dpi=dpi)
    w, h = page_size(img, dpi)
    image = jpeg_image(pdf, img, data)
    wrapper = form(pdf, f"q {w:.4f} 0 0 {h:.4f} 0 0 cm /Im0 Do Q".encode(), {"Im0": image},
                   [0, 0, w, h])
    add_page(pdf, (w, h), b"q 1 0 0 1 0 0 cm /FormXob.1 Do Q", {"FormXob.1": wrapper})
    return data


def nested_forms_page(pdf: pikepdf.Pdf, img: Image.Image, dpi: int) -> bytes:
    """Two forms deep: the outer form halves everything with its /Matrix, the inner one is
    drawn at twice the size, the image is drawn at the page size in the inner form."""
    data = jpeg_bytes(img, dpi=dpi)
    w, h = page_size(img, dpi)
    image = jpeg_image(pdf, img, data)
    inner = form(pdf, f"{w:.4f} 0 0 {h:.4f} 0 0 cm /Im Do".encode(), {"Im": image},
                 [0, 0, w, h])
    # The outer /BBox is in the outer form's own space (before its /Matrix halves it): twice
    # the page, or viewers clip the page to its lower-left quarter.
    outer = form(pdf, b"q 2 0 0 2 0 0 cm /Inner Do Q", {"Inner": inner}, [0, 0, 2 * w, 2 * h],
                 matrix=[0.5, 0, 0, 0.5, 0, 0])
    add_page(pdf, (w, h), b"/Outer Do", {"Outer": outer})
    return data


def g4_data(bits: Image.Image) -> bytes:
    """The raw CCITT G4 data of a bilevel image, its black pixels coded as black runs (what
    /BlackIs1 false and JBIG2's MMR expect). PIL's TIFF writer codes the 0 bits of mode "1"
    (black) as white runs, so it is handed the negative."""
    negative = Image.eval(bits.convert("L"), lambda v: 255 - v).convert("1")
    buf = io.BytesIO()
    negative.save(buf, format="TIFF", compression="group4", strip_size=10**9)
    tif = Image.open(buf)
    offset, count = tif.tag_v2[273][0], tif.tag_v2[279][0]
    return buf.getvalue()[offset:offset + count]


def ccitt_image(pdf: pikepdf.Pdf, bits: Image.Image, *, invert: bool = False) -> pikepdf.Stream:
    """A G4 image; ``invert``: the data codes the page's black as white and the image's
    /Decode [1 0] turns it back, as some MFPs write it."""
    source = Image.eval(bits.convert("L"), lambda v: 255 - v).convert("1") if invert else bits
    extra: dict[str, Any] = {"DecodeParms": pikepdf.Dictionary(
        K=-1, Columns=bits.width, Rows=bits.height, BlackIs1=False)}
    if invert:
        extra["Decode"] = pikepdf.Array([1, 0])
    return image_stream(pdf, g4_data(source), bits.width, bits.height, bpc=1,
                        filter="/CCITTFaxDecode", **extra)


def g3_image(pdf: pikepdf.Pdf, bits: Image.Image) -> pikepdf.Stream:
    """A CCITT Group 3 (one-dimensional, K=0) image, as older fax-era MFPs write it."""
    negative = Image.eval(bits.convert("L"), lambda v: 255 - v).convert("1")
    buf = io.BytesIO()
    negative.save(buf, format="TIFF", compression="group3", strip_size=10**9)
    tif = Image.open(buf)
    offset, count = tif.tag_v2[273][0], tif.tag_v2[279][0]
    return image_stream(pdf, buf.getvalue()[offset:offset + count], bits.width, bits.height,
                        bpc=1, filter="/CCITTFaxDecode", DecodeParms=pikepdf.Dictionary(
                            K=0, Columns=bits.width, Rows=bits.height))


def jbig2_mmr(bits: Image.Image) -> bytes:
    """An embedded JBIG2 stream (PDF 7.4.7: no file header) holding one immediate lossless
    generic region coded with MMR — the same G4 coding a fax uses, inside JBIG2 segments.
    Poppler decodes it as any JBIG2 scan; no JBIG2 encoder is needed to make it."""
    w, h = bits.size
    # JBIG2 generic regions use 1 for black; G4 with BlackIs1 false codes black as black.
    mmr = g4_data(bits)

    def segment(number: int, kind: int, data: bytes) -> bytes:
        # number, flags (type, page association in one byte), referred-to count 0,
        # page association 1, data length.
        return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data

    page_info = struct.pack(">IIIIBH", w, h, 0, 0, 0, 0)
    region_info = struct.pack(">IIIIB", w, h, 0, 0, 0)
    generic = region_info + bytes([0x01])  # MMR = 1, template 0, no TPGDON
    return (segment(0, 48, page_info) + segment(1, 39, generic + mmr)
            + segment(2, 49, b""))


def strips_page(pdf: pikepdf.Pdf, img: Image.Image, dpi: int, count: int,
                gap_px: float = 0.0) -> list[bytes]:
    """The page image cut into ``count`` horizontal JPEG strips drawn one under the other."""
    w, _ = page_size(img, dpi)
    h_total = img.height * 72 / dpi
    cuts = [round(img.height * i / count) for i in range(count + 1)]
    xobjects: dict[str, pikepdf.Object] = {}
    content = []
    datas = []
    for i in range(count):
        strip = img.crop((0, cuts[i], img.width, cuts[i + 1]))
        data = jpeg_bytes(strip, quality=90, dpi=dpi)
        datas.append(data)
        xobjects[f"S{i}"] = jpeg_image(pdf, strip, data)
        sh = strip.height * 72 / dpi
        top = h_total - cuts[i] * 72 / dpi - i * gap_px * 72 / dpi
        content.append(f"q {w:.4f} 0 0 {sh:.4f} 0 {top - sh:.4f} cm /S{i} Do Q")
    add_page(pdf, (w, h_total), "\n".join(content).encode(), xobjects)
    return datas


def inline_image_page(pdf: pikepdf.Pdf, img: Image.Image, dpi: int) -> None:
    """A small grey scan as an inline image (BI … ID … EI), Flate-compressed."""
    w, h = page_size(img, dpi)
    data = zlib.compress(img.tobytes())
    content = (f"q {w:.4f} 0 0 {h:.4f} 0 0 cm\nBI /W {img.width} /H {img.height} /CS /G "
               f"/BPC 8 /F /Fl ID ").encode() + data + b"\nEI Q"
    add_page(pdf, (w, h), content)


def single_image_page(pdf: pikepdf.Pdf, image: pikepdf.Stream, size: tuple[float, float],
                      before: bytes = b"", after: bytes = b"", **resources: Any) -> None:
    w, h = size
    add_page(pdf, size, before + f"q {w:.4f} 0 0 {h:.4f} 0 0 cm /Im0 Do Q".encode() + after,
             {"Im0": image}, **resources)


def save(pdf: pikepdf.Pdf, path: Path) -> Path:
    pdf.save(path)
    return path


# --- JBIG2 with a symbol dictionary (what jbig2enc -s and scanner firmware write) ----------
# Standard Huffman tables of JBIG2 Annex B as (prefix length, range length, range low) lines,
# then the lower range line, the upper range line and the OOB line when the table has one.
_B1 = ([(1, 4, 0), (2, 8, 16), (3, 16, 272)], (0, 32, -1), (3, 32, 65808), None)
_B2 = ([(1, 0, 0), (2, 0, 1), (3, 0, 2), (4, 3, 3), (5, 6, 11)], (0, 32, -1), (6, 32, 75), 6)
_B4 = ([(1, 0, 1), (2, 0, 2), (3, 0, 3), (4, 3, 4), (5, 6, 12)], (0, 32, -1), (5, 32, 76), None)
_B6 = ([(5, 10, -2048), (4, 9, -1024), (4, 8, -512), (4, 7, -256), (5, 6, -128), (5, 5, -64),
        (4, 5, -32), (2, 7, 0), (3, 7, 128), (3, 8, 256), (4, 9, 512), (4, 10, 1024)],
       (6, 32, -2049), (6, 32, 2048), None)
_B8 = ([(8, 3, -15), (9, 1, -7), (8, 1, -5), (9, 0, -3), (7, 0, -2), (4, 0, -1), (2, 1, 0),
        (5, 0, 2), (6, 0, 3), (3, 4, 4), (6, 1, 20), (4, 4, 22), (4, 5, 38), (5, 6, 70),
        (5, 7, 134), (6, 7, 262), (7, 8, 390), (6, 10, 646)], (9, 32, -16), (9, 32, 1670), 2)
_B11 = ([(1, 0, 1), (2, 1, 2), (4, 0, 4), (4, 1, 5), (5, 1, 7), (5, 2, 9), (6, 2, 13),
         (7, 2, 17), (7, 3, 21), (7, 4, 29), (7, 5, 45), (7, 6, 77)], (0, 32, -1),
        (7, 32, 141), None)


def _canonical(lengths: Sequence[int]) -> list[int]:
    """Codes for prefix lengths, assigned as JBIG2 B.3 (and DEFLATE) do; 0: no code."""
    codes, code, top = [0] * len(lengths), 0, max(lengths, default=0)
    count = [sum(1 for n in lengths if n == size) for size in range(top + 1)]
    count[0] = 0
    first = 0
    for size in range(1, top + 1):
        first = (first + count[size - 1]) << 1
        code = first
        for i, n in enumerate(lengths):
            if n == size:
                codes[i] = code
                code += 1
    return codes


class _Bits:
    def __init__(self) -> None:
        self.out, self.acc, self.n = bytearray(), 0, 0

    def put(self, value: int, count: int) -> None:
        for shift in range(count - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> shift) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                self.acc, self.n = 0, 0

    def align(self) -> None:
        if self.n:
            self.put(0, 8 - self.n)

    def raw(self, data: bytes) -> None:
        self.align()
        self.out += data

    def table(self, table: Any, value: int | None) -> None:
        lines, low, high, oob = table
        rows = [*lines, low, high] + ([(oob, 0, 0)] if oob else [])
        codes = _canonical([r[0] for r in rows])
        if value is None:
            self.put(codes[-1], oob)
            return
        for i, (prefix, size, start) in enumerate(lines):
            if prefix and start <= value < start + (1 << size):
                self.put(codes[i], prefix)
                self.put(value - start, size)
                return
        if value < lines[0][2] and low[0]:
            self.put(codes[len(lines)], low[0])
            self.put(low[2] - value, 32)
            return
        assert high[0] and value >= high[2], value
        self.put(codes[len(lines) + 1], high[0])
        self.put(value - high[2], 32)


def _segment(number: int, kind: int, data: bytes, page: int, refers: Sequence[int] = ()) -> bytes:
    head = struct.pack(">IB", number, kind) + bytes([len(refers) << 5])
    head += bytes(refers)  # segment numbers up to 256: one byte each
    return head + struct.pack(">BI", page, len(data)) + data


def jbig2_symbols(bits: Image.Image) -> tuple[bytes, bytes]:
    """``bits`` as JBIG2 the way symbol-coding encoders write it: the glyph shapes (each
    connected component's box, identical ones once) in a Huffman-coded symbol dictionary
    put in the globals stream (``/JBIG2Globals``), and a page whose text region places them.
    Returns (globals, page data). Lossless: every instance is the page's own pixels."""
    import cv2
    import numpy as np

    black = (np.asarray(bits.convert("L")) < 128).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(black, connectivity=8)
    shapes: dict[bytes, int] = {}
    glyphs: list[np.ndarray] = []
    placed: list[tuple[int, int, int]] = []  # (top, left, symbol)
    for x, y, w, h, _ in stats[1:count]:
        crop = black[y:y + h, x:x + w]
        key = struct.pack(">HH", w, h) + crop.tobytes()
        if key not in shapes:
            shapes[key] = len(glyphs)
            glyphs.append(crop)
        placed.append((int(y), int(x), shapes[key]))
    # Symbols are coded in height classes of rising height, each of rising width; a symbol's
    # ID is its place in that order.
    order = sorted(range(len(glyphs)), key=lambda i: (glyphs[i].shape[0], glyphs[i].shape[1]))
    ids = {old: new for new, old in enumerate(order)}
    stream = _Bits()
    height = 0
    for h in sorted({glyphs[i].shape[0] for i in order}):
        members = [glyphs[i] for i in order if glyphs[i].shape[0] == h]
        stream.table(_B4, h - height)
        height, width = h, 0
        for glyph in members:
            stream.table(_B2, glyph.shape[1] - width)
            width = glyph.shape[1]
        stream.table(_B2, None)  # OOB: the height class ends
        stream.table(_B1, 0)  # BMSIZE 0: the collective bitmap is stored uncompressed
        stream.raw(np.packbits(np.hstack(members), axis=1).tobytes())
    stream.table(_B1, 0)  # export flags: none not exported, then all exported
    stream.table(_B1, len(glyphs))
    stream.align()
    flags = struct.pack(">H", 0x0001)  # SDHUFF; tables B.4, B.2, B.1, B.1; no refinement
    dictionary = flags + struct.pack(">II", len(glyphs), len(glyphs)) + bytes(stream.out)

    text = _Bits()
    code_len = max(1, (len(glyphs) - 1).bit_length())
    # The symbol ID table: run codes 0-34 with 4-bit lengths; run code `code_len` (and one
    # other, to make a full code) are 1 bit long, and every symbol's length is that run code.
    other = code_len + 1 if code_len < 31 else code_len - 1
    for run in range(35):
        text.put(1 if run in (code_len, other) else 0, 4)
    run_bit = 0 if code_len < other else 1
    for _ in glyphs:
        text.put(run_bit, 1)
    text.align()
    text.table(_B11, 1)  # STRIPT starts at -1
    strip_t, first_s = -1, 0
    rows: dict[int, list[tuple[int, int]]] = {}
    for top, left, symbol in placed:
        rows.setdefault(top, []).append((left, ids[symbol]))
    for top in sorted(rows):
        text.table(_B11, top - strip_t)
        strip_t = top
        cur_s = None
        for left, symbol in sorted(rows[top]):
            if cur_s is None:
                text.table(_B6, left - first_s)
                first_s = left
            else:
                text.table(_B8, left - cur_s)
            text.put(symbol, code_len)
            cur_s = left + glyphs[order[symbol]].shape[1] - 1
        text.table(_B8, None)  # OOB: the strip ends
    text.align()
    w, h = bits.size
    region = struct.pack(">IIIIB", w, h, 0, 0, 0)
    text_flags = struct.pack(">HH", 0x0001 | (1 << 4), 0)  # SBHUFF, REFCORNER top-left; B.6/8/11
    text_region = region + text_flags + struct.pack(">I", len(placed)) + bytes(text.out)
    page_info = struct.pack(">IIIIBH", w, h, 0, 0, 0, 0)
    globals_data = _segment(0, 0, dictionary, page=0)
    page = (_segment(1, 48, page_info, page=1) + _segment(2, 6, text_region, page=1, refers=[0])
            + _segment(3, 49, b"", page=1))
    return globals_data, page
