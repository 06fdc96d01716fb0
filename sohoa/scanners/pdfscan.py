"""Where a PDF page's scan is: every image the page draws, with the matrix it is drawn under.

Producers put the scanner's image in many places: straight on the page (scanners, img2pdf),
inside a Form XObject (ReportLab, print drivers, MFP firmware), inside forms nested in forms
with their own ``/Matrix``, as an inline image (``BI … ID … EI``), or as several horizontal
strips. ``walk_page`` follows the content streams into every form under the composed
transformation matrix and reports what the page paints: the images, and whether anything else
would leave ink (visible text, stroked or filled paths, shadings). Invisible text (render mode
3, an OCR layer) and clipping paths leave no ink and are not counted; the clip in force (clip
paths, and each form's /BBox) is kept with every image, since only what it leaves visible is
the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pikepdf

from sohoa.scanners.glyphs import ZeroGlyph, shows_zero, zero_glyph

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in page space
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MAX_FORM_DEPTH = 12  # deeper nesting than this is a hostile file, not a producer's habit

_PAINT_PATH = {"f", "F", "f*", "S", "s", "B", "B*", "b", "b*"}
_SHOW_TEXT = {"Tj", "TJ", "'", '"'}
# Operators that change state only, or mark content: no ink by themselves.
_QUIET = {"w", "J", "j", "M", "d", "ri", "i", "gs", "BT", "ET", "Tf", "Td", "TD", "Tm", "T*",
          "Tc", "Tw", "Tz", "TL", "Ts", "BMC", "BDC", "EMC", "MP", "DP", "BX", "EX", "d0", "d1",
          "m", "l", "c", "v", "y", "h", "re", "W", "W*", "n", "CS", "cs", "G", "RG", "SC",
          "SCN", "PS"}


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF row-vector convention: a point is mapped by m, then by n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


@dataclass(frozen=True)
class Placement:
    """One image as the page draws it: the unit square mapped by ``ctm`` to page space."""

    image: pikepdf.Object  # an image XObject (Stream) or a PdfInlineImage
    ctm: Matrix
    fill_black: bool  # the fill colour when drawn (what a stencil mask paints) is black
    # The clipping region in force when drawn, as a page-space box (clip paths and the /BBox
    # of every form around it); None when nothing clips. ``clip_exact`` is False when some
    # clip was not an upright rectangle: the box then only bounds what is visible.
    clip: Box | None = None
    clip_exact: bool = True

    @property
    def inline(self) -> bool:
        return not isinstance(self.image, pikepdf.Stream)

    def box(self) -> Box:
        """(x0, y0, x1, y1) of the image on the page, in points."""
        return transformed_box((0.0, 0.0, 1.0, 1.0), self.ctm)

    def quarter_turns(self) -> int | None:
        """0-3 when the image is drawn upright or turned by a multiple of 90° without a
        mirror or a slant (its pixels map onto the page grid as they are); else None."""
        a, b, c, d, _, _ = self.ctm
        scale = max(abs(a), abs(b), abs(c), abs(d), 1e-9)
        tol = 1e-6 * scale
        if abs(b) <= tol and abs(c) <= tol and a > 0 and d > 0:
            return 0
        if abs(a) <= tol and abs(d) <= tol and b > 0 and c < 0:
            return 1
        if abs(b) <= tol and abs(c) <= tol and a < 0 and d < 0:
            return 2
        if abs(a) <= tol and abs(d) <= tol and b < 0 and c > 0:
            return 3
        return None

    def placed_size(self) -> tuple[float, float]:
        """Width and height in points of the image's own x and y sides."""
        a, b, c, d, _, _ = self.ctm
        return math.hypot(a, b), math.hypot(c, d)


@dataclass
class PageContent:
    images: list[Placement] = field(default_factory=list)
    ink: list[str] = field(default_factory=list)  # what else leaves ink: "text", "path", …
    # the content sets DeviceCMYK colour by operator (k, K): PDF/A-2b wants a CMYK output
    # intent for it, so a born-digital page doing it is converted (pdfborn)
    cmyk: bool = False
    # fonts (their /BaseFont) whose glyph 0 the text shows, visible or not: PDF/A-2b forbids
    # it (sohoa.scanners.glyphs)
    notdef: list[str] = field(default_factory=list)
    # the fonts (object numbers) some text is shown in; a font only selected (ReportLab's
    # "BT /F1 12 Tf ET" on every page) draws nothing, and PDF/A asks nothing of it
    shown: set[tuple[int, int]] = field(default_factory=set)

    def note(self, what: str) -> None:
        if what not in self.ink:
            self.ink.append(what)


def transformed_box(box: Box, m: Matrix) -> Box:
    """The page-space box around ``box`` (in the space ``m`` maps from)."""
    a, b, c, d, e, f = m
    corners = [(x * a + y * c + e, x * b + y * d + f) for x in (box[0], box[2])
               for y in (box[1], box[3])]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return min(xs), min(ys), max(xs), max(ys)


def intersect(one: Box | None, other: Box) -> Box:
    if one is None:
        return other
    x0, y0 = max(one[0], other[0]), max(one[1], other[1])
    x1, y1 = min(one[2], other[2]), min(one[3], other[3])
    return x0, y0, max(x0, x1), max(y0, y1)


def _upright(m: Matrix) -> bool:
    """A box under ``m`` stays an upright rectangle (no slant, turns by quarters only)."""
    a, b, c, d, _, _ = m
    tol = 1e-9 * max(abs(a), abs(b), abs(c), abs(d), 1e-9)
    return (abs(b) <= tol and abs(c) <= tol) or (abs(a) <= tol and abs(d) <= tol)


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill: tuple[float, ...] = (0.0,)  # DeviceGray black, the initial fill colour
    fill_space: str = "gray"
    text_mode: int = 0
    clip: Box | None = None
    clip_exact: bool = True
    zero: ZeroGlyph | None = None  # how the text font (Tf) in force shows glyph 0
    font: tuple[int, int] | None = None  # that font's object number, when it has one

    def copy(self) -> _State:
        return _State(self.ctm, self.fill, self.fill_space, self.text_mode, self.clip,
                      self.clip_exact, self.zero, self.font)

    def clip_to(self, box: Box, exact: bool) -> None:
        self.clip = intersect(self.clip, box)
        self.clip_exact = self.clip_exact and exact


@dataclass
class _Path:
    """The path being built, as far as clipping needs it: its page-space bounds, and whether
    it is one upright rectangle (a clip that cuts exactly along its box)."""

    box: Box | None = None
    rects: int = 0
    other: bool = False  # a segment that is not a rectangle's (m, l, c, v, y)

    def add(self, box: Box) -> None:
        self.box = box if self.box is None else (
            min(self.box[0], box[0]), min(self.box[1], box[1]),
            max(self.box[2], box[2]), max(self.box[3], box[3]))


def walk_page(page: pikepdf.Page) -> PageContent:
    """Every image the page draws, under its composed matrix, and what else leaves ink."""
    content = PageContent()
    if "/Contents" not in page.obj:
        return content
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    _walk(page, resources, _State(), content, depth=0, seen=())
    return content


def _walk(source: pikepdf.Page | pikepdf.Stream, resources: pikepdf.Object, start: _State,
          content: PageContent, depth: int, seen: tuple[tuple[int, int], ...]) -> None:
    state = start.copy()
    stack: list[_State] = []
    path = _Path()
    clipping = False  # W or W* seen: the path ends as the new clip when it is painted or ended
    text_clip = False  # text shown in a clipping mode (4-7) since BT
    xobjects = resources.get("/XObject", pikepdf.Dictionary()) if resources is not None else {}
    fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
    for instruction in pikepdf.parse_content_stream(source):
        op = str(instruction.operator)
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            content.images.append(_placed(instruction.iimage, state))
            try:
                space = instruction.iimage.colorspace
            except (pikepdf.PdfError, NotImplementedError, KeyError, ValueError):
                space = None
            content.cmyk = content.cmyk or str(space) in ("/CMYK", "/DeviceCMYK")
            continue
        operands = instruction.operands
        if op == "re" and len(operands) == 4:
            x, y, w, h = (float(v) for v in operands)
            path.add(transformed_box((min(x, x + w), min(y, y + h), max(x, x + w),
                                      max(y, y + h)), state.ctm))
            path.rects += 1
            if not _upright(state.ctm):
                path.other = True
        elif op in ("m", "l", "c", "v", "y"):
            values = [float(v) for v in operands]
            for i in range(0, len(values) - 1, 2):
                path.add(transformed_box((values[i], values[i + 1], values[i], values[i + 1]),
                                         state.ctm))
            path.other = True
        elif op in ("W", "W*"):
            clipping = True
        if op in _PAINT_PATH or op == "n":
            if clipping and path.box is not None:
                state.clip_to(path.box, exact=path.rects == 1 and not path.other)
            elif clipping:
                state.clip_to((0.0, 0.0, 0.0, 0.0), exact=True)  # an empty clip hides all
            path, clipping = _Path(), False
        if op == "ET" and text_clip:
            # Only the glyphs' shapes stay visible: nothing an upright box describes. An empty
            # box marked inexact makes any image drawn under it a page to render.
            state.clip_to((0.0, 0.0, 0.0, 0.0), exact=False)
            text_clip = False
        if op == "q":
            stack.append(state.copy())
        elif op == "Q":
            if stack:
                state = stack.pop()
        elif op == "cm" and len(operands) == 6:
            state.ctm = multiply(tuple(float(v) for v in operands), state.ctm)  # type: ignore[arg-type]
        elif op == "K":
            content.cmyk = True
        elif op in ("g", "rg", "k"):
            content.cmyk = content.cmyk or op == "k"
            state.fill = tuple(float(v) for v in operands)
            state.fill_space = {"g": "gray", "rg": "rgb", "k": "cmyk"}[op]
        elif op == "cs":
            state.fill_space = "other"
        elif op in ("sc", "scn"):
            try:
                state.fill = tuple(float(v) for v in operands if not isinstance(v, pikepdf.Name))
            except (TypeError, ValueError):
                state.fill = ()
        elif op == "Tr" and operands:
            state.text_mode = int(operands[0])
        elif op == "Tf" and operands and isinstance(operands[0], pikepdf.Name):
            font = fonts.get(str(operands[0])) if isinstance(fonts, pikepdf.Dictionary) else None
            state.zero = zero_glyph(font)
            state.font = font.objgen if isinstance(font, pikepdf.Object) \
                and font.is_indirect else None
        elif op in _SHOW_TEXT:
            if state.font is not None:
                content.shown.add(state.font)
            if shows_zero(state.zero, operands, op) and state.zero is not None \
                    and state.zero.font not in content.notdef:
                content.notdef.append(state.zero.font)
            if state.text_mode >= 4:
                text_clip = True  # modes 4-7 add the glyphs to the clip at ET
            if state.text_mode not in (3, 7):  # 3: invisible (an OCR layer); 7: clip only
                content.note("text")
        elif op in _PAINT_PATH:
            content.note("path")
        elif op == "sh":
            content.note("shading")
        elif op == "Do" and operands:
            _draw(xobjects.get(str(operands[0])), state, resources, content, depth, seen)
        elif op not in _QUIET:
            content.note(op)


def _draw(xobj: pikepdf.Object | None, state: _State, resources: pikepdf.Object,
          content: PageContent, depth: int, seen: tuple[tuple[int, int], ...]) -> None:
    if not isinstance(xobj, pikepdf.Stream):
        return
    subtype = xobj.get("/Subtype")
    if subtype == "/Image":
        content.images.append(_placed(xobj, state))
        return
    if subtype != "/Form":
        content.note("xobject")
        return
    key = xobj.objgen
    if depth >= MAX_FORM_DEPTH or (key != (0, 0) and key in seen):
        content.note("form-loop")  # a form that draws itself: nothing a scanner writes
        return
    matrix = xobj.get("/Matrix")
    ctm = state.ctm
    if isinstance(matrix, pikepdf.Array) and len(matrix) == 6:
        ctm = multiply(tuple(float(v) for v in matrix), ctm)  # type: ignore[arg-type]
    # A form without resources of its own uses its parent's (PDF 1.7, 8.10.1, deprecated but
    # written by old producers).
    form_resources = xobj.get("/Resources", resources)
    inner = state.copy()
    inner.ctm = ctm
    bbox = xobj.get("/BBox")
    if isinstance(bbox, pikepdf.Array) and len(bbox) == 4:
        # A form draws only inside its /BBox (PDF 1.7, 8.10.1): a clip like any other.
        x0, y0, x1, y1 = (float(v) for v in bbox)
        inner.clip_to(transformed_box((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)),
                                      ctm), exact=_upright(ctm))
    _walk(xobj, form_resources, inner, content, depth + 1, (*seen, key))


def _placed(image: pikepdf.Object, state: _State) -> Placement:
    return Placement(image, state.ctm, _is_black(state), state.clip, state.clip_exact)


def _is_black(state: _State) -> bool:
    fill = state.fill
    if state.fill_space == "gray":
        return len(fill) == 1 and fill[0] == 0
    if state.fill_space == "rgb":
        return len(fill) == 3 and all(v == 0 for v in fill)
    if state.fill_space == "cmyk":
        return fill in ((0.0, 0.0, 0.0, 1.0), (1.0, 1.0, 1.0, 1.0))
    return False
