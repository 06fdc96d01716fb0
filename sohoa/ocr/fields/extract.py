"""The extractor: a classified document's text → its validated fields (with the MRZ of a chip
card as the stronger evidence) and the owner the document itself names."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from rapidfuzz import fuzz

from sohoa.clock import vietnam_today
from sohoa.doctypes import DocType, Registry
from sohoa.idcodes import (
    birth_year_of,
    citizen_id_problems,
    enterprise_check_digit,
    enterprise_code_valid,
    personal_id_problems,
)
from sohoa.ocr.dates import NGAY, fold_keep_length, parse_vn_date
from sohoa.ocr.fields.addresses import _address, snap_address
from sohoa.ocr.fields.bodies import canonical_body, issuing_body
from sohoa.ocr.fields.captions import (
    _find_hits,
    _Hit,
    _values,
    joined_glosses,
    labelled_values,
)
from sohoa.ocr.fields.digits import (
    _number_token,
    checked_notation,
    document_number,
    validated_number,
)
from sohoa.ocr.fields.names import NameLexicon, _name, _sex, load_name_lexicon, second_reading
from sohoa.ocr.fields.personal_ids import (
    IdMention,
    find_id_mentions,
    lost_first_person_number,
)
from sohoa.ocr.fields.scores import (
    _CONFIDENT,
    _FLAGGED,
    _FUZZY_LABEL,
    _UNCONFIRMED_PLACE,
    _UNLABELLED,
    OWNER_CONFIDENCE,
)
from sohoa.ocr.fields.words import _text, _words
from sohoa.ocr.fields.zonecheck import bare_number, zone_rival
from sohoa.ocr.mrz import Mrz, find_mrz
from sohoa.ocr.segment import find_dossier_code
from sohoa.records import Extraction, FieldValue
from sohoa.vntext import fold, nfc, title_case_name


def _place_date(lines: list[str]) -> date | None:
    """The "<place>, ngày … tháng … năm …" line that dates a document.

    The words before the comma must look like a place (a few capitalized words, possibly after
    the "Số: …" that OCR merged into the line) or be "Hôm nay"; "Căn cứ Quyết định số
    12/QĐ-UBND, ngày …" in a body is a citation, not the document's date.
    """
    for n, line in enumerate(lines):
        folded = fold_keep_length(line)
        for m in re.finditer(rf",\s*{NGAY}\s*[0-9oOlI]", folded):
            tokens = line[:m.start()].split()
            place: list[str] = []
            while tokens and len(place) < 5 and re.fullmatch(r"[^\W\d_]+", tokens[-1]) \
                    and (tokens[-1][0].isupper() or (place and tokens[-1] in ("phố", "xã"))):
                place.insert(0, tokens.pop())
            # A place is a few capitalized words at the line start, after "Số: …" or after the
            # upper-case header OCR merged in; after a lower-case word it is a citation.
            today = fold(line[:m.start()]).strip().endswith("hom nay")  # "Hôm nay, ngày …"
            # OCR may drop the first word of the place ("Phường 25" → "25", "Thị trấn Long
            # Thành" → "trấn Long Thành"): a short prefix of plain words is still a place.
            prefix = line[:m.start()].split()
            short = len(prefix) <= 4 and all(re.fullmatch(r"[^\W\d_]+|\d{1,2}", t)
                                             for t in prefix) \
                and not re.search(r"\b(?:so|can cu|sinh|theo)\b", fold(" ".join(prefix)))
            if not today and not short and (not place or (
                    tokens and re.fullmatch(r"[^\W\d_]+", tokens[-1]) and tokens[-1].islower()
                    and tokens[-1] not in ("phố", "xã"))):
                continue
            found = parse_vn_date(line[m.start():m.start() + 60])
            if found:
                return found
            if (whole := _year_read_on(lines, n)) is not None:
                found = parse_vn_date(line[m.start():].rstrip()[:-len(whole[0])] + whole[1])
                if found:
                    return found
    return None


def _year_read_on(lines: list[str], n: int) -> tuple[str, str] | None:
    """(the year's start as line ``n`` ends with it, the whole year) when a dateline's year
    was cut and read whole on the next line ("… ngày 16 tháng 12 năm 20⏎2018": the signer's
    dateline of an extract, its last digits read again apart from it on tuning seeds 53 and
    57); None otherwise."""
    cut = re.search(r"n[a-z]?m\s*([0-9]{1,3})\s*$", fold_keep_length(lines[n]))
    after = re.match(r"\s*([0-9]{4})\b", lines[n + 1]) if n + 1 < len(lines) else None
    if cut is None or after is None or not after[1].startswith(cut[1]):
        return None
    return lines[n].rstrip()[-len(cut[1]):], after[1]


# A paper named inside another paper's item ("8. Giấy CMND/CCCD/Hộ chiếu: Căn cước công dân
# số 0340…, cấp ngày 08/02/2023"): words naming a paper, or a number long enough to be one.
_OTHER_PAPER = re.compile(r"\b(?:cmnd|cccd|can\W*cuoc|chung\W*minh|ho\W*chieu|passport|giay|"
                          r"the)\b|\d{6,}")
# The end of a dateline whose "ngày" (or its comma) was damaged: "Lâm Đồng..ngày-1 1 tháng 04
# năm 2026", "Hà Nội, “gây 25 tháng 08 năm 2026", "lờ `'01 tháng 06 năm 2026". The year ends
# the line: a citation goes on (";", ", của …").
_DATELINE_END = re.compile(r"(?P<d>[0-9oli|](?:\s?[0-9oli|])?)\s*[.,]?\s*th[a-z]?ng\s*[:.]?\s*"
                           r"(?P<m>[0-9oli|]{1,2})\s*[.,]?\s*[nh][a-z]?m\s*[:.]?\s*"
                           r"(?P<y>[0-9oli|]{4})[\s.)\]]*$")
# Lower-case words of a place's own name: "thành phố …", "thị xã …", "thị trấn …".
_UNIT_WORDS = ("phố", "xã", "thị", "trấn")
# Where a dateline stands: under the header, or above the signer's block at the end.
_HEAD_LINES, _TAIL_LINES = 8, 12


# Words that make a date another date's caption, never a dateline's place: "Sinh ngày …",
# "Ngày sinh: …", "Cấp ngày …", "Hạn đến …", "Nộp ngày …" (review15a S4: "Sinh ngày: 12 tháng 03
# năm 1990" was taken as the paper's issue date, the place check passing its capitals). None of
# them folds to a word of a place's name ("Kỳ Anh", "Từ Sơn", "Lục Nam" do fold to others).
_CAPTION_DATE_WORDS = frozenset({"sinh", "cap", "han", "den", "nop", "het"})


def _damaged_dateline(lines: list[str]) -> date | None:
    """The paper's dateline when OCR damaged the "ngày" or the comma that :func:`_place_date`
    needs: a "<day> tháng <month> năm <year>" that ends its line, under the header or above
    the signer, after nothing but a place (capitalised words), junk and what is left of
    "ngày". A lower-case word before it makes it running text (a citation), not a dateline."""
    spots = [*range(min(_HEAD_LINES, len(lines))),
             *reversed(range(max(_HEAD_LINES, len(lines) - _TAIL_LINES), len(lines)))]
    for n in spots:
        line = lines[n]
        folded = fold_keep_length(line)
        m = _DATELINE_END.search(folded)
        if m is None:
            continue
        words = [(w.start(), w.group()) for w in re.finditer(r"[^\W\d_]+", line[:m.start()])]
        if any(fold(w) in _CAPTION_DATE_WORDS for _, w in words):
            continue
        if words and len(words[-1][1]) <= 4 and words[-1][1].islower():
            words.pop()  # what is left of "ngày": "ngày", "gây", "lờ"
        if any(not w[0].isupper() and w not in _UNIT_WORDS for _, w in words) \
                or re.search(r"\b(?:so|can cu|theo)\b", fold(line[:m.start()])):
            continue
        day = re.sub(r"\s", "", line[m.start("d"):m.end("d")])
        found = parse_vn_date(f"ngày {day} tháng {line[m.start('m'):m.end('m')]} năm "
                              f"{line[m.start('y'):m.end('y')]}")
        if found:
            return found
    return None


def _cited(lines: list[str], hit: _Hit) -> bool:
    """Whether an issue-date caption ("cấp ngày", "ngày cấp") dates another paper the text
    cites rather than this one: on its line after a paper's name or number ("… Căn cước công
    dân số 0340…, cấp ngày …", "Số định danh cá nhân/CCCD: 0080…; ngày cấp: …"), on a line
    that goes on with a numbered item naming another paper (the item wrapped before its
    caption, colon or not: :func:`_item_names_a_paper`), or opening a line that goes on from
    such a mention without a colon of its own."""
    line = lines[hit.line]
    before = fold(_ITEM_MARK.sub("", line[:hit.start]))
    if before.strip(" -•*+.,;:_'()"):
        return bool(_OTHER_PAPER.search(before)) or (
            not _ITEM_MARK.match(line) and _item_names_a_paper(lines, hit.line))
    if hit.line == 0 or _ITEM_MARK.match(line):
        return False
    if _item_names_a_paper(lines, hit.line):
        return True
    if ":" in line[hit.start:hit.end]:
        return False
    previous = fold(lines[hit.line - 1]).rstrip()
    return bool(_OTHER_PAPER.search(previous)) and not previous.endswith((".", ":"))


# The words that name a person's identity paper, the paper such an item cites (not a bare
# number: a card's own "Số: 0340…" stands above its own "Ngày cấp:"; nor "giấy" alone: "Số vào
# sổ cấp giấy chứng nhận" names the certificate itself).
_PAPER_WORDS = re.compile(r"\b(?:cmnd|cccd|can\W*cuoc|chung\W*minh|ho\W*chieu|passport|"
                          r"giay\W*to)\b")
_ITEM_LINES = 3  # how many lines above its caption an item may have opened


def _item_names_a_paper(lines: list[str], at: int) -> bool:
    """Whether line ``at`` (no item mark of its own) goes on with a numbered item that names
    another paper: "8. Giấy CMND/CCCD/Hộ chiếu: Căn cước công dân số 0340…, / Ngày cấp: …",
    "7. Giấy CMND/Hộ chiếu: Chứng minh nhân dân Số: 1234… / Cấp ngày: … Tại: …" (review15a
    S2). The item wrapped before its caption: that caption, colon or not, dates the paper the
    item names, as on one line. An item ends at a full stop; a line with a mark opens one."""
    for n in range(at - 1, max(-1, at - 1 - _ITEM_LINES), -1):
        text = lines[n].rstrip()
        if text.endswith(".") or not text:
            return False
        if _ITEM_MARK.match(lines[n]):
            item = fold(_ITEM_MARK.sub("", " ".join(lines[n:at])))
            return bool(_PAPER_WORDS.search(item))
    return False


_ITEM_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[IVX]{1,4}\.|[a-zđ]\)|[-•+*])\s")


# A caption that dates the civil-status event in the register ("Ngày, tháng, năm đăng ký:",
# "Ngày đăng ký:"), not the paper: on an original it is the day the paper was signed, on an
# extract ("TRÍCH LỤC …", "BẢN SAO …", issued later from the register) it never is.
_REGISTERED = re.compile(r"\bdang\W*ky\b(?!\W*lan)")
# The title of a paper issued later from a register: its title, within the first lines.
_EXTRACT_TITLE = re.compile(r"\b(?:trich\W*luc|ban\W*sao)\b")
_TITLE_LINES = 12


def _registration(lines: list[str], hit: _Hit) -> bool:
    """Is the issue-date caption of ``hit`` a register's date ("ngày đăng ký")? "Đăng ký lần
    đầu" (a business's first registration) is the certificate's own date and stays one."""
    return bool(_REGISTERED.search(fold(lines[hit.line][hit.start:hit.end + 12])))


def _extract_paper(lines: list[str]) -> bool:
    """Is the paper an extract or copy issued from a register ("TRÍCH LỤC KHAI SINH", "BẢN
    SAO GIẤY KHAI SINH"), by a title line among its first lines?"""
    return any(_EXTRACT_TITLE.search(fold(line)) and line.strip().upper() == line.strip()
               for line in lines[:_TITLE_LINES])


def _issue_date(hits: list[_Hit], lines: list[str]) -> FieldValue | None:
    """The paper's own issue date, chosen by the date's role, never by its place in the text
    alone (tester15 F2): its dateline ("<Địa danh>, ngày … tháng … năm …"), else its own
    "Ngày cấp:" caption, else a damaged dateline, else — on an original only — the register's
    date ("Ngày, tháng, năm đăng ký:", the day an original was signed). A date cited inside an
    item about another paper ("… CCCD số …, cấp ngày …") is never this paper's, nor is the
    register's date on an extract issued later (tester16 F16: a "Trích lục khai sinh" whose
    dateline by the signer was damaged was dated by its "Ngày, tháng, năm đăng ký"): when only
    such dates are read, the date is left to a person."""
    issued = _place_date(lines)
    if issued is not None:
        return FieldValue(issued.isoformat(), _CONFIDENT)
    changed = _last_change(lines)
    if changed is not None:
        return FieldValue(changed.isoformat(), _CONFIDENT)
    cited: list[str] = []
    registered: list[tuple[date, bool]] = []
    for hit in hits:
        if hit.field != "issue_date" or not hit.value:
            continue
        day = parse_vn_date(hit.value)
        if day is None:
            continue
        if _cited(lines, hit):
            cited.append(f"{day:%d/%m/%Y}")
            continue
        if _registration(lines, hit):
            registered.append((day, hit.fuzzy))
            continue
        return FieldValue(day.isoformat(), _FUZZY_LABEL if hit.fuzzy else _CONFIDENT)
    if (issued := _damaged_dateline(lines)) is not None:
        return FieldValue(issued.isoformat(), _FUZZY_LABEL)
    if registered and not _extract_paper(lines):
        day, fuzzy = registered[0]
        return FieldValue(day.isoformat(), _FUZZY_LABEL if fuzzy else _CONFIDENT)
    if registered:
        return FieldValue(None, _FLAGGED, (
            f"chỉ thấy ngày đăng ký ({registered[0][0]:%d/%m/%Y}) của sự kiện hộ tịch, không "
            "phải ngày cấp của trích lục (bản sao); không đọc được dòng “<địa danh>, ngày … "
            "tháng … năm …” bên trên chữ ký: nhập ngày cấp theo giấy"))
    # "cấp ngày …" inside a sentence is no caption at all: still a date this paper cites.
    flat = " ".join(" ".join(lines).split())
    for m in re.finditer(r"\b(?:cap\s*ngay|ngay\s*cap)\W*", fold_keep_length(flat)):
        day = parse_vn_date(flat[m.end():m.end() + 14])
        if day is not None and f"{day:%d/%m/%Y}" not in cited:
            cited.append(f"{day:%d/%m/%Y}")
    if cited:
        return FieldValue(None, _FLAGGED, (
            f"chỉ thấy ngày cấp của giấy tờ khác được nêu trong nội dung ({', '.join(cited)}), "
            "không thấy dòng “<địa danh>, ngày … tháng … năm …” của chính giấy này: "
            "nhập ngày cấp theo giấy"))
    return None


# "Đăng ký thay đổi lần thứ 2: ngày 24 tháng 10 năm 2026" on a business's certificate: each
# change of registration issues the certificate anew, so its date is the certificate's, and
# the first registration's is not (tester18 F3). Folded.
_CHANGE = re.compile(r"\bdang\W*ky\W*thay\W*doi\W*lan\W*thu\W*\w{1,4}\W*")


def _last_change(lines: list[str]) -> date | None:
    """The latest change of registration the certificate prints, if it prints one."""
    days = []
    for line in lines:
        folded = fold_keep_length(line)
        for m in _CHANGE.finditer(folded):
            day = parse_vn_date(line[m.end():m.end() + 40])
            if day is not None:
                days.append(day)
    return max(days) if days else None


# A card issued after its holder turned 58 prints no end ("Có giá trị đến: Không thời hạn"): valid
# for life (Luật Căn cước 2023 Điều 21), which the type's rule reads as no end (doctypes._NO_END).
NO_END = "Không thời hạn"
_NO_END_READ = 85  # "Khong thoi hạn", "Không thời hqn": one or two letters misread


def _expiry(value: str) -> str | None:
    """An expiry caption's value: its day (ISO), or "Không thời hạn" read so (tester19 F9: a
    lifetime card was "không đọc được ngày" and withheld from reuse)."""
    if (day := _iso(parse_vn_date(value))) is not None:
        return day
    words = " ".join(fold(value).split()[:3])
    return NO_END if fuzz.ratio(words, "khong thoi han") >= _NO_END_READ else None


def _sentence_expiry(text: str) -> date | None:
    """"… có giá trị đến ngày 09/10/2024." inside a sentence, possibly wrapped over lines."""
    flat = " ".join(text.split())
    folded = fold_keep_length(flat)
    for m in re.finditer(r"co\W*gia\W*tri\W*(?:su dung\W*)?den(?:\W*het)?(?:\W*ngay)?\W*",
                         folded):
        found = parse_vn_date(flat[m.end():m.end() + 40])
        if found:
            return found
    return None


_PERSON = re.compile(r"(?<![0-9a-z])(ong|ba)\s+(?=[A-ZĐ\u00C0-\u1EF8])", re.IGNORECASE)


def _mentioned_person(text: str) -> str | None:
    """The first "ông/bà <Name>" in running text, for documents without a name caption. A
    name of one or two words that reaches its line's end goes on at the next line's start
    while the words there are name words in title case ("cho ông Nguyễn / Văn Thưởng",
    review11b M5), unless that line opens a new sentence ("… ông Nguyễn Văn Thưởng / Căn cứ
    Luật …" read "Nguyễn Văn Thưởng Căn", tester10 F6)."""
    flat = "\n".join(" ".join(line.split()) for line in text.splitlines())
    folded = fold_keep_length(flat)
    for m in _PERSON.finditer(folded):
        if not flat[m.start()].islower():
            continue
        first, _, rest = flat[m.end():].partition("\n")
        words, open_ = _name_words(first.split(), 6, lexicon=None)
        # Only a name cut short (one or two words: three is a whole name, the next line an
        # address or another sentence) goes on. A name never ends at its middle "Văn"/"Thị":
        # the next line's name word is its rest even before a lower-case word ("bà Lê Thị /
        # Hoa cư trú tại …").
        after = rest.split("\n", 1)[0].split()
        if open_ and 0 < len(words) < 3 and after and (
                words[-1] in ("Văn", "Thị") or not _opens_clause(after)):
            more, _ = _name_words(after, 4 - len(words), lexicon=load_name_lexicon())
            words += more
        if len(words) >= 2:
            return title_case_name(" ".join(words))
    return None


def _name_words(tokens: Sequence[str], room: int, lexicon: NameLexicon | None
                ) -> tuple[list[str], bool]:
    """The leading capitalised words of ``tokens`` (at most ``room``; with ``lexicon`` only
    title-case words it lists), and whether the name may go on past them (it ran to the
    tokens' end, no punctuation closing it)."""
    words: list[str] = []
    for token in tokens[:room]:
        word = token.strip(",;.()")
        if not word or not word[0].isupper() or not word.isalpha():
            return words, False
        if lexicon is not None and not (word.istitle() and (word in lexicon.names
                                                             or word in lexicon.surnames)):
            return words, False
        words.append(word)
        if word != token:
            return words, False
    return words, len(tokens) <= room


# Words that go on describing a person right after their name in running text.
_AFTER_A_NAME = frozenset({"sinh", "số", "cư", "thường", "tạm", "địa", "hiện", "là", "quê",
                           "nơi", "giới", "ngày", "năm", "mang", "có", "chủ", "cùng", "và"})


def _opens_clause(tokens: Sequence[str]) -> bool:
    """Whether a line starts a new sentence or clause: a capitalised word then a lower-case
    one ("Căn cứ Luật …", "Quyết định số …", "Sinh ngày …"), or no word at all ("Điều 1.") —
    a name's words are each capitalised."""
    first = tokens[0].rstrip(",;") if tokens else ""
    if not first or not first.isalpha() or not first[0].isupper():
        return True
    # "Trưởng, sinh năm 1966": a comma closes the name's last word — no clause opens there
    # (tester17 F2); "Căn cứ Luật …" has none. Nor does a word that goes on describing the
    # person ("Trưởng sinh năm 1966", "Hoa cư trú tại …"): what follows a name, not a verb or
    # noun that opens a clause ("Quyết định …").
    if first.casefold() in _AFTER_A_NAME:  # "Sinh ngày …", "Năm sinh …": a line of its own
        return True
    if first != tokens[0] or len(tokens) < 2 or not tokens[1][:1].islower():
        return False
    return tokens[1].strip(",;.:") not in _AFTER_A_NAME


# --- the extractor -------------------------------------------------------------------------


_PERSON_FIELDS = ("full_name", "id_number", "date_of_birth", "sex", "address", "place_of_birth",
                  "place_of_origin")


def extract_fields(doc_type: str, text: str, registry: Registry, *,
                   party: str | None = None,
                   renamed: Sequence[tuple[str, str]] = (),
                   unsure: Sequence[tuple[str, str]] = (),
                   header: Sequence[str] = ()) -> Extraction:
    """The fields ``doc_type`` carries, read from ``text`` and validated.

    A document of several people (``owner_shared``: a marriage certificate names both spouses)
    reads the first person's fields, unless ``party`` (a citizen ID, usually the dossier's
    applicant) names one of them: then the person fields are that person's. ``renamed``: name
    words whose marks recognition rewrote in ``text`` (``OcrPage.renamed``), (as read, as
    written); a name holding one is flagged as one the second reading changed here.
    ``unsure``: personal numbers whose readings disagreed in recognition
    (``OcrPage.unsure_ids``: the number, its readings joined by "/"); the owner's number among
    them is flagged and only proposed (``Extraction.proposed_owner_id``).
    ``header``: the first page's left header column as its words' boxes place it
    (``headcolumn.left_header_column``); the issuing body is read there first.
    """
    spec = registry.get(doc_type)
    text = nfc(text)
    lines = joined_glosses(text.splitlines())
    hits = _find_hits(lines, spec)
    if party and spec.owner_shared:
        block = _party_block(lines, hits, party)
        if block is not None:
            whole = extract_fields(doc_type, text, registry, renamed=renamed, unsure=unsure,
                                   header=header)
            person = extract_fields(doc_type, "\n".join(block), registry, renamed=renamed,
                                    unsure=unsure)
            fields = {k: v for k, v in whole.fields.items() if k not in _PERSON_FIELDS}
            fields.update((k, v) for k, v in person.fields.items() if k in _PERSON_FIELDS)
            others = [i for i in (whole.fields.get("id_number"),
                                  whole.fields.get("related_id_numbers"))
                      if i is not None and i.value]
            ids = [v for fv in others for v in fv.value.split(",") if v != party]
            if ids:
                fields["related_id_numbers"] = FieldValue(",".join(ids), 0.8)
            else:
                fields.pop("related_id_numbers", None)
            name = fields.get("full_name")
            return Extraction(fields=fields, owner_name=name.value if name else None)
    wanted = set(spec.fields)
    out: dict[str, FieldValue] = {}

    def first(key: str, read: Callable[[str], str | None], wrap: bool = False
              ) -> FieldValue | None:
        for value, fuzzy in _values(hits, lines, key, wrap=wrap):
            parsed = read(value)
            if parsed is not None:
                return FieldValue(parsed, _FUZZY_LABEL if fuzzy else _CONFIDENT)
        return None

    # Plain values first: the ID checks below need the birth date and sex.
    if (v := _full_name(hits, lines, renamed)) is not None:
        out["full_name"] = v
    elif (name := _mentioned_person(text)) is not None:
        out["full_name"] = FieldValue(name, _UNLABELLED)
    if (v := first("sex", _sex)) is not None:
        out["sex"] = v
    for key in ("date_of_birth", "expiry_date"):
        if (v := first(key, _expiry if key == "expiry_date"
                       else lambda s: _iso(parse_vn_date(s)))) is not None:
            out[key] = v
        elif any(True for _ in _values(hits, lines, key)):
            out[key] = FieldValue(None, _FLAGGED, "không đọc được ngày")
    if (born := _field_date(out, "date_of_birth")) is not None and born > vietnam_today():
        # Nobody was born after today: a digit of the date was misread ("07/11/2004" read
        # "07/11/2094" on a heavy card copy, tuning seed 67 page 6700046). It is no evidence
        # against the person's number, which is then checked as on a paper printing no date.
        out["date_of_birth"] = FieldValue(None, _FLAGGED, (
            f"máy đọc được ngày {born:%d/%m/%Y}, sau hôm nay — không thể là ngày sinh (có thể "
            "đọc sai chữ số): nhập ngày sinh theo giấy"))
    if (out.get("expiry_date") is None or out["expiry_date"].value is None) \
            and (until := _sentence_expiry(text)) is not None:
        out["expiry_date"] = FieldValue(until.isoformat(), _CONFIDENT)
    for key in ("address", "place_of_birth", "place_of_origin"):
        if (v := first(key, _address, wrap=True)) is not None:
            if v.value and snap_address(v.value) is None:
                # No administrative unit of the list confirms it: kept as read, less sure.
                v = FieldValue(v.value, min(v.confidence, _UNCONFIRMED_PLACE))
            out[key] = v
    if "address" not in out and (v := _listed_caption(spec, "address", lines)) is not None:
        out["address"] = v
    if (v := first("enterprise_name", _text, wrap=True)) is not None:
        out["enterprise_name"] = v

    if (v := _issue_date(hits, lines)) is not None:
        out["issue_date"] = v

    if "document_number" in wanted and (number := document_number(text)):
        out["document_number"] = checked_notation(number, spec.notations, spec.name)
    if (body := issuing_body(lines, header)) is not None:
        out["issuing_body"] = FieldValue(canonical_body(body), 0.8)

    code = None
    for value, _fuzzy in _values(hits, lines, "dossier_code"):
        code = find_dossier_code(value)
        if code:
            break
    code = code or find_dossier_code(text)
    if code:
        out["dossier_code"] = FieldValue(code, 0.9)

    mrz = find_mrz(text) if doc_type == "citizen_id_card" or "VNM" in text.upper() else None
    # The printed number's doubt is known before the MRZ speaks: a verified zone settles it.
    near = _id_number(out, hits, lines, doc_type)
    if doc_type == "citizen_id_card" and "id_number" not in out:
        _bare_number(out, lines)
    proposed = _unsure_id(out, dict(unsure)) or near
    _enterprise_code(out, hits, lines)
    _household_business_code(out, hits, lines)
    if mrz is not None:
        _apply_mrz(out, mrz)
    if doc_type == "citizen_id_card" and (mrz is None or not mrz.checks_ok) \
            and (doubted := _zone_disagrees(out, lines)) is not None:
        proposed = doubted
    if mrz is not None and mrz.surname:
        _name_from_mrz(out, lines, mrz)
    _sex_from_id(out)
    if proposed is not None and ((fv := out.get("id_number")) is None or fv.value != proposed
                                 or not fv.flag):
        proposed = None  # replaced or confirmed by the MRZ

    if spec.owner_shared:
        others = _other_ids(hits, lines, out.get("id_number"))
        if others:
            out["related_id_numbers"] = FieldValue(",".join(others), 0.8)
            wanted.add("related_id_numbers")
    fields = {k: v for k, v in out.items() if k in wanted}
    if spec.owner_shared:
        name = fields.get("full_name")
        return Extraction(fields=fields, owner_name=name.value if name else None)
    if spec.owner_field == "id_number" and (own := _own_block(doc_type, lines, hits, fields,
                                                               registry, renamed, unsure)):
        fields = own
    extraction = _with_owner(spec.owner_kind, spec.owner_field, fields)
    if proposed is not None and spec.owner_field == "id_number":
        extraction = replace(extraction, proposed_owner_id=proposed)
    return extraction


def _subjects_number(mentions: list[IdMention], birth: date | None,
                     female: bool | None) -> IdMention | None:
    """The one 12-digit number among ``mentions`` that says the paper's subject's birth year
    and sex (both printed on the paper), else None: a parent is not born in their child's
    year."""
    if birth is None or female is None:
        return None
    agree = [m for m in mentions if len(m.raw) == 12 and m.raw.isdigit()
             and not personal_id_problems(m.raw, birth, female)]
    return agree[0] if len({m.raw for m in agree}) == 1 else None


def unsure_flag(readings: str) -> str:
    """The clerk's line for a number whose readings disagreed (after the field's name)."""
    return f"đọc không thống nhất ({readings}): đối chiếu với giấy tờ"


def only_unsure(flag: str | None) -> bool:
    """Is ``flag`` a number's :func:`unsure_flag` and nothing else (no failed check with it)?"""
    return bool(flag) and re.fullmatch(r"đọc không thống nhất \(.*\): đối chiếu với giấy tờ",
                                       flag or "") is not None


def _unsure_id(out: dict[str, FieldValue], unsure: dict[str, str]) -> str | None:
    """Flag the ID number read when recognition's readings of it disagreed; it is returned
    to be proposed as the owner (the best reading there is, but a person confirms it). A
    number already flagged keeps its own reason and is not proposed."""
    fv = out.get("id_number")
    if fv is None or not fv.value or fv.value not in unsure:
        return None
    if fv.flag is not None:
        # Refused only for the birth year printed beside it, while recognition read the
        # number the same every time and the date not (sohoa.ocr.idreread): the date is the
        # doubtful reading; the number is proposed with both reasons, never taken as sure.
        birth = _field_date(out, "date_of_birth")
        if citizen_id_problems(fv.value) or not (
                fv.flag.startswith("số ghi năm sinh")
                or (birth is not None and birth_year_of(fv.value) != birth.year)):
            return None
        out["id_number"] = replace(fv, flag=f"{fv.flag}; {unsure_flag(unsure[fv.value])}")
        return fv.value
    out["id_number"] = replace(fv, flag=unsure_flag(unsure[fv.value]))
    return fv.value


def _listed_caption(spec: DocType, key: str, lines: list[str]) -> FieldValue | None:
    """A type's caption that is an item of a list ("b) Địa chỉ:" under "a) Thửa đất số: …")
    whose item letter OCR lost: the bare caption right after another (damaged) item line."""
    for label in spec.labels_for(key):
        m = re.fullmatch(r"[a-zđ]\)\s*(.+)", label)
        if m is None:
            continue
        bare = r"\W{0,3}" + r"\s*".join(re.escape(w) for w in _words(m[1])) + r"\s*:\s*(.+)"
        for n in range(1, len(lines)):
            found = re.fullmatch(bare, fold_keep_length(lines[n]).strip())
            if found and re.match(r"\W{0,2}\S{1,2}\)\s", lines[n - 1]):
                value = _address(lines[n].strip()[found.start(1):])
                if value:
                    return FieldValue(value, _FUZZY_LABEL)
    return None


def _own_block(doc_type: str, lines: list[str], hits: list[_Hit],
               fields: dict[str, FieldValue], registry: Registry,
               renamed: Sequence[tuple[str, str]], unsure: Sequence[tuple[str, str]]
               ) -> dict[str, FieldValue] | None:
    """``fields`` with the person's fields read from the block of the person whose number is
    the owner's, on a paper that names several (tester13 F18, the birth declaration: the
    requester's block — "Họ, chữ đệm, tên người yêu cầu: …", her number — then "Đề nghị …
    cho người dưới đây: Họ, chữ đệm, tên: …, Ngày, tháng, năm sinh: …" the child's: the
    child's name and birth date were paired with the mother's number, and that date refused
    it). None when the paper names one person, or the number's block is not one of them, or
    reading that block alone gives another number."""
    number = fields.get("id_number")
    if number is None or not number.value or not number.value.isdigit():
        return None
    block = _party_block(lines, hits, number.value)
    if block is None:
        return None
    person = extract_fields(doc_type, "\n".join(block), registry, renamed=renamed,
                            unsure=unsure).fields
    mine = person.get("id_number")
    if mine is None or mine.value != number.value:
        return None
    out = {k: v for k, v in fields.items() if k not in _PERSON_FIELDS}
    out.update((k, v) for k, v in person.items() if k in _PERSON_FIELDS)
    return out


def _party_block(lines: list[str], hits: list[_Hit], party: str) -> list[str] | None:
    """The lines of the one person, among several a document names, whose citizen ID is
    ``party``: from their name's caption to the next person's name caption."""
    starts = sorted({h.line for h in hits if h.field == "full_name"})
    if len(starts) < 2:
        return None
    ends = [*starts[1:], len(lines)]
    found = [lines[a:b] for a, b in zip(starts, ends, strict=True)
             if party in re.sub(r"\D", "", " ".join(lines[a:b]).replace("O", "0"))]
    return found[0] if len(found) == 1 else None


def _other_ids(hits: list[_Hit], lines: list[str], first: FieldValue | None) -> list[str]:
    """The valid citizen ID numbers printed besides the first (the other spouse's)."""
    seen = {first.value} if first is not None and first.value else set()
    others = []
    for value, _ in _values(hits, lines, "id_number"):
        raw = _number_token(value, 12, 12, 12)
        if raw and raw.isdigit() and raw not in seen and not citizen_id_problems(raw):
            seen.add(raw)
            others.append(raw)
    return others


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _id_number(out: dict[str, FieldValue], hits: list[_Hit], lines: list[str],
               doc_type: str) -> str | None:
    """The owner's personal number: after whatever names an identity paper, wherever the form
    prints it (:mod:`personal_ids`), else after a damaged caption; validated by its kind.
    Returns a number only to propose (the first person's, after a caption too damaged to be
    sure of), else None."""
    birth = _field_date(out, "date_of_birth")
    sex = out.get("sex")
    female = None if sex is None or sex.value is None else sex.value == "Nữ"

    def problems(number: str) -> list[str]:
        return personal_id_problems(number, birth, female)

    # (raw, printed wording, inside a sentence, birth year printed in its clause)
    reads: list[tuple[str, str, bool, int | None]] = []
    if doc_type == "citizen_id_card":  # the card prints "Số / No.:" (or "Số 271…") first
        # Before "/ No." any short word is "Số" however read ("5ó/No:", "sø/No:": tester17's
        # grey copies).
        for m in re.finditer(r"(?:^|\n)\s*(S[ốoô]\s*(?:/\s*No\.?)?|\S{1,3}\s*/\s*No\.?)"
                             r"\s*[:.]?\s*(.*)", "\n".join(lines)):
            raw = _number_token(m[2], 9, 14, 12)
            if raw and (len(raw) >= 11 or len(raw) == 9):
                reads.append((raw, m[1].strip(), False, None))
    mentions = find_id_mentions("\n".join(lines))
    own = [m for m in mentions if not m.other_person]
    if not reads and own and (lost := lost_first_person_number("\n".join(lines))) is not None:
        # The first person's number was printed and lost; the one read is the next person's
        # (the wife's on a land certificate): never the owner's, and a person reads the paper.
        # A number right after the damaged caption, agreeing with its clause's birth year, is
        # only proposed (Extraction.proposed_owner_id, via the flag's number).
        if lost.near is not None:
            out["id_number"] = FieldValue(
                lost.near, _FLAGGED, f"nhãn “{lost.label}” của người ghi đầu tiên đọc không "
                f"rõ, số sau nó {lost.near} chưa chắc chắn: đối chiếu với giấy tờ", lost.label)
            return lost.near
        out["id_number"] = FieldValue(
            None, _FLAGGED, f"không đọc được số sau “{lost.label}” của người ghi đầu tiên (số "
            f"{own[0].raw} là của người ghi sau): đối chiếu với giấy tờ", lost.label)
        return None
    if not reads and not own and (agreed := _subjects_number(mentions, birth, female)):
        # Every number was taken for another person's (a parent named on the line before),
        # but one of them is the number of someone of the paper's own subject's sex born in
        # the subject's year, as the paper prints them: proposed, a person confirms it
        # (tester16 F8: a judicial record's "8. Giấy CMND/CCCD/Hộ chiếu: Căn cước số …" after
        # item 7's "Họ và tên mẹ", its "8." lost — the certificate belonged to no one).
        out["id_number"] = FieldValue(
            agreed.raw, _FLAGGED, f"số {agreed.raw} in sau thông tin của người khác nhưng khớp "
            f"năm sinh {birth.year if birth else ''} và giới tính của người được cấp: đối chiếu "
            "với giấy tờ", agreed.label)
        return agreed.raw
    reads += [(m.raw, m.label, m.inline, m.born) for m in own]
    # The honorific of the number's own clause ("Ông …, căn cước công dân số …") gives the sex
    # when the paper prints none: its fourth digit must agree (issue 18, a 2 read as 3 there,
    # valid in every other check, was taken as sure).
    said = {m.raw: m.female for m in own}
    if not reads:  # a caption OCR damaged past the paper names ("Sô đjnh danh:")
        reads = [(raw, label, False, None)
                 for v, _, label in labelled_values(hits, lines, "id_number")
                 if (raw := _number_token(v, 11, 14, 12))]
    if not reads:
        return None
    raw, label, inline, born = reads[0]
    if female is None:
        female = said.get(raw) if own and raw == own[0].raw else None
    raws = [r for r, _, _, _ in reads]
    if inline and raws.count(raw) < 2:
        # A number read once from running text has had no caption's cross-check. The birth
        # year printed in its clause (or as the paper's birth date) is in the number: that is
        # the cross-check. Without one it is trusted only as the one number the paper prints.
        year = born or (birth.year if birth is not None else None)
        if year is not None and len(raw) == 12 and raw.isdigit():
            confidence = 0.9 if birth_year_of(raw) == year else 0.55
        else:
            alone = len({m.raw for m in mentions}) == 1
            confidence = 0.8 if alone else 0.55
    else:
        confidence = 0.95 if len(raw) != 9 else 0.9  # a CMND has no birth year to check
    if born is not None and len(raw) == 12 and raw.isdigit() and birth_year_of(raw) != born:
        out["id_number"] = FieldValue(
            raw, _FLAGGED, f"số ghi năm sinh {birth_year_of(raw)}, giấy in {born} bên cạnh",
            label)
        return None
    # The same number printed twice and read differently: one of the readings is wrong, and
    # both may look valid (a digit for a digit). Different people's numbers differ far more.
    for other in raws[1:]:
        if len(other) == len(raw) and 0 < sum(a != b for a, b in zip(raw, other, strict=True)) <= 3:
            out["id_number"] = FieldValue(
                raw, _FLAGGED, f"in hai lần, đọc thành {raw} và {other}", label)
            return None
    twelve = re.search(r"dinh danh|can cuoc|cccd", fold(label)) \
        and not re.search(r"cmnd|chung minh", fold(label))
    if len(raw) not in (9, 12) or (len(raw) == 9 and twelve):
        out["id_number"] = FieldValue(
            raw, _FLAGGED, f"{len(raw)} ký tự, số định danh cá nhân có 12 (CMND 9)", label)
        return None
    # A label that names only a CMND announces 9 digits: 12 there may be the CMND joined to the
    # next number OCR read (a house number, a date), and its province and century digits can
    # still pass the checks. A person looks at it. "chiếu" is the passport's however its first
    # word was read ("Giấy CMND/CCCU/Hð chiếu: Số:", the judicial-record form's list).
    nine = re.search(r"cmnd|chung minh|(?<![a-z])cmt(?![a-z])", fold(label)) \
        and not re.search(r"dinh danh|can cuoc|cccd|chieu", fold(label))
    if len(raw) == 12 and nine:
        out["id_number"] = FieldValue(
            raw, _FLAGGED, "12 chữ số sau nhãn chỉ ghi CMND (CMND có 9): hãy đối chiếu giấy",
            label)
        return None
    fv = validated_number(raw, lambda n: not problems(n), lambda n: "; ".join(problems(n)),
                          confidence)
    out["id_number"] = replace(fv, label=label or None)
    return None


def _enterprise_code(out: dict[str, FieldValue], hits: list[_Hit], lines: list[str]) -> None:
    for value, _, label in labelled_values(hits, lines, "enterprise_code"):
        raw = _number_token(value.split("-")[0], 9, 11)
        if raw is None:
            continue
        m = re.search(r"\w\s*-\s*(\d{3})(?!\d)", value)
        branch = f"-{m[1]}" if m else ""
        out["enterprise_code"] = replace(check_enterprise_code(raw, branch), label=label)
        return


# A household business's code as certificates print it ("01C8110549": province, district letter,
# then digits — NĐ 01/2021/NĐ-CP); older ones are all digits. Letters and digits, one word.
_HOUSEHOLD_CODE = re.compile(r"(?<![0-9A-Za-z])([0-9][0-9A-Z]{7,12})(?![0-9A-Za-z])")


def _household_business_code(out: dict[str, FieldValue], hits: list[_Hit],
                             lines: list[str]) -> None:
    for value, fuzzy, label in labelled_values(hits, lines, "household_business_code"):
        found = _HOUSEHOLD_CODE.search(value.replace(" ", ""))
        if found is not None and sum(c.isdigit() for c in found[1]) >= 6:
            out["household_business_code"] = FieldValue(
                found[1], _FUZZY_LABEL if fuzzy else _CONFIDENT, label=label)
            return


def check_enterprise_code(raw: str, branch: str = "") -> FieldValue:
    """Validate (or uniquely correct) a 10-character enterprise code read by OCR."""
    if len(raw) != 10:
        return FieldValue(raw + branch, _FLAGGED,
                          f"{len(raw)} chữ số, mã số doanh nghiệp có 10")
    if raw.isdigit() and enterprise_check_digit(raw[:9]) is None:
        # 10 - (sum mod 11) is 10 or 11: no code starts with these nine digits, so one of
        # them was misread, and which one cannot be known.
        return FieldValue(raw + branch, _FLAGGED,
                          "không có chữ số kiểm tra nào ứng với 9 chữ số đầu (đã đọc nhầm "
                          "một chữ số); đối chiếu với giấy")
    fv = validated_number(
        raw, lambda n: enterprise_code_valid(n + branch),
        lambda n: "chữ số kiểm tra không khớp (đọc nhầm một chữ số?)")
    return FieldValue((fv.value or "") + branch, fv.confidence, fv.flag)


def _field_date(out: dict[str, FieldValue], key: str) -> date | None:
    fv = out.get(key)
    if fv is None or not fv.value:
        return None
    try:
        return date.fromisoformat(fv.value)
    except ValueError:
        return None


# A card's number read with no caption and no second copy on the card: below the owner's
# confidence (scores.OWNER_CONFIDENCE), so it is proposed, never taken alone.
_UNCAPTIONED = 0.5


def _bare_number(out: dict[str, FieldValue], lines: list[str]) -> None:
    """A card's number whose caption was lost, read on a line of its own
    (:func:`sohoa.ocr.fields.zonecheck.bare_number`): taken when the card's zone prints it too,
    else kept below the owner's confidence — proposed, and a receipt naming it confirms it."""
    sex = out.get("sex")
    female = None if sex is None or sex.value is None else sex.value == "Nữ"
    found = bare_number(lines, _field_date(out, "date_of_birth"), female)
    if found is not None:
        out["id_number"] = FieldValue(found[0], 0.95 if found[1] else _UNCAPTIONED)


def _zone_disagrees(out: dict[str, FieldValue], lines: list[str]) -> str | None:
    """The printed number, flagged, when the card's zone (read too damaged to verify) prints
    another valid number one digit from it and not it (:mod:`sohoa.ocr.fields.zonecheck`);
    the number is returned to be proposed. None, and nothing changed, otherwise."""
    printed = out.get("id_number")
    if printed is None or printed.flag or not printed.value:
        return None
    sex = out.get("sex")
    female = None if sex is None or sex.value is None else sex.value == "Nữ"
    rival = zone_rival(printed.value, lines, _field_date(out, "date_of_birth"), female)
    if rival is None:
        return None
    out["id_number"] = FieldValue(
        printed.value, min(printed.confidence, _FLAGGED),
        f"số in trên thẻ đọc được {printed.value}, vùng đọc máy (MRZ) ghi {rival}: một chữ số "
        "bị đọc nhầm ở một trong hai nơi — đối chiếu với thẻ")
    return printed.value


def _apply_mrz(out: dict[str, FieldValue], mrz: Mrz) -> None:
    """A verified MRZ confirms or corrects the printed values; an unverified one only confirms."""
    values = {"id_number": mrz.id_number or None, "date_of_birth": _iso(mrz.birth_date),
              "expiry_date": _iso(mrz.expiry_date)}
    for key, value in values.items():
        if value is None:
            continue
        printed = out.get(key)
        if mrz.checks_ok:
            out[key] = FieldValue(value, 0.99)
        elif printed is not None and printed.value == value:
            out[key] = FieldValue(value, max(printed.confidence, 0.95), printed.flag)
    printed = out.get("id_number")
    if not mrz.checks_ok and mrz.number_ok and (printed is None or printed.flag
                                                 or printed.value == mrz.id_number):
        # The zone's other lines were lost, but its first verifies alone (check digit, the ID
        # repeating the document number): a printed number refused by its checks, or none,
        # yields to it when it agrees with the printed birth date and sex.
        sex = out.get("sex")
        female = None if sex is None or sex.value is None else sex.value == "Nữ"
        if not citizen_id_problems(mrz.id_number, _field_date(out, "date_of_birth"), female):
            out["id_number"] = FieldValue(mrz.id_number, 0.95)
    if mrz.checks_ok and "sex" not in out and mrz.sex:
        out["sex"] = FieldValue({"M": "Nam", "F": "Nữ"}[mrz.sex], 0.9)
    if mrz.checks_ok and mrz.id_number:
        problems = citizen_id_problems(mrz.id_number, _field_date(out, "date_of_birth"))
        if problems:
            out["id_number"] = FieldValue(mrz.id_number, _FLAGGED,
                                          "; ".join(problems))


def _full_name(hits: list[_Hit], lines: list[str],
               renamed: Sequence[tuple[str, str]] = ()) -> FieldValue | None:
    """The printed name, its tone marks re-read against the name lexicon; a name so changed
    (here, or already in the text by recognition: ``renamed``) carries a flag, so a person
    compares it with the paper: a real name missing from the lexicon must never be rewritten
    silently."""
    was = {title_case_name(written): title_case_name(read) for read, written in renamed}
    for value, fuzzy in _values(hits, lines, "full_name"):
        name = _name(value)
        if name is None:
            continue
        as_read = _name(value, reread=False)
        if as_read is not None and was:
            as_read = " ".join(was.get(w, w) for w in as_read.split())
        flag = None
        if as_read is not None and as_read != name:
            flag = (f"đọc được “{as_read}”, dấu thanh sửa theo danh mục tên thành “{name}”; "
                    "hãy đối chiếu với giấy")
        return FieldValue(name, _FUZZY_LABEL if fuzzy else _CONFIDENT, flag)
    return None


def _name_from_mrz(out: dict[str, FieldValue], lines: list[str], mrz: Mrz) -> None:
    """The MRZ spells the name without marks; the printed name that folds to it is confirmed,
    and when the caption's value was lost (OCR merged the line) it is found by that spelling."""
    target = fold(f"{mrz.surname} {mrz.given_names}")
    printed = out.get("full_name")
    if printed is not None and printed.value:
        name = printed.value
        if fuzz.ratio(fold(printed.value), target) >= 90:
            # The MRZ's letters fix a misread letter where the lexicon knows the name.
            name = second_reading(printed.value, mrz=target)
        if " ".join(fold(name).split()) == " ".join(target.split()):
            out["full_name"] = FieldValue(name, max(printed.confidence, 0.95), printed.flag)
        elif target.strip():
            # the zone spells another name: a letter lost or a word taken from the caption
            # ("HỒ VĂN Kí" for KHOA, "Và H" for THAI CONG KHAI) is never confirmed by it
            # (tester18 F20: stored sure, then imposed on the owner's right papers)
            out["full_name"] = FieldValue(name, min(printed.confidence, 0.6), printed.flag or (
                f"tên đọc được “{name}” khác tên ở vùng đọc máy (MRZ) “{target.upper()}”: "
                "đối chiếu với thẻ"))
        return
    size = len(target.split())
    for line in lines:
        words = line.split()
        for i in range(len(words) - size + 1):
            run = words[i:i + size]
            if all(w.isalpha() and w.isupper() for w in run) \
                    and fuzz.ratio(fold(" ".join(run)), target) >= 90:
                name = _name(" ".join(run))
                if name:
                    out["full_name"] = FieldValue(name, 0.85)
                    return


def _sex_from_id(out: dict[str, FieldValue]) -> None:
    """The century/sex digit of a validated ID gives the sex when the paper prints none."""
    fv = out.get("id_number")
    if "sex" in out or fv is None or fv.flag or not fv.value or len(fv.value) != 12:
        return
    out["sex"] = FieldValue("Nữ" if int(fv.value[3]) % 2 else "Nam", 0.7)


def _with_owner(owner_kind: str | None, owner_field: str | None,
                fields: dict[str, FieldValue]) -> Extraction:
    """The owner is taken only from an unflagged, confident value. Otherwise the document has
    no owner of its own and gets the dossier's (the receipt names the applicant) or a person's
    look; the uncertain value stays in ``fields`` for that comparison."""
    owner_id = None
    if owner_field is not None:
        fv = fields.get(owner_field)
        if fv is not None and fv.value and fv.flag is None and fv.confidence >= OWNER_CONFIDENCE:
            owner_id = fv.value
    name_key = "enterprise_name" if owner_kind == "organization" else "full_name"
    name = fields.get(name_key)
    return Extraction(fields=fields, owner_id=owner_id,
                      owner_kind=owner_kind if owner_id else None,
                      owner_name=name.value if name is not None else None)
