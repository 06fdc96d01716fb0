"""A page image's colours made sRGB through its ICC profile, as a colour-managed viewer shows it.

The archival PDF declares its RGB pages against an sRGB output intent, so an image in another
colour space must arrive in sRGB. CMYK is converted through the profile the producer attached
(the PDF's ``/ICCBased`` stream, else the JPEG's own APP2 profile), else through a default
CMYK profile: Ghostscript's ``default_cmyk.icc`` (package libgs-common, which the Makefile
installs), what poppler and Ghostscript show an untagged CMYK image with. The naive
``R = (1-C)(1-K)`` is what was done before; on a printed colour page it is 20-25 levels off
what a viewer shows. An RGB image tagged with another profile (Adobe RGB, a camera's) is
converted to sRGB too; an sRGB-tagged or grey image is left as it is.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageCms

from sohoa.errors import ConfigError
from sohoa.pdf.pdfa import is_srgb

DEFAULT_CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
# Perceptual, as poppler (with littleCMS) draws an ICC-tagged image: measured within 2-3
# levels of pdftoppm on a printer's CMYK, where relative colorimetric was 6 levels off.
_INTENT = ImageCms.Intent.PERCEPTUAL


class NoCmykProfile(ConfigError):
    """The default CMYK profile is missing: the machine lacks a package the Makefile installs
    (an environment problem, exit 2, not a bad page)."""


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@cache
def _default_cmyk() -> ImageCms.ImageCmsProfile:
    try:
        return ImageCms.ImageCmsProfile(str(DEFAULT_CMYK_PROFILE))
    except (OSError, ImageCms.PyCMSError) as exc:
        raise NoCmykProfile(f"thiếu hồ sơ màu CMYK mặc định {DEFAULT_CMYK_PROFILE} "
                            "(gói libgs-common): chạy lại make install") from exc


def _profile(data: bytes | None, space: str) -> ImageCms.ImageCmsProfile | None:
    """The attached profile when it opens and describes ``space`` ("CMYK", "RGB")."""
    if not data:
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError, ValueError):
        return None
    if profile.profile.xcolor_space.strip() != space:
        return None
    return profile


def tag_jpeg(data: bytes, profile: bytes | None) -> bytes:
    """The JPEG with ``profile`` as its only embedded ICC profile (APP2 ``ICC_PROFILE``
    segments, ICC.1 B.4), or with none when ``profile`` is None; the coded image is not
    touched. The archival PDF declares a JPEG's colours by the profile it carries."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    kept: list[bytes] = []
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF and data[pos + 1] not in (0xDA, 0xD9):
        size = int.from_bytes(data[pos + 2:pos + 4], "big")
        segment = data[pos:pos + 2 + size]
        if not (segment[1] == 0xE2 and segment[4:16] == _ICC_TAG):
            kept.append(segment)
        pos += 2 + size
    chunks = []
    if profile:
        parts = [profile[i:i + _ICC_CHUNK] for i in range(0, len(profile), _ICC_CHUNK)]
        for number, part in enumerate(parts, start=1):
            body = _ICC_TAG + bytes([number, len(parts)]) + part
            chunks.append(b"\xff\xe2" + (len(body) + 2).to_bytes(2, "big") + body)
    insert = 0  # after JFIF (APP0) and Exif (APP1), where writers put the profile
    while insert < len(kept) and kept[insert][1] in (0xE0, 0xE1):
        insert += 1
    return (data[:2] + b"".join(kept[:insert]) + b"".join(chunks) + b"".join(kept[insert:])
            + data[pos:])


_ICC_TAG = b"ICC_PROFILE\x00"
_ICC_CHUNK = 65519  # a segment's 65533 bytes less the tag and the two sequence bytes


def to_srgb(im: Image.Image, icc: bytes | None) -> tuple[Image.Image, str]:
    """``im`` in sRGB, and what was done (Vietnamese, "" when nothing was).

    ``icc`` is the profile the producer attached (PDF ``/ICCBased`` or the JPEG's own)."""
    if im.mode == "CMYK":
        profile = _profile(icc, "CMYK")
        note = "ảnh CMYK chuyển sang sRGB theo hồ sơ màu ICC kèm ảnh"
        if profile is None:
            profile = _default_cmyk()
            note = "ảnh CMYK chuyển sang sRGB theo hồ sơ CMYK mặc định (ảnh không kèm hồ sơ)"
        rgb = ImageCms.profileToProfile(im, profile, _srgb(), renderingIntent=_INTENT,
                                        outputMode="RGB")
        assert rgb is not None
        return rgb, note
    if im.mode == "RGB" and icc and not is_srgb(icc):
        profile = _profile(icc, "RGB")
        if profile is not None:
            rgb = ImageCms.profileToProfile(im, profile, _srgb(), renderingIntent=_INTENT,
                                            outputMode="RGB")
            assert rgb is not None
            return rgb, "ảnh màu theo hồ sơ ICC riêng chuyển sang sRGB"
    return im, ""
