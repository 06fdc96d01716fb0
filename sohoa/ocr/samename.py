"""One person's name printed twice on a page: its readings agree (tester16 F9).

A page often prints a person's name more than once: the applicant's name in the body and in a
field, the signer's name under the title and in the text, a name in a table and in the body.
OCR reads each print apart and may get a mark right on one line and wrong on another ("ĐỖ VĂN
HƯỞNG" in the field, "Đỗ Văn Hướng" by the signer). Two readings whose letters are the same
(compared folded: the marks are what OCR confuses, not the letters) are one name: each word
where they differ is written as the reading that is a name of ``ocr/names.txt`` when only one
of them is, else as the one the recognizer was surer of (its confidences summed over the lines
that read it so), and as read when neither says more. Each word so written is recorded (as
read, as written), like the second reading's, and the name field holding it is flagged for a
person to compare with the paper.

A name here is a run of two to five capitalized words on one line opening with a listed surname
whose other words are listed middle or given names (all compared folded: "ĐÔ" is "Đỗ" read with
a mark lost), unless its first two words as read make a phrase of the administrative lexicon
("HỒ SƠ", "CÔNG AN")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from sohoa.ocr.correct import Lexicon, key
from sohoa.ocr.fields.names import load_name_lexicon
from sohoa.vntext import fold, nfc

_WORD = re.compile(r"^([^\w]*)([^\W\d_]+)([^\w]*)$")
_LONGEST = 5
# Words of address before a name, listed surnames too ("Ông", "Bà"): the name is after them.
_ADDRESS = frozenset({"ông", "bà"})


@dataclass(frozen=True)
class _Occurrence:
    line: int
    start: int  # index of the name's first token in its line
    cores: tuple[str, ...]  # the words' letters as written on the line


@cache
def _folded() -> tuple[frozenset[str], frozenset[str]]:
    """Folded surnames and folded middle/given names of ``ocr/names.txt``."""
    lexicon = load_name_lexicon()
    return (frozenset(fold(n).lower() for n in lexicon.surnames),
            frozenset(fold(n).lower() for n in lexicon.names))


def _capital_word(token: str) -> re.Match[str] | None:
    match = _WORD.match(token)
    return match if match is not None and match.group(2)[:1].isupper() else None


def names_on_line(tokens: Sequence[str], lexicon: Lexicon | None = None
                  ) -> list[tuple[int, tuple[str, ...]]]:
    """The persons' names on one line: (index of the first token, the words' letters)."""
    surnames, names = _folded()
    found: list[tuple[int, tuple[str, ...]]] = []
    i = 0
    while i < len(tokens):
        first = _capital_word(tokens[i])
        if first is None or first.group(3) or fold(first.group(2)).lower() not in surnames \
                or first.group(2).lower() in _ADDRESS:
            i += 1
            continue
        cores = [first.group(2)]
        j = i + 1
        while j < len(tokens) and len(cores) < _LONGEST:
            match = _capital_word(tokens[j])
            if match is None or match.group(1) or fold(match.group(2)).lower() not in names:
                break
            cores.append(match.group(2))
            j += 1
            if match.group(3):
                break  # "HƯỞNG," ends the name
        phrase = lexicon is not None and len(cores) > 1 and (
            (key(cores[0]), key(cores[1])) in lexicon.bigrams)
        if len(cores) > 1 and not phrase:
            found.append((i, tuple(cores)))
            i = j
        else:
            i += 1
    return found


def _written_as(core: str, reading: str) -> str:
    """``reading`` (lower case) in the case ``core`` was printed in."""
    if core.isupper() and len(core) > 1:
        return reading.upper()
    return reading[:1].upper() + reading[1:] if core[:1].isupper() else reading


def _ranked(weight: Mapping[str, float], names: Mapping[str, float]
            ) -> list[tuple[tuple[bool, float], str]]:
    """The readings of one word, best first: a listed name first, then the surer."""
    return sorted((((r[:1].upper() + r[1:]) in names, w), r) for r, w in weight.items())[::-1]


def agree(lines: Sequence[Sequence[str]], sure: Sequence[Sequence[float]],
          lexicon: Lexicon | None = None
          ) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """``lines`` (each a line's tokens) with every name printed twice or more written alike
    where its readings differ by marks (see the module doc); and the words so written, (as
    read, as written). ``sure``: each token's confidence (0 for a word the correction wrote:
    the recognizer read another)."""
    table = load_name_lexicon()
    out = [list(tokens) for tokens in lines]
    groups: dict[tuple[str, ...], list[_Occurrence]] = {}
    for line_no, tokens in enumerate(lines):
        for start, cores in names_on_line(tokens, lexicon):
            folded = tuple(fold(c).lower() for c in cores)
            groups.setdefault(folded, []).append(_Occurrence(line_no, start, cores))
    written: list[tuple[str, str]] = []
    for occurrences in groups.values():
        if len(occurrences) < 2:
            continue
        for position in range(len(occurrences[0].cores)):
            weight: dict[str, float] = {}
            for occ in occurrences:
                reading = nfc(occ.cores[position].lower())
                weight[reading] = weight.get(reading, 0.0) + sure[occ.line][occ.start + position]
            if len(weight) < 2:
                continue
            ranked = _ranked(weight, table.table(position == 0))
            if ranked[0][0] <= ranked[1][0]:
                continue  # neither the lexicon nor the recognizer says which
            best = ranked[0][1]
            for occ in occurrences:
                core = occ.cores[position]
                if nfc(core.lower()) == best:
                    continue
                at = occ.start + position
                match = _WORD.match(out[occ.line][at])
                assert match is not None
                new = _written_as(core, best)
                out[occ.line][at] = match.group(1) + new + match.group(3)
                written.append((core, new))
    return out, written
