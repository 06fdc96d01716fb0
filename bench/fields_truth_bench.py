"""Fields read from the generator's own truth text (no OCR): issuing body, name and number per
type, exact match over seeds 0..N-1 of ``sohoa.synth.render_document``. It isolates the
extractor from recognition: a miss here is the extractor's, never the scan's.

    .venv/bin/python bench/fields_truth_bench.py [--seeds 60]

Never run by the test suite (about 30 s on one core)."""

from __future__ import annotations

import argparse
from collections import Counter

from sohoa.doctypes import load_registry
from sohoa.ocr.fields.extract import extract_fields
from sohoa.synth import render_document

KEYS = ("issuing_body", "full_name", "document_number")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=60)
    args = parser.parse_args()
    registry = load_registry()
    right: Counter[tuple[str, str]] = Counter()
    seen: Counter[tuple[str, str]] = Counter()
    for spec in registry.all():
        if spec.code == "other":
            continue
        for seed in range(args.seeds):
            truth = render_document(spec.code, seed).truth
            text = "\n\n".join("\n".join(lines) for lines in truth.page_lines)
            values = extract_fields(spec.code, text, registry).values()
            for key in KEYS:
                if key in truth.fields:
                    seen[spec.code, key] += 1
                    right[spec.code, key] += values.get(key) == truth.fields[key]
    for key in KEYS:
        cells = [f"{code} {right[code, k]}/{n}" for (code, k), n in sorted(seen.items())
                 if k == key]
        print(f"{key}: " + ", ".join(cells))


if __name__ == "__main__":
    main()
