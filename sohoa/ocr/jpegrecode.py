"""The scanner's JPEG, losslessly re-coded for the archival PDF: the same pixels in fewer bytes.

Scanners and most libraries write baseline JPEGs with the standard Huffman tables of the JPEG
specification's annex K. ``jpegtran -optimize`` (libjpeg-turbo) rewrites the entropy coding
only, with Huffman tables made for this image: the quantized DCT coefficients, and so every
decoded pixel, stay exactly what the scanner wrote, while the file shrinks by about 7%. That is
what brings the archival PDF/A, which adds the text layer on top of the scan, to no more bytes
than the input (issue 18). Progressive coding (``-progressive``) would save about 13% but costs
twice the CPU to write and to decode every time the page is viewed (bench/RESULTS.md, "Archival
output no larger than the input"); the file stays baseline.

Nothing is trusted blindly: the re-coded file is decoded and compared with the original pixel
for pixel, and kept only when it is identical and smaller; otherwise (or without ``jpegtran``)
the scanner's bytes go in as they were. The input file's own SHA-256 stays recorded
(``known_inputs``) and the page image blob keeps the scanner's bytes: provenance is not lost.
The ICC profile, if the scan has one, is copied; other metadata (EXIF, comments) is not, as a
PDF reader uses none of it.
"""

from __future__ import annotations

import io
import shutil
import subprocess

from PIL import Image

# A page's JPEG is re-coded in ≈0.07 s; a stuck tool must not hold the document.
TIMEOUT_S = 30.0


def jpegtran() -> str | None:
    """The ``jpegtran`` command (Debian's libjpeg-turbo-progs), or None when it is missing."""
    return shutil.which("jpegtran")


def leaner_jpeg(data: bytes, decoded: Image.Image | None = None) -> bytes:
    """``data`` (a JPEG) re-coded losslessly when that makes it smaller, else ``data`` itself.
    ``decoded``: ``data`` already decoded by Pillow (the page read for recognition), compared
    with the re-coded file instead of decoding ``data`` once more."""
    tool = jpegtran()
    if tool is None:
        return data
    try:
        done = subprocess.run([tool, "-copy", "icc", "-optimize"], input=data,
                              capture_output=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return data
    recoded = done.stdout
    if done.returncode != 0 or not recoded or len(recoded) >= len(data):
        return data
    return recoded if same_pixels(data, recoded, decoded) else data


def same_pixels(a: bytes, b: bytes, decoded: Image.Image | None = None) -> bool:
    """Whether two images decode (Pillow) to the same mode, size and pixels; ``decoded``: ``a``
    as Pillow decoded it already."""
    try:
        with Image.open(io.BytesIO(b)) as second:
            if decoded is not None:
                return _same(decoded, second)
            with Image.open(io.BytesIO(a)) as first:
                return _same(first, second)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False


def _same(first: Image.Image, second: Image.Image) -> bool:
    if (first.mode, first.size) != (second.mode, second.size):
        return False
    return first.tobytes() == second.tobytes()
