"""What one page's analysis is: the record the page stage caches under the page's SHA-256.

Records only (no stage logic), so that ``assemble`` (pure functions over analysed pages) and
``stages`` (which calls ``assemble``) can both use them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sohoa.pipeline.codec import ocr_from_json, ocr_to_json
from sohoa.records import OcrPage

# Bump when the analysis changes in a way that makes cached results stale.
PAGE_STAGE = "page-analysis/8"


@dataclass(frozen=True)
class PageAnalysis:
    """Everything learned from one page image on its own, before dossiers and documents."""

    page_sha256: str
    blank: bool
    code: str | None  # dossier code read from a QR / Code 128 symbol
    ocr: OcrPage
    # why the page cannot join a document (all black, a single colour: a mis-scan), else None;
    # such a page goes to quarantine with this reason instead of into a document
    refused: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"page_sha256": self.page_sha256, "blank": self.blank, "code": self.code,
                "ocr": ocr_to_json(self.ocr), "refused": self.refused}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageAnalysis:
        return cls(page_sha256=data["page_sha256"], blank=data["blank"], code=data["code"],
                   ocr=ocr_from_json(data["ocr"]), refused=data.get("refused"))


@dataclass(frozen=True)
class AnalyzeOptions:
    lang: str
    timeout_s: float
    code_pattern: str
