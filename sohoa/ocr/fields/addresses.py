"""Addresses and places: OCR specks removed, the closed vocabulary repaired, administrative
units snapped to the gazetteer when one unit is clearly meant."""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from sohoa.idcodes import (
    PROVINCES,
)
from sohoa.ocr.fields.words import _JUNK_EDGE, _text
from sohoa.ocr.gazetteer import snap_units
from sohoa.vntext import fold


def _address(value: str) -> str | None:
    """An address or place: OCR specks removed, and the closed vocabulary repaired where a
    lost mark is certain: "tố 9" is the neighbourhood group "tổ 9"; the province after
    "tỉnh" is one of the 63 and is matched against the list."""
    text = _text(value)
    if text is None:
        return None
    text = re.sub(r"\s[-–—_|]+\s", " ", f" {text} ").strip()
    text = re.sub(r"\s*;\s*", ", ", text)  # OCR reads the parts' commas as semicolons
    text = re.sub(r"(?<![^\W_])[Tt][ốõồổỗộo](?=\s+\d)", lambda m: m.group()[0] + "ổ", text)
    text = _repair_parts(text)
    snapped = snap_address(text)
    if snapped is not None:
        return snapped
    m = re.search(r"(tỉnh|tinh|tĩnh)\s+([^,]+?)\s*$", text)
    if m:
        best = max(PROVINCES.values(), key=lambda p: fuzz.ratio(fold(p), fold(m[2])))
        if fuzz.ratio(fold(best), fold(m[2])) >= 80:
            text = text[:m.start()] + "tỉnh " + best
    return text


def _repair_parts(text: str) -> str:
    """Separators and the words that begin an address's parts, where OCR damage is certain:
    a full stop before a lower-case part is its comma ("Trần Phú. tổ 4"), a hyphen or colon
    glued to a level word is a space ("xã-Bắc Sơn", "khu:phố"), and "đưởng", "khu phế 8" are
    "đường", "khu phố 8" (the only words of the closed list one mark or letter away)."""
    text = re.sub(r",\s*[.,;]+", ",", text)
    text = re.sub(r"(?<=[^\W\d_])\.\s+(?=[a-zđ\u00E0-\u1EF9])", ", ", text)
    text = re.sub(r"(?<=\d)\.\s+(?=[a-zđ\u00E0-\u1EF9])", ", ", text)
    text = re.sub(r"\b(xã|phường|huyện|quận|tỉnh)-(?=[A-ZĐ\u00C0-\u1EF8])", r"\1 ", text)
    text = re.sub(r"\b([Kk]hu)\s*:\s*(phố)\b", r"\1 \2", text)
    parts = text.split(", ")
    for i, part in enumerate(parts):
        words = part.split()
        if len(words) >= 2 and fold(words[0]) == "duong" and words[0] not in ("đường", "Đường"):
            parts[i] = " ".join(["đường" if words[0].islower() else "Đường", *words[1:]])
        elif len(words) >= 3 and words[0].lower() == "khu" and re.fullmatch(r"\d+", words[2]) \
                and Levenshtein.distance(fold(words[1]), "pho") == 1:
            parts[i] = " ".join([words[0], "phố", *words[2:]])
    return ", ".join(parts)


_LEVEL_INSIDE = re.compile(
    r"(?<=\S)\s+(?=(?:thành phố|thị trấn|thị xã|huyện|quận|tỉnh|phường|xã|Thành phố|Quận"
    r"|Phường|Huyện|Tỉnh)\s+(?:[A-ZĐ\u00C0-\u1EF8]|\d))")


def snap_address(text: str) -> str | None:
    """``text`` with its administrative tail (its last three, two or one comma-separated
    parts) read against the real units (:func:`sohoa.ocr.gazetteer.snap_units`); None when
    no tail is confirmed. A comma OCR lost before a level word is restored only when the
    parts it makes are confirmed."""
    parts = [p.strip(_JUNK_EDGE) for p in text.split(",") if re.search(r"\w", p)]
    split = [q.strip(_JUNK_EDGE) for p in parts for q in _LEVEL_INSIDE.split(p)
             if re.search(r"\w", q)]
    if not parts:
        return None
    layouts = [parts, split] if split != parts else [parts]
    last = layouts[-1][-1].split()
    if len(last) > 2 and len(last[-1]) <= 3 and last[-1].isalpha():
        layouts.append([*layouts[-1][:-1], " ".join(last[:-1])])  # a speck after the province
    for layout in layouts:
        for m in (3, 2, 1):
            if len(layout) < m:
                continue
            snapped = snap_units(layout[-m:])
            if snapped is not None:
                return ", ".join([*layout[:-m], *snapped])
    return None
