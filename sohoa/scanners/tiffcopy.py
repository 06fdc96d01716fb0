"""Taking one page out of a multi-page TIFF without decoding it.

A scanner's TIFF holds each page as compressed strips (CCITT G4 for bilevel, JPEG for grey and
colour). Copying those strips with the tags that describe them into a single-page TIFF keeps
the page bit-for-bit as scanned: no second JPEG generation, no 10x larger PNG. Only classic
TIFF is handled; anything unusual (BigTIFF, old-style JPEG, uncompressed data, unknown
layouts) returns None and the caller re-encodes losslessly instead.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
# Tags that describe the pixels; everything else (page numbers, software, EXIF and sub-IFD
# pointers whose offsets would dangle) is left behind.
_KEEP = frozenset({
    256, 257, 258, 259, 262, 266, 273, 274, 277, 278, 279, 282, 283, 284, 292, 293, 296, 317,
    318, 319, 320, 322, 323, 324, 325, 338, 339, 347, 529, 530, 531, 532, 34675,
})
# Worth copying: G3, G4, LZW, JPEG, Deflate (both codes), PackBits. Uncompressed pages are better
# stored as PNG, and old-style JPEG (6) cannot stand on its own.
_COPYABLE = frozenset({3, 4, 5, 7, 8, 32946, 32773})
_MAX_IFDS = 100_000
STRIPS = {273: 279, 324: 325}  # offsets tag -> byte-counts tag


class TruncatedPage(Exception):
    """The page's strips run past the end of the file."""


def ifd_offsets(path: Path) -> list[int] | None:
    """Offsets of every page directory of a classic TIFF, or None for anything else.

    Raises ``TruncatedPage`` when a directory or a page's strips lie past the end of the file:
    the scan was cut off, and PIL would silently report fewer pages.
    """
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(8)
        order = _order(head)
        if order is None:
            return None
        offsets: list[int] = []
        offset = struct.unpack(order + "I", head[4:8])[0]
        while offset and len(offsets) < _MAX_IFDS:
            if offset in offsets:
                return None  # a loop in the directory chain
            offsets.append(offset)
            f.seek(offset)
            raw = f.read(2)
            if len(raw) < 2:
                raise TruncatedPage
            (count,) = struct.unpack(order + "H", raw)
            if offset + 2 + 12 * count + 4 > size:
                raise TruncatedPage
            entries = _read_ifd(f, order, offset)
            if entries is None:
                return None  # unusual but maybe valid: let PIL judge page by page
            for offsets_tag, counts_tag in STRIPS.items():
                ends = [o + c for o, c in zip(_ints(entries.get(offsets_tag), order),
                                              _ints(entries.get(counts_tag), order),
                                              strict=False)]
                if ends and max(ends) > size:
                    raise TruncatedPage
            f.seek(offset + 2 + 12 * count)
            (offset,) = struct.unpack(order + "I", f.read(4))
        return offsets


def copy_tiff_page(path: Path, ifd_offset: int) -> bytes | None:
    """The page at ``ifd_offset`` as a single-page TIFF with its strips copied as they are.

    Raises ``TruncatedPage`` when the strip data is cut off; None when the page is not a kind
    worth copying.
    """
    with path.open("rb") as f:
        order = _order(f.read(8))
        if order is None:
            return None
        entries = _read_ifd(f, order, ifd_offset)
        if entries is None:
            return None
        compression = _ints(entries.get(259), order)
        if not compression or compression[0] not in _COPYABLE:
            return None
        layout = next(((o, c) for o, c in STRIPS.items() if o in entries and c in entries), None)
        if layout is None:
            return None
        offsets = _ints(entries[layout[0]], order)
        counts = _ints(entries[layout[1]], order)
        if not offsets or len(offsets) != len(counts):
            return None
        chunks = []
        for offset, count in zip(offsets, counts, strict=True):
            f.seek(offset)
            chunk = f.read(count)
            if len(chunk) < count:
                raise TruncatedPage
            chunks.append(chunk)
    return _write(order, entries, layout, chunks)


def _order(head: bytes) -> str | None:
    if head[:4] == b"II*\x00":
        return "<"
    if head[:4] == b"MM\x00*":
        return ">"
    return None


def _read_ifd(f: BinaryIO, order: str, offset: int) -> dict[int, tuple[int, int, bytes]] | None:
    """tag -> (type, count, raw value bytes in the file's byte order)."""
    f.seek(offset)
    raw = f.read(2)
    if len(raw) < 2:
        return None
    (n,) = struct.unpack(order + "H", raw)
    table = f.read(12 * n)
    if len(table) < 12 * n:
        return None
    entries: dict[int, tuple[int, int, bytes]] = {}
    for i in range(n):
        tag, typ, count, value = struct.unpack(order + "HHI4s", table[12 * i:12 * i + 12])
        if tag not in _KEEP:
            continue
        size = _TYPE_SIZES.get(typ)
        if size is None:
            return None
        length = size * count
        if length <= 4:
            data = value[:length]
        else:
            here = f.tell()
            f.seek(struct.unpack(order + "I", value)[0])
            data = f.read(length)
            f.seek(here)
            if len(data) < length:
                return None
        entries[tag] = (typ, count, data)
    return entries


def _ints(entry: tuple[int, int, bytes] | None, order: str) -> list[int]:
    if entry is None:
        return []
    typ, count, data = entry
    code = {3: "H", 4: "I", 1: "B"}.get(typ)
    if code is None:
        return []
    return list(struct.unpack(f"{order}{count}{code}", data))


def _write(order: str, entries: dict[int, tuple[int, int, bytes]], layout: tuple[int, int],
           chunks: list[bytes]) -> bytes:
    offsets_tag, counts_tag = layout
    n_strips = len(chunks)
    # Offsets and byte counts are rewritten as LONG arrays; their values are filled in below.
    entries = dict(entries)
    entries[offsets_tag] = (4, n_strips, b"\x00" * 4 * n_strips)
    entries[counts_tag] = (4, n_strips, struct.pack(f"{order}{n_strips}I",
                                                    *(len(c) for c in chunks)))
    tags = sorted(entries)
    pos = 8 + 2 + 12 * len(tags) + 4
    placed: dict[int, int] = {}
    for tag in tags:
        data = entries[tag][2]
        if len(data) > 4:
            pos += pos & 1  # values start on a word boundary
            placed[tag] = pos
            pos += len(data)
    strip_offsets = []
    for chunk in chunks:
        pos += pos & 1
        strip_offsets.append(pos)
        pos += len(chunk)
    entries[offsets_tag] = (4, n_strips, struct.pack(f"{order}{n_strips}I", *strip_offsets))

    out = bytearray()
    out += (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", 8)
    out += struct.pack(order + "H", len(tags))
    for tag in tags:
        typ, count, data = entries[tag]
        value = struct.pack(order + "I", placed[tag]) if tag in placed else data.ljust(4, b"\0")
        out += struct.pack(order + "HHI", tag, typ, count) + value
    out += struct.pack(order + "I", 0)
    for tag in tags:
        if tag in placed:
            out += b"\0" * (placed[tag] - len(out))
            out += entries[tag][2]
    for offset, chunk in zip(strip_offsets, chunks, strict=True):
        out += b"\0" * (offset - len(out))
        out += chunk
    return bytes(out)
