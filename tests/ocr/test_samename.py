"""One person's name printed twice on a page: the readings agree (tester16 F9)."""

from __future__ import annotations

from sohoa.doctypes import load_registry
from sohoa.ocr.correct import load_lexicon
from sohoa.ocr.engine import _same_names
from sohoa.ocr.samename import agree, names_on_line
from sohoa.records import Word

LEXICON = load_lexicon(load_registry())


def _lines(*texts: str) -> list[list[str]]:
    return [t.split(" ") for t in texts]


def test_a_name_read_twice_takes_the_reading_that_is_a_listed_name() -> None:
    # The field read the given name right, the signer's line read "Hướng" (no listed name):
    # the surer line does not matter, the listed name does.
    lines = _lines("Họ và tên: ĐỖ VĂN HƯỞNG", "Trung tá Đỗ Văn Hướng")
    sure = [[90, 90, 90, 50, 50, 50], [90, 90, 95, 95, 95]]
    out, written = agree(lines, sure, LEXICON)
    assert out[1] == ["Trung", "tá", "Đỗ", "Văn", "Hưởng"]
    assert out[0] == lines[0]
    assert written == [("Hướng", "Hưởng")]


def test_two_listed_readings_are_settled_by_the_surer() -> None:
    # "Thủy" and "Thúy" are both names: the recognizer's confidence says which was printed,
    # and each line keeps its own case.
    lines = _lines("Bà Lê Thị Thủy đã nộp", "LÊ THỊ THÚY")
    sure = [[90, 90, 90, 91, 90, 90], [80, 80, 40]]
    out, written = agree(lines, sure, LEXICON)
    assert out[1] == ["LÊ", "THỊ", "THỦY"]
    assert written == [("THÚY", "THỦY")]
    # As sure of both: neither is written.
    out, written = agree(lines, [[90] * 6, [90, 90, 90]], LEXICON)
    assert written == [] and out == lines
    # A surname read without its mark on one line ("ĐÔ") is the listed one of the other.
    out, _ = agree(_lines("ĐÔ HẢI ẨN", "Ông Đỗ Hải Ẩn,"), [[80] * 3, [70] * 4], LEXICON)
    assert out[0] == ["ĐỖ", "HẢI", "ẨN"]


def test_different_names_and_phrases_are_left_alone() -> None:
    # Names whose letters differ are two persons; a name read once is the second reading's.
    lines = _lines("Họ và tên: NGUYỄN VĂN AN", "Người ký: Nguyễn Văn Bình", "Trần Thế Hỗ")
    out, written = agree(lines, [[50] * 6, [50] * 5, [50] * 3], LEXICON)
    assert out == lines and written == []
    # A surname opening a phrase of the lexicon is no name: "HỒ SƠ" / "HỘ SƠ".
    assert names_on_line(["NỘP", "HỒ", "SƠ", "TẠI"], LEXICON) == []
    # A word of address is no surname ("Ông" is one): the name is after it.
    assert names_on_line(["Ông", "Hồ", "Văn", "Sơn,", "sinh"], LEXICON) == [
        (1, ("Hồ", "Văn", "Sơn"))]


def test_the_page_s_words_and_lines_are_written_alike() -> None:
    def word(text: str, line: int, confidence: float) -> Word:
        return Word(text, 0, 0, 10, 10, confidence, 0, line)

    words = [word("Họ", 0, 90), word("tên:", 0, 90), word("VŨ", 0, 90), word("HẢI", 0, 90),
             word("LẪM", 0, 88), word("Vũ", 1, 90), word("Hải", 1, 90), word("Lẩm", 1, 60)]
    as_read = [w.text for w in words]
    lines = ["Họ tên: VŨ HẢI LẪM", "Vũ Hải Lẩm"]
    out, out_lines, written = _same_names(words, as_read, lines, LEXICON)
    assert out_lines == ["Họ tên: VŨ HẢI LẪM", "Vũ Hải Lẫm"]
    assert [w.text for w in out][-1] == "Lẫm" and written == [("Lẩm", "Lẫm")]
    # A word the correction wrote has no confidence of its own: the other line's, as read,
    # is surer even when the box's confidence is higher.
    words[7] = word("Lấm", 1, 99)
    read = [*as_read[:7], "Lám"]
    out, out_lines, _ = _same_names(words, read, ["Họ tên: VŨ HẢI LẪM", "Vũ Hải Lấm"], LEXICON)
    assert out_lines[1] == "Vũ Hải Lẫm"
