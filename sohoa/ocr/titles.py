"""The signer's title and rank read against their closed vocabulary.

The signer's block of an administrative paper (Nghị định 30/2020/NĐ-CP, Phụ lục I) prints the
delegation and the title ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH", "TRƯỞNG CÔNG AN") and, for officers,
the rank before the name ("Trung tá Nguyễn Phước Phúc"). Under a red seal and a blue signature
the recogniser misses a letter or a mark of exactly these words ("TEƯỞNG CÔNG AN", "_K#-CHỦ
TỊCH", "Đại ủy", "Trừng tả"); a dictionary of words does not help ("ủy" is a word, "Trừng" is a
name), but the vocabulary of titles and ranks is closed (``titles.txt``), so a line whose words
are a near-miss of one of its entries is rewritten to it.

The rules cannot fire on ordinary text:

- a title must be the WHOLE line (separator specks aside): capitals, a known delegation or
  nothing before it, nothing after it; within one letter of it on the folded form (two for
  long titles, none for the shortest), the only entry that close; a body that signs through
  "TM." ("ỦY BAN NHÂN DÂN") only with the delegation read, as the same words head the page;
- a rank must open a line that holds nothing but it and a person's name (capitalized words);
  its second word read as it is folded ("tá", "úy", "tướng"), in lower case after a
  capitalized first word, and its first word within one letter in mixed case ("Trừng"), as
  folded in capitals ("PHƯỜNG TÂN BÌNH" is a place, not "THƯỢNG TÁ N BÌNH").

The surname after a rank is written as the one surname a mark away from it, when it is none
("Lễ" → "Lê"). Neither list is every title or surname there is ("TỔ TRƯỞNG", "Hờ"): a word the
engine read sure (80) that is a Vietnamese syllable keeps its letters; specks and punctuation
around it still go. The caller records each line so rewritten (``OcrPage.retitled``), and a
document with a line whose letters were changed goes to review ("Người ký: máy đọc là …") for a
person to compare with the paper; the line's words are kept apart in the text layer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sohoa.ocr.correct import is_syllable
from sohoa.ocr.fields.names import load_name_lexicon, reread_name_word
from sohoa.vntext import fold, nfc, title_case_name

_TITLES = Path(__file__).with_name("titles.txt")

# Symbols the recogniser prints for a letter lost under a seal or a stroke of a signature
# ("K#" for "KT"): they stand for any one letter. Other non-letters separate words.
_WILDCARDS = frozenset("#*@$%&+")
_ANY = "?"
# Letters the Vietnamese alphabet does not hold: read before a title, a seal's or pen's speck
# (no delegation has them).
_NOT_VIETNAMESE = frozenset("fjwz")
# A line longer than this is body text, never a title.
_MAX_TOKENS = 10
# Share of a title line's letters printed as capitals (titles are printed in capitals).
_MIN_CAPITALS = 0.7
# A word read this sure that is a Vietnamese syllable is what the paper prints: it is never
# rewritten into another title's word or another surname ("TỔ TRƯỞNG" is no misread "BỘ
# TRƯỞNG", "Hờ" no misread "Hồ": the lists are not every title and every surname there is).
_SURE = 80.0
# A line alone is taken for a name only when it opens with one of the commonest surnames (0.5%
# of people or more, ``names.txt``): a rarer one ("Công", "Phương") is likelier another word.
_COMMON_SURNAME = 5.0
# A circumflex the recogniser read apart from its letter ("Cảmˆ", "Cảm ˆ").
_HATS = "\u02c6^"


@dataclass(frozen=True)
class Entry:
    text: str  # as printed: "CHỦ TỊCH"
    letters: str  # folded letters without spaces: "chutich"
    collective: bool  # signs only through "TM.": never a title without the delegation


@dataclass(frozen=True)
class Titles:
    delegations: tuple[tuple[str, str], ...]  # ("KT.", "kt")
    entries: tuple[Entry, ...]
    ranks: tuple[tuple[str, str], ...]  # ("Trung", "tá") as printed
    heads: tuple[tuple[str, str], ...] = ()  # ("công an xã", "TRƯỞNG CÔNG AN"): agency, head


@cache
def load_titles(path: Path = _TITLES) -> Titles:
    """The closed vocabulary of ``titles.txt`` (see its header)."""
    delegations: list[tuple[str, str]] = []
    entries: list[Entry] = []
    ranks: list[tuple[str, str]] = []
    heads: list[tuple[str, str]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = nfc(raw.split("#", 1)[0]).strip()
        if not line:
            continue
        kind, _, rest = line.partition(" ")
        if kind == "@head":
            agencies, _, head = rest.partition("=>")
            heads.extend((" ".join(a.split()).lower(), " ".join(head.split()))
                         for a in agencies.split("|") if a.strip())
            continue
        items = [" ".join(item.split()) for item in rest.split("|") if item.strip()]
        if kind == "@delegation":
            delegations.extend((item, _letters(item)) for item in items)
        elif kind in ("@title", "@collective"):
            entries.extend(Entry(item, _letters(item), kind == "@collective") for item in items)
        elif kind == "@rank":
            for item in items:
                first, second = item.split()
                ranks.append((first, second))
        else:
            raise ValueError(f"{path}: unknown line {line!r}")
    return Titles(tuple(delegations), tuple(entries), tuple(ranks), tuple(heads))


def _letters(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalpha())


# --- edit distance ------------------------------------------------------------------------


def _distance(a: str, b: str) -> int:
    """Levenshtein distance; ``_ANY`` in ``b`` matches any letter of ``a`` at no cost."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            same = ca == cb or cb == _ANY
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (0 if same else 1)))
        previous = current
    return previous[-1]


def _alignment(a: str, b: str) -> list[int | None]:
    """For each character of ``a``, the index of the character of ``b`` it is aligned with
    (None when inserted), along one cheapest edit path."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            same = ca == cb or cb == _ANY
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1,
                           rows[-1][j - 1] + (0 if same else 1)))
        rows.append(row)
    out: list[int | None] = [None] * len(a)
    i, j = len(a), len(b)
    while i > 0 and j > 0:
        same = a[i - 1] == b[j - 1] or b[j - 1] == _ANY
        if rows[i][j] == rows[i - 1][j - 1] + (0 if same else 1):
            out[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif rows[i][j] == rows[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return out


def _allowed(letters: int) -> int:
    """Letters a title of ``letters`` letters may differ by: none for the shortest ("BÍ
    THƯ"), where one letter makes another word; two for the long ones."""
    return 0 if letters <= 5 else 1 if letters <= 12 else 2


# --- titles -------------------------------------------------------------------------------


def _line_letters(tokens: Sequence[str]) -> tuple[str, list[int], list[bool], int, int]:
    """The line's folded letters (wildcards as ``_ANY``), the token of each, whether each was
    read in lower case, and how many of its letters are capitals / letters at all."""
    letters: list[str] = []
    owner: list[int] = []
    lower: list[bool] = []
    capitals = total = 0
    for t, token in enumerate(tokens):
        for ch in token:
            if ch.isalpha():
                folded = fold(ch)
                letters.append(folded[:1] or ch.lower())
                owner.append(t)
                lower.append(ch.islower())
                total += 1
                capitals += ch.isupper()
            elif ch in _WILDCARDS:
                letters.append(_ANY)
                owner.append(t)
                lower.append(False)
    return "".join(letters), owner, lower, capitals, total


def _title_of(letters: str, titles: Titles) -> str | None:
    """The one title (with its delegation) that ``letters`` are a near-miss of, or None."""
    starts: list[tuple[int, str | None]] = [(0, None)]
    for printed, abbreviation in titles.delegations:
        head = letters[:len(abbreviation)]
        if len(head) == len(abbreviation) and all(
                c in (a, _ANY) for c, a in zip(head, abbreviation, strict=True)):
            starts.append((len(abbreviation), printed))
    found: dict[str, int] = {}
    for entry in titles.entries:
        allowed = _allowed(len(entry.letters))
        for start, delegation in starts:
            if entry.collective and delegation != "TM.":
                continue
            rest = letters[start:]
            if abs(len(rest) - len(entry.letters)) > allowed:
                continue
            distance = _distance(entry.letters, rest)
            if distance <= allowed:
                text = f"{delegation} {entry.text}" if delegation else entry.text
                found[text] = min(distance, found.get(text, distance))
    if not found:
        return None
    best = min(found.values())
    winners = [text for text, distance in found.items() if distance == best]
    return winners[0] if len(winners) == 1 else None


def _spread(text: str, tokens: Sequence[str], letters: str, owner: Sequence[int],
            lower: Sequence[bool]) -> list[str] | None:
    """``text``'s words laid over ``tokens`` where their letters were read: each word goes to
    the token holding most of its aligned letters, in order; a token given no word is ''.
    None when a capital before the title's first letter or all of a token's letters are
    outside the title ("K CHỦ TỊCH"): the line holds something else too. A small letter
    before it, or one Vietnamese does not write, is a speck read as a letter ("zTRƯỜNG CÔNG
    AN", "ZTRƯỜNG CÔNG AN")."""
    words = text.split()
    word_letters = [_letters(w) for w in words]
    joined = "".join(word_letters)
    aligned = _alignment(joined, letters)
    used = {owner[j] for j in aligned if j is not None}
    first = min((j for j in aligned if j is not None), default=0)
    if not all(low or letters[k] in _NOT_VIETNAMESE for k, low in enumerate(lower[:first])):
        return None  # a capital before the title where a delegation would be ("_K-CHỦ TỊCH")
    if any(any(ch.isalpha() for ch in token) and t not in used for t, token in enumerate(tokens)):
        return None
    places: list[int | None] = []
    at = 0
    for wl in word_letters:
        votes: dict[int, int] = {}
        for k in range(at, at + len(wl)):
            j = aligned[k]
            if j is not None:
                votes[owner[j]] = votes.get(owner[j], 0) + 1
        at += len(wl)
        places.append(max(votes, key=lambda t: (votes[t], -t)) if votes else None)
    # A word whose letters were all lost goes with its neighbour; the order is kept.
    for k in range(len(places)):
        if places[k] is None:
            places[k] = places[k - 1] if k else next((p for p in places if p is not None), 0)
    out: list[list[str]] = [[] for _ in tokens]
    last = 0
    for word, place in zip(words, places, strict=True):
        assert place is not None
        last = max(last, place)
        out[last].append(word)
    return [" ".join(ws) for ws in out]


# The recipients' column beside the signer's ("Nơi nhận:", "- Như trên;", "- Lưu: VT."), which
# the layout may read into the title's line.
_RECIPIENTS = re.compile(r"^\W*(noi nhan|nhu tren|luu\s*:|luu\s+(vt|hs)\b)")


def retitle_line(tokens: Sequence[str], titles: Titles,
                 confidences: Sequence[float | None] | None = None) -> list[str] | None:
    """``tokens`` (one line of the signer's block) written as the title they are (a near-miss
    of) — one text per token, '' for a token that held only specks — or None when the line is
    no title or could be two. A line that opens with a recipients' item ("Như trên: “PHỎCHỦ
    TỊCH") has its title after it written so."""
    sure = list(confidences) if confidences is not None else [None] * len(tokens)
    whole = _retitled(tokens, titles, sure)
    if whole is not None or not _RECIPIENTS.match(fold(" ".join(tokens))):
        return whole
    for cut in range(1, len(tokens)):
        tail = _retitled(tokens[cut:], titles, sure[cut:])
        if tail is not None:
            return [*tokens[:cut], *tail]
    return None


def _retitled(tokens: Sequence[str], titles: Titles, confidences: Sequence[float | None]
              ) -> list[str] | None:
    if not tokens or len(tokens) > _MAX_TOKENS:
        return None
    letters, owner, lower, capitals, total = _line_letters(tokens)
    if total < 2 or capitals < _MIN_CAPITALS * total:
        return None
    title = _title_of(letters, titles)
    if title is None:
        return None
    spread = _spread(title, tokens, letters, owner, lower)
    if spread is None or any(
            changes_letters(old, new) and not _evidently_misread(old, confidence)
            for old, new, confidence in zip(tokens, spread, confidences, strict=True)):
        return None
    return spread


# --- ranks --------------------------------------------------------------------------------

_CORE = re.compile(r"^([^\w]*)([^\W\d_]+)([^\w]*)$")


def _tone_on_y(word: str) -> bool:
    """Whether the tone mark of ``word`` sits on its "y" ("uý", the older placement)."""
    decomposed = unicodedata.normalize("NFD", word)
    return any(decomposed[k].lower() == "y" and unicodedata.category(decomposed[k + 1]) == "Mn"
               for k in range(len(decomposed) - 1))


def _with_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    return word


def _is_name_word(token: str) -> bool:
    match = _CORE.match(token)
    return bool(match) and match.group(2)[:1].isupper() and not match.group(3).strip(".,")


def _surname(word: str, *, after_rank: bool = False) -> str:
    """The name's first word after a rank as the one surname it is a mark away from
    ("Lễ" → "Lê", "Đưỡng" → "Dương"), or as read when it is a surname, when several surnames
    fold to it, or none does."""
    surnames = load_name_lexicon().surnames
    if title_case_name(word) in surnames:
        return word
    same = [s for s in surnames if fold(s) == fold(word)]
    if not same and after_rank and not is_syllable(word.lower()):
        # After a rank the word can only be a surname: a letter off one of the commonest
        # ("Ngnyễn" → "Nguyễn") when it is no syllable at all.
        same = [s for s, weight in surnames.items() if weight >= _COMMON_SURNAME
                and len(s) == len(word) and _distance(fold(s), fold(word)) == 1]
    if len(same) != 1:
        return word
    return same[0].upper() if word.isupper() and len(word) > 1 else same[0]


def _likely_surname(word: str) -> str:
    """A surname read sure as a syllable that is no surname, written as the one common surname
    it is a likely misreading of ("Đô" → "Đỗ": the ngã stacked over the hat merges with it);
    as read otherwise ("Hờ" is no "Hồ": a horn for a hat is no likely confusion)."""
    lexicon = load_name_lexicon()
    if title_case_name(word) in lexicon.surnames:
        return word
    again = reread_name_word(word, surname=True, lexicon=lexicon, least=0.9)
    titled = title_case_name(again)
    return again if lexicon.surnames.get(titled, 0.0) >= _COMMON_SURNAME else word


def rerank_line(tokens: Sequence[str], titles: Titles,
                confidences: Sequence[float | None] | None = None) -> list[str] | None:
    """``tokens`` written with their first two words as the officer's rank they are (a
    near-miss of: "Trừng tả" → "Trung tá", "Đại ủy" → "Đại úy", "táPhạm" → "tá Phạm"), and
    the surname after it as the one surname it is a mark away from ("Lễ" → "Lê"), when the
    rest of the line is a person's name; None otherwise."""
    if len(tokens) < 3 or len(tokens) > 7:
        return None
    first, second = _CORE.match(tokens[0]), _CORE.match(tokens[1])
    if first is None or second is None or first.group(3):
        return None
    head, tail = first.group(2), second.group(2)
    # "Trung tá" or "TRUNG TÁ": a capitalized first word, then the second in lower case.
    if not head[:1].isupper() or (not head.isupper() and not tail[:1].islower()):
        return None
    rest = list(tokens[2:])
    best: list[tuple[int, str, str, str]] = []
    for rank_first, rank_second in titles.ranks:
        wanted = fold(rank_second)
        read = tail
        extra = ""
        if len(tail) > len(wanted) and tail[:len(wanted)].islower() \
                and tail[len(wanted)].isupper():
            read, extra = tail[:len(wanted)], tail[len(wanted):]  # "táPhạm": rank and surname
        if fold(read) != wanted:
            continue
        # A letter off only in "Trừng" of a mixed-case line: in capitals the line may be a
        # place ("PHƯỜNG TÂN BÌNH" is one letter from "THƯỢNG TÁ N BÌNH").
        allowed = 1 if len(rank_first) >= 4 and not head.isupper() else 0
        distance = _distance(fold(rank_first), fold(head))
        if distance <= allowed:
            best.append((distance, f"{rank_first} {rank_second}", extra, read))
    if not best:
        return None
    low = min(b[0] for b in best)
    winners = {b[1:] for b in best if b[0] == low}
    if len(winners) != 1:
        return None
    rank, glued, read = winners.pop()
    name = ([glued] if glued else []) + [t for t in rest if any(c.isalpha() for c in t)]
    if not 2 <= len(name) <= 5 or not all(_is_name_word(t) for t in name):
        return None
    rank_first, rank_second = rank.split()
    if rank_second.endswith("úy") and _tone_on_y(read):
        rank_second = rank_second.replace("úy", "uý")
    new_first = _with_case(head, rank_first)
    new_second = _with_case(head, rank_second)
    sure = list(confidences) if confidences is not None else [None] * len(tokens)
    if glued:
        surname = (_surname(glued, after_rank=True) if _evidently_misread(glued, sure[1])
                   else glued)
        second_text = f"{new_second} {surname}"
    else:
        second_text = new_second
        at = next(k for k, t in enumerate(rest) if any(c.isalpha() for c in t))
        core = _CORE.match(rest[at])
        assert core is not None  # a name word (checked above)
        if _evidently_misread(rest[at], sure[2 + at]):
            rest[at] = core.group(1) + _surname(core.group(2), after_rank=True) + core.group(3)
        else:
            rest[at] = core.group(1) + _likely_surname(core.group(2)) + core.group(3)
    # A speck before the rank ("\"Thiếu tã") is the pen's or the seal's: dropped.
    return [new_first, second.group(1) + second_text + second.group(3), *rest]


def reread_signer_line(tokens: Sequence[str], titles: Titles,
                       confidences: Sequence[float | None] | None = None, *,
                       name_line: bool = False,
                       crossed: Sequence[bool] | None = None) -> list[str] | None:
    """One line of the signer's block as written when it is a title or a rank and a name (see
    the module doc; unchanged when read right), one text per token ('' for a token dropped:
    specks, or a piece of a word whose letters went to the token before it), or None when it
    is neither. ``confidences`` (the engine's, per token): a word read sure that is a
    Vietnamese syllable is not rewritten into another title's word, surname or name.
    ``name_line``: the line is where the signer's name is printed (:func:`opens_name_line`):
    a person's name alone on it is read against the names (:func:`_renamed`); a name after a
    rank always is. ``crossed``: the words a signature or a seal crosses, read through the
    ink: how sure the engine is of such a name word says nothing of its marks ("Hướng" read
    sure for "Hưởng" under the pen's stroke), so it is re-read as if unsure (a title's word
    is not: "TỔ TRƯỞNG" under a seal is still no "BỘ TRƯỞNG")."""
    names_sure: list[float | None] | None = None
    if confidences is not None:
        names_sure = [None if crossed is not None and crossed[k] else c
                      for k, c in enumerate(confidences)]
    ranked = rerank_line(tokens, titles, confidences)
    if ranked is not None:
        if " " in ranked[1].strip():  # "tá Phạm": the surname glued to the rank
            return ranked
        sure = names_sure[2:] if names_sure is not None else None
        return ranked[:2] + (_renamed(ranked[2:], sure, surname_read=True) or ranked[2:])
    retitled = retitle_line(tokens, titles, confidences)
    if retitled is not None or not name_line:
        return retitled
    return _renamed(tokens, names_sure)


_NOT_NAME_EDGE = frozenset("()[]:;,\"“”'")


def doubtful_name(tokens: Sequence[str], titles: Titles, *, name_line: bool) -> str | None:
    """The signer's name on this line when it is read as a name yet is no plausible one, for a
    person to compare with the paper (tester11 F4/F15: "Đại úy N§uyến Đức Yến", "Bui Lhị
    Yến", "LÊ e gữ"); None otherwise. The name is what follows a rank the line opens with, or
    the whole line where the name is printed (``name_line``). It is taken for a name's reading
    when its first word is a surname's letters or two words are names' letters (marks and
    non-letters aside); it is doubtful when a word holds a non-letter, opens in lower case, is
    one letter, or is not written as ``names.txt`` lists it. Nothing is rewritten here."""
    # Specks ("`", "-", "\\") around the name are the seal's and the pen's, not its words.
    words = [t for t in tokens if any(ch.isalpha() for ch in t)]
    if not words or is_title_line(" ".join(words), titles):  # "PHÓ CHỦ TỊCH" under "KT. …"
        return None
    if all(w.isupper() for w in words):  # a heading ("PHƯỜNG XUÂN AN"), never a doubtful name
        return None
    ranks = {(fold(a), fold(b)) for a, b in titles.ranks}
    if len(words) >= 3 and (fold(words[0]), fold(words[1])) in ranks:
        name = words[2:]
    elif name_line:
        name = words
    else:
        return None
    # A word opening or closing on a bracket or a colon is the instruction ("(Đã ký)") or a
    # label ("Nơi nhận:"), never a name's reading.
    if not 2 <= len(name) <= 5 or any(w[0] in _NOT_NAME_EDGE or w[-1] in _NOT_NAME_EDGE
                                      for w in name):
        return None
    lexicon = load_name_lexicon()
    surnames = {fold(n) for n in lexicon.surnames}
    names = {fold(n) for n in lexicon.names} | surnames
    letters = [fold("".join(ch for ch in w if ch.isalpha())) for w in name]
    if letters[0] not in surnames and sum(w in names for w in letters) < 2:
        return None
    cased = title_case_name(" ".join(name)).split()
    for k, word in enumerate(name):
        table = lexicon.surnames if k == 0 else lexicon.names
        if (not word.isalpha() or len(word) == 1 or not word[0].isupper()
                or (cased[k] not in table and cased[k] not in lexicon.names)):
            return " ".join(name)
    return None


def name_reading(tokens: Sequence[str], titles: Titles,
                 confidences: Sequence[float | None] | None = None, *,
                 crossed: Sequence[bool] | None = None) -> list[str] | None:
    """``tokens`` written as the signer's name they are (a rank and a name, or a name alone,
    by the rules of :func:`reread_signer_line` where the name is printed), or None when the
    line is no name: a title, or words a name's rules do not take. For a line of the name's
    place read once more (the engine's second look under the pen): it is kept only as a
    name, never for being confident."""
    # A hat read apart after a word ("Ẩn ˆ") is that word's, as the names' rules read it
    # (``_renamed``): a letter by Unicode, it made the line a word too long for a rank and a
    # name (seed 337 p49, "` Thượn tá Lê Ngọc Ẩn ˆ").
    tokens = list(tokens)
    for k in range(1, len(tokens)):
        if tokens[k] and set(tokens[k]) <= set(_HATS) and tokens[k - 1][-1:].isalpha():
            tokens[k - 1] += tokens[k][0]
            tokens[k] = ""
    at = [k for k, t in enumerate(tokens) if any(ch.isalnum() for ch in t)]  # specks out
    words = [tokens[k] for k in at]
    sure = None if confidences is None else [confidences[k] for k in at]
    pen = None if crossed is None else [crossed[k] for k in at]
    if rerank_line(words, titles, sure) is None and _renamed(words) is None:
        return None
    if retitle_line(words, titles, sure) is not None:
        return None
    rewritten = reread_signer_line(words, titles, sure, name_line=True, crossed=pen)
    if rewritten is None:
        return None
    written = [""] * len(tokens)
    for k, text in zip(at, rewritten, strict=True):
        written[k] = text
    # Every word of the name as written is a listed name, its first a surname (after a rank
    # too: "Thượng tá Trai Quyền" is no name read).
    words = [core.group(2) for t in written if t and (core := _CORE.match(t)) is not None]
    ranked = rerank_line([tokens[k] for k in at], titles, sure) is not None
    name = words[2:] if ranked else words
    lexicon = load_name_lexicon()
    if not 2 <= len(name) <= 5 or title_case_name(name[0]) not in lexicon.surnames or any(
            title_case_name(w) not in lexicon.names for w in name[1:]):
        return None
    if len(words) != sum(1 for t in written if t):
        return None  # a token that is no word (a number, a word with a speck inside)
    return written


def mark_twins(word: str, *, surname: bool) -> list[str]:
    """The other listed names (surnames when ``surname``) of ``word``'s letters with other
    marks ("Hiến" → ["Hiển"], "Quyên" → ["Quyển"]): spellings the names' rules cannot choose
    between, as each is a name; only the print, read again, can."""
    lexicon = load_name_lexicon()
    table = lexicon.surnames if surname else lexicon.names
    titled = title_case_name(word)
    if titled not in table:
        return []
    return [n for n in table if fold(n) == fold(titled) and n != titled]


def marked_names(word: str, *, surname: bool) -> list[str]:
    """The listed names (surnames when ``surname``) of ``word``'s letters with other marks,
    whether or not ``word`` as read is one: "Quyến", no name, read for "Quyển" under the pen,
    has "Quyên", "Quyền" and "Quyển"; only the print can tell which (seed 313 p36, where the
    names' rules take the likeliest confusion, "Quyên")."""
    lexicon = load_name_lexicon()
    table = lexicon.surnames if surname else lexicon.names
    titled = title_case_name(word)
    return [n for n in table if fold(n) == fold(titled) and n != titled]


# Marks OCR prints beside a name for specks of the pen or the seal ("'Lý", "Mỹ -").
_SPECKS = re.compile(r"^[^\w]*$")


def _renamed(tokens: Sequence[str], confidences: Sequence[float | None] | None = None, *,
             surname_read: bool = False) -> list[str] | None:
    """A line that is nothing but a person's name (specks aside): a surname, or one mark from
    exactly one, then one to four capitalized words; each word that is no name as read
    written as the name it likeliest is (``reread_name_word``: "Phạm Văn Hướng" → "Phạm Văn
    Hưởng", "Võ Văn Mãn" → "Võ Văn Mẫn", "Nguyên Đức Cảmˆ" → "Nguyễn Đức Cẩm"), and a word in
    capitals among title-case ones in title case when that is a name ("Hồ THỊ Mỹ"). None when
    the line is no such name. ``surname_read``: the surname was already written (after a
    rank). A word read sure (``confidences``) that is a Vietnamese syllable is kept as read:
    "Phan Đình Phùng" is a name even if "Phụng" is in the list and "Phùng" is not."""
    sure = list(confidences) if confidences is not None else [None] * len(tokens)
    tokens = list(tokens)
    dropped: set[int] = set()
    for k in range(1, len(tokens)):
        if tokens[k] and set(tokens[k]) <= set(_HATS) and tokens[k - 1][-1:].isalpha():
            tokens[k - 1] += tokens[k][0]  # the hat read apart, as a word of its own
            dropped.add(k)
    at = [k for k, t in enumerate(tokens) if k not in dropped and not _SPECKS.match(t)]
    if not 2 <= len(at) <= 5:
        return None
    stems = 0
    for n, k in enumerate(at):
        stem = _stem_capital(tokens[k], surname=n == 0 and not surname_read)
        if stem is None and n > 0:
            stem = _lost_capital(tokens[k])
        if stem is not None:
            tokens[k] = stem
            stems += 1
    if stems > 1:
        return None  # two words with a capital lost: likelier no name
    cores = [_CORE.match(tokens[k].rstrip(_HATS)) for k in at]
    if any(c is None or not c.group(2)[:1].isupper() for c in cores):
        return None
    lexicon = load_name_lexicon()
    titled = sum(1 for c in cores if c is not None and not c.group(2).isupper())
    first = cores[0]
    assert first is not None
    read = first.group(2)
    surname = read if surname_read else _surname(read)
    if not surname_read and _evidently_misread(read, sure[at[0]]):
        surname = _likely_surname(surname)
    if title_case_name(surname) not in lexicon.surnames:
        return None
    if not surname_read and (lexicon.surnames[title_case_name(surname)] < _COMMON_SURNAME
                             or titled * 2 <= len(cores)):
        # "CÔNG AN PHƯỜNG LINH TRUNG", "Phường Tân Bình": an agency or a place whose first
        # word is a rare surname; a signer's name is printed in title case.
        return None
    out = list(tokens)
    reread = 0
    for n, (k, core) in enumerate(zip(at, cores, strict=True)):
        assert core is not None
        word = core.group(2)
        if n == 0:
            new = surname
        else:
            tail = tokens[k][len(core.group(0)):]
            new = (word + tail if not tail and not _evidently_misread(word, sure[k])
                   else reread_name_word(word + tail, surname=False, lexicon=lexicon))
            if title_case_name(new) not in lexicon.names and not tail:
                # A letter read twice ("Ngọoc"): the one name its letters read once give.
                once = {title_case_name(again) for again in (
                    reread_name_word(w, surname=False, lexicon=lexicon)
                    for w in stutter_free(word)) if title_case_name(again) in lexicon.names}
                if len(once) == 1:
                    new = once.pop()
                    reread += 1
                    if reread > 1:
                        return None
            if title_case_name(new) not in lexicon.names:
                return None  # a word that is no name, even re-read: not a name's line
            if fold(new) == fold(word) and title_case_name(new) != title_case_name(word):
                reread += 1
                if reread > 1:
                    return None  # two words that are no names: likelier no name at all
            if word.isupper() and len(word) > 1 and titled * 2 > len(cores):
                new = title_case_name(new)
            elif _mixed_case(new) and title_case_name(new) in lexicon.names:
                # "PHưỚC": a listed name's letters in a case no name is printed in (the
                # capitals' shapes of "H" and "Ớ" read for the small letters'): the letters
                # are kept, only their case is the name's.
                new = title_case_name(new)
        # A full stop inside the name is a speck ("Phạm. Mỹ Bổn"); after its last word, kept.
        after = core.group(3) if n == len(at) - 1 else core.group(3).replace(".", "")
        out[k] = core.group(1) + new + after
    return [("" if k in dropped else t) for k, t in enumerate(out)]


def stutter_free(word: str) -> list[str]:
    """The spellings of ``word`` with one of two neighbouring letters of the same base letter
    left out ("Ngọoc" → "Ngọc", "Thiiện" → "Thiện"), the one with the marks kept (two with
    different marks: none), each a Vietnamese syllable: the recogniser reads a letter twice
    under speckle or a pen's stroke (seed 337 p49, "Ngọoc" — a syllable by its letters, as
    "soóc" is, but no name). For a word that is no listed name; the caller takes a spelling
    only when it is one. Empty when ``word`` has no such pair."""
    if not word.isalpha():
        return []
    out: list[str] = []
    for k in range(len(word) - 1):
        a, b = word[k], word[k + 1]
        if fold(a).lower() != fold(b).lower() or a.isupper() != b.isupper():
            continue
        if a == b or fold(b) == b:
            keep = word[:k + 1] + word[k + 2:]  # the second is plain: it goes
        elif fold(a) == a:
            keep = word[:k] + word[k + 1:]
        else:
            continue
        if is_syllable(keep.lower()) and keep not in out:
            out.append(keep)
    return out


# What a capital of one upright stem ("T", "I", "L") is read as at a name word's start
# ("1uyển", "luyển" for "Tuyển"): no name word starts so.
_STEMS = re.compile(r"^([^\w]*)[1lI|!]([a-zà-ỹđ]+)([^\w]*)$")


def _stem_capital(token: str, *, surname: bool) -> str | None:
    """``token`` with its first letter the one capital of a stem that makes it a name (a
    surname when ``surname``), when it starts with a stem read as "1" or "l" and no name
    word starts so; None otherwise ("Ia" stays: it is no misread name either way)."""
    match = _STEMS.match(nfc(token))
    if match is None:
        return None
    lexicon = load_name_lexicon()
    table = lexicon.surnames if surname else lexicon.names
    found = [f"{match.group(1)}{cap}{match.group(2)}{match.group(3)}" for cap in "TIL"
             if title_case_name(cap + match.group(2)) in table]
    return found[0] if len(found) == 1 else None


# The capitals a name word may open with (Vietnamese's, Đ among them).
_CAPITALS = "ABCDĐEGHIKLMNOPQRSTUVXY"


def _lost_capital(token: str) -> str | None:
    """``token`` with the capital it lost at its start given back ("hước" → "Phước": the
    pen's stroke starting over the word's first letter), when it is a lower-case word that is
    no name in any case and exactly one capital before it makes a listed name; None
    otherwise. Only for a word after the first of a line already taken as a name: the line's
    other words say it is one."""
    match = _CORE.match(nfc(token))
    if match is None or not match.group(2).islower() or len(match.group(2)) < 2:
        return None
    word = match.group(2)
    names = load_name_lexicon().names
    if title_case_name(word) in names:
        return None  # a name in lower case ("văn"): its case, not a letter, is off
    found = [cap + word for cap in _CAPITALS if title_case_name(cap + word) in names]
    return f"{match.group(1)}{found[0]}{match.group(3)}" if len(found) == 1 else None


def _mixed_case(word: str) -> bool:
    """Whether a word is neither in lower case, nor in capitals, nor in title case."""
    letters = "".join(ch for ch in word if ch.isalpha())
    return (len(letters) > 1 and not letters.isupper() and not letters.islower()
            and letters != letters[:1].upper() + letters[1:].lower())


def _evidently_misread(token: str, confidence: float | None) -> bool:
    """Whether a token may be rewritten: read unsure (or its confidence unknown), holding a
    letter lost to a symbol, or no Vietnamese syllable."""
    if confidence is None or confidence < _SURE:
        return True
    letters = "".join(ch for ch in token if ch.isalpha())
    return (any(ch in _WILDCARDS for ch in token) or not letters
            or not is_syllable(letters.lower()) or any(map(_foreign_letter, letters)))


# The marks of Vietnamese letters (NFD): the tones, and the hat, breve and horn of â ê ô ă ơ ư.
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


def _foreign_letter(letter: str) -> bool:
    """Whether a letter is none of Vietnamese's: a mark on a consonant ("Ñ", "š") or a mark
    the language has not ("ö"). Read sure, "Ñgô" passed for a syllable (the tilde taken for a
    tone) and stayed in the signer's name (seed 313 p32)."""
    base, *marks = unicodedata.normalize("NFD", letter)
    if not marks:
        return not base.isascii() and base not in "đĐ"
    return (base.lower() not in "aeiouy" or any(m not in _VIETNAMESE_MARKS for m in marks))


def changes_letters(old: str, new: str) -> bool:
    """Whether a rewrite changes a word's letters (not only specks or punctuation around it:
    "“PHÓ" → "PHÓ" is a clean-up, "TỔ" → "BỘ" a change)."""
    def letters(text: str) -> str:
        return "".join(ch for ch in nfc(text).lower() if ch.isalpha())
    return letters(old) != letters(new) and bool(letters(new))


# --- the delegation a deputy signs through ----------------------------------------------------

def lost_delegations(lines: Sequence[str], titles: Titles) -> dict[int, str]:
    """The lines (their index) that print a head's title right above its deputy's ("CHỦ TỊCH"
    over "PHÓ CHỦ TỊCH") without the delegation: a deputy signs for the head "KT." (Nghị định
    30/2020, Phụ lục I, mục II.8.b), so "KT." was printed and lost under the seal or the pen.
    Each maps to the line as written ("KT. CHỦ TỊCH"). Before the title, nothing or one short
    speck was read in the delegation's place ("K CHỦ TỊCH", "Ử CHỦ TỊCH"), also glued to the
    title's first word by the pen's marks ("=K†:CHỦ TỊCH")."""
    heads = {e.text for e in titles.entries if not e.collective}
    written = {printed for printed, _ in titles.delegations}
    spelled = {letters for _, letters in titles.delegations}  # "TL" is "TL.", not a speck
    out: dict[int, str] = {}
    for i in range(len(lines) - 1):
        below = " ".join(lines[i + 1].split())
        # As read, and with the marks between letters as spaces (a speck glued to the title).
        for tokens in (lines[i].split(), re.sub(r"[^\w]+", " ", lines[i]).split()):
            for lead in (0, 1):
                title = " ".join(tokens[lead:])
                if title in heads and f"PHÓ {title}" in heads and below == f"PHÓ {title}" \
                        and (lead == 0 or (len(tokens[0]) <= 3 and tokens[0] not in written
                                           and _letters(tokens[0]) not in spelled)):
                    out[i] = f"KT. {title}"
                    break
            if i in out:
                break
    return out


def speck_before_delegation(line: str, titles: Titles) -> str | None:
    """A delegation and a title with one letter or digit before them, glued by the pen's or
    the seal's marks ("Z.KT.CHỦ TỊCH"), written as the title line it is ("KT. CHỦ TỊCH"): a
    signer's title line opens with its delegation (Nghị định 30/2020, Phụ lục I, mục II.8),
    so what was read before it is a speck. None for any other line."""
    tokens = re.sub(r"[^\w]+", " ", line).split()
    if len(tokens) < 3 or len(tokens[0]) != 1:
        return None
    printed = {letters: text for text, letters in titles.delegations}
    entries = {e.text for e in titles.entries}
    title = " ".join(tokens[2:])
    delegation = printed.get(_letters(tokens[1]))
    if delegation is None or tokens[1] != delegation.rstrip(".") or title not in entries:
        return None
    return f"{delegation} {title}"


# --- where the signer's name is printed ------------------------------------------------------
# Under the title (and the signing instruction, where the paper prints one), after a few lines
# of the pen's and the seal's debris at most: a name alone on its line anywhere else (a
# citizen's on a form, a street, a district) is never re-read as a signer's.

DEBRIS_LINES = 3


def opens_name_line(line: str, titles: Titles) -> bool:
    """Whether the signer's name may follow ``line``: a title, a rank's line, or the signing
    instruction ("(Ký, ghi rõ họ tên, đóng dấu)")."""
    folded = fold(line)
    # The instruction asks to sign ("Ký", "Kí") in brackets, and a piece of it read alone keeps
    # one of them ("rõ họ tên, đóng dấu)") or two of its phrases ("ghi rõ họ tên, đóng dấu"):
    # a form's "Họ và tên người khai:" label is no signer's.
    phrases = {m.group() for m in _INSTRUCTION.finditer(folded)}
    return is_title_line(line, titles) or bool(
        phrases and (_SIGN.search(folded) or ")" in line or "(" in line or len(phrases) > 1)
        and not line.rstrip().endswith(":"))


def name_place(since: int | None, line: str, titles: Titles) -> int | None:
    """After ``line``: how many lines since the last the signer's name may follow (a title,
    the signing instruction: 0), counting debris; None when the name's place is past (any
    other line). ``since``: the same before ``line``."""
    if opens_name_line(line, titles):
        return 0
    if since is not None and since < DEBRIS_LINES and is_debris(line):
        return since + 1
    return None


def is_debris(line: str) -> bool:
    """A short line of the pen's or the seal's strokes read as marks ("\\zÌ", "Đi", "U8%"):
    two tokens at most, six letters at most."""
    return len(line.split()) <= 2 and sum(ch.isalpha() for ch in line) <= 6


# --- a title whose left part the seal covers --------------------------------------------------
# The seal is stamped over the left third of the signature (Nghị định 30/2020, Điều 33), and so
# over the left of the title above it: "Ủ TỊCH", "TỊCH" are what is read of "CHỦ TỊCH". Such a
# line is completed only where the block tells which title it is: the line is the signer's
# (a signing instruction, or a name, is one of the next two lines), exactly one title ends with
# what was read, a head's unless the line above is its "KT." (then the deputy's). A fragment
# of the instruction ("rõ") may come between.

# "(Chữ ký, dấu)" on police forms (tester17 F13) asks to sign as the others do.
_INSTRUCTION = re.compile(r"\b(?:ghi ro|ho ten|dong dau|chu ky)\b")
_SIGN = re.compile(r"\bk[yi]\b")


def _is_specks(line: str) -> bool:
    return sum(ch.isalpha() for ch in line) < 2


def _opens_name(line: str, titles: Titles) -> bool:
    tokens = line.split()
    return bool(tokens) and (_renamed(tokens) is not None
                             or rerank_line(tokens, titles) is not None)


def issuer_head(header: Sequence[str], titles: Titles) -> str | None:
    """The title of the head of the agency the page's ``header`` lines name (the last line
    naming one: the issuer under its superior), or None (``titles.txt``, ``@head``)."""
    found = None
    for line in header:
        # With its marks: folded, "Số: 648" would be "SỞ …".
        words = nfc(" ".join(re.sub(r"[^\w]+", " ", line).split())).lower()
        head = next((h for agency, h in titles.heads
                     if words == agency or words.startswith(agency + " ")), None)
        found = head or found
    return found


def _right_part(title: str, read: str) -> bool:
    """Whether ``read`` is ``title``'s last words, its first one cut on the left ("Ủ TỊCH",
    "TỊCH", not "Ủ TỊ"): whole words but the first."""
    want, got = title.split(), read.split()
    if len(got) > len(want) or got == want:
        return False
    tail = want[len(want) - len(got):]
    return tail[1:] == got[1:] and tail[0].endswith(got[0])


def _is_cut(title: str, read: str) -> bool:
    """Whether ``read``'s first word is a piece of the title's word there ("Ủ" of "CHỦ"), not
    the whole word ("THƯ KÝ" is a title of its own, not what a seal left of "TỔNG THƯ KÝ")."""
    want, got = title.split(), read.split()
    return want[len(want) - len(got)] != got[0]


def completed_titles(lines: Sequence[str], titles: Titles, header: Sequence[str] = (),
                     sealed: Container[int] = ()) -> dict[int, str]:
    """The lines (their index) that are the right part of a signer's title, with the title
    they are the right part of (see above); of two such titles, the head's of the agency the
    page's ``header`` names (:func:`issuer_head`). A line whose first word is whole ("CÔNG AN",
    "THANH TRA") is completed only when something hides its left (``sealed``: those lines; a
    seal there, or the line lies right of the block's axis)."""
    issuer = issuer_head(header, titles)
    heads = [e.text for e in titles.entries if not e.collective]
    out: dict[int, str] = {}
    for i, line in enumerate(lines):
        read = " ".join(re.sub(r"[^\w]+", " ", line).split())  # "CÔNG.AN": a speck apart
        if sum(ch.isalpha() for ch in read) < 4 or not read.isupper() or read in heads:
            continue
        after = [t for t in lines[i + 1:i + 5] if not _is_specks(t)][:2]
        if not any(_INSTRUCTION.search(fold(t)) or _opens_name(t, titles) for t in after):
            continue
        above = " ".join(lines[i - 1].split()) if i else ""
        if above.startswith("KT. ") and above[4:] in heads:
            wanted = [f"PHÓ {above[4:]}"] if f"PHÓ {above[4:]}" in heads else []
        else:
            wanted = [h for h in heads if not h.startswith("PHÓ ")]
        ends = [h for h in wanted if _right_part(h, read)
                and (i in sealed or _is_cut(h, read))]
        if len(ends) > 1 and issuer in ends:
            ends = [issuer]
        if len(ends) == 1:
            out[i] = ends[0]
    return out


def is_title_line(line: str, titles: Titles) -> bool:
    """Whether ``line`` is a signer's title as the vocabulary writes it, its delegation or
    none before it ("KT. CHỦ TỊCH", "TRƯỞNG CÔNG AN")."""
    words = " ".join(line.split())
    entries = {e.text for e in titles.entries}
    if words in entries:
        return True
    head, _, rest = words.partition(" ")
    return head in {printed for printed, _ in titles.delegations} and rest in entries


def spaced_title(line: str, titles: Titles) -> str | None:
    """The title ``line`` is with its spaces lost ("CHUTỊCH", "PHÓCHỦTỊCH": a heavy copy's
    print run together, render_document decisions 2-4) — the same letters once folded,
    spaces and stops aside, so nothing but the spaces and the marks is told —, or None when
    it is a title as read or no such title."""
    if is_title_line(line, titles) or any(ch.islower() for ch in line):
        return None
    written = retitle_line(line.split(), titles)
    if written is None:
        return None
    title = " ".join(" ".join(written).split())

    def letters(text: str) -> str:
        return "".join(ch for ch in fold(text) if ch.isalpha())

    if letters(title) != letters(line) or not is_title_line(title, titles):
        return None
    return title


def deputy_titles(lines: Sequence[str], titles: Titles) -> dict[int, str]:
    """The lines (their index) right under "KT. X" whose letters are "PHÓ X" but whose marks
    are not ("PHO CHỦ TỊCH"), with the deputy's title: the block says it is one, so a word
    read sure ("PHO" is a syllable) is no other title's."""
    heads = {e.text for e in titles.entries if not e.collective}
    out: dict[int, str] = {}
    for i in range(1, len(lines)):
        above = " ".join(lines[i - 1].split())
        if not above.startswith("KT. "):
            continue
        deputy = f"PHÓ {above[4:]}"
        line = " ".join(lines[i].split())
        if deputy in heads and line != deputy and fold(line) == fold(deputy):
            out[i] = deputy
    return out
