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
