"""What kind of document is this? Title matching against the registry, with a learned fallback.

Titles are matched on the first lines of the text after folding diacritics (Tesseract ``vie``
confuses tone marks far more often than base letters), fuzzily (it also drops letters and merges
the two-column header into one line). A title is trusted more when it is printed the way titles
are (upper case, on its own line, near the top) and less when the words only occur inside a
sentence ("Căn cứ Quyết định số …"). Phrases printed elsewhere (``keywords`` in the registry)
identify documents without a title, such as the back of a citizen ID card.

Confidence is calibrated so that below ``REVIEW_THRESHOLD`` a person should look: a weak match,
or two types that match almost equally well, never gets there.

When titles say little, an optional :class:`NgramModel` (character n-grams, nearest centroid,
pure numpy) trained from labelled texts gives its opinion; ``method`` records which one decided.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from sohoa.doctypes import Registry
from sohoa.errors import ConfigError
from sohoa.ocr.segment import header_span
from sohoa.records import Classification
from sohoa.vntext import fold, nfc, squash_spaces

REVIEW_THRESHOLD = 0.6
OTHER = "other"
# Below this match score (0-100) nothing title-like was found: "other". Chance resemblance of
# body lines to short titles ("ĐƠN XIN", "TỜ KHAI") stays under it.
MIN_TITLE_SCORE = 70.0
TITLE_ZONE_LINES = 16  # non-empty lines searched for a title; cards put it on line 4-6
_NONWORD = re.compile(r"[^0-9a-z]+")
_ENUMERATION = re.compile(r"^(?:\d{1,2}|[a-z])\s+")


def _norm(text: str) -> str:
    return _NONWORD.sub(" ", fold(text)).strip()


@lru_cache(maxsize=4096)
def _pattern(text: str) -> str:
    """``_norm`` of a registry title or keyword: the same few hundred strings for every page
    (folding them again on each page cost a third of classifying a page's text)."""
    return _norm(text)


# The bodies that issue papers, as their names begin (folded): the header's left column
# ("ỦY BAN NHÂN DÂN / XÃ TÂN LẬP") names who wrote the paper, never what it is. Read as a title
# candidate, "UY BAN NHAN DAN" is 70 % like "CHUNG MINH NHAN DAN" and a residence letter from a
# commune was filed as a citizen ID card (tester12 F2). Only names no title begins with: "BỘ",
# "SỞ", "BAN" fold into "bộ/bổ", "sổ", "bản" (SỔ HỘ KHẨU, BẢN SAO).
_ISSUING_BODIES = ("uy ban nhan dan", "ubnd", "hoi dong nhan dan", "toa an nhan dan",
                   "vien kiem sat nhan dan", "cong an", "chi cuc", "tong cuc", "cuc canh sat",
                   "van phong dang ky", "bo phan tiep nhan")
_BODY_SCORE = 88.0


def _issuing_body(norm: str) -> bool:
    """Whether a title-zone line (normalized) is an issuing body's name."""
    words = norm.split()
    for body in _ISSUING_BODIES:
        start = " ".join(words[:body.count(" ") + 1])
        # Short names exactly ("cong an" is one letter from "cong van").
        if start == body or (len(body) > 8 and fuzz.ratio(body, start) >= _BODY_SCORE):
            return True
    return False


def _upper_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) / len(letters) if letters else 0.0


def _strip_header(norm: str) -> str:
    """Cut the national header out of a line (OCR often merges it with the agency name)."""
    for _ in range(2):  # header and motto can both sit on one merged line
        span = header_span(norm)
        if span is None:
            break
        norm = (norm[:span[0]] + " " + norm[span[1]:]).strip()
    return norm


@dataclass(frozen=True)
class _Line:
    norm: str  # folded, punctuation as spaces, header cut out, enumeration cut off
    upper: float  # share of upper-case letters in the printed line
    rank: int  # index among the non-header lines of the title zone
    raw: str = ""  # the line as printed (NFC, spaces squashed)


def _title_lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    rank = 0
    for raw in nfc(text).splitlines():
        if not raw.strip():
            continue
        norm = _strip_header(_norm(raw))
        norm = _ENUMERATION.sub("", norm) if len(norm) > 4 else norm
        if len(norm) < 3:
            continue
        if not _issuing_body(norm):
            out.append(_Line(norm, _upper_share(raw), rank, squash_spaces(raw)))
        rank += 1
        if rank >= TITLE_ZONE_LINES:
            break
    return out


def _match(pattern: str, line: str) -> float:
    """How well ``pattern`` (a normalized title) reads in ``line``, 0..100, with position. A
    line that puts another word where the title has one ("trích lục khai tử" for "… khai
    sinh") is another paper's title however near its letters are (tester19 F1: a death
    extract was filed as a birth certificate, sure of it)."""
    if len(line) <= len(pattern) + 3:
        return fuzz.ratio(pattern, line) * (_OTHER_WORD if _other_word(pattern, line) else 1)
    al = fuzz.partial_ratio_alignment(pattern, line)
    if al is None:
        return 0.0
    start = line.rfind(" ", 0, al.dest_start) + 1
    end = line.find(" ", al.dest_end)
    other = _OTHER_WORD if _other_word(pattern, line[start:end if end >= 0 else len(line)]) \
        else 1
    if al.dest_start <= 2:
        # The title begins the line and something follows: a subtitle, or OCR joined two lines.
        tail = len(line) - al.dest_end
        return al.score * (0.97 if tail < 40 else 0.93) * other
    # The words sit inside a sentence: body text that mentions a document, not a title.
    return al.score * 0.82 * other


# A title read with a word of its own in place of one of the pattern's is scored as this share
# of its letters' match: below MIN_TITLE_SCORE for any near title (85 → 68).
_OTHER_WORD = 0.8
# Two words this far apart are two words, not one misread (a misread keeps most letters:
# "slnh" / "sinh" 75, "tu" / "sinh" 0).
_WORD_APART = 50


def _other_word(pattern: str, text: str) -> bool:
    """Does ``text`` hold, where the title ``pattern`` has a word, a word of its own?"""
    ours, theirs = pattern.split(), text.split()
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ours, theirs,
                                               autojunk=False).get_opcodes():
        if tag == "replace" and fuzz.ratio(" ".join(ours[i1:i2]),
                                           " ".join(theirs[j1:j2])) < _WORD_APART:
            return True
    return False


def _title_scores(lines: Sequence[_Line], registry: Registry) -> dict[str, float]:
    scores: dict[str, float] = {}
    candidates = [(ln.norm, ln.upper, ln.rank) for ln in lines]
    # A title broken over two lines ("GIẤY CHỨNG NHẬN" / "ĐĂNG KÝ DOANH NGHIỆP"): both halves
    # must look like a title.
    candidates += [(a.norm + " " + b.norm, min(a.upper, b.upper), a.rank)
                   for a, b in pairwise(lines)]
    for doc_type in registry.all():
        patterns = [p for t in doc_type.titles if (p := _pattern(t))]
        best = 0.0
        for text, upper, rank in candidates:
            case = 1.0 if upper >= 0.7 else 0.9
            position = 1.0 - 0.015 * max(0, rank - 3)
            for pattern in patterns:
                best = max(best, _match(pattern, text) * case * position)
        if best:
            scores[doc_type.code] = best
    return scores


def _keyword_scores(text: str, registry: Registry) -> dict[str, float]:
    folded = _norm(text)
    scores: dict[str, float] = {}
    for doc_type in registry.all():
        hits = 0
        for kw in doc_type.keywords:
            needle = _pattern(kw)
            if not needle:
                continue
            cutoff = 80 if len(needle) <= 6 else 88
            if fuzz.partial_ratio(needle, folded, score_cutoff=cutoff):
                hits += 1
        if hits:
            scores[doc_type.code] = 72.0 + 9.0 * min(hits, 3)
    return scores


def _confidence(best: float, second: float) -> float:
    """Map a match score and its lead over the next type to 0..1 (< 0.6: a person looks)."""
    base = min(1.0, max(0.0, (best - 60.0) / 35.0))
    margin = best - second
    if margin < 12.0:
        base *= 0.4 + 0.05 * margin
    return round(min(0.99, base), 3)


def classify(text: str, registry: Registry, *,
             model: NgramModel | None = None) -> Classification:
    """The registry type of an OCR'd document (``other`` with low confidence when unknown)."""
    if not text.strip():
        return Classification(OTHER, 0.0, "default")
    scores = _title_scores(_title_lines(text), registry)
    for code, kw in _keyword_scores(text, registry).items():
        title = scores.get(code, 0.0)
        # A title and its keywords agreeing is stronger than either alone.
        scores[code] = max(title, kw) + (3.0 if title >= 75 and kw else 0.0)
    scores.pop(OTHER, None)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best_code, best = ranked[0] if ranked else (OTHER, 0.0)
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = _confidence(best, second)

    if model is not None and confidence < REVIEW_THRESHOLD:
        label, model_conf = model.predict(text)
        if label == best_code and best >= MIN_TITLE_SCORE - 5:
            return Classification(best_code, round(min(0.95, max(confidence, model_conf)), 3),
                                  "model")
        if label in registry and model_conf > confidence:
            return Classification(label, model_conf, "model")
    if best < MIN_TITLE_SCORE:
        return Classification(OTHER, round(0.2 + 0.2 * (MIN_TITLE_SCORE - best) / MIN_TITLE_SCORE,
                                           3), "default")
    return Classification(best_code, confidence, "title")


def printed_title(text: str, doc_type: str, registry: Registry) -> str | None:
    """The title line(s) as printed for ``doc_type`` (for the catalog's ``title``), or None."""
    spec = registry.get(doc_type)
    patterns = [p for t in spec.titles if (p := _pattern(t))]
    lines = _title_lines(text)
    best: tuple[float, str | None] = (0.0, None)
    following = {a.raw: b for a, b in pairwise(lines)}
    for a, b in [*((ln, None) for ln in lines), *pairwise(lines)]:
        norm = a.norm if b is None else f"{a.norm} {b.norm}"
        for pattern in patterns:
            score = _match(pattern, norm) - (0.5 if b is not None else 0.0)
            if score > best[0]:
                best = (score, a.raw if b is None else f"{a.raw} {b.raw}")
    if best[0] < MIN_TITLE_SCORE or best[1] is None:
        return None
    nxt = following.get(best[1])
    if nxt is not None and len(nxt.raw.split()) == 1 and nxt.upper == 1.0 and len(nxt.raw) > 2:
        return f"{best[1]} {nxt.raw}"  # the last word of a long title wrapped alone
    return best[1]


# --- learned fallback ----------------------------------------------------------------------


def _ngram_vector(text: str, dim: int, sizes: Sequence[int]) -> np.ndarray:
    """Hashed character n-gram counts of the folded text, log-scaled. ``crc32`` (not ``hash``)
    keeps the hashing the same in every process, so a saved model stays valid."""
    norm = " " + _norm(text) + " "
    vec = np.zeros(dim, dtype=np.float32)
    for n in sizes:
        for i in range(len(norm) - n + 1):
            vec[zlib.crc32(norm[i:i + n].encode()) % dim] += 1.0
    return np.log1p(vec)


@dataclass(frozen=True)
class NgramModel:
    """Nearest-centroid classifier over TF-IDF character n-grams; trained in a blink, no deps."""

    labels: tuple[str, ...]
    centroids: np.ndarray  # (classes, dim), rows L2-normalized
    idf: np.ndarray  # (dim,)
    sizes: tuple[int, ...] = (3, 4, 5)

    @property
    def dim(self) -> int:
        return int(self.idf.shape[0])

    @classmethod
    def train(cls, texts: Iterable[str], labels: Iterable[str], *, dim: int = 1 << 15,
              sizes: Sequence[int] = (3, 4, 5)) -> NgramModel:
        texts, labels = list(texts), list(labels)
        if len(texts) != len(labels) or not texts:
            raise ConfigError("cần ít nhất một văn bản mẫu, mỗi văn bản một nhãn loại giấy tờ")
        if len(set(labels)) < 2:
            raise ConfigError("cần văn bản mẫu của ít nhất hai loại giấy tờ để huấn luyện")
        x = np.stack([_ngram_vector(t, dim, sizes) for t in texts])
        df = (x > 0).sum(axis=0)
        idf = np.log((1 + len(texts)) / (1 + df)).astype(np.float32) + 1.0
        x = _unit(x * idf)
        names = tuple(sorted(set(labels)))
        index = np.array([names.index(lb) for lb in labels])
        centroids = _unit(np.stack([x[index == k].mean(axis=0) for k in range(len(names))]))
        return cls(names, centroids.astype(np.float32), idf, tuple(sizes))

    def similarities(self, text: str) -> dict[str, float]:
        v = _unit((_ngram_vector(text, self.dim, self.sizes) * self.idf)[None, :])[0]
        return dict(zip(self.labels, (self.centroids @ v).tolist(), strict=True))

    def predict(self, text: str) -> tuple[str, float]:
        """Best label and a confidence that needs both a close match and a clear lead."""
        sims = sorted(self.similarities(text).items(), key=lambda kv: kv[1], reverse=True)
        (label, s1), s2 = sims[0], (sims[1][1] if len(sims) > 1 else 0.0)
        confidence = min(0.9, max(0.0, 3.0 * (s1 - s2))) * min(1.0, s1 / 0.35)
        return label, round(confidence, 3)

    def save(self, path: Path) -> None:
        with open(path, "wb") as fh:
            np.savez_compressed(fh, labels=np.array(self.labels), centroids=self.centroids,
                                idf=self.idf, sizes=np.array(self.sizes))

    @classmethod
    def load(cls, path: Path) -> NgramModel:
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls(tuple(str(s) for s in data["labels"]), data["centroids"],
                           data["idf"], tuple(int(n) for n in data["sizes"]))
        except (OSError, KeyError, ValueError) as err:
            raise ConfigError(
                f"không đọc được mô hình phân loại {path}: {err}; huấn luyện lại bằng "
                "`sohoa types train`"
            ) from None


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)
