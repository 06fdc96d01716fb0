"""Page readers for image files: JPEG and PNG (one page each) and TIFF (every frame)."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from sohoa.records import Page, Quarantined
from sohoa.scanners import reasons
from sohoa.scanners.headers import declared_size
from sohoa.scanners.iccolour import to_srgb
from sohoa.scanners.limits import InputLimits
from sohoa.scanners.pdfimage import jpeg
from sohoa.scanners.pilsafe import (
    DECODE_ERRORS,
    WIDE_MODES,
    decoded_png,
    g4_tiff,
    is_truncation,
    quiet_bomb_warning,
    validate_jpeg,
)
from sohoa.scanners.resolution import dpi_from_info
from sohoa.scanners.tiffcopy import TruncatedPage, copy_tiff_page, ifd_offsets

Item = Page | Quarantined


def read_jpeg(path: Path, digest: str, limits: InputLimits) -> Iterator[Item]:
    source = str(path)
    data = path.read_bytes()
    try:
        with quiet_bomb_warning():
            probe = Image.open(io.BytesIO(data), formats=["JPEG"])
            (width, height), mode = probe.size, probe.mode
    except Image.DecompressionBombError:
        yield Quarantined(source, _bomb(path, limits), digest)
        return
    except DECODE_ERRORS as exc:
        yield Quarantined(source, _whole_file_reason(exc), digest)
        return
    problem = limits.pixels_problem(1, width, height)
    if problem:
        yield Quarantined(source, problem, digest)
        return
    note = ""
    try:
        width, height, info = validate_jpeg(data)
        if mode == "CMYK":
            data, note = _cmyk_jpeg(data, dpi_from_info(info))
    except DECODE_ERRORS as exc:
        yield Quarantined(source, _whole_file_reason(exc), digest)
        return
    yield Page(source, 0, digest, data, "image/jpeg", width, height, dpi_from_info(info),
               converted=note)


def _cmyk_jpeg(data: bytes, dpi: int) -> tuple[bytes, str]:
    """A CMYK JPEG file (prepress, some MFPs' "high quality colour") as an sRGB JPEG, through
    its embedded profile or the default CMYK one: the archival PDF declares sRGB, and the
    JPEG would otherwise be made RGB by the naive formula and stored losslessly (several times
    its size). Pillow inverts every CMYK JPEG (Adobe's APP14 convention); one without the
    Adobe marker holds plain CMYK, as libjpeg and viewers read it, so it is turned back."""
    with quiet_bomb_warning():
        im = Image.open(io.BytesIO(data), formats=["JPEG"])
        im.load()
    icc = im.info.get("icc_profile")
    if "adobe" not in im.info:
        im = Image.fromarray(255 - np.asarray(im), "CMYK")
    rgb, note = to_srgb(im, icc if isinstance(icc, bytes) else None)
    return jpeg(rgb, dpi), note


def read_png(path: Path, digest: str, limits: InputLimits) -> Iterator[Item]:
    source = str(path)
    data = path.read_bytes()
    try:
        with quiet_bomb_warning():
            im = Image.open(io.BytesIO(data), formats=["PNG"])
            width, height = im.size
            problem = limits.pixels_problem(1, width, height)
            if problem:
                yield Quarantined(source, problem, digest)
                return
            # A full decode: chunk CRCs alone do not catch a damaged zlib stream.
            im.load()
            info = dict(im.info)
            if im.mode in WIDE_MODES:
                # 16-bit grey: stored as 8-bit, scaled (PIL's convert would clip it to white
                # and the page would be taken for a blank back).
                data = decoded_png(im, dpi_from_info(info))
    except Image.DecompressionBombError:
        yield Quarantined(source, _bomb(path, limits), digest)
        return
    except DECODE_ERRORS as exc:
        yield Quarantined(source, _whole_file_reason(exc), digest)
        return
    yield Page(source, 0, digest, data, "image/png", width, height, dpi_from_info(info))


def read_tiff(path: Path, digest: str, limits: InputLimits) -> Iterator[Item]:
    source = str(path)
    try:
        # Before PIL: a cut-off TIFF loses its last directories, and PIL would then either
        # fail vaguely or report fewer pages without a word.
        directories = ifd_offsets(path)
    except TruncatedPage:
        yield Quarantined(source, reasons.TRUNCATED, digest)
        return
    except (OSError, struct.error):
        directories = None
    try:
        with quiet_bomb_warning():
            tiff = Image.open(path, formats=["TIFF"])
            count = tiff.n_frames
    except Image.DecompressionBombError:
        yield Quarantined(source, _bomb(path, limits), digest)
        return
    except DECODE_ERRORS as exc:
        yield Quarantined(source, _whole_file_reason(exc), digest)
        return
    with tiff:
        if count > limits.max_pages_per_file:
            yield Quarantined(source, reasons.too_many_pages(count, limits.max_pages_per_file),
                              digest)
            return
        if directories is not None and len(directories) != count:
            directories = None
        for index in range(count):
            try:
                with quiet_bomb_warning():
                    tiff.seek(index)
            except DECODE_ERRORS:
                # The directory chain is broken: the frames after this one cannot be reached.
                yield Quarantined(source, reasons.page_damaged(index + 1), digest, index)
                return
            ifd = directories[index] if directories else None
            yield _tiff_frame(tiff, path, index, ifd, digest, limits)


def _tiff_frame(tiff: Image.Image, path: Path, index: int, ifd: int | None, digest: str,
                limits: InputLimits) -> Item:
    source, number = str(path), index + 1
    width, height = tiff.size
    problem = limits.pixels_problem(number, width, height)
    if problem:
        return Quarantined(source, problem, digest, index)
    dpi = dpi_from_info(tiff.info)
    try:
        # Keep the scanner's own compressed strips when the page can stand alone as a TIFF;
        # otherwise decode and re-encode losslessly.
        # (16-bit grey is decoded and stored as 8-bit: see read_png)
        data = (copy_tiff_page(path, ifd) if ifd is not None and tiff.mode not in WIDE_MODES
                else None)
        with quiet_bomb_warning():
            if data is not None:
                Image.open(io.BytesIO(data), formats=["TIFF"]).load()  # proves it decodes
                mime = "image/tiff"
            else:
                frame = tiff.copy()
                if frame.mode == "1":
                    data, mime = g4_tiff(frame, dpi), "image/tiff"
                else:
                    data, mime = decoded_png(frame, dpi), "image/png"
    except TruncatedPage:
        return Quarantined(source, reasons.page_truncated(number), digest, index)
    except Image.DecompressionBombError:
        return Quarantined(source, reasons.bomb(number, width, height,
                                                limits.max_pixels_per_page), digest, index)
    except DECODE_ERRORS as exc:
        reason = reasons.page_truncated(number) if is_truncation(exc) else reasons.page_damaged(
            number)
        return Quarantined(source, reason, digest, index)
    return Page(source, index, digest, data, mime, width, height, dpi)


def _bomb(path: Path, limits: InputLimits) -> str:
    size = declared_size(path)
    if size is None:
        return reasons.bomb(1, max_pixels=limits.max_pixels_per_page)
    return reasons.bomb(1, size[0], size[1], limits.max_pixels_per_page)


def _whole_file_reason(exc: BaseException) -> str:
    return reasons.TRUNCATED if is_truncation(exc) else reasons.DAMAGED
