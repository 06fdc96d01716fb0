"""Page reader for PDF files.

A scanned page is one image, wherever the producer put it (``pdfscan``: straight on the page,
in nested Form XObjects, inline, or as strips that abut exactly); that image is taken out as
the producer wrote it when it can be (``pdfimage``: JPEG and CCITT bytes kept), so the archival
PDF carries exactly the scanner's pixels. Any other page (vector text, a stamp over the scan,
an image that does not fill the page) is rendered by poppler at the resolution of its
images (``pdfrender``), and the page says why in ``Page.rendered`` — except a born-digital page
(text a program wrote, no scan under it), which is kept as the producer made it, as a one-page
PDF (``pdfborn``; through Ghostscript when PDF/A needs its fonts embedded).
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pikepdf

from sohoa.records import Page, Quarantined
from sohoa.scanners import pdfborn, reasons
from sohoa.scanners.limits import InputLimits
from sohoa.scanners.pdfborn import real_text
from sohoa.scanners.pdfempty import empty_page_png
from sohoa.scanners.pdfimage import Extracted, Unsupported, extract, is_bilevel, stitch
from sohoa.scanners.pdfrender import RenderFailed, render_dpi, render_page
from sohoa.scanners.pdfscan import Box, PageContent, Placement, intersect, walk_page
from sohoa.scanners.pilsafe import DECODE_ERRORS, is_truncation
from sohoa.scanners.resolution import snap_dpi

Item = Page | Quarantined

# An image counts as "the page" when it covers at least this share of the page area; scanner
# PDFs place it edge to edge, but some leave a thin margin.
_COVER = 0.85
# Strips abut "exactly" when the gap or overlap between them is under half a pixel.
_ABUT_PX = 0.5
# Share of an image's width (height) that may stay hidden at each side without cutting the
# image to the visible page: 1 % (2 mm of an A4 width).
_SLIVER = 0.01
_INK = {"text": "chữ", "path": "nét vẽ", "shading": "vùng tô màu", "xobject": "đối tượng vẽ",
        "form-loop": "biểu mẫu lồng vòng", "unparsed": "nội dung không phân tích được"}
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
        # Read before the annotations are drawn in (which drops the form's fields): the file's
        # own bytes are the paper's legal value when it is signed or a form.
        original = digest if _signed_or_form(pdf) else ""
        with tempfile.TemporaryDirectory(prefix="sohoa-annots-") as tmp:
            drawn = _draw_annotations(pdf, path, Path(tmp))
            # within the time a page may take to draw: the file's own limit still holds overall
            converted = _Converted(drawn or path, count, limits.render_seconds)
            for index in range(count):
                try:
                    item = _pdf_page(pdf, path, index, digest, limits, converted)
                except (*_PDF_ERRORS, *DECODE_ERRORS):
                    item = Quarantined(source, reasons.page_damaged(index + 1), digest, index)
                if original and isinstance(item, Page):
                    item = replace(item, original_sha256=original)
                yield item


def is_scan(path: Path, index: int = 0) -> bool | None:
    """Whether page ``index`` of the PDF is a picture of a paper: images (one, or strips)
    covering the visible page, whatever text lies over them (a scanner's searchable PDF hides
    its OCR words there). A page a program wrote — text, drawings, a logo that covers part of
    it, nothing at all — is not. None when the file cannot be read (the caller's own reading
    then says why)."""
    try:
        with pikepdf.open(path) as pdf, warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            page = pdf.pages[index]
            content = walk_page(page)
            box = _page_box(page)
    except (*_PDF_ERRORS, pikepdf.PasswordError, OSError, MemoryError):
        return None
    page_area = (box[2] - box[0]) * (box[3] - box[1])
    seen = [v for v in (_visible(p, box) for p in content.images) if v[2] > v[0] and v[3] > v[1]]
    if page_area <= 0 or not seen:
        return False
    # the images' own areas, not their bounding box: two logos in opposite corners cover
    # nothing between them; strips abut, a stamp image over the scan only adds
    return sum((v[2] - v[0]) * (v[3] - v[1]) for v in seen) >= _COVER * page_area


def _signed_or_form(pdf: pikepdf.Pdf) -> bool:
    """Whether the file carries what a re-written page loses: a digital signature (a /Sig
    field, a signature dictionary, /Perms) or a form (/AcroForm). Its pages then name the input
    file (``Page.original_sha256``), which the pipeline keeps beside them, so the producer's
    signature can still be verified on the original bytes. When the structure cannot be read
    the file is kept too: a blob too many costs less than a lost signature."""
    try:
        root = pdf.Root
        if "/AcroForm" in root or "/Perms" in root:
            return True
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if not isinstance(annots, pikepdf.Array):
                continue
            for annot in annots:
                if not isinstance(annot, pikepdf.Dictionary):
                    continue
                parent = annot.get("/Parent")
                kind = annot.get("/FT") or (parent.get("/FT")
                                            if isinstance(parent, pikepdf.Dictionary) else None)
                value = annot.get("/V")
                if kind == pikepdf.Name.Sig or (isinstance(value, pikepdf.Dictionary)
                                                and "/ByteRange" in value):
                    return True
    except _PDF_ERRORS:
        return True
    return False


# Annotations that are not part of what the paper shows: a link's rectangle, a note's pop-up.
_NOT_PAPER = {"/Link", "/Popup"}


def _draw_annotations(pdf: pikepdf.Pdf, path: Path, tmp: Path) -> Path | None:
    """Annotations a viewer shows (a filled form's fields, a stamp, an e-signature's picture)
    drawn into their pages' content, as the citizen saw them, so a kept
    born-digital page (which drops /Annots) and its words keep the citizen's entries. Returns
    the drawn file, for Ghostscript, when anything was drawn; None when there was nothing to
    draw. When the annotations cannot be drawn here, their pages keep them and are rendered
    by poppler, which draws them (``_annotated``)."""
    try:
        if not any(_annotated(page) for page in pdf.pages):
            return None
        drawn = tmp / "drawn.pdf"
        with warnings.catch_warnings():
            # pikepdf's complaints (a widget outside /AcroForm, saved anyway) are no clerk's
            warnings.simplefilter("ignore", UserWarning)
            pdf.generate_appearance_streams()
            pdf.flatten_annotations(mode="screen")
            pdf.save(drawn)
        return drawn
    except (*_PDF_ERRORS, OSError):
        return None


# Annotation flags (PDF 1.7, 12.5.3): Hidden, NoView.
_HIDDEN, _NOVIEW = 2, 32


def _annotated(page: pikepdf.Page) -> bool:
    """Whether the page carries annotations that are part of the paper: shown by a viewer, and
    with something to draw (an appearance, or a field's value to make one from). A link, a
    hidden note or an empty signature field waiting to be signed (a template prepared for
    signing) is not, and does not cost the page its keeping as born digital."""
    annots = page.obj.get("/Annots")
    if not isinstance(annots, pikepdf.Array):
        return False
    return any(_prints(a) for a in annots if isinstance(a, pikepdf.Dictionary))


def _prints(annot: pikepdf.Dictionary) -> bool:
    if str(annot.get("/Subtype", "")) in _NOT_PAPER:
        return False
    try:
        flags = int(annot.get("/F", 0))
    except (TypeError, ValueError):
        flags = 0
    if flags & (_HIDDEN | _NOVIEW):
        return False  # a viewer does not show it (a field without the Print flag it still does)
    parent = annot.get("/Parent")
    value = "/V" in annot or (isinstance(parent, pikepdf.Dictionary) and "/V" in parent)
    return "/AP" in annot or value or str(annot.get("/Subtype", "")) != "/Widget"


class _Converted:
    """The file converted to PDF/A by Ghostscript, made once, when a first page needs it."""

    def __init__(self, path: Path, pages: int, timeout_s: float = pdfborn.GS_TIMEOUT_S) -> None:
        self.path = path
        self.pages = pages  # the original's page count: the copy must have as many
        self.timeout_s = timeout_s
        self.tried = False
        self.pdf: pikepdf.Pdf | None = None
        self.alone: list[pikepdf.Pdf] = []
        self.texts: dict[int, str] = {}

    def text(self, index: int, count: int) -> str:
        """Page ``index``'s text as poppler reads it, read TEXT_CHUNK pages at a time."""
        if index not in self.texts:
            last = min(count, index + pdfborn.TEXT_CHUNK)
            self.texts = dict(enumerate(pdfborn.page_text(self.path, index + 1, last), index))
        return self.texts.get(index, "")

    def page(self, index: int) -> pikepdf.Page | None:
        if not self.tried:
            self.tried = True
            self.pdf = pdfborn.pdfa_copy(self.path, self.timeout_s)
            if self.pdf is not None and len(self.pdf.pages) != self.pages:
                # A copy with a page dropped or added would hand page N+1's content to page N
                # (a misfile): never index it by the original's page numbers; each page is
                # then converted alone below.
                self.pdf.close()
                self.pdf = None
        if self.pdf is not None and index < len(self.pdf.pages):
            return self.pdf.pages[index]
        # Ghostscript gave up PDF/A for the whole file (one page it cannot convert): this page
        # alone, kept open with the file (its streams are read when the page is copied)
        alone = pdfborn.pdfa_copy(self.path, self.timeout_s, page=index + 1)
        if alone is None or len(alone.pages) != 1:
            return None
        self.alone.append(alone)
        return alone.pages[0]


def _pdf_page(pdf: pikepdf.Pdf, path: Path, index: int, digest: str,
              limits: InputLimits, converted: _Converted | None = None) -> Item:
    source, number = str(path), index + 1
    page = pdf.pages[index]
    try:
        with warnings.catch_warnings():
            # pikepdf warns about a content stream it had to repair; the page is read anyway
            # (or rendered), and a clerk's terminal is no place for a parser's complaint.
            warnings.simplefilter("ignore", UserWarning)
            content = walk_page(page)
    except _PDF_ERRORS:
        # A content stream pikepdf cannot parse may still draw in poppler, which is lenient.
        content = PageContent(ink=["unparsed"])
    for placed in content.images:
        sizes = [_pixel_size(placed)]
        smask = placed.image.get("/SMask") if isinstance(placed.image, pikepdf.Stream) else None
        if isinstance(smask, pikepdf.Stream):  # decoded at full size to see if it hides anything
            sizes.append((int(smask.get("/Width", 0)), int(smask.get("/Height", 0))))
        for width, height in sizes:
            problem = limits.pixels_problem(number, width, height)
            if problem:
                # Poppler would decode it at full size too: refuse the page before decoding.
                return Quarantined(source, problem, digest, index)
    box = _page_box(page)
    if not content.images and not content.ink and "/Annots" not in page.obj:
        # empty paper, whatever its size (300 pages in 3 KB, a 36-inch sheet): nothing to draw
        data, width, height, dpi = empty_page_png(box[2] - box[0], box[3] - box[1])
        return Page(source, index, digest, data, "image/png", width, height, dpi)
    scan = _the_scan(content, box)
    converted = converted or _Converted(path, len(pdf.pages))
    text_pdf = b""
    if isinstance(scan, str) and not _annotated(page) and _born_digital(content, box) and real_text(
            text := converted.text(index, len(pdf.pages))):
        kept = _keep(page, content, box, source, index, digest, converted, text)
        if isinstance(kept, Page):
            return kept
        scan = kept
        # drawn all the same (glyph 0, a font Ghostscript cannot convert): its words are still
        # the PDF's own, not a recognizer's guess at the picture
        text_pdf = pdfborn.one_page_pdf(page)
    reason: str
    bilevel = bool(content.images) and all(is_bilevel(p.image) for p in content.images)
    if isinstance(scan, str):
        reason = scan
    else:
        dpi = _scan_dpi(scan)
        try:
            got = extract(scan[0], dpi, _crop_px(scan[0], box)) if len(scan) == 1 else stitch(
                scan, dpi)
        except (*_PDF_ERRORS, *DECODE_ERRORS) as exc:
            why = reasons.page_truncated(number) if is_truncation(exc) else reasons.page_damaged(
                number)
            return Quarantined(source, why, digest, index)
        if isinstance(got, Extracted):
            return Page(source, index, digest, got.data, got.mime, got.width, got.height, dpi,
                        converted=got.note)
        assert isinstance(got, Unsupported)
        reason, bilevel = got.reason, got.bilevel or bilevel
    return _render(path, index, digest, limits, content, box, reason, bilevel, text_pdf)


def _born_digital(content: PageContent, box: tuple[float, float, float, float]) -> bool:
    """Text a program drew, with no scanned image under it (a scan with a stamp or a typed
    note over it stays a scan: it is rendered)."""
    if "text" not in content.ink or "form-loop" in content.ink:
        return False
    page_area = (box[2] - box[0]) * (box[3] - box[1])
    for placed in content.images:
        x0, y0, x1, y1 = placed.box()
        covered = max(0.0, min(x1, box[2]) - max(x0, box[0])) * max(
            0.0, min(y1, box[3]) - max(y0, box[1]))
        if page_area <= 0 or covered >= _COVER * page_area:
            return False
    return True


def _problems(page: pikepdf.Page) -> list[str]:
    """What PDF/A-2b refuses on a converted copy of a page (Ghostscript's)."""
    try:
        content = walk_page(page)
    except _PDF_ERRORS:
        return ["không đọc được nội dung"]  # not shown to be PDF/A, so not kept as such
    return pdfborn.pdfa_problems(page, content.cmyk, content.notdef, content.shown)


def _keep(page: pikepdf.Page, content: PageContent, box: tuple[float, float, float, float],
          source: str, index: int, digest: str, converted: _Converted,
          text: str) -> Page | str:
    """The born-digital page as a one-page PDF/A-ready PDF, or why it must be rendered.
    ``text``: the page's text as poppler reads it in the original, which a converted copy
    must still read as (else it would be archived as a page whose text is garbage)."""
    # a font it declares or selects and never shows text in is not judged (content.shown)
    problems = pdfborn.pdfa_problems(page, content.cmyk, content.notdef, content.shown)
    note = pdfborn.KEPT_NOTE
    if problems:
        other = converted.page(index)
        if other is None or _problems(other):
            return ("trang PDF tạo từ văn bản không chuyển được sang PDF/A ("
                    + ", ".join(problems) + "): dựng lại trang")
        data = pdfborn.one_page_pdf(other)
        if not pdfborn.same_text(pdfborn.page_words(data).text, text):
            # Ghostscript re-made a font without its ToUnicode map (ReportLab's TrueType
            # subsets): the copy looks right and reads as garbage (tester12 F14). Drawn
            # instead, with the original's own words as its text layer.
            return ("trang PDF tạo từ văn bản: bản chuyển sang PDF/A ("
                    + ", ".join(problems) + ") mất chữ của phông chữ: dựng lại trang, "
                    "giữ chữ của tệp gốc")
        page = other
        note = pdfborn.CONVERTED_NOTE.format(why=", ".join(problems))
    else:
        data = pdfborn.one_page_pdf(page)
    turned = int(page.obj.get("/Rotate", 0)) % 180 == 90
    scale = pdfborn.WORDS_DPI / 72
    width, height = round((box[2] - box[0]) * scale), round((box[3] - box[1]) * scale)
    if turned:
        width, height = height, width
    return Page(source, index, digest, data, pdfborn.PDF_MIME, width, height, pdfborn.WORDS_DPI,
                born_digital=note)


def _page_box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """The visible page: the CropBox (inherited, or the MediaBox when none) within the
    MediaBox, as every viewer shows it (PDF 1.7, 14.11.2)."""
    def upright(box: pikepdf.Array) -> Box:
        x0, y0, x1, y1 = (float(v) for v in box)
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

    media = upright(page.mediabox)
    try:
        crop = upright(page.cropbox)
    except (*_PDF_ERRORS, StopIteration):
        return media
    visible = intersect(media, crop)
    return visible if visible[2] > visible[0] and visible[3] > visible[1] else media


def _visible(placed: Placement, box: Box) -> Box:
    """The part of the image a viewer shows: within the clip in force and the page."""
    seen = intersect(placed.box(), box)
    return intersect(seen, placed.clip) if placed.clip is not None else seen


def _crop_px(placed: Placement, box: Box) -> tuple[int, int, int, int] | None:
    """The image's visible part in its own pixels (left, top, right, bottom), or None when
    the whole image shows (within half a pixel: a producer's rounding)."""
    width, height = _pixel_size(placed)
    a, b, c, d, e, f = placed.ctm
    det = a * d - b * c
    if abs(det) < 1e-12 or width <= 0 or height <= 0:
        return None
    x0, y0, x1, y1 = _visible(placed, box)
    us, vs = [], []
    for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
        # page point back to the unit square: (u, v) = (x - e, y - f) · inverse([[a, b], [c, d]])
        dx, dy = x - e, y - f
        us.append((dx * d - dy * c) / det)
        vs.append((dy * a - dx * b) / det)
    left, right = min(us) * width, max(us) * width
    top, bottom = (1 - max(vs)) * height, (1 - min(vs)) * height  # row 0 is the image's top
    edges = (max(0.0, left), max(0.0, top), min(float(width), right), min(float(height), bottom))
    # A sliver hidden at an edge (a CropBox rounded to whole points, 1-2 px) is not worth
    # giving up the producer's bytes for: the page is cut only when more is hidden.
    side_x, side_y = max(_ABUT_PX, _SLIVER * width), max(_ABUT_PX, _SLIVER * height)
    if (edges[0] <= side_x and width - edges[2] <= side_x and edges[1] <= side_y
            and height - edges[3] <= side_y):
        return None
    crop = tuple(round(v) for v in edges)
    if crop[2] <= crop[0] or crop[3] <= crop[1]:
        return None
    return crop  # type: ignore[return-value]


def _the_scan(content: PageContent, box: tuple[float, float, float, float]
              ) -> list[Placement] | str:
    """The image(s) that make up the whole page, or why the page must be rendered."""
    if content.ink:
        what = ", ".join(_INK.get(k, k) for k in content.ink)
        return f"trang có {what} ngoài ảnh quét: dựng lại cả trang"
    images = content.images
    if not images:
        return "trang không có ảnh quét (PDF tạo từ văn bản): dựng lại trang"
    scan = images if len(images) > 1 else images[:1]
    if len(images) > 1 and not _strips(images):
        return f"trang ghép từ {len(images)} ảnh không khớp thành dải: dựng lại trang"
    if len(images) == 1 and images[0].quarter_turns() is None:
        return "ảnh quét được đặt nghiêng hoặc lật gương: dựng lại trang"
    for placed in scan:
        if not placed.clip_exact and _visible(placed, box) != intersect(placed.box(), box):
            return "ảnh quét bị cắt theo một đường viền không phải hình chữ nhật: dựng lại trang"
    page_area = (box[2] - box[0]) * (box[3] - box[1])
    seen = [_visible(p, box) for p in scan]
    x0, y0 = min(v[0] for v in seen), min(v[1] for v in seen)
    x1, y1 = max(v[2] for v in seen), max(v[3] for v in seen)
    covered = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    if page_area <= 0 or covered < _COVER * page_area:
        return "ảnh không phủ kín trang (ảnh dán trên trang trắng): dựng lại trang"
    if len(scan) > 1:
        if any(_crop_px(p, box) is not None for p in scan):
            return "dải ảnh lớn hơn phần trang hiển thị: dựng lại trang"
        scan = sorted(scan, key=lambda p: -p.box()[3])  # top strip first
    return scan


def _strips(images: list[Placement]) -> bool:
    """Upright images of one width, stacked with no gap and no overlap, at one scale."""
    if any(p.quarter_turns() != 0 for p in images):
        return False
    ordered = sorted(images, key=lambda p: -p.box()[3])
    first = ordered[0]
    width_px, _ = _pixel_size(first)
    x0, _, x1, _ = first.box()
    pts_per_px = (x1 - x0) / max(width_px, 1)
    tol = _ABUT_PX * pts_per_px
    for above, below in pairwise(ordered):
        if abs(above.box()[1] - below.box()[3]) > tol:
            return False
    for placed in ordered:
        w, h = _pixel_size(placed)
        bx0, by0, bx1, by1 = placed.box()
        if w != width_px or abs(bx0 - x0) > tol or abs(bx1 - x1) > tol:
            return False
        if h <= 0 or abs((by1 - by0) / h - pts_per_px) > 0.01 * pts_per_px:
            return False
    return True


def _pixel_size(placed: Placement) -> tuple[int, int]:
    image = placed.image
    if isinstance(image, pikepdf.Stream):
        return int(image.get("/Width", 0)), int(image.get("/Height", 0))
    return int(image.width), int(image.height)


def _image_dpi(placed: Placement) -> float:
    width, height = _pixel_size(placed)
    placed_w, placed_h = placed.placed_size()
    if placed_w <= 0 or placed_h <= 0:
        return 0.0
    return (width / (placed_w / 72) + height / (placed_h / 72)) / 2


def _scan_dpi(scan: list[Placement]) -> int:
    if len(scan) == 1:
        return snap_dpi(_image_dpi(scan[0]))
    width, _ = _pixel_size(scan[0])
    x0, _, x1, _ = scan[0].box()
    return snap_dpi(width / ((x1 - x0) / 72))


def _render(path: Path, index: int, digest: str, limits: InputLimits, content: PageContent,
            box: tuple[float, float, float, float], reason: str, bilevel: bool,
            text_pdf: bytes = b"") -> Item:
    source, number = str(path), index + 1
    # Vector text has no resolution of its own: it is drawn at the cap to stay legible; a page
    # of images (and lines, stamps) at the finest of its images.
    dpi = limits.pdf_render_dpi if "text" in content.ink else render_dpi(
        [snap_dpi(d) for d in (_image_dpi(p) for p in content.images) if d > 0],
        limits.pdf_render_dpi)
    # and within the render ceiling: a 36-inch page is drawn at a lower dpi, not into 117 Mpx
    dpi = min(dpi, limits.render_dpi(box[2] - box[0], box[3] - box[1]))
    width = round((box[2] - box[0]) / 72 * dpi)
    height = round((box[3] - box[1]) / 72 * dpi)
    problem = limits.pixels_problem(number, width, height)
    if problem and not content.images:
        problem = reasons.page_too_large(number, (box[2] - box[0]) / 72, (box[3] - box[1]) / 72,
                                         limits.max_pixels_per_page)
    if problem:
        return Quarantined(source, problem, digest, index)
    try:
        done = render_page(path, number, dpi, bilevel=bilevel, timeout_s=limits.render_seconds,
                           drawn_only=not content.images)
    except RenderFailed as exc:
        why = (reasons.page_too_slow(number, limits.render_seconds)
               if str(exc).startswith("timeout") else reasons.page_unrenderable(number))
        return Quarantined(source, why, digest, index)
    said = f"{reason} ({dpi} dpi)" + (f"; {pdfborn.DRAWN_TEXT_NOTE}" if text_pdf else "")
    return Page(source, index, digest, done.data, done.mime, done.width, done.height, dpi,
                rendered=said, drawn=not content.images, text_pdf=text_pdf)
