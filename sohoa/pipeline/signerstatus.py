"""``sohoa status``'s signing line: who signs this desk's papers and whether it can sign now.

The same check a job makes before its first page (``DocumentSigner.check_ready``: the key
usable today, the certificate's revocation status fetched, the TSA answering), bounded by a
wall-clock wait so that a status screen never hangs on a server that accepts and says nothing.
An operator sees "PKI down" here before the desk's next ingest is refused for it.

For the CLI only: after the wait the check's thread is left to end on its own timeouts (a
process that exits does not mind; a long-lived server would pile such threads up). A "ready"
answer is kept in the home for ``CACHE_S``: a monitoring loop polling ``status --json`` must not
make a timestamp request (which a TSA may count or bill) or open the officer's token at every
poll. It is trusted only while a TCP connection to each TSA/OCSP/CRL host still opens (no request
sent, sub-second): a PKI that went down since is checked again at once (tester11 F1). A failure
is never kept: the next status asks again, so starting ``sohoa dev-pki serve`` shows at once.
Every job's own check (ingest, scan, watch, certify, export…) goes through
``check_signer_ready``, which keeps its "ready" or clears the kept answer when it fails, so the
operator's screen never contradicts the refusal the desk just got (tester11 F13).
With a broker the queue's workers sign with their own keys: the desk's key is not checked.

A token that refused the login (a wrong PIN, or already locked) is the one failure that IS kept,
and for as long as the configuration stays as it was: a real token locks after a few wrong
PINs, so a monitoring loop polling ``status`` must never try the same PIN again and again
(review11b S7). The refusal is keyed by the settings and by each officer's PIN file as a file
(inode, size, modification time; its content is neither read here nor kept): correcting the
file, or the configuration, lets the next status try once; so does ``status --check-signing``,
a person's deliberate single try (a PIN given in an environment variable cannot be told apart
without keeping something derived from it), and a job that logged in since."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sohoa.errors import SohoaError, TokenLoginRefused
from sohoa.pipeline.settings import Settings
from sohoa.pipeline.signerkept import CACHE_NAME, NOT_RETRIED
from sohoa.pipeline.signerkept import cache_key as _cache_key
from sohoa.pipeline.signerkept import cache_path as _cache_path
from sohoa.pipeline.signerkept import forget as _forget
from sohoa.pipeline.signerkept import login_key as _login_key
from sohoa.pipeline.signerkept import read as _read_cache
from sohoa.pipeline.signerkept import refused_path as _refused_path
from sohoa.pipeline.signerkept import write as _write_cache
from sohoa.vntext import shown_number

if TYPE_CHECKING:
    from sohoa.signing import DocumentSigner

# Longer than a refused connection takes, shorter than a TSA's own timeout: a status screen
# waits this long at most.
STATUS_WAIT_S = 8.0
# How long an answer is reused; `status --check-signing` asks again at once.
CACHE_S = 300.0
_SIGNING_KEY = re.compile(r"^(signing\.[a-z0-9_]+)\b")
# A kept "ready" is trusted only if each PKI host still accepts a connection within this.
PROBE_S = 0.5
__all__ = ["CACHE_NAME", "CACHE_S", "check_signer_ready", "config_problem",
           "load_sparing_signing", "readiness_check", "signing_readiness"]


def signing_readiness(settings: Settings, *, wait_s: float = STATUS_WAIT_S,
                      cache_s: float = CACHE_S) -> dict[str, Any]:
    """``signer`` (the certificate's name; None when no key loads), ``level``, ``tsa`` (URL or
    None), ``ready`` (True / False / None: not known — no answer within ``wait_s``, a fault in
    the check itself, or a broker's workers sign), ``problem`` (the reason, in Vietnamese),
    ``no_answer`` (True: the servers said nothing within the wait), ``broker`` (the workers
    sign, nothing was checked here), ``checked_at`` (ISO 8601 moment of the
    check), ``cached`` (the answer kept from an earlier check, less than ``cache_s`` old;
    ``cache_s=0`` checks now) and ``seconds`` the check took."""
    if settings.broker:
        return {"signer": None, "level": None, "tsa": None, "workflow":
                settings.signing_workflow, "ready": None, "problem": None, "broker": True,
                "checked_at": None, "cached": False, "seconds": 0.0}
    path = _cache_path(settings)
    key = _cache_key(settings)
    refused_path, login_key = _refused_path(settings), _login_key(settings)
    if cache_s > 0:
        refused = _read_cache(refused_path, login_key, None)
        if refused is not None:  # the same PIN is never tried again by a poll
            return _public({**refused, "cached": True})
        kept = _read_cache(path, key, cache_s)
        if kept is not None and kept.get("ready") is True and _reachable(kept.get("hosts")):
            return _public({**kept, "cached": True})
    result = _check(settings, wait_s)
    if result["ready"] is True:
        _write_cache(path, key, result)
    else:  # never kept: the next look asks again (a PKI started meanwhile shows at once)
        _forget(path)
    if result.get("login_refused"):
        _write_cache(refused_path, login_key, result)
    elif result["signer"] is not None:  # the key loaded: whatever login it needed succeeded
        _forget(refused_path)
    return _public({**result, "cached": False})


def load_sparing_signing(home: Path | None, config_file: Path | None
                         ) -> tuple[Settings, str | None]:
    """The settings for ``sohoa status``: a bad signing setting (``SOHOA_SIGNING_LEVEL=B-XYZ``)
    is the signing line's problem, returned beside the settings read with that one setting at
    its default, so the operator's diagnostic screen still shows every other line (tester11
    F21), as it does for a missing key. Any other configuration error is raised."""
    from sohoa.errors import ConfigError
    from sohoa.pipeline.settings import DEFAULTS, _env_name, load_settings

    environ = dict(os.environ)
    problem: str | None = None
    for _ in range(4):  # each bad signing setting in turn (there are a few)
        try:
            return load_settings(home=home, config_file=config_file, environ=environ), problem
        except ConfigError as exc:
            match = _SIGNING_KEY.match(str(exc))
            if match is None or match.group(1) not in DEFAULTS:
                raise
            problem = problem or str(exc)
            environ[_env_name(match.group(1))] = str(DEFAULTS[match.group(1)])
    return load_settings(home=home, config_file=config_file, environ=environ), problem


def config_problem(settings: Settings, problem: str) -> dict[str, Any]:
    """The signing line for a signing setting that cannot be used: nothing signs."""
    return {"signer": None, "level": None, "tsa": None, "workflow": settings.signing_workflow,
            "ready": False, "problem": problem, "broker": False, "config_error": True,
            "checked_at": None, "cached": False, "seconds": 0.0}


def check_signer_ready(settings: Settings, signer: DocumentSigner, *,
                       desk: bool = True) -> None:
    """``signer.check_ready()`` for a job (ingest, scan, watch, certify, export…), its answer
    kept for ``sohoa status``: a failure clears the kept answer (whatever key failed: the PKI
    is the desk's too), a success is kept when ``signer`` is the one status checks (``desk``:
    the digitized papers' signer, ``make_document_signer``)."""
    path = _cache_path(settings)
    if desk:  # the desk's signer exists: its token accepted the login. The agency key's
        # check (export, certify, disposal…) says nothing of the officer's PIN (review12 M1)
        _forget(_refused_path(settings))
    started = time.monotonic()
    try:
        signer.check_ready()
    except BaseException:
        _forget(path)
        raise
    if desk and not settings.broker:
        _write_cache(path, _cache_key(settings), {
            "signer": signer.key.signer_name, "level": signer.level,
            "tsa": signer.settings.tsa_url or None, "workflow": settings.signing_workflow,
            "ready": True, "problem": None, "broker": False, "checked_at": time.time(),
            "hosts": _hosts(signer), "seconds": round(time.monotonic() - started, 2)})


def readiness_check(settings: Settings, signer: DocumentSigner) -> Callable[[], None]:
    """``check_signer_ready`` for ``signer`` as a callable (ingest's ``before_work``)."""
    return lambda: check_signer_ready(settings, signer)


def _public(result: dict[str, Any]) -> dict[str, Any]:
    """The answer as shown: its moment in ISO 8601 like every other JSON moment (F22), the
    probe's host list left out."""
    shown = {k: v for k, v in result.items() if k != "hosts"}
    at = shown.get("checked_at")
    if isinstance(at, int | float):
        shown["checked_at"] = datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")
    return shown


def _hosts(signer: DocumentSigner) -> list[list[Any]]:
    """The TSA's and the certificate's OCSP/CRL hosts (host, port), for the kept answer's probe.
    Best effort: a certificate that names none leaves only the TSA."""
    urls = [signer.settings.tsa_url or ""]
    if signer.level != "B-B":
        try:
            cert = signer.key.asn1_chain()[0]
            urls += list(cert.ocsp_urls)
            urls += [point.url for point in cert.crl_distribution_points
                     if isinstance(point.url, str)]
        except Exception:  # an odd extension costs the probe, not the check
            pass
    hosts: list[list[Any]] = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            continue
        if [parts.hostname, port] not in hosts:
            hosts.append([parts.hostname, port])
    return hosts


def _reachable(hosts: object) -> bool:
    """Whether each host still accepts a TCP connection (no request sent): a kept "ready"
    outlives no PKI that went down."""
    if not isinstance(hosts, list):
        return False
    for host in hosts:
        try:
            with socket.create_connection((str(host[0]), int(host[1])), timeout=PROBE_S):
                pass
        except (OSError, ValueError, IndexError, TypeError):
            return False
    return True


def _check(settings: Settings, wait_s: float) -> dict[str, Any]:
    from sohoa.pipeline.services import make_document_signer

    started = time.monotonic()
    result: dict[str, Any] = {"signer": None, "level": None, "tsa": None, "workflow":
                              settings.signing_workflow, "ready": False, "problem": None,
                              "broker": False, "checked_at": time.time()}
    try:
        signer = make_document_signer(settings)
    except TokenLoginRefused as exc:  # kept: never retried with the same PIN by a poll
        result.update(problem=f"{exc} {NOT_RETRIED}", login_refused=True)
        result["seconds"] = round(time.monotonic() - started, 2)
        return result
    except SohoaError as exc:  # no key, a wrong password, no officer key at this desk
        result["problem"] = str(exc)
        result["seconds"] = round(time.monotonic() - started, 2)
        return result
    result.update(signer=signer.key.signer_name, level=signer.level,
                  tsa=signer.settings.tsa_url or None, hosts=_hosts(signer))
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
                      problem="máy chủ ký số (OCSP/CRL, TSA) chưa trả lời trong "
                      f"{shown_number(wait_s, 2, trim=True)} giây")
    elif outcome[0] is None:
        result["ready"] = True
    elif isinstance(outcome[0], SohoaError):
        # the signer's advice is a job's ("… rồi ký lại"): nothing was signed on this screen
        result["problem"] = str(outcome[0]).replace(" rồi ký lại;", ";")
    else:  # a fault of the check itself (pyHanko, aiohttp): the diagnostic screen still shows
        exc = outcome[0]
        result.update(ready=None, problem=f"lỗi chương trình khi kiểm tra ký số: "
                                          f"{type(exc).__name__}: {exc}")
    result["seconds"] = round(time.monotonic() - started, 2)
    return result
