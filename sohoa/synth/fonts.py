"""The fonts the generator prints with, found by path so a missing package fails clearly."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

from sohoa.errors import ConfigError

# Decree 30/2020 asks for Times New Roman; Liberation Serif has its metrics and full Vietnamese
# coverage. Noto Serif and DejaVu Serif are fallbacks on machines without fonts-liberation2.
_CANDIDATES: dict[str, tuple[str, ...]] = {
    "regular": (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    ),
    "bold": (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    ),
    "italic": (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    ),
    "bolditalic": (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-BoldItalic.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-BoldItalic.ttf",
        "/usr/share/fonts/truetype/noto/NotoSerif-BoldItalic.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-BoldItalic.ttf",
    ),
    # The MRZ is printed in OCR-B; a plain monospace face is the closest freely available one.
    "mono": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
        "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf",
    ),
    "sans": (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    ),
    "sansbold": (
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    ),
}

STYLES = tuple(_CANDIDATES)


@cache
def font_path(style: str) -> Path:
    """The first installed font file for ``style``."""
    try:
        candidates = _CANDIDATES[style]
    except KeyError:
        raise ValueError(f"unknown font style {style!r}; use one of {', '.join(STYLES)}") from None
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file():
            return path
    raise ConfigError(
        f"không tìm thấy phông chữ cho kiểu {style!r} (đã tìm {', '.join(candidates)}); "
        "hãy cài các gói Debian fonts-liberation2, fonts-noto-core và fonts-dejavu-core"
    )


@lru_cache(maxsize=256)
def font(style: str, size_px: int) -> ImageFont.FreeTypeFont:
    """A loaded font of ``size_px`` pixels per em; cached because pages reuse a few sizes."""
    return ImageFont.truetype(str(font_path(style)), size_px)
