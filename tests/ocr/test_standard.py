"""The administrative paper's standard parts read by shape and place (sohoa.ocr.standard and its
use in the engine): the subject's "V/v", the recipients' "Lưu: VT.", the signing instruction,
and a seal's rim lettering told by the seal's geometry. The boxes are the engine's own
readings of the foreign generator's letters (seed 173), measured while building the rules."""

from __future__ import annotations

from itertools import pairwise

from sohoa.ocr.engine import (
    _gone_tall_words,
    _line_read_well,
    _standard_words,
    _without_rim_lettering,
    _written_instructions,
)
from sohoa.ocr.layout import Box
from sohoa.ocr.standard import archive_copy, instruction_run
from sohoa.records import InkMark, Word


def _subject(first: Box, line_key: int = 8) -> list[Box]:
    words = ["xác", "nhận", "nơi", "cư", "trú"]
    return [first] + [Box(w, 988 + 100 * k, 733, 80, 45, 96.0, line_key)
                      for k, w in enumerate(words)]


def test_the_subjects_vv_is_taken_back_from_the_noise_by_its_shape_and_place() -> None:
    # Noto clean grey: "V/v" read "W/" at 52; Termes medium colour: "V/v" at 11, in a line of
    # its own — both dropped as noise. Noto medium colour: "V/0", kept.
    for first in (Box("W/", 838, 740, 72, 47, 52.0, 8), Box("V/v", 881, 738, 68, 40, 11.0, 6),
                  Box("V/0", 831, 737, 73, 47, 50.0, 8)):
        read = _subject(first)
        kept = [b for b in read if b.confidence > 60 or b.text == "V/0"]
        out = _standard_words(read, kept)
        assert [b.text for b in out] == ["V/v", "xác", "nhận", "nơi", "cư", "trú"], first
        assert out[0].left == first.left and out[0].confidence == 96.0
    # Not the subject: before a capital, a number, or after another word of the row.
    capital = [Box("W/", 838, 740, 72, 47, 52.0, 8), Box("Xác", 940, 733, 80, 45, 96.0, 8)]
    assert _standard_words(capital, capital[1:]) == capital[1:]
    number = [Box("V/0", 838, 740, 72, 47, 52.0, 8), Box("12", 940, 733, 40, 45, 96.0, 8)]
    assert _standard_words(number, number) == number
    inside = [Box("số", 700, 735, 60, 45, 96.0, 8), *_subject(Box("V/w", 790, 740, 56, 40, 39.0))]
    kept = [b for b in inside if b.confidence > 60]
    assert _standard_words(inside, kept) == kept


def test_the_recipients_archive_copy_is_written_vt_as_the_standard_writes_it() -> None:
    # Dejavu light colour: "- Lưu: VE"; Dejavu clean colour: "“IưuU:" at 2 (dropped) then "VT".
    read = [Box("-", 316, 1830, 12, 3, 90.0, 20), Box("Lưu:", 340, 1815, 102, 36, 93.0, 20),
            Box("VE", 452, 1815, 61, 36, 54.0, 20)]
    assert [b.text for b in _standard_words(read, read)] == ["-", "Lưu:", "VT."]
    read = [Box("“IưuU:", 253, 1157, 87, 23, 2.0, 20), Box("VT", 350, 1157, 50, 23, 80.0, 20)]
    out = _standard_words(read, read[1:])
    assert [(b.text, b.confidence) for b in out] == [("Lưu:", 80.0), ("VT.", 80.0)]
    # Seed 173's Noto medium colour: "VT.." at 31 after "Lưu:", in the line read again.
    read = [Box("Lưu:", 340, 1360, 92, 33, 93.0, 1), Box("VT..", 440, 1355, 91, 53, 31.0, 1)]
    assert [b.text for b in _standard_words(read, read[:1])] == ["Lưu:", "VT."]
    # Another unit after it takes a comma; another word, or another label, stays as read.
    assert archive_copy("Lưu:", "VT", last=False) == "VT,"
    assert archive_copy("Lưu:", "VP.", last=True) is None
    assert archive_copy("Như", "VT", last=True) is None


def _tokens(line: str) -> list[str]:
    return line.split()


def test_a_signing_instruction_is_read_as_one_of_the_forms_instructions() -> None:
    start, end, instruction, distance = instruction_run(
        _tokens("- Như trên; (Âý, ghirõ họ tên, đóng dấu)"))
    assert (start, end, instruction) == (3, 9, "(Ký, ghi rõ họ tên, đóng dấu)")
    assert 0 < distance < 0.2
    assert instruction_run(_tokens("Kỹ. ghi rõ họ tên, đóng dấu)"))[2] == (
        "(Ký, ghi rõ họ tên, đóng dấu)")
    assert instruction_run(_tokens("(Ký,ahi-rõ:thọ,tên và đóng dấu)"))[2] == (
        "(Ký, ghi rõ họ tên và đóng dấu)")
    assert instruction_run(_tokens("(Ký, ghi rõ họ tên"))[2] == "(Ký, ghi rõ họ tên)"
    # As printed, or no instruction at all ("Họ và tên:" holds two of its words).
    assert instruction_run(_tokens("(Ký, ghi rõ họ tên và đóng dấu)"))[3] == 0
    assert instruction_run(_tokens("Họ và tên: PHẠM MỸ HƯỞNG")) is None


def _line(texts: list[str], lefts: list[int], top: int = 1730, line: int = 19) -> list[Word]:
    return [Word(t, x, top, 14 * len(t) + 10, 46, 60.0, 0, line) for t, x in zip(texts, lefts,
                                                                                   strict=True)]


def test_the_instruction_is_rewritten_where_it_opens_its_column_and_not_elsewhere() -> None:
    left = _line(["-", "Như", "trên;"], [319, 345, 447])
    garbled = _line(["(Âý,", "ghirõ", "họ", "tên,", "đóng", "dấu)"],
                    [1340, 1441, 1589, 1659, 1740, 1820])
    words, lines = _written_instructions([*left, *garbled], ["x"] * 20, 3000)
    assert lines[19] == "- Như trên; (Ký, ghi rõ họ tên, đóng dấu)"
    new = [w for w in words if w.left >= 1340]
    assert new[0].left == 1340 and new[-1].left + new[-1].width <= 1820 + 14 * 4 + 10 + 1
    assert all(a.left + a.width <= b.left for a, b in pairwise(new))
    # A part of it read as other letters just before the run: left as read.
    cut = _line(["1.", "qhữTð-họ", "tên,", "đóng", "dấu)"], [1300, 1340, 1480, 1560, 1640])
    assert _written_instructions(cut, ["x"] * 20, 3000)[1][19] == "x"
    # Two readings laid over each other (seed 173's colour-print Noto letter, medium): the
    # one as printed stays, the other's run goes.
    printed = _line(["(Ký,", "ghi", "rõ", "họ", "tên", "và", "đóng", "dấu)"],
                    [925, 987, 1039, 1096, 1135, 1177, 1237, 1317], top=958, line=22)
    twice = _line(["ý,", "ghi", "rõ", "họ", "tê", "đó", "dã"],
                  [963, 1003, 1043, 1079, 1124, 1221, 1299], top=950, line=21)
    _, lines = _written_instructions([*twice, *printed], ["x"] * 23, 2339)
    assert lines[21:] == ["đó dã", "x"]
    # The page's header: left as read.
    assert _written_instructions(garbled, ["x"] * 20, 6000)[1][19] == "x"


def test_a_line_of_print_read_alone_is_judged_by_its_words_with_letters() -> None:
    # Seed 173's Noto medium colour: the strip under "- Như trên;" read "- Lưu:" at 90+; the
    # dash, 3 px tall, made the median height 18 px where print is 48.
    again = [Box("-", 270, 1384, 12, 3, 90.0, 1), Box("Lưu:", 296, 1365, 92, 33, 93.0, 1)]
    assert _line_read_well(again, 48, [])
    assert not _line_read_well(again[:1], 48, [])


def test_a_tall_word_over_a_line_read_and_a_line_read_again_goes() -> None:
    assert _gone_tall_words({1: [True]}, {1}) == {1}
    assert _gone_tall_words({1: [True]}, set()) == set()
    assert _gone_tall_words({1: []}, {1}) == set()
    assert _gone_tall_words({1: [True, False]}, {1}) == set()


def test_a_seals_rim_lettering_is_told_by_the_seals_geometry() -> None:
    # Seed 173's clean grey Noto letter, 300 dpi: the seal at (1267, 1687, 481×481); its rim
    # read "sư" (26) on its upper left and "THÀẠ" (16) standing along its left side.
    seal = InkMark("seal", 1267, 1687, 481, 481)
    body = [Box(f"chữ{i}", 300 + 60 * i, 900, 55, 45, 97.0, 0) for i in range(12)]
    rim = [Box("sư", 1352, 1783, 81, 31, 26.0, 20), Box("THÀẠ", 1310, 1868, 21, 95, 16.0, 21)]
    # The instruction crossing the rim, unsure at its left, sure further on; the name's
    # surname read at no confidence; the recipients' line far left on the rim's row.
    instruction = [Box("(Ký,", 1340, 1730, 86, 46, 44.0, 19),
                   Box("ghi", 1441, 1731, 72, 47, 72.0, 19)]
    name = Box("Thiếu", 1400, 2101, 150, 44, 3.0, 22)
    recipients = Box("VT.", 452, 1778, 61, 31, 54.0, 20)
    words = [*body, *rim, *instruction, name, recipients]
    assert _without_rim_lettering(words, [seal]) == [*body, *instruction, name, recipients]
    assert _without_rim_lettering(words, [InkMark("signature", 1267, 1687, 481, 481)]) == words
    # Seed 179's faded Dejavu copy (200 dpi): the signer's title read as one word at 29 on the
    # seal's rim band, alone on its row, reaches past the ring: print, not the rim.
    seal = InkMark("seal", 906, 1178, 281, 281)
    body = [Box(f"chữ{i}", 200 + 40 * i, 600, 35, 30, 97.0, 0) for i in range(12)]
    title = Box("CHỦ TỊCH", 991, 1185, 238, 52, 29.0, 18)
    assert _without_rim_lettering([*body, title], [seal]) == [*body, title]


def _printed_spans(printed: str, scale: float = 0.4, start: int = 900
                   ) -> dict[str, tuple[int, int]]:
    """Each word of ``printed`` and its left and right on a page where it is set at ``scale``
    of the italic face's 100 px (the module's own measure of printed widths)."""
    from sohoa.ocr.standard import _printed_length

    spans = {}
    for k, word in enumerate(printed.split()):
        before = " ".join(printed.split()[:k]) + (" " if k else "")
        left = start + round(scale * _printed_length(before))
        spans[word] = (left, left + round(scale * _printed_length(word)))
    return spans


def test_an_instruction_that_lost_words_is_the_one_as_wide_as_the_print() -> None:
    # Seed 243's Termes heavy page: "ghi rõ" lost, "(Ký, chỉ tên, đóng dấu)" is nearer the
    # shorter form "(Ký, họ tên, đóng dấu)" by its letters, but the print is as wide as the
    # longer one's: "chỉ" is one box over "ghi rõ họ".
    read = _tokens("(Ký, chỉ tên, đóng dấu)")
    assert instruction_run(read)[2] == "(Ký, họ tên, đóng dấu)"  # letters alone
    long = _printed_spans("(Ký, ghi rõ họ tên, đóng dấu)")
    spans = [long["(Ký,"], (long["ghi"][0], long["họ"][1]), long["tên,"], long["đóng"],
             long["dấu)"]]
    assert instruction_run(read, spans)[2] == "(Ký, ghi rõ họ tên, đóng dấu)"
    # The shorter form printed and "họ" read "chỉ": the shorter form.
    short = _printed_spans("(Ký, họ tên, đóng dấu)")
    spans = [short["(Ký,"], short["họ"], short["tên,"], short["đóng"], short["dấu)"]]
    assert instruction_run(read, spans)[2] == "(Ký, họ tên, đóng dấu)"
    # Seed 247's Noto heavy page: "ghi" read in a box over "ghi rõ" (903-993, "rõ" 963-994):
    # one word's scale is off, the median of them is not, and the form as read stays.
    read = ["(Ký", "ghi", "rõ", "tên", "và", "đóng", "dấu)"]
    spans = [(840, 893), (903, 993), (963, 994), (1052, 1097), (1111, 1141), (1147, 1229),
             (1238, 1306)]
    assert instruction_run(read, spans)[2] == "(Ký, ghi rõ họ tên và đóng dấu)"
    # Seed 247's Liberation faded page: "(Ký," lost before the run; the run is measured from
    # its first word read right, and the form read stays.
    read = ["ghi", "rõ", "họ", "tên", "và", "đóng", "dấu)"]
    spans = [(966, 1010), (1020, 1050), (1059, 1094), (1104, 1144), (1157, 1186), (1197, 1266),
             (1275, 1339)]
    assert instruction_run(read, spans)[2] == "(Ký, ghi rõ họ tên và đóng dấu)"
