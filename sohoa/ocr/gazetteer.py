"""Vietnam's real administrative units, to repair the place names that OCR damaged.

An address ends with its administrative units, lowest first ("…, phường Hố Nai, thành phố Biên
Hòa, tỉnh Đồng Nai"); an agency's name ends with its locality ("Ủy ban nhân dân phường Hố Nai").
Those names come from a closed list: the General Statistics Office's units in ``gazetteer.txt``
(see ``scripts/make_gazetteer.py``: the 63 provinces with their districts and wards before the
2025 reform, and the 34 provinces with their wards after it).

:func:`snap_units` matches the comma-separated parts of such a tail against that list and
rewrites them only with evidence:

* names are compared folded (tone and vowel marks dropped), so a confused mark costs nothing and
  the list's spelling is restored ("Hồ Nai" → "Hố Nai", "Tràng Bom" → "Trảng Bom");
* a few wrong letters are tolerated in proportion to the name's length ("Ba Đỉình" → "Ba Đình");
* the parts must name units nested in each other (the ward in the district in the province),
  and only then may a name that lost a syllable be completed ("thành phố Khánh" in Đồng Nai with
  the ward Bảo Quang can only be Long Khánh), or a garbled level word be replaced ("tính",
  "thành nhố", "(Huệ:" → the unit's own level);
* the best reading must be the only one of its cost; otherwise nothing is changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from sohoa.vntext import fold, nfc

_DATA = Path(__file__).with_name("gazetteer.txt")
PROVINCE, DISTRICT, WARD = 0, 1, 2
# Level words as printed, longest first; the level a unit of that kind sits at.
KINDS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "tỉnh", "quận", "huyện", "phường", "xã")
_KIND_FOLDS = {fold(k): k for k in KINDS}
# The levels a printed level word may name ("thành phố": a district-level city or a centrally-run
# one; a ward-level kind for any ward, since kinds change).
_LEVELS_OF = {"thành phố": (PROVINCE, DISTRICT), "tỉnh": (PROVINCE,), "quận": (DISTRICT,),
              "huyện": (DISTRICT,), "thị xã": (DISTRICT,), "thị trấn": (WARD,),
              "phường": (WARD,), "xã": (WARD,), "đặc khu": (WARD,)}
_MAX_PART = 4  # the most a part's reading may cost (a lost syllable, or a garbled level word)
_PARTIAL = 3  # a name that lost or garbled a whole word: only with the nesting's support
_JUNK_HEAD = 2  # words in place of the level word that are no level word at all
_NO_HEAD = 1  # no level word before the name
# Words that begin the other parts of an address (street, hamlet, group, house): a part that
# starts with one of them is not a unit whose level word OCR garbled.
_ADDRESS_WORDS = frozenset({
    "so", "duong", "pho", "ap", "to", "khu", "khu pho", "to dan pho", "thon", "xom", "ban",
    "ngo", "ngach", "hem", "kiet", "lo", "dai lo", "quoc lo", "tinh lo", "can ho", "chung cu",
    "toa", "khom", "khu vuc", "cum", "doi", "lang",
})


@dataclass(frozen=True)
class Unit:
    kind: str  # one of KINDS
    name: str  # "Đồng Nai", "Ba Đình", "1"
    level: int  # PROVINCE, DISTRICT or WARD
    parent: int  # index of the unit it belongs to, -1 for a province
    key: str  # the name folded


@dataclass(frozen=True)
class Gazetteer:
    units: tuple[Unit, ...]
    by_level: tuple[tuple[int, ...], ...]
    children: dict[int, tuple[int, ...]]


def _split_kind(full: str) -> tuple[str, str]:
    low = full.lower()
    for kind in KINDS:
        if low.startswith(kind + " "):
            return kind, full[len(kind) + 1:]
    raise ValueError(f"no level word in {full!r}")


@cache
def load(path: Path = _DATA) -> Gazetteer:
    units: list[Unit] = []
    province = district = -1
    children: dict[int, list[int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            if line.startswith("# 2025"):
                province = district = -1
            continue
        tag, *names = line.split("\t")
        if tag == "P":
            kind, name = _split_kind(names[0])
            province, district = len(units), -1
            units.append(Unit(kind, name, PROVINCE, -1, fold(name)))
            continue
        if tag == "D":
            kind, name = _split_kind(names[0])
            district = len(units)
            units.append(Unit(kind, name, DISTRICT, province, fold(name)))
            children.setdefault(province, []).append(district)
            continue
        parent = district if district >= 0 else province
        for full in names:
            kind, name = _split_kind(full)
            children.setdefault(parent, []).append(len(units))
            units.append(Unit(kind, name, WARD, parent, fold(name)))
    by_level = tuple(tuple(i for i, u in enumerate(units) if u.level == lv)
                     for lv in (PROVINCE, DISTRICT, WARD))
    return Gazetteer(tuple(units), by_level, {k: tuple(v) for k, v in children.items()})


def _allowed(key: str) -> int:
    """Wrong letters tolerated in a name of this (folded) length."""
    n = len(key.replace(" ", ""))
    return 0 if n < 4 or key.isdigit() else 1 if n < 9 else 2


def _name_cost(words: Sequence[str], folded: str, unit: Unit) -> float | None:
    """How far the OCR'd name (``words`` as printed, ``folded``) is from ``unit``'s name; None
    when it is not that name. Costs of _PARTIAL and more need the nesting's support."""
    if unit.key.isdigit() or folded.isdigit():
        return 0.0 if folded == unit.key else None
    if folded != unit.key and folded in _all_keys():
        return None  # a real unit's name as printed is not another's garbled
    d = Levenshtein.distance(folded, unit.key)
    if d <= _allowed(unit.key):
        # Marks break ties between spellings that fold alike.
        return d + 0.01 * Levenshtein.distance(nfc(" ".join(words)).lower(), unit.name.lower())
    mine, theirs = folded.split(), unit.key.split()
    if not mine or len(theirs) < 2:
        return None
    if len(mine) < len(theirs) and (theirs[-len(mine):] == mine or theirs[:len(mine)] == mine):
        return _PARTIAL + len(theirs) - len(mine) - 1  # "Khánh" for "Long Khánh"
    if len(mine) == len(theirs) and sum(a != b for a, b in zip(mine, theirs, strict=True)) == 1 \
            and len(theirs) >= 2:
        return float(_PARTIAL)  # "Lạc Khánh", "the Thành" for "Long Khánh", "Long Thành"
    return None


@cache
def _all_keys() -> frozenset[str]:
    return frozenset(u.key for u in load().units)


def _head_cost(head: Sequence[str], unit: Unit) -> float | None:
    if not head:
        return None if unit.key.isdigit() else float(_NO_HEAD)
    folded = fold(" ".join(head)).strip(" :;.,()-")
    want = fold(unit.kind)
    if folded == want or (unit.level == PROVINCE and folded in ("tp", "tp.")):
        return 0.0
    if folded in _KIND_FOLDS:
        # A unit changes kind over time (a xã becomes a phường): an older paper prints the
        # kind of its day, which stays as printed. Another level's word is another unit.
        return 0.5 if unit.level in _LEVELS_OF[_KIND_FOLDS[folded]] else None
    if any(fold(w) in _ADDRESS_WORDS or fold(w) in _KIND_FOLDS for w in head) \
            or folded in _ADDRESS_WORDS:
        return None  # a street's or another unit's words: not this unit's garbled level
    if len(folded) >= 2 and (Levenshtein.distance(folded, want) <= 2
                             or (len(folded) >= 4 and want.startswith(folded))):
        return 0.5  # "tính", "trinh", "thành nhố", "thành" (of "thành phố")
    if len(head) <= 2:
        return float(_JUNK_HEAD)  # "(Huệ:", "Pin", "Hà Càng" where the level word was
    return None


@dataclass(frozen=True)
class _Match:
    unit: int
    cost: float
    partial: bool
    head: tuple[str, ...]


def _part_matches(part: str, level: int, among: Sequence[int] | None, gaz: Gazetteer
                  ) -> list[_Match]:
    """Every unit at ``level`` (within ``among``) that ``part`` may name, with its cost."""
    tokens = part.split()
    pool = gaz.by_level[level] if among is None else among
    out: dict[int, _Match] = {}
    for k in range(min(3, len(tokens) - 1) + 1):
        head, words = tokens[:k], tokens[k:]
        if nfc(words[0]).lower() in _LEVELS_OF or nfc(" ".join(words[:2])).lower() in _LEVELS_OF:
            continue  # the level word belongs to the head ("tỉnh Bình" is no "Tịnh Bình")
        folded = " ".join(re.findall(r"[0-9a-z]+", fold(" ".join(words))))
        if not folded:
            continue
        for i in pool:
            unit = gaz.units[i]
            if unit.level != level:
                continue
            name = _name_cost(words, folded, unit)
            if name is None:
                continue
            hc = _head_cost(head, unit)
            if hc is None:
                continue
            cost = name + hc
            if cost > _MAX_PART:
                continue
            if i not in out or cost < out[i].cost:
                out[i] = _Match(i, cost, name >= _PARTIAL or hc >= _JUNK_HEAD, tuple(head))
    return list(out.values())


def _render(match: _Match, unit: Unit) -> str:
    head = nfc(" ".join(match.head))
    if head.lower() in _LEVELS_OF or (unit.level == PROVINCE and head.lower() == "tp."):
        level = head  # as printed
    elif unit.key.isdigit():
        level = unit.kind.capitalize()  # "Quận 1", "Phường 25"
    elif unit.level == PROVINCE and unit.kind == "thành phố":
        level = "Thành phố"  # a centrally-run city
    else:
        level = unit.kind
    return f"{level} {unit.name}"


_LAYOUTS = {3: ((WARD, DISTRICT, PROVINCE),),
            2: ((DISTRICT, PROVINCE), (WARD, DISTRICT), (WARD, PROVINCE)),
            1: ((PROVINCE,), (DISTRICT,), (WARD,))}


def _chains(parts: Sequence[str], levels: Sequence[int], gaz: Gazetteer
            ) -> list[tuple[float, int, tuple[_Match, ...]]]:
    """Consistent readings of ``parts`` (lowest unit first) as units at ``levels``, top down:
    (cost, partial count, matches)."""
    found: list[tuple[float, int, tuple[_Match, ...]]] = []

    def down(i: int, among: Sequence[int] | None, acc: tuple[_Match, ...]) -> None:
        if i < 0:
            total = sum(m.cost for m in acc)
            found.append((total, sum(m.partial for m in acc), acc))
            return
        for m in _part_matches(parts[i], levels[i], among, gaz):
            nxt = gaz.children.get(m.unit, ()) if i > 0 else None
            if i > 0 and levels[i - 1] == WARD and levels[i] == PROVINCE:
                nxt = [c for c in nxt if gaz.units[c].level == WARD]
            down(i - 1, nxt, (m, *acc))

    down(len(parts) - 1, None, ())
    return found


def snap_units(parts: Sequence[str]) -> list[str] | None:
    """The administrative parts (lowest first, at most three: ward, district, province)
    rewritten with the real units' names, or None when no single reading is well supported."""
    if not 1 <= len(parts) <= 3 or any(not p.strip() for p in parts):
        return None
    gaz = load()
    best: tuple[float, list[str]] | None = None
    for levels in _LAYOUTS[len(parts)]:
        chains = _chains(parts, levels, gaz)
        if not chains:
            continue
        solid = [c for c in chains if _supported(c)]
        if not solid:
            continue
        solid.sort(key=lambda c: c[0])
        cost, _, matches = solid[0]
        text = [_render(m, gaz.units[m.unit]) for m in matches]
        rivals = [c for c in solid[1:] if c[0] < cost + 1
                  and [_render(m, gaz.units[m.unit]) for m in c[2]] != text]
        if rivals:
            return None  # two readings as good as each other: leave the text alone
        if best is None or cost < best[0]:
            best = (cost, text)
    return best[1] if best else None


def _supported(chain: tuple[float, int, tuple[_Match, ...]]) -> bool:
    """A reading that completed a name or replaced a level word needs the other parts to be
    read almost as printed; a reading of one part alone must be nearly exact."""
    cost, partial, matches = chain
    if len(matches) == 1:  # alone, with its level word
        return not partial and cost <= 1.5 and bool(matches[0].head) \
            and _head_cost(matches[0].head, load().units[matches[0].unit]) in (0.0, 0.5)
    firm = sum(1 for m in matches if not m.partial and m.cost <= 1.5)
    return firm >= 1 and partial <= len(matches) - 1 and firm >= partial
