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
    """Encode decoded pixels losslessly as PNG (what the archival PDF can carry as is)."""
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        image = image.convert("RGB")
    buf = io.BytesIO()
    # compress_level 1: the archive stores these once; speed matters more than the last few %.
    image.save(buf, format="PNG", dpi=(dpi, dpi), compress_level=1)
    return buf.getvalue()


def g4_tiff(image: Image.Image, dpi: int) -> bytes:
    """A bilevel page as a single-page CCITT G4 TIFF: lossless, and as small as a scanner's."""
    buf = io.BytesIO()
    image.convert("1").save(buf, format="TIFF", compression="group4", dpi=(dpi, dpi))
    return buf.getvalue()
