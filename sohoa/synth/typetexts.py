"""Labelled first pages of every type the generator prints, as text: training data for the
classifier's learned fallback (``sohoa types train --synthetic N``), so that a fresh home has a
model before anyone reviewed anything.

Each text comes twice: as printed, and roughened the way Tesseract roughens Vietnamese (lost tone
marks, dropped and confused letters). The product does not import this module: the ``sohoa
types train`` command hands these texts to ``pipeline.training``.
"""

from __future__ import annotations

import random

from sohoa.synth.document import DOC_TYPES, build_document, make_dossier
from sohoa.synth.people import make_person
from sohoa.vntext import fold

_CONFUSIONS = {"o": "0", "0": "o", "l": "1", "1": "l", "i": "l", "e": "c", "c": "e", "n": "m",
               "m": "rn", "u": "ư", "a": "ă", "đ": "d", "h": "b", "y": "v"}

# (stable key, text, document type); the key of a roughened twin ends in ":rough"
LabelledText = tuple[str, str, str]


def roughen(text: str, rng: random.Random, rate: float = 0.04) -> str:
    """Text as a mediocre scan reads it: some words lose their marks, letters drop or swap."""
    out = []
    for word in text.split(" "):
        if rng.random() < 0.25:
            word = fold(word) if word.islower() else fold(word).upper()
        chars = []
        for ch in word:
            r = rng.random()
            if r < rate / 2:
                continue
            if r < rate:
                ch = _CONFUSIONS.get(ch, ch)
            chars.append(ch)
        out.append("".join(chars))
    return " ".join(out)


def labelled_first_pages(per_type: int, seed: int = 7) -> list[LabelledText]:
    """``per_type`` first pages of every type the generator prints, each with a roughened twin."""
    examples = []
    for doc_type in DOC_TYPES:
        for n in range(per_type):
            rng = random.Random(f"types-train:{seed}:{doc_type}:{n}")
            truth, _ = build_document(doc_type, rng, 72, make_person(seed * 10_000 + n),
                                      make_dossier(rng))
            examples.append((f"synth:{doc_type}:{n}", "\n".join(truth.page_lines[0]), doc_type))
            rough = "\n".join(roughen(line, rng) for line in truth.page_lines[0])
            examples.append((f"synth:{doc_type}:{n}:rough", rough, doc_type))
    return examples


def synthetic_examples(per_type: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """The same as (texts, labels), for a classifier trained directly (the benchmarks)."""
    examples = labelled_first_pages(per_type, seed)
    return [text for _, text, _ in examples], [label for _, _, label in examples]
