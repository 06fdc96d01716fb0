"""Spellings of a name word that differ only in their marks, told apart by drawing them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from sohoa.ocr.drawn import drawn_spelling, faces
from sohoa.synth.foreign import FONTS


def _printed(word: str, face: str, height: int = 36) -> np.ndarray:
    """``word`` printed in ``face`` (bold), a little blurred and grey as a scan gives it."""
    font = ImageFont.truetype(face, height)
    image = Image.new("L", (height * (len(word) + 2), 2 * height), 235)
    ImageDraw.Draw(image).text((height // 2, height // 3), word, font=font, fill=35)
    return np.asarray(image.filter(ImageFilter.GaussianBlur(0.6)))


@pytest.mark.parametrize("word", ["Cẩm", "Cầm", "Bổn", "Bốn"])
def test_the_printed_spelling_is_the_one_whose_marks_match(word: str) -> None:
    # `make install` puts the serif faces there (fonts-liberation2, fonts-texgyre, …): a machine
    # without them is a broken install, not a reason to skip
    assert faces(), "no serif bold face: run make install"
    twins = {"Cẩm": ["Cẩm", "Cầm"], "Cầm": ["Cầm", "Cẩm"], "Bổn": ["Bốn", "Bổn"],
             "Bốn": ["Bổn", "Bốn"]}[word]
    face = FONTS["termes"][1]  # TeX Gyre Termes Bold: Times New Roman's design
    assert drawn_spelling(_printed(word, face), twins) == word



@pytest.mark.parametrize("height", [22, 26])
@pytest.mark.parametrize("word", ["Hiến", "Hiển"])
def test_each_two_spellings_are_compared_where_those_two_differ(word: str, height: int) -> None:
    # Four names share the letters "Hien" (seed 313's "Ngô Quốc Hiển", read "Hiến"). Scored
    # over every spelling's marks at once, the acute and the hook both gained from the pixels
    # of the grave and of the bare circumflex that neither prints, and no spelling stood out
    # (0.794 against 0.768 on the page): the drawing told nothing, and the readings kept the
    # wrong mark. Compared two by two, each where those two differ, the printed one wins.
    face = FONTS["liberation"][1]
    spellings = ["Hiến", "Hiền", "Hiển", "Hiên"]
    assert drawn_spelling(_printed(word, face, height), spellings) == word


def test_nothing_is_told_where_the_crop_is_no_such_word() -> None:
    face = FONTS["termes"][1]
    # Another word (the face fits it badly), and a blank crop.
    assert drawn_spelling(_printed("Nguyễn", face), ["Cẩm", "Cầm"]) is None
    assert drawn_spelling(np.full((40, 120), 235, np.uint8), ["Cẩm", "Cầm"]) is None


def _name_line(words: list[str], face: str, height: int = 40) -> tuple[np.ndarray, list]:
    """``words`` printed as one bold line, and their boxes as the engine keeps them."""
    from sohoa.ocr.layout import Box

    font = ImageFont.truetype(face, height)
    image = Image.new("L", (height * 14, 3 * height), 235)
    draw = ImageDraw.Draw(image)
    boxes, x = [], height
    for word in words:
        left, top, right, bottom = draw.textbbox((x, height), word, font=font)
        draw.text((x, height), word, font=font, fill=35)
        boxes.append(Box(word, left, top, right - left, bottom - top, 90.0, line_key=9))
        x = right + height // 2
    return np.ascontiguousarray(np.asarray(image.filter(ImageFilter.GaussianBlur(0.6)))), boxes


def test_a_name_read_as_printed_elsewhere_on_the_page_keeps_its_marks() -> None:
    # tester15 F7: "Phạm Mỹ Lan" read right under an applicant's signature was rewritten "Phạm
    # My Lan", against "Họ và tên: Phạm Mỹ Lan" read 20 lines above. Here the line's print says
    # "My" (the drawing would change the reading "Mỹ"): the change is made only where no other
    # line of the page reads the name as the line did.
    import tesserocr

    from sohoa.ocr.engine import OcrSettings, _reread_name_marks, find_tessdata
    from sohoa.ocr.layout import Box

    level, line = _name_line(["Phạm", "My", "Lan"], FONTS["termes"][1])
    line[1] = Box("Mỹ", line[1].left, line[1].top, line[1].width, line[1].height, 90.0, 9)
    h, w = level.shape
    above = [Box(t, 10 + 60 * i, 5, 50, 20, 95.0, line_key=2)
             for i, t in enumerate(["Họ", "và", "tên:", "Phạm", "Mỹ", "Lan"])]
    with tesserocr.PyTessBaseAPI(path=find_tessdata(OcrSettings()), lang="vie") as api:
        api.SetImageBytes(level.tobytes(), w, h, 1, w)
        renamed: list[tuple[str, str]] = []
        alone = _reread_name_marks(api, level, line, list(line), 5000, 300, renamed)
        assert [b.text for b in alone] == ["Phạm", "My", "Lan"]  # the drawing tells alone
        renamed.clear()
        page = _reread_name_marks(api, level, line, above + line, 5000, 300, renamed)
        assert [b.text for b in page[len(above):]] == ["Phạm", "Mỹ", "Lan"]
        # ...and the drawing's spelling is kept beside it for a person (review15a S5): here
        # the print says "My", both readings said "Mỹ" — one recognizer erring twice.
        assert renamed == [("Phạm My Lan", "Phạm Mỹ Lan")]
def test_the_copy_that_kept_the_mark_is_the_one_compared() -> None:
    # Taking a pen out by shape can take a tone mark it runs along: in the page's recognition
    # copy "Ẩn" lost its hook and is drawn, with a good fit, as "Ân" (seed 269, Termes light).
    # Another copy of the same place, where the pen was taken out by its level, kept the hook:
    # the face fits that whole word better, and it is the one compared.
    face = FONTS["termes"][1]
    spellings = ["Ân", "An", "Ẩn"]
    lost, kept = _printed("Ân", face), _printed("Ẩn", face)
    assert drawn_spelling(lost, spellings) == "Ân"
    assert drawn_spelling([lost, kept], spellings) == "Ẩn"
    assert drawn_spelling([kept, lost], spellings) == "Ẩn"


def test_status_says_which_faces_the_readings_use(monkeypatch: pytest.MonkeyPatch) -> None:
    # review15a N9: a machine without the serif faces reads names' marks and instructions
    # differently; `sohoa status` (and a bug report) must say which faces were found.
    from sohoa.ocr import drawn, standard
    from sohoa.ocr.engine import OcrSettings, engine_versions

    shown = engine_versions(OcrSettings())
    assert shown["faces"] == "+".join(Path(f).name for f in drawn.faces()) != ""
    monkeypatch.setattr(drawn, "FACES", ("/nonexistent/Serif-Bold.ttf",))
    monkeypatch.setattr(standard, "_ITALIC_FACES", ("/nonexistent/Serif-Italic.ttf",))
    drawn.faces.cache_clear()
    try:
        bare = engine_versions(OcrSettings())
    finally:
        drawn.faces.cache_clear()
    assert (bare["faces"], bare["italic face"]) == ("(none)", "(none)")


def _in_line(word: str, face: str, height: int = 26, before: str = ": ",
             pen: tuple[float, float] | None = None) -> np.ndarray:
    """``word`` printed after ``before`` on a line, cut as the engine cuts a name word: its box
    and a third of its height around it, so the neighbour's last letter is at the crop's edge;
    ``pen``: a thin straight stroke across the whole crop, from and to these shares of its
    height."""
    font = ImageFont.truetype(face, height)
    image = Image.new("L", (height * (len(before) + len(word) + 3), 3 * height), 235)
    draw = ImageDraw.Draw(image)
    x0 = height + draw.textlength(before, font=font)
    draw.text((height, height), before, font=font, fill=35)
    draw.text((x0, height), word, font=font, fill=35)
    left, top, right, bottom = draw.textbbox((x0, height), word, font=font)
    pad = (bottom - top) // 3
    crop = image.crop((round(left) - pad, top - pad, round(right) + pad, bottom + pad))
    if pen is not None:
        w, h = crop.size
        ImageDraw.Draw(crop).line([(0, pen[0] * h), (w, pen[1] * h)], fill=40, width=2)
    return np.asarray(crop.filter(ImageFilter.GaussianBlur(0.6)))


@pytest.mark.parametrize("word", ["Quyển", "Quyền"])
def test_a_neighbours_letter_at_the_crops_edge_is_not_the_words(word: str) -> None:
    # Seed 313 p48 "Đại úy Bùi Phước Quyển": the crop around the name word holds the end of the
    # word before it. Taken as the word's ink, it set the box the drawing was slid in, the face
    # fitted at 0.32, and the drawing told nothing.
    face = FONTS["liberation"][1]
    crop = _in_line(word, face, before="Phước ")
    assert drawn_spelling(crop, ["Quyển", "Quyên", "Quyền"]) == word


@pytest.mark.parametrize("pen", [(0.05, 0.1), (0.55, 0.62)])
@pytest.mark.parametrize("word", ["Cẩm", "Cầm"])
def test_a_pen_stroke_across_the_word_is_left_out_of_its_ink(
        word: str, pen: tuple[float, float]) -> None:
    # Seed 313 p30 "Ngô Quốc Cẩm": the pen's line runs along the word's top, slightly sloping,
    # and on through the crop's sides (fit 0.54: no answer, the readings kept "Cầm"); the
    # opaque pen's stroke runs through the letters' bodies.
    face = FONTS["termes"][1]
    crop = _in_line(word, face, before="Quốc ", pen=pen)
    assert drawn_spelling(crop, ["Cẩm", "Cầm"]) == word


@pytest.mark.parametrize("family", ["liberation", "noto", "dejavu", "termes"])
@pytest.mark.parametrize(("word", "spellings"), [("Lan", ["Lan", "Lân"]),
                                                 ("Hai", ["Hải", "Hai"])])
def test_a_word_printed_without_the_taller_mark_is_drawn_to_its_own_height(
        word: str, spellings: list[str], family: str) -> None:
    # Drawn in one frame scaled so that the spellings' union was the word's height, "Lan" was
    # drawn as small as "Lân" would be and the face fitted it badly (0.6 on seed 313 p14; no
    # answer in DejaVu Serif at any size). Each spelling in turn sets the frame to its own box.
    face = FONTS[family][1]
    for height in (22, 26, 30, 36):
        assert drawn_spelling(_printed(word, face, height), spellings) == word, height


@pytest.mark.parametrize("height", [22, 30])
def test_a_name_whose_marks_nothing_confirmed_is_doubted_not_kept_silently(height: int) -> None:
    # tester17 F7: "Hồ Thanh Tường" printed in Liberation Sans under the pen, read "Hồ Thành
    # Tường" at 96: "Thành" and "Thanh" are both names, no serif face fits the print, the
    # crop's readings gave nothing, and the wrong mark was stored with no review. A line left
    # as read with a word whose marks nothing confirmed goes to a person; a line the drawing
    # confirms does not.
    import tesserocr

    from sohoa.ocr.engine import OcrSettings, _reread_name_marks, find_tessdata
    from sohoa.ocr.layout import Box

    sans = "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"
    level, line = _name_line(["Hồ", "Thanh", "Tường"], sans, height)
    word = line[1]
    image = Image.fromarray(level)
    # The pen's strokes over the word, down and up across it.
    ImageDraw.Draw(image).line(
        [(word.left - 4 + k * height // 4, word.top - height // 2 if k % 2 else word.bottom + 2)
         for k in range(4 * word.width // height + 3)], fill=60, width=3)
    level = np.ascontiguousarray(np.asarray(image))
    line[1] = Box("Thành", word.left, word.top, word.width, word.height, 96.0, 9)
    h, w = level.shape
    with tesserocr.PyTessBaseAPI(path=find_tessdata(OcrSettings()), lang="vie") as api:
        api.SetImageBytes(level.tobytes(), w, h, 1, w)
        renamed: list[tuple[str, str]] = []
        doubted: list[str] = []
        kept = _reread_name_marks(api, level, line, list(line), 5000, 300, renamed, None,
                                  doubted)
        assert [b.text for b in kept] == ["Hồ", "Thành", "Tường"]  # never rewritten blind
        assert renamed == [] and doubted == ["Hồ Thành Tường"]
        # The print's face: the drawing confirms "Cẩm" as read, nothing is asked.
        level, line = _name_line(["Ngô", "Quốc", "Cẩm"], FONTS["termes"][1], height)
        h, w = level.shape
        api.SetImageBytes(level.tobytes(), w, h, 1, w)
        renamed, doubted = [], []
        _reread_name_marks(api, level, line, list(line), 5000, 300, renamed, None, doubted)
        assert renamed == [] and doubted == []


def _dashed(word: str, face: str, height: int) -> np.ndarray:
    """``word`` printed with a pen's thin dash just over its marks' top, on its right half."""
    font = ImageFont.truetype(face, height)
    image = Image.new("L", (height * (len(word) + 2), 2 * height), 235)
    draw = ImageDraw.Draw(image)
    draw.text((height // 2, height // 3), word, font=font, fill=35)
    left, top, right, _ = draw.textbbox((height // 2, height // 3), word, font=font)
    x = left + (right - left) * 0.55
    draw.line([(x, top - 2), (x + (right - left) * 0.3, top - 3)], fill=60, width=1)
    return np.asarray(image.filter(ImageFilter.GaussianBlur(0.6)))


@pytest.mark.parametrize("family", ["noto", "termes", "dejavu"])
def test_a_pen_dash_over_the_marks_does_not_hide_them(family: str) -> None:
    # Seed 173, Noto Serif: a dash of the pen just over "Quyển"'s hook made the ink's box a few
    # pixels taller than the print's; drawn to that box, no face fitted (0.48), and the one copy
    # a face fitted was the one where taking the pen out had taken the hook ("Quyên").
    spellings = ["Quyên", "Quyền", "Quyển"]
    for height in (26, 36):
        assert drawn_spelling(_dashed("Quyển", FONTS[family][1], height), spellings) == "Quyển"
        # Over a word without the hook the dash is ink where a hook would be: never "Quyển".
        assert drawn_spelling(_dashed("Quyên", FONTS[family][1], height),
                              spellings) in (None, "Quyên")


def test_a_name_word_read_as_no_name_is_told_among_the_names_of_its_letters() -> None:
    # Seed 313 p36: "Vũ Ngọc Quyển" read "Quyến" under the pen, no listed name: the names' rules
    # wrote the likeliest confusion, "Quyên", and the drawing was never asked, as only a word
    # that is a name as read had its twins compared. Its letters are three names': the print
    # tells which.
    import tesserocr

    from sohoa.ocr.engine import OcrSettings, _reread_name_marks, find_tessdata
    from sohoa.ocr.layout import Box

    level, line = _name_line(["Vũ", "Ngọc", "Quyển"], FONTS["termes"][1])
    line[2] = Box("Quyến", line[2].left, line[2].top, line[2].width, line[2].height, 90.0, 9)
    h, w = level.shape
    with tesserocr.PyTessBaseAPI(path=find_tessdata(OcrSettings()), lang="vie") as api:
        api.SetImageBytes(level.tobytes(), w, h, 1, w)
        renamed: list[tuple[str, str]] = []
        out = _reread_name_marks(api, level, line, list(line), 5000, 300, renamed)
    assert [b.text for b in out] == ["Vũ", "Ngọc", "Quyển"]
    assert renamed == [("Vũ Ngọc Quyến", "Vũ Ngọc Quyển")]
