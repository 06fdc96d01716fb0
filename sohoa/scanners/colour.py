"""Is a page scanned the way the rules ask: in colour, at 200 dpi or more?

TT 01/2023/TT-VPCP (and the provinces' digitization guides after it) ask for colour scans of at
least 200 dpi: a bilevel (1-bit) or grey scan loses the red of seals and signatures, which is
what tells an original from a photocopy. The scan's own colour mode says how it was scanned (a
colour scan of a black-and-white paper is still a colour scan, so the pixels are not judged).
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image, UnidentifiedImageError

MIN_DPI = 200
_GREY_MODES = {"L", "LA", "I", "I;16", "I;16B", "I;16L", "F"}


def colour_mode(data: bytes) -> str:
    """"colour", "grey" or "bilevel", from the image header (nothing is decoded)."""
    try:
        with Image.open(BytesIO(data)) as image:
            mode = image.mode
            if mode == "P":
                palette = image.getpalette() or []
                triples = zip(palette[0::3], palette[1::3], palette[2::3], strict=False)
                if all(r == g == b for r, g, b in triples):
                    return "grey"
    except (UnidentifiedImageError, OSError, ValueError):
        return "colour"  # not ours to judge: an unreadable page is quarantined elsewhere
    if mode == "1":
        return "bilevel"
    return "grey" if mode in _GREY_MODES else "colour"


def scan_problem(data: bytes, dpi: int, drawn: bool = False) -> str | None:
    """Why the page falls short of colour at 200 dpi, in Vietnamese, or None. A bilevel page
    without one black pixel is empty paper (the white stand-in of an empty PDF page among
    them: 300 of them in a 3 KB file): it shows nothing a colour scan would have kept, and the
    blank test drops it, so it is no scan to warn about."""
    if drawn or data[:5] == b"%PDF-":
        # a born-digital page, kept or drawn (``Page.drawn``), was never scanned: the scanning
        # rule is not its own
        return None
    mode = colour_mode(data)
    if mode == "bilevel" and _empty(data):
        return None
    problems = []
    if mode == "bilevel":
        problems.append("quét đen trắng (1 bit)")
    elif mode == "grey":
        problems.append("quét thang xám")
    if 0 < dpi < MIN_DPI:
        problems.append(f"độ phân giải {dpi} dpi")
    if not problems:
        return None
    return ("trang " + ", ".join(problems)
            + f"; quy định yêu cầu quét màu, từ {MIN_DPI} dpi trở lên")


def _empty(data: bytes) -> bool:
    try:
        with Image.open(BytesIO(data)) as image:
            return image.getextrema() == (255, 255)
    except (UnidentifiedImageError, OSError, ValueError):
        return False
