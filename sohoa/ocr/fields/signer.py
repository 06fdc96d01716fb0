"""The paper's signer (người ký) as metadata: the title block and the name under it, read off
the text recognition wrote (its signer lines already set to the closed vocabulary of titles and
ranks, ``sohoa.ocr.titles``), and the seals and hand signatures recognition found on the pages.

An archive keeps who signed a paper and officers search by it (issue 18: "the signer's title
and name are metadata an archive must keep"; seals and signatures "detected as such and
recorded (present, position)"). Nothing here reads pixels: a title the vocabulary does not know,
or a block recognition lost, gives no signer rather than a guess.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from statistics import median
from typing import Any

from sohoa.ocr.fields.names import load_name_lexicon
from sohoa.ocr.fields.pieces import Piece, piece_of
from sohoa.ocr.titles import (
    DEBRIS_LINES,
    Titles,
    is_debris,
    is_title_line,
    load_titles,
    opens_name_line,
    spaced_title,
)
from sohoa.records import InkMark, OcrPage, Word
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


# The legal basis ("Căn cứ Luật …") opens a decision's preamble, under the authority line that
# names the issuer's head with its body ("CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG …"): a title before it
# is no signer's — the signer's block closes the paper, after the body (tester17 t17-09).
_PREAMBLE = re.compile(r"can cu\b")

# Two words of a line further apart than this many line heights (and than three of the line's
# usual word gaps) stand in different columns: the applicant's and the officer's on a receipt,
# the fingerprint boxes beside the officer's block on a card's back (as sohoa.ocr.layout cuts).
_COLUMN_GAP_HEIGHTS = 1.2


def _pieces(page: OcrPage) -> list[Piece]:
    """The page's lines in reading order, each cut where a gap is far wider than its other
    word gaps; the pieces of a line left to right."""
    lines: dict[int, list[Word]] = {}
    for word in page.words:
        if word.text.strip():
            lines.setdefault(word.line, []).append(word)
    out: list[Piece] = []
    for line_no in sorted(lines):
        words = sorted(lines[line_no], key=lambda w: w.left)
        height = float(median(w.height for w in words))
        gaps = [b.left - (a.left + a.width) for a, b in itertools.pairwise(words)]
        usual = min(median(gaps), 0.6 * height) if gaps else 0.0
        cut = max(_COLUMN_GAP_HEIGHTS * height, 3.0 * usual)
        run = [words[0]]
        for gap, word in zip([*gaps, None], [*words[1:], None], strict=True):
            if word is not None and gap is not None and gap <= cut:
                run.append(word)
                continue
            out.append(piece_of(run))
            if word is not None:
                run = [word]
    return _rejoined(out)


def _rejoined(pieces: list[Piece]) -> list[Piece]:
    """Pieces of one printed line that the recognizer read as two lines (one set a little
    lower: "QUẢN LÝ HÀNH CHÍNH VỀ" and "TRẬT TỰ XÃ HỘI" under a card's title) joined into one,
    at the first's place: level with each other by over half the lower one's height, no
    further apart than a column gap, side by side rather than one above the other."""
    out: list[Piece] = []
    for piece in pieces:
        for n, other in enumerate(out):
            level = min(piece.bottom, other.bottom) - max(piece.top, other.top)
            height = min(piece.bottom - piece.top, other.bottom - other.top)
            across = min(piece.right, other.right) - max(piece.left, other.left)
            narrow = min(piece.right - piece.left, other.right - other.left)
            reach = _COLUMN_GAP_HEIGHTS * max(piece.height, other.height)
            if level > 0.5 * height and -reach <= across < 0.5 * narrow:
                first, second = sorted((other, piece), key=lambda p: p.left)
                out[n] = Piece(f"{first.text} {second.text}", first.left,
                                max(first.right, second.right), min(first.top, second.top),
                                max(first.bottom, second.bottom),
                                max(first.height, second.height), first.sizes + second.sizes)
                break
        else:
            out.append(piece)
    return out


def _wrapped(line: str) -> str:
    """A line of an agency's name wrapped under its title, without a stroke read as a lone
    letter before it ("Ì QUẢN LÝ …", the fingerprint box's edge on a card's back) or marks
    read after a word ("HỘI!")."""
    words = [w.rstrip("!|.,;:'`\"") for w in line.split()]
    words = [w for w in words if w]
    if len(words) > 1 and len(words[0]) == 1 and _capitals(words[1:]):
        words = words[1:]
    # A lone letter is a speck, not a wrapped line of the agency's name.
    return " ".join(words) if len(words) > 1 or sum(map(len, words)) > 1 else ""


class _Reader:
    """The signer's block read off a sequence of lines, each with the lines above and below
    it that belong to its column."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.titles = load_titles()
        self.lines = [_speck_off(" ".join(nfc(line).split()), self.titles) for line in lines]
        # A title read with its spaces lost is that title: read as no line of the block, it
        # ended the block above the name ("KT. CHỦ TỊCH / CHUTỊCH / Nguyễn Trung Nam").
        self.lines = [spaced_title(line, self.titles) or line for line in self.lines]
        # A body that signs only through "TM." ("ỦY BAN NHÂN DÂN") is the header without it.
        self.collective = {e.text for e in self.titles.entries if e.collective}

    def titled(self, line: str) -> bool:
        return is_title_line(line, self.titles) and line not in self.collective

    def last_title(self) -> int | None:
        """The last line that is a signer's title, after the preamble's legal basis."""
        opens = max((n for n, line in enumerate(self.lines) if _PREAMBLE.match(fold(line))),
                    default=-1)
        ends = [n for n, line in enumerate(self.lines) if n > opens
                and (self.titled(line) or _title_of_body(line, self.titles, self.collective))]
        return ends[-1] if ends else None

    def read(self, last: int, above: Callable[[list[int]], list[int]],
             below: Callable[[list[int]], list[list[int]]],
             printed: Callable[[list[int]], bool] = lambda row: True) -> dict[str, str]:
        """The block whose last title line is ``last``: ``above`` gives the line numbers over
        the block's lines so far, nearest first; ``below`` the rows under them, nearest first,
        each the numbers of the lines it is read from, left to right. ``printed``: whether a
        row is print of the title's size (a seal's small lettering is no more of the title)."""
        lines = self.lines
        block = [last]
        for n in above(block):
            if not self.titled(lines[n]):
                break
            block.insert(0, n)
        title = " / ".join(lines[n] for n in block)
        under = below(block)
        if _title_of_body(lines[last], self.titles, self.collective):
            # The agency's name wrapped onto the next lines, in capitals: one title (a name in
            # capitals, opening with a surname, is the signer's).
            surnames = load_name_lexicon().surnames
            while under:
                line = _wrapped(" ".join(lines[n] for n in under[0]))
                if not (line and printed(under[0]) and _capitals(line.split()) and
                        title_case_name(line.split()[0]) not in surnames):
                    break
                title = f"{title} {line}"
                block.extend(under[0])
                under = below(block)
        out = {"title": title}
        skipped = 0
        rows = [(line, row) for row in under if (line := " ".join(lines[n] for n in row))]
        after = [line for line, _ in rows]
        for n, line in enumerate(after):
            rank = next((f"{a} {b}" for a, b in self.titles.ranks
                         if line.startswith(f"{a} {b} ")), None)
            name = _pen_tail_off(line.removeprefix(f"{rank} ") if rank else line)
            if _name_line(name):
                if n + 1 < len(after) and _name_line(_pen_tail_off(after[n + 1])) and any(
                        _PARTY.match(fold(x)) for x in lines):
                    # Two names one under the other, and the page has another party's signing
                    # column (the applicant's "NGƯỜI NỘP HỒ SƠ" beside the officer's "NGƯỜI
                    # TIẾP NHẬN HỒ SƠ"): the reading order mixed the columns and the text
                    # alone cannot tell which name is under this title — none is kept rather
                    # than the citizen as the officer (tester17 F12).
                    break
                out["name"] = name
                if rank:
                    out["rank"] = rank  # "Trung tá": an officer's, printed before the name
                break
            if opens_name_line(line, self.titles):
                continue  # the signing instruction "(Ký, ghi rõ họ tên, đóng dấu)"
            skipped += 1
            # The seal's lettering in small print ("NHAN DAN Của" in the ring under the
            # title, tester17 t17-09) is passed as the pen's debris is.
            if skipped > DEBRIS_LINES or not (is_debris(line) or not printed(rows[n][1])):
                break
        return out


def _from_text(text: str) -> dict[str, str] | None:
    reader = _Reader(text.splitlines())
    last = reader.last_title()
    if last is None:
        return None
    return reader.read(last, lambda block: list(range(block[0] - 1, -1, -1)),
                       lambda block: [[n] for n in range(block[-1] + 1, len(reader.lines))])


def _from_words(page: OcrPage) -> dict[str, str] | None:
    """The block read in its column: the lines above and under its title whose middle lies
    within the title's width (one line height more each side), top-down — the other party's
    column and the boxes beside the block are not in it, however the lines were ordered."""
    pieces = _pieces(page)
    reader = _Reader([p.text for p in pieces])
    last = reader.last_title()
    if last is None:
        return None

    def column(block: list[int]) -> list[int]:
        reach = pieces[last].height
        left = min(pieces[n].left for n in block) - reach
        right = max(pieces[n].right for n in block) + reach
        return [n for n, p in enumerate(pieces) if n not in block and left <= p.centre <= right]

    def above(block: list[int]) -> list[int]:
        top = pieces[block[0]].top + 0.5 * pieces[block[0]].height
        return sorted((n for n in column(block) if pieces[n].bottom <= top),
                      key=lambda n: -pieces[n].top)

    def below(block: list[int]) -> list[list[int]]:
        # The pieces of one row are read as one line: a name cut where a word of it was lost
        # ("Thiếu tá ‖ Văn Yến") is the line the text gives.
        end = max(pieces[n].top + 0.5 * pieces[n].height for n in block)
        rows: list[list[int]] = []
        for n in sorted((n for n in column(block) if pieces[n].top >= end),
                        key=lambda n: (pieces[n].top, pieces[n].left)):
            row = rows[-1] if rows else []
            if row and min(pieces[n].bottom, pieces[row[0]].bottom) - max(
                    pieces[n].top, pieces[row[0]].top) > 0.5 * max(
                    pieces[n].bottom - pieces[n].top, pieces[row[0]].bottom - pieces[row[0]].top):
                row.append(n)
            else:
                rows.append([n])
        return [sorted(row, key=lambda n: pieces[n].left) for row in rows]

    def printed(row: list[int]) -> bool:
        # Most of the row's letters in words of the title's print, not the seal's lettering
        # ("XIN," 12 px under a card's 24 px title; "/S NHAN DAN Của" in a decision's seal).
        sizes = [size for n in row for size in pieces[n].sizes]
        least = 0.6 * pieces[last].height
        return 2 * sum(k for k, h in sizes if h >= least) >= sum(k for k, _ in sizes)

    return reader.read(last, above, below, printed)


def signer_of(text: str, pages: Sequence[OcrPage] = ()) -> dict[str, str] | None:
    """``{"title": …, "name": …, "rank": …}`` of the paper's last signer's block (title lines
    joined by " / ": "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"; ``name`` and ``rank`` only when read: a
    name line under the title, past the signing instruction and the pen's debris), or None when
    no line is a title of the vocabulary.

    With the recognized ``pages`` (their word boxes) the block is read in its column on the
    last page that has one: a receipt's two signing columns or a card's fingerprint captions
    read row by row with the officer's block (tester17 F8, F12) leave the officer's name
    under the officer's title. Without them, or when no page's pieces hold a title, off
    ``text`` in its lines' order."""
    for page in reversed(pages):
        found = _from_words(page)
        if found is not None:
            return found
    return _from_text(text)


def ink_marks(pages: Sequence[Sequence[InkMark]]) -> list[dict[str, Any]]:
    """The seals and hand signatures found on each page (1-based ``page``), with their box in
    the upright page's pixels: recorded as present where they are, never read as letters."""
    return [{"kind": m.kind, "page": n, "left": m.left, "top": m.top, "width": m.width,
             "height": m.height}
            for n, marks in enumerate(pages, 1) for m in marks]
