"""Opening images with PIL without letting its bomb guard or decoder errors escape.

PIL's own guard (``Image.MAX_IMAGE_PIXELS``) is a process-wide global; sohoa checks the declared
size against ``InputLimits`` itself and only silences PIL's warning, so that other users of PIL in
the same process keep their settings.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from PIL import Image

# Exceptions PIL and its codecs raise on damaged data. MemoryError is included: a stream that
# declares a modest size can still ask the decoder for absurd buffers.
DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    zlib.error,
    MemoryError,
    Image.DecompressionBombError,
)


@contextmanager
def quiet_bomb_warning() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        # PIL warns about odd metadata (corrupt EXIF, unknown tags) that changes nothing for a
        # scan; a desk PC's log is no place for it.
        warnings.simplefilter("ignore", UserWarning)
        yield


def is_truncation(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "truncated" in text or isinstance(exc, EOFError) or "premature end" in text


def validate_jpeg(data: bytes) -> tuple[int, int, dict[str, object]]:
    """Decode a whole JPEG stream cheaply and return its size and metadata.

    ``draft`` makes libjpeg scale by 1/8 during the IDCT, which still reads every entropy-coded
    byte, so a truncated or corrupt stream fails here for a fraction of a full decode.
    """
    with quiet_bomb_warning():
        im = Image.open(io.BytesIO(data), formats=["JPEG"])
        size, info = im.size, dict(im.info)
        im.draft(im.mode, (max(1, size[0] // 8), max(1, size[1] // 8)))
        im.load()
    return size[0], size[1], info


def decoded_png(image: Image.Image, dpi: int) -> bytes:
    """Encode decoded pixels losslessly as PNG (what the archival PDF can carry as is).
    Wide grey (16-bit) becomes 8-bit: every reader downstream (blank test, OCR, PDF/A) works
    on 8 bits, and PIL's own conversion would clip it to white."""
    image = eight_bit(image)
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGB")
    buf = io.BytesIO()
    # compress_level 1: the archive stores these once; speed matters more than the last few %.
    image.save(buf, format="PNG", dpi=(dpi, dpi), compress_level=1)
    return buf.getvalue()


def g4_tiff(image: Image.Image, dpi: int) -> bytes:
    """A bilevel page as a single-page CCITT G4 TIFF: lossless, and as small as a scanner's.
    One strip (RowsPerStrip = height): the archival PDF then carries its G4 data as it is
    instead of decoding and coding the page again."""
    buf = io.BytesIO()
    image = image.convert("1")
    image.save(buf, format="TIFF", compression="group4", dpi=(dpi, dpi),
               tiffinfo={278: image.height})
    return buf.getvalue()


WIDE_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I")


def grey8(image: Image.Image) -> np.ndarray:
    """The page as 8-bit grey levels, whatever its mode.

    PIL's ``convert("L")`` clips 16- and 32-bit grey to 0..255 instead of scaling: a 16-bit
    scan (white = 65535) would come out all white and its text vanish. Wide grey is scaled by
    its nominal range instead (16 bits for I;16, and for "I" too when its values fit 16 bits).
    """
    if image.mode == "L":
        return np.asarray(image)
    if image.mode in WIDE_MODES or image.mode == "F":
        wide = np.asarray(image)
        if image.mode == "F":
            top = 1.0 if float(wide.max(initial=0)) <= 1.0 else 255.0
            return np.clip(wide * (255.0 / top), 0, 255).astype(np.uint8)
        top = 65535 if image.mode != "I" or int(wide.max(initial=0)) > 255 else 255
        if top == 255:
            return np.clip(wide, 0, 255).astype(np.uint8)
        return (np.clip(wide.astype(np.uint32), 0, 65535) >> 8).astype(np.uint8)
    return np.asarray(image.convert("L"))


def eight_bit(image: Image.Image) -> Image.Image:
    """A wide-grey image (16/32-bit) as 8-bit grey ("L"), scaled, not clipped; others as they
    are."""
    if image.mode in WIDE_MODES or image.mode == "F":
        return Image.fromarray(grey8(image), "L")
    return image


def reduced(image: Image.Image, max_pixels: int) -> tuple[Image.Image, int]:
    """The image shrunk by the smallest whole factor that brings it within ``max_pixels``, and
    that factor (1: the image itself). ``Image.reduce`` averages boxes of factor × factor
    pixels in one pass, without the float copies a resize makes: a 120-Mpx page becomes 30 Mpx
    for about the cost of reading it once."""
    pixels = image.width * image.height
    if pixels <= max_pixels or max_pixels <= 0:
        return image, 1
    factor = 2
    while pixels / (factor * factor) > max_pixels:
        factor += 1
    if image.mode in ("1", "P") or image.mode in WIDE_MODES:
        image = image.convert("L") if image.mode != "P" else image.convert("RGB")
    return image.reduce(factor), factor
