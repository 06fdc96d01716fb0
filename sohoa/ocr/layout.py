"""Reading order of a Vietnamese administrative page.

Such a page opens with a two-column header: the issuing body on the left ("ỦY BAN NHÂN DÂN …",
its number) and the national motto on the right ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
"Độc lập - Tự do - Hạnh phúc", place and date), and often closes with two columns again
("Nơi nhận" on the left, the signer on the right). Tesseract reads the header row by row and so
merges the two columns into lines that exist on no page. Here the words of a level (deskewed)
page are split into segments at wide gaps, grouped into rows, and the rows read top-down, except
that the opening and closing two-column runs (rows sharing a blank vertical channel near the
middle of the page) are read column by column, left first.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

# Two words of a line further apart than this many line heights (and than three of the line's
# usual word gaps) belong to different columns or cells.
_COLUMN_GAP_HEIGHTS = 1.2
# Where the blank channel between two columns may lie (share of the page width), and how wide it
# must stay at least.
_CHANNEL_ZONE = (0.2, 0.8)
_MIN_CHANNEL = 0.008
# A line whose middle is this close (share of the page width) to the page's middle is centred.
_CENTRED = 0.05
# Centred lines at the foot of a page (page number) that are not part of the signature blocks.
_MAX_FOOTER_ROWS = 1


@dataclass(frozen=True)
class Box:
    """A recognized word on the level (deskewed) recognition copy."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    line_key: int = 0  # Tesseract's own line: words of one line stay together before splitting

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


@dataclass
class _Segment:
    words: list[Box]

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Line:
    words: tuple[Box, ...]
    block: int


def _segments(words: Sequence[Box]) -> list[_Segment]:
    """Tesseract's lines, cut where a gap is far wider than the line's other word gaps.

    The two header columns often sit only about one line height apart (the left block is set
    wide), so a fixed gap threshold would either miss them or cut justified body lines.
    """
    by_line: dict[int, list[Box]] = {}
    for word in words:
        by_line.setdefault(word.line_key, []).append(word)
    segments: list[_Segment] = []
    for line_words in by_line.values():
        line_words.sort(key=lambda w: w.left)
        height = median(w.height for w in line_words)
        gaps = [b.left - a.right for a, b in itertools.pairwise(line_words)]
        # A line of two words has no "usual" gap to compare with; an ordinary word gap is
        # about a third of the line height, and more than 0.6 of it only in sparse lines.
        usual = min(median(gaps), 0.6 * height) if gaps else 0.0
        cut = max(_COLUMN_GAP_HEIGHTS * height, 3.0 * usual)
        current = [line_words[0]]
        for gap, word in zip(gaps, line_words[1:], strict=True):
            if gap > cut:
                segments.append(_Segment(current))
                current = []
            current.append(word)
        segments.append(_Segment(current))
    return segments


def _rows(segments: list[_Segment]) -> list[list[_Segment]]:
    """Group segments into rows, top-down: a segment joins a row when it overlaps the row
    vertically by more than half of the smaller height and no segment of the row horizontally
    (two pieces of text at the same x are two lines, however close)."""
    rows: list[list[_Segment]] = []
    for seg in sorted(segments, key=lambda s: (s.middle, s.left)):
        home = None
        for row in reversed(rows[-4:]):
            top = min(s.top for s in row)
            bottom = max(s.bottom for s in row)
            overlap = min(bottom, seg.bottom) - max(top, seg.top)
            beside = all(s.right <= seg.left or s.left >= seg.right for s in row)
            if overlap > 0.5 * min(bottom - top, seg.bottom - seg.top) and beside:
                home = row
                break
        if home is None:
            rows.append([seg])
        else:
            home.append(seg)
    for row in rows:
        row.sort(key=lambda s: s.left)
    rows.sort(key=lambda row: min(s.middle for s in row))
    return rows


def _subtract(free: list[tuple[float, float]], row: list[_Segment]) -> list[tuple[float, float]]:
    """What is left of the ``free`` x-intervals once the row's word boxes are taken out."""
    for word in (w for seg in row for w in seg.words):
        kept: list[tuple[float, float]] = []
        for lo, hi in free:
            if word.right <= lo or word.left >= hi:
                kept.append((lo, hi))
                continue
            if word.left > lo:
                kept.append((lo, word.left))
            if word.right < hi:
                kept.append((word.right, hi))
        free = kept
    return free


def _sides(row: list[_Segment], boundary: float) -> tuple[list[Box], list[Box]]:
    words = sorted((w for seg in row for w in seg.words), key=lambda w: w.left)
    left = [w for w in words if w.left + w.width / 2 < boundary]
    right = [w for w in words if w.left + w.width / 2 >= boundary]
    return left, right


def _column_run(rows: list[list[_Segment]], page_width: int, narrowest: float) -> tuple[int, float]:
    """Leading rows that share a blank vertical channel (no word box in it) near the middle.

    The channel is found from the word boxes, not from Tesseract's lines, because Tesseract
    often runs the first header line of both columns together. Returns (number of rows, x of
    the channel's middle): the longest run that keeps a channel at least ``narrowest`` wide
    with words on both sides of it in some row, or (0, 0.0) when there is none.
    """
    free = [(_CHANNEL_ZONE[0] * page_width, _CHANNEL_ZONE[1] * page_width)]
    prefixes: list[list[tuple[float, float]]] = []
    for row in rows:
        free = [iv for iv in _subtract(free, row) if iv[1] - iv[0] >= narrowest]
        if not free:
            break
        centred = len(row) == 1 and (
            abs((row[0].left + row[0].right) / 2 - page_width / 2) < _CENTRED * page_width
        )
        if centred and not any(all(_sides(row, (lo + hi) / 2)) for lo, hi in free):
            break  # a centred line on one side of every channel: the title, which ends a header
        prefixes.append(free)
    for length in range(len(prefixes), 0, -1):
        for lo, hi in sorted(prefixes[length - 1], key=lambda iv: iv[0] - iv[1]):
            boundary = (lo + hi) / 2
            if any(all(_sides(row, boundary)) for row in rows[:length]):
                return length, boundary
    return 0, 0.0


def _holed_line(row: list[_Segment], left: int, right: int) -> bool:
    """Whether ``row`` is one Tesseract line cut at a gap that runs from the body's left margin
    to its right margin: justified body text with a word missing, not two columns."""
    words = [w for seg in row for w in seg.words]
    if len(row) < 2 or len({w.line_key for w in words}) != 1:
        return False
    height = median(w.height for w in words)
    return row[0].left <= left + height and row[-1].right >= right - height


# A blank inside one of Tesseract's lines narrower than this many line heights is a word or
# two lost (under a stain, a speck taken off), not the channel between two columns: the
# closing columns' channel runs from "Nơi nhận" to the signer's title, a dozen heights and more.
_HOLE_HEIGHTS = 4.0


def _short_hole(row: list[_Segment]) -> bool:
    """Whether ``row`` is one Tesseract line cut only at blanks a word or two wide: the body's
    last line with a word lost ("đến làm thủ tục … kết ‖ trong giờ hành chính.", seed 313),
    which ends short of the right margin and so is no ``_holed_line``."""
    words = [w for seg in row for w in seg.words]
    if len(row) < 2 or len({w.line_key for w in words}) != 1:
        return False
    height = median(w.height for w in words)
    return all(b.left - a.right < _HOLE_HEIGHTS * height for a, b in itertools.pairwise(row))


def _is_centred_single(row: list[_Segment], page_width: int) -> bool:
    return len(row) == 1 and (
        abs((row[0].left + row[0].right) / 2 - page_width / 2) < _CENTRED * page_width
    )


def _has_lone_side(rows: list[list[_Segment]], boundary: float) -> bool:
    """Some row has text on one side only: blocks, not a grid of form cells read row by row."""
    return any(not all(_sides(row, boundary)) for row in rows)


def _centred_blocks(rows: list[list[_Segment]], boundary: float) -> bool:
    """Each side's lines are centred on a common axis (signature blocks), not left-aligned."""
    sides = [_sides(row, boundary) for row in rows]
    verdicts = []
    for side in (0, 1):
        spans = [(words[0].left, words[-1].right) for words in (s[side] for s in sides) if words]
        if len(spans) < 2:
            continue
        lefts = [lo for lo, _ in spans]
        centres = [(lo + hi) / 2 for lo, hi in spans]
        verdicts.append(max(centres) - min(centres) + 2 < max(lefts) - min(lefts))
    return bool(verdicts) and all(verdicts)


def _by_columns(rows: list[list[_Segment]], boundary: float) -> list[list[list[Box]]]:
    """The rows' words as two groups of lines: everything left of ``boundary``, then right."""
    sides = [_sides(row, boundary) for row in rows]
    return [[left for left, _ in sides if left], [right for _, right in sides if right]]


def _body_lines(rows: list[list[_Segment]]) -> list[list[Box]]:
    """The body's rows as lines, except where a row is two columns side by side: a card puts
    its photo column (photo, "Có giá trị đến: …" under it) left of the text column, and the
    lines of the text column that wrap beside the photo column are read before the photo
    column's text ("… thành phố | Thủ Đức, Thành phố Hồ Chí Minh", then "Có giá trị đến: …").

    A row is split before a word that starts where at least three rows of the body start (the
    text column's edge), and more of them than where the row itself starts, when a gap wider
    than the row's usual word gap comes before it and the line above starts there too (the text
    column goes on). The left parts are read once the rows beside them, which start at the
    edge, end.
    """
    starts = [row[0].left for row in rows]
    lines: list[list[Box]] = []
    aside: list[list[Box]] = []
    edge: int | None = None
    for row in rows:
        words = sorted((w for seg in row for w in seg.words), key=lambda w: w.left)
        height = median(w.height for w in words)

        def aligned(x: int, height: float = height) -> int:
            return sum(1 for start in starts if abs(start - x) <= height)

        own = aligned(words[0].left)
        gaps = [b.left - a.right for a, b in itertools.pairwise(words)]
        wide = max(0.3 * height, 1.5 * median(gaps)) if gaps else 0.0
        above = lines[-1][0].left if lines else None
        cut = next((k for k in range(1, len(words))
                    if gaps[k - 1] > wide
                    and above is not None and abs(words[k].left - above) <= height
                    and aligned(words[k].left) >= 3 and aligned(words[k].left) > own), None)
        if cut is not None:
            lines.append(words[cut:])
            aside.append(words[:cut])
            edge = words[cut].left
            continue
        if aside and (edge is None or abs(words[0].left - edge) > height):
            lines.extend(aside)
            aside = []
        lines.append(words)
    lines.extend(aside)
    return lines


def reading_order(words: Sequence[Box], page_width: int) -> list[Line]:
    """Lines of ``words`` in reading order; each line's words left to right."""
    if not words:
        return []
    rows = _rows(_segments(words))
    # A column channel must be wider than a word gap: about one line height.
    narrowest = max(_MIN_CHANNEL * page_width, float(median(w.height for w in words)))
    head, head_x = _column_run(rows, page_width, narrowest)
    # A centred page number ("Trang 2/2") under the signature blocks would end the closing
    # column run before it starts: it is read last, after the columns.
    footer = 0
    while (
        footer < _MAX_FOOTER_ROWS
        and len(rows) - footer > head + 1
        and _is_centred_single(rows[len(rows) - 1 - footer], page_width)
    ):
        footer += 1
    foot_rows = rows[len(rows) - footer :]
    rows = rows[: len(rows) - footer]
    tail, tail_x = _column_run(rows[head:][::-1], page_width, narrowest)
    # The header is two blocks by the rules of the format. At the foot, rows that pair up one to
    # one and start at the same x are form cells ("Ngày sinh: … | Giới tính: …"), read row by
    # row; signature blocks have lines of their own or are centred on their column.
    closing = rows[len(rows) - tail :]
    # A body line with a hole in it (a number lost under a seal or a stain) has a channel too:
    # it is one line of Tesseract's that runs from margin to margin, which two columns are not.
    body_left = min((s.left for row in rows[head:] for s in row), default=0)
    body_right = max((s.right for row in rows[head:] for s in row), default=0)
    holed = [k for k, row in enumerate(closing) if _holed_line(row, body_left, body_right)]
    if holed:
        closing = closing[holed[-1] + 1 :]
        tail = len(closing)
    if tail and not (_has_lone_side(closing, tail_x) or _centred_blocks(closing, tail_x)):
        tail = 0
    # Lines on the left only at the top of the run that start at the body's margin ("Quyết
    # định này kể từ ngày ký./.") end the body's last paragraph: the same order either way, but
    # drawn in the text layer as body lines, not as the top of the "Nơi nhận" column. So does
    # such a line with a word lost in it: its end is not the top of the signer's column.
    while tail and (not _sides(closing[0], tail_x)[1] or _short_hole(closing[0])) and (
        closing[0][0].left <= body_left + median(w.height for w in closing[0][0].words)
    ):
        closing = closing[1:]
        tail -= 1
    body_end = len(rows) - tail
    groups: list[list[list[Box]]] = []
    if head:
        groups.extend(_by_columns(rows[:head], head_x))
    groups.append(_body_lines(rows[head:body_end]))
    if tail:
        groups.extend(_by_columns(rows[body_end:], tail_x))
        groups.append([[w for seg in row for w in seg.words] for row in foot_rows])
    else:
        groups[-1].extend([w for seg in row for w in seg.words] for row in foot_rows)
    lines: list[Line] = []
    block = 0
    for group in groups:
        if not group:
            continue
        lines.extend(Line(words=tuple(line), block=block) for line in group)
        block += 1
    return lines
