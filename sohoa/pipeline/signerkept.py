"""What ``sohoa status`` keeps of a signer check in the home (``cache/``): a "ready" answer for
a few minutes, and a token's refused login for as long as the configuration stays as it was
(review11b S7: a real token locks after a few wrong PINs, so no poll tries the same PIN twice).
Written by the status screen (``signerstatus``) and by any job whose signer could not log in
(``services.make_document_signer``), so both tell the same story."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from sohoa.pipeline.settings import Settings, desk_officer

CACHE_NAME = "signing-status.json"
REFUSED_NAME = "signing-login-refused.json"
# What the clerk is told besides the token's own refusal: why nothing retries, what to do.
NOT_RETRIED = ("sohoa không tự thử lại mã PIN này khi xem trạng thái (mỗi lần PIN sai đưa token "
               "gần hơn tới chỗ bị khóa): hãy sửa PIN trong tệp hoặc biến môi trường chứa PIN — "
               "sửa tệp PIN hoặc cấu hình thì lần xem trạng thái sau sẽ thử lại một lần — hoặc "
               "chạy `sohoa status --check-signing` để thử một lần sau khi đã sửa.")


def note_login_refused(settings: Settings, exc: BaseException,
                       officer: str | None = None) -> None:
    """A job's signer was refused the login (``TokenLoginRefused``): status must neither keep
    saying "ready" nor try that PIN again on its own. ``officer``: whose token (a queued job's
    officer), else the desk's."""
    forget(cache_path(settings))
    write(refused_path(settings, officer), login_key(settings), {
        "signer": None, "level": None, "tsa": None, "workflow": settings.signing_workflow,
        "ready": False, "problem": f"{exc} {NOT_RETRIED}", "broker": False,
        "checked_at": time.time(), "login_refused": True, "seconds": 0.0})


def cache_path(settings: Settings) -> Path:
    return Path(settings.home) / "cache" / CACHE_NAME


def cache_key(settings: Settings) -> str:
    return hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()


def refused_path(settings: Settings, officer: str | None = None) -> Path:
    """Where a refused login is kept: one file per officer (``officer``, else the desk's), so
    one officer's refusal is neither shown as another's nor cleared by another's success
    (review12b M1: Minh's good login let Lan's wrong PIN be tried again)."""
    who = (officer or desk_officer(settings)).strip()
    tag = hashlib.sha256(who.encode("utf-8")).hexdigest()[:16]
    return Path(settings.home) / "cache" / f"{REFUSED_NAME.removesuffix('.json')}-{tag}.json"


def login_key(settings: Settings) -> str:
    """The configuration a login was refused under: the settings, and each officer's PIN file
    as a file (inode, size, modification time) — a rewritten file may hold a corrected PIN.
    The PIN itself is neither read nor kept here (a digest of a 6-digit PIN gives it away)."""
    parts = [cache_key(settings)]
    for token in settings.officers:
        if token.pin_file is None:
            continue
        try:
            st = token.pin_file.stat()
            parts.append(f"{token.pin_file}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{token.pin_file}:-")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def read(path: Path, key: str, cache_s: float | None) -> dict[str, Any] | None:
    """The answer kept at ``path`` for ``key``, if younger than ``cache_s`` (None: any age)."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("key") != key:
        return None  # another configuration (a new key, TSA or level): check again
    result = kept.get("result")
    at = result.get("checked_at") if isinstance(result, dict) else None
    if not isinstance(at, int | float) or (
            cache_s is not None and not 0 <= time.time() - at < cache_s):
        return None
    return result


def forget(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def write(path: Path, key: str, result: dict[str, Any]) -> None:
    """Best effort: a home this user cannot write only loses the cache, not the status."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f".{path.name}.{os.getpid()}")
        part.write_text(json.dumps({"key": key, "result": result}, ensure_ascii=False),
                        encoding="utf-8")
        os.replace(part, path)
    except OSError:
        pass
