"""The left column of a page's header read from the words' boxes, not from OCR's line order.

By Nghị định 30/2020 the header is two blocks side by side: the issuing body (its superior
above it) and the number line on the left, the national header and motto, then the place and
date, on the right. OCR reads them row by row and interleaves them: "CÔNG AN THÀNH / PHỐ HỒ CHÍ
MINH / CỘNG HÒA … / Độc lập … / CÔNG AN XÃ TÂN HIỆP / Số: …" (tester17 F3), and a reader of
the lines in that order takes the superior for the issuer. Here the national header's words
give the column boundary (where "CỘNG HÒA" and "Độc lập" start) and the left block's axis (the
middle of what stands left of the national header on its row); a row's piece belongs to the
left column when it lies left of the boundary or is centred on that axis (a long issuer's
name runs past the boundary on a row of its own). The column ends at the first piece that
starts on the left and is neither: the title or the body, which span the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise
from statistics import median

from rapidfuzz.distance import Levenshtein

from sohoa.ocr.fields.bodies import names_agency
from sohoa.ocr.fields.pieces import Piece, piece_of
from sohoa.ocr.segment import NATIONAL_HEADER, header_span
from sohoa.records import Word
from sohoa.vntext import fold

# Two words of a row further apart than this many word heights stand in different columns.
_COLUMN_GAP = 1.2
# How far (share of the page width) a piece's middle may lie from the left block's axis.
_AXIS = 0.04
# Only the page's first lines can hold the header.
_HEAD_LINES = 16
# The national header's and motto's first words: a word read as one of them is not cut, even
# when the alignment starts a letter into it ("Độc" aligned from its "c").
_FIRST_WORDS = tuple(dict.fromkeys(mark.split()[0] for mark in NATIONAL_HEADER))


def _split_glued(word: Word) -> list[Word]:
    """A box OCR gave two words ("DÂN CỘNG": the last of the left column and the first of the
    national header) as one box per word, its width shared by their letters."""
    parts = word.text.split()
    if len(parts) < 2:
        return [word]
    per = word.width / max(1, len(word.text))
    out, at = [], 0
    for part in parts:
        start = word.text.index(part, at)
        at = start + len(part)
        out.append(Word(part, word.left + round(start * per), word.top,
                        max(1, round(len(part) * per)), word.height, word.confidence,
                        word.block, word.line))
    return out


def _rows(words: Sequence[Word]) -> list[list[Word]]:
    """The page's first OCR lines, each its words left to right."""
    by_line: dict[int, list[Word]] = {}
    for word in words:
        for part in _split_glued(word):
            by_line.setdefault(part.line, []).append(part)
    rows = [sorted(by_line[k], key=lambda w: w.left) for k in sorted(by_line)[:_HEAD_LINES]]
    return [row for row in rows if row]


def _header_start(row: list[Word]) -> int | None:
    """The index of the word where the national header or motto starts in ``row``; a word
    that OCR glued to the header's first ("NAFỘNG": "NAI" + "CỘNG") is cut where it starts,
    in ``row`` itself, so that its first letters stay in the left column."""
    norm, starts = "", []
    for word in row:
        starts.append(len(norm))
        norm += re.sub(r"[^0-9a-z]+", " ", fold(word.text)).strip() + " "
    span = header_span(norm)
    if span is None:
        return None
    at = max(i for i, s in enumerate(starts) if s <= span[0])
    cut = span[0] - starts[at]
    word = row[at]
    if 0 < cut < len(word.text) and word.text.isalpha() and not any(
            Levenshtein.distance(fold(word.text), first) <= 1 for first in _FIRST_WORDS):
        per = word.width / len(word.text)
        width = round(cut * per)
        row[at:at + 1] = [replace(word, text=word.text[:cut], width=width),
                          replace(word, text=word.text[cut:], left=word.left + width,
                                  width=word.width - width)]
        at += 1
    return at


def _pieces(row: list[Word]) -> list[Piece]:
    """``row`` cut at its wide gaps: the parts standing in different columns."""
    height = median(w.height for w in row)
    out, run = [], [row[0]]
    for a, b in pairwise(row):
        if b.left - (a.left + a.width) > _COLUMN_GAP * height:
            out.append(piece_of(run))
            run = []
        run.append(b)
    out.append(piece_of(run))
    return out


def left_header_column(words: Sequence[Word], page_width: int) -> list[str]:
    """The lines of the header's left column, top down, down to where the title or the body
    begins; empty when the page prints no national header (a card) or nothing beside it."""
    rows = _rows(words)
    heads: list[tuple[list[Word], int]] = []
    for row in rows:
        at = _header_start(row)
        if at is not None:
            heads.append((row, at))
    if not heads:
        return []
    boundary = min(row[at].left for row, at in heads)
    first = piece_of(heads[0][0][heads[0][1]:])
    pieces: list[Piece] = []
    for row in rows:
        at = next((a for r, a in heads if r is row), None)
        if at is not None:
            if at:
                pieces.append(piece_of(row[:at]))
            continue
        pieces.extend(_pieces(row))
    pieces = [p for p in pieces if p.bottom >= first.top - int(p.height)]  # stamps above: not it
    beside = [p for p in pieces if p.right <= boundary and p.top <= first.bottom
              and p.bottom >= first.top]
    axis = median((p.left + p.right) / 2 for p in beside) if beside else None
    column: list[Piece] = []
    for piece in sorted(pieces, key=lambda p: p.top):
        if piece.left >= boundary:
            continue  # the right column: national header, motto, place and date
        centred = axis is not None and abs((piece.left + piece.right) / 2 - axis) \
            <= _AXIS * page_width
        if piece.right <= boundary or centred:
            column.append(piece)
        elif names_agency(piece.text):
            # An agency's name across the boundary off the axis (a column set flush left, a
            # name longer than the column): the boxes cannot tell; the lines' order decides.
            return []
        else:
            break  # a line across the page: the title or the body
    return [p.text for p in column]
