"""The archival PDF: PDF/A-2b, each page the scanned image plus an invisible text layer.

- The image goes in as scanned where the format allows: a JPEG becomes a DCTDecode stream with
  the scanner's DCT coefficients (DeviceRGB, or ICCBased with the profile an RGB JPEG carries
  when it is not sRGB), its entropy coding re-made losslessly when that is smaller
  (``jpegrecode``: the same pixels, about 7% fewer bytes); a single-strip CCITT G4 TIFF becomes a
  CCITTFaxDecode stream unchanged; PNG and other TIFFs are stored as Flate-compressed pixels
  (lossless, 1-bit stays 1-bit).
- A page that was scanned on its side or upside down keeps its image bytes; the page's
  ``/Rotate`` turns it upright for display, and the text layer is drawn in the unrotated page
  space through a matrix so that, once turned, each word sits on its upright image.
- The text layer uses a glyph-less TrueType font (every glyph empty, all 500/1000 wide) as a
  Type0/Identity-H font: the code of each character is its Unicode value, and a ToUnicode CMap
  maps codes back to themselves, so text extraction returns our NFC Vietnamese text exactly.
  Each word is drawn at its box, stretched (``Tz``) to the box width, on its line's baseline,
  in render mode 3 (invisible); lines are written in reading order.
- A born-digital page (``mime`` ``application/pdf``: a one-page PDF the scanner kept as its
  producer made it) is copied in as it is, with no text layer (its own text is the text);
  fonts and other resources that several such pages carry each a copy of are stored once.
- Text extraction (poppler's ``pdftotext``) ignores the drawing order and rebuilds blocks and
  their order from geometry and font size alone, so the font size of each line is chosen to
  make its blocks and order ours: see ``_block_sizes``, ``_detached_names``, ``_holed_lines``
  and ``_column_baselines``. Only heights change, and a column's baseline where it would
  start above the column before it; every word keeps its box's left and right edges.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import math
import uuid
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from statistics import median

import pikepdf
from PIL import Image, TiffImagePlugin

from sohoa.errors import BadInputError
from sohoa.ocr.jpegrecode import leaner_jpeg
from sohoa.pdf.pdfa import finish_pdfa, is_srgb, profile_space
from sohoa.pdf.xmp import DocumentInfo
from sohoa.records import OcrPage, Word

_GLYPH_WIDTH = 500  # of 1000: every glyph of the invisible font has this advance
_FIXED_FONT_TIME = 0  # font 'head' timestamps: fixed so the PDF is byte-for-byte reproducible


PDF_MIME = "application/pdf"


@dataclass(frozen=True)
class PdfPage:
    data: bytes  # the page image as scanned (JPEG/PNG/TIFF), or a born-digital one-page PDF
    mime: str
    dpi: int
    ocr: OcrPage  # rotation, and word boxes in the upright image's pixel space
    # ``leaner_jpeg(data)`` when it was already made (by the worker that read the page, beside
    # the others: ``sohoa ocr``), so that the PDF is not held up re-coding every page in turn.
    lean: bytes | None = None


@cache
def glyphless_font() -> bytes:
    """A tiny TrueType font whose glyph 1 is empty and 500 units wide (the text layer's font)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "blank"])
    builder.setupCharacterMap({0x20: "blank"})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({".notdef": empty, "blank": TTGlyphPen(None).glyph()})
    builder.setupHorizontalMetrics({".notdef": (_GLYPH_WIDTH, 0), "blank": (_GLYPH_WIDTH, 0)})
    builder.setupHorizontalHeader(ascent=1000, descent=-200)
    builder.setupNameTable({"familyName": "SohoaGlyphless", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=1000, sTypoDescender=-200, usWinAscent=1000, usWinDescent=200)
    builder.setupPost()
    builder.updateHead(created=_FIXED_FONT_TIME, modified=_FIXED_FONT_TIME)
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def _to_unicode_cmap() -> bytes:
    """ToUnicode CMap: every 2-byte code is the UTF-16 unit it names.

    A bfrange may only vary its last byte, so the identity is written as 256 ranges of 256
    codes, in blocks of at most 100 entries as the CMap format asks.
    """
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256)]
    blocks = [ranges[i : i + 100] for i in range(0, len(ranges), 100)]
    body = "".join(
        f"{len(block)} beginbfrange\n" + "\n".join(block) + "\nendbfrange\n" for block in blocks
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


_TO_UNICODE = _to_unicode_cmap()


def _font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    font_file = pikepdf.Stream(pdf, zlib.compress(glyphless_font(), 9))
    font_file.Filter = pikepdf.Name.FlateDecode
    font_file.Length1 = len(glyphless_font())
    descriptor = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=pikepdf.Name("/SohoaGlyphless"),
            Flags=4,  # symbolic: the font has no standard Latin character set
            FontBBox=[0, -200, _GLYPH_WIDTH, 1000],
            ItalicAngle=0,
            Ascent=1000,
            Descent=-200,
            CapHeight=1000,
            StemV=80,
            FontFile2=pdf.make_indirect(font_file),
        )
    )
    # Every 2-byte code (= the UTF-16 unit of the character) maps to glyph 1.
    cid_to_gid = pikepdf.Stream(pdf, zlib.compress(b"\x00\x01" * 65536, 9))
    cid_to_gid.Filter = pikepdf.Name.FlateDecode
    cid_font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.CIDFontType2,
            BaseFont=pikepdf.Name("/SohoaGlyphless"),
            CIDSystemInfo=pikepdf.Dictionary(
                Registry=pikepdf.String("Adobe"),
                Ordering=pikepdf.String("Identity"),
                Supplement=0,
            ),
            FontDescriptor=descriptor,
            DW=_GLYPH_WIDTH,
            CIDToGIDMap=pdf.make_indirect(cid_to_gid),
        )
    )
    to_unicode = pikepdf.Stream(pdf, zlib.compress(_TO_UNICODE, 9))
    to_unicode.Filter = pikepdf.Name.FlateDecode
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=pikepdf.Name("/SohoaGlyphless"),
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=[cid_font],
            ToUnicode=pdf.make_indirect(to_unicode),
        )
    )


# --- images -------------------------------------------------------------------------------


def _flate_image(pdf: pikepdf.Pdf, image: Image.Image) -> pikepdf.Stream:
    if image.mode == "1":
        raw, space, bits = image.tobytes(), pikepdf.Name.DeviceGray, 1
    else:
        if image.mode in ("RGBA", "LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        ):
            # PDF/A allows soft masks, but a scan has no business being transparent: flatten.
            grey = image.mode in ("LA", "La")
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, "white")
            image.paste(rgba, mask=rgba.getchannel("A"))
            if grey:
                image = image.convert("L")
        if image.mode in ("L", "I;16", "I;16B", "I;16L", "I", "F"):
            image = image.convert("L") if image.mode == "L" else _to_gray8(image)
            space = pikepdf.Name.DeviceGray
        else:
            image = image.convert("RGB")
            space = pikepdf.Name.DeviceRGB
        raw, bits = image.tobytes(), 8
    stream = pikepdf.Stream(pdf, zlib.compress(raw, 6))
    stream.Filter = pikepdf.Name.FlateDecode
    stream.ColorSpace = space
    stream.BitsPerComponent = bits
    return stream


def _to_gray8(image: Image.Image) -> Image.Image:
    top = image.getextrema()[1]
    scale = 255.0 / 65535.0 if top and top > 255 else 1.0
    return image.point(lambda v: v * scale).convert("L")


def _g4_strip(image: Image.Image, data: bytes) -> tuple[bytes, bool] | None:
    """Raw CCITT G4 data of a single-strip bilevel TIFF, and whether black is coded as 1."""
    if not isinstance(image, TiffImagePlugin.TiffImageFile):
        return None
    tags = image.tag_v2
    if tags.get(259) != 4 or tags.get(266, 1) != 1:  # Compression=T.6, FillOrder=MSB first
        return None
    offsets, counts = tags.get(273), tags.get(279)
    if offsets is None or counts is None or len(offsets) != 1 or len(counts) != 1:
        return None
    start, size = int(offsets[0]), int(counts[0])
    if start + size > len(data):
        return None
    # TIFF WhiteIsZero (0) codes white runs as white; BlackIsZero (1) means the reverse.
    return data[start : start + size], tags.get(262, 0) == 1


def _as_g4(image: Image.Image) -> tuple[Image.Image, bytes]:
    out = io.BytesIO()
    image.save(out, format="TIFF", compression="group4", tiffinfo={278: image.height})
    data = out.getvalue()
    return Image.open(io.BytesIO(data)), data


def _rgb_space(pdf: pikepdf.Pdf, image: Image.Image) -> pikepdf.Object:
    """DeviceRGB (sRGB by the output intent), or the profile an RGB JPEG carries when it is
    another (Adobe RGB, a camera's): PDF/A allows ICCBased colour beside the output intent,
    so the scan keeps its bytes and its colours."""
    icc = image.info.get("icc_profile")
    if not isinstance(icc, bytes) or is_srgb(icc) or profile_space(icc) != "RGB":
        return pikepdf.Name.DeviceRGB
    profile = pikepdf.Stream(pdf, zlib.compress(icc, 9))
    profile.Filter = pikepdf.Name.FlateDecode
    profile.N = 3
    return pikepdf.Array([pikepdf.Name.ICCBased, pdf.make_indirect(profile)])


def _image_xobject(pdf: pikepdf.Pdf, page: PdfPage) -> tuple[pikepdf.Stream, int, int]:
    try:
        image = Image.open(io.BytesIO(page.data))
        width, height = image.size
        if image.format == "JPEG" and image.mode in ("L", "RGB"):
            # As scanned, never decoded and encoded again: the scanner's JPEG, its entropy
            # coding made leaner when that loses nothing (same coefficients, same pixels).
            stream = pikepdf.Stream(pdf, page.lean if page.lean is not None
                                    else leaner_jpeg(page.data))
            stream.Filter = pikepdf.Name.DCTDecode
            stream.ColorSpace = (
                pikepdf.Name.DeviceGray if image.mode == "L" else _rgb_space(pdf, image)
            )
            stream.BitsPerComponent = 8
        elif (g4 := _g4_strip(image, page.data)) is not None or image.mode == "1":
            if g4 is None:
                # Bilevel but not one G4 strip (PNG, LZW or multi-strip TIFF): re-encode as
                # one G4 strip, lossless and far smaller than Flate for text pages.
                g4 = _g4_strip(*_as_g4(image))
            assert g4 is not None
            strip, inverted = g4
            stream = pikepdf.Stream(pdf, strip)
            stream.Filter = pikepdf.Name.CCITTFaxDecode
            stream.DecodeParms = pikepdf.Dictionary(
                K=-1, Columns=width, Rows=height, BlackIs1=inverted
            )
            stream.ColorSpace = pikepdf.Name.DeviceGray
            stream.BitsPerComponent = 1
        else:
            image.load()
            stream = _flate_image(pdf, image)
    except (OSError, SyntaxError, ValueError) as err:
        raise BadInputError(
            f"không đưa được ảnh trang vào tệp PDF ({err}): quét lại trang"
        ) from err
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width = width
    stream.Height = height
    return stream, width, height


# --- text layer ---------------------------------------------------------------------------


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


_PITCH_CAP = 1.8  # a block's font size at most this many times its closest baseline pitch


def _block_sizes(lines: dict[int, list[Word]], baselines: dict[int, float]) -> dict[int, float]:
    """One font size (pixels) per block, big enough for poppler to see the block's lines as one.

    pdftotext joins lines into a block (and so reads a header column as a unit instead of
    interleaving it with the column beside it) only when their font sizes agree and the
    baseline pitch is under ~1.5 font sizes; a size from the word heights alone is too small
    for the airy lines of an administrative header. Columns standing side by side are sized
    for their widest pitch ("Số: …" sits well below the issuing body's name), other blocks for
    their usual one; either way at most about twice the text height, as poppler also measures
    word gaps against the font size.
    """
    blocks: dict[int, list[int]] = {}
    for line_no, words in lines.items():
        blocks.setdefault(words[0].block, []).append(line_no)
    spans = {
        b: (min(baselines[n] for n in ns), max(baselines[n] for n in ns))
        for b, ns in blocks.items()
    }
    beside = {
        a
        for a in blocks
        for b in blocks
        if a != b and spans[a][0] <= spans[b][1] and spans[b][0] <= spans[a][1]
    }
    sizes: dict[int, float] = {}
    # Yet under twice the block's closest pitch: poppler takes words whose baselines lie within
    # half a font size of a line's for that line, and would run two lines into one.
    caps: dict[int, float] = {}
    for block, line_nos in blocks.items():
        height = median(w.height for n in line_nos for w in lines[n])
        ordered = sorted(baselines[n] for n in line_nos)
        pitches = [b - a for a, b in itertools.pairwise(ordered) if b - a > 0]
        size = float(height)
        caps[block] = math.inf
        if pitches:
            pitch = max(pitches) if block in beside else median(pitches)
            size = min(max(size, 0.7 * pitch), (2.2 if block in beside else 1.6) * height)
            caps[block] = max(float(height), _PITCH_CAP * min(pitches))
            size = min(size, caps[block])
        sizes[block] = size
    # Blocks side by side (the header's two columns) share one size: see _column_baselines.
    for a in sorted(beside):
        for b in sorted(beside):
            if a < b and spans[a][0] <= spans[b][1] and spans[b][0] <= spans[a][1]:
                size = min(max(sizes[a], sizes[b]), caps[a], caps[b])
                # Under the blank between them, too: poppler pulls a word into a block when it
                # lies within one font size of the block's side ("UBND THÀNH PHỐ HỒ CHÍ MINH
                # CỘNG HÒA XÃ HỘI …" as one line, where a skewed header's columns close in).
                gap = min(w.left for n in blocks[b] for w in lines[n]) - max(
                    w.left + w.width for n in blocks[a] for w in lines[n])
                if 0.5 * size < _GAP_SHARE * gap < size:
                    size = _GAP_SHARE * gap
                sizes[a] = sizes[b] = size
    return sizes


_GAP_SHARE = 0.9  # side-by-side blocks' size at most this share of the blank between them


def _column_baselines(lines: dict[int, list[Word]], baselines: dict[int, float]) -> None:
    """Keep a block that stands beside an earlier one from starting above it (in place).

    pdftotext orders side-by-side blocks by their top edge, so a right-hand header column whose
    first line sits higher than the left-hand one's (a tall diacritic is enough; on a page
    tilted up to the right, the whole column is) would be read first. Such a block is lowered
    as a whole onto the earlier block's first baseline plus one pixel: invisible text moves by
    at most a line and a half, and the reading order holds.
    """
    blocks: dict[int, list[int]] = {}
    for line_no in sorted(lines):
        blocks.setdefault(lines[line_no][0].block, []).append(line_no)
    done: list[list[int]] = []
    for block in sorted(blocks):
        line_nos = blocks[block]
        first = baselines[line_nos[0]]
        height = median(w.height for n in line_nos for w in lines[n])
        # The line of each earlier block nearest to level with this block's first line: not
        # necessarily that block's first line, as a closing left column ("Nơi nhận") often
        # carries the end of the body above it in our block, while pdftotext starts a block
        # of its own where the lines' pitch widens.
        levels = [
            min((abs(baselines[n] - first), baselines[n]) for n in earlier)[1] for earlier in done
        ]
        floor = max((level for level in levels if abs(level - first) <= 1.5 * height),
                    default=None)
        if floor is not None and first < floor + 1:
            shift = floor + 1 - first
            for line_no in line_nos:
                baselines[line_no] += shift
        done.append(line_nos)


# Font sizes tried for a signer's name under a right-hand signature column, as shares of its
# block's: the first that sets it off the left-hand name (see _detached_names).
_DETACHED_SIZES = (0.2, 0.15, 0.25, 0.3, 0.1)


def _detached_names(
    lines: dict[int, list[Word]], baselines: dict[int, float], sizes: dict[int, float]
) -> dict[int, float]:
    """Lines of a right-hand closing column that stand apart from the line above them (the
    signer's name under the space for the signature and seal).

    pdftotext makes each signature column two blocks (title, name) because of that space; with
    two columns side by side, the four blocks line up as a table, which it reads row by row:
    both titles, then both names. Its table test (poppler's TextPage::coalesce) wants the
    blocks' tops, middles or bottoms level within half the smallest font size among them; a
    right-hand name drawn at a fifth of its column's size has its top, middle and bottom well
    off the left-hand name's, so the columns are read one after the other. The words keep
    their boxes' x-extent and baseline; only their height shrinks.
    """
    blocks: dict[int, list[int]] = {}
    for line_no in sorted(lines):
        blocks.setdefault(lines[line_no][0].block, []).append(line_no)
    spans = {b: (baselines[ns[0]], max(baselines[n] for n in ns)) for b, ns in blocks.items()}
    detached: dict[int, float] = {}
    for block, line_nos in blocks.items():
        left = [
            (baselines[n], sizes[other]) for other in blocks
            if other < block and spans[other][0] <= spans[block][1]
            and spans[block][0] <= spans[other][1]
            for n in blocks[other]
        ]
        for above, line_no in itertools.pairwise(line_nos):
            base, size = baselines[line_no], sizes[block]
            level = [(b, s) for b, s in left if abs(b - base) <= 0.5 * size]
            # Apart from the line above, and level with a line of the column on its left (the
            # other signer's name): the bottom right corner of a grid.
            if base - baselines[above] <= 1.5 * size or not level:
                continue
            other, other_size = min(level, key=lambda bs: abs(bs[0] - base))
            for share in _DETACHED_SIZES:
                small = share * size
                # Top, middle and bottom (ascent 1, descent 0.2) all off the other name's by
                # more than poppler's tolerance, half the smallest size, whatever the
                # baselines' offset.
                if all(
                    abs((other - k * other_size) - (base - k * small)) > 0.5 * small + 1
                    for k in (1.0, 0.4, -0.2)
                ):
                    detached[line_no] = share
                    break
    return detached


# Font size of a line with a hole in it, as a share of its block's: different enough (poppler
# joins lines into a block only within 5% of each other's size) to be a block of its own.
_HOLED_SIZE = 0.9


def _holed_lines(
    lines: dict[int, list[Word]], baselines: dict[int, float], sizes: dict[int, float]
) -> set[int]:
    """Lines that pdftotext would cut into blocks and whose first piece would take the next
    line in, to be read before the pieces further right.

    A gap between two words of a line wider than the font size (poppler's minColSpacing2),
    as where a number under a seal was lost, cuts the line into blocks. Within a paragraph
    poppler's block takes in every piece that lies under it; but a line that starts a block of
    its own (its pitch to the line above is over 1.5 font sizes) stays in pieces, and the line
    below it (the paragraph's last line, "Quyết định này kể từ ngày ký") joins the first piece.
    Drawn at a size of its own, the holed line joins nothing below, and the line below becomes
    a block that pdftotext reads after every piece above it.
    """
    blocks: dict[int, list[int]] = {}
    for line_no in sorted(lines):
        blocks.setdefault(lines[line_no][0].block, []).append(line_no)
    holed: set[int] = set()
    for block, line_nos in blocks.items():
        size = sizes[block]
        for k, line_no in enumerate(line_nos):
            words = lines[line_no]
            cut = next((i for i in range(1, len(words))
                        if words[i].left - (words[i - 1].left + words[i - 1].width) > size), None)
            # A lone mark beyond a gap (a speck, a page number's stray digit) is no hole.
            if cut is None or k + 1 == len(line_nos) or min(cut, len(words) - cut) < 2:
                continue
            below = line_nos[k + 1]
            starts = k == 0 or baselines[line_no] - baselines[line_nos[k - 1]] > 1.5 * size
            joins = (baselines[below] - baselines[line_no] <= 1.5 * size
                     and lines[below][0].left < words[cut - 1].left + words[cut - 1].width)
            if starts and joins:
                holed.add(line_no)
    return holed


# The blank left after each word of a line before the next, as a share of the font size:
# poppler starts a new word only past 0.1 of it (TextOutputDev's minWordBreakSpace).
_WORD_GAP = 0.15
# A word is drawn at least this share of its box's width, whatever the gap.
_LEAST_WIDTH = 0.6


def _drawn_widths(words: Sequence[Word], size: float) -> list[float]:
    """Each word's drawn width (pixels) on its line drawn at font size ``size`` (pixels): its
    box's, but ending ``_WORD_GAP`` of the size before the next word starts.

    Boxes of a line can touch or nearly (a bold name's narrow space, a box widened over a word
    read in two pieces): drawn as they are, pdftotext joins the two words into one ("Thiếu tá
    LêVăn Yến", 8 px apart at 300 dpi under a font size of 80 px), and a search for the
    signer's name in the archived PDF misses it. The text is invisible: its right edge moves a
    little, never its place."""
    out: list[float] = []
    for word, after in itertools.zip_longest(words, words[1:]):
        width = float(word.width)
        if after is not None and after.left > word.left:
            room = after.left - word.left - _WORD_GAP * size
            width = max(_LEAST_WIDTH * width, min(width, room))
        out.append(width)
    return out


def _text_layer(ocr: OcrPage, dpi: int) -> str:
    """Content stream operators drawing the invisible words, in upright page space (points)."""
    scale = 72.0 / dpi
    page_height = ocr.height * scale
    lines: dict[int, list[Word]] = {}
    for word in ocr.words:
        if word.text:
            lines.setdefault(word.line, []).append(word)
    # One baseline per line: text extraction groups a line by its baseline, so a line drawn
    # along a slight tilt would come apart (OCRmyPDF's text layer on skewed pages does).
    baselines = {n: float(median(w.top + w.height for w in ws)) for n, ws in lines.items()}
    _column_baselines(lines, baselines)
    sizes = _block_sizes(lines, baselines)
    detached = _detached_names(lines, baselines, sizes)
    holed = _holed_lines(lines, baselines, sizes)
    ops = ["BT", "3 Tr"]
    for line_no in sorted(lines):
        words = lines[line_no]
        size = sizes[words[0].block] * detached.get(line_no, 1.0)
        if line_no in holed:
            size *= _HOLED_SIZE
        size = max(1.0, size * scale)
        baseline = page_height - baselines[line_no] * scale
        ops.append(f"/F1 {_num(size)} Tf")
        drawn = _drawn_widths(words, size / scale)
        for word, width in zip(words, drawn, strict=True):
            # already in reading order, which is the order they are drawn in
            natural = len(word.text.encode("utf-16-be")) / 2 * size * _GLYPH_WIDTH / 1000
            stretch = 100.0 * width * scale / natural
            ops.append(f"{_num(stretch)} Tz")
            ops.append(f"1 0 0 1 {_num(word.left * scale)} {_num(baseline)} Tm")
            ops.append(f"<{_utf16_hex(word.text)}> Tj")
    ops.append("ET")
    return "\n".join(ops)


def _upright_to_page(rotation: int, width: float, height: float) -> str:
    """``cm`` operands mapping upright (displayed) coordinates into the unrotated page space.

    ``width``/``height`` are the unrotated page's; ``/Rotate`` turns that page clockwise.
    """
    return {
        0: "1 0 0 1 0 0",
        90: f"0 1 -1 0 {_num(width)} 0",
        180: f"-1 0 0 -1 {_num(width)} {_num(height)}",
        270: f"0 -1 1 0 0 {_num(height)}",
    }[rotation]


def _page(pdf: pikepdf.Pdf, page: PdfPage, font: pikepdf.Object) -> None:
    if page.dpi <= 0:
        raise BadInputError("trang không có độ phân giải (dpi): đặt dpi trên máy quét rồi quét lại")
    image, px_w, px_h = _image_xobject(pdf, page)
    rotation = page.ocr.rotation % 360
    upright = (px_h, px_w) if rotation in (90, 270) else (px_w, px_h)
    if page.ocr.words and (page.ocr.width, page.ocr.height) != upright:
        raise ValueError(
            f"OCR result is for a {page.ocr.width}x{page.ocr.height} page, the image turned by "
            f"{rotation} degrees is {upright[0]}x{upright[1]}"
        )
    scale = 72.0 / page.dpi
    width, height = px_w * scale, px_h * scale
    content = f"q\n{_num(width)} 0 0 {_num(height)} 0 0 cm\n/Im0 Do\nQ\n"
    if page.ocr.words:
        content += f"q\n{_upright_to_page(rotation, width, height)} cm\n"
        content += _text_layer(page.ocr, page.dpi) + "\nQ\n"
    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=pdf.make_indirect(image)))
    if page.ocr.words:
        resources.Font = pikepdf.Dictionary(F1=font)
    contents = pikepdf.Stream(pdf, zlib.compress(content.encode("ascii"), 9))
    contents.Filter = pikepdf.Name.FlateDecode
    pdf_page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, float(_num(width)), float(_num(height))],
        Resources=resources,
        Contents=pdf.make_indirect(contents),
    )
    if rotation:
        pdf_page.Rotate = rotation
    pdf.pages.append(pikepdf.Page(pdf_page))


def _kept_page(pdf: pikepdf.Pdf, page: PdfPage, sources: list[pikepdf.Pdf]) -> None:
    """A born-digital page, copied with its content and resources as the producer wrote them."""
    try:
        source = pikepdf.open(io.BytesIO(page.data))
    except pikepdf.PdfError as err:
        raise BadInputError(f"Trang PDF gốc không mở được ({err}); nạp lại tệp.") from err
    if len(source.pages) != 1:
        raise BadInputError("Trang PDF gốc phải là một trang; nạp lại tệp.")
    sources.append(source)  # its streams are read when the archival PDF is saved
    pdf.pages.append(source.pages[0])


def _stream_key(obj: pikepdf.Stream) -> tuple[str, bytes]:
    entries = sorted((str(k), v.unparse() if isinstance(v, pikepdf.Object) else repr(v))
                     for k, v in obj.stream_dict.items() if k != "/Length")
    return repr(entries), hashlib.sha256(obj.read_raw_bytes()).digest()


def _store_once(pdf: pikepdf.Pdf) -> None:
    """Make identical streams (a font every born-digital page carries a copy of) one object,
    then identical dictionaries that point at them (its descriptor, the font), until nothing
    changes: the copies are no longer referenced and are not written."""
    for _ in range(4):
        canonical: dict[object, pikepdf.Object] = {}
        same: dict[tuple[int, int], pikepdf.Object] = {}
        for obj in pdf.objects:
            if not obj.is_indirect:
                continue
            if isinstance(obj, pikepdf.Stream):
                key: object = ("s", _stream_key(obj))
            elif isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") not in (
                    pikepdf.Name.Page, pikepdf.Name.Pages, pikepdf.Name.Catalog):
                key = ("d", obj.unparse(resolved=True))
            else:
                continue
            first = canonical.setdefault(key, obj)
            if first.objgen != obj.objgen:
                same[obj.objgen] = first
        if not same:
            return
        for obj in list(pdf.objects):
            if obj.is_indirect and obj.objgen in same:
                continue
            if isinstance(obj, pikepdf.Stream | pikepdf.Dictionary | pikepdf.Array):
                _repoint(obj, same, 0)


def _repoint(container: pikepdf.Object, same: dict[tuple[int, int], pikepdf.Object],
             depth: int) -> None:
    if depth > 32:
        return
    items = (enumerate(container) if isinstance(container, pikepdf.Array)
             else container.items())
    for key, value in list(items):
        if isinstance(value, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream):
            if value.is_indirect:
                if value.objgen in same:
                    container[key] = same[value.objgen]
            elif not isinstance(value, pikepdf.Stream):
                _repoint(value, same, depth + 1)


def document_id(pages: Sequence[PdfPage], info: DocumentInfo) -> str:
    """A stable ``uuid:`` for the document: the same pages and metadata give the same id."""
    digest = hashlib.sha256()
    for page in pages:
        digest.update(hashlib.sha256(page.data).digest())
        digest.update(page.ocr.text.encode("utf-8"))
    for part in (info.title, info.author, info.subject, *info.keywords, info.language):
        digest.update(part.encode("utf-8") + b"\x00")
    for key in sorted(info.extra):
        digest.update(f"{key}={info.extra[key]}".encode() + b"\x00")
    return f"uuid:{uuid.UUID(bytes=digest.digest()[:16], version=5)}"


def build_pdf(
    pages: Sequence[PdfPage],
    *,
    title: str,
    author: str,
    subject: str = "",
    keywords: Sequence[str] = (),
    language: str = "vi",
    extra_xmp: Mapping[str, str] = {},
    created: datetime | None = None,
) -> bytes:
    """A searchable PDF/A-2b of ``pages``; byte-for-byte the same for the same arguments.

    ``created`` (optional) sets the XMP/Info dates; without it the file carries no date, so
    that its hash depends on its content only.
    """
    if not pages:
        raise BadInputError("giấy tờ phải có ít nhất một trang")
    info = DocumentInfo(
        title=title,
        author=author,
        subject=subject,
        keywords=tuple(keywords),
        language=language,
        created=created,
        extra=dict(extra_xmp),
    )
    doc_id = document_id(pages, info)
    info = DocumentInfo(**{**info.__dict__, "document_id": doc_id})
    pdf = pikepdf.new()
    font = _font(pdf) if any(p.mime != PDF_MIME for p in pages) else None
    sources: list[pikepdf.Pdf] = []
    for page in pages:
        if page.mime == PDF_MIME:
            _kept_page(pdf, page, sources)
        else:
            assert font is not None
            _page(pdf, page, font)
    if sources:
        _store_once(pdf)
    finish_pdfa(pdf, info)
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=False)
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        # every stream is compressed (or passed through) above; the object streams written
        # for born-digital pages are compressed here, and nothing already filtered is touched
        compress_streams=bool(sources),
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        # A born-digital page brings hundreds of small objects (fonts, widths, outlines of
        # glyphs' names) that its producer kept in object streams: written loose, a 263 KB
        # manual became 375 KB. A scan's few objects gain nothing from them.
        object_stream_mode=(pikepdf.ObjectStreamMode.generate if sources
                            else pikepdf.ObjectStreamMode.disable),
        min_version="1.7",
    )
    for source in sources:
        source.close()
    return out.getvalue()
