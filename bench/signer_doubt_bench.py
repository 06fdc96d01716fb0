"""The signer's name line: is a misread one sent to a person? (tester11 F4/F15)

    OMP_THREAD_LIMIT=1 nice .venv/bin/python bench/signer_doubt_bench.py

Letters of ``sohoa.synth.foreign`` (signer under a red seal and a blue signature), each page
recognized by sohoa's engine. Per page, the name line in the text (the line holding the name's
last word, or one the re-read rewrote) is compared with the printed name: the name read right,
read wrong and sent to review (``OcrPage.retitled``: rewritten; ``OcrPage.unsure_signer``:
kept as read but no plausible name), read wrong and silent, and read right yet flagged (a false
alarm). A name wholly lost is counted apart.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from sohoa.doctypes import load_registry
from sohoa.ocr import recognize_page
from sohoa.ocr.correct import load_lexicon
from sohoa.records import sha256_hex
from sohoa.synth.foreign import foreign_page
from sohoa.vntext import fold

SETS = {"heavy/faded grey": [("dejavu", 300, "heavy"), ("liberation", 200, "heavy"),
                             ("termes", 300, "faded")],
        "clean colour": [("dejavu", 300, "clean"), ("liberation", 200, "clean"),
                         ("termes", 300, "clean")]}


def judge(name: str, text: str, unsure: tuple[str, ...], retitled: tuple) -> str:
    words = name.split()
    # The name line: the last line holding the name's last word or its first (folded).
    lines = [ln for ln in text.splitlines()
             if fold(words[-1]) in fold(ln).split() or fold(words[0]) in fold(ln).split()]
    flagged = bool(unsure) or any(name.split()[-1] in b or name.split()[0] in b
                                  for a, b in retitled if a != b)
    if not lines:
        return "lost, flagged" if flagged else "lost"
    right = any(name in ln for ln in lines)
    if right:
        return "right, false alarm" if unsure else "right"
    return "wrong, flagged" if flagged else "wrong, silent"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="1-8")
    args = parser.parse_args()
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    lexicon = load_lexicon(load_registry())
    for label, kinds in SETS.items():
        counts: Counter[str] = Counter()
        examples: list[str] = []
        start = time.process_time()
        for seed in seeds:
            for family, dpi, wear in kinds:
                page = foreign_page(seed, family=family, dpi=dpi, colour=wear == "clean",
                                    wear=wear)
                ocr = recognize_page(page.jpeg, page_sha256=sha256_hex(page.jpeg), dpi=dpi,
                                     lexicon=lexicon)
                name = page.signer[-1]
                for rank in ("Đại úy ", "Thiếu tá ", "Trung tá ", "Thượng tá ", "Thiếu úy ",
                             "Trung úy ", "Thượng úy "):
                    name = name.removeprefix(rank)
                verdict = judge(name, ocr.text, ocr.unsure_signer, ocr.retitled)
                counts[verdict] += 1
                if verdict in ("wrong, silent", "right, false alarm"):
                    examples.append(f"{seed}/{family}/{wear}: {name!r} {ocr.unsure_signer}")
        print(f"{label}: {len(seeds) * len(kinds)} pages, "
              + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
              + f" ({time.process_time() - start:.0f} CPU s)")
        for line in examples:
            print("   ", line)


if __name__ == "__main__":
    main()
