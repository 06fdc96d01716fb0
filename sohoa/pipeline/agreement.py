"""Agreement across the documents of one dossier: one person's address (and name) printed on
several papers.

A dossier holds several papers that print the applicant's address (the receipt sheet, the
application form, the residence confirmation, the ID card). OCR damages each copy differently, so
where several readings of the same person's address are variants of one string (not two
addresses: a person may really have moved), the reading the dossier best supports replaces the
others: the one most documents show, then the one with the most administrative units the
gazetteer confirms; two readings only the papers' OCR confidence tells apart are each kept. A
reading is only ever replaced by another document's reading, never by text no document shows.
The person's name is reconciled the same way, then by the names list, then by OCR confidence.
Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from sohoa.ocr.fields.addresses import snap_address
from sohoa.ocr.fields.names import load_name_lexicon
from sohoa.ocr.gazetteer import snap_units
from sohoa.vntext import fold, nfc, squash_spaces

# Free-text person fields reconciled across a dossier (the documents grouped by their owner's
# citizen ID, so the name is one person's). The others (ID number, dates, sex) are validated
# values with their own checks; the place of birth showed no gain on the bench.
AGREEING_FIELDS = ("address", "full_name")

_MIN_SIMILARITY = 0.85  # folded characters, over the longer reading
_MAX_DROPPED_WORDS = 3
# A reading outvoted by several documents that agree exactly may be further from theirs.
_MIN_SIMILARITY_SUPPORTED = 0.75


@dataclass(frozen=True)
class Reading:
    """One document's reading of a person's field."""

    doc: int  # the document's position in its dossier
    value: str
    ocr_confidence: float  # the document's OCR confidence


@dataclass(frozen=True)
class Agreement:
    """The reading chosen for document ``doc`` and the documents that show it."""

    doc: int
    value: str
    sources: tuple[int, ...]


def _key(value: str) -> str:
    return squash_spaces(nfc(value))


def _words(value: str) -> list[str]:
    return re.findall(r"\w+", fold(value))


def _numbers(value: str) -> list[str]:
    return re.findall(r"\d+", fold(value))


def _diff(a: str, b: str) -> tuple[float, int, list[tuple[str, str]]] | None:
    """How ``a`` differs from ``b`` after folding marks: the character similarity, the words
    ``a`` lacks or adds, and the (a, b) word runs replaced; None when their numbers differ."""
    if _numbers(a) != _numbers(b):
        return None
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return None
    similarity = Levenshtein.normalized_similarity(" ".join(wa), " ".join(wb))
    dropped, replaced = 0, []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if op in ("delete", "insert"):
            dropped += (i2 - i1) + (j2 - j1)
        elif op == "replace":
            replaced.append((" ".join(wa[i1:i2]), " ".join(wb[j1:j2])))
    return similarity, dropped, replaced


def _misread(left: str, right: str) -> bool:
    return Levenshtein.distance(left, right) <= max(1, min(len(left), len(right)) // 3)


def _misread_unit(own: str, other: str, y: str) -> bool:
    """The words ``y`` of ``other`` belong to administrative units the gazetteer confirms in
    ``other`` beyond those it confirms in ``own``: ``own`` misread a unit's name ("thị trấn Đức
    Đăng" for "Đức Phong", "Bảo Chung" for "xã Bảo Quang"), not a street ("Lê Lợi")."""
    own_count, _ = _units(own)
    count, words = _units(other)
    return own_count < count and all(w in words for w in y.split())


def same_text(own: str, other: str) -> bool:
    """``own`` and ``other`` are two readings of one string, not two different strings: after
    folding marks, the same numbers in the same order, a high character similarity, and every
    difference either a few words one reading lost, a word misread into a close one
    ("thong"/"thang") or into another where ``other`` has a unit the gazetteer confirms and
    ``own`` has not; never a street replaced by another ("Trần Phú"/"Lê Lợi")."""
    diff = _diff(own, other)
    if diff is None:
        return False
    similarity, dropped, replaced = diff
    return similarity >= _MIN_SIMILARITY and dropped <= _MAX_DROPPED_WORDS \
        and all(_misread(x, y) or _misread_unit(own, other, y) for x, y in replaced)


def damaged_copy(own: str, other: str) -> bool:
    """``own`` is a damaged copy of ``other`` (to be believed only when several documents show
    ``other``): the same numbers, a fair similarity, and every difference words ``own`` lost or
    gained, a close misreading, a fragment of at most two letters ("khu sẻ 11" for "khu phố
    11"), or a misread unit name (:func:`same_text`). Two well-formed readings that differ by a
    street name are two addresses, not one."""
    diff = _diff(own, other)
    if diff is None or diff[0] < _MIN_SIMILARITY_SUPPORTED:
        return False
    return all(_misread(x, y) or all(len(w) <= 2 for w in x.split())
               or _misread_unit(own, other, y) for x, y in diff[2])


@lru_cache(maxsize=1024)
def _units(value: str) -> tuple[int, frozenset[str]]:
    """How many administrative parts (ward, district, province) of ``value`` the gazetteer
    confirms (:func:`sohoa.ocr.fields.addresses.snap_address`), and their folded words."""
    snapped = snap_address(value)
    if snapped is None:
        return 0, frozenset()
    parts = snapped.split(", ")
    count = next((m for m in (3, 2, 1) if len(parts) >= m and snap_units(parts[-m:])), 0)
    return count, frozenset(w for part in parts[len(parts) - count:] for w in _words(part))


def confirmed_units(value: str) -> int:
    """How many administrative parts (ward, district, province) of ``value`` the gazetteer
    confirms; 0 when none."""
    return _units(value)[0]


def listed_words(name: str) -> int:
    """How many words of a person's name are names of ``ocr/names.txt`` as read (the first a
    surname): of two readings differing by a mark, "Đỗ Văn Hưởng" (3) over "Đỗ Văn Hướng" (2)."""
    lexicon = load_name_lexicon()
    words = [w[:1].upper() + w[1:].lower() for w in nfc(name).split()]
    return sum(w in lexicon.table(k == 0) for k, w in enumerate(words))


def agree(readings: Sequence[Reading], *, names: bool = False) -> list[Agreement]:
    """For each reading that the dossier's other readings outvote, the reading to use instead.

    Readings are compared pairwise (:func:`same_text`); each document only considers the readings
    of its own string (or, when several documents agree exactly on another reading, those of
    which it is a damaged copy: :func:`damaged_copy`). A reading is replaced when another is
    shown by more documents, or by as many but with more administrative units confirmed by the
    gazetteer, or (``names``: the readings are a person's name) more of its words listed names
    (:func:`listed_words`: tester16 F9, the listed reading of one name read two ways), or — a
    name only — as many but read with a higher OCR confidence. Two readings of an address
    nothing but the papers' OCR confidence tells apart are each kept: a clean print misread
    ("Đồng Khới") overwrote a photocopy read right (tester19 F10)."""
    by_value: dict[str, list[Reading]] = {}
    for r in readings:
        by_value.setdefault(_key(r.value), []).append(r)
    if len(by_value) < 2:
        return []
    confirmed = {v: 0 if names else confirmed_units(v) for v in by_value}
    listed = {v: listed_words(v) if names else 0 for v in by_value}
    best_conf = {v: max(r.ocr_confidence for r in rs) if names else 0.0
                 for v, rs in by_value.items()}

    def rank(v: str) -> tuple[int, int, int, float]:
        return (len(by_value[v]), confirmed[v], listed[v], best_conf[v])

    changes: list[Agreement] = []
    for own, rs in by_value.items():
        variants = [v for v in by_value if v != own and (
            same_text(own, v)
            or (len(by_value[v]) >= 2 and len(by_value[v]) > len(rs) and damaged_copy(own, v)))]
        if not variants:
            continue
        best = max(variants, key=rank)
        if rank(best) <= rank(own):
            continue
        sources = tuple(sorted(r.doc for r in by_value[best]))
        changes += [Agreement(r.doc, best, sources) for r in rs]
    return changes
