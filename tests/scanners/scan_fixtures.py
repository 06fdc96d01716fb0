"""Synthetic page images for the scanner tests, made with PIL and numpy (nothing downloaded)."""

from __future__ import annotations

import io

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"
A4_MM = (210, 297)
LOREM = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam — Độc lập, Tự do, Hạnh phúc. Giấy tiếp nhận hồ sơ và "
    "hẹn trả kết quả, số hồ sơ, họ và tên người nộp, địa chỉ thường trú, số định danh cá nhân."
)


def a4(dpi: int) -> tuple[int, int]:
    return round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)


def font(points: float, dpi: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, round(points / 72 * dpi))


def paper(dpi: int, seed: int, level: int = 245, sigma: float = 4.0) -> np.ndarray:
    """Off-white paper with sensor noise and a gentle light gradient, as a float array."""
    w, h = a4(dpi)
    rng = np.random.default_rng(seed)
    gradient = np.linspace(-6, 6, w)[None, :] + np.linspace(-4, 4, h)[:, None]
    return level + gradient + rng.normal(0, sigma, (h, w))


def to_image(arr: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")


def text_page(dpi: int = 200, seed: int = 0, lines: int = 30, points: float = 11) -> Image.Image:
    """A page of Vietnamese running text."""
    img = to_image(paper(dpi, seed))
    draw = ImageDraw.Draw(img)
    f = font(points, dpi)
    words = LOREM.split()
    rng = np.random.default_rng(seed)
    y = round(25 / 25.4 * dpi)
    step = round(points * 1.6 / 72 * dpi)
    for _ in range(lines):
        start = int(rng.integers(0, len(words)))
        line = " ".join((words * 2)[start:start + 12])
        draw.text((round(20 / 25.4 * dpi), y), line, font=f, fill=25)
        y += step
    return img


def one_line_page(text: str, dpi: int = 200, seed: int = 0, points: float = 10,
                  where: tuple[float, float] = (0.45, 0.92), ink: int = 30) -> Image.Image:
    """A near-empty page with one short line (a page number, a stray 'Trang 2')."""
    img = to_image(paper(dpi, seed))
    draw = ImageDraw.Draw(img)
    draw.text((round(img.width * where[0]), round(img.height * where[1])), text,
              font=font(points, dpi), fill=ink)
    return img


def speckled(img: Image.Image, seed: int, count: int = 300) -> Image.Image:
    """Scanner dust: isolated dark specks of 1-3 px, and a few hair-thin lint fibres."""
    arr = np.asarray(img).astype(np.float32).copy()
    rng = np.random.default_rng(seed)
    h, w = arr.shape
    for _ in range(count):
        y, x = int(rng.integers(0, h - 3)), int(rng.integers(0, w - 3))
        s = int(rng.integers(1, 4))
        arr[y:y + s, x:x + s] = rng.uniform(20, 120)
    return to_image(arr)


def show_through(front: Image.Image, seed: int, strength: float = 0.06,
                 blur: int = 3) -> Image.Image:
    """The back of a sheet: the front's text mirrored, blurred and at a few % contrast."""
    from PIL import ImageFilter

    dpi_guess = front.width / (A4_MM[0] / 25.4)
    mirrored = front.transpose(Image.Transpose.FLIP_LEFT_RIGHT).filter(
        ImageFilter.GaussianBlur(blur))
    ink = 255.0 - np.asarray(mirrored).astype(np.float32)
    back = paper(round(dpi_guess), seed)[: front.height, : front.width]
    return to_image(back - strength * ink)


def barcode_image(text: str, kind: str, module_px: int) -> Image.Image:
    fmt = zxingcpp.BarcodeFormat.QRCode if kind == "qr" else zxingcpp.BarcodeFormat.Code128
    bc = zxingcpp.create_barcode(text, fmt)
    img = Image.fromarray(np.asarray(bc.to_image(scale=module_px)), "L")
    if kind == "code128":
        img = img.resize((img.width, max(img.height, 40 * module_px)), Image.Resampling.NEAREST)
    return img


def code_sheet(code: str, kinds: tuple[str, ...] = ("qr", "code128"), dpi: int = 200,
               seed: int = 0, rotation: int = 0, noise: float = 10.0,
               bilevel: bool = False, salt: float = 0.0, text: bool = True) -> Image.Image:
    """A receipt sheet with the dossier code as QR (0.5 mm modules) and/or Code 128 (0.25 mm
    bars at 300 dpi, 0.38 mm at 200 dpi), then some text, as a desk printer and scanner make it."""
    base = text_page(dpi, seed, lines=18) if text else to_image(paper(dpi, seed))
    arr = np.asarray(base).astype(np.float32).copy()
    rng = np.random.default_rng(seed + 1)
    x = round(140 / 25.4 * dpi)
    y = round(8 / 25.4 * dpi)
    for kind in kinds:
        module = max(2, round((0.5 if kind == "qr" else 0.25) / 25.4 * dpi))
        sym = np.asarray(barcode_image(code, kind, module)).astype(np.float32)
        if kind == "code128":
            x_c = round(15 / 25.4 * dpi)
            y_c = a4(dpi)[1] - sym.shape[0] - round(12 / 25.4 * dpi)
            region = arr[y_c:y_c + sym.shape[0], x_c:x_c + sym.shape[1]]
            arr[y_c:y_c + sym.shape[0], x_c:x_c + sym.shape[1]] = np.minimum(region, sym + 15)
        else:
            region = arr[y:y + sym.shape[0], x:x + sym.shape[1]]
            arr[y:y + sym.shape[0], x:x + sym.shape[1]] = np.minimum(region, sym + 15)
    arr += rng.normal(0, noise, arr.shape)
    img = to_image(arr)
    if bilevel:
        bits = np.asarray(img) > 150
        if salt:
            flip = rng.random(bits.shape) < salt
            bits = np.where(flip, ~bits, bits)
        img = Image.fromarray(bits).convert("1")
    if rotation:
        img = img.rotate(-rotation, expand=True)
    return img


def encode(img: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **params)
    return buf.getvalue()


# --- PDFs -------------------------------------------------------------------------------------


def image_pdf(path: object, images: list[dict[str, object]], dpi: int = 200) -> None:
    """A scanner-style PDF: each page one image drawn edge to edge.

    Each dict gives ``data`` (the stream bytes), ``width``, ``height`` and optionally
    ``filter``, ``colorspace``, ``bpc`` and ``parms`` (DecodeParms).
    """
    import pikepdf

    pdf = pikepdf.new()
    for spec in images:
        w, h = int(spec["width"]), int(spec["height"])  # type: ignore[call-overload]
        stream = pikepdf.Stream(pdf, spec["data"])  # type: ignore[arg-type]
        stream.Type = pikepdf.Name.XObject
        stream.Subtype = pikepdf.Name.Image
        stream.Width, stream.Height = w, h
        stream.ColorSpace = pikepdf.Name(str(spec.get("colorspace", "/DeviceGray")))
        stream.BitsPerComponent = int(spec.get("bpc", 8))  # type: ignore[call-overload]
        if "filter" in spec:
            stream.Filter = pikepdf.Name(str(spec["filter"]))
        if "parms" in spec:
            stream.DecodeParms = pikepdf.Dictionary(spec["parms"])
        pw, ph = w / dpi * 72, h / dpi * 72
        page = pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, pw, ph],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream)),
            Contents=pikepdf.Stream(pdf, f"q {pw:.4f} 0 0 {ph:.4f} 0 0 cm /Im0 Do Q".encode()),
        ))
        pdf.pages.append(page)
    pdf.save(path)


def jpeg_spec(img: Image.Image, quality: int = 80) -> dict[str, object]:
    return {"data": encode(img, "JPEG", quality=quality), "width": img.width,
            "height": img.height, "filter": "/DCTDecode",
            "colorspace": "/DeviceRGB" if img.mode == "RGB" else "/DeviceGray"}


def text_pdf(path: object, text: str = "Trang 2 - Giay tiep nhan") -> None:
    """A born-digital page: vector text in a standard font, no image at all."""
    import pikepdf

    pdf = pikepdf.new()
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica)
    content = f"BT /F1 24 Tf 72 700 Td ({text}) Tj ET".encode()
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pikepdf.Stream(pdf, content),
    )))
    pdf.save(path)


def png_bomb(width: int = 40000, height: int = 40000) -> bytes:
    """A tiny PNG whose header declares a huge image."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))
