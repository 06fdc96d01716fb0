"""Pages laid out like the official forms, current and previous versions, in other fonts.

The project's own generator (``civil.py``, ``official.py``) draws one layout per type in
Liberation Serif, and the extractor was tuned on it. These pages are drawn after the official
forms' wording instead, so the owner extraction is measured on layouts and fonts it never saw:

* Phiếu lý lịch tư pháp số 1 / số 2: the TT 06/2024/TT-BTP wording (item 8 "Giấy
  CMND/CCCD/Hộ chiếu: Căn cước công dân số …, cấp ngày …, tại …") and the TT 13/2011 one
  (item 7 "Giấy CMND/Hộ chiếu: … Số: … Cấp ngày … Tại: …", a 9-digit CMND);
* birth: Giấy khai sinh (TT 15/2015, "Số định danh cá nhân", the declarant's "Giấy tờ tùy
  thân"), Trích lục khai sinh (TT 04/2020), the pre-2016 certificate that prints no ID;
* identity cards: CMND 9 digits (1999), CMND 12 digits (2012), CCCD without chip (2016), Thẻ
  căn cước (2024, "Số định danh cá nhân / Personal identification number");
* residence: CT07 (TT 55/2021 and TT 66/2023) with the household members' numbers;
* land: the TT 23/2014 certificate ("Ông: …, Năm sinh: …, CMND số: …" and the spouse), the
  2024 one ("… CCCD số …" in a sentence);
* business (the enterprise code is the owner), construction permit (NĐ 15/2021 and TT 15/2016),
  decision ("số định danh cá nhân …" inside Điều 1), authorization (Bên ủy quyền / Bên được ủy
  quyền), the request for a judicial record (TT 13/2011 mẫu 03: "Giấy CMND/Hộ chiếu: Số: …"),
  the desk's receipt (NĐ 61/2018 mẫu 01), the marriage certificate (both spouses' numbers: alone
  it has no single owner, ``owner_id`` None).

Fonts: Noto Serif, DejaVu Serif, TeX Gyre Termes (a Times face) when installed, and sans faces
for cards. Values are sometimes typed after dotted leaders, as on forms filled in by hand.
``truth.owner_id`` is the number the paper prints for its owner, None when it prints none.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageFont

from sohoa.idcodes import build_td1, enterprise_check_digit
from sohoa.synth.context import (
    business_registry,
    district_committee,
    justice_department,
    land_office,
    one_stop_desk,
    place_of,
    ward_committee,
    ward_police,
)
from sohoa.synth.degrade import SEVERITIES, degrade, encode_jpeg
from sohoa.synth.fonts import font
from sohoa.synth.parts import (
    dmy,
    motto_only,
    national_header,
    signature_block,
    title,
    vn_date,
)
from sohoa.synth.people import Person, card_expiry, person_from_rng
from sohoa.synth.sheet import INK, Sheet
from sohoa.vntext import fold, nfc

_TEXGYRE = ("/usr/share/fonts/opentype/texgyre", "/usr/share/texmf/fonts/opentype/public/tex-gyre")
# family → style → candidate files (the first that exists is used).
FAMILIES: dict[str, dict[str, tuple[str, ...]]] = {
    "Noto Serif": {s: (f"/usr/share/fonts/truetype/noto/NotoSerif-{f}.ttf",) for s, f in (
        ("regular", "Regular"), ("bold", "Bold"), ("italic", "Italic"),
        ("bolditalic", "BoldItalic"))},
    "DejaVu Serif": {s: (f"/usr/share/fonts/truetype/dejavu/DejaVuSerif{f}.ttf",) for s, f in (
        ("regular", ""), ("bold", "-Bold"), ("italic", "-Italic"),
        ("bolditalic", "-BoldItalic"))},
    "TeX Gyre Termes": {s: tuple(f"{d}/texgyretermes-{f}.otf" for d in _TEXGYRE) for s, f in (
        ("regular", "regular"), ("bold", "bold"), ("italic", "italic"),
        ("bolditalic", "bolditalic"))},
    "Noto Sans": {s: (f"/usr/share/fonts/truetype/noto/NotoSans-{f}.ttf",) for s, f in (
        ("regular", "Regular"), ("bold", "Bold"), ("italic", "Italic"),
        ("bolditalic", "BoldItalic"))},
}
SERIF_FAMILIES = ("Noto Serif", "DejaVu Serif", "TeX Gyre Termes")


def available_families() -> tuple[str, ...]:
    return tuple(f for f in FAMILIES if all(
        any(Path(p).is_file() for p in paths) for paths in FAMILIES[f].values()))


@lru_cache(maxsize=256)
def _face(family: str, style: str, size_px: int) -> ImageFont.FreeTypeFont:
    style = style if style in FAMILIES[family] else "regular"
    path = next(p for p in FAMILIES[family][style] if Path(p).is_file())
    return ImageFont.truetype(path, size_px)


class FaceSheet(Sheet):
    """A :class:`Sheet` that prints in another font family, with ragged paragraphs and the
    value of a caption either right after it or after dotted leaders."""

    def __init__(self, dpi: int, family: str, *, leaders: bool = False,
                 margin_mm: float = 30) -> None:
        super().__init__(dpi)
        self.family = family
        self.leaders = leaders
        self.left = self.mm(margin_mm)
        # The paper's own issue date, when its builder sets it (FormTruth.issue_date).
        self.issued: date | None = None

    def _f(self, style: str, size: float) -> ImageFont.FreeTypeFont:
        if style in ("mono", "sans", "sansbold"):
            return _face("Noto Sans", "bold" if style == "sansbold" else "regular", self.pt(size))
        return _face(self.family, style, self.pt(size))

    def measure(self, text: str, size: float = 13, style: str = "regular") -> int:
        return round(self._f(style, size).getlength(nfc(text)))

    def write(self, text: str, x: float, y: float, *, size: float = 13, style: str = "regular",
              align: str = "left", record: bool = True, fill: tuple[int, int, int] = INK,
              spacing: float = 1.3) -> int:
        text = nfc(text)
        face = self._f(style, size)
        width = face.getlength(text)
        x = x - width / 2 if align == "center" else x - width if align == "right" else x
        self.draw.text((round(x), round(y)), text, font=face, fill=fill, anchor="la")
        if record and text.strip():
            self.lines.append(text)
        return round(y) + self.line_height(size, spacing)

    def wrap(self, text: str, width: int, *, size: float = 13, style: str = "regular",
             first_indent: int = 0) -> list[str]:
        face = self._f(style, size)
        lines: list[str] = []
        current: list[str] = []
        for word in nfc(text).split():
            limit = width - (first_indent if not lines else 0)
            if current and face.getlength(" ".join([*current, word])) > limit:
                lines.append(" ".join(current))
                current = [word]
            else:
                current.append(word)
        return [*lines, " ".join(current)] if current else lines

    def paragraph(self, text: str, y: int, *, size: float = 13, style: str = "regular",
                  indent: int | None = None, x0: int | None = None, x1: int | None = None,
                  justify: bool = True, spacing: float = 1.3, hanging: int = 0) -> int:
        x0 = self.left if x0 is None else x0
        x1 = self.right if x1 is None else x1
        indent = self.mm(10) if indent is None else indent
        for i, line in enumerate(self.wrap(text, x1 - x0, size=size, style=style,
                                           first_indent=indent)):
            y = self.write(line, x0 + (indent if i == 0 else 0), y, size=size, style=style,
                           spacing=spacing)
        return y

    def labelled(self, label: str, value: str, y: int, *, size: float = 13,
                 x0: int | None = None, x1: int | None = None, value_style: str = "regular",
                 spacing: float = 1.3) -> int:
        if not self.leaders:
            return self.paragraph(f"{label} {value}", y, size=size, indent=0, x0=x0, x1=x1,
                                  spacing=spacing)
        # "Họ và tên: ....NGUYỄN VĂN AN......" — dots typed before and after the value.
        x0 = self.left if x0 is None else x0
        x1 = self.right if x1 is None else x1
        text = f"{label} ....{value}"
        face = self._f("regular", size)
        while face.getlength(text + ".") < x1 - x0 and len(text) < 200:
            text += "."
        if face.getlength(text) > x1 - x0:
            return self.paragraph(f"{label} ....{value}", y, size=size, indent=0, x0=x0,
                                  x1=x1, spacing=spacing)
        return self.write(text, x0, y, size=size, spacing=spacing)


@dataclass(frozen=True)
class FormTruth:
    doc_type: str
    form: str  # which official form and version the layout follows
    family: str
    owner_id: str | None  # the owner's number as printed, None when the paper prints none
    owner_kind: str | None
    full_name: str | None
    lines: list[str]
    # The paper's own issue date (its dateline, by the signer on an extract), when the form
    # says which; an extract's "Ngày, tháng, năm đăng ký" is another, earlier date.
    issue_date: date | None = None

    def to_json(self) -> dict:
        return {"doc_type": self.doc_type, "form": self.form, "family": self.family,
                "owner_id": self.owner_id, "owner_kind": self.owner_kind,
                "full_name": self.full_name, "lines": list(self.lines),
                "issue_date": self.issue_date.isoformat() if self.issue_date else None}


# Old (1999) CMND: two digits for the province that issued it (Đồng Nai 27, Bình Phước and
# Bình Dương 28, Hồ Chí Minh 02, Nghệ An 18, Thanh Hóa 17), then seven.
_CMND_PREFIX = {"075": "27", "070": "28", "074": "28", "079": "02", "040": "18", "038": "17"}


def cmnd9(person: Person, rng: random.Random) -> str:
    return _CMND_PREFIX.get(person.province_code, "27") + f"{rng.randint(0, 9_999_999):07d}"


def _id_issuer(rng: random.Random) -> str:
    return rng.choice(("Cục Cảnh sát quản lý hành chính về trật tự xã hội",
                       "Cục Cảnh sát QLHC về TTXH", "Bộ Công an"))


def _signed(s: Sheet, rng: random.Random, y: int, heading: list[str], name: str,
            seal=None) -> None:
    signature_block(s, rng, y + s.mm(4), s.right - s.mm(45), heading, name, seal=seal)


def _dated_signed(s: FaceSheet, rng: random.Random, y: int, heading: list[str], name: str,
                  authority, issued: date) -> None:
    """The signer's block with the paper's dateline above it ("Quận 1, ngày 05 tháng 01 năm
    2024"), as an extract from a register prints it: its header carries no date."""
    y = s.write(f"{authority.place}, {vn_date(issued)}", s.right - s.mm(45), y + s.mm(3),
                size=12.5, style="italic", align="center")
    s.issued = issued
    signature_block(s, rng, y + s.mm(1), s.right - s.mm(45), heading, name, seal=authority)


def _extract_issued(registered: date, rng: random.Random) -> date:
    """The day an extract was issued from the register: years after the registration."""
    start = max(registered + timedelta(days=90), date(2016, 1, 1))
    return start + timedelta(days=rng.randint(0, max(1, (date(2026, 6, 30) - start).days)))


# --- the forms --------------------------------------------------------------------------------
# Each builder prints one page and returns (form name, owner id as printed or None, the sheet).


def judicial_record(s: FaceSheet, p: Person, rng: random.Random, version: int
                    ) -> tuple[str, str | None]:
    province = place_of(p.address, rng).province
    authority = justice_department(province)
    issued = date(2024, 1, 2) + timedelta(days=rng.randint(0, 300))
    number = f"{rng.randint(100, 9999)}/LLTP"
    second = rng.random() < 0.4
    y = national_header(s, authority, s.top, number=number, when=issued)
    y = title(s, f"PHIẾU LÝ LỊCH TƯ PHÁP SỐ {2 if second else 1}", y)
    if version == 2024:
        y = s.paragraph("Căn cứ Luật Lý lịch tư pháp ngày 17 tháng 6 năm 2009; Căn cứ Thông tư "
                        "số 06/2024/TT-BTP sửa đổi, bổ sung biểu mẫu và mẫu sổ lý lịch tư pháp; "
                        "Xét đề nghị của " + p.full_name + ",", y)
        y = s.write("XÁC NHẬN:", (s.left + s.right) / 2, y, style="bold", align="center")
        id_line = (f"Giấy CMND/CCCD/Hộ chiếu: Căn cước công dân số {p.id_number}, cấp ngày "
                   f"{dmy(p.id_issue_date)}, tại {_id_issuer(rng)}")
        items = [("Họ và tên:", p.full_name.upper()), ("Giới tính:", p.sex),
                 ("Ngày, tháng, năm sinh:", dmy(p.date_of_birth)),
                 ("Nơi sinh:", p.place_of_birth), ("Quốc tịch:", "Việt Nam"),
                 ("Nơi cư trú:", p.address)]
        for n, (label, value) in enumerate(items, 1):
            y = s.labelled(f"{n}. {label}", value, y)
        y = s.paragraph("7. Tên gọi khác: Không", y, indent=0)
        y = s.paragraph(f"8. {id_line}", y, indent=0)
        owner = p.id_number
    else:
        number9 = cmnd9(p, rng)
        y = s.paragraph("Căn cứ Luật Lý lịch tư pháp ngày 17 tháng 6 năm 2009; Căn cứ Thông tư "
                        "số 13/2011/TT-BTP ban hành biểu mẫu và mẫu sổ lý lịch tư pháp; Xét đề "
                        f"nghị của Ông/Bà {p.full_name}", y)
        y = s.write("XÁC NHẬN:", (s.left + s.right) / 2, y, style="bold", align="center")
        for n, (label, value) in enumerate([
                ("Họ và tên:", p.full_name.upper()), ("Giới tính:", p.sex),
                ("Ngày, tháng, năm sinh:", dmy(p.date_of_birth)), ("Nơi sinh:", p.place_of_birth),
                ("Quốc tịch:", "Việt Nam"), ("Nơi thường trú:", p.address)], 1):
            y = s.labelled(f"{n}. {label}", value, y)
        y = s.paragraph(f"7. Giấy CMND/Hộ chiếu: Chứng minh nhân dân Số: {number9} Cấp ngày: "
                        f"{dmy(date(2005, 1, 1) + timedelta(days=rng.randint(0, 2000)))} Tại: "
                        f"Công an {province.formal}", y, indent=0)
        owner = number9
    if second:
        y = s.labelled("Họ và tên cha:", "Nguyễn Văn Bình", y)
        y = s.labelled("Họ và tên mẹ:", "Trần Thị Hoa", y)
    y = s.labelled("Tình trạng án tích:", "Không có án tích", y, value_style="bold")
    _signed(s, rng, y, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Lê Minh Quang", authority)
    return (f"LLTP số {2 if second else 1} ({'TT 06/2024' if version == 2024 else 'TT 13/2011'})",
            owner)


def birth_certificate(s: FaceSheet, p: Person, rng: random.Random, version: int
                      ) -> tuple[str, str | None]:
    """The original certificate is dated the day of the registration (its header); the
    extract (TT 04/2020) prints the registration's place and date among its rows and is dated
    by its signer, years later (tester16 F16)."""
    place = place_of(p.address, rng)
    authority = ward_committee(place)
    declarant = person_from_rng(rng, born_between=(1950, 1985))
    number = str(rng.randint(10, 900))
    registered = p.date_of_birth + timedelta(days=rng.randint(5, 50))
    extract = version == 2020
    y = national_header(s, authority, s.top, number=number,
                        when=None if extract else registered)
    if not extract:
        s.issued = registered
    if version == 2011:  # before the personal ID (2016): no number on the certificate
        y = title(s, "GIẤY KHAI SINH", y)
        rows = [("Họ và tên:", p.full_name.upper()), ("Giới tính:", p.sex),
                ("Ngày, tháng, năm sinh:", dmy(p.date_of_birth)), ("Nơi sinh:", p.place_of_birth),
                ("Dân tộc:", "Kinh"), ("Quốc tịch:", "Việt Nam"), ("Quê quán:", p.hometown),
                ("Họ và tên mẹ:", "Trần Thị Hoa"), ("Họ và tên cha:", declarant.full_name),
                ("Họ và tên người đi khai sinh:", declarant.full_name),
                ("Số CMND của người đi khai sinh:", cmnd9(declarant, rng))]
        owner = None
    else:
        y = title(s, "TRÍCH LỤC KHAI SINH" if extract else "GIẤY KHAI SINH", y)
        rows = [("Họ, chữ đệm, tên:", p.full_name.upper()),
                ("Ngày, tháng, năm sinh:", f"{dmy(p.date_of_birth)}"), ("Giới tính:", p.sex),
                ("Dân tộc:", "Kinh"), ("Quốc tịch:", "Việt Nam"), ("Nơi sinh:", p.place_of_birth),
                ("Quê quán:", p.hometown), ("Số định danh cá nhân:", p.id_number),
                ("Họ, chữ đệm, tên người mẹ:", "Trần Thị Hoa"), ("Năm sinh:", "1975"),
                ("Họ, chữ đệm, tên người cha:", declarant.full_name),
                ("Năm sinh:", str(declarant.date_of_birth.year)),
                ("Họ, chữ đệm, tên người đi khai sinh:", declarant.full_name),
                ("Giấy tờ tùy thân:", f"CCCD số {declarant.id_number}")]
        if extract:
            rows += [("Nơi đăng ký khai sinh:", authority.name),
                     ("Ngày, tháng, năm đăng ký:", dmy(registered))]
        owner = p.id_number
    for label, value in rows:
        y = s.labelled(label, value, y, size=12.5)
    if extract:
        _dated_signed(s, rng, y, ["NGƯỜI KÝ TRÍCH LỤC"], "Phạm Văn Đức", authority,
                      _extract_issued(registered, rng))
    else:
        _signed(s, rng, y, ["CHỦ TỊCH"], "Phạm Văn Đức", authority)
    return {2011: "Giấy khai sinh (trước 2016)", 2015: "Giấy khai sinh (TT 15/2015)",
            2020: "Trích lục khai sinh (TT 04/2020)"}[version], owner


def id_card(s: FaceSheet, p: Person, rng: random.Random, version: int) -> tuple[str, str | None]:
    """A card photocopied enlarged on A4: its caption wording by model."""
    x0, y0 = s.left, s.top + s.mm(10)
    w, h = s.mm(150), s.mm(95)
    s.draw.rounded_rectangle((x0, y0, x0 + w, y0 + h), radius=s.mm(4), outline=INK,
                             width=max(2, s.mm(0.4)))
    s.draw.rectangle((x0 + s.mm(6), y0 + s.mm(28), x0 + s.mm(36), y0 + s.mm(68)), outline=INK,
                     width=2)  # the photo
    tx = x0 + s.mm(42)
    cx = x0 + w / 2
    y = y0 + s.mm(4)
    y = s.write("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", cx, y, size=11, style="bold",
                align="center")
    y = s.write("Độc lập - Tự do - Hạnh phúc", cx, y, size=11, style="bold", align="center")
    if version == 1999:
        number = cmnd9(p, rng)
        y = s.write("GIẤY CHỨNG MINH NHÂN DÂN", cx, y, size=13, style="bold", align="center")
        y = s.write(f"Số {number}", cx, y, size=14, style="bold", align="center")
        rows = [("Họ tên", p.full_name.upper()), ("Sinh ngày", dmy(p.date_of_birth)),
                ("Nguyên quán", p.hometown), ("Nơi ĐKHK thường trú", p.address)]
        form = "CMND 9 số (1999)"
    elif version == 2012:
        number = p.id_number
        y = s.write("CHỨNG MINH NHÂN DÂN", cx, y, size=13, style="bold", align="center")
        y = s.write(f"Số: {number}", cx, y, size=14, style="bold", align="center")
        rows = [("Họ và tên:", p.full_name.upper()), ("Sinh ngày:", dmy(p.date_of_birth)),
                ("Giới tính:", p.sex), ("Nguyên quán:", p.hometown),
                ("Nơi ĐKHK thường trú:", p.address)]
        form = "CMND 12 số (2012)"
    elif version == 2016:
        number = p.id_number
        y = s.write("CĂN CƯỚC CÔNG DÂN", cx, y, size=13, style="bold", align="center")
        y = s.write(f"Số: {number}", cx, y, size=14, style="bold", align="center")
        rows = [("Họ và tên:", p.full_name.upper()),
                ("Ngày, tháng, năm sinh:", dmy(p.date_of_birth)), ("Giới tính:", p.sex),
                ("Quốc tịch:", "Việt Nam"), ("Quê quán:", p.hometown),
                ("Nơi thường trú:", p.address), ("Có giá trị đến:", dmy(p.id_expiry_date))]
        form = "CCCD không chip (2016)"
    else:
        number = p.id_number
        y = s.write("CĂN CƯỚC / IDENTITY CARD", cx, y, size=13, style="bold", align="center")
        rows = [("Số định danh cá nhân/Personal identification number:", number),
                ("Họ, chữ đệm và tên khai sinh/Surname, middle and given name:",
                 p.full_name.upper()),
                ("Ngày, tháng, năm sinh/Date of birth:", dmy(p.date_of_birth)),
                ("Giới tính/Sex:", p.sex), ("Quốc tịch/Nationality:", "Việt Nam")]
        form = "Thẻ căn cước (2024)"
    for label, value in rows:
        y = s.paragraph(f"{label} {value}", y, size=11, indent=0, x0=tx, x1=x0 + w - s.mm(4))
    _card_back(s, p, rng, version, (x0, y0 + h + s.mm(15), w, h))
    return form, number


# The years each model was issued in (the 2024 card from 1 July 2024).
_CARD_ISSUED = {1999: (2000, 2015), 2012: (2013, 2020), 2016: (2016, 2020), 2024: (2024, 2025)}
_MARKS = ("Nốt ruồi C:1cm trên trước mép phải", "Sẹo chấm C:2cm dưới sau đuôi mắt trái",
          "Nốt ruồi C:1,5cm dưới trước cánh mũi trái")


def _card_back(s: FaceSheet, p: Person, rng: random.Random, version: int,
               box: tuple[int, int, int, int]) -> None:
    """The card's back below its front on the same copy, as a dossier's photocopy holds it
    (owner17 F15: a front alone has no issue date): the issue date and the issuer's signer by
    model, the 2024 card's residence, expiry and machine-readable zone."""
    x0, y0, w, h = box
    s.draw.rounded_rectangle((x0, y0, x0 + w, y0 + h), radius=s.mm(4), outline=INK,
                             width=max(2, s.mm(0.4)))
    first, last = _CARD_ISSUED[version]
    # A first card at 14 at the earliest.
    year = max(rng.randint(first, last), p.date_of_birth.year + 15)
    issued = date(year, rng.randint(7 if year == 2024 else 1, 12), rng.randint(1, 28))
    if version == 2016:  # the front's "Có giá trị đến" was counted from the person's own
        issued = p.id_issue_date
    s.issued = issued
    tx, x1 = x0 + s.mm(6), x0 + w - s.mm(6)
    cx = x0 + w * 0.7
    y = y0 + s.mm(5)
    signer = person_from_rng(rng, born_between=(1965, 1980)).full_name
    if version in (1999, 2012):
        y = s.write("Dân tộc: Kinh          Tôn giáo: Không", tx, y, size=11)
        y = s.write("DẤU VẾT RIÊNG VÀ DỊ HÌNH", tx, y, size=11, style="bold")
        y = s.write(rng.choice(_MARKS), tx, y, size=11)
        y = s.write(f"Ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}", cx, y,
                    size=11, align="center")
        y = s.write("GIÁM ĐỐC CÔNG AN TỈNH", cx, y, size=11, style="bold", align="center")
        s.write(signer, cx, y + s.mm(14), size=11, style="bold", align="center")
    elif version == 2016:
        y = s.write("Đặc điểm nhân dạng:", tx, y, size=11)
        y = s.write(rng.choice(_MARKS), tx, y, size=11)
        y = s.write(f"Ngày, tháng, năm: {dmy(issued)}", tx, y, size=11)
        y = s.write("CỤC TRƯỞNG CỤC CẢNH SÁT", tx, y, size=11, style="bold")
        y = s.write("ĐKQL CƯ TRÚ VÀ DLQG VỀ DÂN CƯ", tx, y, size=11, style="bold")
        s.write(signer, tx + s.mm(8), y + s.mm(12), size=11, style="bold")
    else:
        for label, value in (("Nơi cư trú/Place of residence:", p.address),
                             ("Nơi đăng ký khai sinh/Place of birth:", p.place_of_birth)):
            y = s.paragraph(f"{label} {value}", y, size=11, indent=0, x0=tx, x1=x1)
        y = s.write(f"Ngày, tháng, năm cấp/Date of issue: {dmy(issued)}", tx, y, size=11)
        expiry = card_expiry(p.date_of_birth, issued)
        y = s.write(f"Ngày, tháng, năm hết hạn/Date of expiry: {dmy(expiry)}", tx, y, size=11)
        y = s.write("BỘ CÔNG AN/MINISTRY OF PUBLIC SECURITY", tx, y, size=11, style="bold")
        names = fold(p.full_name).upper().split()
        mono = font("mono", s.pt(11))
        y += s.mm(3)
        for line in build_td1(p.id_number, p.date_of_birth, "F" if p.sex == "Nữ" else "M",
                              expiry, names[0], " ".join(names[1:])):
            s.draw.text((tx, y), line, font=mono, fill=INK, anchor="la")
            s.lines.append(line)
            y += round(s.pt(11) * 1.3)


def residence(s: FaceSheet, p: Person, rng: random.Random, version: int) -> tuple[str, str | None]:
    place = place_of(p.address, rng)
    authority = ward_police(place)
    issued = date(2024, 1, 2) + timedelta(days=rng.randint(0, 300))
    y = national_header(s, authority, s.top, number=f"{rng.randint(100, 9999)}/XN",
                        when=issued)
    y = title(s, "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", y)
    y = s.paragraph(f"{authority.name} xác nhận thông tin về cư trú của công dân như sau:", y)
    rows = [("1. Họ, chữ đệm và tên:", p.full_name.upper()),
            ("2. Ngày, tháng, năm sinh:", dmy(p.date_of_birth)), ("3. Giới tính:", p.sex),
            ("4. Số định danh cá nhân:" if version == 2023 else "4. Số CMND/CCCD:", p.id_number),
            ("5. Nơi thường trú:", p.address)]
    for label, value in rows:
        y = s.labelled(label, value, y)
    head = person_from_rng(rng)
    y = s.labelled("6. Họ, chữ đệm và tên chủ hộ:", head.full_name, y)
    y = s.labelled("7. Quan hệ với chủ hộ:", rng.choice(("Con", "Vợ", "Chồng", "Cháu")), y)
    y = s.labelled("8. Số định danh cá nhân của chủ hộ:", head.id_number, y)
    y = s.paragraph(f"Thông tin trên có giá trị đến ngày {dmy(issued + timedelta(days=30))}.", y)
    _signed(s, rng, y, ["TRƯỞNG CÔNG AN"], "Võ Thanh Tùng", authority)
    return f"CT07 ({'TT 66/2023' if version == 2023 else 'TT 55/2021'})", p.id_number


def land(s: FaceSheet, p: Person, rng: random.Random, version: int) -> tuple[str, str | None]:
    province = place_of(p.address, rng).province
    authority = land_office(province)
    y = motto_only(s, s.top)
    y = title(s, "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC "
                 "GẮN LIỀN VỚI ĐẤT", y, size=13.5)
    y = s.write("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",
                s.left, y, style="bold")
    spouse = person_from_rng(rng, female=p.sex == "Nam")
    if version == 2014:
        owner = cmnd9(p, rng) if p.date_of_birth.year < 1990 and rng.random() < 0.5 \
            else p.id_number
        kind = "CMND số:" if len(owner) == 9 else "CCCD số:"
        y = s.paragraph(f"{p.honorific}: {p.full_name.upper()}, Năm sinh: "
                        f"{p.date_of_birth.year}, {kind} {owner}", y, indent=0)
        y = s.paragraph(f"Địa chỉ thường trú: {p.address}", y, indent=0)
        y = s.paragraph(f"và {spouse.honorific.lower()}: {spouse.full_name.upper()}, Năm sinh: "
                        f"{spouse.date_of_birth.year}, CCCD số: {spouse.id_number}", y, indent=0)
        form = "GCN (TT 23/2014)"
    else:
        owner = p.id_number
        y = s.paragraph(f"{p.honorific} {p.full_name}, sinh năm {p.date_of_birth.year}, căn "
                        f"cước công dân số {owner}; cùng {spouse.honorific.lower()} "
                        f"{spouse.full_name}, căn cước công dân số {spouse.id_number}; địa chỉ: "
                        f"{p.address}", y, indent=0)
        form = "GCN (TT 10/2024)"
    y = s.write("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", s.left, y, style="bold")
    y = s.paragraph(f"a) Thửa đất số: {rng.randint(10, 900)}, tờ bản đồ số: {rng.randint(1, 60)}",
                    y, indent=0)
    y = s.paragraph(f"b) Diện tích: {rng.randint(60, 900)} m²", y, indent=0)
    _signed(s, rng, y, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "Nguyễn Hữu Tâm", authority)
    return form, owner


def business(s: FaceSheet, p: Person, rng: random.Random, version: int) -> tuple[str, str | None]:
    province = place_of(p.address, rng).province
    authority = business_registry(province)
    while True:
        head = f"{rng.choice(('36', '03', '38', '01'))}{rng.randint(0, 9_999_999):07d}"
        check = enterprise_check_digit(head)
        if check is not None:
            code = f"{head}{check}"
            break
    y = national_header(s, authority, s.top)
    y = title(s, "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", y,
              subtitle="CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN")
    y = s.labelled("Mã số doanh nghiệp:", code, y, value_style="bold")
    first = date(2019, 1, 1) + timedelta(days=rng.randint(0, 1500))
    y = s.paragraph(f"Đăng ký lần đầu: ngày {dmy(first)}", y, indent=0)
    y = s.write("1. Tên công ty", s.left, y, style="bold")
    y = s.labelled("Tên công ty viết bằng tiếng Việt:", "CÔNG TY TNHH THƯƠNG MẠI AN PHÁT", y)
    y = s.write("2. Địa chỉ trụ sở chính", s.left, y, style="bold")
    y = s.paragraph(p.address, y, indent=0)
    y = s.write("3. Người đại diện theo pháp luật của công ty", s.left, y, style="bold")
    y = s.labelled("Họ và tên:", p.full_name.upper(), y)
    label = "Số định danh cá nhân:" if version == 2021 else "Số giấy chứng thực cá nhân:"
    y = s.labelled(label, p.id_number, y)
    _signed(s, rng, y, ["TRƯỞNG PHÒNG"], "Đỗ Quang Vinh", authority)
    return f"GCN ĐKDN ({'TT 01/2021' if version == 2021 else 'TT 20/2015'})", code


def decision(s: FaceSheet, p: Person, rng: random.Random, version: int) -> tuple[str, str | None]:
    authority = district_committee(place_of(p.address, rng))
    issued = date(2024, 1, 2) + timedelta(days=rng.randint(0, 300))
    y = national_header(s, authority, s.top, number=f"{rng.randint(10, 999)}/QĐ-UBND",
                        when=issued)
    y = title(s, "QUYẾT ĐỊNH", y, subtitle="Về việc cấp giấy phép kinh doanh")
    y = s.paragraph("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; xét "
                    "đề nghị của Trưởng phòng Kinh tế,", y)
    y = s.write("QUYẾT ĐỊNH:", (s.left + s.right) / 2, y, style="bold", align="center")
    if version == 1:
        text = (f"Điều 1. Cấp giấy phép cho {p.honorific.lower()} {p.full_name}, sinh ngày "
                f"{dmy(p.date_of_birth)}, số định danh cá nhân {p.id_number}, nơi cư trú: "
                f"{p.address}.")
    else:
        text = (f"Điều 1. Chấp thuận đề nghị của {p.honorific.lower()} {p.full_name} (CCCD số "
                f"{p.id_number}, cấp ngày {dmy(p.id_issue_date)}), thường trú tại {p.address}.")
    y = s.paragraph(text, y)
    y = s.paragraph("Điều 2. Quyết định có hiệu lực kể từ ngày ký.", y)
    _signed(s, rng, y, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], "Hoàng Minh Sơn", authority)
    return f"Quyết định (mẫu {version})", p.id_number


def authorization(s: FaceSheet, p: Person, rng: random.Random, version: int
                  ) -> tuple[str, str | None]:
    agent = person_from_rng(rng)
    y = motto_only(s, s.top)
    y = title(s, "GIẤY ỦY QUYỀN", y)
    y = s.write("BÊN ỦY QUYỀN (Bên A):", s.left, y, style="bold")
    y = s.labelled("Họ và tên:", p.full_name.upper(), y)
    y = s.labelled("Ngày sinh:", dmy(p.date_of_birth), y)
    y = s.labelled("Số CCCD:", f"{p.id_number} cấp ngày {dmy(p.id_issue_date)}", y)
    y = s.labelled("Địa chỉ:", p.address, y)
    y = s.write("BÊN ĐƯỢC ỦY QUYỀN (Bên B):", s.left, y, style="bold")
    y = s.labelled("Họ và tên:", agent.full_name.upper(), y)
    y = s.labelled("Số CCCD:", agent.id_number, y)
    y = s.paragraph("Nội dung ủy quyền: Bên B được thay mặt Bên A nộp hồ sơ và nhận kết quả.", y)
    _signed(s, rng, y, ["BÊN ỦY QUYỀN"], p.full_name)
    return "Giấy ủy quyền", p.id_number


def lltp_request(s: FaceSheet, p: Person, rng: random.Random, version: int
                 ) -> tuple[str, str | None]:
    y = motto_only(s, s.top)
    y = title(s, "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP", y)
    y = s.labelled("Kính gửi:", f"Sở Tư pháp {place_of(p.address, rng).province.formal}", y)
    for label, value in [("1. Họ và tên:", p.full_name.upper()), ("2. Giới tính:", p.sex),
                         ("3. Ngày, tháng, năm sinh:", dmy(p.date_of_birth)),
                         ("4. Nơi sinh:", p.place_of_birth), ("5. Quốc tịch:", "Việt Nam"),
                         ("6. Nơi thường trú:", p.address)]:
        y = s.labelled(label, value, y)
    y = s.paragraph(f"7. Giấy CMND/CCCD/Hộ chiếu: Số: {p.id_number} Cấp ngày: "
                    f"{dmy(p.id_issue_date)} Tại: {_id_issuer(rng)}", y, indent=0)
    y = s.paragraph("8. Số điện thoại: " + p.phone, y, indent=0)
    y = s.paragraph("Tôi xin cam đoan những lời khai trên là đúng sự thật.", y)
    _signed(s, rng, y, ["NGƯỜI KHAI"], p.full_name)
    return "Tờ khai cấp phiếu LLTP (mẫu 03)", p.id_number


def construction_permit(s: FaceSheet, p: Person, rng: random.Random, version: int
                        ) -> tuple[str, str | None]:
    authority = district_committee(place_of(p.address, rng))
    issued = date(2023, 1, 2) + timedelta(days=rng.randint(0, 600))
    y = national_header(s, authority, s.top, number=f"{rng.randint(10, 990)}/GPXD", when=issued)
    y = title(s, "GIẤY PHÉP XÂY DỰNG", y, subtitle="Số: …/GPXD (Sử dụng cho nhà ở riêng lẻ)")
    if version == 2021:  # NĐ 15/2021, mẫu số 05
        owner = p.id_number
        y = s.labelled("1. Cấp cho:", f"{p.honorific} {p.full_name}", y)
        y = s.labelled("Số CCCD/Hộ chiếu:", owner, y)
        y = s.labelled("Địa chỉ:", p.address, y)
    else:  # TT 15/2016: the 9-digit identity card
        owner = cmnd9(p, rng)
        y = s.paragraph(f"1. Cấp cho: {p.honorific} {p.full_name}; CMND số: {owner}; Địa chỉ: "
                        f"{p.address}", y, indent=0)
    y = s.labelled("2. Được phép xây dựng công trình:", "Nhà ở riêng lẻ", y)
    y = s.labelled("Vị trí xây dựng:", f"thửa đất số {rng.randint(10, 900)}", y)
    y = s.paragraph(f"3. Giấy phép có giá trị đến ngày {dmy(issued + timedelta(days=365))}.", y,
                    indent=0)
    _signed(s, rng, y, ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Trần Quốc Bảo", authority)
    return f"GPXD ({'NĐ 15/2021' if version == 2021 else 'TT 15/2016'})", owner


def dossier_receipt(s: FaceSheet, p: Person, rng: random.Random, version: int
                    ) -> tuple[str, str | None]:
    place = place_of(p.address, rng)
    authority = one_stop_desk(place)
    received = date(2024, 1, 2) + timedelta(days=rng.randint(0, 300))
    code = f"H19.22-{received.strftime('%y%m%d')}-{rng.randint(1, 9999):04d}"
    y = national_header(s, authority, s.top, number=code, when=received)
    y = title(s, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", y)
    y = s.labelled("Mã hồ sơ:", code, y)
    y = s.paragraph(f"{authority.name} tiếp nhận hồ sơ của: {p.honorific} {p.full_name}", y,
                    indent=0)
    label = "Số định danh cá nhân:" if version == 2 else "Số CMND/CCCD/Hộ chiếu:"
    y = s.labelled(label, p.id_number, y)
    y = s.labelled("Địa chỉ:", p.address, y)
    y = s.labelled("Số điện thoại:", p.phone, y)
    y = s.labelled("Nội dung yêu cầu giải quyết:", "Cấp phiếu lý lịch tư pháp", y)
    y = s.labelled("Ngày hẹn trả kết quả:", dmy(received + timedelta(days=10)), y)
    _signed(s, rng, y, ["NGƯỜI TIẾP NHẬN"], "Nguyễn Thị Thu Hà")
    return f"Giấy tiếp nhận (NĐ 61/2018 mẫu 01, {version})", p.id_number


def marriage(s: FaceSheet, p: Person, rng: random.Random, version: int
             ) -> tuple[str, str | None]:
    """Both spouses' numbers: the paper is both people's, so alone it names no single owner
    (the dossier's applicant picks one: ``owner_shared``). Version 2 is the extract ("TRÍCH
    LỤC KẾT HÔN"): the registration's place and date among its rows, dated by its signer."""
    authority = ward_committee(place_of(p.address, rng))
    other = person_from_rng(rng, female=p.sex == "Nam")
    wife, husband = (p, other) if p.sex == "Nữ" else (other, p)
    number = str(rng.randint(10, 400))
    registered = date(2023, 1, 2) + timedelta(days=rng.randint(0, 600))
    extract = version == 2
    y = national_header(s, authority, s.top, number=number, when=None if extract else registered)
    if not extract:
        s.issued = registered
    y = title(s, "TRÍCH LỤC KẾT HÔN" if extract else "GIẤY CHỨNG NHẬN KẾT HÔN", y)
    for side, person in (("vợ", wife), ("chồng", husband)):
        y = s.labelled(f"Họ, chữ đệm, tên {side}:", person.full_name.upper(), y)
        y = s.labelled("Ngày, tháng, năm sinh:", dmy(person.date_of_birth), y)
        y = s.labelled("Nơi cư trú:", person.address, y)
        y = s.labelled("Giấy tờ tùy thân:", f"Căn cước công dân số {person.id_number}", y)
    if extract:
        y = s.labelled("Nơi đăng ký kết hôn:", authority.name, y)
        y = s.labelled("Ngày, tháng, năm đăng ký:", dmy(registered), y)
        _dated_signed(s, rng, y, ["NGƯỜI KÝ TRÍCH LỤC"], "Lê Hoàng Nam", authority,
                      _extract_issued(registered, rng))
        return "Trích lục kết hôn (TT 04/2020)", None
    _signed(s, rng, y, ["CHỦ TỊCH"], "Lê Hoàng Nam", authority)
    return "Giấy chứng nhận kết hôn (TT 04/2020)", None


# (registry type, builder, versions)
FORMS: tuple[tuple[str, object, tuple[int, ...]], ...] = (
    ("judicial_record", judicial_record, (2024, 2011)),
    ("birth_certificate", birth_certificate, (2015, 2020, 2011)),
    ("citizen_id_card", id_card, (1999, 2012, 2016, 2024)),
    ("residence_confirmation", residence, (2023, 2021)),
    ("land_use_certificate", land, (2014, 2024)),
    ("business_registration", business, (2021, 2015)),
    ("decision", decision, (1, 2)),
    ("power_of_attorney", authorization, (1,)),
    ("application_form", lltp_request, (1,)),
    ("construction_permit", construction_permit, (2021, 2016)),
    ("dossier_receipt", dossier_receipt, (1, 2)),
    ("marriage_certificate", marriage, (1, 2)),
)


@dataclass
class FormPage:
    truth: FormTruth
    image: Image.Image
    dpi: int
    severity: str

    def jpeg(self) -> bytes:
        return encode_jpeg(self.image, self.severity, self.dpi)


def render_form(index: int, *, severity: str = "clean", dpi: int = 200,
                family: str | None = None) -> FormPage:
    """Page ``index`` of the official-forms set: type, version and font cycle with it."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}")
    rng = random.Random(f"official-form:{index}")
    doc_type, builder, versions = FORMS[index % len(FORMS)]
    version = versions[(index // len(FORMS)) % len(versions)]
    families = [f for f in available_families() if f in SERIF_FAMILIES]
    # The font cycles on the next digit of the index, so every form meets every font.
    family = family or families[(index // len(FORMS)) % len(families)]
    person = person_from_rng(rng, born_between=(1955, 2004))
    sheet = FaceSheet(dpi, family, leaders=rng.random() < 0.3,
                      margin_mm=rng.uniform(20, 32))
    form, owner = builder(sheet, person, rng, version)  # type: ignore[operator]
    kind = None if owner is None else "organization" if doc_type == "business_registration" \
        else "person"
    truth = FormTruth(doc_type, form, family, owner, kind, person.full_name, list(sheet.lines),
                      sheet.issued)
    noise = np.random.default_rng([index, SEVERITIES.index(severity), 18])
    image = degrade(sheet.image, severity, noise, dpi)
    return FormPage(truth, image, dpi, severity)

