"""Text a PDF shows with glyph 0 (``.notdef``), which PDF/A-2b forbids (ISO 19005-2, 6.2.11.8).

A producer whose font lacks a character often shows the font's glyph 0 for it: an empty box or
nothing on screen, and a page a validator fails, however well the rest is made. A born-digital
page kept as the producer wrote it would carry it into the archive; such a page is converted or
drawn instead (``pdfborn.pdfa_problems``).

What is checked is what can be told from the PDF's own dictionaries, without reading the font
programs: a composite font (Type0) under ``Identity-H``/``Identity-V`` shows CID 0 (the CID is
the code, two bytes); a simple font's ``/Differences`` names ``.notdef`` for a code shown; and a
simple font under a standard encoding (``/WinAnsiEncoding``, ``/MacRomanEncoding``,
``/StandardEncoding``, by name or as ``/BaseEncoding``) shows a code that encoding gives no
glyph name, which ``/Differences`` does not name either: code 0 of WinAnsi Helvetica is
``.notdef`` in any program, and Ghostscript's PDF/A copy of such a page still shows it (veraPDF
fails it, tester10 F31). Other CMaps, a font without an encoding of its own (its program's
built-in one), and a glyph missing from an embedded program under its encoding's name, are not
looked into.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pikepdf
from fontTools.encodings.StandardEncoding import StandardEncoding

_IDENTITY = (pikepdf.Name("/Identity-H"), pikepdf.Name("/Identity-V"))
_CONTROLS = frozenset(range(32))
# The codes each standard encoding gives no glyph name (ISO 32000-1, Annex D.2). WinAnsi's
# unused codes above 32 are the bullet (note 6 there; Ghostscript and veraPDF agree); PDF's
# MacRoman leaves out the 15 Mac OS Roman characters of its mathematical and Apple set.
_UNNAMED: dict[str, frozenset[int]] = {
    "/WinAnsiEncoding": _CONTROLS,
    "/MacRomanEncoding": _CONTROLS | {127, 173, 176, 178, 179, 182, 183, 184, 185, 186, 189,
                                      195, 197, 198, 215, 240},
    "/StandardEncoding": frozenset(code for code, name in enumerate(StandardEncoding)
                                   if name == ".notdef"),
}


def _strings(operands: pikepdf._core._ObjectList | list[pikepdf.Object], op: str
             ) -> list[bytes]:
    if op == "TJ" and operands and isinstance(operands[0], pikepdf.Array):
        return [bytes(s) for s in operands[0] if isinstance(s, pikepdf.String)]
    if op in ("Tj", "'", '"') and operands and isinstance(operands[-1], pikepdf.String):
        return [bytes(operands[-1])]
    return []


def _notdef_codes(font: pikepdf.Dictionary) -> frozenset[int]:
    """The one-byte codes a simple font shows glyph 0 for: those its ``/Differences`` names
    ``.notdef``, and those its standard base encoding names nothing and ``/Differences`` does
    not name either."""
    encoding = font.get("/Encoding")
    if isinstance(encoding, pikepdf.Name):
        return _UNNAMED.get(str(encoding), frozenset())
    if not isinstance(encoding, pikepdf.Dictionary):
        return frozenset()
    base = encoding.get("/BaseEncoding")
    codes = set(_UNNAMED.get(str(base), ())) if isinstance(base, pikepdf.Name) else set()
    differences = encoding.get("/Differences")
    if not isinstance(differences, pikepdf.Array):
        return frozenset(codes)
    code = 0
    for item in differences:
        if isinstance(item, int | float | Decimal):
            code = int(item)
        elif isinstance(item, pikepdf.Name):
            if str(item) == "/.notdef":
                codes.add(code)
            else:
                codes.discard(code)  # named here: the base encoding's gap is filled
            code += 1
    return frozenset(codes)


@dataclass(frozen=True)
class ZeroGlyph:
    """How a font shows glyph 0: by CID 0 (two-byte codes) or by these one-byte codes."""

    font: str  # its /BaseFont, for the reason
    cid: bool
    codes: frozenset[int] = frozenset()


def zero_glyph(font: pikepdf.Object | None) -> ZeroGlyph | None:
    """How ``font`` can show glyph 0, worked out once when it is set (``Tf``); None when it
    cannot, as far as its dictionaries tell."""
    if not isinstance(font, pikepdf.Dictionary):
        return None
    if font.get("/Subtype") == pikepdf.Name.Type0:
        return ZeroGlyph(font_name(font), True) if font.get("/Encoding") in _IDENTITY else None
    codes = _notdef_codes(font)
    return ZeroGlyph(font_name(font), False, codes) if codes else None


def shows_zero(zero: ZeroGlyph | None, operands: pikepdf._core._ObjectList, op: str) -> bool:
    """Whether the text-showing operator ``op`` with ``operands`` shows glyph 0."""
    if zero is None:
        return False
    strings = _strings(operands, op)
    if zero.cid:
        return any(s[k] == 0 and s[k + 1] == 0 for s in strings
                   for k in range(0, len(s) - 1, 2))
    return any(b in zero.codes for s in strings for b in s)


def shows_notdef(font: pikepdf.Object | None, operands: pikepdf._core._ObjectList, op: str
                 ) -> bool:
    """Whether the text-showing operator ``op`` with ``operands``, in ``font``, shows glyph 0."""
    return shows_zero(zero_glyph(font), operands, op)


def font_name(font: pikepdf.Object | None) -> str:
    if not isinstance(font, pikepdf.Dictionary):
        return "?"
    return str(font.get("/BaseFont", "")).lstrip("/") or "?"
