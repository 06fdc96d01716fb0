"""Cleanup, skew and orientation helpers, on pages rendered in the test (no Tesseract needed)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from sohoa.ocr.layout import Box, reading_order
from sohoa.ocr.orient import (
    deskew,
    estimate_skew,
    rotation_candidates,
    unskew_box,
    upright_image,
)
from sohoa.ocr.preprocess import (
    flatten_background,
    lift_coloured_ink,
    measure,
    prepare,
    to_array,
)


def _gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


def _shadowed(gray: np.ndarray) -> np.ndarray:
    """A faded photocopy on grey paper with a shadow darkening the left side."""
    _h, w = gray.shape
    light = np.linspace(0.5, 1.0, w, dtype=np.float32)[None, :]
    faded = (110 + gray.astype(np.float32) * (190 - 110) / 255) * light
    return faded.clip(0, 255).astype(np.uint8)


def test_clean_page_is_left_alone(ocr_page):
    measures = measure(np.asarray(ocr_page.image))
    assert measures.clean
    assert measures.colour_share == 0.0
    prepared = prepare(ocr_page.image)
    assert prepared.steps == ()
    assert np.array_equal(prepared.gray, _gray(ocr_page.image))


def test_faded_shadowed_page_is_flattened_to_white_paper(ocr_page):
    original = _gray(ocr_page.image)
    dim = _shadowed(original)
    measures = measure(dim)
    assert not measures.clean
    assert measures.paper < 200 and measures.unevenness > 48
    prepared = prepare(Image.fromarray(dim))
    # Grey paper: a photocopy, so its grain is taken out after flattening.
    assert prepared.steps == ("flatten_background", "denoise")
    out = prepared.gray
    ink = original < 100
    paper = original > 250
    quarter = original.shape[1] // 4
    # Paper is white again, in the shadow as well as in the light; print stands out from it.
    assert np.median(out[paper]) > 240
    assert np.median(out[:, :quarter][paper[:, :quarter]]) > 240
    assert np.median(dim[:, :quarter][paper[:, :quarter]]) < 110  # it was darker than print
    assert np.median(out[ink]) < np.median(out[paper]) - 80


def test_copies_lose_their_specks_and_keep_their_strokes(ocr_page):
    original = _gray(ocr_page.image)
    dim = _shadowed(original)
    rng = np.random.default_rng(7)
    ys, xs = rng.integers(0, dim.shape[0], 400), rng.integers(0, dim.shape[1], 400)
    specked = dim.copy()
    specked[ys, xs] = 60  # one-pixel dust specks, darker than the print
    with_denoise = prepare(Image.fromarray(specked)).gray
    without = prepare(Image.fromarray(specked), denoise_copies=False).gray
    on_paper = original[ys, xs] > 250
    assert np.median(without[ys, xs][on_paper]) < 160
    assert np.median(with_denoise[ys, xs][on_paper]) > 230
    ink = original < 100
    assert np.median(with_denoise[ink]) < np.median(with_denoise[original > 250]) - 80


def test_white_paper_in_uneven_light_is_flattened_without_denoise(ocr_page):
    original = _gray(ocr_page.image)
    light = np.linspace(0.55, 1.0, original.shape[1], dtype=np.float32)[None, :]
    shaded = (original.astype(np.float32) * light).clip(0, 255).astype(np.uint8)
    shaded[:, -original.shape[1] // 2 :] = original[:, -original.shape[1] // 2 :]
    prepared = prepare(Image.fromarray(shaded))
    assert "denoise" not in prepared.steps


def test_flatten_background_keeps_size():
    gray = np.full((301, 457), 180, np.uint8)
    assert flatten_background(gray).shape == gray.shape


def test_red_seal_and_blue_signature_are_lifted_but_print_under_them_stays(ocr_page):
    image = ocr_page.image.copy()
    draw = ImageDraw.Draw(image)
    seal = (120, 360, 420, 660)  # over the first body lines
    draw.ellipse(seal, outline=(205, 25, 35), width=9)
    draw.line((600, 500, 1100, 470), fill=(25, 55, 190), width=6)
    rgb = np.asarray(image)
    original = _gray(ocr_page.image)
    seal_only = (rgb[..., 0] > 150) & (rgb[..., 1] < 80) & (original > 250)
    blue_only = (rgb[..., 2] > 150) & (rgb[..., 0] < 80) & (original > 250)
    assert seal_only.sum() > 1000 and blue_only.sum() > 1000
    assert measure(rgb).colour_share > 0.001
    prepared = prepare(image, dpi=150)
    # The ring is seal-sized (51 mm at 150 dpi) and the stroke signature-sized: both are
    # marks too, read through their own ink (sohoa.ocr.marks).
    assert prepared.steps == ("lift_coloured_ink", "lift_marks")
    assert sorted(m.kind for m in prepared.marks) == ["seal", "signature"]
    out = prepared.gray
    assert (out[seal_only] > 180).mean() > 0.95
    assert (out[blue_only] > 150).mean() > 0.95
    # Black print keeps its ink, also where the seal's ring crosses it.
    ink = original < 80
    assert (out[ink] < 100).mean() > 0.97
    plain = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    assert (plain[seal_only] < 120).mean() > 0.9  # without the step the seal reads as ink
    assert np.array_equal(lift_coloured_ink(np.asarray(ocr_page.image)), original)


def test_prepare_can_be_switched_off(ocr_page):
    dim = Image.fromarray(_shadowed(_gray(ocr_page.image)))
    prepared = prepare(dim, clean=False)
    assert prepared.steps == ()
    assert np.array_equal(prepared.gray, np.asarray(dim))


@pytest.mark.parametrize("angle", [-3.0, -1.2, 0.0, 0.7, 2.0, 4.5])
def test_skew_is_measured(ocr_page, angle):
    # PIL turns counter-clockwise, so a positive angle makes the lines rise to the right.
    tilted = ocr_page.image.convert("L").rotate(
        angle, resample=Image.Resampling.BICUBIC, fillcolor=255
    )
    assert estimate_skew(np.asarray(tilted)) == pytest.approx(angle, abs=0.25)


def test_skew_of_an_empty_page_is_zero():
    assert estimate_skew(np.full((400, 300), 255, np.uint8)) == 0.0


def test_deskew_levels_the_page_and_unskew_box_maps_back(ocr_page):
    gray = _gray(ocr_page.image)
    h, w = gray.shape
    canvas = np.full_like(gray, 255)
    canvas[400:440, 200:300] = 0  # a word-sized block
    tilted = np.asarray(Image.fromarray(canvas).rotate(2.0, fillcolor=255))
    level = deskew(tilted, 2.0)
    ys, xs = np.nonzero(level < 128)
    box = (int(xs.min()), int(ys.min()), int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1)
    assert box[0] == pytest.approx(200, abs=3) and box[1] == pytest.approx(400, abs=3)
    left, top, width, height = unskew_box(box, 2.0, (w, h))
    ys, xs = np.nonzero(tilted < 128)
    assert left + width / 2 == pytest.approx(xs.mean(), abs=2)
    assert top + height / 2 == pytest.approx(ys.mean(), abs=2)
    assert unskew_box(box, 0.0, (w, h)) == box
    assert deskew(gray, 0.0) is gray


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_upright_image_turns_clockwise(rotation):
    image = Image.new("L", (40, 20), 255)
    image.putpixel((0, 0), 0)  # mark the top-left corner
    turned = upright_image(image, rotation)
    corner = {0: (0, 0), 90: (19, 0), 180: (39, 19), 270: (0, 39)}[rotation]
    assert turned.size == ((40, 20) if rotation in (0, 180) else (20, 40))
    assert turned.getpixel(corner) == 0
    with pytest.raises(ValueError):
        upright_image(image, 45)


def test_to_array_handles_scanner_modes():
    wide = Image.fromarray(np.full((10, 10), 65535, np.uint16))
    assert to_array(wide).dtype == np.uint8 and to_array(wide).max() == 255
    assert to_array(Image.new("1", (8, 8), 1)).max() == 255
    assert to_array(Image.new("P", (8, 8))).shape == (8, 8, 3)
    assert to_array(Image.new("LA", (8, 8))).shape == (8, 8)


def _words(*specs: tuple[str, int, int, int]) -> list[Box]:
    return [
        Box(text=t, left=x, top=y, width=w, height=30, confidence=90.0, line_key=k)
        for k, (t, x, y, w) in enumerate(specs)
    ]


def test_reading_order_reads_the_header_columns_one_after_the_other():
    # Tesseract's lines merge the two header columns; the body has a two-cell form row.
    boxes = [
        Box("ỦY", 100, 50, 40, 30, 90, 1),
        Box("BAN", 150, 50, 60, 30, 90, 1),
        Box("CỘNG", 700, 52, 80, 30, 90, 1),
        Box("HÒA", 790, 52, 60, 30, 90, 1),
        Box("XÃ", 120, 100, 40, 30, 90, 2),
        Box("Độc", 720, 98, 50, 30, 90, 2),
        Box("lập", 780, 98, 50, 30, 90, 2),
        Box("GIẤY", 525, 200, 90, 40, 90, 3),
        Box("KHAI", 625, 200, 90, 40, 90, 3),
        Box("Ngày:", 100, 300, 80, 30, 90, 4),
        Box("Giới:", 700, 300, 80, 30, 90, 5),
        Box("Đăng", 100, 350, 80, 30, 90, 8),
        Box("ký", 190, 350, 850, 30, 90, 8),
        Box("Nơi", 100, 400, 50, 30, 90, 6),
        Box("Người", 800, 400, 90, 30, 90, 7),
        Box("nhận", 160, 400, 60, 30, 90, 6),
        Box("ký", 900, 400, 40, 30, 90, 7),
        Box("Lưu", 110, 450, 60, 30, 90, 9),
    ]
    lines = reading_order(boxes, page_width=1240)
    texts = [" ".join(w.text for w in line.words) for line in lines]
    assert texts == [
        "ỦY BAN",
        "XÃ",
        "CỘNG HÒA",
        "Độc lập",
        "GIẤY KHAI",
        "Ngày: Giới:",
        "Đăng ký",
        "Nơi nhận",
        "Lưu",
        "Người ký",
    ]
    blocks = [line.block for line in lines]
    assert blocks == sorted(blocks) and blocks[0] != blocks[2]


def test_page_number_under_the_signature_blocks_is_read_last():
    # Page 2 of a decision: body, "Nơi nhận" beside the signer, then a centred "Trang 2/2".
    boxes = [
        Box("Điều", 100, 100, 80, 30, 90, 1),
        Box("3.", 190, 100, 900, 30, 90, 1),
        Box("Nơi", 100, 200, 60, 30, 90, 2),
        Box("nhận:", 170, 200, 80, 30, 90, 2),
        Box("TM.", 760, 200, 60, 30, 90, 2),
        Box("ỦY", 830, 200, 60, 30, 90, 2),
        Box("-", 100, 250, 20, 30, 90, 3),
        Box("Như", 130, 250, 60, 30, 90, 3),
        Box("KT.", 780, 250, 60, 30, 90, 3),
        Box("CHỦ", 850, 250, 60, 30, 90, 3),
        Box("-", 100, 300, 20, 30, 90, 4),
        Box("Lưu", 130, 300, 60, 30, 90, 4),
        Box("Lê", 790, 450, 40, 30, 90, 5),
        Box("Thu", 840, 450, 60, 30, 90, 5),
        Box("Trang", 560, 600, 70, 30, 90, 6),
        Box("2/2", 640, 600, 40, 30, 90, 6),
    ]
    texts = [" ".join(w.text for w in line.words) for line in reading_order(boxes, 1240)]
    assert texts == [
        "Điều 3.",
        "Nơi nhận:",
        "- Như",
        "- Lưu",
        "TM. ỦY",
        "KT. CHỦ",
        "Lê Thu",
        "Trang 2/2",
    ]


def test_reading_order_of_a_plain_page_is_top_down():
    lines = reading_order(
        _words(("một", 100, 300, 60), ("hai", 100, 100, 60), ("ba", 100, 200, 60)), 1000
    )
    assert [line.words[0].text for line in lines] == ["hai", "ba", "một"]
    assert reading_order([], 1000) == []


def test_form_rows_at_the_foot_stay_rows():
    boxes = _words(
        ("Tên", 100, 100, 900),
        ("Ngày:", 100, 200, 80),
        ("Giới:", 700, 200, 80),
        ("Dân", 100, 260, 80),
        ("Quốc", 700, 260, 80),
    )
    texts = [" ".join(w.text for w in line.words) for line in reading_order(boxes, 1240)]
    assert texts == ["Tên", "Ngày: Giới:", "Dân Quốc"]


def test_rotation_candidates_follow_osd_confidence():
    assert rotation_candidates(90, 9.0) == (90,)  # sure: no second look
    assert rotation_candidates(90, 3.0) == (90, 270)  # OSD's typical slip is 180 degrees
    assert rotation_candidates(180, 0.5) == (0, 180, 90, 270)  # unsure: as scanned first
    assert rotation_candidates(0, 0.0) == (0, 180, 90, 270)


def test_a_card_reads_its_text_column_before_the_photo_column_beside_it():
    # A CCCD: the text column starts at x=630; under the photo (x=290) "Có giá trị đến: …"
    # shares a row with the wrapped end of the address.
    def line(y: int, x: int, *texts: str, key: int) -> list[Box]:
        out, left = [], x
        for t in texts:
            out.append(Box(t, left, y, 12 * len(t), 20, 95, key))
            left += 12 * len(t) + 8
        return out

    boxes = [
        *line(60, 300, "CỘNG", "HÒA", "XÃ", "HỘI", "CHỦ", "NGHĨA", "VIỆT", "NAM", "CĂN", "CƯỚC",
              "CÔNG", "DÂN", key=0),
        *line(100, 630, "Họ", "và", "tên:", key=1),
        *line(140, 630, "PHAN", "DIỆU", "ANH", key=2),
        *line(180, 630, "Nơi", "thường", "trú:", key=3),
        *line(220, 630, "Số", "394,", "phường", "An", "Khánh,", "thành", key=4),
        *line(260, 290, "Có", "giá", "trị", "đến:", "28/04/2031", key=5),
        *line(260, 630, "phố", "Thủ", "Đức", key=5),
        *line(300, 290, "Date", "of", "expiry", key=6),
        Box("IDVNM0791716251537079171625153<<<", 100, 380, 1000, 20, 95, 7),
    ]
    texts = [" ".join(w.text for w in ln.words) for ln in reading_order(boxes, 1654)]
    assert texts == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM CĂN CƯỚC CÔNG DÂN",
        "Họ và tên:",
        "PHAN DIỆU ANH",
        "Nơi thường trú:",
        "Số 394, phường An Khánh, thành",
        "phố Thủ Đức",
        "Có giá trị đến: 28/04/2031",
        "Date of expiry",
        "IDVNM0791716251537079171625153<<<",
    ]


def test_a_body_line_with_a_hole_is_not_taken_for_two_closing_columns():
    # Page 2 of a decision on a medium scan: the ID number under the seal is lost, which cuts
    # the line "… cá nhân [number]) chịu trách nhiệm thi hành" at a wide gap just above the
    # "Nơi nhận" / signer columns.
    boxes = [
        Box("phòng", 100, 100, 500, 30, 90, 1),
        Box("và", 610, 100, 490, 30, 90, 1),
        Box("Nguyễn", 100, 150, 200, 30, 90, 2),
        Box("nhân", 310, 150, 250, 30, 90, 2),
        Box("chịu", 650, 150, 200, 30, 90, 2),
        Box("hành", 860, 150, 240, 30, 90, 2),
        Box("Quyết", 100, 200, 120, 30, 90, 3),
        Box("định", 230, 200, 120, 30, 90, 3),
        Box("Nơi", 100, 300, 60, 30, 90, 4),
        Box("nhận:", 170, 300, 80, 30, 90, 4),
        Box("TM.", 760, 300, 60, 30, 90, 4),
        Box("ỦY", 830, 300, 60, 30, 90, 4),
        Box("-", 100, 350, 20, 30, 90, 5),
        Box("Lưu", 130, 350, 60, 30, 90, 5),
        Box("KT.", 780, 350, 60, 30, 90, 6),
        Box("Lê", 790, 500, 40, 30, 90, 7),
        Box("Thu", 840, 500, 60, 30, 90, 7),
    ]
    lines = reading_order(boxes, 1240)
    texts = [" ".join(w.text for w in line.words) for line in lines]
    assert texts == [
        "phòng và",
        "Nguyễn nhân chịu hành",
        "Quyết định",
        "Nơi nhận:",
        "- Lưu",
        "TM. ỦY",
        "KT.",
        "Lê Thu",
    ]
    # The paragraph's last line is drawn with the body, not atop the "Nơi nhận" column.
    assert lines[2].block == lines[0].block != lines[3].block


def test_the_bodys_last_line_with_a_word_lost_stays_with_the_body():
    # Seed 313 p04 (heavy, 300 dpi grey): "đến làm thủ tục … trả kết [quả] trong giờ hành
    # chính." lost a word, which cut Tesseract's line at a blank two heights wide just above
    # the "Nơi nhận" / signer columns; its end was taken for the top of the signer's column
    # and the text layer drew it there, between the title and the instruction.
    boxes = [
        Box("Đề", 420, 1360, 60, 40, 97, 16),
        Box("nghị", 495, 1360, 1730, 40, 97, 16),
        Box("đến", 300, 1435, 75, 40, 97, 17),
        Box("làm", 390, 1435, 890, 40, 97, 17),
        Box("trong", 1380, 1435, 110, 40, 97, 17),
        Box("chính.", 1500, 1435, 320, 40, 97, 17),
        Box("Nơi", 300, 1580, 70, 40, 97, 18),
        Box("nhận:", 385, 1580, 110, 40, 97, 18),
        Box("TRƯỞNG", 1385, 1560, 315, 45, 90, 18),
        Box("PHÒNG", 1720, 1560, 185, 45, 97, 18),
        Box("-", 300, 1640, 12, 40, 93, 19),
        Box("Như", 330, 1640, 160, 40, 97, 19),
        Box("(Ký,", 1325, 1620, 670, 40, 77, 20),
        Box("Lưu:", 330, 1690, 160, 40, 93, 21),
        Box("Lý", 1475, 1960, 105, 45, 90, 22),
        Box("Kiều", 1610, 1960, 220, 45, 90, 22),
    ]
    lines = reading_order(boxes, 2480)
    texts = [" ".join(w.text for w in line.words) for line in lines]
    assert texts == ["Đề nghị", "đến làm trong chính.", "Nơi nhận:", "- Như", "Lưu:",
                     "TRƯỞNG PHÒNG", "(Ký,", "Lý Kiều"]
    assert lines[1].block == lines[0].block != lines[2].block != lines[5].block
    # The closing columns read as one line of Tesseract's are still two columns: their blank
    # is the channel between them, a dozen heights wide.
    assert lines[5].block != lines[2].block


def test_a_title_printed_in_red_stays_print_while_a_red_seal_and_a_pen_are_lifted():
    """A card's title is printed in red (tester12 F3: lifted as seal ink, the colour scan lost
    "CĂN CƯỚC CÔNG DÂN" and read as "other" while its grey scan read as a card). Print in
    colour is a row of letters; a seal's ring and a pen's stroke are not."""
    from PIL import ImageFont

    from sohoa.ocr.marks import coloured_print

    dpi = 150
    image = Image.new("RGB", (1240, 1000), (252, 252, 250))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf", 34)
    draw.text((260, 80), "CĂN CƯỚC CÔNG DÂN", font=font, fill=(170, 35, 40))
    draw.text((260, 160), "Số định danh cá nhân", font=font, fill=(20, 20, 20))
    draw.ellipse((300, 420, 600, 720), outline=(205, 25, 35), width=9)  # a seal's ring
    draw.line((700, 600, 1150, 560), fill=(25, 55, 190), width=6)  # a pen's stroke
    rgb = np.asarray(image)
    gray = _gray(image)
    title = (rgb[..., 0].astype(int) - rgb[..., 1] > 80) & (np.arange(1000)[:, None] < 140)
    seal = (rgb[..., 0].astype(int) - rgb[..., 1] > 80) & (np.arange(1000)[:, None] > 400)
    pen = rgb[..., 2].astype(int) - rgb[..., 0] > 80
    assert title.sum() > 2000 and seal.sum() > 2000 and pen.sum() > 1000
    found = coloured_print(title | seal | pen, dpi)
    assert found[title].mean() > 0.9 and not found[seal].any() and not found[pen].any()
    out = prepare(image, dpi=dpi).gray
    assert (out[title] < 140).mean() > 0.9  # still print, as dark as in a grey scan
    assert (gray[title] < 140).mean() > 0.9
    assert (out[seal] > 180).mean() > 0.95 and (out[pen] > 150).mean() > 0.95


def test_a_seals_lettering_and_a_pen_cut_by_the_name_are_no_coloured_print():
    """fix12a's rule (a row of coloured letters of one height is print) kept a seal's centre
    lines ("PHÒNG / TƯ PHÁP") and, on seed 197, a signature that the black name it crosses cut
    into pieces: it was no longer found as a signature and its remains read as letters over
    the name ("TA / PHước Phúc"), a signer line lost. Print stands on a baseline, a pen's
    pieces run long and thin, a seal's lettering lies inside its ring."""
    from PIL import ImageFont

    from sohoa.ocr.marks import colour_marks, coloured_print

    dpi = 150
    image = Image.new("RGB", (1240, 1100), (252, 252, 250))
    draw = ImageDraw.Draw(image)
    bold = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
    header = ImageFont.truetype(bold, 26)
    # A two-line header printed in blue: tone marks join the lines into one band.
    draw.text((120, 60), "ỦY BAN NHÂN DÂN HUYỆN ĐỒNG PHÚ", font=header, fill=(30, 60, 170))
    draw.text((160, 94), "PHÒNG TƯ PHÁP", font=header, fill=(30, 60, 170))
    # A seal: two rings and its centre lines, in red.
    draw.ellipse((250, 320, 460, 530), outline=(205, 25, 35), width=7)
    draw.ellipse((282, 352, 428, 498), outline=(205, 25, 35), width=3)
    small = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 22)
    draw.text((355, 408), "PHÒNG", font=small, fill=(205, 25, 35), anchor="mm")
    draw.text((355, 442), "TƯ PHÁP", font=small, fill=(205, 25, 35), anchor="mm")
    # A fast signature in blue, then the signer's bold name printed over it, which cuts it.
    xs = np.linspace(640, 1160, 400)
    ys = 885 + 30 * np.sin((xs - 640) / 38.0) * np.cos((xs - 640) / 150.0)
    draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=(30, 60, 180), width=5,
              joint="curve")
    draw.text((660, 860), "Lý Phước Phúc", font=ImageFont.truetype(bold, 44), fill=(20, 20, 20))
    rgb = np.asarray(image).astype(int)
    rows = np.arange(rgb.shape[0])[:, None]
    blue = rgb[..., 2] - rgb[..., 0] > 80
    red = rgb[..., 0] - rgb[..., 1] > 80
    heading, pen = blue & (rows < 200), blue & (rows > 700)
    lettering = red & (np.hypot(np.arange(red.shape[1])[None, :] - 355, rows - 425) < 65)
    assert heading.sum() > 3000 and pen.sum() > 2000 and red.sum() > 5000
    # Drawn pieces of the pen, cut where the name's letters cross it.
    assert cv2.connectedComponents(pen.astype(np.uint8))[0] - 1 >= 4
    found = coloured_print(heading | pen | red, dpi)
    assert found[heading].mean() > 0.9
    assert not found[pen].any() and not found[red].any()
    # The centre lines alone are print-like: they go because they lie in the seal found.
    seal = [m for m, _ in colour_marks(np.asarray(image), dpi) if m.kind == "seal"]
    assert len(seal) == 1 and lettering.sum() > 1000
    assert coloured_print(lettering, dpi).any()
    assert not coloured_print(lettering, dpi, seal).any()
    prepared = prepare(image, dpi=dpi)
    assert sorted(m.kind for m in prepared.marks) == ["seal", "signature"]
    out = prepared.gray
    assert (out[heading] < 140).mean() > 0.9
    assert (out[red] > 180).mean() > 0.95 and (out[pen] > 150).mean() > 0.95
