"""A person's identity number wherever a form prints it, and which wording it came after.

Vietnamese forms name the identity paper in many ways, and the number follows the name of the
paper, not a fixed caption: "Số định danh cá nhân: …" (CT07, birth certificates since 2016),
"Số CCCD: …", "CMND số …" (land certificates before 2024), "Giấy CMND/CCCD/Hộ chiếu: Căn cước
công dân số 0750…, cấp ngày …, tại …" (item 8 of the judicial-record certificate),
"Giấy CMND/Hộ chiếu: Số: 271…" (the 2013 forms), "… (số định danh cá nhân 0751…)" inside a
decision's sentence, "Số / No.:" or "Số 271…" on the card itself. The rule read off those forms:
*a name of an identity paper, then any run of further paper names, "số", "/", colons and
parentheses, then the number* — across line breaks, because running text wraps anywhere.

Each mention keeps the printed wording before the number (``label``) so a clerk sees where the
owner came from, and the role the paper gives the person it belongs to: a birth certificate also
prints the declarant's ID ("Người đi khai sinh … Giấy tờ tùy thân: CCCD số …"), an authorization
the authorized person's, a business certificate the legal representative's. Those are other
people's numbers and never the owner's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sohoa.idcodes import birth_year_of, personal_id_problems
from sohoa.ocr import gazetteer
from sohoa.ocr.dates import fold_keep_length, parse_vn_date
from sohoa.ocr.fields.digits import DIGIT_LOOKALIKES
from sohoa.ocr.fields.names import load_name_lexicon
from sohoa.vntext import fold

# Names of identity papers as printed, on folded text (no marks, lower case, đ → d). The last
# word of "căn cước công dân" may be any short word: after "căn cước công" nothing but "dân"
# is printed, and a heavy copy reads it "đáo", "dẫn", "clân" (issue 18, seed 19 page 1900000:
# "căn cước công đáo số 0401…" lost the first person's number and its caption together).
# Other names forms use for the same paper are names too: "Số thẻ CCCD", "Giấy tờ nhân thân",
# "Số giấy tờ chứng thực cá nhân" (none drawn by the project; session 15).
_PAPER = (r"(?:so\s+)?dinh\s+danh(?:\s+ca\s+nhan)?|ma\s+dinh\s+danh|d\.?d\.?c\.?n"
          r"|(?:the\s+)?can\s+cuoc(?:\s+cong(?:\s+[a-z]{2,4})?)?|(?:giay\s+)?chung\s+minh\s+nhan\s+dan"
          r"|cmnd|cccd|cmt|c\.?m\.?n\.?d|c\.?c\.?c\.?d|ho\s+chieu"
          r"|giay\s+to\s+(?:tuy\s+than|nhan\s+than|chung\s+thuc\s+ca\s+nhan"
          r"|phap\s+ly(?:\s+cua\s+ca\s+nhan)?)"
          r"|personal\s+identification\s+number|identity\s+card\s+no")
_PAPER_RE = re.compile(rf"(?<![0-9a-z])(?:giay\s+|so\s+(?:the\s+)?|the\s+)?(?:{_PAPER})"
                       r"(?![0-9a-z])")
# What may stand between the paper's name and its number: more names ("CMND/CCCD/Hộ chiếu"),
# "số", "No.", colons, slashes, parentheses, "bản", "loại", "là" (inside a sentence: "… có số
# định danh cá nhân là 0751…") …
# A slash list of paper names may hold one OCR damaged ("CMND/CCCDĐ/Hộ chiếu"): a short word
# right after a slash is skipped too. A bilingual caption gives the name again in English after
# a slash, up to its colon ("Số định danh cá nhân/Personal identification number:", the 2024
# card, often wrapped and misspelt by OCR: "…/Personal identifcation⏎number:"): up to four
# words after a slash that end at a colon are that translation, a speck OCR read before one
# of them too ("…identifcation⏎_ number:", held-out seed 37 page 3700022; a quote, its "n"
# lost: "…identification⏎"umber:", tuning seed 53 page 5300006), or at the line's end when the
# card prints the number under its caption with no colon (tester18 F2: "Số định danh cá
# nhân/Personal IdentffcatIon number⏎0792…", its English half misread). After a slash,
# "chiếu" is only ever "Hộ chiếu": its first word read as anything short is still the passport
# ("Giấy CMND/CCCU/Hð chiếu: Số: 0751…", held-out seed 41 page 4100000, "ð" not a letter
# folding can mend).
_BETWEEN = re.compile(rf"(?:[\s:.,;()\-/_~'`‘’“”\"]"
                      rf"|(?<![0-9a-z])(?:{_PAPER}|so|no|giay|loai|ban|la)"
                      rf"(?![0-9a-z])|(?<=/)[a-z]{{1,8}}(?=\s*/)|(?<=/)[^\s/:0-9][^\s/:]{{0,2}}\s+chieu(?![a-z])"
                      rf"|(?<=/)[a-z]{{2,16}}(?:\s+[_~.\-'`‘’“”\"]{{0,2}}\s*[a-z]{{2,16}}){{0,3}}"
                      r"(?=\s*:|[ \t]*\n))*")
_LOOK = re.escape("".join(k for k in DIGIT_LOOKALIKES if k not in "?"))
_NUMBER = re.compile(rf"[0-9{_LOOK}](?:[0-9{_LOOK}]|[ .](?=[0-9]{{3}}))*")

# Who an ID belongs to, from the wording before it. Other people's numbers are printed after
# these (folded) cues; the owner's after any of ``_OWNER_CUES`` or none.
_OTHER_CUES = (
    "nguoi di khai sinh", "nguoi di dang ky", "nguoi yeu cau cap ban sao", "nguoi lam chung",
    "ben duoc uy quyen", "ben nhan uy quyen", "ben b", "nguoi duoc uy quyen",
    "nguoi dai dien theo phap luat", "nguoi dai dien", "dai dien theo phap luat",
    "ten nguoi me", "ten nguoi cha", "ho ten me", "ho ten cha", "ho va ten me", "ho va ten cha",
    "ho va ten cha me", "thong tin cua me", "thong tin cua cha", "me:", "cha:",
    "can bo tiep nhan", "nguoi tiep nhan", "nguoi ky", "giam doc doanh nghiep",
    "chu so huu doanh nghiep",
)
_OWNER_CUES = (
    "ben uy quyen", "ben a", "nguoi uy quyen", *("ho va ten", "ho, chu dem va ten",
    "ho, chu dem, ten", "ho ten"), "cap cho", "nguoi su dung dat",
    "nguoi duoc cap", "xet de nghi cua", "nguoi nop", "nguoi yeu cau", "chu ho",
    "ten nguoi yeu cau", "thong tin ve nguoi",
)
# A name caption right after another person's cue is that person's name ("Người đi khai sinh:
# Họ và tên: …"), not the owner's section starting again.
_NAME_CAPTIONS = ("ho va ten", "ho, chu dem va ten", "ho, chu dem, ten", "ho ten")
# A cue is whole words: "bên a" is a contract's "Bên A", never the start of "thôn Bến An" or
# "ấp Bến Bình" in somebody's address (which would hand the declarant's number to the child).
_CUE_RE = re.compile(r"(?<![0-9a-z])(?=(" + "|".join(
    re.escape(c).replace(r"\ ", r"\s+") + ("" if c.endswith(":") else r"(?![0-9a-z])")
    for c in sorted({*_OTHER_CUES, *_OWNER_CUES}, key=len, reverse=True)) + r"))")
_ROLE_WINDOW = 260  # characters before a number in which its person's cue is printed


@dataclass(frozen=True)
class IdMention:
    """A number printed after the name of an identity paper."""

    raw: str  # digits and look-alikes as read, spaces removed
    # the printed wording before it, NFC ("Giấy CMND/CCCD/Hộ chiếu: Căn cước công dân số")
    label: str
    inline: bool  # inside a sentence rather than after a form caption
    other_person: bool  # the wording gives it to someone other than the paper's owner
    offset: int  # in the flattened text
    # The birth year printed in the same clause before the number ("sinh ngày 04/02/1980,
    # số định danh cá nhân …", "Năm sinh: 1970, CMND số: …"), the number's own cross-check.
    born: int | None = None
    # The sex the honorific of the same clause gives its person ("Ông Bùi Đình An, sinh năm
    # 2002, căn cước công dân số …": a man), None when none is printed; the number's fourth
    # digit carries it (even: a man, odd: a woman).
    female: bool | None = None


def _flatten(text: str) -> str:
    """Runs of whitespace as one character each (offsets stay those of the words), a line
    break kept as "\\n": a number is never joined across it ("CMND số 025123456⏎123 Lê Lợi"
    is a 9-digit CMND and a house number, not a 12-digit ID), while the wording before a
    number still runs on over lines (``\\s`` in the patterns)."""
    return re.sub(r"\s+", lambda m: "\n" if "\n" in m.group() else " ", text.strip())


def _number_at(flat: str, start: int) -> tuple[str, int] | None:
    """The 9- or 12-character number (or a misread length near them) starting at ``start``."""
    m = _NUMBER.match(flat, start)
    if m is None:
        return None
    groups = re.split(r"[ .]", m.group())
    token = "".join(groups)
    # Groups after a complete number are the next word read as look-alikes or another number
    # ("075180954281 1970"); a run of 13 plain digits is one misread number and stays whole.
    # A 12-digit number OCR spaced anywhere ("070055992 189") is whole: only a run longer than
    # 12 is cut, at 12 (else 9) plain digits.
    for size in (12, 9):
        if len(token) <= 12:
            break
        heads = ["".join(groups[:n]) for n in range(1, len(groups))]
        head = next((h for h in heads if len(h) == size and h.isdigit()), None)
        if head is not None:
            token = head
    end = m.end()
    # The last digit set apart by OCR ("07006454341 1, cấp ngày": held-out seed 37, page
    # 3700032) finishes a number read 11 long, when the clause ends right after it (a house
    # number or a date after the number runs on: "…341 12 Lê Lợi" is not joined).
    if len(token) == 11 and token.isdigit() and (
            tail := re.match(r" ([0-9])(?=[,;.]|\s*$|\n)", flat[end:])) is not None:
        token, end = token + tail[1], end + 2
    digits = sum(c.isdigit() for c in token)
    if not 8 <= len(token) <= 14 or digits < len(token) - 3:
        return None
    return token, end


# The words identity papers' captions are printed with, spelt right: a caption read with a
# mark lost or changed ("Giầy CMND/CCCD/Hộ chiều: Căn cước số") is kept as the form prints it,
# so the label a reviewer reads and searches is the form's (tester15 F8). Folded, each word has
# one spelling in these captions ("so" is "số", never "sổ", before a number).
_CAPTION_WORDS = {fold(w): w for w in (
    "giấy", "chứng", "minh", "nhân", "dân", "căn", "cước", "công", "hộ", "chiếu", "số", "thẻ",
    "định", "danh", "cá", "mã", "tờ", "tùy", "thân", "thực", "pháp", "lý", "của", "loại",
    "bản", "là", "cấp")}


def caption_as_printed(label: str) -> str:
    """``label`` with each word of an identity paper's caption spelt as forms print it (case
    kept); other words (abbreviations, English, what OCR made of a word) as read."""
    def spelt(m: re.Match[str]) -> str:
        word = m.group()
        right = _CAPTION_WORDS.get(fold(word))
        if right is None or (word.isupper() and len(word) > 1):
            return word
        return right[0].upper() + right[1:] if word[:1].isupper() else right
    return re.sub(r"\w+", spelt, label)


def find_id_mentions(text: str) -> list[IdMention]:
    """Every number printed after an identity paper's name, in reading order."""
    flat = _flatten(text)
    folded = fold_keep_length(flat)
    found: list[IdMention] = []
    taken = -1
    for m in _PAPER_RE.finditer(folded):
        if m.start() < taken:
            continue
        between = _BETWEEN.match(folded, m.end())
        start = between.end() if between else m.end()
        number = _number_at(flat, start)
        if number is None:
            continue
        raw, end = number
        if re.fullmatch(r"ho\s+chieu", folded[m.start():m.end()].removeprefix("so ").strip()) \
                and not re.search(r"can\s+cuoc|cmnd|cccd|chung\s+minh|dinh\s+danh",
                                  folded[max(0, m.start() - 30):start]) \
                and not re.search(r"/\s*$", folded[max(0, m.start() - 3):m.start()]):
            # A passport number is not a citizen's ID; "…/Hộ chiếu" ends a list of papers
            # whose first name OCR damaged ("CCC]/Hộ chiếu:"): the citizen's number, either.
            continue
        label = caption_as_printed(" ".join(
            w for w in flat[m.start():start].split() if w.strip("_~")
        ).rstrip(" :.,;(-_~'`‘’“”\""))
        # A caption ends with a colon ("Số CCCD:"); running text runs on ("… số định danh cá
        # nhân 0751…", "CMND số 27…").
        before = flat[max(0, m.start() - 3):m.start()]
        inline = ":" not in flat[m.start():start] and not re.search(r"(^|[\d.)]\s*)$", before)
        clause_from = max(taken, m.start() - _ROLE_WINDOW // 2, 0)
        found.append(IdMention(raw, label, inline, _other_person(folded, m.start()), start,
                               _born(flat[clause_from:m.start()]),
                               _honorific_sex(flat, folded, clause_from, m.start())))
        taken = end
    return found


_BORN = re.compile(r"(?<![0-9a-z])(?:sinh\s*(?:ngay|nam)?|nam\s+sinh|ngay\W+thang\W+nam\s+sinh)"
                   r"\s*:?\s*")


def _born(clause: str) -> int | None:
    """The last birth date or year printed in ``clause``."""
    folded = fold_keep_length(clause)
    year = None
    for m in _BORN.finditer(folded):
        rest = clause[m.end():m.end() + 40]
        day = parse_vn_date(rest)
        if day is not None:
            year = day.year
        elif (y := re.match(r"(1[89]\d\d|20\d\d)(?!\d)", rest)) is not None:
            year = int(y[1])
    return year


def _honorific_sex(flat: str, folded: str, start: int, end: int) -> bool | None:
    """Whether the last honorific before a person's name between ``start`` and ``end`` is a
    woman's ("bà") — False for "ông" — or None when there is none ("Ông/Bà:" names neither,
    "tỉnh Bà Rịa" is a place)."""
    sex = None
    for m in _HONORIFIC_RE.finditer(folded, start, end):
        word = folded[m.start():m.end()].split()[-1].rstrip(":")
        if m.end() < len(flat) and flat[m.end()].isupper() and _names_a_person(flat, word,
                                                                               m.end()):
            sex = word == "ba"
    return sex


def names_another_person(text: str) -> bool:
    """Does the person cue nearest the end of ``text`` name someone other than a paper's
    owner ("Họ, chữ đệm, tên người mẹ: Trần Thị Hoa⏎Năm sinh:" — the mother's)? What is
    printed right after ``text`` is then that person's, not the owner's."""
    flat = _flatten(text)
    return _other_person(fold_keep_length(flat), len(flat))


def _other_person(folded: str, at: int) -> bool:
    """Is the nearest person cue before ``at`` one that names someone other than the owner?"""
    window = folded[max(0, at - _ROLE_WINDOW):at]
    # Cues may overlap ("họ, chữ đệm, tên người mẹ" holds "họ, chữ đệm, tên"): every cue at
    # every position, in the order they end; the later-ending one is the more specific.
    cues = sorted(((m.start() + len(m.group(1)), " ".join(m.group(1).split()))
                   for m in _CUE_RE.finditer(window)), key=lambda c: (c[0], len(c[1])))
    other, other_end = False, -1000
    for end, cue in cues:
        if cue in _OTHER_CUES:
            other, other_end = True, end
        elif not (cue in _NAME_CAPTIONS and other and end - other_end < 80):
            other = False
    return other


# Where a person's block starts: a name caption ("Họ và tên:", "Họ, chữ đệm, tên vợ:") or an
# honorific before a capitalized name ("Ông: NGUYỄN …", "và bà: PHAN …", "cùng bà Lê …").
_NAME_CAPTION_RE = re.compile(r"(?<![0-9a-z])(?:ho\s+va\s+ten|ho,?\s+chu\s+dem,?\s+(?:va\s+)?ten"
                              r"|ho\s+ten)(?![0-9a-z])")
# The honorific opens a line or a clause, or follows a joining word: "tỉnh Bà Rịa", "đường Ba
# Mươi Tháng Tư", "xã Ông Đình" in an address are places, not a person.
_HONORIFIC_RE = re.compile(r"(?:^|(?<=\n)|(?<=[,;:(])\s*|(?<![0-9a-z])(?:va|cung|cua|cho|voi)\s+)"
                           r"(?:ong|ba)\s*:?\s+(?=\S)")
# A caption that announces a number ends in a colon or "số"/"No." ("CCCD số:", "Giấy tờ tùy
# thân:"); a damaged one is still a caption when digits follow it closely on its line
# ("CCCD xố: 0400…": the "số" misread, the number not taken).
_ANNOUNCES = re.compile(r"(?:[:]|(?<![0-9a-z])(?:so|no))[\s.:]*$")
_DIGITS_NEAR = re.compile(r"[^\n0-9]{0,12}(?=[0-9]{4})")


_NAME_WORDS = re.compile(r"[^\W\d_]+")
_AFTER_CAPTION = re.compile(r"[^:\n]{0,30}:\s*")


def _name_after(flat: str, at: int) -> str:
    """The capitalized words printed from ``at`` on (at most five, to the first mark that is
    not a space), folded: the person's name a block opens with, "" when none."""
    words = []
    pos = at
    while len(words) < 5:
        m = _NAME_WORDS.match(flat, pos)
        if m is None or not m.group()[0].isupper():
            break
        words.append(m.group())
        pos = m.end()
        if pos >= len(flat) or flat[pos] != " ":
            break
        pos += 1
    return fold(" ".join(words))


@cache
def _honorific_places() -> frozenset[str]:
    """Units whose name starts with an honorific ("Bà Rịa", "Bà Điểm", "Ông Đình"), folded,
    their words only ("ba ria vung tau")."""
    keys = (" ".join(_NAME_WORDS.findall(u.key)) for u in gazetteer.load().units)
    return frozenset(k for k in keys if k.split(" ")[0] in ("ong", "ba"))


def _names_a_person(flat: str, honorific: str, at: int) -> bool:
    """Do the words at ``at``, after an honorific, name a person? A surname of the name lexicon
    or a name in capitals ("bà Lê Thị Hoa", "Ông: NGUYỄN …"), and not, all of them, a place
    whose name starts with the honorific ("Nơi cấp: Bà Rịa - Vũng Tàu", "Quê quán: BÀ ĐIỂM,
    …"; "bà Lê Thị Hoa" is no "xã Ba Lê")."""
    first = _NAME_WORDS.match(flat, at)
    if first is None or f"{honorific} {_name_after(flat, at)}" in _honorific_places():
        return False
    word = first.group()
    return (len(word) > 1 and word.isupper()) or fold(word) in _folded_surnames()


@cache
def _folded_surnames() -> frozenset[str]:
    # Folded: OCR confuses a surname's tone marks ("Lẽ" for "Lê"), and a person whose surname
    # lost its mark must still open a block, or the next person's number is taken as theirs.
    return frozenset(fold(s) for s in load_name_lexicon().surnames)


def _person_starts(flat: str, folded: str) -> list[tuple[int, str]]:
    """Where each person's block starts, with the (folded) name it opens with."""
    starts = []
    for m in _NAME_CAPTION_RE.finditer(folded):
        colon = _AFTER_CAPTION.match(flat, m.end())
        starts.append((m.start(), _name_after(flat, colon.end()) if colon else ""))
    for m in _HONORIFIC_RE.finditer(folded):
        if flat[m.end()].isupper() and flat[m.end()].isalpha() \
                and _names_a_person(flat, folded[m.start():m.end()].split()[-1].rstrip(":"),
                                    m.end()):
            starts.append((m.start(), _name_after(flat, m.end())))
    return sorted(starts)


@dataclass(frozen=True)
class LostNumber:
    """The first listed person's number caption whose number was not taken."""

    label: str  # the caption as printed (NFC), e.g. "CCCD"
    # The number printed right after a damaged caption ("CCCD xố: 0400…"), when there is one
    # and it agrees with the birth year of its clause: a proposal for a person, never sure.
    near: str | None = None


def lost_first_person_number(text: str) -> LostNumber | None:
    """The caption of the first listed person's number when it was printed but not read and
    the first number that was read is a later person's (a land certificate of "Ông … CCCD số:
    ⟨unreadable⟩ … và bà … CCCD số: 0381…", a marriage certificate's wife before husband):
    the paper's owner is the first person listed, so that later number is never the owner's.
    Decided by the page's structure — person blocks start at a name caption or an honorific
    before a capitalized name, a number's caption is a paper's name that announces a number —
    and None when the first number read is in the block of the first caption, or before any.
    """
    flat = _flatten(text)
    folded = fold_keep_length(flat)
    read = [m for m in find_id_mentions(text) if not m.other_person]
    if not read:
        return None
    starts = _person_starts(flat, folded)
    if not starts:
        return None
    taken = {m.offset for m in find_id_mentions(text)}
    first_read = read[0].offset
    for m in _PAPER_RE.finditer(folded):
        if m.start() < starts[0][0] or m.start() >= first_read:
            continue
        between = _BETWEEN.match(folded, m.end())
        end = between.end() if between else m.end()
        if end in taken or _other_person(folded, m.start()):
            continue
        label = folded[m.start():end]
        near = _DIGITS_NEAR.match(flat, end)
        if not (_ANNOUNCES.search(label) or near):
            continue
        # A person's block starts between this caption and the number read: another person's,
        # unless it names the person of the caption's own block again ("Xét đơn của ông Lê
        # Văn Bình, CCCD số: ⟨unread⟩ … Điều 1. Cấp … cho ông Lê Văn Bình, số định danh …").
        own = next(name for at, name in reversed(starts) if at <= m.start())
        if not any(m.start() < at < first_read and not (own and name == own)
                   for at, name in starts):
            continue
        number = _number_at(flat, near.end()) if near else None
        born = _born(flat[max(0, m.start() - _ROLE_WINDOW // 2):m.start()])
        proposed = None
        if number is not None and born is not None and birth_year_of(number[0]) == born \
                and not personal_id_problems(number[0], None):
            proposed = number[0]
        return LostNumber(" ".join(flat[m.start():end].split()).rstrip(" :.,;"), proposed)
    return None


_PAPER_ABBREVIATION = re.compile(r"cmnd|cccd|cmt|ho|chieu")


def names_identity_papers(word: str) -> bool:
    """Is ``word`` one printed slash-list of identity papers' names ("CMND/CCCD/Hộ" of "Giấy
    CMND/CCCD/Hộ chiếu:", "CMND/Hộ")? Two parts or more, each of letters only, and one of them
    a paper's abbreviation; one part may be damaged ("CMND/CCCĐ/Hö"). Tesseract gives such a
    word no confidence at all on a heavy copy even when it reads it right (its dictionary has
    no such word), and the caption of the owner's number went with it (issue 18, seed 19 page
    1900004, seed 29 page 2900012: "7. Giấy chiếu: Số: 0790…", the number read and not taken)."""
    parts = fold(word).rstrip(":.,;").split("/")
    if len(parts) < 2 or not all(re.fullmatch(r"[a-z]{2,5}", p) for p in parts):
        return False
    papers = sum(bool(re.fullmatch(r"cmnd|cccd|cmt", p)) for p in parts)
    return papers >= 1 and sum(not _PAPER_ABBREVIATION.fullmatch(p) for p in parts) <= 1


def caption_without_number(line: str) -> str | None:
    """The caption of a person's number that ``line`` ends with, nothing read after it ("Số
    CCCD/Hộ chiếu: ….070193138128…." read as "CCC]/Hộ chiêu:", the number lost on a heavy
    copy), as printed; None when the line has no such caption or a number follows it. The
    caption announces a number: it ends with a colon or "số"/"No."."""
    flat = _flatten(line)
    folded = fold_keep_length(flat)
    for m in _PAPER_RE.finditer(folded):
        between = _BETWEEN.match(folded, m.end())
        end = between.end() if between else m.end()
        if folded[end:].strip(" .,;:_-~") or not _ANNOUNCES.search(folded[m.start():end]):
            continue
        if re.fullmatch(r"ho\s+chieu", folded[m.start():m.end()].removeprefix("so ").strip()) \
                and not re.search(r"can\s+cuoc|cmnd|cccd|chung\s+minh|dinh\s+danh|/\s*$",
                                  folded[max(0, m.start() - 30):m.start()]):
            continue  # a passport's caption
        return " ".join(flat[m.start():end].split()).rstrip(" :.,;")
    return None
