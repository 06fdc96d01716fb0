"""Personal names: the closed lexicon of family names and the given names whose tone marks OCR
drops (restored only when one spelling is possible), and sex."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sohoa.vntext import fold, nfc, title_case_name


def _sex(value: str) -> str | None:
    word = (re.findall(r"[a-z]+", fold(value)) or [""])[0]
    if word in ("nam", "male", "m"):
        return "Nam"
    if word in ("nu", "female", "f"):
        return "Nữ"
    return None


# Common family names, keyed by their folded spelling: a closed list, so a surname that OCR
# misspelled in its tone marks ("Nguyên", "Trân") is restored with certainty.
SURNAMES = {fold(n): n for n in (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào", "Trương", "Lâm", "Hà", "Tô", "Đoàn", "Lương",
    "Trịnh", "Châu", "Quách", "Thái", "Kiều", "Lại", "Mai", "Cao", "Tạ", "Triệu", "Văn", "Lưu",
)}


# Common middle and given names. Tesseract drops the marks of upper-case names (the card prints
# "NGÔ CÔNG NAM", OCR gives "NGO CONG NAM"). A word read with no mark at all is restored only
# when exactly one name in this list folds to it and no name is written that way without marks
# ("Cong" can only be "Công"; "Hang" may be "Hằng" or "Hàng", "Nam" is a name as it is).
_GIVEN = (
    "An", "Anh", "Ánh", "Bảo", "Bích", "Bình", "Cảnh", "Châu", "Chi", "Chí", "Công", "Cường",
    "Dũng", "Duy", "Dung", "Dương", "Đạt", "Điệp", "Định", "Đông", "Đức", "Giang", "Hà", "Hải",
    "Hạnh", "Hào", "Hằng", "Hàng", "Hiền", "Hiếu", "Hòa", "Hoa", "Hoài", "Hoàng", "Hồng",
    "Huệ", "Hùng", "Hưng", "Hương", "Hữu", "Huy", "Huyền", "Khánh", "Khang", "Khoa", "Kiên",
    "Kim", "Lan", "Lâm", "Liên", "Linh", "Loan", "Lộc", "Long", "Luân", "Lực", "Ly", "Lý",
    "Mai", "Mạnh", "Minh", "My", "Mỹ", "Nam", "Nga", "Ngân", "Nghĩa", "Ngọc", "Nguyên",
    "Nhân", "Nhật", "Nhi", "Nhung", "Như", "Oanh", "Phát", "Phong", "Phú", "Phúc", "Phụng",
    "Phương", "Phượng", "Quang", "Quân", "Quốc", "Quyên", "Quyền", "Quỳnh", "Sơn", "Tài",
    "Tâm", "Tân", "Thắng", "Thanh", "Thành", "Thảo", "Thị", "Thiện", "Thịnh", "Thơ", "Thu",
    "Thủy", "Thùy", "Thư", "Tiến", "Toàn", "Trang", "Trí", "Trinh", "Trọng", "Trung", "Tú",
    "Tuấn", "Tùng", "Tuyết", "Uyên", "Văn", "Vân", "Việt", "Vinh", "Vĩnh", "Vũ", "Vy", "Xuân",
    "Yến", "Diệu", "Đình", "Gia", "Khải", "Khôi", "Lệ", "Nhàn", "Phước", "Sang", "Tấn",
    "Thái", "Thiên", "Thông", "Tín", "Triều", "Tường", "Vương", "Hạ", "Đăng",
)
_BY_FOLD: dict[str, set[str]] = {}
for _n in _GIVEN:
    _BY_FOLD.setdefault(fold(_n), set()).add(_n)
GIVEN_MARKS = {k: next(iter(v)) for k, v in _BY_FOLD.items()
               if len(v) == 1 and next(iter(v)).lower() != k}


_MIDDLE_ONLY = ("thi", "van")  # "Thị", "Văn" as middle names; "Thi", "Văn" may end a name


def _restore_marks(word: str, last: bool = False) -> str:
    """A name word that lost all its marks, restored when only one spelling is possible."""
    if fold(word) != word.lower() or (last and word.lower() in _MIDDLE_ONLY):
        return word  # it has marks (confused ones are not guessed at), or it may be as read
    return GIVEN_MARKS.get(word.lower(), word)


def _name(value: str, *, reread: bool = True) -> str | None:
    value = re.sub(r"^\s*(?:ông|bà|ong|ba)(?:\s*[/(]\s*(?:bà|ba)\)?)?\s*[:/.]?\s+", "", value,
                   flags=re.IGNORECASE)
    m = re.match(r"[^\W\d_]+(?:[ \t]+[^\W\d_]+)*", value.strip())
    if not m:
        return None
    words = m.group().split()
    while len(words) > 2 and len(words[-1]) == 1:
        words.pop()  # a speck after the name ("… Chi Ự")
    if not 2 <= len(words) <= 7:
        return None
    words[0] = SURNAMES.get(fold(words[0]), words[0])
    words[1:] = [_restore_marks(w, i == len(words) - 1) for i, w in enumerate(words[1:], 1)]
    read = title_case_name(" ".join(words))
    return second_reading(read, capitals=m.group().isupper()) if reread else read


# --- the second reading of a name: tone marks on capitals -----------------------------------
# OCR confuses the tone marks stacked over a circumflex or breve on capitals ("ĐỖ" → "ĐÔ",
# "ẨN" → "ẤN"): no word dictionary helps in a name. Each name word gets the alternatives of its
# tone mark, scored against a lexicon of real names (``sohoa/ocr/names.txt``), the same
# person's name as read on the dossier's other papers, and the MRZ (no marks, but the letters).

_NAMES_FILE = Path(__file__).resolve().parent.parent / "names.txt"
_ABOVE = ("\u0301", "\u0300", "\u0309", "\u0303")  # sắc, huyền, hỏi, ngã: stacked over a hat
_BELOW = "\u0323"  # nặng
_TONES = (*_ABOVE, _BELOW)


@dataclass(frozen=True)
class NameLexicon:
    """Family names and middle/given names (title case, NFC) with their weights."""

    surnames: Mapping[str, float]
    names: Mapping[str, float]

    def table(self, surname: bool) -> Mapping[str, float]:
        return self.surnames if surname else self.names


@lru_cache(maxsize=4)
def load_name_lexicon(path: Path = _NAMES_FILE) -> NameLexicon:
    surnames: dict[str, float] = {}
    names: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, name, weight = line.split("\t")
        (surnames if kind == "surname" else names)[nfc(name)] = float(weight)
    return NameLexicon(surnames, names)


def _tone_of(word: str) -> str:
    return next((c for c in unicodedata.normalize("NFD", word) if c in _TONES), "")


def tone_variants(word: str) -> dict[str, float]:
    """Every spelling of ``word`` with another tone mark (its letters, circumflexes, breves and
    horns kept), with how likely OCR is to read one for the other: a mark over the letter for
    another over it 1.0, a mark lost or added 0.5, above for below 0.3."""
    nfd = unicodedata.normalize("NFD", word)
    base = "".join(c for c in nfd if c not in _TONES)
    own = _tone_of(word)
    out: dict[str, float] = {}
    vowels = [i for i, c in enumerate(base) if c.lower() in "aeiouy"]
    for i in vowels:
        j = i + 1
        while j < len(base) and unicodedata.combining(base[j]):
            j += 1  # after the hat or horn of this vowel
        for tone in ("", *_TONES):
            spelled = nfc(base[:j] + tone + base[j:]) if tone else nfc(base)
            if tone == own or (tone in _ABOVE and own in _ABOVE):
                likely = 1.0
            elif not tone or not own:
                likely = 0.5
            else:
                likely = 0.3
            out[spelled] = max(out.get(spelled, 0.0), likely)
    return out


def _marked_capital(word: str) -> bool:
    """Whether the vowel carrying the word's marks is a capital ("Ẩn", "ẨN"; not "Nhẫn")."""
    nfd = unicodedata.normalize("NFD", word)
    marked = next((i for i, c in enumerate(nfd) if unicodedata.combining(c)), None)
    return marked is not None and marked > 0 and nfd[marked - 1].isupper()


def _title(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _tone(word: str) -> str | None:
    return next((c for c in unicodedata.normalize("NFD", word) if c in _TONES), None)


def _confusable(read: str | None, other: str | None, hat: bool) -> bool:
    """The confusions of stacked marks on capitals, and only those: hỏi or ngã on one side
    (ngã ↔ hỏi, hỏi/ngã ↔ sắc or huyền), or a mark lost over a hat ("ĐÔ" for "ĐỖ"). A nặng is
    below the letter and never confused with these; a mark is never taken away ("THỤ", "KHÁNG"
    and "MỠ" are names as read)."""
    if other not in _ABOVE:
        return False
    if read is None:
        return hat
    return read in _ABOVE and read != other and bool({read, other} & {"\u0309", "\u0303"})


def second_reading(name: str, lexicon: NameLexicon | None = None, *,
                   mrz: str | None = None, capitals: bool | None = None) -> str:
    """``name`` with each word's tone mark re-read: the spelling that is a real name wins over
    one that is not; among real names, the likelier confusion times the name's weight. A word
    is changed only when one spelling is strictly best, so "Thủy", "Thùy" and "Thúy" (all
    names) stay as read: the same person's name read on the dossier's other papers settles
    those (``pipeline/agreement.py``, the majority of readings). ``mrz``: the MRZ's name
    ("NGUYEN VAN AN"), whose letters replace misread ones with the lexicon's likeliest name
    spelled with them."""
    lexicon = lexicon or load_name_lexicon()
    words = name.split()
    letters = fold(mrz).split() if mrz else []
    out = []
    for i, word in enumerate(words):
        table = lexicon.table(i == 0)
        title = _title(word)
        if len(letters) == len(words) and fold(word) != letters[i]:
            spelled = sorted((n for n in table if fold(n) == letters[i]), key=table.__getitem__,
                             reverse=True)
            unique = len(spelled) == 1 or (spelled and table[spelled[0]] > table[spelled[1]])
            out.append(spelled[0].upper() if unique and word.isupper() else
                       spelled[0] if unique else word)
            continue
        if title in table:
            out.append(word)  # a real name as read: the dossier's other readings may differ
            continue
        if fold(word) == word.lower():
            # No mark at all: every mark was lost, not one confused; restoring those is
            # ``_restore_marks``'s (only where one spelling is possible).
            out.append(word)
            continue
        # Only a name printed in capitals, or whose marks sit on its capital ("Ẩn"), is re-read
        # (the marks stacked over capitals are what OCR confuses), and only between
        # confusable marks: a correctly read real name missing
        # from the lexicon ("Hoàng Văn Thụ", "Nguyễn Khắc Viện") must never be rewritten.
        if not (capitals if capitals is not None else word.isupper() or _marked_capital(word)):
            out.append(word)
            continue
        read = _tone(title)
        hat = any(c in unicodedata.normalize("NFD", title) for c in "\u0302\u0306\u031b")
        variants = {v: w for v, w in tone_variants(title).items()
                    if v == title or _confusable(read, _tone(v), hat)}

        def score(v: str, variants: dict[str, float] = variants,
                  table: Mapping[str, float] = table) -> tuple[bool, float]:
            return (v in table, table.get(v, 0.0) * variants[v])

        ranked = sorted(variants, key=score, reverse=True)
        if not ranked:  # marks where no vowel carries them ("NÑGUYỄN", "Ñ"): left as read
            out.append(word)
            continue
        best = ranked[0]
        strictly = len(ranked) == 1 or score(best) > score(ranked[1])
        if best != title and best in table and strictly:
            out.append(best.upper() if word.isupper() and len(word) > 1 else best)
        else:
            out.append(word)
    return " ".join(out)


# --- a line that is nothing but a person's name: every mark may be misread --------------------
# Under a signature a name's letters are crossed by the pen: OCR then reads a mark beside the
# printed one, and not only over capitals ("Hưởng" → "Hướng", "Mẫn" → "Mãn", the hat read apart
# as "Cảmˆ"). Where the line is known to be a name and nothing else (the signer's name under the
# signing instruction), every name word that is no name as read is re-read against the lexicon
# with the confusions of printed marks, each with how likely OCR makes it:
# - two marks above the letter, one for the other: hỏi for sắc or ngã (a small hook against a
#   short stroke) 1.0, ngã for sắc 0.7, huyền for the others 0.3;
# - a mark lost or added: hỏi or ngã over a hat (stacked on it, they merge with it) 0.9, any
#   other 0.5; nặng (below) for any other 0.2;
# - a hat, horn or breve (or the bar of "Đ") lost 0.5, added or swapped (ô/ơ, â/ă) 0.3; 1.0
#   when the hat was read apart (a spacing "ˆ" after the word).
_HUMPS = {"a": ("a", "â", "ă"), "o": ("o", "ô", "ơ"), "u": ("u", "ư"), "e": ("e", "ê"),
          "d": ("d", "đ")}  # the bar of "Đ" is a stroke a pen or a speck hides as well
_HOOK, _TILDE, _ACUTE, _GRAVE = "\u0309", "\u0303", "\u0301", "\u0300"
_ABOVE_SWAP = {frozenset((_HOOK, _ACUTE)): 1.0, frozenset((_HOOK, _TILDE)): 1.0,
               frozenset((_TILDE, _ACUTE)): 0.7}
_HAT_APART = ("\u02c6", "^")


def _tone_likely(read: str | None, printed: str | None, over_hat: bool) -> float:
    if read == printed:
        return 1.0
    if read == _BELOW or printed == _BELOW:
        return 0.2
    if read is None or printed is None:
        return 0.9 if over_hat and (read or printed) in (_HOOK, _TILDE) else 0.5
    return _ABOVE_SWAP.get(frozenset((read, printed)), 0.3)


def _split_vowels(word: str) -> tuple[str, str | None]:
    """``word`` without its tone mark (hats, horns and breves kept), and the tone mark."""
    nfd = unicodedata.normalize("NFD", word)
    return nfc("".join(c for c in nfd if c not in _TONES)), _tone(word)


def _shape_likely(read: str, printed: str, hat_apart: bool) -> float:
    """How likely ``printed`` (toneless) was read as ``read``: the same letters but for one
    vowel's hat, horn or breve."""
    if read == printed:
        return 0.3 if hat_apart else 1.0  # a hat read apart belongs to some vowel
    if len(read) != len(printed):
        return 0.0
    diffs = [(r, p) for r, p in zip(read.lower(), printed.lower(), strict=True) if r != p]
    if len(diffs) != 1:
        return 0.0
    r, p = diffs[0]
    family = next((v for v in _HUMPS.values() if r in v and p in v), None)
    if family is None:
        return 0.0
    if hat_apart:
        return 1.0 if r == family[0] else 0.0
    return 0.5 if r == family[0] else 0.3


def reread_name_word(word: str, *, surname: bool, lexicon: NameLexicon | None = None,
                     least: float = 0.0) -> str:
    """A word of a line that is only a person's name (the first its surname), written as the
    one name of the lexicon it is likeliest a misreading of (see above), when it is no name as
    read; as read when it is one, or when no name or two names are as likely. A capital
    word among title-case ones keeps its case ("THỊ" stays "THỊ": the caller decides).
    ``least``: only confusions at least this likely (0.9: a stacked mark lost over its hat,
    "Đô" for "Đỗ"; hỏi for sắc or ngã)."""
    lexicon = lexicon or load_name_lexicon()
    table = lexicon.table(surname)
    hat_apart = word.endswith(_HAT_APART)
    core = word.rstrip("".join(_HAT_APART))
    # A tilde on a consonant ("Mãñ") is a vowel's mark read beside it: Vietnamese has no ñ.
    core = core.replace("ñ", "n").replace("Ñ", "N")
    if not core.isalpha():
        return word
    title = _title(core)
    if title in table and not hat_apart:
        return word
    shape, tone = _split_vowels(title)
    scored: dict[str, float] = {}
    for name, weight in table.items():
        if len(name) not in (len(title), len(title) + 1) or fold(name) != fold(title):
            continue
        name_shape, name_tone = _split_vowels(name)
        over_hat = any(c in unicodedata.normalize("NFD", name) for c in "\u0302\u0306\u031b")
        likely = _shape_likely(shape, name_shape, hat_apart) * _tone_likely(tone, name_tone,
                                                                          over_hat)
        if likely > 0 and likely >= least:
            scored[name] = likely * weight
    ranked = sorted(scored.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0][1] <= ranked[1][1]):
        return word if not hat_apart or title in table else core
    best = ranked[0][0]
    return best.upper() if core.isupper() and len(core) > 1 else best
