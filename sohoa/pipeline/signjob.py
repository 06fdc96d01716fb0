"""``sohoa sign``: sign one PDF file with the configured agency key."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from sohoa.errors import BadInputError, ConfigError, VerificationError
from sohoa.pipeline.codec import signature_to_json
from sohoa.pipeline.lookup import (
    PDF_HEAD_BYTES,
    altered_refusal,
    altered_signatures,
    pdf_header_at,
)
from sohoa.pipeline.services import make_signer
from sohoa.pipeline.settings import Settings


def sign_file(settings: Settings, source: Path, output: Path, *,
              level: str | None = None, copy: bool = False) -> dict[str, Any]:
    """Sign ``source`` into ``output`` with the agency's key. An original by default: the
    stamp names the agency and the time. ``copy``: the NĐ 30/2020 copy form, "SAO Y" — a claim
    that the file was copied from a paper original, made only when the person says so
    (tester13 F14: an issued result stamped "SAO Y" reads as a copy of itself)."""
    if level:
        settings = replace(settings, signing_level=level)
    # A file the user named that cannot be signed is a usage error (exit 2): `sign` puts
    # nothing in quarantine, so the quarantine's exit 3 would mislead.
    with open(source, "rb") as head:
        first = head.read(PDF_HEAD_BYTES)
    if not first:
        raise ConfigError(f"{source} là tệp rỗng (0 byte), không có gì để ký")
    # the one header test of verify and sign: a file verify takes as a PDF is signed too,
    # from its header on (the whitespace before it is no part of the PDF)
    start = pdf_header_at(first)
    if start is None:
        raise ConfigError(f"{source} không phải tệp PDF; sohoa chỉ ký tệp PDF")
    altered = altered_signatures(settings, source)
    if altered:
        raise VerificationError(altered_refusal(source, altered, "ký thêm vào đó"))
    # file to file: a 150 MB scan is signed without being held in memory
    try:
        summary = make_signer(settings, original=not copy).sign_file(source, output,
                                                                     header_at=start)
    except BadInputError as exc:  # damaged, encrypted, without a page
        raise ConfigError(f"không ký được {source}: {exc}") from exc
    result = signature_to_json(summary) or {}
    return {**result, "output": str(output), "copy": copy}
