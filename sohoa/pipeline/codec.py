"""JSON forms of the records that the pipeline caches or prints (stage cache, ``--json``)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sohoa.records import InkMark, OcrPage, SignatureSummary, Word


def ocr_to_json(page: OcrPage) -> dict[str, Any]:
    data = asdict(page)
    # Words as compact rows: the cache holds thousands of them per batch.
    data["words"] = [
        [w.text, w.left, w.top, w.width, w.height, w.confidence, w.block, w.line]
        for w in page.words
    ]
    return data


def ocr_from_json(data: dict[str, Any]) -> OcrPage:
    words = tuple(Word(*row) for row in data["words"])
    marks = tuple(InkMark(**mark) for mark in data.get("marks", ()))
    renamed = tuple((read, written) for read, written in data.get("renamed", ()))
    retitled = tuple((read, written) for read, written in data.get("retitled", ()))
    unsure_ids = tuple((number, readings) for number, readings in data.get("unsure_ids", ()))
    unsure_signer = tuple(data.get("unsure_signer", ()))
    return OcrPage(**{**data, "words": words, "marks": marks, "renamed": renamed,
                      "retitled": retitled, "unsure_ids": unsure_ids,
                      "unsure_signer": unsure_signer})


def signature_to_json(sig: SignatureSummary | None) -> dict[str, Any] | None:
    if sig is None:
        return None
    return {
        "level": sig.level,
        "signer": sig.signer,
        "signed_at": sig.signed_at.isoformat(),
        "certificate_sha256": sig.certificate_sha256,
        "kind": sig.kind,
    }


def jsonable(value: Any) -> Any:
    """Make dates, datetimes, tuples and nested mappings JSON-serializable."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
