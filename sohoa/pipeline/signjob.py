"""``sohoa sign``: sign one PDF file with the configured agency key."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sohoa.errors import BadInputError
from sohoa.pipeline.codec import signature_to_json
from sohoa.pipeline.services import make_signer
from sohoa.pipeline.settings import Settings


def sign_file(settings: Settings, source: Path, output: Path, *,
              level: str | None = None) -> dict[str, Any]:
    if level:
        settings = replace(settings, signing_level=level)
    with open(source, "rb") as head:
        if not head.read(5) == b"%PDF-":
            raise BadInputError(f"{source} không phải tệp PDF")
    # file to file: a 150 MB scan is signed without being held in memory
    summary = make_signer(settings).sign_file(source, output)
    result = signature_to_json(summary) or {}
    return {**result, "output": str(output)}
