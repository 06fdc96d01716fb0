"""Image dimensions read straight from file headers.

Used only to word the quarantine reason when PIL's own decompression-bomb guard fires before it
tells us the size: "page 1 is 40000×40000 px" is something a clerk can check on the scanner.
"""

from __future__ import annotations

import struct
from pathlib import Path

# JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic…), not DHT/JPG/DAC.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def declared_size(path: Path) -> tuple[int, int] | None:
    try:
        with path.open("rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return None
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            w, h = struct.unpack(">II", head[16:24])
            return w, h
        if head.startswith(b"\xff\xd8"):
            return _jpeg_size(head)
        if head[:4] in (b"II*\x00", b"MM\x00*"):
            return _tiff_size(head)
    except struct.error:
        return None
    return None


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(head):
        if head[i] != 0xFF:
            return None
        marker = head[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        (length,) = struct.unpack(">H", head[i + 2:i + 4])
        if marker in _SOF:
            h, w = struct.unpack(">HH", head[i + 5:i + 9])
            return w, h
        i += 2 + length
    return None


def _tiff_size(head: bytes) -> tuple[int, int] | None:
    order = "<" if head[:2] == b"II" else ">"
    (offset,) = struct.unpack(order + "I", head[4:8])
    (count,) = struct.unpack(order + "H", head[offset:offset + 2])
    size: dict[int, int] = {}
    for i in range(count):
        entry = head[offset + 2 + 12 * i: offset + 14 + 12 * i]
        tag, typ = struct.unpack(order + "HH", entry[:4])
        if tag in (256, 257):
            size[tag] = struct.unpack(order + ("H" if typ == 3 else "I"), entry[8:10 if typ == 3
                                                                                else 12])[0]
    if 256 in size and 257 in size:
        return size[256], size[257]
    return None
