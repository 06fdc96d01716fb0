"""Do the signer's rules change a line of ordinary text? (issue 18)

    .venv/bin/python bench/signer_rules_prose_check.py ../shared/seed ../shared/research

Every line of the given text files (real Vietnamese prose: the project's seed and research
notes) and every printed line of the foreign generator's letters but the signer's own (seeds
``--seeds``) is put through the rules that rewrite a signer's line — as if it stood where the
signer's name is printed (``reread_signer_line(name_line=True)``) and as a line of the name's
place read once more (``name_reading``) — and each line whose letters a rule changes is
printed. Session 10 found none on 717 real and 869 generated lines; none may appear.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sohoa.ocr.titles import changes_letters, load_titles, name_reading, reread_signer_line
from sohoa.synth.foreign import foreign_page
from sohoa.vntext import nfc


def _changed(line: str) -> list[str]:
    titles = load_titles()
    tokens = line.split()
    if not tokens:
        return []
    found = []
    for rule, out in (("name place", reread_signer_line(tokens, titles, name_line=True)),
                      ("read again", name_reading(tokens, titles))):
        if out is not None:
            written = " ".join(t for t in out if t)
            if changes_letters(line, written):
                found.append(f"{rule}: {line!r} -> {written!r}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--seeds", nargs="*", type=int,
                        default=[7, 107, 109, 113, 127, 131, 151, 157])
    args = parser.parse_args()
    real: set[str] = set()
    for path in args.paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.is_file():
                real |= {" ".join(nfc(x).split()) for x in f.read_text(encoding="utf-8",
                                                                       errors="replace")
                         .splitlines() if x.strip()}
    made: set[str] = set()
    for seed in args.seeds:
        for family in ("liberation", "noto", "dejavu", "termes"):
            page = foreign_page(seed, family=family, dpi=200, colour=True, wear="clean")
            made |= {" ".join(x.split()) for x in page.lines if x not in page.signer}
    changed = 0
    for name, lines in (("real", real), ("generated", made)):
        hits = [h for line in sorted(lines) for h in _changed(line)]
        changed += len(hits)
        print(f"{name}: {len(lines)} distinct lines, {len(hits)} changed")
        for h in hits:
            print("  ", h)
    sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
