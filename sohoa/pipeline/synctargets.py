"""Where outgoing events go: the ``[[sync.targets]]`` of ``sohoa.toml`` (or one target from
``SOHOA_SYNC_URL`` / ``SOHOA_SYNC_SECRET``) and the sender's timing settings.

```toml
[sync]
backoff_s = 2.0          # first retry after about this long, doubling (with jitter)
max_backoff_s = 600.0    # … up to this
lease_s = 60.0           # a sender that dies holds its events this long at most

[[sync.targets]]
name = "mot-cua"                              # the province's one-stop system
url = "https://motcua.dongnai.gov.vn/sohoa/events"
secret = "…"                                  # HMAC key of X-Sohoa-Signature (or secret_file)
events = ["document.stored", "dossier.status_changed", "result.issued"]   # default: all
# (dossier.status_changed brings dossier.status_corrected with it: a correction changes a
#  status the target received)
timeout_s = 10.0

[[sync.targets]]
name = "lgsp"
url = "https://lgsp.dongnai.gov.vn/sohoa"
client_cert = "/etc/sohoa/lgsp-client.pem"     # mutual TLS: certificate (+ client_key)
client_key = "/etc/sohoa/lgsp-client.key"
ca_file = "/etc/sohoa/lgsp-ca.pem"             # the receiver's CA, if not a public one
```
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sohoa.archive.outbox import EVENT_TYPES
from sohoa.errors import ConfigError, os_said

if TYPE_CHECKING:
    from sohoa.pipeline.settings import Settings

TARGET_KEYS = {"name", "url", "secret", "secret_file", "client_cert", "client_key", "ca_file",
               "events", "timeout_s", "portal", "citizen_store"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class SyncTarget:
    name: str
    url: str
    secret: str = field(default="", repr=False)
    client_cert: str = ""
    client_key: str = ""
    ca_file: str = ""
    events: tuple[str, ...] = ()  # empty: every event type
    timeout_s: float = 10.0
    portal: bool = False  # its deliveries are the KPI report's "synchronized to the portal"
    citizen_store: bool = False  # a result delivered here reached the owner's data store

    def takes(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


@dataclass(frozen=True)
class SyncOptions:
    backoff_s: float = 2.0
    max_backoff_s: float = 600.0
    lease_s: float = 60.0
    batch: int = 50
    poll_s: float = 2.0
    ingest_budget_s: float = 10.0


def parse_targets(raw: object, url: str, secret: str, source: str) -> tuple[SyncTarget, ...]:
    """The configured targets; ConfigError naming the key at fault."""
    targets: list[SyncTarget] = []
    if raw:
        if not isinstance(raw, Sequence) or isinstance(raw, str) or not all(
                isinstance(t, Mapping) for t in raw):
            raise ConfigError(f"{source}: sync.targets phải là các bảng [[sync.targets]] "
                              "(name, url, secret …)")
        for i, table in enumerate(raw):
            targets.append(_target(table, f"{source}: [[sync.targets]] thứ {i + 1}"))
    if url.strip():
        targets.append(_target({"name": "default", "url": url.strip(), "secret": secret,
                                "portal": True}, "SOHOA_SYNC_URL"))
    names = [t.name for t in targets]
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        raise ConfigError(f"{source}: tên đích đồng bộ bị trùng: {', '.join(doubled)}")
    return tuple(targets)


def _target(table: Mapping[str, object], where: str) -> SyncTarget:
    unknown = sorted(set(table) - TARGET_KEYS)
    if unknown:
        raise ConfigError(f"{where}: khóa không biết {', '.join(unknown)}; "
                          f"dùng: {', '.join(sorted(TARGET_KEYS))}")
    name = str(table.get("name", "")).strip()
    if not _NAME.match(name):
        raise ConfigError(f"{where}: name = {name!r} phải có 1–64 ký tự chữ, số, '.', '_' "
                          "hoặc '-'")
    url = str(table.get("url", "")).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: url = {url!r} phải là địa chỉ http(s)://máy/đường-dẫn")
    secret = str(table.get("secret", "") or "")
    secret_file = str(table.get("secret_file", "") or "")
    if secret_file:
        try:
            secret = Path(secret_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{where}: không đọc được secret_file {secret_file}: "
                              f"{os_said(exc)}") from exc
    cert = str(table.get("client_cert", "") or "")
    key = str(table.get("client_key", "") or "")
    ca = str(table.get("ca_file", "") or "")
    for label, path in (("client_cert", cert), ("client_key", key), ("ca_file", ca)):
        if path and not os.path.isfile(path):
            raise ConfigError(f"{where}: {label} = {path!r}: không có tệp này")
    if cert and parts.scheme != "https":
        raise ConfigError(f"{where}: chứng thư máy khách (client_cert) chỉ dùng được với https")
    if not secret and not cert:
        # An unsigned, unauthenticated stream of personal data is never what anyone meant.
        raise ConfigError(f"{where}: cần secret (ký HMAC X-Sohoa-Signature) hoặc client_cert "
                          "(TLS hai chiều)")
    events = table.get("events", [])
    if isinstance(events, str):
        events = [events]
    if not isinstance(events, Sequence):
        raise ConfigError(f"{where}: events phải là danh sách loại sự kiện")
    bad = [e for e in events if e not in EVENT_TYPES]
    if bad:
        raise ConfigError(f"{where}: loại sự kiện không biết {', '.join(map(str, bad))}; "
                          f"có: {', '.join(EVENT_TYPES)}")
    try:
        timeout = float(table.get("timeout_s", 10.0))  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: timeout_s phải là số giây") from exc
    if not 0 < timeout <= 600:
        raise ConfigError(f"{where}: timeout_s = {timeout} phải trong khoảng (0, 600] giây")
    flags = {}
    for flag in ("portal", "citizen_store"):
        value = table.get(flag, False)
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {flag} phải là true hoặc false")
        flags[flag] = value
    return SyncTarget(name=name, url=url, secret=secret, client_cert=cert, client_key=key,
                      ca_file=ca, events=_with_corrections(events), timeout_s=timeout,
                      **flags)


def portal_target(targets: Sequence[SyncTarget]) -> SyncTarget | None:
    """The target whose deliveries count as "synchronized to the national portal": the one
    marked ``portal = true``, else the only (or first) one."""
    return next((t for t in targets if t.portal), targets[0] if targets else None)


def parse_options(values: Mapping[str, object], source: str) -> SyncOptions:
    def number(key: str, low: float) -> float:
        try:
            value = float(values[key])  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{source}: {key} phải là số") from exc
        if value < low:
            raise ConfigError(f"{source}: {key} = {value} phải ≥ {low}")
        return value

    options = SyncOptions(
        backoff_s=number("sync.backoff_s", 0.001), max_backoff_s=number("sync.max_backoff_s",
                                                                         0.001),
        lease_s=number("sync.lease_s", 0.5), batch=int(number("sync.batch", 1)),
        poll_s=number("sync.poll_s", 0.01), ingest_budget_s=number("sync.ingest_budget_s", 0))
    if options.max_backoff_s < options.backoff_s:
        raise ConfigError(f"{source}: sync.max_backoff_s phải ≥ sync.backoff_s")
    return options


def sync_config(settings: Settings) -> tuple[tuple[SyncTarget, ...], SyncOptions]:
    """The targets and timing of ``settings`` (read here, not in ``load_settings``, so that
    commands that never send anything do not import the archive's event names)."""
    raw = settings.raw
    source = str(settings.config_file or "cấu hình")
    targets = parse_targets(raw.get("sync.targets"), str(raw.get("sync.url", "") or ""),
                            str(raw.get("sync.secret", "") or ""), source)
    options = parse_options(raw, source)
    for t in targets:
        # A sender posts only while its lease has a full timeout left (else another sender
        # could take the event over mid-post): a lease shorter than that would never post.
        if options.lease_s < 2 * t.timeout_s:
            raise ConfigError(f"{source}: sync.lease_s = {options.lease_s:g} phải ít nhất gấp "
                              f"đôi timeout_s = {t.timeout_s:g} của đích {t.name}")
    return targets, options


# A listed event type brings the types that change what it delivered: a target taking the
# status moves would otherwise keep a mistyped `returned` moment that sohoa's KPIs no longer
# use, silently (review11b S3).
_AMENDED_BY = {"dossier.status_changed": ("dossier.status_corrected",)}


def _with_corrections(events: Sequence[object]) -> tuple[str, ...]:
    listed = [str(e) for e in events]
    for kind in list(listed):
        listed += [a for a in _AMENDED_BY.get(kind, ()) if a not in listed]
    return tuple(listed)
