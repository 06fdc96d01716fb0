"""Dotted leaders erased before recognition (issue 18): the value typed on them is read."""

from __future__ import annotations

import numpy as np
from PIL import Image

from sohoa.ocr.leaders import erase_dot_leaders, leader_mask
from sohoa.pipeline.analysis import AnalyzeOptions
from sohoa.pipeline.stages import recognize_only
from sohoa.records import Page
from sohoa.synth.forms_official import FaceSheet


def _line(text: str, dpi: int = 200) -> Image.Image:
    sheet = FaceSheet(dpi, "Noto Serif")
    sheet.write(text, sheet.left, sheet.top)
    return sheet.image.crop((0, 0, sheet.width, sheet.top + sheet.mm(12)))


def test_the_leaders_go_and_the_letters_stay() -> None:
    plain = np.asarray(_line("4. Số định danh cá nhân: 038056370246 (Thịnh, Lệ, Vịnh, ...)")
                       .convert("L"))
    assert not leader_mask(plain, 200).any()  # i dots, nặng dots and an ellipsis are letters
    dotted = _line("4. Số định danh cá nhân: ....038056370246.........................")
    mask = leader_mask(np.asarray(dotted.convert("L")), 200)
    assert mask.any()
    cleaned = np.asarray(erase_dot_leaders(dotted, 200).convert("L"))
    # What is left is the same line without its dots.
    without = np.asarray(_line("4. Số định danh cá nhân: 038056370246").convert("L"))
    assert (cleaned < 128).sum() == (without < 128).sum()


def test_a_value_typed_on_leaders_is_recognized() -> None:
    import io

    image = _line("2. Ngày, tháng, năm sinh: ....19/01/1956....................................")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    page = Page(source="leaders.png", index=0, source_sha256="", data=buffer.getvalue(),
                mime="image/png", width=image.width, height=image.height, dpi=200)
    text = recognize_only(page, AnalyzeOptions("vie", 60.0, "")).text
    # Without the erasing Tesseract gives "Ngày, sinh: tháng, 2. năm ....19/01/1956......".
    assert "năm sinh: 19/01/1956" in " ".join(text.split())
