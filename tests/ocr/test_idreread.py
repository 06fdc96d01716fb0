"""A personal number refused by its own checks is read again with its birth date (issue 18):
recovered when exactly one reading makes them agree, never replaced by a guess."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from sohoa.doctypes import load_registry
from sohoa.ocr import OcrSettings, recognize_page
from sohoa.ocr.engine import _crop_reader, _number_place, open_image
from sohoa.ocr.fields.extract import extract_fields
from sohoa.ocr.idreread import recheck_ids, reread_ids
from sohoa.ocr.layout import Box, Line
from sohoa.ocr.leaders import erase_dot_leaders
from sohoa.pipeline.stages import page_lexicon
from sohoa.synth.forms_official import render_form


def test_a_birth_year_misread_beside_its_number_is_read_again_and_the_owner_kept() -> None:
    # Page 31 of bench/owner_bench.py (Giấy ủy quyền, TeX Gyre Termes, light, 300 dpi): OCR read
    # the birth date 28/02/1981 as 1961, the number 075181899634 (born 1981) was refused
    # against it and the page had no owner.
    form = render_form(31, severity="light", dpi=300)
    image = erase_dot_leaders(open_image(form.jpeg()), 300)
    ocr = recognize_page(image, page_sha256="x", dpi=300, lexicon=page_lexicon())
    assert "28/02/1981" in ocr.text
    extraction = extract_fields(form.truth.doc_type, ocr.text, load_registry())
    assert extraction.owner_id == "075181899634" == form.truth.owner_id


def _line(*words: str, top: int) -> Line:
    boxes, left = [], 10
    for word in words:
        boxes.append(Box(word, left, top, 12 * len(word), 20, 90.0, top))
        left += 12 * len(word) + 10
    return Line(words=tuple(boxes), block=0)


PAGE = [_line("Họ", "và", "tên:", "NGUYỄN", "BÍCH", "HẰNG", top=100),
        _line("Ngày", "sinh:", "28/02/1961", top=140),
        _line("Số", "CCCD:", "075181899634", "cấp", "ngày", "21/12/2021", top=180)]


class Readings:
    """What a second reading of each crop gives, by the crop's top (the line's); the page's own
    model (kind "rivals") reads a number as the page did, with no rival, unless ``rivals``
    says otherwise (by top). ``digits``: the digits reader's readings at every size (kind
    "digits"); ``glyphs``: the number the crop's glyphs show (kind "glyphs A/B" answers it
    when it is A or B, nothing otherwise)."""

    def __init__(self, by_top: dict[int, list[str]],
                 rivals: dict[int, list[str]] | None = None,
                 votes: dict[int, list[str]] | None = None,
                 digits: dict[int, list[str]] | None = None,
                 glyphs: dict[int, str] | None = None) -> None:
        self.by_top = by_top
        self.rivals = rivals or {}
        self.votes = votes or {}
        self.digits = digits or {}
        self.glyphs = glyphs or {}
        self.asked: list[str] = []

    def __call__(self, box: tuple[int, int, int, int], kind: str) -> list[str]:
        self.asked.append(kind.split(" ")[0])
        if kind == "rivals":
            return self.rivals.get(box[1], [])
        if kind == "votes":
            return self.votes.get(box[1], [])
        if kind == "digits":
            return self.digits.get(box[1], [])
        if kind.startswith("glyphs "):
            shown = self.glyphs.get(box[1])
            return [shown] if shown in kind.split(" ", 1)[1].split("/") else []
        return self.by_top.get(box[1], [])


def _text(lines: list[Line]) -> str:
    return "\n".join(" ".join(w.text for w in line.words) for line in lines)


def test_the_reading_that_makes_number_and_date_agree_is_taken() -> None:
    read = Readings({140: ["28/02/1981", "28/02/1981"], 180: ["075181899634"]})
    assert "Ngày sinh: 28/02/1981" in _text(recheck_ids(PAGE, read))
    assert sorted(set(read.asked)) == ["date", "number"]


VALID = [*PAGE[:1], _line("Ngày", "sinh:", "28/02/1981", top=140),
         _line("Số", "CCCD:", "075181899634", "cấp", "ngày", "21/12/2021", top=180)]


def test_a_valid_number_read_alone_the_same_is_kept() -> None:
    read = Readings({180: ["075181899634", "075181899634"]})
    assert recheck_ids(VALID, read) == VALID and "date" not in read.asked


def test_a_digit_the_model_nearly_read_that_keeps_the_number_valid_makes_it_unsure() -> None:
    # Issue 18, heavy owner bench page 3700040: "038089745171" read "038089745121" (valid: no
    # check covers the last six digits), the readings alone "38089745171" ignored as a digit
    # short. The page's own model read the crop "…121" with "7" weighed 64 for the "2".
    # Here the crop alone is read short and long, no 12-digit number: only the rival speaks.
    read = Readings({180: ["07518189963", "0751818996344"]},
                    rivals={180: ["075181899634", "075181899674"]})
    lines, unsure = reread_ids(VALID, read)
    assert lines == VALID
    assert unsure == [("075181899634", "075181899634/075181899674")]


def test_the_page_and_another_model_reading_the_same_number_settle_it() -> None:
    # Seed 59: page 5900023, "040178102357" on the page and twice alone by the digits
    # reader (English digits, another model), "…102557" by the page's model on the crop;
    # page 5900034, the model alone "…064…" with a rival "8" for the "6", "…084…" on the
    # page and twice alone. Two models agree: sure, not sent to a person for it.
    for rivals in (["075181899674"], ["075181899674", "075181899634"],
                   ["075181899634", "075181899674"]):
        read = Readings({180: ["075181899634", "075181899634"]}, rivals={180: rivals})
        assert reread_ids(VALID, read) == (VALID, [])


def test_the_other_model_split_or_read_once_leaves_the_doubt() -> None:
    # Seed 59 page 5900019 ("…655753" on the page, "…655753" at 2× and "…695753" at 3×) and
    # page 5900026 (one reading alone two digits off): the other model does not agree with
    # itself, so nothing settles the number; nor does one reading alone.
    for again in (["075181899634", "075181899674"], ["075181899634", "075181899684"],
                  ["075181899634"], ["075181899634", "0751818996344"]):
        read = Readings({180: again}, rivals={180: ["075181899674"]})
        lines, unsure = reread_ids(VALID, read)
        assert lines == VALID and [n for n, _ in unsure] == ["075181899634"], again


def test_a_rival_digit_that_breaks_the_number_leaves_it_sure() -> None:
    # A rival "2" for the century digit says born in the 2000s, against "28/02/1981": no
    # valid number, nothing in doubt; nor is a rival reading cut short.
    read = Readings({180: ["075181899634", "075181899634"]},
                    rivals={180: ["075181899634", "075281899634", "07518189963"]})
    assert reread_ids(VALID, read) == (VALID, [])


def test_a_reading_alone_that_lost_its_first_zero_still_disagrees() -> None:
    # 3700040 again: alone, 2× and 3×, "38089745171" — the number without its first digit,
    # which can only be 0 (every province code starts with 0). Both put the 7 back: the
    # page's 2 is outvoted, and the number stays unsure (proposed, a person confirms).
    read = Readings({180: ["75181899674", "75181899674"]})
    lines, unsure = reread_ids(VALID, read)
    assert "Số CCCD: 075181899674 cấp" in _text(lines)
    assert unsure == [("075181899674", "075181899674/075181899634")]


def test_a_reading_alone_that_took_in_the_captions_colon_is_still_a_number() -> None:
    # Held-out seed 41 page 4100036: alone, the crop's caption colon read "-": "-0383042341…".
    read = Readings({180: ["-075181899674", "075181899674."]})
    lines, unsure = reread_ids(VALID, read)
    assert "Số CCCD: 075181899674 cấp" in _text(lines)
    assert unsure == [("075181899674", "075181899674/075181899634")]


def test_a_valid_number_two_readings_alone_outvote_is_corrected() -> None:
    # Heavy owner bench page 32: "…357245" read "…357345" (valid too); alone, 2× and 3×, both
    # read "…357245". Two readings against one, a digit apart, both valid: taken.
    read = Readings({180: ["075181899624", "075181899624"]})
    assert "Số CCCD: 075181899624 cấp" in _text(recheck_ids(VALID, read))


def test_two_readings_alone_do_not_outvote_the_page_and_its_own_model() -> None:
    # Held-out seed 41 page 4100032: "…010488" on the page, and again by the page's model in
    # the crop; "…010888" twice alone (2×, 3×). Two against two: kept, and in doubt.
    read = Readings({180: ["075181899624", "075181899624"]},
                    rivals={180: ["075181899634"]})
    lines, unsure = reread_ids(VALID, read)
    assert lines == VALID
    assert unsure == [("075181899634", "075181899634/075181899624")]


def test_a_valid_number_is_not_changed_on_weaker_evidence() -> None:
    for again in (["075181899624", "075181899614"],  # the readings alone disagree
                  ["075181899624"],  # one reading only
                  ["075181899524", "075181899524"],  # two digits away
                  ["075161899634", "075161899634"]):  # born 1961: fails the printed date
        assert recheck_ids(VALID, Readings({180: again})) == VALID


def test_two_readings_that_each_agree_change_nothing() -> None:
    # The number read again as 075161899634 (born 1961) agrees with the date as read, the date
    # read again as 1981 agrees with the number as read: which one is right cannot be known.
    read = Readings({140: ["28/02/1981"], 180: ["075161899634"]})
    assert recheck_ids(PAGE, read) == PAGE


def test_a_second_reading_far_from_the_first_is_not_taken() -> None:
    # Three digits away from what was read: another number, not a correction of this one.
    read = Readings({180: ["075161829631"]})
    assert recheck_ids(PAGE, read) == PAGE
    # The date read again with too many characters changed is not taken either.
    read = Readings({140: ["12/07/1981"]})
    assert recheck_ids(PAGE, read) == PAGE


# Heavy owner bench, seed 13, page 1300089 (GPXD): "Số CCCD/Hộ chiếu: ….070193138128…." read
# as "CCC]/Hộ chiêu:", the number lost; read alone where it is printed, it is there.
LOST = [_line("1.", "Cấp", "cho:", "Bà", "Lê", "Phương", "Duyên", top=100),
        _line("CCC]/Hộ", "chiêu:", top=140),
        _line("Địa", "chỉ:", "Số", "342,", "đường", "Hùng", "Vương,", "ấp", "4,", "xã", "Hố",
              "Nai", top=180)]


def test_a_number_lost_after_its_caption_is_read_where_it_is_printed_and_proposed() -> None:
    read = Readings({140: ["070193138128", "070193138128.", "70193138128..", ""]})
    lines, unsure = reread_ids(LOST, read)
    assert "CCC]/Hộ chiêu: 070193138128" in _text(lines) and read.asked == ["rest"]
    # Never sure: only readings of one crop give it, a person confirms.
    assert [number for number, _ in unsure] == ["070193138128"]
    assert "không đọc được" in unsure[0][1]


def test_a_lost_number_is_taken_only_when_two_readings_give_it_and_no_other() -> None:
    for readings in (["070193138128"],  # one reading only
                     ["070193138128", "070193138128", "070193136128"],  # another valid one
                     ["999193138128", "999193138128"],  # no such province
                     ["0701931381", "0701931381"]):  # too short to be put back
        assert reread_ids(LOST, Readings({140: readings})) == (LOST, [])


def test_a_caption_whose_number_wrapped_to_the_next_line_is_not_read_again() -> None:
    wrapped = [LOST[0], _line("Giấy", "tờ", "tùy", "thân:", "Căn", "cước", "công", "dân", "số",
                              top=140), _line("070193138128,", "cấp", "ngày", top=180)]
    read = Readings({140: ["070193138128", "070193138128"]})
    assert reread_ids(wrapped, read)[0] == wrapped and "rest" not in read.asked


def test_the_lost_numbers_place_is_its_glyphs_not_the_leaders_dots() -> None:
    # A leader's dots before and after, faint print (grey on light grey, a heavy copy): the
    # crop read is cut to the digit-tall strokes, in a stretched and a locally thresholded form.
    height, pad = 30, 10
    crop = np.full((height + 2 * pad, 400), 200, np.uint8)
    for x in (*range(20, 80, 8), *range(240, 380, 8)):
        crop[pad + 24:pad + 27, x:x + 3] = 150  # dots on the baseline
    for x in range(100, 220, 14):
        crop[pad + 4:pad + 27, x:x + 4] = 140  # digit strokes
    stretched, local = _number_place(crop, height)
    # The strokes span columns 100–201; the dots run from 20 to 382.
    assert stretched.shape == local.shape
    assert 102 + 2 * pad <= stretched.shape[1] < 160
    assert stretched.min() == 0 and stretched.max() == 255
    assert _number_place(np.full((50, 400), 200, np.uint8), height) == []  # nothing there


def test_a_number_read_the_same_three_times_is_proposed_over_a_year_read_differently() -> None:
    # The date read again gives no year that agrees (1961 as read, 1991 alone), the number
    # is read the same three times: the year is the doubtful reading, the number proposed.
    read = Readings({140: ["28/02/1961", "28/02/1991"],
                     180: ["075181899634", "075181899634"]})
    lines, unsure = reread_ids(PAGE, read)
    assert lines == PAGE  # the date is never rewritten from the number
    assert [number for number, _ in unsure] == ["075181899634"]
    assert "28/02/1961 hoặc 28/02/1991" in unsure[0][1]


def test_a_year_read_the_same_every_time_still_refuses_the_number() -> None:
    for readings in ({140: ["28/02/1961", "28/02/1961"], 180: ["075181899634"] * 2},
                     {140: ["28/02/1991"], 180: ["075181899634", "075181899684"]},
                     {140: ["28/02/1991"], 180: ["075181899634"]}):  # read alone once
        assert reread_ids(PAGE, Readings(readings)) == (PAGE, [])


# Heavy owner bench, seed 19, page 1900000 (GCN TT 10/2024): "căn cước công dân số
# 040198078159; cùng ông" on a faint copy read "căn cước công đáo số 04019078 cùng ông", the
# number's box ending where the reading stopped, the spouse's number read next.
def _gap_after(line: Line, at: int, gap: int) -> Line:
    """``line`` with the words after word ``at`` moved ``gap`` pixels right."""
    return replace(line, words=tuple(replace(w, left=w.left + gap) if k > at else w
                                     for k, w in enumerate(line.words)))


SHORT = [_gap_after(_line("Bà", "Đặng", "Thu", "Anh,", "sinh", "năm", "1998,", "căn", "cước",
                          "công", "đáo", "số", "04019078", "cùng", "ông", top=100), 12, 50),
         _line("Phan", "Trung", "Phong,", "căn", "cước", "công", "dân", "số", "070076824280;",
               top=140)]


def test_a_number_read_short_is_read_on_to_the_next_word_and_proposed() -> None:
    read = Readings({100: ["40198078159", "4019807859-", "040198078159", "040198078159."]})
    lines, unsure = reread_ids(SHORT, read)
    assert "căn cước công đáo số 040198078159 cùng ông" in _text(lines)
    assert read.asked[0] == "rest"
    # Never sure: only readings of one crop give the lost digits, a person confirms.
    assert [number for number, _ in unsure] == ["040198078159"]
    box = lines[0].words[12]
    assert box.left == SHORT[0].words[12].left and box.right < SHORT[0].words[13].left


def test_a_short_number_is_read_on_only_with_the_pages_digits_and_two_votes() -> None:
    for readings in (["040198078159"],  # one reading only
                     ["040198078159", "040198078159", "040198076159"],  # another valid one
                     ["070198078159", "070198078159"],  # not the page's "04019078" put back
                     ["040197078159", "040197078159"],  # born 1997, the line prints 1998
                     ["0401980781", "0401980781"]):  # still short
        assert reread_ids(SHORT, Readings({100: readings}))[0] == SHORT, readings


def test_a_nine_digit_cmnd_is_not_read_on() -> None:
    cmnd = [_line("Ông:", "NGUYỄN", "VĂN", "AN,", "Năm", "sinh:", "1970,", "CMND", "số:",
                  "271234567", "cấp", "ngày", top=100)]
    read = Readings({100: ["271234567123", "271234567123"]})
    assert reread_ids(cmnd, read)[0] == cmnd and "rest" not in read.asked


def test_a_short_number_with_no_room_after_it_is_not_read_on() -> None:
    # The next word follows at once: nothing the page read was left out after the number.
    tight = [_line(*(w.text for w in SHORT[0].words), top=100)]
    read = Readings({100: ["040198078159", "040198078159"]})
    assert reread_ids(tight, read)[0] == tight and "rest" not in read.asked


def _number_with_a_doubtful_digit(share: float) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """"038089745121" printed at 200 dpi, its "2" (the eleventh digit) printed over a "7" with
    ``share`` of the ink (1.0: a plain 2), as toner and wear blend strokes on a heavy copy."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf", 28)
    layers = []
    for text in ("2", "7"):
        layer = Image.new("L", (600, 80), 255)
        ImageDraw.Draw(layer).text((40, 20), "0380897451" + text + "1", font=font, fill=0)
        layers.append(np.asarray(layer, np.float32))
    plain, other = layers
    both = np.maximum(plain, other)  # the digits the two print alike, at full ink
    ink = np.minimum(both, np.minimum(255 - (255 - plain) * share,
                                      255 - (255 - other) * (1 - share)))
    right = 40 + int(ImageDraw.Draw(Image.new("L", (1, 1))).textlength("038089745121", font=font))
    return ink.astype(np.uint8), (40, 24, right, 52)


def test_the_page_model_reads_a_number_with_the_digits_it_nearly_read_instead() -> None:
    # The reader behind kind "rivals": the page's own model at the page's size, its reading
    # first, then one reading per digit it weighed almost as much (Tesseract's choices).
    page, box = _number_with_a_doubtful_digit(1.0)
    read = _crop_reader(page, 0.0, 200, 5000, OcrSettings())
    assert read(box, "rivals") == ["038089745121"]  # a plain 2: no rival
    page, box = _number_with_a_doubtful_digit(0.4)
    read = _crop_reader(page, 0.0, 200, 5000, OcrSettings())
    first, *rivals = read(box, "rivals")
    assert {first, *rivals} == {"038089745121", "038089745171"}


# Held-out seed 43 page 4300012 (GCN TT 23/2014, heavy, 200 dpi): "040086784125" read
# "0410086784135" on the page — a digit too many and a 2 read 3 — and "06784125", "006784125"
# alone, enlarged: no reading a digit from the page's gave a number.
LONG = [_line("Ông:", "HOÀNG", "CÔNG", "SƠN,", "Năm", "sinh:", "1986,", "CCCD", "số:",
              "0410086784135", top=100)]
# What the crop's "votes" read on that page (the digits reader and the page's model restricted
# to digits; 1×, 2×, 3×; as scanned, then contrast-stretched).
LONG_VOTES = ["040086784125", "0400867841235", "06784125", "040086784135", "006784125",
              "4146784125", "4006784125", "040086784125", "4006784125", "040086784135",
              "4006784125", "406784125"]


def test_a_number_read_a_digit_long_is_voted_on_glyph_by_glyph_and_proposed() -> None:
    read = Readings({100: ["06784125", "006784125"]}, votes={100: LONG_VOTES})
    lines, unsure = reread_ids(LONG, read)
    # "…135" (the page's reading a digit short, valid) costs more glyphs over all readings.
    assert "CCCD số: 040086784125" in _text(lines)
    assert [number for number, _ in unsure] == ["040086784125"]  # never sure: proposed
    assert read.asked == ["number", "votes"]


def test_a_vote_is_taken_only_when_one_number_is_cheapest_and_printed_twice() -> None:
    for votes in (LONG_VOTES[:1] + LONG_VOTES[2:7],  # "…125" printed once only
                  # two numbers cost the same (the page's reading is one from "…135")
                  ["040086784125"] * 3 + ["040086784135"] * 2,
                  ["040006784125", "040006784125", "040006784125"],  # born 1900, not 1986
                  ["040086784125"]):  # too few readings to vote
        read = Readings({}, votes={100: votes})
        assert reread_ids(LONG, read) == (LONG, []), votes


def test_the_vote_keeps_the_sex_the_honorific_gives() -> None:
    # "bà" is a woman: the century digit of a woman born in the 1900s is odd (1).
    woman = [replace(LONG[0], words=(replace(LONG[0].words[0], text="Bà:"),
                                     *LONG[0].words[1:]))]
    read = Readings({}, votes={100: LONG_VOTES})
    assert reread_ids(woman, read) == (woman, [])
    female = ["041186784125", "041186784125", *LONG_VOTES[2:]]
    read = Readings({}, votes={100: female})
    assert reread_ids(woman, read)[0] == woman  # "041…": no province, no number either way


# Held-out seed 41 page 4100036 (Tờ khai LLTP, heavy, 200 dpi): "038304234773" read
# "03810434774" (three digits on cracked glyphs), the date of birth "15/07/3004".
CRACKED = [_line("3.", "Ngày,", "tháng,", "năm", "sinh:", "-.15/07/3004..", top=100),
           _line("7.", "Giấy", "CMND/CCCD/Hộ", "chiều:", "Số:", "03810434774", "Cấp", "ngày:",
                 top=140)]
CRACKED_VOTES = ["038314234773", "034234771", "-03840423473", "03830442344774",
                 "-038304234173", "03810423477", "038304234773", "038304234774",
                 "038304234773", "038404334771", "-0335.4234172", "038310412341774"]


def test_a_number_read_short_on_cracked_glyphs_is_voted_on_and_proposed() -> None:
    read = Readings({140: ["-03840423473", "-038304234173"]}, votes={140: CRACKED_VOTES})
    lines, unsure = reread_ids(CRACKED, read)
    assert "Số: 038304234773 Cấp" in _text(lines)
    assert [number for number, _ in unsure] == ["038304234773"]


def test_the_crop_is_read_by_every_reader_at_every_size_for_the_vote() -> None:
    # The reader behind kind "votes": two readers, three sizes, as scanned and stretched.
    page, box = _number_with_a_doubtful_digit(1.0)
    readings = _crop_reader(page, 0.0, 200, 5000, OcrSettings())(box, "votes")
    assert len(readings) == 12
    assert readings.count("038089745121") >= 6


def test_the_vote_keeps_the_sex_the_page_prints() -> None:
    # "038304234773" is a woman born in the 2000s: beside "Giới tính: Nam" it is no candidate,
    # and no other number is printed twice by the readings.
    man = [_line("2.", "Giới", "tính:", "Nam", top=60), *CRACKED]
    read = Readings({}, votes={140: CRACKED_VOTES})
    assert reread_ids(man, read) == (man, [])
    woman = [_line("2.", "Giới", "tính:", "Nữ.....", top=60), *CRACKED]
    assert "Số: 038304234773 Cấp" in _text(reread_ids(woman, read)[0])


# Tuning seed 47 page 4700047 (Giấy ủy quyền, medium): "040096233611" read "04009623361 1",
# its last digit set apart before "cấp ngày" (not the end of a clause: the extractor leaves it).
APART = [_line("Ngày", "sinh:", "08/03/1996", top=100),
         _line("Số", "CCCD:", "04009623361", "1", "cấp", "ngày", "08/09/2021", top=140)]


def test_a_digit_set_apart_after_a_number_read_short_is_read_with_it() -> None:
    read = Readings({140: ["040096233611", "040096233611"]})
    lines, unsure = reread_ids(APART, read)
    assert "Số CCCD: 040096233611 cấp ngày" in _text(lines)
    assert [number for number, _ in unsure] == ["040096233611"]


# Tuning seed 47 page 4700044 (GCN TT 23/2014, heavy): "CMND số: 278257755" read "37357755".
CMND_SHORT = [_line("Ông:", "NGUYÊN", "CÔNG", "HIỂU,", "Năm", "sinh:", "1960,", "CMND", "số:",
                    "37357755", top=100),
              _line("và", "bà:", "PHAN", "THỦ", "TUYET.", "Năm", "sinh:", "1985,", "CCCD", "số:",
                    "079185458061", "cấp", "ngày", top=140)]


def test_a_nine_digit_cmnd_read_short_is_read_on_when_every_reading_says_it() -> None:
    read = Readings({100: ["278257755"] * 4})
    lines, unsure = reread_ids(CMND_SHORT, read)
    assert "CMND số: 278257755" in _text(lines)
    assert [number for number, _ in unsure] == ["278257755"]
    for readings in (["278257755"] * 2,  # too few
                     ["278257755"] * 3 + ["278257765"],  # a reading says another
                     ["998257755"] * 4):  # far from the page's "37357755"
        assert reread_ids(CMND_SHORT, Readings({100: readings}))[0] == CMND_SHORT, readings


def test_a_twelve_digit_number_refused_by_its_birth_year_is_voted_on_too() -> None:
    # "075181899634" read "075161899634" (born 1961) beside "28/02/1981"; the readings alone
    # gave nothing, the votes print the number that agrees, twice.
    read = Readings({}, votes={180: ["075181899634", "075161899634", "075181899634",
                                     "07518189963"]})
    page = [*VALID[:2], _line("Số", "CCCD:", "075161899634", "cấp", "ngày", "21/12/2021",
                              top=180)]
    lines, unsure = reread_ids(page, read)
    assert "Số CCCD: 075181899634 cấp" in _text(lines)
    assert [number for number, _ in unsure] == ["075181899634"]


# Seed 59 page 5900005 (Giấy khai sinh TT 15/2015): the child's number, then the mother's
# block with her "Năm sinh: 1975" two lines under it; the child's date six lines above.
BIRTH = [_line("Họ,", "chữ", "đệm,", "tên:", "PHẠM", "VĂN", "QUANG", top=60),
         _line("Ngày,", "tháng,", "năm", "sinh:", "19/05/1990", top=100),
         _line("Giới", "tính:", "Nam", top=140),
         _line("Dân", "tộc:", "Kinh", top=180),
         _line("Quốc", "tịch:", "Việt", "Nam", top=220),
         _line("Nơi", "sinh:", "xã", "Hoằng", "Đạo,", "tỉnh", "Thanh", "Hóa", top=260),
         _line("Quê", "quán:", "xã", "Hoằng", "Đạo,", "tỉnh", "Thanh", "Hóa", top=300),
         _line("Số", "định", "danh", "cá", "nhân:", "038090271402", top=340),
         _line("Họ,", "chữ", "đệm,", "tên", "người", "mẹ:", "Trần", "Thị", "Hoa", top=380),
         _line("Năm", "sinh:", "1975", top=420)]


def test_a_birth_year_of_another_persons_block_is_not_the_numbers() -> None:
    # Checked against the mother's 1975 the child's number (born 1990) failed, was read
    # the same three times and went to review as unsure; its own date agrees with it.
    read = Readings({340: ["038090271402", "038090271402"], 420: ["1975", "."]},
                    rivals={340: ["038090271402"]})
    assert reread_ids(BIRTH, read) == (BIRTH, [])
    assert "date" not in read.asked


def test_two_readers_that_disagree_are_settled_by_the_numbers_own_glyphs() -> None:
    # Seed 67 page 6700017: the page and its model "…629959" at every size, the digits reader
    # "…620959" at every size; the glyph in dispute looks like the number's other 0s. The
    # glyphs' number is proposed (the readers disagreed: a person confirms it).
    read = Readings({180: ["075181899624", "075181899624"]}, rivals={180: ["075181899634"]},
                    digits={180: ["075181899624"] * 6}, glyphs={180: "075181899624"})
    lines, unsure = reread_ids(VALID, read)
    assert "Số CCCD: 075181899624 cấp" in _text(lines)
    assert unsure == [("075181899624", "075181899624/075181899634")]
    # Seed 41 page 4100032 the other way round: the digits reader wrong at every size, the
    # page and its model right — the glyphs keep the page's number.
    read = Readings({180: ["075181899624", "075181899624"]}, rivals={180: ["075181899634"]},
                    digits={180: ["075181899624"] * 6}, glyphs={180: "075181899634"})
    assert reread_ids(VALID, read) == (VALID, [("075181899634",
                                                "075181899634/075181899624")])


def test_the_digits_readers_own_number_is_one_the_glyphs_choose_among() -> None:
    # Seed 59 page 5900032: "079072882453" read "079073882453" on the page, the model's rival
    # "079073883453", the digits reader four times a digit long ("0790728824583") and once
    # exact: the number it needs the fewest edits to say is the printed one, which no other
    # reading gave; the glyphs prefer it to the page's and cannot compare it with the rival.
    page = [_line("Ông", "Nguyễn", "Ngọc", "Toàn,", "căn", "cước", "công", "dân", "số",
                  "079073882453;", "cùng", "bà", top=180)]
    digits = ["0790728824583", "0790728824583", "1790728824583", "0790728824583",
              "0790728824583", "079072882453"]
    read = Readings({180: ["0790728824583", "1790728824583."]},
                    rivals={180: ["079073883453"]}, digits={180: digits},
                    glyphs={180: "079072882453"})
    lines, unsure = reread_ids(page, read)
    assert "số 079072882453 cùng" in _text(lines)
    assert [n for n, _ in unsure] == ["079072882453"]


def test_glyphs_that_settle_nothing_leave_the_pages_number_proposed() -> None:
    read = Readings({180: ["075181899624", "075181899624"]}, rivals={180: ["075181899634"]},
                    digits={180: ["075181899624"] * 6})
    assert reread_ids(VALID, read) == (VALID, [("075181899634",
                                                "075181899634/075181899624")])
    # A number in no doubt is never compared by its glyphs (nor read by the digits reader).
    read = Readings({180: ["075181899634", "075181899634"]}, glyphs={180: "075181899624"})
    assert reread_ids(VALID, read) == (VALID, [])
    assert "glyphs" not in read.asked and "digits" not in read.asked

# tester17 F9, decision t17-14 (Bonum, clean, 300 dpi): "số định danh cá nhân 075066210613,"
# read "0750662106153," on the page — a glyph too many —, "075066210613." alone at both sizes
# and "75066210613" by the page's own model on the crop (its first zero lost, which can only
# be 0). Every digit of the number is in the page's reading: nothing is in doubt.
EXTRA = [_line("Ông", "Dương", "Gia", "Trưởng,", "sinh", "năm", "1966,", "số", "định", "danh",
               "cá", "nhân", "0750662106153,", top=100)]


def test_a_glyph_too_many_that_every_reader_takes_out_is_settled() -> None:
    read = Readings({100: ["075066210613.", "075066210613."]}, rivals={100: ["75066210613"]})
    lines, unsure = reread_ids(EXTRA, read)
    assert "cá nhân 075066210613" in _text(lines)
    assert unsure == []


def test_a_glyph_too_many_stays_in_doubt_unless_every_reader_agrees() -> None:
    for again, model in ((["075066210613."], ["75066210613"]),  # read alone once only
                         (["075066210613.", "075066210613."], []),  # the model did not read it
                         # the model reads the page's 13 glyphs, or nearly read another digit
                         (["075066210613.", "075066210613."], ["0750662106153"]),
                         (["075066210613.", "075066210613."], ["075066210613", "075066210653"])):
        read = Readings({100: again}, rivals={100: model})
        lines, unsure = reread_ids(EXTRA, read)
        assert "cá nhân 075066210613" in _text(lines), (again, model)
        assert [number for number, _ in unsure] == ["075066210613"], (again, model)


def test_a_digit_put_back_is_never_settled_by_the_readings_alone() -> None:
    short = [_line("Ông", "Dương", "Gia", "Trưởng,", "sinh", "năm", "1966,", "số", "định",
                   "danh", "cá", "nhân", "07506621063,", top=100)]
    read = Readings({100: ["075066210613", "075066210613"]}, rivals={100: ["075066210613"]})
    lines, unsure = reread_ids(short, read)
    assert "cá nhân 075066210613" in _text(lines)
    assert [number for number, _ in unsure] == ["075066210613"]
