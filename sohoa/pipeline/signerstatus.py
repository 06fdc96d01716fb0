"""``sohoa status``'s signing line: who signs this desk's papers and whether it can sign now.

The same check a job makes before its first page (``DocumentSigner.check_ready``: the key
usable today, the certificate's revocation status fetched, the TSA answering), bounded by a
wall-clock wait so that a status screen never hangs on a server that accepts and says nothing.
An operator sees "PKI down" here before the desk's next ingest is refused for it."""

from __future__ import annotations

import threading
import time
from typing import Any

from sohoa.errors import SohoaError
from sohoa.pipeline.settings import Settings

# Longer than a refused connection takes, shorter than a TSA's own timeout: a status screen
# waits this long at most.
STATUS_WAIT_S = 8.0


def signing_readiness(settings: Settings, *, wait_s: float = STATUS_WAIT_S) -> dict[str, Any]:
    """``signer`` (the certificate's name; None when no key loads), ``level``, ``tsa`` (URL or
    None), ``ready`` (True / False / None: not known within ``wait_s``), ``problem`` (the
    reason, in Vietnamese) and ``seconds`` the check took."""
    from sohoa.pipeline.services import make_document_signer

    started = time.monotonic()
    result: dict[str, Any] = {"signer": None, "level": None, "tsa": None, "workflow":
                              settings.signing_workflow, "ready": False, "problem": None}
    try:
        signer = make_document_signer(settings)
    except SohoaError as exc:  # no key, a wrong password, no officer key at this desk
        result["problem"] = str(exc)
        result["seconds"] = round(time.monotonic() - started, 2)
        return result
    result.update(signer=signer.key.signer_name, level=signer.level,
                  tsa=signer.settings.tsa_url or None)
    outcome: list[BaseException | None] = []

    def check() -> None:
        try:
            signer.check_ready()
            outcome.append(None)
        except BaseException as exc:  # carried back to the caller's thread
            outcome.append(exc)

    worker = threading.Thread(target=check, name="sohoa-signer-status", daemon=True)
    worker.start()
    worker.join(wait_s)
    if not outcome:
        result.update(ready=None, problem=f"máy chủ ký số (OCSP/CRL, TSA) không trả lời sau "
                                          f"{wait_s:g} giây")
    elif outcome[0] is None:
        result["ready"] = True
    elif isinstance(outcome[0], SohoaError):
        result["problem"] = str(outcome[0])
    else:
        raise outcome[0]
    result["seconds"] = round(time.monotonic() - started, 2)
    return result
