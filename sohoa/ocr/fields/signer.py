"""The paper's signer (người ký) as metadata: the title block and the name under it, read off
the text recognition wrote (its signer lines already set to the closed vocabulary of titles and
ranks, ``sohoa.ocr.titles``), and the seals and hand signatures recognition found on the pages.

An archive keeps who signed a paper and officers search by it (issue 18: "the signer's title
and name are metadata an archive must keep"; seals and signatures "detected as such and
recorded (present, position)"). Nothing here reads pixels: a title the vocabulary does not know,
or a block recognition lost, gives no signer rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sohoa.ocr.fields.names import load_name_lexicon
from sohoa.ocr.titles import (
    DEBRIS_LINES,
    Titles,
    is_debris,
    is_title_line,
    load_titles,
    opens_name_line,
)
from sohoa.records import InkMark
from sohoa.vntext import fold, nfc, title_case_name

# A person's name: two to five words, each a capitalised word of letters.
_NAME_WORDS = (2, 5)


# The pen's tail read after the name: "Hoàng Thị Ngọc-", "Lý Hữu Hưởng -" (tester17 F13).
_PEN_TAIL = re.compile(r"[\s\-–—_~.,]+$")


def _pen_tail_off(line: str) -> str:
    return _PEN_TAIL.sub("", line)


# A signing column of a party who is not the paper's signer: the applicant, the declarant,
# the one who asks or authorizes (folded, at a line's start).
_PARTY = re.compile(r"\(?nguoi (?:nop|khai|yeu cau|de nghi|(?:duoc )?uy quyen|nhan ket qua)\b")


def _speck_off(line: str, titles: Titles) -> str:
    """A title line without a seal's speck read as a letter before it ("É PHÓ CHỦ TỊCH",
    tester17 F13); any other line as it is."""
    head, _, rest = line.partition(" ")
    return rest if len(head) == 1 and rest and is_title_line(rest, titles) \
        and not is_title_line(line, titles) else line


def _name_line(line: str) -> bool:
    words = line.split()
    return _NAME_WORDS[0] <= len(words) <= _NAME_WORDS[1] and all(
        w.isalpha() and w[0].isupper() and (w[1:].islower() or len(w) == 1) for w in words)


def _capitals(words: Sequence[str]) -> bool:
    """Words of an agency's name in capitals ("CỤC CẢNH SÁT QUẢN LÝ HÀNH"): letters, all
    capitals; a dash between them may stand."""
    letters = [w for w in words if w not in ("-", "–")]
    return bool(letters) and all(w.isalpha() and w.isupper() for w in letters)


def _title_of_body(line: str, titles: Titles, collective: set[str]) -> bool:
    """Whether ``line`` is a title of the vocabulary followed by its agency's name in capitals,
    as a title is printed where the agency is not in the page's header: "CỤC TRƯỞNG CỤC CẢNH
    SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI" on the back of a citizen's card. A body that
    signs only through "TM." is not one ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI" heads the page)."""
    words = line.split()
    return any(is_title_line(head := " ".join(words[:k]), titles) and head not in collective
               and _capitals(words[k:]) for k in range(len(words) - 1, 0, -1))


def signer_of(text: str) -> dict[str, str] | None:
    """``{"title": …, "name": …, "rank": …}`` of the paper's last signer's block in ``text``
    (title lines joined by " / ": "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"; ``name`` and ``rank`` only when
    read: a name line under the title, past the signing instruction and the pen's debris), or
    None when no line of the text is a title of the vocabulary."""
    titles = load_titles()
    lines = [_speck_off(" ".join(nfc(line).split()), titles) for line in text.splitlines()]
    # A body that signs only through "TM." ("ỦY BAN NHÂN DÂN") is the page's header without it.
    collective = {e.text for e in titles.entries if e.collective}

    def titled(line: str) -> bool:
        return is_title_line(line, titles) and line not in collective

    ends = [n for n, line in enumerate(lines)
            if titled(line) or _title_of_body(line, titles, collective)]
    if not ends:
        return None
    last = ends[-1]
    first = last
    while first > 0 and titled(lines[first - 1]):
        first -= 1
    title = " / ".join(lines[first:last + 1])
    if _title_of_body(lines[last], titles, collective):
        # The agency's name wrapped onto the next lines, in capitals: one title (a name in
        # capitals, opening with a surname, is the signer's).
        surnames = load_name_lexicon().surnames
        while last + 1 < len(lines) and _capitals(lines[last + 1].split()) and \
                title_case_name(lines[last + 1].split()[0]) not in surnames:
            last += 1
            title = f"{title} {lines[last]}"
    out = {"title": title}
    skipped = 0
    after = [line for line in lines[last + 1:] if line]
    for n, line in enumerate(after):
        rank = next((f"{a} {b}" for a, b in titles.ranks if line.startswith(f"{a} {b} ")),
                    None)
        name = _pen_tail_off(line.removeprefix(f"{rank} ") if rank else line)
        if _name_line(name):
            if n + 1 < len(after) and _name_line(_pen_tail_off(after[n + 1])) and any(
                    _PARTY.match(fold(x)) for x in lines):
                # Two names one under the other, and the page has another party's signing
                # column (the applicant's "NGƯỜI NỘP HỒ SƠ" beside the officer's "NGƯỜI TIẾP
                # NHẬN HỒ SƠ"): the reading order mixed the columns and the text alone cannot
                # tell which name is under this title — none is kept rather than the citizen
                # as the officer (tester17 F12).
                break
            out["name"] = name
            if rank:
                out["rank"] = rank  # "Trung tá": an officer's, printed before the name
            break
        if opens_name_line(line, titles):
            continue  # the signing instruction "(Ký, ghi rõ họ tên, đóng dấu)"
        skipped += 1
        if skipped > DEBRIS_LINES or not is_debris(line):
            break
    return out


def ink_marks(pages: Sequence[Sequence[InkMark]]) -> list[dict[str, Any]]:
    """The seals and hand signatures found on each page (1-based ``page``), with their box in
    the upright page's pixels: recorded as present where they are, never read as letters."""
    return [{"kind": m.kind, "page": n, "left": m.left, "top": m.top, "width": m.width,
             "height": m.height}
            for n, marks in enumerate(pages, 1) for m in marks]
