"""Shared helpers for the OCR tests. Fixtures of the recognition/PDF tests are prefixed ``ocr_``.

Pages are rendered here with PIL and a system Noto font: a Vietnamese administrative page with
the usual two-column header, small enough (150 dpi, a half A4) to keep Tesseract quick.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PIL import Image, ImageDraw, ImageFont

OCR_FONT = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"
OCR_FONT_BOLD = "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf"
OCR_DPI = 150

OCR_LEFT_HEADER = ("ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ", "Số: 42/2024")
OCR_RIGHT_HEADER = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
OCR_TITLE = "GIẤY KHAI SINH"
OCR_BODY = (
    "Họ và tên: Nguyễn Thị Lan",
    "Số định danh cá nhân: 075190000042",
    "Nơi sinh: Bệnh viện Đa khoa tỉnh Đồng Nai",
)


@dataclass(frozen=True)
class OcrSample:
    image: Image.Image  # upright, RGB
    lines: tuple[str, ...]  # in reading order


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(OCR_FONT_BOLD if bold else OCR_FONT, size)
    except OSError:
        return ImageFont.truetype(OCR_FONT, size)


def ocr_render_page(width: int = 1240, height: int = 860) -> OcrSample:
    """An upright administrative page: two-column header, centred title, three body lines."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    header = _font(24, bold=True)
    body = _font(28)

    def centred(text: str, x_centre: float, y: int, font: ImageFont.FreeTypeFont) -> None:
        draw.text((x_centre - draw.textlength(text, font=font) / 2, y), text, font=font, fill=0)

    for i, text in enumerate(OCR_LEFT_HEADER):
        centred(text, width * 0.22, 60 + i * 44, header)
    for i, text in enumerate(OCR_RIGHT_HEADER):
        centred(text, width * 0.72, 60 + i * 44, header)
    centred(OCR_TITLE, width / 2, 260, _font(40, bold=True))
    for i, text in enumerate(OCR_BODY):
        draw.text((110, 380 + i * 80), text, font=body, fill=0)
    lines = (*OCR_LEFT_HEADER, *OCR_RIGHT_HEADER, OCR_TITLE, *OCR_BODY)
    return OcrSample(image=image, lines=lines)


def ocr_encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


@pytest.fixture(scope="session")
def ocr_page() -> OcrSample:
    return ocr_render_page()


@pytest.fixture(scope="session")
def ocr_page_jpeg(ocr_page: OcrSample) -> bytes:
    return ocr_encode(ocr_page.image, "JPEG", quality=88, dpi=(OCR_DPI, OCR_DPI))


@pytest.fixture(scope="session")
def ocr_recognized(ocr_page_jpeg: bytes):  # -> sohoa.records.OcrPage
    """The upright sample page recognized once for the whole session (Tesseract is the cost)."""
    from sohoa.doctypes import load_registry
    from sohoa.ocr import recognize_page
    from sohoa.ocr.correct import load_lexicon
    from sohoa.records import sha256_hex

    return recognize_page(ocr_page_jpeg, lexicon=load_lexicon(load_registry()),
                          page_sha256=sha256_hex(ocr_page_jpeg), dpi=OCR_DPI)


@pytest.fixture(scope="session")
def ocr_render() -> Callable[..., OcrSample]:
    return ocr_render_page


@pytest.fixture(scope="session")
def ocr_dpi() -> int:
    return OCR_DPI


@pytest.fixture(scope="session")
def ocr_encoder() -> Callable[..., bytes]:
    return ocr_encode
