"""Vietnamese post-correction of recognized words: syllable rules plus an administrative lexicon.

Tesseract's ``vie`` model reads Vietnamese letters well but confuses tone marks and vowel marks
("Nghị định" → "Nghị lịnh", "CHỦ TỊCH" → "CHỦ TICH", "ỦY BAN" → "ÚY BAN"). Every Vietnamese word
is written as syllables, and the syllable inventory follows from the orthography:

    syllable = onset + rhyme + tone mark

with spelling rules (``k``/``gh``/``ngh`` before front vowels, ``c``/``g``/``ng`` elsewhere, ``q``
only before the medial ``u``) and the rule that rhymes closed by ``p``, ``t``, ``c`` or ``ch``
only take the sắc or nặng tone. :func:`is_syllable` checks a token against those rules.

A token is changed only with evidence:

- it is not a valid syllable ("TICH") and a valid one is within one mark of it, or
- it is a valid syllable that the administrative lexicon (``lexicon.txt``, written for this
  project from the document-type registry's titles, the field labels and the standard phrases
  of administrative Vietnamese) never puts beside its neighbours, while a variant a mark away
  does ("lịnh" after "Nghị" → "định").

Candidates differ from the token by tone mark, vowel mark (a/ă/â, e/ê, o/ô/ơ, u/ư), ``d``/``đ``
or by one of the onset confusions the model makes (``đ``→``l``). Digits, codes (tokens with
digits, slashes or several capitals that form no syllable, like "UBND") and capitalized words in
running text (names) are left alone; capitalized words are changed only when the new word makes a
lexicon phrase with a neighbour or is on the closed list of surnames and provinces.
Word boxes do not change; only the text of a word does.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from sohoa.doctypes import Registry
from sohoa.ocr.fields.captions import LABELS, STOP_LABELS
from sohoa.ocr.fields.names import load_name_lexicon, reread_name_word, second_reading
from sohoa.vntext import fold

_LEXICON = Path(__file__).with_name("lexicon.txt")

# Tone marks as combining characters (NFD), and the tone numbers used here.
_TONE_MARKS = {"\u0300": 2, "\u0301": 3, "\u0309": 4, "\u0303": 5, "\u0323": 6}
_MARK_OF_TONE = {v: k for k, v in _TONE_MARKS.items()}
NGANG, HUYEN, SAC, HOI, NGA, NANG = 1, 2, 3, 4, 5, 6

_ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)
_RHYMES_TEXT = """
a ai ao au ay ac ach am an ang anh ap at
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e eo ec em en eng ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot oa oac oach oai oam oan oang oanh oao oap oat oay
oăc oăm oăn oăng oăt oe oen oeo oet oong ooc
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uc ui um un ung up ut uân uâng uât uây uê uêch uênh uơ
uy uya uych uyên uyêt uynh uyt uyu uôc uôi uôm uôn uông uôt
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêt yêu
"""
_RHYMES = frozenset(_RHYMES_TEXT.split())
# After "qu" the medial u is spelt by the "u" of the onset: quan = qu + an, quốc = qu + ôc.
_QU_RHYMES = frozenset(
    r for r in _RHYMES if r[0] in "aăâeêiyơô" and not r.startswith(("ia", "iê", "yê"))
) | frozenset({"yên", "yêt", "ynh", "ych", "yt", "y", "yu", "ya"})
# After "gi" the i of the onset may also be the rhyme's: gì, gìn, giêng → gi + ên.
_GI_RHYMES = frozenset(r for r in _RHYMES if r[0] not in "iy") | frozenset(
    {"ên", "êng", "êt", "êc", "êm", "êp", "êu", "n", "m", "t", "p", "c", "ng", "nh", "ch", "u"}
)
_FRONT = ("i", "e", "ê", "y")
_STOP_CODAS = ("p", "t", "c", "ch")

# Vowel marks the model confuses with each other: one "mark" apart.
_VOWEL_CLASSES = ("aăâ", "eê", "oôơ", "uư", "iy")
_VOWEL_ALTERNATIVES = {ch: cls for cls in _VOWEL_CLASSES for ch in cls}
# Onset confusions seen in Tesseract vie output (đ read as l or d, d as đ).
_ONSET_CONFUSIONS = {"l": ("đ",), "d": ("đ",), "đ": ("d",), "tl": ("tr",), "ngl": ("ngh",)}

_WORD = re.compile(r"^([^\w]*)([^\W\d_]+)([^\w]*)$")


@dataclass(frozen=True)
class Parsed:
    onset: str
    rhyme: str  # without the tone mark, lower case
    tone: int


def strip_tone(word: str) -> tuple[str, int]:
    """(``word`` lower-cased without its tone mark, tone number 1..6); tone 0 when it has two."""
    tone = NGANG
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        mark = _TONE_MARKS.get(ch)
        if mark is None:
            out.append(ch)
        elif tone != NGANG:
            return unicodedata.normalize("NFC", "".join(out)), 0
        else:
            tone = mark
    return unicodedata.normalize("NFC", "".join(out)), tone


# Kept for the words seen last (immutable answers): the page's rules ask about the same words
# again and again (≈50 000 calls on the 34 pages of a foreign bench seed).
@lru_cache(maxsize=1 << 15)
def parse(word: str) -> Parsed | None:
    """Onset, rhyme and tone of a Vietnamese syllable, or None when it is not one."""
    base, tone = strip_tone(word)
    if not tone or not base or not base.isalpha():
        return None
    for onset in _ONSETS:
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset):]
        if onset == "qu":
            ok = rhyme in _QU_RHYMES
        elif onset == "gi":
            ok = rhyme in _GI_RHYMES or rhyme == ""
        else:
            ok = rhyme in _RHYMES
        if not ok:
            continue
        first = rhyme[:1] or "i"
        if onset in ("c", "g", "ng") and first in _FRONT and onset + rhyme != "gi":
            continue
        if onset in ("k", "gh", "ngh") and first not in _FRONT:
            continue
        if onset == "gi" and rhyme == "" and tone == NGANG:
            pass  # "gi" itself (the letter, "gi" in "gì" takes a tone; both are fine)
        if rhyme.endswith(_STOP_CODAS) and tone not in (SAC, NANG):
            continue
        return Parsed(onset, rhyme, tone)
    return None


def is_syllable(word: str) -> bool:
    """Whether ``word`` (any case) is spelt as a Vietnamese syllable could be."""
    return parse(word) is not None


def with_tone(base: str, tone: int, *, new_style: bool = False) -> str:
    """Put tone ``tone`` on the toneless lower-case syllable ``base``.

    The placement is the one the registry and printed forms use ("hòa", "Ủy", "thủy"): on the
    marked vowel (ă â ê ô ơ ư; ơ of ươ), else on the only vowel, else on the last vowel of a
    closed rhyme, the middle of three, or the first of two in an open rhyme (``new_style``: the
    second of oa, oe, uy, as in "hoà").
    """
    if tone == NGANG:
        return base
    vowels = [i for i, ch in enumerate(base) if _strip_marks(ch) in "aeiouy"]
    if not vowels:
        return base
    # The glide of gi-/qu- is not the nucleus.
    if base.startswith(("gi", "qu")) and len(vowels) > 1 and vowels[0] == 1:
        vowels = vowels[1:]
    marked = [i for i in vowels if base[i] in "ăâêôơư"]
    if marked:
        pos = marked[-1] if base[marked[-1]] == "ơ" and len(marked) > 1 else marked[0]
    elif len(vowels) == 1:
        pos = vowels[0]
    elif len(vowels) == 3:
        pos = vowels[1]
    else:
        closed = vowels[-1] < len(base) - 1
        pair = base[vowels[0]: vowels[0] + 2]
        pos = vowels[-1] if closed or (new_style and pair in ("oa", "oe", "uy")) else vowels[0]
    decomposed = unicodedata.normalize("NFD", base[pos]) + _MARK_OF_TONE[tone]
    return unicodedata.normalize("NFC", base[:pos] + decomposed + base[pos + 1:])


def key(word: str) -> str:
    """Lexicon key of a word: toneless lower case plus tone number, whatever the mark placement
    ("hoà" and "hòa" are one key)."""
    base, tone = strip_tone(word)
    return f"{base}{tone}"


@cache
def _strip_marks(ch: str) -> str:
    if ch == "đ":
        return "d"
    return unicodedata.normalize("NFD", ch)[0]


# --- lexicon ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lexicon:
    syllables: dict[str, int]  # syllable key (see :func:`key`) -> count in the phrases
    bigrams: frozenset[tuple[str, str]]  # keys of adjacent syllables within a phrase
    names: frozenset[str]  # closed list: keys of surnames and provinces' syllables
    surnames: frozenset[str] = frozenset()  # keys of surnames and the middle names Văn, Thị
    # Runs of 3 and 4 adjacent keys within a phrase, and pairs with a number: a number or code
    # is the key NUMBER ("Mẫu số 01" → ("mâu5", "sô3", "#")). See :func:`_context_score`.
    runs: frozenset[tuple[str, ...]] = frozenset()
    run_words: frozenset[str] = frozenset()  # the keys in ``runs``


NUMBER = "#"  # the lexicon key of a number or code ("0" in a phrase, "06/2024/LLTP" on a page)
_RUN_SIZES = (3, 4)
_PHRASE_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def _phrase_keys(phrase: str) -> list[str]:
    """Keys of a phrase's words, a number as :data:`NUMBER`."""
    return [NUMBER if t[0].isdigit() else key(t) for t in _PHRASE_TOKEN.findall(phrase)]


@cache
def load_lexicon(registry: Registry, path: Path = _LEXICON) -> Lexicon:
    """The administrative lexicon: one phrase a line; ``#`` comments; ``@name`` lines list
    syllables of the closed name list (surnames, provinces). The registry's titles, keywords and
    labels (``registry``) and the field extractor's captions are added to it. Cached per
    registry and path."""
    syllables: dict[str, int] = {}
    bigrams: set[tuple[str, str]] = set()
    names: set[str] = set()
    surnames: set[str] = set()
    phrases: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = unicodedata.normalize("NFC", raw.split("#", 1)[0]).strip()
        if not line:
            continue
        if line.startswith("@name "):
            if "|" not in line:  # a line of surnames, not of places
                surnames.update(key(w) for w in re.findall(r"[^\W\d_]+", line[6:]))
            for phrase in line[6:].split("|"):
                names.update(key(w) for w in re.findall(r"[^\W\d_]+", phrase))
                if "|" in line:  # surnames are listed one after another, not as a phrase
                    phrases.append(phrase)
            continue
        phrases.extend(part.strip() for part in line.split("|"))
    phrases.extend(_registry_phrases(registry))
    runs: set[tuple[str, ...]] = set()
    for phrase in phrases:
        words = [key(w) for w in re.findall(r"[^\W\d_]+", phrase)]
        for word in words:
            syllables[word] = syllables.get(word, 0) + 1
        bigrams.update(itertools.pairwise(words))
        numbered = _phrase_keys(phrase)
        runs.update(pair for pair in itertools.pairwise(numbered) if NUMBER in pair)
        for size in _RUN_SIZES:
            runs.update(tuple(numbered[j:j + size]) for j in range(len(numbered) - size + 1))
    return Lexicon(syllables, frozenset(bigrams), frozenset(names), frozenset(surnames),
                   frozenset(runs), frozenset(k for run in runs for k in run))


def _registry_phrases(registry: Registry) -> list[str]:
    """Titles, names, keywords and captions of the document-type registry and the field labels
    the extractor looks for: the printed vocabulary the project already knows."""
    phrases: list[str] = []
    for doc_type in registry:
        phrases.append(doc_type.name)
        phrases.extend(doc_type.titles)
        phrases.extend(doc_type.keywords)
        for _, labels in doc_type.labels:
            phrases.extend(labels)
    for labels in LABELS.values():
        phrases.extend(labels)
    phrases.extend(STOP_LABELS)
    return phrases


# --- correction ---------------------------------------------------------------------------


# Letters of other languages the model emits for Vietnamese ones ("sö" for "số").
_FOREIGN = str.maketrans({"ö": "ô", "ü": "ư", "ë": "ê", "ï": "i", "ÿ": "y", "å": "ă", "ø": "ơ"})


# Letters some faces draw so that the model reads them as another letter, whatever the marks
# on them: a geometric sans's single-storey "a" reads "o" ("Ngòy, thóng" for "Ngày, tháng",
# "nhôn dôn" for "nhân dân", "đồng" for "đăng"; tester18 F6) or "e" ("xéc nhận"), a "y" with
# a short tail reads "u" ("ngàu", "Giấu"; tester17 F4). As read -> as printed. These are
# candidates only on a page whose reading shows the confusion (:func:`shape_misread`): on
# other pages "cho"/"cha", "gió"/"giá" are both words and the lexicon alone must not choose.
_SHAPE_CONFUSIONS = {"o": "a", "ô": "âă", "ơ": "aă", "e": "a", "ê": "â", "u": "y"}


def _variants(base: str, wide: bool = False) -> set[str]:
    """Toneless bases one vowel mark or one onset confusion away from ``base`` (letters of
    other languages first turned into the Vietnamese letter they stand for); ``wide``: also
    one letter a face's shape confuses (:data:`_SHAPE_CONFUSIONS`)."""
    base = base.translate(_FOREIGN)
    out = {base}
    if wide:
        for i, ch in enumerate(base):
            for alt in _SHAPE_CONFUSIONS.get(ch, ""):
                out.add(base[:i] + alt + base[i + 1:])
    for i, ch in enumerate(base):
        for alt in _VOWEL_ALTERNATIVES.get(ch, ""):
            if alt != ch:
                out.add(base[:i] + alt + base[i + 1:])
    for wrong, rights in _ONSET_CONFUSIONS.items():
        if base.startswith(wrong):
            for right in rights:
                out.add(right + base[len(wrong):])
    return out


@lru_cache(maxsize=1 << 14)
def candidates(word: str, wide: bool = False) -> tuple[tuple[str, int], ...]:
    """Valid lower-case syllables near ``word`` with their cost (marks changed: tone 1, vowel
    mark, onset or (``wide``) a letter a face's shape confuses 1 each), cheapest first;
    ``word``'s own key has cost 0 when valid."""
    base, tone = strip_tone(word)
    found: dict[str, tuple[str, int]] = {}
    native = base.translate(_FOREIGN)
    for variant in _variants(base, wide):
        changed = int(variant != native) + int(native != base)
        for new_tone in range(NGANG, NANG + 1):
            syllable = with_tone(variant, new_tone)
            if parse(syllable) is None:
                continue
            cost = changed + int(new_tone != tone)
            k = f"{variant}{new_tone}"
            if cost <= 2 and cost < found.get(k, ("", 99))[1]:
                found[k] = (syllable, cost)
    return tuple(sorted(found.values(), key=lambda sc: (sc[1], sc[0])))


def _case_like(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _placed(word: str) -> str:
    """``word`` with its tone mark moved to where either spelling convention puts it, when the
    model put it elsewhere ("NGHIÃ" → "NGHĨA"); otherwise unchanged."""
    base, tone = strip_tone(word)
    lower = unicodedata.normalize("NFC", word.lower())
    if tone in (0, NGANG):
        return word
    if lower in (with_tone(base, tone), with_tone(base, tone, new_style=True)):
        return word
    return _case_like(word, with_tone(base, tone))


def _context_score(lex: Lexicon, prev: str | None, word: str, nxt: str | None,
                   window: Sequence[str | None] = (), at: int = 0) -> int:
    """How well ``word`` fits its neighbours: 2 for each neighbour it makes a phrase with (a
    number after it counts when a phrase prints one there: "số 12", "Mẫu số 01"), and 1 for
    each run of 3 or 4 words around it that a phrase prints (:func:`run_support`)."""
    score = 0
    if prev is not None and ((prev, word) in lex.bigrams or (prev, word) in lex.runs):
        score += 2
    if nxt is not None and ((word, nxt) in lex.bigrams or (word, nxt) in lex.runs):
        score += 2
    return score + run_support(lex, window, at, word)


def _linked(lex: Lexicon, a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and ((a, b) in lex.bigrams or (a, b) in lex.runs)


def _keeps_links(lex: Lexicon, prev: str | None, own: str, cand: str, nxt: str | None) -> bool:
    """Whether ``cand`` makes a phrase with every neighbour ``own`` makes one with."""
    return ((not _linked(lex, prev, own) or _linked(lex, prev, cand))
            and (not _linked(lex, own, nxt) or _linked(lex, cand, nxt)))


def run_support(lex: Lexicon, window: Sequence[str | None], at: int, word: str) -> int:
    """How many runs of 3 or 4 neighbouring words through ``window[at]``, read as ``word``, a
    lexicon phrase prints. Two words a tone apart may each make a phrase with one neighbour
    ("mẫu số" / "sổ lý lịch", "số hộ chiếu" / "sổ hộ khẩu"); the longer phrase around the
    word tells which it is: "mẫu sổ lý lịch tư pháp", "Mẫu số 01"."""
    if not lex.runs or not window:
        return 0
    found = 0
    for size in _RUN_SIZES:
        for first in range(at - size + 1, at + 1):
            if first < 0 or first + size > len(window):
                continue
            run = tuple(word if j == at else window[j] for j in range(first, first + size))
            if None not in run and run in lex.runs:
                found += 1
    return found


# A person's name caption as printed ("Họ và tên:", "Họ, chữ đệm và tên:"), folded, with its
# colon: the name after it opens on the surname.
_NAME_CAPTIONS = tuple(fold(label) + ":" for label in LABELS["full_name"])
# The captions that say "name" ("Họ và tên", "Họ, chữ đệm và tên khai sinh / Full name"): a
# line ending with one has the name on the next line (a card's field); "Ông", "cấp cho" do not
# say it.
_LINE_CAPTIONS = tuple(c[:-1] for c in _NAME_CAPTIONS if "ten" in c or "name" in c)
_CAPTION_TAIL = re.compile(r"(?:\s*(?:khai sinh|/\s*full name))*[\s:]*$")


def caption_ends(line: str) -> bool:
    """Whether ``line`` ends with a person's name caption, so that the next line opens with the
    name ("Họ, chữ đệm và tên khai sinh / Full name", "Họ và tên:")."""
    folded = _CAPTION_TAIL.sub("", " " + fold(line).lower())
    return any(folded.endswith(" " + c) for c in _LINE_CAPTIONS) or (
        fold(line).lower().rstrip(" :").endswith("/ full name"))


def name_after_caption(previous: str | None, tokens: Sequence[str]) -> bool:
    """Whether the line ``tokens`` is a person's name its line before announced: ``previous``
    ends with a name caption (:func:`caption_ends`) and the line opens with two capitalized
    words ("ĐÓ NGỌC PHÚC" under a card's caption; not "Ngày sinh:" under a blank one)."""
    if not previous or len(tokens) < 2 or not caption_ends(previous):
        return False
    first, second = _WORD.match(tokens[0]), _WORD.match(tokens[1])
    return bool(first and second and not first.group(3) and not second.group(1)
                and first.group(2)[:1].isupper() and second.group(2)[:1].isupper())


def _after_name_caption(tokens: Sequence[str], i: int, caption_before: bool = False) -> bool:
    """Whether ``tokens[i]`` is the first word after a person's name caption ("Họ và tên:
    HỘ HẢI ẨN"); ``caption_before``: the line before ended with one (:func:`caption_ends`)."""
    if i == 0 and caption_before:
        return True
    before = " " + fold(" ".join(tokens[max(0, i - 8):i])).lower()
    return any(before.endswith(" " + caption) for caption in _NAME_CAPTIONS)


def _name_run(parts: Sequence[re.Match[str] | None], keys: Sequence[str | None],
              lex: Lexicon, tokens: Sequence[str] = (), caption_before: bool = False
              ) -> list[bool]:
    """Which tokens continue a person's name: capitalized syllables after a capitalized
    surname ("Phan Văn Phong", "NGUYỄN THỊ NGA"). Their spelling is the person's, not the
    lexicon's: "Văn Phong" must not become "Văn phòng".

    The first word after a person's name caption (``tokens``: "Họ và tên:") is the surname
    whatever was read: the form says so. A surname read with another mark is no listed one
    ("HỘ" for "HỒ", "VỢ" for "VÕ": the dot below and the marks above the hat confused), and
    the name's second reading then has it to read again (:func:`reread_names`)."""
    inside = [False] * len(parts)
    run = False
    for i, match in enumerate(parts):
        core = match.group(2) if match else ""
        capital = core[:1].isupper() and is_syllable(core) and not match.group(3)
        if run and capital:
            inside[i] = True
        elif not run and capital and keys[i] not in _MIDDLE and (
                keys[i] in lex.surnames
                or (tokens and _after_name_caption(tokens, i, caption_before))):
            run = (bool(tokens) and _after_name_caption(tokens, i, caption_before)) \
                or not _capitals_phrase(parts, keys, i, lex)
            continue
        run = run and capital
    return inside


def _capitals_phrase(parts: Sequence[re.Match[str] | None], keys: Sequence[str | None], i: int,
                     lex: Lexicon) -> bool:
    """Whether a surname in a line of capitals is inside a phrase, not a name: the word before
    makes a phrase with it, and so does the next word, as read or with one mark changed ("NỘP
    HỒ SỞ" is "nộp hồ sơ"). A line of capitals made every surname-like word a
    name's start, and a name's words are never corrected: every receipt read "NGƯỜI NỘP HỒ SỞ"
    (tester16 F7)."""
    nxt = parts[i + 1] if i + 1 < len(parts) else None
    if nxt is None or parts[i] is None or not parts[i].group(2).isupper() \
            or not nxt.group(2).isupper() or len(nxt.group(2)) < 2:
        return False
    # A surname that makes a phrase with the next word as read is that phrase, whatever word
    # is before it: "MỤC LỤC HỒ SƠ" (a title) made "HỒ SƠ" a name, its surname then took the
    # phrase "LỤC HỘ" of its left ("trích lục hộ tịch") and the title read "LỤC HỘ SƠ". A
    # name so read ("PHẠM VI") keeps its letters all the same: its words make the phrase.
    if not parts[i].group(3) and (keys[i], keys[i + 1]) in lex.bigrams:
        return True
    # The word before the surname makes a phrase with it ("NỘP HỒ", "NHẬN HỒ" of "hồ sơ"). A
    # name read as printed ("ÔNG PHẠM VY", "Người ký: PHẠM VY", "HÀ NĂM" alone) has no such word
    # before it, whatever a changed mark would make of its given name (review16 M1: "PHẠM VY"
    # became "PHẠM VI").
    before = parts[i - 1] if i > 0 else None
    if before is None or before.group(3) or not before.group(2).isupper() \
            or (keys[i - 1], keys[i]) not in lex.bigrams:
        return False
    # Then the next word makes the phrase as read ("NHẬN HỒ SƠ": read right, its reread as a
    # name made it "SỞ", review16 M8) or with one mark changed ("NỘP HỒ SỞ").
    return (keys[i], keys[i + 1]) in lex.bigrams or any(
        (keys[i], key(cand)) in lex.bigrams for cand, cost in candidates(nxt.group(2))
        if cost == 1)


def _surname_place(parts: Sequence[re.Match[str] | None], tokens: Sequence[str], i: int,
                   lex: Lexicon, caption_before: bool = False) -> bool:
    """Whether ``tokens[i]`` stands where a surname is: first after a person's name caption, or
    opening a capitalized run whose next word is a given or middle name as read ("KHÖNG VĂN
    MINH") and with which no spelling of the word a mark or two away makes a lexicon phrase,
    even with the next word's marks changed: "BIEN HOA" (a seal's centre, marks lost) is the
    city "Biên Hòa", not a person "Biện Hoa" (seed 319)."""
    if _after_name_caption(tokens, i, caption_before):
        return True
    match = parts[i]
    nxt = parts[i + 1] if i + 1 < len(parts) else None
    if match is None or nxt is None or match.group(3) or not match.group(2)[:1].isupper():
        return False
    word = nxt.group(2)
    if not (word[:1].isupper() and not nxt.group(1)
            and word[:1] + word[1:].lower() in load_name_lexicon().names):
        return False
    after = {key(word)} | {key(cand) for cand, _ in candidates(word)}
    return not any((key(cand), k) in lex.bigrams
                   for cand, _ in candidates(match.group(2)) for k in after)


def _listed_surname(core: str) -> str | None:
    """The surname of ``ocr/names.txt`` that ``core`` is nearest a misreading of (fewest marks
    changed, then the commoner surname), or None when there is none or two are as near."""
    table = load_name_lexicon().surnames
    found = sorted(((cost, -table[title], title) for cand, cost in candidates(core)
                    if (title := cand[:1].upper() + cand[1:]) in table), reverse=False)
    if not found or (len(found) > 1 and found[0][:2] == found[1][:2]):
        return None
    return found[0][2]


_MIDDLE = frozenset({key("Văn"), key("Thị")})  # middle names: a name never starts with them


def _split_name(core: str, lex: Lexicon) -> str | None:
    """``core`` as two syllables when the model dropped the space inside a name ("THỊNGA" →
    "THỊ NGA"): the first must be a surname or middle name, both valid syllables."""
    for cut in range(2, len(core) - 1):
        left, right = core[:cut], core[cut:]
        if key(left) in lex.surnames and is_syllable(left) and is_syllable(right):
            if core[:1].isupper() and not core.isupper():
                right = right[:1].upper() + right[1:]
            return f"{left} {right}"
    return None


def _split_glued(core: str, prev: str | None, nxt: str | None, lex: Lexicon) -> str | None:
    """``core`` as two syllables when the model glued two words ("ĐẦU TƯTHÀNH" → "TƯ THÀNH")
    and the lexicon puts the halves beside each other or beside the neighbours."""
    best: tuple[int, str] | None = None
    for cut in range(2, len(core) - 1):
        left, right = core[:cut], core[cut:]
        if not (is_syllable(left) and is_syllable(right)):
            continue
        lk, rk = key(left), key(right)
        score = (int((prev, lk) in lex.bigrams) + int((lk, rk) in lex.bigrams)
                 + int((rk, nxt) in lex.bigrams))
        if core[:1].isupper() and not core.isupper() and lk in lex.names and rk in lex.names:
            right = right[:1].upper() + right[1:]  # "Longthành" → "Long Thành"
        if score and (best is None or score > best[0]):
            best = (score, f"{left} {right}")
    return best[1] if best else None


# How many words of a page must show a face's shape confusion before it is a candidate on
# the page: a stray garbled word or a name may show it once by chance. (On the foreign bench's
# seed 313 no page shows one; on tester17's and tester18's tuning pages every page with two
# is one of the faces that confuse: "Giấu xác nhận", "(Kú, ghi", "có gió trị", "Ngòy sinh".)
_SHAPE_EVIDENCE = 2


def shape_misread(lines: Sequence[Sequence[str]], lexicon: Lexicon) -> bool:
    """Whether the page read as ``lines`` (each line's tokens, as read) shows the letters of
    its face confused by their shape (:data:`_SHAPE_CONFUSIONS`): at least
    :data:`_SHAPE_EVIDENCE` words the lexicon does not know as read, that no mark or onset
    change puts in a phrase with a neighbour, and that one such letter does ("Ngòy, thóng,
    năm sinh", "Thònh phố", "nhôn dôn")."""
    return shape_evidence(lines, lexicon, _SHAPE_EVIDENCE) >= _SHAPE_EVIDENCE


def shape_evidence(lines: Sequence[Sequence[str]], lexicon: Lexicon, enough: int = 0) -> int:
    """How many words of ``lines`` show a shape confusion (see :func:`shape_misread`),
    counted up to ``enough`` (0: all)."""
    lex = lexicon
    found = 0
    for tokens in lines:
        parts = [_WORD.match(t) for t in tokens]
        # A neighbour as it may have been printed: its own word (the Vietnamese half of a
        # card's "sinh/Date") and its shape's candidates ("Ngòy, thóng," confuse each other);
        # a number ("ngàu 28 tháng").
        around = [_LEADING.match(t) for t in tokens]
        near = [{key(m.group(1))} | {key(c) for c, _ in candidates(m.group(1), True)}
                if m else {NUMBER} if any(ch.isdigit() for ch in t) else set()
                for m, t in zip(around, tokens, strict=True)]
        for i, match in enumerate(parts):
            if match is None:
                continue
            core = match.group(2)
            own = key(core)
            if lex.syllables.get(own) or own in lex.names:
                continue
            prev = near[i - 1] if i > 0 else set()
            nxt = near[i + 1] if i + 1 < len(near) else set()

            def linked(k: str, prev: set[str] = prev, nxt: set[str] = nxt) -> bool:
                return any(_linked(lex, p, k) for p in prev) or any(_linked(lex, k, n) for n in nxt)

            narrow = {key(cand) for cand, _ in candidates(core)}
            if any(linked(k) for k in narrow):
                continue
            wide = {key(cand) for cand, _ in candidates(core, True)} - narrow
            if any(linked(k) for k in wide):
                found += 1
                if found == enough:
                    return found
    return found


_LEADING = re.compile(r"^[^\w]*([^\W\d_]+)")


def correct_tokens(tokens: Sequence[str], lexicon: Lexicon, before: str | None = None,
                   *, caption_before: bool = False, wide: bool = False) -> list[str]:
    """The tokens of one line, corrected where the evidence says so (see the module doc).

    ``before``: the previous line's last word. A line opening in lower case goes on with the
    sentence the previous line wrapped, and that word is its first word's left neighbour:
    "hồ / sơ đăng ký" is "hồ sơ", where the line alone ("sơ đăng ký") made "số đăng ký".
    ``caption_before``: the line before ended with a person's name caption (a card's "Họ, chữ
    đệm và tên khai sinh / Full name", :func:`caption_ends`): the line opens with the surname.
    ``wide``: the page shows a face's shape confusion (:func:`shape_misread`); its letters are
    candidates too."""
    lex = lexicon
    parts = [_WORD.match(t) for t in tokens]
    keys = [key(m.group(2)) if m else None for m in parts]
    wrapped = _WORD.match(before) if before else None
    left = (key(wrapped.group(2)) if wrapped and not wrapped.group(3) and parts and parts[0]
            and parts[0].group(2)[:1].islower() and not parts[0].group(1) else None)
    in_name = _name_run(parts, keys, lex, tokens, caption_before)
    # The words as the phrases' runs see them: the wrapped line's word first, a number or code
    # as NUMBER, a name's words as nothing (a name makes no phrase).
    window: list[str | None] = [left] + [
        None if in_name[j] else keys[j] if keys[j] is not None
        else NUMBER if any(ch.isdigit() for ch in tokens[j]) else None
        for j in range(len(tokens))]
    out = list(tokens)
    for i, match in enumerate(parts):
        if match is None:
            out[i] = digits_read(tokens[i])
            continue
        core = match.group(2)
        own_key = keys[i]
        prev = keys[i - 1] if i > 0 else left
        # A name's surname has no phrase with the name's next word: "Đỗ Thị Nhẫn" is no "đô
        # thị" (its left neighbour still counts: "THỊ TRẦN TRẢNG BOM" is "THỊ TRẤN").
        nxt = keys[i + 1] if i + 1 < len(keys) and not in_name[i + 1] else None
        if nxt is None and i + 1 < len(tokens) and window[i + 2] == NUMBER:
            nxt = NUMBER  # "số 12", "Mẫu số 01/LLTP"
        valid = is_syllable(core)
        capitalized = core[:1].isupper() and not core.isupper()
        all_caps = core.isupper() and len(core) > 1
        if valid and (in_name[i] or _after_name_caption(tokens, i, caption_before)):
            # A name's words, and its surname after a name caption ("Họ và tên: HỒ HẢI ẨN":
            # "tên hộ" is a phrase the lexicon knows, "Tên hộ kinh doanh", and had made the
            # surname "HỘ"). Elsewhere a surname's spelling is no evidence of a name: "THỊ
            # TRẦN TRẢNG BOM" is "THỊ TRẤN" by the lexicon's phrase.
            out[i] = match.group(1) + _placed(core) + match.group(3)
            continue
        if not valid and core[:1].isupper() and i > 0 and keys[i - 1] in lex.surnames:
            split = _split_name(core, lex)
            if split is not None:
                out[i] = match.group(1) + split + match.group(3)
                continue
        if not valid and (glued := _split_glued(core, prev, nxt, lex)) is not None:
            out[i] = match.group(1) + glued + match.group(3)
            continue
        own = _context_score(lex, prev, own_key, nxt, window, i + 1)
        best: tuple[int, int, int, str, str] | None = None
        for cand, cost in candidates(core, wide):
            cand_key = key(cand)
            if cand_key == own_key:
                continue
            if valid and own > 0 and cand_key not in lex.run_words:
                continue  # cheap: no longer phrase could speak for it (see below)
            context = _context_score(lex, prev, cand_key, nxt, window, i + 1)
            known = lex.syllables.get(cand_key, 0) + int(cand_key in lex.names)
            if valid and context <= own:
                continue  # a valid syllable changes only for a phrase the lexicon knows
            if valid and own > 0 and not (
                    run_support(lex, window, i + 1, cand_key)
                    and _keeps_links(lex, prev, own_key, cand_key, nxt)):
                # A word that makes a phrase with a neighbour changes only for a longer phrase
                # around it that keeps that neighbour: "số hộ khẩu" is "sổ hộ khẩu" though
                # "Số hộ chiếu" is a phrase too, "mẫu số lý lịch" is "mẫu sổ lý lịch tư
                # pháp"; "hồ sơ đăng ký" stays, "hồ sổ" being no phrase.
                continue
            if capitalized and i > 0 and context == 0 and cand_key not in lex.names:
                continue  # a name: only with evidence
            if not valid and context == 0 and known == 0:
                continue
            rank = (context, -cost, min(known, 50), cand, cand_key)
            if best is None or rank > best:
                best = rank
        if not valid and (best is None or best[0] == 0
                          or _after_name_caption(tokens, i, caption_before)) \
                and _surname_place(parts, tokens, i, lex, caption_before):
            surname = _listed_surname(core)
            if surname is not None:
                # Where a surname is (after a name caption, whatever phrase the caption makes;
                # opening a capitalized name, when no phrase speaks for a word) a word read as
                # no syllable ("KHÖNG", "HÖ") is the listed surname nearest to it, not the
                # commoner word the lexicon counts more of ("KHÔNG", "HỘ": tester16 F12).
                out[i] = match.group(1) + _case_like(core, surname) + match.group(3)
                keys[i] = key(surname)
                window[i + 1] = keys[i]
                continue
        if best is None:
            if valid and own > 0:
                out[i] = match.group(1) + _placed(core) + match.group(3)
            continue
        if not valid and best[0] == 0 and all_caps and best[1] < -1:
            continue  # an upper-case token two marks from any word: an abbreviation, maybe
        out[i] = match.group(1) + _case_like(core, best[3]) + match.group(3)
        keys[i] = best[4]
        window[i + 1] = None if in_name[i] else best[4]
    return _date_slots(out)


# Glyphs the model reads for a digit beside other digits: a "6" whose top curls as an acute
# ("3óó/TLKS", "202ó"), "O" for 0, "I"/"l"/"]" for 1.
_DIGIT_SHAPES = {"ó": "6", "O": "0", "o": "0", "I": "1", "l": "1", "]": "1"}
_DIGIT_RUN = re.compile("[0-9" + re.escape("".join(_DIGIT_SHAPES)) + "]+")
# A run this long is a number with checks of its own (a CMND has 9 digits, a CCCD 12).
_NUMBER_RUN = 9
# Letters read as digits, for the other way round: "5ó/No" is the caption "Số/No", not 56.
_LETTER_SHAPES = str.maketrans({"5": "S", "0": "O", "1": "l", "6": "G", "8": "B"})


def digits_read(token: str) -> str:
    """``token`` (one holding a digit) with each run of digits and digit look-alikes that
    stands alone (no letter touches it) and holds a digit read as digits: "3óó/TLKS-BS" →
    "366/TLKS-BS", "O1/01/198ó" → "01/01/1986". A letter touching the run ("H19", "5cm",
    "VNM1704") leaves it: a code or a unit, not a number misread. A run as long as an identity
    or phone number is left as read: the fields' reader weighs each look-alike against the
    number's checks and flags what no single reading settles (review19 N8: "ó" over a ticked 0,
    9 or 8 written as a 6 gave a personal number, and an owner, confidently wrong)."""
    def read(m: re.Match[str]) -> str:
        run = m.group(0)
        before = token[m.start() - 1] if m.start() else ""
        after = token[m.end()] if m.end() < len(token) else ""
        if (len(run) < 2 or len(run) >= _NUMBER_RUN or run.isdigit()
                or not any(ch.isdigit() for ch in run) or before.isalpha() or after.isalpha()):
            return run
        if "ó" in run and is_syllable(run.translate(_LETTER_SHAPES)):
            return run  # a word read with digits ("5ó" for "Số"), not a number
        return "".join(_DIGIT_SHAPES.get(ch, ch) for ch in run)
    return _DIGIT_RUN.sub(read, token)


# A dateline's day and month slots ("ngày 6 tháng 11 năm 2026") hold a number only: glyphs an
# italic "1" is read as there ("tháng I1", "II", "TÌ", "1]": tester18 F14) are that digit.
_SLOT_ONES = frozenset("1Il|]!ÌÍìíiT")
_SLOTS = {("ngay2", "thang3"): 31, ("thang3", "năm1"): 12}


def _date_slots(tokens: list[str]) -> list[str]:
    """``tokens`` with a day or month slot read as digits where only a number fits: one or two
    glyphs, each a digit or a look-alike of 1, between "ngày" and "tháng" or "tháng" and
    "năm", that read as a day 1–31 or a month 1–12."""
    keys = [key(m.group(2)) if (m := _WORD.match(t)) else None for t in tokens]
    out = list(tokens)
    for i in range(1, len(tokens) - 1):
        top = _SLOTS.get((keys[i - 1] or "", keys[i + 1] or ""))
        core = tokens[i].strip(".,")
        if top is None or not 1 <= len(core) <= 2 or core.isdigit():
            continue
        if not all(ch.isdigit() or ch in _SLOT_ONES for ch in core):
            continue
        number = "".join(ch if ch.isdigit() else "1" for ch in core)
        if 1 <= int(number) <= top:
            out[i] = tokens[i].replace(core, number)
    return out


def reread_names(tokens: Sequence[str], lexicon: Lexicon, read: Sequence[str] | None = None,
                 *, caption_before: bool = False) -> tuple[list[str], list[tuple[str, str]]]:
    """``tokens`` (of one line, corrected) with each person's name (a surname and the
    capitalized syllables after it) given the second reading of its tone marks on capitals
    (sohoa.ocr.fields.names): "Nguyễn Đức Ấn" → "Nguyễn Đức Ẩn", "LÝ VĂN CẤM" → "LÝ VĂN
    CẨM"; and the words so rewritten, (as read, as written). Only a word that is no real name
    as read, between confusable stacked marks, to the one real name that is strictly
    likelier: a real name as read is never changed, and a rewritten one is said (the name
    fields are flagged for a person to compare with the paper).

    The first word after a person's name caption (``caption_before``: ending the line before)
    is a surname: one that is no listed surname as read is the listed one it is likeliest a
    misreading of, any mark confused ("ĐỎ", "ĐÓ" → "ĐỖ", "NGÒ" → "NGÔ", "TRẤN" → "TRẦN")."""
    parts = [_WORD.match(t) for t in tokens]
    # Where the names are is decided on the line as ``read`` (before its correction), as the
    # correction decided it: "NỘP HỒ SỞ" corrected to "HỒ SƠ" makes a phrase that is no name.
    said = tokens if read is None or len(read) != len(tokens) else read
    said_parts = [_WORD.match(t) for t in said]
    in_name = _name_run(said_parts, [key(m.group(2)) if m else None for m in said_parts],
                        lexicon, said, caption_before)
    out = list(tokens)
    renamed: list[tuple[str, str]] = []
    i = 0
    while i < len(out):
        if in_name[i] or i + 1 >= len(out) or not in_name[i + 1]:
            i += 1
            continue
        j = i + 1
        while j < len(out) and in_name[j]:
            j += 1
        name = parts[i:j]
        # A surname that makes a phrase as read with the word after it ("HỒ SƠ ĐĂNG KÝ" at a
        # line's start, "LỤC HỒ SƠ") begins no name to give names' marks to (review16 M8: they
        # became "HỒ SỞ ĐĂNG KỶ", "LỤC HỘ SỞ"); at worst a name that is also a phrase keeps
        # the marks it was read with.
        if all(name) and any((key(a.group(2)), key(b.group(2))) in lexicon.bigrams
                             for a, b in itertools.pairwise(said_parts[i:min(j, i + 3)])
                             if a and b):
            i = j
            continue
        if all(name):
            cores = [m.group(2) for m in name if m]
            if _after_name_caption(said, i, caption_before) and cores[0][:1] + cores[0][
                    1:].lower() not in load_name_lexicon().surnames:
                cores[0] = reread_name_word(cores[0], surname=True)
            again = second_reading(" ".join(cores)).split()
            if len(again) == len(cores):
                for k, (m, word) in enumerate(zip(name, again, strict=True)):
                    assert m is not None
                    if word != m.group(2):
                        renamed.append((m.group(2), word))
                        out[i + k] = m.group(1) + word + m.group(3)
        i = j
    return out, renamed


def correct_line(line: str, lexicon: Lexicon, *, caption_before: bool = False) -> str:
    """``line`` with its space-separated tokens corrected (see :func:`correct_tokens`) and
    its names' marks re-read (:func:`reread_names`)."""
    tokens = line.split(" ")
    return " ".join(reread_names(correct_tokens(tokens, lexicon, caption_before=caption_before),
                                 lexicon, tokens, caption_before=caption_before)[0])
