"""The standard parts of an administrative paper as a closed vocabulary (Nghị định 30/2020/NĐ-CP,
Phụ lục I, and the forms built on it), checked against what the page read by shape and place.

Three parts are printed on most papers and are too short, too small or too much in the way of a
seal for the recognizer to read them reliably on a scan it has never seen (issue 18):

- the subject (trích yếu) of a letter opens on "V/v" (về việc), set in italics: read "W/",
  "V/w", "V/0", "V/%" or at no confidence, and dropped as noise;
- the recipients' list (Nơi nhận) ends on "- Lưu: VT, …" (the clerk's office keeps a copy):
  "VT" read "VL", "VE", "VY", "VT..", or "Lưu:" read "“IưuU:";
- the signing instruction under the signer's title ("(Ký, ghi rõ họ tên và đóng dấu)"), in
  italics, crossed by the seal's rim: "(Âý, ghi rõ", "0W", "Kỹ.".

None of these can be read better from its crop (session 13 tried 1×/2×/3× and whitelists):
what tells them is what the standard prints there. Each rule takes a reading only when its
shape fits the part and the place is the part's own (the first word of a line followed by the
subject's lower-case words; the word after "Lưu:"; a run of a line under the page's header
that holds words of the instruction), and writes it as the standard does.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from statistics import median

from PIL import ImageFont

from sohoa.ocr.correct import is_syllable
from sohoa.vntext import fold, nfc

# --- the subject's "V/v" ------------------------------------------------------------------

# What an italic "V/v" is read as: a V (or a W: the italic V's serifs), a slash or a stroke,
# and at most two marks for the small v ("W/", "V/w", "V/0", "V/%", "V/v").
_SUBJECT_SHAPE = re.compile(r"[VvWw][/|\\⁄∕][^\s]{0,2}")


def subject_shaped(text: str) -> bool:
    """Whether a word is shaped as a "V/v" read."""
    return _SUBJECT_SHAPE.fullmatch(text) is not None


def is_subject_abbreviation(text: str, width: int, height: int, following: str) -> bool:
    """Whether a line's first word, read as ``text`` in a box ``width``×``height``, is the
    subject's "V/v": its shape is a V, a slash and at most two marks, no wider than three
    letters, and the next word of the line is a lower-case Vietnamese syllable (a subject
    reads "V/v xác nhận …", "V/v đề nghị …": never a capital, a number or a code)."""
    letters = re.sub(r"[^\w]", "", following)
    return (subject_shaped(text) and 0 < width <= 3 * height
            and letters.isalpha() and letters.islower() and is_syllable(letters))


# --- the recipients' "Lưu: VT" ------------------------------------------------------------

# "VT" as read: a V and one letter or digit that a T is taken for, and the punctuation.
_ARCHIVE_SHAPE = re.compile(r"V([TLEYIF1J7])([.,;:]*)")


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def is_archive_label(text: str) -> bool:
    """Whether a word is "Lưu:" as read: it ends on a colon and its letters are "luu" a
    letter or two away ("lưu:", "“IưuU:"). Only asked of the word before a "VT" as read."""
    if not text.endswith(":"):
        return False
    letters = "".join(ch for ch in fold(text).lower() if ch.isalpha())
    return 2 <= len(letters) <= 5 and _distance(letters.replace("i", "l"), "luu") <= 1


def archive_copy(label: str, text: str, last: bool) -> str | None:
    """What the word after the recipients' "Lưu:" is, as the standard writes it, or None when
    it is none of the standard's: the clerk's office "VT" (read "VL", "VE", "VY", "VT..") with
    its punctuation — a full stop when it ends the list (``last``: the line's last word), as
    every list of recipients does, else the comma or semicolon read."""
    if not is_archive_label(label):
        return None
    match = _ARCHIVE_SHAPE.fullmatch(text)
    if match is None:
        return None
    marks = match.group(2)
    if last:
        return "VT."
    return "VT" + (marks[:1] if marks[:1] in (",", ";") else ",")


# --- the signing instruction --------------------------------------------------------------

# The instructions printed under a signer's title in the forms the project knows (the
# registry's forms, Thông tư 01/2022/TT-BTP's and Thông tư 04/2020/TT-BTP's) and Nghị định
# 30's own placeholder.
INSTRUCTIONS: tuple[str, ...] = (
    "(Ký, ghi rõ họ tên và đóng dấu)",
    "(Ký, ghi rõ họ tên, đóng dấu)",
    "(Ký, ghi rõ họ tên)",
    "(Ký và ghi rõ họ tên)",
    "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)",
    "(Ký, họ tên, đóng dấu)",
    "(Ký tên, đóng dấu)",
    "(Chữ ký, dấu)",
)
# The words of an instruction that are never a name's or a title's: a run of a line is taken
# for one only when two of them were read right.
_INSTRUCTION_WORDS = frozenset({"ky", "ghi", "ro", "ho", "ten", "dong", "dau", "chu", "dem"})
# The run's characters may differ from the instruction's by this share at most.
_INSTRUCTION_SLACK = 0.3


def _chars(text: str) -> str:
    return "".join(ch for ch in nfc(text).lower() if not ch.isspace())


def _anchor(token: str) -> bool:
    """Whether a word is one of the instruction's own words read right."""
    return "".join(ch for ch in fold(token).lower() if ch.isalpha()) in _INSTRUCTION_WORDS


# Italic serif faces (the instruction is set in italics) whose advance widths measure how long
# an instruction is printed; without one, its characters are counted.
_ITALIC_FACES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf",
    "/usr/share/texmf/fonts/opentype/public/tex-gyre/texgyretermes-italic.otf",
    "/usr/share/fonts/opentype/tex-gyre/texgyretermes-italic.otf",
    "/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
)
# How far (a share) a run's printed width may lie from an instruction's, as measured against
# the words of it read right (on seed 247's pages the form printed came within 2 %, another
# form 6-11 % off). The instruction nearest by letters gives way only when it is off by twice
# this and another is within it: the forms' instructions that lost words make alike differ by
# a quarter ("(Ký, họ tên, đóng dấu)" and "(Ký, ghi rõ họ tên, đóng dấu)"); "và" for a comma
# is no width's to tell.
_WIDTH_SLACK = 0.12


def italic_face_path() -> str | None:
    """The italic face an instruction's printed width is measured in, if the machine has one."""
    return next((face for face in _ITALIC_FACES if Path(face).is_file()), None)


@lru_cache(maxsize=1)
def _italic_face() -> ImageFont.FreeTypeFont | None:
    face = italic_face_path()
    return None if face is None else ImageFont.truetype(face, 100)


@lru_cache(maxsize=256)
def _printed_length(text: str) -> float:
    face = _italic_face()
    return float(len(text)) if face is None else float(face.getlength(text))


def _width_error(tokens: Sequence[str], spans: Sequence[tuple[int, int]], instruction: str
                 ) -> float | None:
    """How far (a share) the run ``tokens``, printed over ``spans`` (each word's left and
    right, in pixels), is from ``instruction``'s width between the first and the last of its
    words read right (a lost "(Ký," before the run is no part of either): the run's pixels
    scaled to the italic face's measure by the median of those words' own scales (one box can
    hold two words, "ghi" over "ghi rõ"). None when fewer than two of its words were read
    right."""
    words = instruction.split()
    right = [k for k, t in enumerate(tokens) if t in words and spans[k][1] > spans[k][0]]
    if len(right) < 2:
        return None
    first, last = words.index(tokens[right[0]]), words.index(tokens[right[-1]])
    if last <= first:
        return None
    scale = median(_printed_length(tokens[k]) / (spans[k][1] - spans[k][0]) for k in right)
    printed = (spans[right[-1]][1] - spans[right[0]][0]) * scale
    expected = _printed_length(" ".join(words[first:last + 1]))
    return abs(printed - expected) / expected


def instruction_run(tokens: Sequence[str], spans: Sequence[tuple[int, int]] = ()
                    ) -> tuple[int, int, str, float] | None:
    """The run ``tokens[start:end]`` of a line that is a signing instruction as read, the
    instruction it is, and how far the reading is from it (a share of its characters):
    ``(start, end, instruction, distance)``, or None.

    A run is one when two of its words are the instruction's own words read right ("ghi",
    "rõ", "họ", "tên", "đóng", "dấu"), its characters (spaces aside, case folded) are within
    ``_INSTRUCTION_SLACK`` of one instruction's, and that instruction is nearer than any other
    (as a share of its length: "(Ký, ghi rõ họ tên" is nearer the shorter instruction, "(Ký, ghi
    rõ họ tên, đóng dấu" the longer): "(Âý, ghirõ họ tên và đóng dấu)" is "(Ký, ghi rõ họ tên
    và đóng dấu)". Words of another column on the same line ("- Như trên;") only add to the
    distance, so the run leaves them out.

    With the words' ``spans`` on the page (left, right), what is printed decides between
    instructions a lost word makes alike: the run's width, scaled by the words of an
    instruction read right, must be that instruction's printed width ("(Ký, chỉ tên, đóng
    dấu)", "ghi rõ" read as one short word, is nearer "(Ký, họ tên, đóng dấu)" by its letters
    but is printed as wide as "(Ký, ghi rõ họ tên, đóng dấu)"): when the nearest instruction
    is far from the run's width (``2 * _WIDTH_SLACK``) and one other instruction the same run is
    near enough to is as wide (``_WIDTH_SLACK``), that other one is the instruction."""
    # instruction -> its distance as a share of its characters, the run's start and end
    nearest: dict[str, tuple[float, int, int]] = {}
    # Each word looked at once: a run's count of the instruction's words is a difference of
    # running counts (a line is tried as up to fourteen runs from every word).
    counts = [0, *itertools.accumulate(_anchor(t) for t in tokens)]
    for start in range(len(tokens)):
        for end in range(start + 1, min(len(tokens), start + 14) + 1):
            if counts[end] - counts[start] < 2:
                continue
            run = tokens[start:end]
            read = _chars(" ".join(run))
            for instruction in INSTRUCTIONS:
                target = _chars(instruction)
                if abs(len(read) - len(target)) > _INSTRUCTION_SLACK * len(target):
                    continue
                distance = _distance(read, target) / len(target)
                if distance <= _INSTRUCTION_SLACK and (
                        instruction not in nearest or distance < nearest[instruction][0]):
                    nearest[instruction] = (distance, start, end)
    if not nearest:
        return None
    ranked = sorted(nearest.items(), key=lambda item: item[1][0])
    instruction, (distance, start, end) = ranked[0]
    error = _width_error(tokens[start:end], spans[start:end], instruction) if spans else None
    if error is not None and error > 2 * _WIDTH_SLACK:
        # Far narrower or wider than the print: the same run read as another instruction
        # that is as wide as it.
        fitting = [(other, near) for other, near in ranked[1:] if near[1:] == (start, end)
                   and (e := _width_error(tokens[start:end], spans[start:end], other))
                   is not None and e <= _WIDTH_SLACK]
        if len(fitting) == 1:
            instruction, (distance, start, end) = fitting[0]
            ranked = fitting
    if len(ranked) > 1 and ranked[1][1][0] <= distance:
        return None  # two instructions as near: the reading does not tell which
    if " ".join(tokens[start:end]) == instruction:
        distance = 0.0
    return start, end, instruction, distance
