"""A known type's title in its fixed spelling: "GIẤY TIẾP NHẬN HỒ SỞ VÀ HẸN TRÀ KẾT QUẢ" as
read on a light scan is the receipt's "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" (tester10 F20),
and the misreading would otherwise be the paper's title in every listing. Only a reading that
is one of the type's listed titles once the marks are folded, a few marks wrong, takes the
listed spelling; any other title is a real one and is kept as read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from sohoa.records import OcrPage
from sohoa.vntext import fold, nfc

# How many letters may differ (marks only: the folded words are equal) — a couple of lost or
# confused marks, not a title whose every mark OCR invented.
_MAX_WRONG = 3
_MAX_WRONG_SHARE = 0.25


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", nfc(text))


def fixed_title(read: str | None, titles: Sequence[str]) -> str | None:
    """``read`` in the spelling of the listed title it misreads, in its own case; else
    ``read`` unchanged (None stays None)."""
    if not read:
        return read
    words = _words(read)
    folded = [fold(w) for w in words]
    # The nearest listed title of the same folded words: "GIẤY UỶ QUYỀN" is listed as printed
    # too, so the old tone placement is not "corrected" to "GIẤY ỦY QUYỀN".
    near = sorted((_wrong(words, _words(title)), title) for title in titles
                  if [fold(w) for w in _words(title)] == folded)
    # At most a couple of marks AND at most a quarter of the letters: both bounds hold, so a
    # long title cannot have eight marks "corrected" (review11b M2).
    if not near or near[0][0] > min(_MAX_WRONG, _MAX_WRONG_SHARE * sum(map(len, words))):
        return read
    title = near[0][1]
    if nfc(read) == nfc(title):
        return read
    # The listed title's own text, its words in the case they were read in: its commas stay
    # ("… ĐẤT, QUYỀN SỞ HỮU …", review11b M2) and a stray mark between words goes.
    said = iter(words)
    return re.sub(r"[^\W_]+", lambda m: _in_case(m.group(0), next(said)), nfc(title))

def _wrong(words: list[str], listed: list[str]) -> int:
    """Letters that differ between two lists of words of equal folded spelling."""
    return sum(abs(len(w) - len(t)) + sum(a != b for a, b in zip(w.lower(), t.lower(),
                                                                 strict=False))
               for w, t in zip(words, listed, strict=True))

def _in_case(word: str, like: str) -> str:
    """``word`` written in the case ``like`` was read in (upper, capitalized or lower)."""
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:].lower()
    return word.lower()


def titled_page(ocr: OcrPage, read: str, fixed: str) -> OcrPage:
    """``ocr`` with its title line(s) ``read`` written as ``fixed`` (the listed spelling
    :func:`fixed_title` gave) in its text and its words: the catalogue's title was right, but
    the stored text, the search index's snippet and the archived PDF's text layer still said
    "HỒ SỞ … TRÀ" on the project's own receipt (tester16 F1). Only a title whose words map one
    to one is rewritten; ``ocr`` unchanged otherwise."""
    said, meant = read.split(), fixed.split()
    if len(said) != len(meant) or said == meant:
        return ocr
    pattern = re.compile(r"(?<!\S)" + r"(\s+)".join(re.escape(w) for w in said) + r"(?!\S)")
    match = pattern.search(ocr.text)
    if match is None:
        return ocr
    spaces = [*match.groups(), ""]
    text = (ocr.text[:match.start()] + "".join(w + s for w, s in zip(meant, spaces, strict=True))
            + ocr.text[match.end():])
    words = list(ocr.words)
    texts = [w.text for w in words]
    for start in range(len(words) - len(said) + 1):
        if texts[start:start + len(said)] == said:
            for k, word in enumerate(meant):
                words[start + k] = replace(words[start + k], text=word)
            break
    return replace(ocr, text=text, words=tuple(words))
