"""Born-digital PDF pages: kept as the producer made them, not turned into pictures.

A page that no scanned image covers and whose text is real (``pdftotext`` gives letters, not
the replacement marks of a font without a usable encoding) is a page a program wrote: a
report, a form filled on a computer, an old paper typeset in 1994. An archive keeps that page,
not a 300 dpi picture of it (the picture was 84 times the file and lost the text).

The page travels as a one-page PDF (``Page.data``, ``application/pdf``): its content stream and
resources copied by pikepdf, its streams re-compressed with Flate where the producer used LZW
(which PDF/A forbids), its annotations (links, form fields: not the paper) left out. When the
page breaks a PDF/A-2b rule that cannot be fixed by copying — a font that is not embedded
(base-14 Times without a font file), CMYK colour without a CMYK output intent, transfer
functions, PostScript XObjects — the whole file is converted once by Ghostscript
(``-dPDFA=2``: it embeds substitute fonts and converts colour to RGB) and the page is taken
from that. Ghostscript gives up PDF/A for a whole file when one page has something it cannot
convert (a CID font showing CID 0); then the page is converted alone, and only when that
fails too is it rendered as before. A converted page must still read as the original
(``same_text``): Ghostscript re-makes simple TrueType subsets (ReportLab's) without their
ToUnicode maps, a copy that looks right and whose text has lost every Vietnamese letter; such
a page is rendered too, its text layer the original's own words (``Page.text_pdf``). A font
the page only selects and never shows text in (ReportLab's Helvetica on every page) asks
nothing of PDF/A and sends no page to Ghostscript.

The words of such a page come from the PDF itself (``page_words``: ``pdftotext -bbox-layout``),
never from OCR.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from sohoa.records import Word
from sohoa.vntext import nfc

PDF_MIME = "application/pdf"
# The pixel grid a born-digital page's words are given in: a 300 dpi scan's, so that the
# reading rules written for scans (heights, gaps in pixels) see the same geometry.
WORDS_DPI = 300
GS_TIMEOUT_S = 60.0
TEXT_TIMEOUT_S = 20.0
# Text is "real" when it has letters and hardly any marks of an unusable encoding.
_MIN_LETTERS = 8
_MAX_JUNK_SHARE = 0.1
# A Ghostscript copy's text is the original's when this share of their letters is shared.
_SAME_SHARE = 0.97

KEPT_NOTE = "trang PDF tạo từ văn bản: giữ nguyên nội dung của tệp gốc, chữ lấy từ chính tệp PDF"
CONVERTED_NOTE = ("trang PDF tạo từ văn bản: giữ nội dung, chuyển sang PDF/A qua Ghostscript "
                  "({why}); chữ lấy từ chính tệp PDF")
DRAWN_TEXT_NOTE = "chữ lấy từ chính tệp PDF, không nhận dạng lại"

_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_FORBIDDEN_GS = ("/TR", "/TR2", "/HTP")  # transfer functions, halftone phase: not in PDF/A


def is_born_digital_pdf(data: bytes) -> bool:
    return data[:5] == b"%PDF-"


def real_text(text: str) -> bool:
    """Letters or digits enough (a chart's axis numbers count), and few replacement or
    private-use marks (what a font without a usable encoding gives)."""
    marks = [c for c in text if not c.isspace()]
    letters = sum(1 for c in marks if unicodedata.category(c)[0] in "LN")
    # Private-use code points are not junk: a symbol font (a font specimen) maps there.
    junk = sum(1 for c in marks if c == "\ufffd" or unicodedata.category(c) in ("Cc", "Cn"))
    return letters >= _MIN_LETTERS and junk <= _MAX_JUNK_SHARE * len(marks)


def same_text(copy: str, original: str) -> bool:
    """Whether a converted copy's text reads as the original's: the same letters, near enough
    (poppler may order a line differently in the two; a font re-made without its ToUnicode
    map loses every letter outside ASCII, which is far more than this allows)."""
    ours, theirs = (Counter(c for c in unicodedata.normalize("NFC", t) if not c.isspace())
                    for t in (copy, original))
    total = max(sum(ours.values()), sum(theirs.values()))
    return total == 0 or sum((ours & theirs).values()) >= _SAME_SHARE * total


TEXT_CHUNK = 50  # pages read by one pdftotext call: one process per page cost more than the page


def page_text(path: Path, number: int, last: int | None = None) -> list[str]:
    """The text poppler reads on pages ``number``..``last`` (1-based) of the file, one string
    per page ("" each when it cannot)."""
    last = last or number
    try:
        done = subprocess.run(["pdftotext", "-q", "-f", str(number), "-l", str(last), "-enc",
                               "UTF-8", "--", str(path), "-"], capture_output=True,
                              timeout=TEXT_TIMEOUT_S, check=False)
    except (subprocess.TimeoutExpired, OSError):
        done = None
    if done is None or done.returncode != 0:
        return [""] * (last - number + 1)
    pages = done.stdout.decode("utf-8", errors="replace").split("\f")
    return (pages + [""] * (last - number + 1))[: last - number + 1]


# --- what PDF/A-2b refuses on a copied page ---------------------------------------------------


def pdfa_problems(page: pikepdf.Page, cmyk: bool = False, notdef: Sequence[str] = (),
                  shown: Collection[tuple[int, int]] | None = None) -> list[str]:
    """Why the page cannot be archived as PDF/A-2b by copying it (Vietnamese), [] when it can.
    ``cmyk``: its content sets DeviceCMYK colour by operator (``PageContent.cmyk``);
    ``notdef``: the fonts whose glyph 0 it shows (``PageContent.notdef``); ``shown``: the
    fonts it shows text in (``PageContent.shown``): a font of the page's own resources that
    is only selected, never drawn with, need not be embedded (PDF/A-2b 6.2.11.4.1: fonts
    "used for rendering"; veraPDF agrees)."""
    problems: list[str] = ["màu CMYK"] if cmyk else []
    problems += [f"phông chữ {name} hiện ký tự không có trong phông (glyph .notdef)"
                 for name in notdef]
    seen: set[tuple[int, int]] = set()
    resources = page.obj.get("/Resources")
    fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
    idle: set[tuple[int, int]] = set()
    if shown is not None and isinstance(fonts, pikepdf.Dictionary):
        idle = {f.objgen for f in fonts.values()
                if isinstance(f, pikepdf.Dictionary) and f.is_indirect and f.objgen not in shown}
    _resources(resources, problems, seen, depth=0, idle=idle)
    if "/Group" in page.obj and page.obj.Group.get("/CS") == pikepdf.Name.DeviceCMYK:
        _add(problems, "màu CMYK")
    return problems


def _add(problems: list[str], what: str) -> None:
    if what not in problems:
        problems.append(what)


def _resources(resources: pikepdf.Object | None, problems: list[str],
               seen: set[tuple[int, int]], depth: int,
               idle: Collection[tuple[int, int]] = ()) -> None:
    """``idle``: fonts no text is shown in, of which PDF/A asks nothing."""
    if not isinstance(resources, pikepdf.Dictionary) or depth > 12:
        return
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    for font in (resources.get("/Font") or {}).values():
        if isinstance(font, pikepdf.Dictionary) and not (font.is_indirect
                                                          and font.objgen in idle):
            _font(font, problems, seen, depth)
    for space in (resources.get("/ColorSpace") or {}).values():
        if _uses_cmyk(space):
            _add(problems, "màu CMYK")
    for state in (resources.get("/ExtGState") or {}).values():
        if isinstance(state, pikepdf.Dictionary):
            if any(k in state for k in _FORBIDDEN_GS) or state.get("/BM") not in (
                    None, pikepdf.Name.Normal, pikepdf.Name.Compatible, *_BLEND_MODES):
                _add(problems, "hàm truyền hoặc chế độ hòa trộn không được phép")
            if isinstance(state.get("/SMask"), pikepdf.Dictionary):
                _resources(_group_resources(state.SMask.get("/G")), problems, seen, depth + 1)
    for xobject in (resources.get("/XObject") or {}).values():
        if not isinstance(xobject, pikepdf.Stream):
            continue
        subtype = xobject.get("/Subtype")
        if subtype == pikepdf.Name.Image:
            if xobject.get("/Interpolate") is True or "/Alternates" in xobject \
                    or "/OPI" in xobject:
                _add(problems, "ảnh có thuộc tính PDF/A không cho phép")
            if _uses_cmyk(xobject.get("/ColorSpace")):
                _add(problems, "màu CMYK")
        elif subtype == pikepdf.Name.Form:
            if "/Subtype2" in xobject or "/PS" in xobject or "/Ref" in xobject \
                    or "/OPI" in xobject:
                _add(problems, "đối tượng PostScript")
            if not xobject.is_indirect or xobject.objgen not in seen:
                if xobject.is_indirect:
                    seen.add(xobject.objgen)
                _resources(xobject.get("/Resources"), problems, seen, depth + 1)
        else:
            _add(problems, "đối tượng PostScript")
    for pattern in (resources.get("/Pattern") or {}).values():
        if isinstance(pattern, pikepdf.Stream):
            _resources(pattern.get("/Resources"), problems, seen, depth + 1)


_BLEND_MODES = tuple(pikepdf.Name("/" + n) for n in (
    "Multiply", "Screen", "Overlay", "Darken", "Lighten", "ColorDodge", "ColorBurn", "HardLight",
    "SoftLight", "Difference", "Exclusion", "Hue", "Saturation", "Color", "Luminosity"))


def _group_resources(group: pikepdf.Object | None) -> pikepdf.Object | None:
    return group.get("/Resources") if isinstance(group, pikepdf.Stream) else None


def _uses_cmyk(space: pikepdf.Object | None) -> bool:
    if space == pikepdf.Name.DeviceCMYK:
        return True
    if isinstance(space, pikepdf.Array) and len(space) > 1:
        family = space[0]
        if family == pikepdf.Name.Indexed:
            return _uses_cmyk(space[1])
        if family in (pikepdf.Name.Separation, pikepdf.Name.DeviceN):
            return _uses_cmyk(space[2])
    return False


def _font(font: pikepdf.Dictionary, problems: list[str], seen: set[tuple[int, int]],
          depth: int) -> None:
    subtype = font.get("/Subtype")
    if subtype == pikepdf.Name.Type3:
        _resources(font.get("/Resources"), problems, seen, depth + 1)
        return
    if subtype == pikepdf.Name.Type0:
        descendants = font.get("/DescendantFonts")
        target = descendants[0] if isinstance(descendants, pikepdf.Array) and descendants else None
    else:
        target = font
    descriptor = target.get("/FontDescriptor") if isinstance(target, pikepdf.Dictionary) else None
    if not isinstance(descriptor, pikepdf.Dictionary) or not any(
            k in descriptor for k in _FONT_FILES):
        name = str(font.get("/BaseFont", "")).lstrip("/") or "?"
        _add(problems, f"phông chữ {name} không được nhúng")


# --- the kept page ----------------------------------------------------------------------------


def one_page(page: pikepdf.Page) -> pikepdf.Pdf:
    """The page alone, in a new PDF: its content and the resources its content uses, no
    annotations. A resource its content never names goes (a shared resource dictionary
    declaring every font of the file, an unembedded one among them, is not this page's)."""
    out = pikepdf.new()
    out.pages.append(page)
    kept = out.pages[0]
    # Links and form fields are not the paper; PDF/A would also want an appearance for each.
    for key in ("/Annots", "/B", "/Thumb", "/StructParents", "/AA", "/PieceInfo", "/ID",
                "/PZ", "/SeparationInfo", "/Tabs", "/Metadata"):
        if key in kept.obj:
            del kept.obj[key]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # qpdf complains of a stream it cannot parse
            kept.remove_unreferenced_resources()  # an unparsable content keeps them all
    except pikepdf.PdfError:
        pass
    return out


def one_page_pdf(page: pikepdf.Page) -> bytes:
    """The page alone, as a PDF (``one_page``), streams Flate-compressed (LZW decoded). The
    same page always gives the same bytes."""
    out = one_page(page)
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True, compress_streams=True,
             stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
             object_stream_mode=pikepdf.ObjectStreamMode.generate, min_version="1.7")
    return buf.getvalue()


def pdfa_copy(path: Path, timeout_s: float = GS_TIMEOUT_S,
              page: int | None = None) -> pikepdf.Pdf | None:
    """The whole file (or only page ``page``, 1-based) converted to PDF/A-2b by Ghostscript
    (fonts embedded, colour to RGB), opened; None when Ghostscript cannot."""
    only = [f"-dFirstPage={page}", f"-dLastPage={page}"] if page else []
    with tempfile.TemporaryDirectory(prefix="sohoa-gs-") as tmp:
        target = Path(tmp) / "pdfa.pdf"
        try:
            done = subprocess.run(
                ["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite",
                 "-dPDFA=2", "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB",
                 "-dAutoRotatePages=/None", *only, f"-sOutputFile={target}", "--",
                 str(path)],
                capture_output=True, timeout=timeout_s, check=False)
        except (subprocess.TimeoutExpired, OSError):
            return None
        # Ghostscript that cannot make PDF/A (a CID font using CID 0) says so and writes a plain
        # PDF with exit status 0: that is no PDF/A copy.
        said = (done.stdout + done.stderr).decode(errors="replace")
        if done.returncode != 0 or not target.is_file() or "reverting to normal PDF" in said:
            return None
        try:
            copy = pikepdf.open(io.BytesIO(target.read_bytes()))
        except pikepdf.PdfError:
            return None
        # Its own claim of PDF/A (the XMP pdfaid schema), which it drops when it reverts; the
        # output intent is sohoa's to add (pdf.pdfa.finish_pdfa), Ghostscript writes none.
        metadata = copy.Root.get("/Metadata")
        if not isinstance(metadata, pikepdf.Stream) or b"pdfaid" not in metadata.read_bytes():
            copy.close()
            return None
        return copy


def may_carry_symbol(data: bytes) -> bool:
    """Whether a one-page PDF draws anything a barcode could be made of (paths, images): a
    one-stop-shop receipt printed to PDF carries its dossier code as a QR or Code 128."""
    from sohoa.scanners.pdfscan import walk_page

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            content = walk_page(pdf.pages[0])
    except (pikepdf.PdfError, KeyError, ValueError, TypeError, AttributeError, IndexError):
        return True  # not shown to carry none: look
    return bool(content.images) or bool({"path", "shading", "xobject"} & set(content.ink))


# --- a picture of it, for whoever shows pages as images -------------------------------------

PICTURE_DPI = 150
SYMBOL_DPI = 200  # the barcode reader's own first pass looks at about 150 dpi


def picture(data: bytes, dpi: int = PICTURE_DPI) -> bytes:
    """A page as an image to show (the web's page view, review crops, a certified copy's
    page): a born-digital one-page PDF drawn by poppler (JPEG), any other page as it is."""
    if not is_born_digital_pdf(data):
        return data
    from sohoa.scanners.pdfrender import render_page

    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(data)
        tmp.flush()
        return render_page(Path(tmp.name), 1, dpi, bilevel=False).data


# --- the page's own words ---------------------------------------------------------------------


@dataclass(frozen=True)
class PageWords:
    width: int  # the page at WORDS_DPI, in pixels
    height: int
    words: tuple[Word, ...]
    text: str  # lines in reading order, joined by "\n"


_NS = "{http://www.w3.org/1999/xhtml}"
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def page_words(data: bytes, dpi: int = WORDS_DPI) -> PageWords:
    """The words of a one-page PDF with their boxes in pixels at ``dpi`` (as the page is
    displayed: crop box, /Rotate applied), in poppler's reading order."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            # -cropbox: the box the page's image is drawn from (pdfrender: pdftoppm -cropbox);
            # by default poppler places the words in the MediaBox, off by the crop margins.
            done = subprocess.run(["pdftotext", "-q", "-cropbox", "-bbox-layout", "-enc",
                                   "UTF-8", "--", tmp.name, "-"], capture_output=True,
                                  timeout=TEXT_TIMEOUT_S, check=False)
        except (subprocess.TimeoutExpired, OSError):
            return PageWords(0, 0, (), "")
    scale = dpi / 72.0
    try:
        # poppler writes a glyph mapped to a control code as that byte, which XML forbids: one
        # such glyph made the whole page's words unreadable (a 1994 Distiller paper's pages)
        root = ET.fromstring(_NOT_XML.sub(b"", done.stdout))
    except ET.ParseError:
        return PageWords(0, 0, (), "")
    page = root.find(f".//{_NS}page")
    if page is None:
        return PageWords(0, 0, (), "")
    width = round(float(page.get("width", "0")) * scale)
    height = round(float(page.get("height", "0")) * scale)
    words: list[Word] = []
    lines: list[str] = []
    for block_no, block in enumerate(page.iter(f"{_NS}block")):
        for line in block.iter(f"{_NS}line"):
            texts = []
            for word in line.iter(f"{_NS}word"):
                text = nfc(word.text or "")
                if not text.strip():
                    continue
                x0, y0 = float(word.get("xMin", 0)) * scale, float(word.get("yMin", 0)) * scale
                x1, y1 = float(word.get("xMax", 0)) * scale, float(word.get("yMax", 0)) * scale
                words.append(Word(text, round(x0), round(y0), max(1, round(x1 - x0)),
                                  max(1, round(y1 - y0)), 100.0, block_no, len(lines)))
                texts.append(text)
            if texts:
                lines.append(" ".join(texts))
    return PageWords(width, height, tuple(words), "\n".join(lines))
