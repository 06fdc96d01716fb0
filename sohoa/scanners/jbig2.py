"""JBIG2 image data from a PDF decoded exactly, with its global segments (``/JBIG2Globals``).

A JBIG2 scan (symbol dictionaries shared between pages, text regions placing the symbols,
generic regions) is decoded by jbig2dec (``libjbig2dec.so.0``, package libjbig2dec0, which
the Makefile installs; Ghostscript uses the same library) through ctypes: pikepdf hands JBIG2
to a ``jbig2dec`` command that Debian does not ship, and rendering the page through poppler
instead (what was done before) resamples it and moves pixels along every edge.

jbig2dec allocates what the segments declare. Before any byte reaches it, the segment headers
are read here and a page, region or stripe larger than the image the PDF declares (whose size
the input limits already checked), or a dictionary declaring more symbols or patterns than such
a page could hold, is refused, so a 1 KB stream cannot ask for gigabytes.
"""

from __future__ import annotations

import ctypes
import struct
from functools import cache

from PIL import Image

_EMBEDDED = 1  # JBIG2_OPTIONS_EMBEDDED: PDF's headerless stream of segments
_FATAL = 3  # JBIG2_SEVERITY_FATAL
_PAGE_INFO = 48
_END_OF_STRIPE = 50
_SYMBOLS = 0
_PATTERNS = 16
_HALFTONES = {20, 22, 23}
# Symbols one dictionary may declare: a dictionary shared by a long document holds tens of
# thousands; jbig2dec allocates its tables for the declared count before reading any.
_MAX_SYMBOLS = 1 << 18
# Segment types that start with a region segment information field (7.4.1): generic,
# refinement, text and halftone regions, intermediate or immediate.
_REGIONS = {4, 6, 7, 20, 22, 23, 36, 38, 39, 40, 42, 43}
_UNKNOWN_LENGTH = 0xFFFFFFFF


class Jbig2Error(Exception):
    """The data does not decode to the declared image."""


class Jbig2TooLarge(ValueError):
    """The segments declare a page or region larger than the image: a hostile or broken
    file, which no decoder (poppler's neither) should be given."""


class _Image(ctypes.Structure):
    _fields_ = [("width", ctypes.c_uint32), ("height", ctypes.c_uint32),
                ("stride", ctypes.c_uint32), ("data", ctypes.POINTER(ctypes.c_uint8)),
                ("refcount", ctypes.c_int)]


_Callback = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                             ctypes.c_uint32)


@cache
def _lib() -> ctypes.CDLL:
    try:
        lib = ctypes.CDLL("libjbig2dec.so.0")
    except OSError as exc:
        raise Jbig2Error("thiếu thư viện giải mã JBIG2 (libjbig2dec0)") from exc
    lib.jbig2_ctx_new_imp.restype = ctypes.c_void_p
    lib.jbig2_ctx_new_imp.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, _Callback,
                                      ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    lib.jbig2_data_in.restype = ctypes.c_int
    lib.jbig2_data_in.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.jbig2_make_global_ctx.restype = ctypes.c_void_p
    lib.jbig2_make_global_ctx.argtypes = [ctypes.c_void_p]
    lib.jbig2_global_ctx_free.argtypes = [ctypes.c_void_p]
    lib.jbig2_complete_page.argtypes = [ctypes.c_void_p]
    lib.jbig2_page_out.restype = ctypes.POINTER(_Image)
    lib.jbig2_page_out.argtypes = [ctypes.c_void_p]
    lib.jbig2_release_page.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Image)]
    lib.jbig2_ctx_free.argtypes = [ctypes.c_void_p]
    return lib


class _Errors:
    def __init__(self) -> None:
        self.fatal: list[str] = []
        # kept on the instance: ctypes must not free the callback while jbig2dec holds it
        self.callback = _Callback(self._note)

    def _note(self, _data: object, message: bytes | None, severity: int, _segment: int) -> None:
        if severity >= _FATAL and message:
            self.fatal.append(message.decode(errors="replace"))


def _new_ctx(lib: ctypes.CDLL, global_ctx: int | None, errors: _Errors) -> int:
    # jbig2dec refuses a context made for other headers than its own (0.19 in Debian 12,
    # 0.20 in 13): the first version it accepts is its own.
    for minor in (19, 20, 18, 21, 17, 22):
        ctx = lib.jbig2_ctx_new_imp(None, _EMBEDDED, global_ctx, errors.callback, None, 0, minor)
        if ctx:
            errors.fatal.clear()
            return int(ctx)
    raise Jbig2Error("thư viện JBIG2 không khởi tạo được: " + "; ".join(errors.fatal[-1:]))


def check_segments(data: bytes, width: int, height: int) -> None:
    """Refuse a page or region larger than the declared ``width`` × ``height`` image."""
    pos = 0
    while pos + 11 <= len(data):
        number, flags, counts = struct.unpack_from(">IBB", data, pos)
        kind = flags & 0x3F
        pos += 6
        referred = counts >> 5
        if referred == 7:  # long form: a 4-byte count and its retention bits
            if pos + 3 > len(data):
                return
            referred = struct.unpack_from(">I", data, pos - 1)[0] & 0x1FFFFFFF
            pos += 3 + (referred + 8) // 8
        pos += referred * (1 if number <= 256 else 2 if number <= 65536 else 4)
        pos += 4 if flags & 0x40 else 1
        if pos + 4 > len(data):
            return
        (length,) = struct.unpack_from(">I", data, pos)
        pos += 4
        if kind == _PAGE_INFO or kind in _REGIONS:
            if pos + 8 > len(data):
                raise Jbig2Error("đoạn dữ liệu JBIG2 bị cắt cụt")
            w, h = struct.unpack_from(">II", data, pos)
            # A page of unknown height (0xffffffff, striped) ends at the declared height.
            if w > width or (h > height and not (kind == _PAGE_INFO and h == 0xFFFFFFFF)):
                raise Jbig2TooLarge(f"JBIG2 khai báo vùng {w}×{h} lớn hơn ảnh {width}×{height}")
            if kind in _HALFTONES and pos + 26 <= len(data):
                # the grid of pattern numbers (7.4.5.1.2), allocated whole before decoding
                grid_w, grid_h = struct.unpack_from(">II", data, pos + 18)
                if grid_w * grid_h > width * height:
                    raise Jbig2TooLarge(f"JBIG2 khai báo lưới bán sắc {grid_w}×{grid_h}, lớn "
                                        f"hơn ảnh {width}×{height}")
        elif kind == _END_OF_STRIPE and pos + 4 <= len(data):
            (row,) = struct.unpack_from(">I", data, pos)
            if row >= height:
                raise Jbig2TooLarge(f"JBIG2 khai báo dải đến dòng {row}, ảnh chỉ cao {height}")
        elif kind == _SYMBOLS:
            _check_symbols(data, pos, width * height)
        elif kind == _PATTERNS and pos + 7 <= len(data):
            pw, ph, grey_max = struct.unpack_from(">BBI", data, pos + 1)
            if (grey_max + 1) * pw * ph > 4 * width * height:
                raise Jbig2TooLarge(f"JBIG2 khai báo {grey_max + 1} mẫu {pw}×{ph}, quá lớn "
                                    f"so với ảnh {width}×{height}")
        if length == _UNKNOWN_LENGTH:
            return  # an immediate generic region of unknown length: the last that can be read
        pos += length


def _check_symbols(data: bytes, pos: int, pixels: int) -> None:
    """A symbol dictionary's symbol counts (7.4.2.1): jbig2dec allocates a table for each
    before decoding a symbol, so 2³¹ declared symbols in a 1 KB stream took 18 GB."""
    if pos + 2 > len(data):
        return
    (flags,) = struct.unpack_from(">H", data, pos)
    at = 0 if flags & 1 else (8 if (flags >> 10) & 3 == 0 else 2)  # SDHUFF, SDTEMPLATE
    if flags & 2 and not (flags >> 12) & 1:  # SDREFAGG with SDRTEMPLATE 0
        at += 4
    start = pos + 2 + at
    if start + 8 > len(data):
        raise Jbig2Error("đoạn từ điển ký hiệu JBIG2 bị cắt cụt")
    exported, new = struct.unpack_from(">II", data, start)
    bound = min(pixels, _MAX_SYMBOLS)
    if exported > bound or new > bound:
        raise Jbig2TooLarge(f"JBIG2 khai báo {max(exported, new)} ký hiệu, quá nhiều")


def decode(data: bytes, globals_data: bytes | None, width: int, height: int) -> Image.Image:
    """The page as a bilevel image, black where JBIG2 has 1 (PDF 7.4.7: the filter's output
    is that image; /Decode and /ImageMask apply to it as to any 1-bit image)."""
    check_segments(data, width, height)
    if globals_data:
        check_segments(globals_data, width, height)
    lib = _lib()
    errors = _Errors()
    global_ctx = None
    ctx = None
    try:
        if globals_data:
            gctx = _new_ctx(lib, None, errors)
            if lib.jbig2_data_in(gctx, globals_data, len(globals_data)) < 0 or errors.fatal:
                lib.jbig2_ctx_free(gctx)
                raise Jbig2Error("JBIG2Globals hỏng: " + "; ".join(errors.fatal[:1]))
            global_ctx = lib.jbig2_make_global_ctx(gctx)  # takes gctx over
        ctx = _new_ctx(lib, global_ctx, errors)
        if lib.jbig2_data_in(ctx, data, len(data)) < 0 or errors.fatal:
            raise Jbig2Error("dữ liệu JBIG2 hỏng: " + "; ".join(errors.fatal[:1]))
        lib.jbig2_complete_page(ctx)
        page = lib.jbig2_page_out(ctx)
        if not page:
            raise Jbig2Error("dữ liệu JBIG2 không có trang nào")
        try:
            got = page.contents
            if (got.width, got.height) != (width, height):
                raise Jbig2Error(f"trang JBIG2 {got.width}×{got.height} khác ảnh khai báo "
                                 f"{width}×{height}")
            raw = ctypes.string_at(got.data, got.stride * got.height)
            # "1;I": a 1 bit is black, as JBIG2 codes it; rows are ``stride`` bytes apart.
            return Image.frombytes("1", (width, height), raw, "raw", "1;I", got.stride)
        finally:
            lib.jbig2_release_page(ctx, page)
    finally:
        if ctx:
            lib.jbig2_ctx_free(ctx)
        if global_ctx:
            lib.jbig2_global_ctx_free(global_ctx)
