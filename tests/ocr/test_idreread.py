"""A personal number refused by its own checks is read again with its birth date (issue 18):
recovered when exactly one reading makes them agree, never replaced by a guess."""

from __future__ import annotations

from sohoa.doctypes import load_registry
from sohoa.ocr import recognize_page
from sohoa.ocr.engine import open_image
from sohoa.ocr.fields.extract import extract_fields
from sohoa.ocr.idreread import recheck_ids
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
    """What a second reading of each crop gives, by the crop's top (the line's)."""

    def __init__(self, by_top: dict[int, list[str]]) -> None:
        self.by_top = by_top
        self.asked: list[str] = []

    def __call__(self, box: tuple[int, int, int, int], kind: str) -> list[str]:
        self.asked.append(kind)
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
    assert recheck_ids(VALID, read) == VALID and read.asked == ["number"]  # never the date


def test_a_valid_number_two_readings_alone_outvote_is_corrected() -> None:
    # Heavy owner bench page 32: "…357245" read "…357345" (valid too); alone, 2× and 3×, both
    # read "…357245". Two readings against one, a digit apart, both valid: taken.
    read = Readings({180: ["075181899624", "075181899624"]})
    assert "Số CCCD: 075181899624 cấp" in _text(recheck_ids(VALID, read))


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
