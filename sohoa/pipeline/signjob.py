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
from sohoa.scanners.pdfpages import is_scan


def sign_file(settings: Settings, source: Path, output: Path, *,
              level: str | None = None, copy: bool = False,
              original: bool = False) -> dict[str, Any]:
    """Sign ``source`` into ``output`` with the agency's key. An original by default: the
    stamp names the agency and the time. ``copy``: the NĐ 30/2020 copy form, "SAO Y" — a claim
    that the file was copied from a paper original, made only when the person says so
    (tester13 F14: an issued result stamped "SAO Y" reads as a copy of itself).

    A scan (page 1 a picture of a paper, ``pdfpages.is_scan``) is most often a copy of a paper,
    and the original's stamp on it would claim the agency issued the file as it is: it is
    signed only when the person says which it is, ``copy`` or ``original`` (the agency's own
    issue, scanned) — review14a S4."""
    if copy and original:
        raise ConfigError("chọn một trong hai: --sao-y (bản sao điện tử từ bản giấy) hoặc "
                          "--original (văn bản gốc điện tử của cơ quan), không cả hai")
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
    if not (copy or original) and is_scan(source):
        raise ConfigError(
            f"{source} là ảnh quét (trang 1 là ảnh chụp một tờ giấy): hãy nói rõ đây là "
            "gì — thêm --sao-y nếu là bản sao điện tử từ bản giấy (dấu ký có chữ \"SAO Y\"), "
            "hoặc --original nếu là văn bản gốc điện tử do chính cơ quan ban hành. Không có "
            "lựa chọn nào, sohoa không ký: dấu của bản gốc trên bản quét một tờ giấy là khẳng "
            "định sai")
    # file to file: a 150 MB scan is signed without being held in memory
    try:
        summary = make_signer(settings, original=not copy).sign_file(source, output,
                                                                     header_at=start)
    except BadInputError as exc:  # damaged, encrypted, without a page
        raise ConfigError(f"không ký được {source}: {exc}") from exc
    result = signature_to_json(summary) or {}
    return {**result, "output": str(output), "copy": copy}
