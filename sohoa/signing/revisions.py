"""Signatures across the revisions of a PDF: which ones an incremental update took away.

No validator flags a removed signature: a later revision can simply drop the field, or empty its
value, and what remains verifies. Comparing the filled signature fields of every earlier revision
with the final one catches that.
"""

from __future__ import annotations

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields


def _filled(handler: object) -> dict[str, bytes]:
    """Field name → signature /Contents of every filled signature field."""
    found: dict[str, bytes] = {}
    for name, value, _ in enumerate_sig_fields(handler, filled_status=True):  # type: ignore[arg-type]
        sig = value.get_object()
        contents = sig.get("/Contents")
        found[name] = bytes(contents) if contents is not None else b""
    return found


def removed_signatures(reader: PdfFileReader) -> list[str]:
    """Problems for signatures present in an earlier revision and gone (or replaced) later."""
    problems: list[str] = []
    total = reader.xrefs.total_revisions
    if total <= 1:
        return problems
    final = _filled(reader)
    reported: set[str] = set()
    for revision in range(total - 1):
        try:
            earlier = _filled(reader.get_historical_resolver(revision))
        except (PdfError, KeyError, ValueError):
            # An unreadable early revision is not evidence of removal; the integrity check of
            # the signatures that cover it reports damage.
            continue
        for name, contents in earlier.items():
            if name in reported:
                continue
            if name not in final:
                problems.append(
                    f"chữ ký bị gỡ: ô chữ ký {name!r} đã ký ở phiên bản {revision + 1} "
                    "không còn trong tệp hiện tại"
                )
                reported.add(name)
            elif final[name] != contents:
                problems.append(
                    f"chữ ký bị thay: ô chữ ký {name!r} mang chữ ký khác với ở phiên bản "
                    f"{revision + 1}"
                )
                reported.add(name)
    return problems
