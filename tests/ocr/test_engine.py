"""Recognition with real Tesseract (vie + osd) on pages rendered in the test."""

from __future__ import annotations

import io
import math
import struct
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz import fuzz

from sohoa.doctypes import load_registry
from sohoa.errors import BadInputError, ConfigError
from sohoa.ocr import OcrSettings, open_image, recognize_page, upright_image
from sohoa.ocr.correct import load_lexicon
from sohoa.ocr.engine import _ENGINES, _is_noise
from sohoa.ocr.layout import Box
from sohoa.ocr.orient import SURE_OSD_CONFIDENCE, detect_rotation
from sohoa.records import OcrPage, sha256_hex
from sohoa.vntext import fold, nfc

LEXICON = load_lexicon(load_registry())  # the packaged registry's vocabulary


def _recognize(data: bytes, dpi: int, **settings: object) -> OcrPage:
    return recognize_page(
        data, lexicon=LEXICON, page_sha256=sha256_hex(data), dpi=dpi,
        settings=OcrSettings(**settings)
    )


def _assert_reads(text: str, lines: tuple[str, ...]) -> None:
    """Every expected line is read; tone marks may be confused on a few, so fold-compare."""
    got = [fold(line) for line in text.splitlines()]
    for expected in lines:
        best = max(fuzz.ratio(fold(expected), line) for line in got)
        assert best >= 90, f"{expected!r} not read; got:\n{text}"


def test_upright_page_reads_vietnamese_in_reading_order(ocr_recognized, ocr_page, ocr_dpi):
    page = ocr_recognized
    assert page.rotation == 0
    assert page.skew == 0.0
    assert (page.width, page.height) == ocr_page.image.size
    assert page.dpi == ocr_dpi
    assert not page.timed_out
    assert page.text == nfc(page.text)
    # Diacritics survive exactly on these clear lines.
    for exact in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "GIẤY KHAI SINH", "Nguyễn Thị Lan"):
        assert exact in page.text
    assert "075190000042" in page.text
    _assert_reads(page.text, ocr_page.lines)
    # Two-column header: the whole left block, then the right block, then the body.
    lines = page.text.splitlines()
    index = {
        key: next(i for i, line in enumerate(lines) if key in fold(line))
        for key in ("uy ban", "so: 42", "cong hoa", "doc lap", "giay khai sinh", "ho va ten")
    }
    assert index["uy ban"] < index["so: 42"] < index["cong hoa"] < index["doc lap"]
    assert index["doc lap"] < index["giay khai sinh"] < index["ho va ten"]
    assert 0.8 <= page.confidence <= 1.0


def test_words_carry_boxes_lines_and_confidence(ocr_recognized):
    page = ocr_recognized
    assert page.words
    lines = [w.line for w in page.words]
    assert lines == sorted(lines)
    assert max(lines) + 1 == len(page.text.splitlines())
    for word in page.words:
        assert word.text == nfc(word.text) and word.text.strip() == word.text
        assert word.left >= 0 and word.left + word.width <= page.width
        assert word.top >= 0 and word.top + word.height <= page.height
        assert 0.0 <= word.confidence <= 100.0
    # The text is the words joined: nothing invented between the boxes and the text.
    assert page.text.split() == [w.text for w in page.words]
    mean = sum(w.confidence for w in page.words) / len(page.words) / 100
    assert page.confidence == pytest.approx(mean, abs=1e-3)


def _ink_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    left, top, width, height = box
    crop = np.asarray(image.convert("L"))[top : top + height, left : left + width]
    return float((crop < 128).mean())


def test_word_boxes_sit_on_the_ink(ocr_recognized, ocr_page):
    for word in ocr_recognized.words:
        assert _ink_share(ocr_page.image, (word.left, word.top, word.width, word.height)) > 0.05


@pytest.mark.parametrize(
    ("transpose", "rotation"),
    [(Image.Transpose.ROTATE_180, 180), (Image.Transpose.ROTATE_90, 90)],
)
def test_turned_pages_come_out_upright(
    transpose, rotation, ocr_page, ocr_recognized, ocr_dpi, ocr_encoder
):
    scanned = ocr_page.image.transpose(transpose)
    page = _recognize(ocr_encoder(scanned, "JPEG", quality=88), ocr_dpi)
    assert page.rotation == rotation
    assert (page.width, page.height) == ocr_page.image.size
    assert fuzz.ratio(fold(page.text), fold(ocr_recognized.text)) >= 95
    _assert_reads(page.text, ocr_page.lines)
    assert upright_image(scanned, page.rotation).tobytes() == ocr_page.image.tobytes()


def test_orientation_on_the_full_page_agrees_with_the_fast_path(ocr_page, ocr_dpi, ocr_encoder):
    # Turned 270 degrees clockwise: the half-size OSD answers, the full-page OSD agrees.
    scanned = ocr_page.image.transpose(Image.Transpose.ROTATE_270)
    data = ocr_encoder(scanned, "JPEG", quality=88)
    fast = _recognize(data, ocr_dpi, fast_orientation=True)
    full = _recognize(data, ocr_dpi)
    assert fast.rotation == full.rotation == 270
    assert fast.text == full.text


@pytest.mark.parametrize("transpose", [None, Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_90])
def test_sparse_page_where_osd_is_unsure_is_settled_by_reading(transpose, ocr_dpi, ocr_encoder):
    # Two lines of text: OSD's confidence stays below 2, so recognition decides the orientation.
    font = ImageFont.truetype("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf", 30)
    upright = Image.new("L", (900, 500), 255)
    draw = ImageDraw.Draw(upright)
    draw.text((100, 150), "GIẤY KHAI SINH", font=font, fill=0)
    draw.text((100, 230), "Họ và tên: Nguyễn Thị Lan", font=font, fill=0)
    scanned = upright.transpose(transpose) if transpose else upright
    with _ENGINES.lock:
        _ENGINES.ensure(OcrSettings())
        assert _ENGINES.osd is not None
        _, confidence = detect_rotation(_ENGINES.osd, np.asarray(scanned))
    assert confidence < SURE_OSD_CONFIDENCE
    page = _recognize(ocr_encoder(scanned, "PNG"), ocr_dpi)
    assert page.rotation == {None: 0, Image.Transpose.ROTATE_180: 180}.get(transpose, 90)
    assert page.text.splitlines() == ["GIẤY KHAI SINH", "Họ và tên: Nguyễn Thị Lan"]


def test_skewed_page_is_read_line_by_line_with_boxes_on_the_tilted_image(
    ocr_page, ocr_recognized, ocr_dpi, ocr_encoder
):
    # PIL turns counter-clockwise: the lines rise to the right by 2 degrees.
    tilted = ocr_page.image.rotate(2.0, resample=Image.Resampling.BICUBIC, fillcolor="white")
    page = _recognize(ocr_encoder(tilted, "PNG"), ocr_dpi)
    assert page.rotation == 0
    assert page.skew == pytest.approx(2.0, abs=0.3)
    _assert_reads(page.text, ocr_page.lines)
    assert len(page.text.splitlines()) == len(ocr_page.lines)
    # Boxes were mapped back from the deskewed copy onto the scanned (tilted) image.
    shares = [_ink_share(tilted, (w.left, w.top, w.width, w.height)) for w in page.words]
    assert min(shares) > 0.03
    # Each word's centre is where the tilt moved the upright word's centre.
    upright = {w.text: w for w in ocr_recognized.words}
    cx, cy = page.width / 2, page.height / 2
    angle = math.radians(2.0)
    checked = 0
    for word in page.words:
        if word.text not in upright or len(word.text) < 4:
            continue
        ref = upright[word.text]
        dx, dy = ref.left + ref.width / 2 - cx, ref.top + ref.height / 2 - cy
        x = cx + dx * math.cos(angle) + dy * math.sin(angle)
        y = cy - dx * math.sin(angle) + dy * math.cos(angle)
        assert abs(word.left + word.width / 2 - x) < 6 and abs(word.top + word.height / 2 - y) < 6
        checked += 1
    assert checked >= 5


def test_faded_shadowed_page_with_seal_is_cleaned_for_recognition(ocr_page, ocr_dpi, ocr_encoder):
    # A faded grey photocopy under a shadow, with a red seal and a blue signature over the text.
    gray = np.asarray(ocr_page.image.convert("L"), dtype=np.float32)
    h, w = gray.shape
    light = np.linspace(0.55, 1.0, w, dtype=np.float32)[None, :] * np.ones((h, 1), np.float32)
    faded = (120 + gray * (200 - 120) / 255) * light
    rgb = np.repeat(faded[..., None], 3, axis=2).clip(0, 255).astype(np.uint8)
    page_image = Image.fromarray(rgb, "RGB")
    draw = ImageDraw.Draw(page_image)
    draw.ellipse((760, 360, 1010, 610), outline=(210, 30, 40), width=7)
    draw.line((700, 470, 1150, 430), fill=(30, 60, 200), width=5)
    page = _recognize(ocr_encoder(page_image, "JPEG", quality=90), ocr_dpi)
    _assert_reads(page.text, ocr_page.lines[:5] + ocr_page.lines[6:])
    assert "075190000042" in page.text


@pytest.mark.parametrize(
    ("text", "confidence", "noise"),
    [
        ("IJJIIIIIlllIIIIIIIIlIlIIIll", 0.0, True),  # a barcode read as letters
        ("IIlIlII", 70.0, True),
        ("IS,", 33.0, True),  # a signature scribble
        ("|", 52.0, True),
        ("-", 93.0, False),  # the motto's dashes
        ("và", 40.0, False),  # a faint real word
        ("01", 30.0, False),
        ("VT,", 85.0, False),
        ("Thành", 3.0, True),
        # a list of identity papers Tesseract read right at no confidence (heavy LLTP mẫu 03)
        ("CMND/CCCD/Hö", 0.0, False),
    ],
)
def test_marks_that_are_not_text_are_dropped(text, confidence, noise):
    assert _is_noise(Box(text, 0, 0, 10, 10, confidence)) is noise


def test_timeout_keeps_the_page_without_text(ocr_page_jpeg, ocr_dpi):
    page = _recognize(ocr_page_jpeg, ocr_dpi, timeout_s=0.001)
    assert page.timed_out
    assert page.words == () and page.text == "" and page.confidence == 0.0
    # The engine is still usable afterwards.
    again = _recognize(ocr_page_jpeg, ocr_dpi)
    assert not again.timed_out and "GIẤY KHAI SINH" in again.text


def test_settings_without_orientation_or_cleanup(ocr_page, ocr_dpi, ocr_encoder):
    scanned = ocr_page.image.transpose(Image.Transpose.ROTATE_180)
    page = _recognize(
        ocr_encoder(scanned, "PNG"), ocr_dpi, detect_orientation=False, preprocess=False
    )
    assert page.rotation == 0
    assert "GIẤY KHAI SINH" not in page.text


def test_page_without_text_gives_no_words(ocr_dpi, ocr_encoder):
    page = _recognize(ocr_encoder(Image.new("L", (800, 600), 250), "PNG"), ocr_dpi)
    assert page.words == () and page.text == "" and page.rotation == 0
    assert not page.blank  # blank detection belongs to the scanners room


def test_missing_language_data_is_a_config_error(tmp_path, ocr_page_jpeg, ocr_dpi):
    with pytest.raises(ConfigError, match="tesseract-ocr-vie"):
        _recognize(ocr_page_jpeg, ocr_dpi, tessdata=str(tmp_path))


def test_open_image_decodes_g4_tiff_and_refuses_garbage(ocr_page, ocr_encoder):
    bilevel = ocr_page.image.convert("1")
    data = ocr_encoder(bilevel, "TIFF", compression="group4")
    decoded = open_image(data)
    assert decoded.size == bilevel.size
    assert decoded.convert("1").tobytes() == bilevel.tobytes()
    with pytest.raises(BadInputError, match="không đọc được ảnh trang"):
        open_image(b"\x89PNG\r\n\x1a\n truncated")
    with pytest.raises(BadInputError), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about the cut-off EXIF block first
        open_image(data[: len(data) // 3])


def test_oversized_image_is_refused_before_decoding():
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    # A PNG header that claims 40000 x 40000 pixels (a decompression bomb's calling card).
    header = struct.pack(">IIBBBBB", 40000, 40000, 8, 0, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
    with pytest.raises(BadInputError, match="quá lớn"):
        open_image(bomb)


def test_an_upright_page_is_read_once_and_a_turned_one_still_turned(ocr_page, ocr_dpi,
                                                                    ocr_encoder):
    # Upright: the first reading is convincing, OSD is not asked, the text is what OSD-first
    # reading gives. Turned 90°: Tesseract reads vertical text confidently, but its words stand
    # upright, so OSD is asked and the page turned.
    data = ocr_encoder(ocr_page.image, "JPEG", quality=88)
    assert _recognize(data, ocr_dpi).text == _recognize(data, ocr_dpi, upright_first=False).text
    turned = ocr_encoder(ocr_page.image.transpose(Image.Transpose.ROTATE_90), "JPEG", quality=88)
    first, osd = _recognize(turned, ocr_dpi), _recognize(turned, ocr_dpi, upright_first=False)
    assert first.rotation == osd.rotation == 90
    assert first.text == osd.text


def test_specks_read_as_tiny_letters_are_dropped_and_dashes_kept():
    from sohoa.ocr.engine import _without_specks
    from sohoa.ocr.layout import Box

    words = [Box(f"chữ{i}", 100 + 60 * i, 100, 50, 20, 95, 0) for i in range(12)]
    specks = [Box("5", 700, 130, 5, 4, 60, 1), Box("£", 760, 130, 6, 4, 79, 1)]
    dash = Box("-", 300, 160, 12, 3, 96, 2)
    kept = _without_specks([*words, *specks, dash])
    assert kept == [*words, dash]


def test_a_seals_own_lettering_is_no_word_of_the_page():
    # Measured on seed 173's clean grey Noto letter (300 dpi): inside the seal found at
    # (1267, 1687, 481×481) Tesseract read the agency's name in the seal's middle as "CON"
    # and "TRAN" (17 px, confidence 90-96) while the page's words are 45 px; the signer's
    # instruction and name crossing the seal are print-sized and stay, and so do a short
    # lowercase word and a small capital word outside the seal.
    from sohoa.ocr.engine import _without_seal_lettering
    from sohoa.records import InkMark

    body = [Box(f"chữ{i}", 300 + 60 * i, 900, 55, 45, 97, 0) for i in range(12)]
    crossing = [Box("(Ký,", 1340, 1730, 86, 46, 44, 19), Box("rõ", 1528, 1732, 45, 35, 97, 19),
                Box("Thiếu", 1400, 2101, 150, 44, 93, 24)]
    lettering = [Box("CON", 1451, 1904, 55, 17, 96, 21), Box("TRAN", 1437, 1934, 71, 17, 90, 22)]
    lowercase = Box("ra", 1500, 1960, 40, 22, 90, 23)
    outside = Box("UBND", 300, 1904, 60, 17, 95, 30)
    seal = InkMark("seal", 1267, 1687, 481, 481)
    words = [*body, *crossing, *lettering, lowercase, outside]
    assert _without_seal_lettering(words, [seal]) == [*body, *crossing, lowercase, outside]
    # A signature is no seal: what lies under a pen's strokes is judged elsewhere.
    assert _without_seal_lettering(words, [InkMark("signature", 1267, 1687, 481, 481)]) == words



def test_a_title_word_the_ring_cut_to_a_sliver_is_no_seal_lettering() -> None:
    # Seed 317's medium grey Liberation letter (200 dpi): the deputy's line under "KT. CHỦ
    # TỊCH", read alone across the seal's ring, came back as "/.PHÓ" 104×10 px beside "CHẺ"
    # and "TỊCH" 30 px tall; by its size "/.PHÓ" was the seal's lettering and the line became
    # "CHỦ TỊCH". With its row it reads as a title of the vocabulary, so it stays; the seal's
    # own lettering, on its row alone or beside no print-sized word, still goes, and so does a
    # small word on a title's row whose letters the title does not take.
    from sohoa.ocr.engine import _without_seal_lettering
    from sohoa.records import InkMark

    body = [Box(f"chữ{i}", 300 + 60 * i, 900, 55, 30, 97, 0) for i in range(12)]
    deputy = [Box("/.PHÓ", 909, 1198, 104, 10, 22, 7), Box("CHẺ", 1020, 1190, 70, 30, 60, 7),
              Box("TỊCH", 1100, 1190, 80, 30, 96, 7)]
    lettering = [Box("UBND", 960, 1300, 60, 12, 95, 8), Box("XÃ", 1030, 1300, 30, 12, 95, 8)]
    beside = [Box("TRÁNG", 960, 1340, 60, 12, 95, 9), Box("CHỦ", 1030, 1336, 50, 30, 95, 9),
              Box("TỊCH", 1090, 1336, 60, 30, 95, 9)]
    seal = InkMark("seal", 867, 1159, 281, 281)
    words = [*body, *deputy, *lettering, *beside]
    assert _without_seal_lettering(words, [seal]) == [*body, *deputy, *beside[1:]]


def test_a_sure_word_the_lines_new_reading_dropped_is_kept() -> None:
    # Seed 313 p16 (heavy, 300 dpi grey): the title's line "“TRƯỜNG PHÒNG" (50, 96) read again
    # alone came back "TRƯỞNG PHÒNG" (79, 0); the unsure word went as noise and the new
    # reading replaced the line, so "PHÒNG" was lost. A sure syllable with nothing of the new
    # reading over it stays; an unsure one, a speck's letter and a word the new reading read
    # again do not.
    from sohoa.ocr.engine import _dropped_sure

    inside = [Box("“TRƯỜNG", 1357, 1714, 277, 91, 50, 18),
              Box("PHÒNG", 1657, 1724, 221, 51, 96, 18),
              Box("Ệ", 1300, 1720, 20, 40, 95, 18), Box("dấu", 1900, 1720, 80, 40, 60, 18)]
    again = [Box("TRƯỞNG", 1351, 1718, 283, 74, 79, 0)]
    assert _dropped_sure(inside, again) == [inside[1]]
    assert _dropped_sure(inside, [*again, Box("PHÒNC", 1660, 1724, 215, 51, 85, 0)]) == []
    # A name's word is left to the name's own reading again (seed 317 p37).
    name = [Box("Nguyễn", 1416, 2075, 211, 57, 96, 23), Box("Hải", 1648, 2077, 95, 45, 92, 23),
            Box("an", 1751, 2086, 112, 36, 30, 23)]
    assert _dropped_sure(name, [Box("Nguyễn", 1416, 2058, 211, 74, 88, 0)]) == []


def test_a_line_that_page_segmentation_garbled_is_read_again_on_its_own():
    # A photocopied citizen ID card (the OCR bench's medium card): read with the page, the
    # motto under the national name comes out as "TT h5 VÔ nh iŸ" at confidence 0-14, all
    # dropped as noise; the same strip read as a single line is the motto.
    from sohoa.synth.degrade import encode_jpeg
    from sohoa.synth.document import render_document

    doc = render_document("citizen_id_card", 3000, severity="medium", dpi=200)
    data = encode_jpeg(doc.pages[0], "medium", 200)
    lines = _recognize(data, 200).text.splitlines()
    # the motto's words (a separating dash may go: the card's red title under it is now read as
    # print, colour13, and that changes where Tesseract cuts the header's lines)
    assert lines[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto = lines[1].replace(" - ", " ").split()
    assert motto == ["Độc", "lập", "Tự", "do", "Hạnh", "phúc"], lines
    assert lines[2] == "CĂN CƯỚC CÔNG DÂN"  # the red title, lifted as seal ink before colour13


def test_two_columns_read_as_one_garbled_line_are_read_line_by_line() -> None:
    # Seed 149 of bench/foreign_ocr_bench.py, a clean letter (Liberation Serif, 200 dpi,
    # colour): the agency's wrapped name pushes its second line beside the date, a little
    # higher; Tesseract's layout read both as one line, "11111. n7 nan..." at confidence 25.
    from sohoa.synth.foreign import foreign_page

    page = foreign_page(149, family="liberation", dpi=200, colour=True, wear="clean")
    ocr = recognize_page(Image.open(io.BytesIO(page.jpeg)), page_sha256="x", dpi=200,
                         lexicon=load_lexicon(load_registry()))
    assert "CÔNG AN PHƯỜNG HIỆP THÀNH" in ocr.text
    assert "11111" not in ocr.text


def test_one_garbled_column_of_a_line_is_read_again_however_well_the_other_was() -> None:
    # Seed 247 of bench/foreign_ocr_bench.py, a clean grey letter (Termes, 300 dpi): the
    # agency's second line "CÔNG AN XÃ BẢO QUANG" and the date beside it, a little lower, came
    # out as one line; the agency read well (mean 78), the date as noise and unsure fragments.
    # Over the whole line the mean (62, noise left out) hid the garbled column.
    from sohoa.ocr.engine import _garbled_lines

    agency = [Box("CÓNG", 392, 312, 151, 37, 41, 3), Box("AN", 558, 312, 73, 37, 87, 3),
              Box("XÃ", 647, 312, 72, 36, 68, 3), Box("BẢO", 735, 312, 104, 37, 96, 3),
              Box("QUANG", 856, 312, 186, 45, 97, 3)]
    noise = [Box("on", 1322, 339, 105, 45, 0, 3), Box("nrg)", 1608, 338, 97, 46, 0, 3),
             Box("2", 1720, 338, 50, 35, 0, 3), Box("iriinr6", 1786, 338, 155, 46, 0, 3)]
    date = [Box("Khi", 1443, 338, 145, 41, 26, 3), Box("non", 1955, 338, 87, 36, 27, 3),
            Box("2005", 2057, 338, 102, 36, 52, 3)]
    body = [Box("Theo", 300 + 160 * k, 900, 120, 37, 95, 9) for k in range(8)]
    kept = [*agency, *date, *body]
    read = [*agency, *noise, *date, *body]
    assert _garbled_lines(kept, 2480, 3508) == []  # the line as a whole
    regions = _garbled_lines(kept, 2480, 3508, read)
    # The date's column alone, as wide as its words and a little more: the agency's line,
    # set higher, must not come into its rows.
    assert len(regions) == 1
    left, top, right, bottom = regions[0]
    assert left > 1042 and left < 1322 and right > 2159 and top < 338 < 384 < bottom
    # A column inside a seal's or a signature's region is left to that region's reading.
    assert _garbled_lines(kept, 2480, 3508, read, [(1300, 300, 2200, 400)]) == []
