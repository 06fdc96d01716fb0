"""A run of a line's words standing together between two column gaps, as one box: what the
header's left column (``headcolumn``) and the signer's block (``signer``) are read from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from sohoa.records import Word


@dataclass(frozen=True)
class Piece:
    """A line's words between two column gaps, with their box (upright page pixels)."""

    text: str
    left: int
    right: int
    top: int
    bottom: int
    height: float  # the words' median height
    sizes: tuple[tuple[int, int], ...] = ()  # each word's letters and height

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def piece_of(words: Sequence[Word]) -> Piece:
    """The piece these words (left to right, at least one) make."""
    return Piece(" ".join(w.text for w in words), min(w.left for w in words),
                 max(w.left + w.width for w in words), min(w.top for w in words),
                 max(w.top + w.height for w in words), float(median(w.height for w in words)),
                 tuple((sum(c.isalpha() for c in w.text), w.height) for w in words))
