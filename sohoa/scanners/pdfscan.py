"""Where a PDF page's scan is: every image the page draws, with the matrix it is drawn under.

Producers put the scanner's image in many places: straight on the page (scanners, img2pdf),
inside a Form XObject (ReportLab, print drivers, MFP firmware), inside forms nested in forms
with their own ``/Matrix``, as an inline image (``BI … ID … EI``), or as several horizontal
strips. ``walk_page`` follows the content streams into every form under the composed
transformation matrix and reports what the page paints: the images, and whether anything else
would leave ink (visible text, stroked or filled paths, shadings). Invisible text (render mode
3, an OCR layer) and clipping paths leave no ink and are not counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pikepdf

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MAX_FORM_DEPTH = 12  # deeper nesting than this is a hostile file, not a producer's habit

_PAINT_PATH = {"f", "F", "f*", "S", "s", "B", "B*", "b", "b*"}
_SHOW_TEXT = {"Tj", "TJ", "'", '"'}
# Operators that change state only, or mark content: no ink by themselves.
_QUIET = {"w", "J", "j", "M", "d", "ri", "i", "gs", "BT", "ET", "Tf", "Td", "TD", "Tm", "T*",
          "Tc", "Tw", "Tz", "TL", "Ts", "BMC", "BDC", "EMC", "MP", "DP", "BX", "EX", "d0", "d1",
          "m", "l", "c", "v", "y", "h", "re", "W", "W*", "n", "CS", "cs", "G", "RG", "K", "SC",
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

    @property
    def inline(self) -> bool:
        return not isinstance(self.image, pikepdf.Stream)

    def box(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the image on the page, in points."""
        a, b, c, d, e, f = self.ctm
        xs = (e, e + a, e + c, e + a + c)
        ys = (f, f + b, f + d, f + b + d)
        return min(xs), min(ys), max(xs), max(ys)

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

    def note(self, what: str) -> None:
        if what not in self.ink:
            self.ink.append(what)


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill: tuple[float, ...] = (0.0,)  # DeviceGray black, the initial fill colour
    fill_space: str = "gray"
    text_mode: int = 0


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
    state = _State(start.ctm, start.fill, start.fill_space, start.text_mode)
    stack: list[_State] = []
    xobjects = resources.get("/XObject", pikepdf.Dictionary()) if resources is not None else {}
    for instruction in pikepdf.parse_content_stream(source):
        op = str(instruction.operator)
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            content.images.append(Placement(instruction.iimage, state.ctm, _is_black(state)))
            continue
        operands = instruction.operands
        if op == "q":
            stack.append(_State(state.ctm, state.fill, state.fill_space, state.text_mode))
        elif op == "Q":
            if stack:
                state = stack.pop()
        elif op == "cm" and len(operands) == 6:
            state.ctm = multiply(tuple(float(v) for v in operands), state.ctm)  # type: ignore[arg-type]
        elif op in ("g", "rg", "k"):
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
        elif op in _SHOW_TEXT:
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
        content.images.append(Placement(xobj, state.ctm, _is_black(state)))
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
    inner = _State(ctm, state.fill, state.fill_space, state.text_mode)
    _walk(xobj, form_resources, inner, content, depth + 1, (*seen, key))


def _is_black(state: _State) -> bool:
    fill = state.fill
    if state.fill_space == "gray":
        return len(fill) == 1 and fill[0] == 0
    if state.fill_space == "rgb":
        return len(fill) == 3 and all(v == 0 for v in fill)
    if state.fill_space == "cmyk":
        return fill in ((0.0, 0.0, 0.0, 1.0), (1.0, 1.0, 1.0, 1.0))
    return False
