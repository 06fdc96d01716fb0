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
    data = source.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise BadInputError(f"{source} is not a PDF file")
    signed, summary = make_signer(settings).sign(data)
    tmp = output.with_name(output.name + ".part")
    tmp.write_bytes(signed)
    tmp.replace(output)
    result = signature_to_json(summary) or {}
    return {**result, "output": str(output)}
