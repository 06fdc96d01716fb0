"""The signer's name looked for at its place is not read in every cut and enlargement when the
print reads alike every way: a clean name the names' rules do not take (a rare surname, as on
tester18's receipts) was read ten times over, for nothing, on every such page."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

import sohoa.ocr.engine as engine
from sohoa.ocr import recognize_page
from sohoa.ocr.titles import load_titles, name_reading
from sohoa.pipeline.stages import page_lexicon

_FONT = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"
_BOLD = "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf"
NAME = "Quách Đức Hưởng"


def _closing() -> Image.Image:
    """A receipt's foot at 200 dpi: a few lines of body, then the clerk's title, the signing
    instruction and, under the signature's space, the name."""
    body, bold = ImageFont.truetype(_FONT, 36), ImageFont.truetype(_BOLD, 36)
    page = Image.new("L", (1654, 1100), 255)
    draw = ImageDraw.Draw(page)
    for row, line in enumerate(["5. Thời gian trả kết quả giải quyết hồ sơ: 15 giờ 05 phút,",
                                "ngày 08/12/2026", "6. Vào Sổ theo dõi hồ sơ, Quyển số: 04,",
                                "Số thứ tự: 69"]):
        draw.text((160, 80 + row * 60), line, font=body, fill=0)
    draw.text((900, 480), "CÔNG CHỨC TIẾP NHẬN HỒ SƠ", font=bold, fill=0)
    draw.text((1000, 540), "(Ký và ghi rõ họ tên)", font=body, fill=0)
    draw.text((1030, 860), NAME, font=bold, fill=0)
    return page


def test_the_rules_do_not_take_the_name_as_printed() -> None:
    # The premise: a name the rules refuse (a rare surname), however well it reads.
    assert name_reading(NAME.split(), load_titles()) is None


def test_a_name_read_alike_every_way_is_read_twice_not_ten_times(
        monkeypatch: pytest.MonkeyPatch) -> None:
    strips: list[tuple[int, int, int, int]] = []
    read_strip = engine._read_strip

    def counted(api, image, strip, *args, **kwargs):  # type: ignore[no-untyped-def]
        strips.append(strip)
        return read_strip(api, image, strip, *args, **kwargs)

    monkeypatch.setattr(engine, "_read_strip", counted)
    ocr = recognize_page(_closing(), page_sha256="x", dpi=200, lexicon=page_lexicon())
    assert NAME in ocr.text.splitlines(), ocr.text
    name = [w for w in ocr.words if w.text in NAME.split()]
    top, bottom = min(w.top for w in name), max(w.top + w.height for w in name)
    on_name = [s for s in strips if s[1] < bottom and s[3] > top and s[0] > 900]
    # Its line read in the page and enlarged, both alike the page's reading: nothing more.
    assert 0 < len(on_name) <= 2, on_name
