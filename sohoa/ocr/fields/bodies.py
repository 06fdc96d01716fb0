"""The issuing body from a document's header block ("ỦY BAN NHÂN DÂN … / PHƯỜNG …"):
agency kind, locality and capitals restored; national and standing local bodies by their list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from sohoa.ocr.dates import fold_keep_length
from sohoa.ocr.fields.words import _words
from sohoa.ocr.gazetteer import PROVINCE, snap_units
from sohoa.ocr.gazetteer import load as load_gazetteer
from sohoa.ocr.segment import header_span
from sohoa.vntext import fold, nfc, squash_spaces

# --- issuing body --------------------------------------------------------------------------

# What an agency is (the noun its name starts with), folded; longest first.
_AGENCY_KINDS = ("uy ban nhan dan", "ubnd", "vien kiem sat nhan dan", "toa an nhan dan",
                 "bo phan", "chi cuc", "tong cuc", "cong an", "van phong", "trung tam",
                 "chi nhanh", "ban quan ly", "hoi dong", "thanh tra", "kho bac", "so", "phong",
                 "cuc", "bo", "ban")
_TERRITORIAL = ("uy ban nhan dan", "ubnd", "cong an")
_SIGNER_TITLES = ("cuc truong", "giam doc", "pho giam doc", "chu tich", "pho chu tich",
                  "truong phong", "truong cong an", "tm ", "kt ")
# Administrative levels; the place name follows them ("xã" but not "xã hội").
# Two-word levels are unambiguous once folded (OCR often garbles their tone marks); one-word
# levels need their marks, or "quản lý" would read as "quận".
_ADMIN_PAIRS = ("thanh pho", "thi tran", "thi xa")
_ADMIN_WORDS = ("xã", "phường", "huyện", "quận", "tỉnh", "tp", "tp.")


def _admin_at(words: list[str], i: int) -> int:
    """How many words an administrative level at ``words[i]`` spans (0: none)."""
    pair = fold(" ".join(words[i:i + 2]))
    if pair in _ADMIN_PAIRS:
        return 2
    word = words[i].lower() if i < len(words) else ""
    if word in _ADMIN_WORDS and not (word == "xã" and fold(" ".join(words[i + 1:i + 2])) == "hoi"):
        return 1
    return 0


def _admin_start(text: str) -> bool:
    return _admin_at(text.split(), 0) > 0
_CITIES = ("ho chi minh", "ha noi", "hai phong", "da nang", "can tho")
# Tone marks written the old way on open syllables ("hoà", "uỷ"); documents today write
# "hòa", "ủy", and so does the catalog.
_OLD_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe",
              "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy",
              "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}


def _modern_tones(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        word = m.group()
        tail = word[-2:].lower()
        if tail in _OLD_TONES and not (len(word) > 2 and fold(word[-3]) == "q" and tail[0] == "u"):
            new = _OLD_TONES[tail]
            return word[:-2] + (new if word[-2].islower() else new[0].upper() + new[1])
        return word
    return re.sub(r"[^\W\d_]+", fix, text)


def _kind(folded: str) -> str | None:
    return next((k for k in _AGENCY_KINDS if folded == k or folded.startswith(k + " ")), None)


def names_agency(line: str) -> bool:
    """Is ``line`` an upper-case agency line of a header ("CÔNG AN XÃ TÂN HIỆP")?"""
    left = _without_specks(_clean_caps(line))
    letters = [c for c in left if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters) \
        and _kind(fold(left)) is not None and re.match(_NUMBER_LINE, fold(line)) is None


def agency_case(name: str) -> str:
    """An agency name as written in running text: "SỞ KẾ HOẠCH VÀ ĐẦU TƯ TỈNH ĐỒNG NAI" ->
    "Sở Kế hoạch và Đầu tư tỉnh Đồng Nai" (the field after the kind noun and after "và" take a
    capital; administrative levels are lower case and the place after them is capitalized)."""
    name = _modern_tones(squash_spaces(nfc(name)))
    folded = fold(name)
    if re.match(r"^ubnd\b", folded):
        name, folded = "Ủy ban nhân dân" + name[4:], "uy ban nhan dan" + folded[4:]
    words = name.lower().split()
    fwords = folded.split()
    if len(fwords) != len(words):
        return name
    out = list(words)
    kind = _kind(folded)
    k = len(kind.split()) if kind else 1
    out[0] = out[0][:1].upper() + out[0][1:]
    i = k
    capital_next = True
    while i < len(words):
        span = _admin_at(words, i)
        if span:
            place = fwords[i + span:]
            level = " ".join(words[i:i + span])
            if span == 2 and fold(level) == "thanh pho":
                level = "thành phố"  # its marks, when OCR garbled them
            if place and place[0].isdigit():  # "Quận 1", "Phường 3"
                level = level[:1].upper() + level[1:]
            elif level == "thành phố" and " ".join(place[:3]).startswith(_CITIES):
                level = "Thành phố"
            out[i:i + span] = level.split()
            j = i + span
            while j < len(words) and not _admin_at(words, j) and fwords[j] not in ("va",):
                out[j] = words[j][:1].upper() + words[j][1:]
                j += 1
            i = j
            capital_next = False
            continue
        if capital_next or (i > 0 and fwords[i - 1] in ("va", "-")):
            out[i] = words[i][:1].upper() + words[i][1:]
        capital_next = False
        i += 1
    return " ".join(_province_tail(out, fwords))


def _province_tail(out: list[str], fwords: list[str]) -> list[str]:
    """``out`` with a province named at its end with no level word before it ("UBND ĐẮK
    LẮK", "UBND THANH HÓA") written as the province is, capitals and marks: "Đắk Lắk", not
    "Đăk lắk" (tester18 F12)."""
    for size in (3, 2):
        if len(out) <= size or _admin_at(out, len(out) - size - 1):
            continue
        name = _province_names().get(" ".join(fwords[-size:]))
        if name is not None:
            return out[:-size] + name.split()
    return out


@cache
def _province_names() -> dict[str, str]:
    """Provinces' names folded -> as written ("dak lak" -> "Đắk Lắk"); the old and the new."""
    gaz = load_gazetteer()
    return {gaz.units[i].key: gaz.units[i].name for i in gaz.by_level[PROVINCE]}


def _split_locality(name: str) -> tuple[str, str]:
    """("Công an", "thành phố Long Khánh") from "Công an thành phố Long Khánh"."""
    words = name.split()
    for i in range(1, len(words)):
        if _admin_at(words, i):
            return " ".join(words[:i]), " ".join(words[i:])
    return name, ""


# "Số: 577/TB", "SỐ 577/TB" (folded): the number line, never part of an agency's name.
_NUMBER_LINE = r"^\W*s[o0]\s*(?:[:.]|\d)"


def _header_block(lines: list[str], column: bool = False) -> list[str]:
    """Upper-case agency lines of the left header column, with wrapped lines joined.

    The block ends at "Số: …", the place-date line or the national header once it has begun
    (OCR may also print the right column first, or merge both columns into one line) — unless
    what follows the header must still be the block's: a name after a level left without one
    ("CÔNG AN PHƯỜNG" / motto / "TRUNG DŨNG"), or an agency right above the number line (OCR
    put the issuer under the motto: tester17 F3). ``column``: ``lines`` are the left column
    read from the words' boxes (:mod:`sohoa.ocr.fields.headcolumn`): no title stands there,
    so an upper-case line naming no agency is the wrapped end of the name above.
    """
    groups: list[str] = []
    after_header = False  # the national header stood alone on a line after the block began
    for index, line in enumerate(lines[:12]):
        norm = re.sub(r"[^0-9a-z]+", " ", fold_keep_length(line))
        span = header_span(norm)
        left = _without_specks(_clean_caps(line[:span[0]] if span else line))
        folded = fold(left)
        letters = [c for c in left if c.isalpha()]
        # Read on the line as printed: cleaning drops "577/TB" and the colon, and "SỐ: 577/TB"
        # would then be an agency "SỐ" (Sở) under the block (tester10 F29).
        raw = fold(line[:span[0]] if span else line)
        if re.match(_NUMBER_LINE, raw) or re.search(r",\s*ngay\s*\d", raw):
            if groups:
                break
            continue  # "Số: …" or the place-date line above the left block
        if not letters or header_span(" ".join(_words(left))) is not None:
            if span is not None and groups and not letters:
                # The national header after the left block: the block may go on only beside
                # the motto on the next lines ("SỞ TÀI NGUYÊN … - Độc lập - Tự do …").
                after_header = True
            continue
        if sum(c.isupper() for c in letters) / len(letters) < 0.7:
            break  # running text: the header is over
        if after_header and span is None and not (
                (groups and _dangling_level(groups[-1]))
                or (_kind(folded) and _above_number_line(lines, index))):
            break
        if folded.startswith(_SIGNER_TITLES):
            break
        if groups:
            previous = fold(groups[-1])
            broken_level = previous.endswith((" thanh", " thi")) and folded.startswith(
                ("pho ", "tran ", "xa "))  # "… THÀNH" / "PHỐ HỒ CHÍ MINH"
            if previous.endswith(" va") or previous in _TERRITORIAL or broken_level \
                    or _admin_start(left) or _dangling_level(groups[-1]) \
                    or _standing_name_goes_on(groups[-1], left):
                groups[-1] = f"{groups[-1]} {left}"
                continue
        if _kind(folded):
            groups.append(left)
        elif groups and (column or _continues(lines, index, len(left.split()))):
            # A name too long for the column wraps ("CÔNG AN HUYỆN TRẢNG / BOM"): the short
            # line goes on the line above when an agency line follows it (the title is never
            # above one), or the number line follows a single word (no title is one syllable).
            if _placed(groups[-1]) and any(_admin_at(left.split(), i)
                                           for i in range(len(left.split()))):
                break  # a second level and place: another unit whose kind OCR lost
            groups[-1] = f"{groups[-1]} {left}"
        else:
            break  # an upper-case line that names no agency: the title
    return groups


def _continues(lines: list[str], index: int, words: int) -> bool:
    """Whether ``lines[index]`` (``words`` words, no agency named) is the wrapped end of the
    line above: the next line with letters left of the national header names an agency, or
    is the number line ("Số: …") under a single word."""
    if words > 3:
        return False
    for line in lines[index + 1:index + 3]:
        norm = re.sub(r"[^0-9a-z]+", " ", fold_keep_length(line))
        span = header_span(norm)
        left = line[:span[0]] if span else line
        if not any(c.isalpha() for c in left):
            continue
        if re.match(_NUMBER_LINE, fold(left)):
            return words == 1
        return _kind(fold(_without_specks(_clean_caps(left)))) is not None
    return False


def _dangling_level(group: str) -> bool:
    """Does ``group`` end with an administrative level and no name after it ("CÔNG AN
    PHƯỜNG", "UBND THỊ XÃ")? The name is on the next line of the column."""
    words = group.split()
    return len(words) >= 2 and any(
        _admin_at(words, i) == len(words) - i for i in range(max(1, len(words) - 2),
                                                             len(words)))


def _standing_name_goes_on(group: str, line: str) -> bool:
    """Is ``line`` the wrapped rest of a standing unit's name that ``group`` begins ("TRUNG
    TÂM PHỤC VỤ" / "HÀNH CHÍNH CÔNG")? Read on the lists of such names."""
    head, joined = fold(group), fold(f"{group} {line}")
    for name in (*LOCAL_BODIES, *NATIONAL_BODIES):
        folded = fold(name)
        if folded.startswith(head + " ") and (folded.startswith(joined)
                                              or joined.startswith(folded + " ")):
            return True
    return False


def _above_number_line(lines: list[str], index: int) -> bool:
    """Is the next line with letters after ``lines[index]`` the number line ("Số: …")?"""
    for line in lines[index + 1:index + 3]:
        if any(c.isalpha() for c in line):
            return re.match(_NUMBER_LINE, fold(line)) is not None
    return False


# The long kinds whose words OCR damages (a letter lost where the national header's first word
# was glued on: "ỦY BAN NHÂN DẬMỘNG", tester17 t17-09), as printed.
_LONG_KINDS = ("ỦY BAN NHÂN DÂN", "VIỆN KIỂM SÁT NHÂN DÂN", "TÒA ÁN NHÂN DÂN")
# Short kinds are restored only before an administrative level ("CÔNG ÀAN XÃ QUẢNG TIẾN").
_LEVELLED_KINDS = ("CÔNG AN",)


def _spelled_kind(left: str) -> str:
    """``left`` with a long kind read one letter wrong restored ("ỦY BAN NHÂN DẬ …")."""
    words = left.split()
    for kind in (*_LONG_KINDS, *_LEVELLED_KINDS):
        n = len(kind.split())
        head = fold(" ".join(words[:n]))
        if len(words) >= n and head != fold(kind) \
                and Levenshtein.distance(head, fold(kind)) <= 1 \
                and (kind in _LONG_KINDS or _admin_at(words, n)):
            return " ".join([kind, *words[n:]])
    return left


def _placed(group: str) -> bool:
    """Does ``group`` name its place already: a level with a name after it?"""
    words = group.split()
    return any((span := _admin_at(words, i)) and i + span < len(words)
               for i in range(1, len(words)))


def _without_specks(left: str) -> str:
    """An agency line without the specks OCR read before it ("xi 4Á - CÔNG AN …"), its long
    kind's spelling restored."""
    left = _spelled_kind(left)
    words = left.split()
    for n in range(1, min(3, len(words))):
        if _kind(fold(left)) or not all(len(w) <= 2 or not w.isalpha() for w in words[:n]):
            break
        if _kind(fold(" ".join(words[n:]))):
            return " ".join(words[n:])
    return left


_LEVEL_SPELLING = {fold(w): w.upper() for w in ("tỉnh", "huyện", "quận", "xã", "phường",
                                                "thị trấn", "thị xã", "thành phố")}


def _level_after_kind(group: str) -> str:
    """The level word right after a territorial agency's kind, with its marks restored: after
    "UBND" or "CÔNG AN" comes a level, so "UBND TÍNH BÌNH DƯƠNG" is "UBND TỈNH …"."""
    kind = _kind(fold(group))
    if kind not in _TERRITORIAL:
        return group
    words = group.split()
    k = len(kind.split())
    for span in (2, 1):
        level = _LEVEL_SPELLING.get(fold(" ".join(words[k:k + span])))
        if level and len(words) > k + span:
            return " ".join([*words[:k], level, *words[k + span:]])
    # The level glued to the place by OCR ("UBND TỈNHNGHỆAN", tester17 F3): split where the
    # level, with its marks as printed, ends — no syllable goes on after "TỈNH" or "PHƯỜNG".
    glued = words[k] if len(words) > k else ""
    for level in _GLUED_LEVELS:
        if glued.upper().startswith(level) and len(glued) >= len(level) + 3 \
                and glued[len(level):].isalpha():
            return " ".join([*words[:k], level, glued[len(level):], *words[k + 1:]])
    return group


# Level words whose marks make them a whole syllable: one glued to the next word can be split.
_GLUED_LEVELS = ("TỈNH", "HUYỆN", "QUẬN", "PHƯỜNG", "XÃ")


def _snap_locality(name: str) -> str:
    """An agency's locality read against the real units ("Ủy ban nhân dân phường Hồ Nai,
    thành phố Biên Hòa" → "… phường Hố Nai, …"); unchanged without a single reading."""
    agency, locality = _split_locality(name)
    if not locality:
        return name
    snapped = snap_units([p.strip() for p in locality.split(",")])
    return f"{agency} {', '.join(snapped)}" if snapped else name


def _signing_agency(lines: list[str]) -> str | None:
    """On papers without a header block (cards) the signer's title names the agency:
    "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH / CHÍNH VỀ TRẬT TỰ XÃ HỘI"."""
    for i, line in enumerate(lines):
        m = re.search(r"(?<![a-z])(?:cuc truong|giam doc|chu tich)\s+(?=cuc |so |uy ban |cong an )",
                      fold_keep_length(line))
        if m is None:
            continue
        name = _clean_caps(line[m.end():])
        if i + 1 < len(lines):
            nxt = _clean_caps(lines[i + 1])
            letters = [c for c in nxt if c.isalpha()]
            if letters and all(c.isupper() for c in letters) and not _kind(fold(nxt)):
                name = f"{name} {nxt}"
        return name or None
    return None


def _clean_caps(text: str) -> str:
    """An upper-case header line without OCR specks: stray quotes, dashes, lone symbols,
    and trailing tokens that are not words ("HÀNH 3 É)")."""
    raw = text.split()
    words = [w.strip("'\"`‘’“”_|()[]{}.,;:*=~-–—") for w in raw]
    # a dash between two words joins the two fields of one office's name: "PHÒNG TÀI CHÍNH -
    # KẾ HOẠCH", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"; a dash anywhere else is a speck
    words = ["-" if raw[n] in ("-", "–") and 0 < n < len(raw) - 1
             and raw[n - 1].isalpha() and raw[n + 1].isalpha() else w
             for n, w in enumerate(words)]
    words = [w for w in words if w == "-" or (w and any(c.isalnum() for c in w))]
    while words and not ((len(words[-1]) > 1 and words[-1].isalpha()) or (
            words[-1].isdigit() and len(words) > 1 and _numbered_place(words))):
        words.pop()
    return " ".join(words)


def _numbered_place(words: list[str]) -> bool:
    """Whether the number ending ``words`` is part of a place's name: "PHƯỜNG 3", and "XÃ HỐ
    NAI 3" (a level earlier in the line, a name after it); a speck's digit ("HÀNH 3") is not."""
    if len(words[-1]) > 2:
        return False
    return any(_admin_at(words, i) for i in range(len(words) - 1))


def _extend_from_body(name: str, text: str) -> str:
    """Add the locality the body prints after the agency's name ("Nơi đăng ký khai sinh: Ủy ban
    nhân dân phường Quang Vinh, thành phố Biên Hòa"), which the header leaves out."""
    target = fold(name)
    for line in text.splitlines():
        folded = fold_keep_length(squash_spaces(line))
        line = squash_spaces(line)
        start = 0
        while (i := folded.find(target, start)) >= 0:
            start = i + 1
            printed = line[i:i + len(target)]
            if sum(c.isupper() for c in printed) > len(printed) / 2:
                continue  # the upper-case header itself
            rest = line[i + len(target):]
            m = re.match(r"((?:,?\s+(?:thành phố|thị xã|thị trấn|huyện|quận|tỉnh|Quận|Thành phố)"
                         r"(?:\s+[A-ZĐ\u00C0-\u1EF8][^\s,;.]*|\s+\d+)+)+)", rest)
            return name + m.group(1) if m else name
    return name


# National bodies that issue papers under their own fixed name (no locality to tell apart):
# OCR damage to their long names is undone by matching against the list.
NATIONAL_BODIES = ("Cục Cảnh sát quản lý hành chính về trật tự xã hội",
                   "Cục Cảnh sát đăng ký, quản lý cư trú và dữ liệu quốc gia về dân cư",
                   "Bộ Công an", "Bộ Tư pháp", "Trung tâm Lý lịch tư pháp quốc gia")


# The standing units of local government whose long names OCR garbles a letter of ("Trảá"):
# only their spelling is restored, in agency_case's capitals, before the locality.
LOCAL_BODIES = ("Bộ phận tiếp nhận và trả kết quả", "Trung tâm phục vụ hành chính công",
                "Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư", "Sở Xây dựng",
                "Phòng Tài nguyên và Môi trường", "Phòng Quản lý đô thị",
                "Phòng Kinh tế - Hạ tầng", "Phòng Đăng ký kinh doanh",
                "Văn phòng đăng ký đất đai", "Chi nhánh văn phòng đăng ký đất đai")


def canonical_body(body: str) -> str:
    """A national body's name as it is spelled, when the OCR'd one is clearly it; a local
    unit's standing name likewise, its locality kept."""
    folded = fold(body)
    for name in NATIONAL_BODIES:
        if len(name) >= 20 and fuzz.ratio(fold(name), folded) >= 92:
            return name
    if " - " in body:
        return body
    agency, locality = _split_locality(body)
    for name in LOCAL_BODIES:
        if fold(name) != fold(agency) and fuzz.ratio(fold(name), fold(agency)) >= 92:
            return f"{agency_case(name)} {locality}".strip()
    return body


def issuing_body(lines: list[str], column: Sequence[str] = ()) -> str | None:
    """The issuing agency as written in running text ("Sở Tư pháp tỉnh Đồng Nai").

    From the left header block: the lowest unit, completed with its superior's locality when
    the superior is territorial ("UBND TỈNH ĐỒNG NAI / SỞ TƯ PHÁP"), or joined to a superior
    agency with " - " ("SỞ KẾ HOẠCH VÀ ĐẦU TƯ … / PHÒNG ĐĂNG KÝ KINH DOANH"). ``column``: the
    left column's lines as the words' boxes place them (``headcolumn.left_header_column``),
    read first when there are any; ``lines`` (the text in OCR's order) otherwise.
    """
    groups = [_level_after_kind(g) for g in _header_block(list(column), column=True)]
    if not groups:
        groups = [_level_after_kind(g) for g in _header_block(lines)]
    if not groups:
        signer = _signing_agency(lines)
        return _snap_locality(agency_case(signer)) if signer else None
    unit = _snap_locality(agency_case(groups[-1]))
    if len(groups) >= 2:
        parent = _snap_locality(agency_case(groups[-2]))
        kind, locality = _split_locality(parent)
        if fold(kind) in _TERRITORIAL and locality:
            own = _split_locality(unit)[1]
            return _snap_locality(f"{unit}, {locality}" if own else f"{unit} {locality}")
        return f"{unit} - {parent}"
    return _snap_locality(_extend_from_body(unit, "\n".join(lines)))
