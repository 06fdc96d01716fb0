"""Pages the project never drew: another generator, to measure recognition on what it was not
tuned on (issue 18).

The project's own generator (``sohoa.synth.document``) prints every form in Liberation Serif at
200 dpi with its own seal, signature and wear. Real papers vary in what this module varies:

- the typeface (Liberation Serif, Noto Serif, DejaVu Serif, TeX Gyre Termes — a Times clone),
  size, margins, spacing and header layout;
- 200 or 300 dpi, scanned in colour or in grey;
- the signer's block ("TRƯỞNG CÔNG AN / (Ký, ghi rõ họ tên và đóng dấu) / Trung tá …") with a
  red round seal over the title and a blue signature over the name, drawn differently from
  ``sohoa.synth.marks`` (one ring, no star, a spline signature);
- names with capitals that carry two marks (ĐỖ, ẨN, MẪN, HIỂN, NGUYỄN);
- wear: clean, light, medium, heavy; a faded low-contrast photocopy with a shadow along one
  edge stored at JPEG quality 35 and 200 dpi; photocopied citizen ID cards; a copy from a worn
  drum on white paper (``speckled``), colour or grey: dense pepper speckle (isolated dots of
  toner 0.1-0.25 mm across) and a thin vertical copier streak.

Everything is deterministic for (seed, font, dpi, colour, wear, kind): the same arguments give
the same JPEG bytes.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from sohoa.errors import ConfigError
from sohoa.synth.people import person_from_rng, pick_place, street_address
from sohoa.vntext import nfc

_TEX_GYRE = "/usr/share/texmf/fonts/opentype/public/tex-gyre"
# family -> (regular, bold, italic)
FONTS: dict[str, tuple[str, str, str]] = {
    "liberation": tuple(f"/usr/share/fonts/truetype/liberation2/LiberationSerif-{s}.ttf"
                        for s in ("Regular", "Bold", "Italic")),  # type: ignore[dict-item]
    "noto": tuple(f"/usr/share/fonts/truetype/noto/NotoSerif-{s}.ttf"
                  for s in ("Regular", "Bold", "Italic")),  # type: ignore[dict-item]
    "dejavu": ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
               "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
               "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf"),
    "termes": tuple(f"{_TEX_GYRE}/texgyretermes-{s}.otf"
                    for s in ("regular", "bold", "italic")),  # type: ignore[dict-item]
}
FAMILIES = tuple(FONTS)
_SANS_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
_SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
WEARS = ("clean", "light", "medium", "heavy", "faded", "copied", "speckled")
KINDS = ("letter", "card")

INK = (22, 20, 26)
_STYLE = {"regular": 0, "bold": 1, "italic": 2}


@lru_cache(maxsize=128)
def _font(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    if not Path(path).is_file():
        raise ConfigError(f"thiếu phông chữ {path}: cài fonts-liberation2, fonts-noto-core, "
                          "fonts-dejavu-core, fonts-dejavu-extra và fonts-texgyre (make install)")
    return ImageFont.truetype(path, size_px)


# --- people with capitals that carry two marks ---------------------------------------------

_FAMILY = ("Đỗ", "Nguyễn", "Phạm", "Vũ", "Hồ", "Ngô", "Đặng", "Bùi", "Trần", "Lê", "Võ",
           "Huỳnh", "Dương", "Lý")
_MIDDLE = ("Thị", "Văn", "Hữu", "Mỹ", "Hải", "Quốc", "Thế", "Kiều", "Ngọc", "Đức", "Phước")
_GIVEN = ("Ẩn", "Mẫn", "Hiển", "Lan", "Phúc", "Yến", "Tuyển", "Thể", "Nhẫn", "Dũng", "Kiểm",
          "Ngữ", "Hưởng", "Bổn", "Lẫm", "Cẩm", "Mỹ", "Trưởng", "Quyển", "Khải")
_RANKS = ("Trung tá", "Thiếu tá", "Đại úy", "Thượng úy", "Thượng tá")


def _town(district: str) -> str:
    """"thành phố Biên Hòa" -> "Biên Hòa", as the place-and-date line writes it."""
    for prefix in ("thành phố ", "thị xã ", "huyện ", "quận "):
        if district.lower().startswith(prefix):
            return district[len(prefix):]
    return district


def _name(rng: random.Random) -> str:
    return nfc(f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}")


@dataclass(frozen=True)
class Mark:
    """A seal or a signature as drawn: kind and box (left, top, right, bottom) in pixels."""

    kind: str  # "seal" | "signature"
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class ForeignPage:
    name: str
    family: str
    dpi: int
    colour: bool
    wear: str
    kind: str
    lines: tuple[str, ...]  # every printed line, in reading order
    signer: tuple[str, ...]  # the signer's title line(s) and name ("" when none)
    marks: tuple[Mark, ...]
    jpeg: bytes
    rotation: int = 0  # clockwise turn of the sheet from upright


# --- the printing surface -----------------------------------------------------------------


class _Page:
    def __init__(self, dpi: int, family: str, rng: random.Random) -> None:
        self.dpi = dpi
        self.family = family
        self.w = round(210 / 25.4 * dpi)
        self.h = round(297 / 25.4 * dpi)
        self.image = Image.new("RGB", (self.w, self.h), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.image)
        self.lines: list[str] = []
        self.size = rng.choice((12.0, 12.5, 13.0, 13.5, 14.0))
        self.spacing = rng.uniform(1.2, 1.55)
        self.left = self.mm(rng.uniform(20, 32))
        self.right = self.w - self.mm(rng.uniform(14, 22))

    def mm(self, v: float) -> int:
        return round(v / 25.4 * self.dpi)

    def px(self, pt: float) -> int:
        return round(pt / 72 * self.dpi)

    def face(self, style: str, size: float) -> ImageFont.FreeTypeFont:
        if style == "mono":
            return _font(_MONO, self.px(size))
        return _font(FONTS[self.family][_STYLE[style]], self.px(size))

    def text(self, s: str, x: float, y: float, *, style: str = "regular",
             size: float | None = None, align: str = "left", record: bool = True,
             fill: tuple[int, int, int] = INK, spacing: float | None = None) -> int:
        s = nfc(s)
        size = size or self.size
        face = self.face(style, size)
        width = face.getlength(s)
        x = x - width / 2 if align == "center" else x - width if align == "right" else x
        self.draw.text((round(x), round(y)), s, font=face, fill=fill, anchor="la")
        if record and s.strip():
            self.lines.append(s)
        return round(y + self.px(size) * (spacing or self.spacing))

    def wrap(self, s: str, width: float, style: str = "regular",
             size: float | None = None) -> list[str]:
        face = self.face(style, size or self.size)
        out: list[str] = []
        cur: list[str] = []
        for word in nfc(s).split():
            if cur and face.getlength(" ".join([*cur, word])) > width:
                out.append(" ".join(cur))
                cur = [word]
            else:
                cur.append(word)
        if cur:
            out.append(" ".join(cur))
        return out

    def para(self, s: str, y: int, *, indent: float = 0, style: str = "regular") -> int:
        for i, line in enumerate(self.wrap(s, self.right - self.left - indent, style)):
            y = self.text(line, self.left + (indent if i == 0 else 0), y, style=style)
        return y


# --- marks --------------------------------------------------------------------------------


def _ink(page: _Page, mask: np.ndarray, left: int, top: int,
         colour: tuple[int, int, int]) -> tuple[int, int, int, int]:
    """Multiply ``mask`` (float 0..1) onto the page as translucent ink; returns its box."""
    h, w = mask.shape
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(page.w, left + w), min(page.h, top + h)
    region = np.asarray(page.image.crop((x0, y0, x1, y1)), dtype=np.float32)
    alpha = mask[y0 - top:y1 - top, x0 - left:x1 - left, None]
    tint = np.array(colour, dtype=np.float32) / 255.0
    region = region * (1.0 - alpha + alpha * tint)
    page.image.paste(Image.fromarray(region.astype(np.uint8), "RGB"), (x0, y0))
    page.draw = ImageDraw.Draw(page.image)
    return x0, y0, x1, y1


@dataclass(frozen=True)
class SealStyle:
    """How a seal is cut and inked, beyond its size and text: ring widths in mm (a second
    ring of the same width ``double_mm`` inside the outer one when set), the rim lettering's
    size against the usual one and its weight, and the ink's strength (1: as inked as the
    thick seal's)."""
    outer_mm: float = 0.9
    inner_mm: float = 0.35
    double_mm: float | None = None
    rim_size: float = 1.0
    rim_bold: bool = True
    ink: float = 1.0


THICK = SealStyle()


def seal_style(draw: random.Random) -> SealStyle:
    """A seal as real ones vary: rings from hair lines (0.15 mm, a worn or thin-cut stamp) to
    thick (1 mm), often doubled, small or regular-weight rim lettering, weak to full ink."""
    outer = math.exp(draw.uniform(math.log(0.15), math.log(1.0)))
    inner = min(outer, math.exp(draw.uniform(math.log(0.12), math.log(0.4))))
    double = draw.uniform(0.6, 1.4) if draw.random() < 0.5 else None
    return SealStyle(outer_mm=outer, inner_mm=inner, double_mm=double,
                     rim_size=draw.uniform(0.55, 1.0), rim_bold=draw.random() < 0.5,
                     ink=draw.uniform(0.4, 1.0))


def _seal(page: _Page, rim: str, centre: list[str], rng: random.Random,
          style: SealStyle = THICK) -> np.ndarray:
    """A thick ring (or ``style``'s), a thin inner ring, the rim text over 330° and two centre
    lines. ``style`` takes none of ``rng``'s draws: the rest of the page stays the same."""
    d = page.mm(rng.uniform(34, 40))
    size = d + 6
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    c, r = size / 2, d / 2
    least = 3 if style == THICK else 1
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255,
                 width=max(least, page.mm(style.outer_mm)))
    if style.double_mm is not None:
        r2 = r - page.mm(style.double_mm)
        draw.ellipse((c - r2, c - r2, c + r2, c + r2), outline=255,
                     width=max(1, page.mm(style.outer_mm)))
    inner = r - page.mm(6.5)
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=255,
                 width=max(2 if style == THICK else 1, page.mm(style.inner_mm)))
    rim = nfc(rim.upper())
    face = _font(_SANS_BOLD if style.rim_bold else _SANS,
                 page.px(min(7.0, 7.0 * 30 / max(1, len(rim))) * style.rim_size))
    step = 330.0 / max(1, len(rim))
    for i, ch in enumerate(rim):
        if ch == " ":
            continue
        a = -165.0 + step * (i + 0.5)
        g = Image.new("L", (face.size * 2, face.size * 2), 0)
        ImageDraw.Draw(g).text((g.width / 2, g.height / 2), ch, font=face, fill=255,
                               anchor="mm")
        g = g.rotate(-a, resample=Image.BILINEAR)
        rr = (r + inner) / 2
        img.paste(255, (round(c + rr * math.sin(math.radians(a)) - g.width / 2),
                        round(c - rr * math.cos(math.radians(a)) - g.height / 2)), g)
    cface = _font(_SANS_BOLD, page.px(6.0))
    for j, line in enumerate(centre):
        draw.text((c, c + (j - (len(centre) - 1) / 2) * page.px(7.5)), nfc(line.upper()),
                  font=cface, fill=255, anchor="mm")
    arr = np.asarray(img, dtype=np.float32) / 255.0
    # Uneven inking: blotchy texture and one paler side.
    nprng = np.random.default_rng(rng.getrandbits(32))
    blot = cv2.resize(nprng.uniform(0.5, 1.0, (size // 6 + 1, size // 6 + 1)).astype(np.float32),
                      (size, size), interpolation=cv2.INTER_LINEAR)
    yy, xx = np.mgrid[0:size, 0:size]
    side = 0.7 + 0.3 * np.cos(np.arctan2(yy - c, xx - c) - rng.uniform(0, 2 * math.pi))
    return (arr * blot * side * rng.uniform(0.8, 0.95) * style.ink).astype(np.float32)


def _signature(page: _Page, rng: random.Random, w_mm: float = 45, h_mm: float = 17,
               thin: float = 1.0) -> np.ndarray:
    """A fast hand: a Catmull-Rom spline through random points that drift right, with loops,
    and a closing stroke back under it; ``thin`` scales the pen's width (the draws are the
    same whatever it is)."""
    w, h = page.mm(w_mm), page.mm(h_mm)
    img = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(img)
    pts = []
    n = rng.randint(9, 15)
    for i in range(n):
        x = w * (0.05 + 0.85 * i / (n - 1)) + rng.uniform(-0.06, 0.06) * w
        y = h * rng.uniform(0.1, 0.85)
        pts.append((x, y))
    pts.append((w * rng.uniform(0.2, 0.4), h * rng.uniform(0.7, 0.95)))
    pts.append((w * rng.uniform(0.85, 0.98), h * rng.uniform(0.45, 0.75)))
    curve = []
    for i in range(len(pts) - 1):
        p0 = pts[max(0, i - 1)]
        p1, p2 = pts[i], pts[i + 1]
        p3 = pts[min(len(pts) - 1, i + 2)]
        for t in np.linspace(0, 1, 16, endpoint=False):
            t2, t3 = t * t, t * t * t
            curve.append(tuple(0.5 * (2 * p1[k] + (-p0[k] + p2[k]) * t
                                      + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                                      + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3)
                               for k in range(2)))
    draw.line(curve, fill=255, width=max(2, page.mm(rng.uniform(0.35, 0.6) * thin)),
              joint="curve")
    return np.asarray(img, dtype=np.float32) / 255.0 * rng.uniform(0.85, 1.0)


def _opaque_ink(page: _Page, mask: np.ndarray, left: int, top: int,
                colour: tuple[int, int, int]) -> tuple[int, int, int, int]:
    """Lay ``mask`` on the page as ink that covers what it crosses (a gel pen over toner: the
    print under it does not show through); returns its box."""
    h, w = mask.shape
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(page.w, left + w), min(page.h, top + h)
    region = np.asarray(page.image.crop((x0, y0, x1, y1)), dtype=np.float32)
    alpha = np.clip(mask / max(1e-6, float(mask.max())), 0.0, 1.0)[
        y0 - top:y1 - top, x0 - left:x1 - left, None]
    region = region * (1.0 - alpha) + alpha * np.array(colour, dtype=np.float32)
    page.image.paste(Image.fromarray(region.astype(np.uint8), "RGB"), (x0, y0))
    page.draw = ImageDraw.Draw(page.image)
    return x0, y0, x1, y1


def _seal_colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randint(190, 225), rng.randint(20, 60), rng.randint(30, 75))


def _pen_colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randint(15, 50), rng.randint(35, 80), rng.randint(140, 200))


# --- letters ------------------------------------------------------------------------------

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


# A letter's paragraph worded with a register ("sổ hộ tịch", "sổ hộ khẩu", "sổ theo dõi"): the
# hỏi of "sổ" is read as the sắc of the far commoner "số" (tester15 F9), so the bench's pages
# print the word. The wording is used only where it wraps to as many lines as the plain one, so
# that every page keeps the layout, seal and signature places it had.
_REGISTER_WORDING = {
    "Căn cứ hồ sơ lưu trữ và kết quả kiểm tra thực tế, xác nhận:":
        "Căn cứ sổ hộ tịch, hồ sơ lưu trữ và kết quả kiểm tra thực tế, xác nhận:",
    "Đề nghị công dân mang theo bản chính giấy tờ tùy thân khi đến làm thủ tục tại bộ phận "
    "tiếp nhận và trả kết quả trong giờ hành chính các ngày làm việc trong tuần.":
        "Đề nghị công dân mang theo bản chính giấy tờ tùy thân và sổ hộ khẩu cũ (nếu còn) khi "
        "đến làm thủ tục tại bộ phận tiếp nhận và trả kết quả trong giờ hành chính.",
    "Giấy này có giá trị trong thời hạn sáu tháng kể từ ngày ký và được dùng để bổ sung hồ sơ "
    "đăng ký thường trú theo quy định của Luật Cư trú năm 2020.":
        "Giấy này có giá trị trong thời hạn sáu tháng kể từ ngày ký, được ghi vào sổ theo dõi và "
        "dùng để bổ sung hồ sơ đăng ký thường trú theo quy định của Luật Cư trú năm 2020.",
}


def _with_register(page: _Page, text: str, indent: float) -> str:
    """``text`` worded with a register when that wording takes as many lines on ``page``."""
    other = _REGISTER_WORDING.get(text)
    width = page.right - page.left - indent
    if other is None or len(page.wrap(other, width)) != len(page.wrap(text, width)):
        return text
    return other


def _letter(page: _Page, rng: random.Random, nprng: np.random.Generator,
            header: tuple[int, int, int] = INK, pen: random.Random | None = None,
            seal: SealStyle = THICK) -> tuple[tuple[str, ...], list[Mark]]:
    """A letter; ``header`` is the ink of the issuing body's lines and the title (some agencies
    print them in red or blue). With ``pen`` (its own draws, so that the letter is the same
    one) the signature is an opaque pen, thinner, in blue or black, with a straight stroke
    along the name (tester16's pages: the pen hides the letters it crosses). ``seal``: how its
    seal is cut and inked."""
    person = person_from_rng(rng)
    place = pick_place(rng)
    ward = place.ward
    owner = _name(rng)
    signer = _name(rng)
    kind = rng.choice(("police", "committee", "invite"))
    if kind == "police":
        org = [f"CÔNG AN {place.district.name.upper()}", f"CÔNG AN {ward.upper()}"]
        body = f"Công an {ward}"
        title = "GIẤY XÁC NHẬN"
        subject = "V/v xác nhận nơi cư trú của công dân"
        signer_title = ["TRƯỞNG CÔNG AN"]
        note = "(Ký, ghi rõ họ tên và đóng dấu)"
        signed = f"{rng.choice(_RANKS)} {signer}"
        rim = f"CÔNG AN {place.district.name} * {place.province.formal}"
        centre = ["CÔNG AN", ward.split(" ", 1)[-1]]
    elif kind == "committee":
        org = [f"ỦY BAN NHÂN DÂN {ward.upper()}"]
        body = f"Ủy ban nhân dân {ward}"
        title = "THÔNG BÁO"
        subject = "Về việc bổ sung hồ sơ của công dân"
        signer_title = rng.choice((["CHỦ TỊCH"], ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]))
        note = "(Ký, ghi rõ họ tên, đóng dấu)"
        signed = signer
        rim = f"ỦY BAN NHÂN DÂN {ward} * {place.district.name}"
        centre = ["UBND", ward.split(" ", 1)[-1]]
    else:
        org = [f"UBND {place.district.name.upper()}", "PHÒNG TƯ PHÁP"]
        body = f"Phòng Tư pháp {place.district.name}"
        title = "GIẤY MỜI"
        subject = "Về việc đối chiếu sổ hộ tịch"
        signer_title = ["TRƯỞNG PHÒNG"]
        note = "(Ký, ghi rõ họ tên và đóng dấu)"
        signed = signer
        rim = f"PHÒNG TƯ PHÁP * {place.district.name}"
        centre = ["PHÒNG", "TƯ PHÁP"]
    number = f"{rng.randint(12, 980)}/{rng.choice(('GXN', 'TB', 'GM', 'XN-CA'))}"
    when = date(2025, 1, 1) + timedelta(days=rng.randint(0, 330))
    y = page.mm(rng.uniform(12, 22))
    hsize = page.size - 0.5
    if rng.random() < 0.5:
        # Two columns: the body on the left, the nation on the right, each centred on its own
        # axis (the column split differs from the project's forms).
        nation_w = page.face("bold", hsize - 0.5).getlength(NATION)
        rx = page.right - nation_w / 2 - page.mm(rng.uniform(0, 4))
        col0, col1 = page.left - page.mm(rng.uniform(4, 10)), rx - nation_w / 2 - page.mm(3)
        lx = (col0 + col1) / 2
        ly = y
        for part in org:
            for line in page.wrap(part, col1 - col0, "bold", hsize):
                ly = page.text(line, lx, ly, style="bold", size=hsize, align="center",
                               spacing=1.2, fill=header)
        ly = page.text(f"Số: {number}", lx, ly + page.mm(2), size=hsize, align="center")
        ry = page.text(NATION, rx, y, style="bold", size=hsize - 0.5, align="center",
                       spacing=1.2)
        ry = page.text(MOTTO, rx, ry, style="bold", size=hsize, align="center")
        ry = page.text(f"{_town(place.district.name)}, ngày {when.day} tháng "
                       f"{when.month} năm {when.year}", rx, ry + page.mm(2), style="italic",
                       size=hsize, align="center")
        y = max(ly, ry) + page.mm(6)
    else:
        # The nation centred on top, the issuing body under it on the left.
        cx = (page.left + page.right) / 2
        y = page.text(NATION, cx, y, style="bold", align="center", spacing=1.2)
        y = page.text(MOTTO, cx, y, style="bold", align="center")
        y += page.mm(4)
        for line in org:
            y = page.text(line, page.left, y, style="bold", size=hsize, spacing=1.2,
                          fill=header)
        y = page.text(f"Số: {number}", page.left, y, size=hsize)
        y = page.text(f"{_town(place.district.name)}, ngày {when.day} tháng "
                      f"{when.month} năm {when.year}", page.right, y, style="italic",
                      size=hsize, align="right")
        y += page.mm(4)
    cx = (page.left + page.right) / 2
    y = page.text(title, cx, y, style="bold", size=page.size + 2, align="center", fill=header)
    y = page.text(subject, cx, y, style="italic", align="center") + page.mm(4)
    born = person.date_of_birth
    fields = [
        ("Họ và tên", owner.upper()),
        ("Ngày sinh", f"{born.day:02d}/{born.month:02d}/{born.year}"),
        ("Số định danh cá nhân", person.id_number),
        ("Nơi cư trú", street_address(rng, place)),
        ("Quê quán", person.hometown),
    ]
    y = page.para(_with_register(page, rng.choice((
        f"{body} xác nhận công dân có thông tin như sau:",
        "Căn cứ hồ sơ lưu trữ và kết quả kiểm tra thực tế, xác nhận:",
        f"Theo đề nghị của công dân, {body} thông báo như sau:")), page.mm(10)), y,
        indent=page.mm(10))
    for label, value in fields:
        for i, line in enumerate(page.wrap(f"{label}: {value}", page.right - page.left
                                           - page.mm(5))):
            y = page.text(line, page.left + page.mm(5 if i == 0 else 12), y)
    y = page.para(_with_register(page, rng.choice((
        "Đề nghị công dân mang theo bản chính giấy tờ tùy thân khi đến làm thủ tục tại bộ "
        "phận tiếp nhận và trả kết quả trong giờ hành chính các ngày làm việc trong tuần.",
        "Giấy này có giá trị trong thời hạn sáu tháng kể từ ngày ký và được dùng để bổ sung "
        "hồ sơ đăng ký thường trú theo quy định của Luật Cư trú năm 2020.",
        "Cơ quan, tổ chức có liên quan tạo điều kiện để công dân hoàn thành thủ tục; mọi "
        "vướng mắc liên hệ số điện thoại của bộ phận một cửa để được hướng dẫn.")),
        page.mm(10)), y, indent=page.mm(10))
    y += page.mm(6)
    # The closing: recipients on the left, the signer on the right.
    sx = page.left + (page.right - page.left) * rng.uniform(0.66, 0.74)
    ny = y
    ny = page.text("Nơi nhận:", page.left, ny, style="bold", size=page.size - 1.5,
                   spacing=1.2)
    for item in ("- Như trên;", "- Lưu: VT."):
        ny = page.text(item, page.left, ny, size=page.size - 2, spacing=1.2)
    top_title = y
    for line in signer_title:
        y = page.text(line, sx, y, style="bold", align="center", spacing=1.2)
    y = page.text(note, sx, y, style="italic", size=page.size - 1, align="center")
    gap = page.mm(rng.uniform(22, 28))
    name_y = y + gap
    page.text(signed, sx, name_y, style="bold", align="center")
    marks = []
    seal = _seal(page, rim, centre, rng, style=seal)
    # The seal covers the title's left part, as a stamp pressed over the signature does.
    sl = round(sx - seal.shape[1] * rng.uniform(0.75, 0.95))
    st = round(top_title + page.mm(rng.uniform(-2, 6)))
    marks.append(Mark("seal", _ink(page, seal, sl, st, _seal_colour(rng))))
    sig = _signature(page, rng, thin=1.0 if pen is None else pen.uniform(0.5, 0.8))
    gl = round(sx - sig.shape[1] * rng.uniform(0.35, 0.6))
    gt = round(name_y - sig.shape[0] * rng.uniform(0.55, 0.8))
    colour = _pen_colour(rng)
    if pen is None:
        marks.append(Mark("signature", _ink(page, sig, gl, gt, colour)))
    else:
        # A stroke along the name, from its left part to its right, low on its letters.
        face = page.face("bold", page.size)
        half = face.getlength(signed) / 2
        _, ink_top, _, ink_bottom = face.getbbox(nfc(signed), anchor="la")
        sy, tall = name_y - gt + ink_top, ink_bottom - ink_top
        a = (sx - gl - half * pen.uniform(0.6, 0.95), sy + tall * pen.uniform(0.35, 0.85))
        b = (sx - gl + half * pen.uniform(0.5, 0.95), sy + tall * pen.uniform(0.35, 0.85))
        stroke = Image.new("L", (sig.shape[1], sig.shape[0]), 0)
        ImageDraw.Draw(stroke).line([a, b], fill=255, width=max(2, page.mm(
            0.45 * pen.uniform(0.5, 0.8))))
        sig = np.maximum(sig, np.asarray(stroke, dtype=np.float32) / 255.0 * float(sig.max()))
        ink = pen.choice(((30, 45, 160), (20, 30, 120), (40, 70, 190), (30, 30, 35)))
        marks.append(Mark("signature", _opaque_ink(page, sig, gl, gt, ink)))
    del nprng
    return (*signer_title, signed), marks


# --- citizen ID card photocopies ----------------------------------------------------------


def _mrz_check(s: str) -> str:
    values = {**{str(d): d for d in range(10)}, "<": 0,
              **{chr(65 + i): 10 + i for i in range(26)}}
    return str(sum(values[ch] * (7, 3, 1)[i % 3] for i, ch in enumerate(s)) % 10)


def _fold(s: str) -> str:
    import unicodedata
    s = s.replace("Đ", "D").replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.combining(ch))


def _card(page: _Page, rng: random.Random, nprng: np.random.Generator,
          title: tuple[int, int, int] = (160, 30, 40)) -> tuple[tuple[str, ...], list[Mark]]:
    """A 2024 CĂN CƯỚC card, front above back, enlarged on one A4 photocopy; ``title`` is the
    red its "CĂN CƯỚC" is printed in."""
    person = replace(person_from_rng(rng), full_name=_name(rng))
    k = rng.uniform(1.45, 1.7)
    cw, ch = page.mm(85.6 * k), page.mm(54 * k)
    x0 = round((page.w - cw) / 2 + page.mm(rng.uniform(-8, 8)))
    tops = [page.mm(rng.uniform(22, 32))]
    tops.append(tops[0] + ch + page.mm(rng.uniform(15, 25)))
    for top in tops:
        page.draw.rounded_rectangle((x0, top, x0 + cw, top + ch), radius=page.mm(3 * k),
                                    fill=(232, 236, 240), outline=(110, 110, 110), width=2)
        # A fine guilloche pattern, as on the real card.
        step = max(4, page.mm(2.2))
        xs = np.arange(x0 + page.mm(3), x0 + cw - page.mm(3), 3, dtype=np.float32)
        for j in range(step, ch - step, step):
            ys = top + j + step * 0.6 * np.sin(xs / page.mm(6) + j)
            page.draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)),
                           fill=(206, 212, 220), width=1)
    size = 6.2 * k

    def at(dx: float, dy: float, top: int) -> tuple[float, float]:
        return x0 + page.mm(dx * k), top + page.mm(dy * k)

    f = tops[0]
    cx = x0 + cw * 0.58
    yy = at(0, 3, f)[1]
    yy = page.text(NATION, cx, yy, style="bold", size=size, align="center", spacing=1.15)
    yy = page.text("SOCIALIST REPUBLIC OF VIET NAM", cx, yy, size=size * 0.9, align="center",
                   spacing=1.15)
    yy = page.text("CĂN CƯỚC", cx, yy, style="bold", size=size * 1.5, align="center",
                   fill=title, spacing=1.1)
    yy = page.text("IDENTITY CARD", cx, yy, style="bold", size=size * 0.9, align="center",
                   spacing=1.2)
    px0, py0 = at(4, 17, f)
    px1, py1 = at(24, 44, f)
    page.draw.rectangle((px0, py0, px1, py1), fill=(180, 186, 192))
    hx, hr = (px0 + px1) / 2, (px1 - px0) * 0.22
    page.draw.ellipse((hx - hr, py0 + (py1 - py0) * 0.15, hx + hr,
                       py0 + (py1 - py0) * 0.15 + 2.3 * hr), fill=(100, 102, 108))
    page.draw.pieslice((px0 + (px1 - px0) * 0.08, py0 + (py1 - py0) * 0.6,
                        px1 - (px1 - px0) * 0.08, py1 + (py1 - py0) * 0.4), 180, 360,
                       fill=(100, 102, 108))
    lx = at(27, 0, f)[0]
    born = person.date_of_birth
    yy = at(0, 18, f)[1]
    yy = page.text("Số định danh cá nhân / Personal identification number", lx, yy,
                   size=size * 0.85, spacing=1.1)
    yy = page.text(person.id_number, lx, yy, style="bold", size=size * 1.35, spacing=1.15)
    yy = page.text("Họ, chữ đệm và tên khai sinh / Full name",
                   lx, yy, size=size * 0.8, spacing=1.1)
    yy = page.text(person.full_name.upper(), lx, yy, style="bold", size=size * 1.15,
                   spacing=1.2)
    yy = page.text(f"Ngày, tháng, năm sinh / Date of birth: {born.day:02d}/{born.month:02d}/"
                   f"{born.year}", lx, yy, size=size * 0.85, spacing=1.2)
    yy = page.text(f"Giới tính / Sex: {person.sex}", lx, yy, size=size * 0.85, spacing=1.2)
    page.text(f"Quốc tịch / Nationality: {person.nationality}", lx, yy, size=size * 0.85)
    b = tops[1]
    lx = at(4, 0, b)[0]
    right = x0 + cw - page.mm(4 * k)
    yy = at(0, 4, b)[1]
    place = pick_place(rng)
    for label, value in (("Nơi cư trú / Place of residence:", street_address(rng, place)),
                         ("Nơi đăng ký khai sinh / Place of birth:", person.place_of_birth)):
        yy = page.text(label, lx, yy, size=size * 0.85, spacing=1.1)
        for line in page.wrap(value, right - lx, size=size * 0.95):
            yy = page.text(line, lx, yy, size=size * 0.95, spacing=1.15)
    issued, expiry = person.id_issue_date, person.id_expiry_date
    yy = page.text(f"Ngày, tháng, năm cấp / Date of issue: {issued.day:02d}/"
                   f"{issued.month:02d}/{issued.year}", lx, yy, size=size * 0.85, spacing=1.2)
    yy = page.text(f"Ngày, tháng, năm hết hạn / Date of expiry: {expiry.day:02d}/"
                   f"{expiry.month:02d}/{expiry.year}", lx, yy, size=size * 0.85, spacing=1.2)
    page.text("BỘ CÔNG AN / MINISTRY OF PUBLIC SECURITY", lx, yy, style="bold",
              size=size * 0.85)
    number = person.id_number[3:]
    line1 = f"IDVNM{number}{_mrz_check(number)}{person.id_number}".ljust(30, "<")
    birth = born.strftime("%y%m%d")
    exp = expiry.strftime("%y%m%d")
    head = (f"{birth}{_mrz_check(birth)}{'F' if person.female else 'M'}{exp}"
            f"{_mrz_check(exp)}VNM").ljust(29, "<")
    line2 = head + _mrz_check(line1[5:30] + head[0:7] + head[8:15] + head[18:29])
    words = _fold(person.full_name).upper().split()
    line3 = (words[0] + "<<" + "<".join(words[1:]))[:30].ljust(30, "<")
    my = at(0, 36, b)[1]
    mono = page.face("mono", 7.6 * k)
    for line in (line1, line2, line3):
        page.draw.text((x0 + (cw - mono.getlength(line)) / 2, my), line, font=mono, fill=INK)
        page.lines.append(line)
        my += round(mono.size * 1.3)
    del nprng
    return (), []


def card_front(seed: int, *, family: str = "dejavu", dpi: int = 200,
               red: tuple[int, int, int] | None = None) -> ForeignPage:
    """The front of a chip card of the 2021 model ("CĂN CƯỚC CÔNG DÂN" printed in red on a pale
    green card) scanned alone in colour, as a citizen sends it (tester12 F3: the scan of such a
    card read as "other" because its red title was lifted as seal ink). No back, no MRZ: the
    title and the printed number are all a reader has. ``red`` defaults to one drawn between
    a dark and a bright red."""
    if family not in FONTS:
        raise ValueError(f"unknown family: {family!r}")
    key = f"foreign-front:{seed}:{family}:{dpi}"
    rng = random.Random(key)
    person = replace(person_from_rng(rng), full_name=_name(rng))
    red = red or (rng.randint(150, 205), rng.randint(25, 65), rng.randint(30, 65))
    page = _Page(dpi, family, rng)
    page.w, page.h = page.mm(150), page.mm(100)
    page.image = Image.new("RGB", (page.w, page.h), (250, 250, 248))
    page.draw = ImageDraw.Draw(page.image)
    page.draw.rounded_rectangle((page.mm(8), page.mm(8), page.mm(142), page.mm(92)),
                                radius=page.mm(4), fill=(221, 239, 227), outline=(40, 40, 40),
                                width=max(2, page.mm(0.3)))
    cx = page.mm(85)
    y = page.text(NATION, cx, page.mm(12), style="bold", size=8, align="center", spacing=1.2)
    y = page.text(MOTTO, cx, y, style="bold", size=8, align="center", spacing=1.3)
    page.text("CĂN CƯỚC CÔNG DÂN", cx, y, style="bold", size=12, align="center", fill=red)
    page.draw.rectangle((page.mm(13), page.mm(34), page.mm(42), page.mm(70)),
                        outline=(40, 40, 40), width=max(2, page.mm(0.3)))
    born = person.date_of_birth
    x, y = page.mm(47), page.mm(34)
    for line, style in ((f"Số / No.: {person.id_number}", "bold"),
                        ("Họ và tên / Full name:", "regular"),
                        (person.full_name.upper(), "bold"),
                        (f"Ngày sinh / Date of birth: {born.day:02d}/{born.month:02d}/"
                         f"{born.year}", "regular"),
                        (f"Giới tính / Sex: {person.sex}", "regular"),
                        (f"Quốc tịch / Nationality: {person.nationality}", "regular")):
        y = page.text(line, x, y, style=style, size=8, spacing=1.55)
    image = _wear(page.image, "clean", True, dpi, np.random.default_rng(
        random.Random(key + ":np").getrandbits(64)), rng)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=85, dpi=(dpi, dpi), subsampling=2)
    return ForeignPage(name=f"cardfront-{family}-{dpi}-s{seed}", family=family, dpi=dpi,
                       colour=True, wear="clean", kind="card front", lines=tuple(page.lines),
                       signer=(), marks=(), jpeg=buf.getvalue())


# --- wear ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wear:
    skew: float  # largest skew, degrees
    blur: float  # sigma at 200 dpi
    noise: float
    specks: int
    light: float  # depth of a smooth light falloff
    copy: tuple[float, float] | None  # photocopy: (paper, toner) grey levels, ranges drawn
    shadow: float  # depth of a shadow along one edge
    quality: int  # JPEG quality
    # A copy's tone kept in colour (the seal stamped on the copy): (paper, toner) grey levels.
    tone: tuple[float, float] | None = None
    # Pepper speckle: (fewest, most) isolated toner dots per cm², drawn after the blur (sharp).
    pepper: tuple[float, float] | None = None
    # Thin dark vertical streaks a dirty drum draws down the whole page: (fewest, most).
    streaks: tuple[int, int] = (0, 0)
    # Toner spread: print thickened by this much (px at 200 dpi) before the blur.
    bleed: int = 0


WEAR: dict[str, Wear] = {
    "clean": Wear(0.0, 0.45, 2.0, 0, 0.0, None, 0.0, 88),
    "light": Wear(0.8, 0.6, 4.0, 25, 0.06, None, 0.0, 80),
    "medium": Wear(1.6, 0.95, 6.5, 180, 0.18, None, 0.0, 65),
    "heavy": Wear(1.6, 1.15, 9.0, 500, 0.0, (214.0, 70.0), 0.22, 55),
    "faded": Wear(1.0, 0.8, 4.0, 60, 0.0, (212.0, 174.0), 0.45, 35),
    # A citizen ID card photocopied (medium wear): grey, some contrast lost, a light shadow.
    "copied": Wear(1.2, 0.9, 6.0, 150, 0.1, (224.0, 48.0), 0.15, 65),
    # A copy from a worn drum on white paper, scanned in colour or grey (issue 18, tester16 F5:
    # paper ≈227, toner ≈60, even light: the other measures call it clean).
    "speckled": Wear(1.0, 0.6, 10.0, 0, 0.0, None, 0.0, 45, tone=(228.0, 22.0),
                     pepper=(25.0, 70.0), streaks=(1, 2), bleed=2),
}


def _wear(rgb: Image.Image, wear: str, colour: bool, dpi: int, nprng: np.random.Generator,
          rng: random.Random) -> Image.Image:
    prof = WEAR[wear]
    arr = np.asarray(rgb, dtype=np.float32)
    h, w = arr.shape[:2]
    scale = dpi / 200.0
    if prof.copy is not None:
        grey = arr @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        paper = prof.copy[0] + rng.uniform(-8, 8)
        toner = prof.copy[1] + rng.uniform(-6, 6)
        arr = toner + grey / 255.0 * (paper - toner)
        # Toner that did not take: paler blotches across strokes.
        blot = cv2.resize(nprng.uniform(0, 1, (h // 10 + 1, w // 10 + 1)).astype(np.float32),
                          (w, h), interpolation=cv2.INTER_LINEAR)
        arr = arr + (blot > 0.8) * (paper - arr) * 0.3
        colour = False
    elif not colour:
        arr = arr @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    else:
        # Slightly warm paper.
        arr = arr * np.array([1.0, 0.985, 0.95], dtype=np.float32)
    if prof.tone is not None:
        paper = prof.tone[0] + rng.uniform(-6, 6)
        toner = prof.tone[1] + rng.uniform(-10, 10)
        arr = toner + arr / 255.0 * (paper - toner)
    if prof.skew:
        angle = rng.uniform(-prof.skew, prof.skew)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        fill = float(np.percentile(arr[::16, ::16], 90))
        arr = cv2.warpAffine(arr, m, (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT,
                             borderValue=(fill,) * 3 if arr.ndim == 3 else fill)
    if prof.bleed:
        size = max(2, round(prof.bleed * scale))
        arr = cv2.erode(arr, np.ones((size, size), np.uint8))
    if prof.blur:
        arr = cv2.GaussianBlur(arr, (0, 0), prof.blur * scale)
    if prof.shadow:
        x = np.linspace(0, 1, w, dtype=np.float32)
        edge = x if rng.random() < 0.5 else 1 - x
        width = rng.uniform(0.18, 0.3)
        shade = 1.0 - prof.shadow * rng.uniform(0.85, 1.1) * np.exp(-edge / width)
        arr = arr * (shade[None, :, None] if arr.ndim == 3 else shade[None, :])
    if prof.light:
        yy, xx = np.mgrid[0:16, 0:16].astype(np.float32) / 15
        cx, cy = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
        field = 1.0 - prof.light * ((xx - cx) ** 2 + (yy - cy) ** 2)
        field = cv2.resize(field, (w, h), interpolation=cv2.INTER_CUBIC)
        arr = arr * (field[..., None] if arr.ndim == 3 else field)
    if prof.specks:
        ys = nprng.integers(0, h, prof.specks)
        xs = nprng.integers(0, w, prof.specks)
        for yv, xv in zip(ys, xs, strict=True):
            s = int(nprng.integers(1, max(2, round(2.5 * scale))))
            arr[yv:yv + s, xv:xv + s] = np.minimum(arr[yv:yv + s, xv:xv + s],
                                                 float(nprng.uniform(50, 150)))
    if prof.pepper is not None:
        _pepper(arr, dpi, rng.uniform(*prof.pepper), nprng)
    for _ in range(rng.randint(*prof.streaks) if prof.streaks[1] else 0):
        x = rng.randrange(w)
        arr[:, x:x + rng.randint(1, max(1, round(2 * scale)))] *= rng.uniform(0.6, 0.85)
    noise = nprng.standard_normal((h, w), dtype=np.float32) * np.float32(prof.noise)
    arr = arr + (noise[..., None] if arr.ndim == 3 else noise)
    out = np.clip(arr, 0, 255).astype(np.uint8)
    return Image.fromarray(out, "RGB" if out.ndim == 3 else "L")


def _pepper(arr: np.ndarray, dpi: int, per_cm2: float, nprng: np.random.Generator) -> None:
    """Dark dots of toner, 0.1-0.25 mm across, ``per_cm2`` of them, over ``arr`` (in place)."""
    h, w = arr.shape[:2]
    count = round(per_cm2 * h * w / (dpi / 2.54) ** 2)
    ys = nprng.integers(0, h, count)
    xs = nprng.integers(0, w, count)
    sizes = np.maximum(1, np.round(nprng.uniform(0.1, 0.25, count) * dpi / 25.4)).astype(int)
    tones = nprng.uniform(20, 90, count).astype(np.float32)
    for size in np.unique(sizes):
        pick = sizes == size
        for dy in range(size):
            for dx in range(size):
                yy = np.minimum(ys[pick] + dy, h - 1)
                xx = np.minimum(xs[pick] + dx, w - 1)
                tone = tones[pick] if arr.ndim == 2 else tones[pick][:, None]
                arr[yy, xx] = np.minimum(arr[yy, xx], tone)


_TURN = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
         270: Image.Transpose.ROTATE_90}


def foreign_page(seed: int, *, family: str = "liberation", dpi: int = 200,
                 colour: bool = True, wear: str = "clean", kind: str = "letter",
                 rotation: int = 0, colour_print: bool = False, opaque_pen: bool = False,
                 varied_seal: bool = False) -> ForeignPage:
    """One scanned page from this generator, stored as the scanner stores it (JPEG).

    ``wear="faded"`` is a grey photocopy at JPEG quality 35; ``"heavy"`` and ``"copied"``
    (meant for cards) are grey photocopies too. A card's title "CĂN CƯỚC" is always printed in
    red; ``colour_print`` prints a letter's issuing body and title in red or blue ink (the same
    letter otherwise: its other draws are those of the black-printed page); ``opaque_pen``
    signs a letter with a thinner pen that covers the print it crosses (the same letter
    otherwise); ``varied_seal`` cuts and inks a letter's seal as real seals vary
    (``seal_style``: hair-line to thick rings, small rim lettering, weak ink), drawn apart too,
    the same letter otherwise."""
    if family not in FONTS or wear not in WEAR or kind not in KINDS:
        raise ValueError(f"unknown family/wear/kind: {family!r} {wear!r} {kind!r}")
    key = f"foreign:{seed}:{family}:{dpi}:{int(colour)}:{wear}:{kind}"
    rng = random.Random(key)
    nprng = np.random.default_rng(random.Random(key + ":np").getrandbits(64))
    page = _Page(dpi, family, rng)
    if kind == "letter":
        header = INK
        if colour_print:
            # Drawn apart from the page's own draws, so that the letter is the same one.
            ink = random.Random(key + ":print")
            header = ((ink.randint(165, 205), ink.randint(20, 45), ink.randint(30, 55))
                      if ink.random() < 0.6 else
                      (ink.randint(20, 45), ink.randint(45, 75), ink.randint(150, 190)))
        pen = random.Random(key + ":pen") if opaque_pen else None
        style = seal_style(random.Random(key + ":seal")) if varied_seal else THICK
        signer, marks = _letter(page, rng, nprng, header, pen=pen, seal=style)
    elif colour and WEAR[wear].copy is None:
        # A card scanned in colour: its red title from a dark to a bright red (tester12 F3's
        # was ≈ (185, 59, 59)). Photocopies keep the one red they always had, so that their
        # pages stay the same.
        ink = random.Random(key + ":print")
        red = (ink.randint(150, 205), ink.randint(25, 65), ink.randint(30, 65))
        signer, marks = _card(page, rng, nprng, red)
    else:
        signer, marks = _card(page, rng, nprng)
    image = _wear(page.image, wear, colour and WEAR[wear].copy is None, dpi, nprng, rng)
    if rotation:
        image = image.transpose(_TURN[rotation])
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=WEAR[wear].quality, dpi=(dpi, dpi),
               subsampling=2 if image.mode == "RGB" else 0)
    name = f"{kind}-{family}-{wear}-{dpi}-{'rgb' if image.mode == 'RGB' else 'grey'}-s{seed}"
    if colour_print and kind == "letter":
        name += "-cp"
    if opaque_pen and kind == "letter":
        name += "-op"
    if varied_seal and kind == "letter":
        name += "-vs"
    if rotation:
        name += f"-r{rotation}"
    return ForeignPage(name=name, family=family, dpi=dpi, colour=image.mode == "RGB",
                       wear=wear, kind=kind, lines=tuple(page.lines), signer=signer,
                       marks=tuple(marks), jpeg=buf.getvalue(), rotation=rotation)
