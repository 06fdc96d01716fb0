"""Page reader for PDF files.

Scanner PDFs hold one image per page; those images are taken out without recompression, so the
archival PDF later carries exactly the pixels the scanner produced. Any other page (vector text,
several images, an image with a mask) is rendered with poppler's ``pdftoppm``.
"""

from __future__ import annotations

import io
import math
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
from PIL import Image

from sohoa.records import Page, Quarantined
from sohoa.scanners import reasons
from sohoa.scanners.limits import InputLimits
from sohoa.scanners.pilsafe import (
    DECODE_ERRORS,
    decoded_png,
    is_truncation,
    quiet_bomb_warning,
    validate_jpeg,
)
from sohoa.scanners.resolution import snap_dpi

Item = Page | Quarantined

RENDER_TIMEOUT_S = 120
# An image counts as "the page" when it covers at least this share of the page area; scanner
# PDFs place it edge to edge, but some leave a thin margin.
_COVER = 0.85
# Operators that only set graphics state; anything else (text, paths, inline images, shading)
# means the page is more than one scanned image.
_STATE_OPS = {"q", "Q", "cm", "gs", "w", "J", "j", "M", "d", "ri", "i"}
_PDF_ERRORS = (pikepdf.PdfError, pikepdf.ForeignObjectError, KeyError, ValueError, TypeError,
               AttributeError, IndexError, RecursionError)


def read_pdf(path: Path, digest: str, limits: InputLimits, tail: bytes) -> Iterator[Item]:
    source = str(path)
    if b"%%EOF" not in tail:
        # qpdf would happily reconstruct a cut-off file and lose its last pages without a word;
        # a clerk would rather re-scan than archive half a dossier.
        yield Quarantined(source, reasons.TRUNCATED, digest)
        return
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        yield Quarantined(source, reasons.ENCRYPTED, digest)
        return
    except (*_PDF_ERRORS, OSError, MemoryError):
        yield Quarantined(source, reasons.DAMAGED, digest)
        return
    with pdf:
        try:
            count = len(pdf.pages)
        except _PDF_ERRORS:
            yield Quarantined(source, reasons.DAMAGED, digest)
            return
        if count == 0:
            yield Quarantined(source, reasons.NO_PAGES, digest)
            return
        if count > limits.max_pages_per_file:
            yield Quarantined(source, reasons.too_many_pages(count, limits.max_pages_per_file),
                              digest)
            return
        for index in range(count):
            try:
                yield _pdf_page(pdf, path, index, digest, limits)
            except (*_PDF_ERRORS, *DECODE_ERRORS):
                yield Quarantined(source, reasons.page_damaged(index + 1), digest, index)


def _pdf_page(pdf: pikepdf.Pdf, path: Path, index: int, digest: str,
              limits: InputLimits) -> Item:
    source, number = str(path), index + 1
    page = pdf.pages[index]
    placed = _single_image(page)
    if placed is not None:
        xobj, placed_w, placed_h = placed
        width, height = int(xobj.get("/Width", 0)), int(xobj.get("/Height", 0))
        problem = limits.pixels_problem(number, width, height)
        if problem:
            return Quarantined(source, problem, digest, index)
        dpi = snap_dpi((width / (placed_w / 72) + height / (placed_h / 72)) / 2)
        extracted = _extract_image(xobj, dpi, number)
        if isinstance(extracted, str):
            return Quarantined(source, extracted, digest, index)
        if extracted is not None:
            data, mime, width, height = extracted
            return Page(source, index, digest, data, mime, width, height, dpi)
    return _render(page, path, index, digest, limits)


def _single_image(page: pikepdf.Page) -> tuple[pikepdf.Stream, float, float] | None:
    """The image XObject that makes up the whole page, with its placed size in points."""
    if "/Contents" not in page.obj:
        return None
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    xobjects = resources.get("/XObject", pikepdf.Dictionary())
    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[tuple[float, ...]] = []
    found: tuple[pikepdf.Stream, float, float] | None = None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)
        elif op == "Do":
            xobj = xobjects.get(str(operands[0]))
            if found is not None or xobj is None or xobj.get("/Subtype") != "/Image":
                return None
            if xobj.get("/ImageMask", False) or "/SMask" in xobj or "/Mask" in xobj:
                return None
            a, b, c, d = ctm[:4]
            found = (xobj, math.hypot(a, b), math.hypot(c, d))
        elif op not in _STATE_OPS:
            return None
    if found is None or found[1] <= 0 or found[2] <= 0:
        return None
    box = [float(v) for v in page.mediabox]
    page_area = abs(box[2] - box[0]) * abs(box[3] - box[1])
    if page_area <= 0 or found[1] * found[2] < _COVER * page_area:
        return None
    return found


def _multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _extract_image(xobj: pikepdf.Stream, dpi: int,
                   number: int) -> tuple[bytes, str, int, int] | str | None:
    """(data, mime, width, height) of the image as stored; a quarantine reason when it is
    damaged; None when pikepdf cannot hand it out as is and the page should be rendered."""
    try:
        image = pikepdf.PdfImage(xobj)
        buf = io.BytesIO()
        ext = image.extract_to(stream=buf)
    except (NotImplementedError, pikepdf.models.image.UnsupportedImageTypeError):
        return None
    except (*_PDF_ERRORS, *DECODE_ERRORS) as exc:
        return reasons.page_truncated(number) if is_truncation(exc) else reasons.page_damaged(
            number)
    data = buf.getvalue()
    try:
        if ext == ".jpg":
            width, height, _ = validate_jpeg(data)
            return data, "image/jpeg", width, height
        with quiet_bomb_warning():
            im = Image.open(io.BytesIO(data))
            im.load()
        if ext == ".png":
            return data, "image/png", im.width, im.height
        if ext == ".tif":
            return data, "image/tiff", im.width, im.height
        # JPEG 2000 and the like: the archival PDF takes PNG, so re-encode losslessly.
        return decoded_png(im, dpi), "image/png", im.width, im.height
    except DECODE_ERRORS as exc:
        return reasons.page_truncated(number) if is_truncation(exc) else reasons.page_damaged(
            number)


def _render(page: pikepdf.Page, path: Path, index: int, digest: str,
            limits: InputLimits) -> Item:
    source, number, dpi = str(path), index + 1, limits.pdf_render_dpi
    box = [float(v) for v in page.mediabox]
    width = round(abs(box[2] - box[0]) / 72 * dpi)
    height = round(abs(box[3] - box[1]) / 72 * dpi)
    problem = limits.pixels_problem(number, width, height) or _embedded_bomb(page, number, limits)
    if problem:
        return Quarantined(source, problem, digest, index)
    try:
        done = subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-f", str(number), "-l", str(number), "--",
             str(path)],
            capture_output=True, timeout=RENDER_TIMEOUT_S, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return Quarantined(source, reasons.page_unrenderable(number), digest, index)
    if done.returncode != 0 or not done.stdout:
        return Quarantined(source, reasons.page_unrenderable(number), digest, index)
    try:
        with quiet_bomb_warning():
            im = Image.open(io.BytesIO(done.stdout), formats=["PNG"])
            im.load()
    except DECODE_ERRORS:
        return Quarantined(source, reasons.page_unrenderable(number), digest, index)
    return Page(source, index, digest, decoded_png(_grey_if_grey(im), dpi), "image/png",
                im.width, im.height, dpi)


def _embedded_bomb(page: pikepdf.Page, number: int, limits: InputLimits) -> str | None:
    """Poppler decodes every image it draws at full size: refuse pages that embed a bomb."""
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    for xobj in resources.get("/XObject", pikepdf.Dictionary()).values():
        if isinstance(xobj, pikepdf.Stream) and xobj.get("/Subtype") == "/Image":
            problem = limits.pixels_problem(number, int(xobj.get("/Width", 0)),
                                            int(xobj.get("/Height", 0)))
            if problem:
                return problem
    return None


def _grey_if_grey(im: Image.Image) -> Image.Image:
    """A rendered page with no colour is stored as greyscale: a third of the size, same pixels."""
    if im.mode != "RGB":
        return im
    r, g, b = im.split()
    if r.tobytes() == g.tobytes() == b.tobytes():
        return r
    return im
