"""A person's number that fails its own checks is read again, with its birth date, before the
page's text is final.

The 12-digit personal number carries the holder's province, century and sex, and the last two
digits of the birth year; the paper prints the date of birth near it. When OCR misreads one
digit of either, the extractor rightly refuses the number (issue 18's owner bench: "1981" read
as "1961" beside a correctly read number, the owner lost). That refusal is the trigger here:
the number and the birth date nearest it are each read again alone — a crop of the word,
enlarged, digits only, one line — and a new reading is taken only when one pair (number, birth
year) among the readings passes every check, it differs from what was read in at most two
characters, and no other pair passes: two different valid pairs mean nothing is known.
A number that validates is read alone too (a 2 read as a 3 passes every check: issue 18's
heavy owner bench): when both readings alone give the same other number, one digit from it,
that also validates, two readings outvote one and it is taken. A number read one digit short
or long is read alone too, and takes the one valid 12-digit reading that is it with a digit
put back or taken out — unsure (below): the first reading lost that digit. A glyph too many
that the digits reader alone (twice) and the page's own model alone take out the same way is
settled: the page's reading holds every digit, and one of 13 glyphs is no rival number.

Two more cases, both always unsure (session 12, issue 18): a number the page's reading lost
altogether after its caption ("Số CCCD/Hộ chiếu: ….070193138128…." read "CCC]/Hộ chiêu:" on a
heavy copy) is read where it is printed, the rest of the line narrowed to its glyphs, in two
binarizations (:func:`_lost_number`); and a number that fails only against a birth date it was
read the same three times beside, while the date's own readings differ, is proposed rather than
refused — the year is then the doubtful reading (:func:`_number_over_year`).

None of these is proof: the two readings alone are the same crop at two sizes, not
independent, and a 12-digit number with one digit wrong still validates about as often as
not. So a number whose readings disagree — the first against a reading alone, or one the
readings alone put in its place — is kept (it is still the best guess) but recorded as unsure
(:func:`reread_ids`' second value, ``OcrPage.unsure_ids``): the extractor proposes it as the
owner and sends the paper to a person (issue 18, heavy owner bench page 68: "…886467" read
"…886367", valid, the readings alone not agreeing, kept as sure).

A reading that does not come from the same enlarged crop: the page's own model reads the
number's crop at the page's size and says, per digit, which other digit it weighed (kind
"rivals"). A rival that keeps the number valid makes it unsure (session 14: held-out page
3700040, "…745171" read "…745121" on the page, the model's second choice for the "2" a "7");
and when that model reads the crop as the page did, two readings alone no longer outvote it.

A number that still fails is voted on glyph by glyph (session 15, :func:`_by_vote`): its crop
read by every reader at every size, as scanned and contrast-stretched, each reading a row of
glyphs; the valid number that all readings together need the fewest glyph edits to say is
proposed (always unsure) when it is the only one and two readings print it exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from sohoa.idcodes import personal_id_problems
from sohoa.ocr.dates import DIGIT_LOOKALIKES, fold_keep_length, parse_vn_date
from sohoa.ocr.fields.personal_ids import (
    caption_without_number,
    find_id_mentions,
    names_another_person,
)
from sohoa.ocr.layout import Box, Line
from sohoa.vntext import fold

# (left, top, right, bottom) of a crop, its kind → the readings of it. "number", "date": the
# crop alone, enlarged, digits only; "rest": the rest of a line, narrowed to its glyphs;
# "rivals": the page's own model's reading of the crop, then that reading with each digit the
# model nearly read instead put in its place (one reading per rival); "votes": the crop read by
# every reader at every size, as scanned and contrast-stretched (:func:`_by_vote`); "digits":
# the same by the digits reader alone (:func:`_digits_reader_number`); "glyphs A/B": the one of
# two readings the number's own glyphs say, or nothing (:func:`_glyphs_say`).
Reader = Callable[[tuple[int, int, int, int], str], list[str]]

# How far (lines) from the number its birth date may be printed: the card prints it two lines
# under the number, a form's person block a few lines above.
_DATE_REACH = 6
_BORN_LINE = re.compile(r"(?<![a-z])(?:sinh|date of birth|nam sinh)(?![a-z])")
_NUMBER_WORD = re.compile(r"[0-9OoDQIl|]{3,}")
# A number that validates is replaced only by one read alone the same way twice, this many
# digits from it at most: two readings against one.
_OUTVOTED = 1


def _number_words(line: Line, raw: str) -> list[Box] | None:
    """The words of ``line`` that together print ``raw`` (a number OCR may have spaced)."""
    words = line.words
    for start in range(len(words)):
        text = ""
        for end in range(start, len(words)):
            text += re.sub(r"[^0-9A-Za-z|]", "", words[end].text)
            if text == raw:
                return list(words[start:end + 1])
            if not raw.startswith(text):
                break
    return None


def _number_crop_words(line: Line, raw: str) -> list[Box] | None:
    """:func:`_number_words`, and for a number read a digit short the lone digit right after
    it on the line, which may be its last one set apart by OCR ("04009623361 1 cấp ngày":
    tuning seed 47 page 4700047; the extractor joins such a digit only at the end of a
    clause, so "cấp" after it left the number 11 long): it is read again with the number."""
    words = _number_words(line, raw)
    if words is None or len(raw) != 11:
        return words
    at = line.words.index(words[-1]) + 1
    if at < len(line.words) and re.fullmatch(r"[0-9][,;.]?", line.words[at].text):
        return [*words, line.words[at]]
    return words


def _birth_word(lines: Sequence[Line], at: int) -> tuple[int, int, date] | None:
    """(line, word, date) of the date of birth nearest the number's line ``at``: above first.
    A birth date in another person's block is not the number's: a birth certificate prints
    the mother's and the father's "Năm sinh" right under the child's number (issue 18, seed
    59 page 5900005: "Số định danh cá nhân: 038090271402⏎Họ, chữ đệm, tên người mẹ: …⏎Năm
    sinh: 1975", the child's "19/05/1990" six lines above; the number was checked against
    1975 and sent to review)."""
    order = sorted(range(max(0, at - _DATE_REACH), min(len(lines), at + _DATE_REACH + 1)),
                   key=lambda n: (abs(n - at), n > at))
    for n in order:
        words = lines[n].words
        text = " ".join(w.text for w in words)
        if not (born := _BORN_LINE.search(fold_keep_length(text))):
            continue
        before = "\n".join(" ".join(w.text for w in line.words)
                           for line in lines[max(0, n - _DATE_REACH):n])
        if names_another_person(f"{before}\n{text[:born.start()]}"):
            continue
        for k, word in enumerate(words):
            day = parse_vn_date(word.text)
            if day is not None:
                return n, k, day
        # A form that prints the year alone ("Năm sinh: 1993", "sinh năm 1970"): the year
        # within two words after "sinh" (or "sinh năm"), as 1 January of it — only the year
        # is in the number.
        for k, word in enumerate(words):
            if fold(word.text).strip(":,.") != "sinh":
                continue
            for j in range(k + 1, min(k + 4, len(words))):
                if (year := _year(words[j].text)) is not None:
                    return n, j, year
    return None


_SEX_LINE = re.compile(r"(?<![a-z])(?:gioi tinh|sex)\W*(?:/\s*sex\W*)?(nam|nu|male|female)"
                       r"(?![a-z])")


def _printed_sex(lines: Sequence[Line], at: int) -> bool | None:
    """Whether the sex printed nearest the number's line ``at`` ("Giới tính: Nữ", "Giới
    tính/Sex: Nam") is a woman's; None when none is printed within reach."""
    for n in sorted(range(max(0, at - _DATE_REACH), min(len(lines), at + _DATE_REACH + 1)),
                    key=lambda n: (abs(n - at), n > at)):
        m = _SEX_LINE.search(fold(" ".join(w.text for w in lines[n].words)))
        if m is not None:
            return m[1] in ("nu", "female")
    return None


def _year(text: str) -> date | None:
    """A birth year printed alone ("1993", "1993,"), as 1 January of it."""
    m = re.fullmatch(r"((?:19|20)\d\d)[.,;]?", text)
    return date(int(m[1]), 1, 1) if m else None


def _as_birth(text: str, year_only: bool) -> date | None:
    return _year(text) if year_only else parse_vn_date(text)


def _union(words: Sequence[Box]) -> tuple[int, int, int, int]:
    return (min(w.left for w in words), min(w.top for w in words),
            max(w.right for w in words), max(w.bottom for w in words))


def _apart(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True)) if len(a) == len(b) else 99


def recheck_ids(lines: list[Line], read: Reader) -> list[Line]:
    """``lines`` with a failing personal number or its birth date replaced by a reading that
    makes them agree (see the module's docstring); unchanged otherwise."""
    return reread_ids(lines, read)[0]


def _unsure(number: str, readings: Sequence[str]) -> tuple[str, str] | None:
    """(``number``, the readings joined by "/") when a 12-digit reading among ``readings`` is
    another number; None when every one that is a number at all says ``number``. A reading
    of another length or with other characters is no reading of a number (a crop cut short)."""
    seen = [r for r in map(_as_number, readings) if len(r) == 12 and r.isdigit()]
    if all(r == number for r in seen):
        return None
    return number, "/".join(dict.fromkeys([number, *seen]))


def _as_number(reading: str) -> str:
    """A number as read alone, the crop's own edges taken off: a separator at either end (the
    caption's colon read "-": "-038304234173", held-out seed 41 page 4100036), and a first
    digit lost that can only be 0 (every province code starts with 0): "38089745171" is
    "038089745171" (issue 18's page 3700040: the readings alone said "…171" where the page
    read "…121", and were ignored as one digit short)."""
    reading = reading.strip("-./")
    return "0" + reading if len(reading) == 11 and reading.isdigit() \
        and not reading.startswith("0") else reading


def _two_models_agree(number: str, kept: str, again: Sequence[str]) -> bool:
    """Do two different models read the page's valid ``number`` the same, whatever the
    page's model says of its crop alone? The page's model read it on the page, and the
    digits reader — another model (English digits) — read the crop alone as exactly that
    number at every size, twice or more. Then the only dissent is the page's own model
    reading its own pixels again (kind "rivals": its reading of the crop, or a digit it
    nearly read there), which outweighs neither reader; the number is sure (issue 18, seed
    59: pages 5900023 "…102357" read "…102557" by the model alone, 5900034 "…084…" read
    "…064…" by it, both right on the page and twice alone). A reading alone that differs,
    or one that is no 12-digit number (a crop read short or long), leaves the doubt: then
    the two models do not agree (page 3700040: the readings alone said "…171", the page and
    its model "…121"; seed 59 page 5900032: "…073882453" on the page, the crop alone read a
    digit long, the model alone "…073883453": a one-digit misread, sent to review)."""
    return kept == number and len(again) >= 2 and all(r == number for r in again)


def _digits_reader_number(readings: Sequence[str], born: date | None, female: bool | None
                          ) -> str | None:
    """The number the digits reader says, when a valid number's readings disagree (one of
    the numbers :func:`_glyphs_say` chooses among): the 12-digit number that passes the
    page's checks (province, century and sex digit against the birth date and sex printed
    near) which the digits reader's own readings of the crop (kind "digits": as scanned and
    contrast-stretched, at 1×, 2× and 3×) need the fewest glyph edits to say — the only
    cheapest, one of them printing it exactly; None otherwise.

    Why that reader: on the owner bench's tuning pages (seeds 47, 53, 59, 67: 101 owner
    numbers, every reading logged) the digits reader's readings were exact 573 times in 606,
    the page's model's (restricted to digits) 431; this consensus named the printed number
    100 times in 100, the page itself 98 in 101. The model errs by a digit read as another
    (valid, so nothing catches it), the digits reader by a digit put in or dropped, which the
    edit count absorbs. Issue 18, seed 67 page 6700017: "…620959" read "…629959" by the page
    and its model at every size, "…620959" by the digits reader at every size — the page's
    number was kept and proposed, wrong; seed 59 page 5900032: "079072882453" read
    "079073882453" on the page, "0790728824583" by the digits reader four times and
    "079072882453" once. But the digits reader is not always the right one (seed 41 page
    4100032: "…888" at every size, the page's model "…488", right): only the glyphs choose."""
    readings = [d for r in readings if len(d := re.sub(r"[^0-9]", "", r)) >= _VOTE_MIN]
    if len(readings) < 3:
        return None
    candidates = {c for r in readings for c in _twelve_near(r)
                  if not personal_id_problems(c, born, female)}
    costs = sorted((sum(_distance(c, r) for r in readings), c) for c in candidates)
    if not costs or (len(costs) > 1 and costs[1][0] == costs[0][0]):
        return None
    return costs[0][1] if costs[0][1] in readings else None


def _glyphs_say(read: Reader, box: tuple[int, int, int, int], kept: str,
                readings: Sequence[str], born: date | None, female: bool | None) -> str | None:
    """Of a valid number in doubt (``kept``) and the other valid numbers its readings gave
    (``readings``: the readings alone, the model's rivals, the digits reader's own number),
    the one the number's glyphs prefer to ``kept`` (kind "glyphs A/B",
    :mod:`sohoa.ocr.glyphmatch`: each disputed glyph compared with the number's other glyphs
    of either digit) and no other number is preferred to; None when that is not one number
    (then the page's reading stays the proposal). Issue 18: two readers each reading one crop the
    same at every size and disagreeing on a digit — seed 67 page 6700017 "…620959" (the digits
    reader) against "…629959" (the page's model, and the page), the digits reader right; seed
    41 page 4100032 "…888" (the digits reader) against "…488" (the page's model), the model
    right; seed 59 page 5900032 "079072882453" (the digits reader, once exact, four times a
    digit long) against the page's "…073…". In each the glyphs chose the printed number."""
    others = [r for r in dict.fromkeys(readings)
              if len(r) == 12 and r.isdigit() and r != kept
              and not personal_id_problems(r, born, female)]
    if not others:
        return None
    numbers = [kept, *others]
    said = {(a, b): read(box, f"glyphs {a}/{b}") for a in numbers for b in numbers if a < b}

    def beats(a: str, b: str) -> bool:
        return said[min(a, b), max(a, b)] == [a]

    # The one number the glyphs prefer to the page's that none is preferred to; a pair the
    # glyphs cannot compare (the disputed digits printed nowhere else) counts for neither.
    won = [a for a in others
           if beats(a, kept) and not any(beats(b, a) for b in numbers if b != a)]
    return won[0] if len(won) == 1 else None


def _rivals(model: Sequence[str], number: str, born: date | None) -> list[str]:
    """The valid 12-digit numbers, other than ``number``, that the page's own model read in
    its crop or nearly read (a digit's rival; ``model``, the crop's "rivals" readings): each
    is a reading that disagrees."""
    return [r for r in dict.fromkeys(model)
            if len(r) == 12 and r.isdigit() and r != number
            and not personal_id_problems(r, born)]


def reread_ids(lines: list[Line], read: Reader
               ) -> tuple[list[Line], list[tuple[str, str]]]:
    """:func:`recheck_ids`, and the numbers whose readings disagree: (the number as the text
    now prints it, every reading of it joined by "/")."""
    changed = list(lines)
    unsure: list[tuple[str, str]] = []
    for n, line in enumerate(lines):
        text = " ".join(w.text for w in line.words)
        if not _NUMBER_WORD.search(text):
            continue
        for mention in find_id_mentions(text):
            raw = mention.raw
            if len(raw) in (11, 13) and not mention.other_person:
                found = _one_digit_off(changed, n, raw, read) \
                    or _by_vote(changed, n, raw, read, mention.female)
                if found is not None:
                    changed[n], doubt = found
                    if doubt is not None:
                        unsure.append(doubt)
                continue
            if _cut_short(raw, mention.label) and not mention.other_person:
                if (found := _read_on(changed, n, raw, read, mention.label)) is not None:
                    changed[n], doubt = found
                    unsure.append(doubt)
                continue
            if len(raw) != 12 or mention.other_person:
                continue
            words = _number_words(line, raw)
            if words is None:
                continue
            number = raw.translate(DIGIT_LOOKALIKES)
            birth = _birth_word(changed, n)
            born = birth[2] if birth else None
            if not personal_id_problems(number, born):
                # It validates, yet a digit may still be another digit (a 2 read as a 3 keeps
                # every check): read alone twice, the same other number both times is taken.
                again = [_as_number(r) for r in read(_union(words), "number")]
                model = [_as_number(r) for r in read(_union(words), "rivals")]
                kept = number
                # Two readings against one — unless the page's own model, reading the crop
                # alone, sides with the page: two against two is no majority (held-out seed
                # 41 page 4100032: "…488" on the page and in its crop, "…888" twice alone).
                if len(again) == 2 and again[0] == again[1] != number \
                        and len(again[0]) == 12 and again[0].isdigit() \
                        and _apart(again[0], number) <= _OUTVOTED \
                        and not personal_id_problems(again[0], born) \
                        and model[:1] != [number]:
                    kept = again[0]
                    changed[n] = _with_number(changed[n], words, kept)
                # Taken or not, readings that differ mean a digit is in doubt; so does a
                # digit the page's model nearly read as another that keeps the number valid
                # (nothing checks the last six digits: issue 18, page 3700040).
                rivals = _rivals(model, kept, born)
                if (doubt := _unsure(kept, [number, *again, *rivals])) is not None \
                        and not _two_models_agree(number, kept, again):
                    # Which number to propose: the one the number's own glyphs say (below).
                    female = mention.female if mention.female is not None \
                        else _printed_sex(changed, n)
                    found = _glyphs_say(read, _union(words), kept, [
                        *doubt[1].split("/"),
                        *filter(None, [_digits_reader_number(read(_union(words), "digits"),
                                                             born, female)])], born, female)
                    if found is not None and found != kept:
                        kept = found
                        changed[n] = _with_number(changed[n], words, kept)
                        doubt = (kept, "/".join(dict.fromkeys([kept, *doubt[1].split("/")])))
                    unsure.append(doubt)
                continue
            alone = [_as_number(r) for r in read(_union(words), "number")]
            numbers = {number, *(r for r in alone
                                 if len(r) == 12 and r.isdigit() and _apart(r, number) <= 2)}
            dates: dict[date | None, str | None] = {born: None}
            date_reads: list[str] = []
            if birth is not None:
                word = changed[birth[0]].words[birth[1]]
                year_only = parse_vn_date(word.text) is None
                for again in read(_union([word]), "date"):
                    again = again.rstrip(".,;")  # the crop's own trailing comma or stop
                    date_reads.append(again)
                    day = _as_birth(again, year_only)
                    if day is not None and born is not None \
                            and _apart(again, word.text.rstrip(".,;")) <= 2:
                        dates.setdefault(day, again)
            good = [(num, day) for num in numbers for day in dates
                    if not personal_id_problems(num, day)]
            if not good and birth is not None and (doubt := _number_over_year(
                    number, alone, changed[birth[0]].words[birth[1]].text.rstrip(".,;"),
                    date_reads)) is not None:
                unsure.append(doubt)
                continue
            if len({num for num, _ in good}) != 1 or len({day for _, day in good}) != 1:
                if not good and (found := _by_vote(changed, n, raw, read, mention.female)):
                    changed[n], doubt = found
                    unsure.append(doubt)
                continue
            num, day = good[0]
            if num != number:
                changed[n] = _with_number(changed[n], words, num)
            # The first reading failed its checks and is no evidence; the readings alone are.
            if (doubt := _unsure(num, alone)) is not None:
                unsure.append(doubt)
            if day != born and birth is not None and dates[day] is not None:
                target = changed[birth[0]]
                old = target.words[birth[1]]
                tail = old.text[len(old.text.rstrip(".,;")):]
                new = replace(old, text=f"{dates[day]}{tail}")
                changed[birth[0]] = replace(target, words=(*target.words[:birth[1]], new,
                                                           *target.words[birth[1] + 1:]))
    right = max((w.right for line in lines for w in line.words), default=0)
    for n, line in enumerate(changed):
        if caption_without_number(" ".join(w.text for w in line.words)) is None:
            continue
        after = " ".join(w.text for w in changed[n + 1].words) if n + 1 < len(changed) else ""
        if re.match(r"\W{0,3}[0-9OoDQIl|]{4}", after):
            continue  # the number wrapped to the next line: it was read there
        if (lost := _lost_number(changed, n, read, right)) is not None:
            changed[n], doubt = lost
            unsure.append(doubt)
    return changed, unsure


def _number_over_year(number: str, alone: Sequence[str], printed: str,
                      date_reads: Sequence[str]) -> tuple[str, str] | None:
    """The doubt to record when a number fails only against its birth date, the number read
    the same three times (the page, alone at two sizes) and the date not (issue 18: "1995"
    read "1985" beside a right number, the owner lost): the date is the doubtful reading, so
    the number is proposed to a person instead of refused — never taken as sure, and the date
    is not rewritten from it. None when the number fails its own checks, its readings differ,
    or the date was read the same every time (then they truly disagree)."""
    if personal_id_problems(number) or len(alone) < 2 or any(r != number for r in alone):
        return None
    if not date_reads or all(r == printed for r in date_reads):
        return None
    return number, (f"số {number} đọc ba lần như nhau, ngày sinh đọc "
                    + " hoặc ".join(dict.fromkeys([printed, *date_reads])))


def _lost_number(lines: list[Line], n: int, read: Reader, right: int
                 ) -> tuple[Line, tuple[str, str]] | None:
    """Line ``n``, which ends with a number's caption and nothing after it (the number was
    printed there, on a copy too faint for the page's reading), with the number read alone
    where it is printed: the rest of the line, to the text's right edge, which the reader
    narrows to the glyphs and reads in two binarizations at two sizes. A reading's number
    is its first run of digits (a leader's dots, specks after it); one digit short and not
    starting with 0, it is that number with its leading 0 put back (every province code
    starts with 0: the number's own structure gives that digit, nothing else is guessed).
    Taken only when two readings or more give one number that passes every check (with the
    birth date printed near) and no reading gives another that does; always with its doubt: nothing
    but readings of one crop gives it, so a person confirms it."""
    words = lines[n].words
    top, bottom = min(w.top for w in words), max(w.bottom for w in words)
    height = bottom - top
    left = words[-1].right + max(3, height // 3)  # the crop's padding is the caption's colon
    if right - left < 4 * height:
        return None  # no room on the line for twelve digits
    birth = _birth_word(lines, n)
    born = birth[2] if birth else None
    readings = read((left, top, right, bottom), "rest")
    votes: list[str] = []
    for reading in readings:
        run = re.match(r"[^0-9]*([0-9]*)", reading)
        digits = run[1] if run else ""
        if len(digits) == 11 and digits[0] != "0":
            digits = "0" + digits
        if len(digits) == 12:
            votes.append(digits)
    valid = {v for v in votes if not personal_id_problems(v, born)}
    if len(valid) != 1:
        return None
    number = valid.pop()
    if votes.count(number) < 2:
        return None
    box = Box(number, left, top, right - left, height, min(w.confidence for w in words),
              words[-1].line_key)
    return (replace(lines[n], words=(*words, box)),
            (number, "/".join(dict.fromkeys(["trang: không đọc được", *votes]))))


def _lost_or_added(read: str, number: str) -> bool:
    """Is ``read`` ``number`` with one character dropped or one added?"""
    if abs(len(read) - len(number)) != 1:
        return False
    longer, shorter = (read, number) if len(read) > len(number) else (number, read)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def _one_digit_off(lines: list[Line], n: int, raw: str, read: Reader
                   ) -> tuple[Line, tuple[str, str] | None] | None:
    """Line ``n`` with a number read one digit short or long (a "1" read as "]", a speck as a
    digit) replaced by the one 12-digit reading alone that is it with a digit put back or
    taken out and passes every check; with its doubt: the digit comes only from the
    readings alone, the same crop at two sizes (not independent), and a digit of the last six
    is checked by nothing, so the number is proposed to a person.

    Except for a glyph too many that three readings take out the same way
    (:func:`_extra_glyph_settled`): the page's 13 glyphs hold every digit of the number, and a
    reading of another length is no rival number (tester17 F9)."""
    words = _number_crop_words(lines[n], raw)
    if words is None:
        return None
    number = raw.translate(DIGIT_LOOKALIKES)
    birth = _birth_word(lines, n)
    alone = [_as_number(r) for r in read(_union(words), "number")]
    found = {r for r in alone if len(r) == 12 and r.isdigit() and _lost_or_added(number, r)
             and not personal_id_problems(r, birth[2] if birth else None)}
    if len(found) != 1:
        return None
    num = found.pop()
    born = birth[2] if birth else None
    if len(number) == 13 and _extra_glyph_settled(num, alone, read(_union(words), "rivals"),
                                                  born):
        return _with_number(lines[n], words, num), None
    return _with_number(lines[n], words, num), (num, "/".join(dict.fromkeys([number, *alone])))


def _extra_glyph_settled(number: str, alone: Sequence[str], model: Sequence[str],
                         born: date | None) -> bool:
    """Is ``number``, the page's reading with one glyph taken out, said by every reader? The
    digits reader alone at both sizes (twice or more, and nothing else that is a 12-digit
    number), and the page's own model reading the crop alone (its first reading, kind
    "rivals"), with no digit it nearly read that makes another valid number. Then the page's
    13 glyphs are only a speck or a doubled stroke read as a digit (tester17 F9, decision
    t17-14: "0750662106153," on a clean page, "075066210613" alone twice and by the model):
    the page's reading is no rival, having no number's length. A digit put back (a page
    reading one short) is never settled so: only the crop's readings give that digit."""
    numbers = [r for r in alone if len(r) == 12 and r.isdigit()]
    first = [_as_number(r) for r in model[:1]]
    return len(numbers) >= 2 and all(r == number for r in numbers) and first == [number] \
        and not _rivals([_as_number(r) for r in model], number, born)


def _distance(a: str, b: str) -> int:
    """Levenshtein's: the characters to put in, take out or change to make ``a`` ``b``."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def _twelve_near(reading: str) -> set[str]:
    """The 12-digit numbers one edit from ``reading`` (itself, one digit changed, put in or
    taken out), or it alone when it is 12 digits already and changing it is not asked."""
    out: set[str] = set()
    if len(reading) == 12:
        out |= {reading[:i] + d + reading[i + 1:] for i in range(12) for d in "0123456789"}
    elif len(reading) == 11:
        out |= {reading[:i] + d + reading[i:] for i in range(12) for d in "0123456789"}
    elif len(reading) == 13:
        out |= {reading[:i] + reading[i + 1:] for i in range(13)}
    return out


# A reading shorter than this says too little about the glyphs' places to vote.
_VOTE_MIN = 6


def _by_vote(lines: list[Line], n: int, raw: str, read: Reader, female: bool | None
             ) -> tuple[Line, tuple[str, str]] | None:
    """Line ``n`` with a number that fails its checks — read a digit long or short, or with a
    digit that breaks the province, century or birth year, and not mended by the readings
    alone — replaced by the vote of many readings of its crop, glyph by glyph: every reader
    at every size, as scanned and contrast-stretched (kind "votes"), and the page's own.

    Each reading is a row of glyphs; a candidate is a 12-digit number one edit from a
    reading that passes every check the page gives it (province, the century and sex digit
    against the birth date printed near and the honorific of its clause, else the sex
    printed near: the number's own structure), and its cost is how many glyphs all readings
    together must change, put in or take out to say it (the sum of edit distances: a
    glyph's place is voted on by every reading, a lost or added glyph costs one and shifts
    nothing after it). The cheapest
    candidate is taken when it is the only cheapest and two readings or more print it
    exactly: issue 18, held-out seed 43 page 4300012 ("040086784125" read "0410086784135"
    on the page, "06784125" enlarged, "040086784125" at the page's size), seed 41 page
    4100036 ("038304234773" read "03810434774", the stretched crop "038304234773" at one
    and two times). Always with its doubt: a person confirms it."""
    words = _number_crop_words(lines[n], raw)
    if words is None:
        return None
    birth = _birth_word(lines, n)
    born = birth[2] if birth else None
    if female is None:
        female = _printed_sex(lines, n)
    page = re.sub(r"[^0-9]", "", raw.translate(DIGIT_LOOKALIKES))
    alone = [re.sub(r"[^0-9]", "", r) for r in read(_union(words), "votes")]
    readings = [r for r in [page, *alone] if len(r) >= _VOTE_MIN]
    if len(readings) < 3:
        return None
    candidates = {c for r in readings for c in _twelve_near(r)
                  if not personal_id_problems(c, born, female)}
    costs = sorted((sum(_distance(c, r) for r in readings), c) for c in candidates)
    if not costs or (len(costs) > 1 and costs[1][0] == costs[0][0]):
        return None
    number = costs[0][1]
    if sum(r == number for r in readings) < 2:
        return None
    return (_with_number(lines[n], words, number),
            (number, "/".join(dict.fromkeys([raw, *alone]))))


# A caption that names only a 12-digit paper: nine digits after it are a number cut short.
_TWELVE_LABEL = re.compile(r"dinh danh|can cuoc|cccd")
_NINE_LABEL = re.compile(r"cmnd|chung minh|(?<![a-z])cmt(?![a-z])")


def _cut_short(raw: str, label: str) -> bool:
    """Is ``raw`` a personal number the page read two digits short or more: 8 to 10
    characters, or 9 after a caption that names only a 12-digit paper (a CMND has 9)?"""
    if not 8 <= len(raw) <= 10:
        return False
    folded = fold(label)
    return len(raw) != 9 or (bool(_TWELVE_LABEL.search(folded))
                             and not _NINE_LABEL.search(folded))


def _subsequence(short: str, number: str) -> bool:
    """Is every character of ``short`` in ``number``, in order (``number`` with some put back)?"""
    rest = iter(number)
    return all(ch in rest for ch in short)


def _names_cmnd(label: str) -> bool:
    """Does the caption name the 9-digit CMND ("CMND số", "Số CMND/CCCD")?"""
    return bool(_NINE_LABEL.search(fold(label)))


def _read_on(lines: list[Line], n: int, raw: str, read: Reader, label: str = ""
             ) -> tuple[Line, tuple[str, str]] | None:
    """Line ``n`` with a number the page read two digits short or more (issue 18, seed 19 page
    1900000: "040198078159;" on a faint heavy copy read "04019078", its box ending where the
    reading stopped) replaced by the number read alone where it is printed: from the word's
    left edge to the next word of the line (or the text's right edge), narrowed to the glyphs
    and read in two binarizations at two sizes, as a lost number is (:func:`_lost_number`). A
    reading's number is its first run of digits. Taken only when two readings or more give one
    12-digit number that passes every check (with the birth date printed near), holds every
    digit the page read in their order (the page's reading supports it: nothing is put in
    that no reading gives), and no reading gives another valid number; always with its doubt,
    a person confirms it."""
    line = lines[n]
    words = _number_words(line, raw)
    if words is None:
        return None
    left, top, right, bottom = _union(words)
    height = bottom - top
    after = [w for w in line.words if w.left >= right and w not in words]
    edge = min((w.left for w in after), default=max(
        (w.right for ln in lines for w in ln.words), default=right) + height)
    # The crop's padding (a third of the height) must not reach the next word's first letter.
    end = edge - max(3, height // 3) - max(2, height // 8)
    if end - right < (right - left) // len(raw):
        return None  # no room after the word for a digit it lost
    birth = _birth_word(lines, n)
    born = birth[2] if birth else None
    readings = read((left, top, end, bottom), "rest")
    runs = [run[1] for reading in readings if (run := re.match(r"[^0-9]*([0-9]*)", reading))]
    number = raw.translate(DIGIT_LOOKALIKES)
    votes = [r for r in runs if len(r) == 12]
    valid = {v for v in votes if not personal_id_problems(v, born)}
    if not votes and _names_cmnd(label):
        # A 9-digit CMND read short and garbled (tuning seed 47 page 4700044: "CMND số:
        # 278257755" read "37357755", the same crop read "278257755" four times): only the
        # province checks it, so every reading must say it, three at least, and the page's
        # reading must be a few glyphs from it.
        votes = [r for r in runs if len(r) == 9]
        valid = {v for v in votes if not personal_id_problems(v)}
        if len(votes) < 3 or len(valid) != 1 or len(set(runs)) != 1 \
                or _distance(number, next(iter(valid))) > 3:
            return None
    elif len(valid) != 1:
        return None
    found = valid.pop()
    if votes.count(found) < 2 or (len(found) == 12 and not _subsequence(number, found)):
        return None
    box = Box(found, left, top, end - left, height, min(w.confidence for w in words),
              words[0].line_key)
    first = line.words.index(words[0])
    return (replace(line, words=(*line.words[:first], box, *line.words[first + len(words):])),
            (found, "/".join(dict.fromkeys([raw, *votes]))))


def _with_number(line: Line, words: list[Box], number: str) -> Line:
    """``line`` with the words that printed a number replaced by one word of ``number``."""
    first = line.words.index(words[0])
    left, top, right, bottom = _union(words)
    merged = Box(number, left, top, right - left, bottom - top,
                 min(w.confidence for w in words), words[0].line_key)
    return replace(line, words=(*line.words[:first], merged,
                                *line.words[first + len(words):]))
