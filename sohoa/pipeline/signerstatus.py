"""``sohoa status``'s signing line: who signs this desk's papers and whether it can sign now.

The same check a job makes before its first page (``DocumentSigner.check_ready``: the key
usable today, the certificate's revocation status fetched, the TSA answering), bounded by a
wall-clock wait so that a status screen never hangs on a server that accepts and says nothing.
An operator sees "PKI down" here before the desk's next ingest is refused for it.

For the CLI only: after the wait the check's thread is left to end on its own timeouts (a
process that exits does not mind; a long-lived server would pile such threads up). The answer is
kept in the home for ``CACHE_S``: a monitoring loop polling ``status --json`` must not make a
timestamp request (which a TSA may count or bill) or open the officer's token at every poll.
With a broker the queue's workers sign with their own keys: the desk's key is not checked."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from sohoa.errors import SohoaError
from sohoa.pipeline.settings import Settings

# Longer than a refused connection takes, shorter than a TSA's own timeout: a status screen
# waits this long at most.
STATUS_WAIT_S = 8.0
# How long an answer is reused; `status --check-signing` asks again at once.
CACHE_S = 300.0
CACHE_NAME = "signing-status.json"


def signing_readiness(settings: Settings, *, wait_s: float = STATUS_WAIT_S,
                      cache_s: float = CACHE_S) -> dict[str, Any]:
    """``signer`` (the certificate's name; None when no key loads), ``level``, ``tsa`` (URL or
    None), ``ready`` (True / False / None: not known — no answer within ``wait_s``, a fault in
    the check itself, or a broker's workers sign), ``problem`` (the reason, in Vietnamese),
    ``no_answer`` (True: the servers said nothing within the wait), ``broker`` (the workers
    sign, nothing was checked here), ``checked_at`` (Unix time of the
    check), ``cached`` (the answer kept from an earlier check, less than ``cache_s`` old;
    ``cache_s=0`` checks now) and ``seconds`` the check took."""
    if settings.broker:
        return {"signer": None, "level": None, "tsa": None, "workflow":
                settings.signing_workflow, "ready": None, "problem": None, "broker": True,
                "checked_at": None, "cached": False, "seconds": 0.0}
    path = Path(settings.home) / "cache" / CACHE_NAME
    key = hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()
    if cache_s > 0:
        kept = _read_cache(path, key, cache_s)
        if kept is not None:
            return {**kept, "cached": True}
    result = _check(settings, wait_s)
    _write_cache(path, key, result)
    return {**result, "cached": False}


def _check(settings: Settings, wait_s: float) -> dict[str, Any]:
    from sohoa.pipeline.services import make_document_signer

    started = time.monotonic()
    result: dict[str, Any] = {"signer": None, "level": None, "tsa": None, "workflow":
                              settings.signing_workflow, "ready": False, "problem": None,
                              "broker": False, "checked_at": time.time()}
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
        # Not "refused": ingest itself waits longer (OCSP/CRL 10 s, TSA 20 s) than this screen.
        result.update(ready=None, no_answer=True,
                      problem=f"máy chủ ký số (OCSP/CRL, TSA) chưa trả lời trong {wait_s:g} s")
    elif outcome[0] is None:
        result["ready"] = True
    elif isinstance(outcome[0], SohoaError):
        result["problem"] = str(outcome[0])
    else:  # a fault of the check itself (pyHanko, aiohttp): the diagnostic screen still shows
        exc = outcome[0]
        result.update(ready=None, problem=f"lỗi chương trình khi kiểm tra ký số: "
                                          f"{type(exc).__name__}: {exc}")
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _read_cache(path: Path, key: str, cache_s: float) -> dict[str, Any] | None:
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("key") != key:
        return None  # another configuration (a new key, TSA or level): check again
    result = kept.get("result")
    at = result.get("checked_at") if isinstance(result, dict) else None
    if not isinstance(at, int | float) or not 0 <= time.time() - at < cache_s:
        return None
    return result


def _write_cache(path: Path, key: str, result: dict[str, Any]) -> None:
    """Best effort: a home this user cannot write only loses the cache, not the status."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f".{path.name}.{os.getpid()}")
        part.write_text(json.dumps({"key": key, "result": result}, ensure_ascii=False),
                        encoding="utf-8")
        os.replace(part, path)
    except OSError:
        pass
