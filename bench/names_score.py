"""Persons' names on the foreign bench's pages: how many are read exactly, how many with their
letters right but a mark wrong, how many not found (issue 18, tester16 F9/F12).

    PYTHONPATH=. .venv/bin/python bench/names_score.py --seed 321 KEPT_DIR [KEPT_DIR ...]

``KEPT_DIR``: a folder kept by ``bench/foreign_ocr_bench.py --keep`` (its ``sohoa.pdf`` is read
back with pdftotext, as the bench does). A name is the generator's surname, middle name and
given name in a row, in the case printed (capitals in a field, title case by the signer); it
is found when the page's text (spaces collapsed) holds it as printed, "marks" when it holds it
with the same letters but another mark (compared folded), "lost" otherwise. Pages printing one
name twice or more are counted apart (the cross-line agreement's pages)."""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from foreign_ocr_bench import make_corpus
from ocr_vs_ocrmypdf import pdftotext_pages

from sohoa.synth.foreign import _FAMILY, _GIVEN, _MIDDLE
from sohoa.vntext import fold, nfc


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted({*words, *(w.upper() for w in words)},
                                                 key=len, reverse=True))


_NAME = re.compile(rf"(?<!\w)(?:{_alternatives(_FAMILY)}) (?:{_alternatives(_MIDDLE)}) "
                   rf"(?:{_alternatives(_GIVEN)})(?!\w)")


def names_of(lines: tuple[str, ...]) -> list[str]:
    return [m.group() for line in lines for m in _NAME.finditer(nfc(line))]


def score(pages: list, texts: list[str]) -> tuple[Counter, Counter, list[str]]:
    """(outcome counts, outcome counts on pages printing a name twice, the misses)."""
    counts: Counter = Counter()
    twice: Counter = Counter()
    misses: list[str] = []
    for page, text in zip(pages, texts, strict=False):
        flat = " ".join(nfc(text).split())
        folded = fold(flat)
        names = names_of(page.lines)
        repeated = {n.lower() for n, c in Counter(x.lower() for x in names).items() if c > 1}
        for name in names:
            outcome = ("found" if name in flat else "marks" if fold(name) in folded else "lost")
            counts[outcome] += 1
            if name.lower() in repeated:
                twice[outcome] += 1
            if outcome != "found":
                got = ""
                if outcome == "marks":
                    at = folded.find(fold(name))
                    got = flat[at:at + len(name)]
                misses.append(f"{page.name}: {name} → {outcome} {got}")
    return counts, twice, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--misses", action="store_true", help="list every name not found")
    parser.add_argument("kept", nargs="+", type=Path)
    args = parser.parse_args()
    pages = make_corpus(args.seed)
    for folder in args.kept:
        counts, twice, misses = score(pages, pdftotext_pages(folder / "sohoa.pdf"))
        total = sum(counts.values())
        print(f"{folder}: names {counts['found']}/{total} found, {counts['marks']} a mark "
              f"wrong, {counts['lost']} lost; on pages printing a name twice "
              f"{twice['found']}/{sum(twice.values())} found, {twice['marks']} a mark wrong")
        if args.misses:
            print("\n".join("  " + m for m in misses))


if __name__ == "__main__":
    main()
