"""Vietnamese text rules shared by every room: NFC everywhere, folding for search and matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
_SPACE = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the only form sohoa stores or emits."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case and strip every diacritic, ``đ/Đ`` included: "Đồng Nai" -> "dong nai".

    Used for accent-insensitive search and for matching OCR text that lost or confused tone marks.
    """
    # A word's fold is kept (the recognizer's rules fold the same few thousand words of a page
    # tens of times each: ≈220 000 calls on the 34 pages of a foreign bench seed, 3% of their
    # CPU); a longer text is folded afresh, so that the cache stays small.
    return _fold_word(text) if len(text) <= _KEPT_FOLD else _fold(text)


_KEPT_FOLD = 48


@lru_cache(maxsize=1 << 15)
def _fold_word(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower()


def squash_spaces(text: str) -> str:
    """Collapse runs of white space into one space and trim the ends."""
    return _SPACE.sub(" ", text).strip()


def title_case_name(name: str) -> str:
    """Vietnamese personal-name capitalization: "NGUYỄN văn an" -> "Nguyễn Văn An"."""
    parts = squash_spaces(nfc(name)).split()
    return " ".join(part[:1].upper() + part[1:].lower() for part in parts)


def shown_number(value: float | int | None, digits: int = 0, *, trim: bool = False) -> str:
    """A number as Vietnamese writes it for people: decimal comma, thousands apart by a space
    ("1 234,5"; the dot would read as a thousands mark). "—" for none; ``trim`` drops the
    trailing zeros of the decimals (6 points, not "6,00"). Machine output (--json, CSV) keeps
    Python's own dot."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",")


def shown_percent(ratio: float | None, digits: int = 1) -> str:
    """A ratio (0.726) as a percentage for people: "72,6%"."""
    return "—" if ratio is None else shown_number(ratio * 100, digits) + "%"


def clipped(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: cut at the last space that fits, never inside
    a word, and "…" said where it was cut. A text that fits is returned as is. (A sentence cut
    inside a word — "dịch vụ l)." — reads as a typo; the clerk must see that something was
    left out.)"""
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    space = head.rfind(" ")
    if space >= limit // 2:  # a text without spaces for half its length is cut where it fits
        head = head[:space]
    return head.rstrip(" ,;:(-—") + "…"
