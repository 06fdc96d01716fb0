"""Training the classifier's learned fallback (``sohoa types train``).

Labelled examples come from two places:
- the catalog: documents whose type a reviewer confirmed or corrected (``sohoa review``), with
  the OCR text of their first page, which is what the classifier sees at ingest. Corrections
  are the most useful examples there are: they are the papers the titles got wrong;
- optionally generated first pages, handed in as (key, text, type) by whoever generated them
  (``sohoa types train --synthetic N`` takes them from ``sohoa.synth.typetexts``, roughened the
  way Tesseract roughens Vietnamese), so that a fresh home has a model before anyone reviewed
  anything. The product never imports the generator itself.

A fifth of the examples (chosen by a hash of their id, so the split is stable) is held out to
measure accuracy; the saved model is then trained on all of them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sohoa.archive import review as review_rows
from sohoa.errors import ConfigError
from sohoa.ocr.classify import NgramModel
from sohoa.pipeline.analysis import PAGE_STAGE
from sohoa.pipeline.services import open_archive, type_model_path
from sohoa.pipeline.settings import Settings

HOLDOUT = 0.2


@dataclass(frozen=True)
class Example:
    key: str  # stable id: "doc:<document id>", or the generator's key ("synth:<type>:<n>")
    text: str
    label: str
    source: str  # "catalog" | "synthetic"


def catalog_examples(settings: Settings) -> list[Example]:
    """Reviewed documents: the type a person confirmed or set, with the first page's OCR."""
    with open_archive(settings) as archive:
        confirmed: dict[str, str] = {}
        for ev in review_rows.events(archive, actions=("correct", "confirm")):
            if ev["field"] == "doc_type" and ev["new_value"]:
                confirmed[ev["document_id"]] = ev["new_value"]
        examples = []
        for document_id, label in sorted(confirmed.items()):
            text = _first_page_text(archive, document_id)
            if text.strip():
                examples.append(Example(f"doc:{document_id}", text, label, "catalog"))
    return examples


def _first_page_text(archive: Any, document_id: str) -> str:
    shas = review_rows.page_shas(archive, document_id)
    if shas:
        cached = archive.cache_get(PAGE_STAGE, shas[0])
        if cached is not None:
            return str(cached["ocr"]["text"])
    doc = archive.get_document(document_id)
    return str(doc.get("text") or "").split("\n\n")[0]


def _held_out(key: str) -> bool:
    digest = hashlib.sha256(f"holdout:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < HOLDOUT


def train_types(settings: Settings, *, generated: Sequence[tuple[str, str, str]] = (),
                output: Path | None = None) -> dict[str, Any]:
    """Train, measure on the held-out fifth, retrain on everything, save; return a report.
    ``generated``: (key, text, type) of generated first pages, a roughened twin's key ending
    in ":rough", to train on besides the reviewed documents."""
    examples = catalog_examples(settings)
    examples += [Example(key, text, label, "synthetic") for key, text, label in generated]
    labels = Counter(e.label for e in examples)
    if len(labels) < 2:
        raise ConfigError(
            f"chưa đủ mẫu đã gán loại để huấn luyện ({len(examples)} mẫu, {len(labels)} "
            "loại giấy tờ; cần ít nhất 2 loại): hãy rà soát giấy tờ trước (`sohoa review`), "
            "hoặc thêm mẫu sinh tự động bằng --synthetic 20")
    # Roughened twins go with their clean original, so a held-out text never has its twin
    # in the training part.
    held = [e for e in examples if _held_out(e.key.removesuffix(":rough"))]
    train = [e for e in examples if not _held_out(e.key.removesuffix(":rough"))]
    accuracy: dict[str, Any] = {"examples": len(held), "right": 0, "accuracy": None,
                                "by_type": {}}
    if held and len({e.label for e in train}) >= 2:
        probe = NgramModel.train([e.text for e in train], [e.label for e in train])
        per: dict[str, list[int]] = {}
        for e in held:
            got, _ = probe.predict(e.text)
            cell = per.setdefault(e.label, [0, 0])
            cell[0] += int(got == e.label)
            cell[1] += 1
        right = sum(c[0] for c in per.values())
        accuracy.update(right=right, accuracy=round(right / len(held), 4),
                        by_type={k: {"right": v[0], "examples": v[1]}
                                 for k, v in sorted(per.items())})
    model = NgramModel.train([e.text for e in examples], [e.label for e in examples])
    path = output or type_model_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    model.save(partial)
    partial.replace(path)  # a running ingest never reads a half-written model
    counts: dict[str, dict[str, int]] = {}
    for e in examples:
        cell = counts.setdefault(e.label, {"catalog": 0, "synthetic": 0})
        cell[e.source] += 1
    return {"model": str(path), "examples": len(examples),
            "catalog": sum(1 for e in examples if e.source == "catalog"),
            "synthetic": sum(1 for e in examples if e.source == "synthetic"),
            "types": dict(sorted(counts.items())), "held_out": accuracy}
