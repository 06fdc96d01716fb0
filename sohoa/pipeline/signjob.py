"""``sohoa sign``: sign one PDF file with the configured agency key."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sohoa.errors import BadInputError, ConfigError, VerificationError
from sohoa.pipeline.codec import signature_to_json
from sohoa.pipeline.lookup import altered_refusal, altered_signatures
from sohoa.pipeline.services import make_signer
from sohoa.pipeline.settings import Settings


def sign_file(settings: Settings, source: Path, output: Path, *,
              level: str | None = None) -> dict[str, Any]:
    if level:
        settings = replace(settings, signing_level=level)
    # A file the user named that cannot be signed is a usage error (exit 2): `sign` puts
    # nothing in quarantine, so the quarantine's exit 3 would mislead.
    with open(source, "rb") as head:
        start = head.read(5)
    if not start:
        raise ConfigError(f"{source} là tệp rỗng (0 byte), không có gì để ký")
    if start != b"%PDF-":
        raise ConfigError(f"{source} không phải tệp PDF; sohoa chỉ ký tệp PDF")
    altered = altered_signatures(settings, source)
    if altered:
        raise VerificationError(altered_refusal(source, altered, "ký thêm vào đó"))
    # file to file: a 150 MB scan is signed without being held in memory
    try:
        summary = make_signer(settings).sign_file(source, output)
    except BadInputError as exc:  # damaged, encrypted, without a page
        raise ConfigError(f"không ký được {source}: {exc}") from exc
    result = signature_to_json(summary) or {}
    return {**result, "output": str(output)}
