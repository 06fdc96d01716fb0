"""Test data for the signing tests, made here: small PDFs, a seal picture, tampering."""

from __future__ import annotations

import io
import math
import zlib
from datetime import UTC, datetime, timedelta

import pikepdf
from PIL import Image, ImageDraw

A4 = (595.28, 841.89)
AGENCY = "UBND tỉnh Đồng Nai"
OFFICER_AGENCY = "Bộ phận Một cửa huyện Long Thành"
# The dev certificates are made when the session starts (valid from five minutes before), so the
# signing time is taken just before that rather than fixed.
SIGNED_AT = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)


def scan_image(width: int = 620, height: int = 877) -> bytes:
    """A grey page with a few dark lines, as raw 8-bit grey samples."""
    img = Image.new("L", (width, height), 235)
    draw = ImageDraw.Draw(img)
    for y in range(120, height - 100, 36):
        draw.rectangle((60, y, width - 80 - (y % 5) * 30, y + 10), fill=40)
    return img.tobytes()


def image_pdf(pages: int = 1, *, pdfa: bool = False) -> bytes:
    """A PDF with ``pages`` A4 pages, each a full-page grey image. ``pdfa`` makes it PDF/A-ish:
    the XMP PDF/A identification and object streams, as the pipeline's archival PDFs have."""
    pdf = pikepdf.new()
    width, height = 620, 877
    samples = scan_image(width, height)
    for _ in range(pages):
        image = pikepdf.Stream(pdf, zlib.compress(samples))
        image.Type = pikepdf.Name.XObject
        image.Subtype = pikepdf.Name.Image
        image.Width, image.Height = width, height
        image.ColorSpace = pikepdf.Name.DeviceGray
        image.BitsPerComponent = 8
        image.Filter = pikepdf.Name.FlateDecode
        content = pikepdf.Stream(pdf, f"q {A4[0]} 0 0 {A4[1]} 0 0 cm /Im0 Do Q".encode())
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, A4[0], A4[1]],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
            Contents=content,
        )
        pdf.pages.append(pikepdf.Page(page))
    if pdfa:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
            meta["dc:title"] = "Giấy khai sinh"
    out = io.BytesIO()
    # Archival PDFs from the pipeline (like OCRmyPDF's) use object and xref streams; the signer
    # must append to those too.
    mode = pikepdf.ObjectStreamMode.generate if pdfa else pikepdf.ObjectStreamMode.disable
    pdf.save(out, static_id=True, object_stream_mode=mode)
    return out.getvalue()


# --- tampering, the way an attacker with a PDF library would ---------------------------------


def flip_byte_in_signed_range(pdf: bytes, signature_index: int = 0) -> bytes:
    """Flip one byte of page data inside the first range a signature covers."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    sig = reader.embedded_regular_signatures[signature_index]
    start, length = sig.byte_range[0], sig.byte_range[1]
    # Inside the image stream, well clear of the header and the xref: the file still parses.
    offset = pdf.index(b"stream", start) + 200
    assert start < offset < start + length
    data = bytearray(pdf)
    data[offset] ^= 0x01
    return bytes(data)


def add_page_content(pdf: bytes) -> bytes:
    """An incremental update that draws a black box over page 1 (content change after signing)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    extra = writer.add_object(generic.StreamObject(stream_data=b"q 0 g 100 400 300 80 re f Q"))
    contents = page["/Contents"]
    if isinstance(contents, generic.ArrayObject):
        items = list(contents)
    else:
        items = [page.raw_get("/Contents")]
    page["/Contents"] = generic.ArrayObject([*items, extra])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def remove_signature_field(pdf: bytes, field_name: str) -> bytes:
    """An incremental update that drops a signed field from the form and from page 1."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    acroform = writer.root["/AcroForm"]
    keep = generic.ArrayObject(
        ref for ref in acroform["/Fields"] if ref.get_object().get("/T") != field_name
    )
    acroform["/Fields"] = keep
    writer.update_container(acroform)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    annots = generic.ArrayObject(
        ref for ref in page.get("/Annots", ()) if ref.get_object().get("/T") != field_name
    )
    page["/Annots"] = annots
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def seal_png(path, pixels: int = 420) -> None:
    """A red round seal with a star, on a transparent background (what scanned seals become)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (pixels, pixels), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    red = (200, 20, 30, 255)
    draw.ellipse((4, 4, pixels - 4, pixels - 4), outline=red, width=pixels // 30)
    draw.ellipse((pixels // 6, pixels // 6, pixels * 5 // 6, pixels * 5 // 6), outline=red,
                 width=pixels // 60)
    c, r = pixels / 2, pixels / 8
    star = []
    for i in range(10):
        reach = r if i % 2 == 0 else 0.4 * r
        angle = math.pi / 2 + i * math.pi / 5
        star.append((c + reach * math.cos(angle), c - reach * math.sin(angle)))
    draw.polygon(star, fill=red)
    img.save(path)
