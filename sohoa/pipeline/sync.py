"""Delivering the outbox: each event an HTTP POST of its JSON body to every target that takes
it, until the target says it has it.

The contract with a receiver (docs/sync.md, ``sohoa/api/sync_contract.py``):
- headers ``Idempotency-Key`` (the event's id, the same on every attempt), ``X-Sohoa-Event``
  (its type) and, when the target has a secret, ``X-Sohoa-Signature: sha256=<hex HMAC-SHA256
  of the body with the secret>``; a client certificate when the target has one (mutual TLS);
- 2xx: delivered. 4xx other than 408 and 429: refused for good (a dead letter; the answer is
  kept for ``sohoa sync status``, ``sohoa sync retry`` sends it again). Anything else — 408,
  429, 5xx, a timeout, a reset or refused connection — is retried after an exponential backoff
  with jitter, or after the receiver's ``Retry-After`` if that is longer;
- the events of one dossier arrive in the order they happened: the next one is sent only once
  the previous one was delivered.

Where it runs: ``sohoa sync run`` (a loop; ``--once`` drains what is due and stops), at the end
of every in-process ingest (for at most ``sync.ingest_budget_s``), and in a thread of every
``sohoa worker`` process. Any number of them may run at once against one catalog: deliveries
are leased in the catalog (``sohoa.archive.deliveries``), so no two senders post one event at
the same time, and one killed mid-way loses its lease after ``sync.lease_s``.
"""

from __future__ import annotations

import email.utils
import hashlib
import hmac
import http.client
import logging
import math
import os
import random
import signal
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sohoa import __version__
from sohoa.archive import Archive
from sohoa.archive import deliveries as rows
from sohoa.archive.deliveries import Claimed, Outcome, TargetTypes
from sohoa.clock import shown_date
from sohoa.errors import ConfigError
from sohoa.pipeline.settings import Settings
from sohoa.pipeline.synctargets import SyncOptions, SyncTarget, portal_target, sync_config
from sohoa.vntext import shown_number

log = logging.getLogger("sohoa.sync")

RETRY_AFTER_CAP_S = 24 * 3600.0  # a Retry-After beyond a day is taken as a day


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: float | None
    text: str


def signature(secret: str, body: bytes) -> str:
    """The ``X-Sohoa-Signature`` value of ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = when.timestamp() - (time.time() if now is None else now)
    return min(max(delta, 0.0), RETRY_AFTER_CAP_S)


class Poster:
    """One target's connection (kept alive between events, opened again after a failure)."""

    def __init__(self, target: SyncTarget) -> None:
        self.target = target
        parts = urlsplit(target.url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._conn: http.client.HTTPConnection | None = None
        self._context: ssl.SSLContext | None = None
        if self._https:
            ctx = ssl.create_default_context(cafile=target.ca_file or None)
            if target.client_cert:
                ctx.load_cert_chain(target.client_cert, target.client_key or None)
            self._context = ctx

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self._https:
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    self._host, self._port, timeout=self.target.timeout_s,
                    context=self._context)
            else:
                conn = http.client.HTTPConnection(self._host, self._port,
                                                  timeout=self.target.timeout_s)
            conn.connect()
            # One small request after another on a kept-alive connection: never let Nagle
            # wait for an ACK the receiver delays.
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._conn = conn
        return self._conn

    def post(self, claimed: Claimed) -> Answer:
        """Post one event; raise OSError / HTTPException when no answer came."""
        body = claimed.body.encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": claimed.event_id,
            "X-Sohoa-Event": claimed.event_type,
            "User-Agent": f"sohoa/{__version__}",
        }
        if self.target.secret:
            headers["X-Sohoa-Signature"] = signature(self.target.secret, body)
        for again in (True, False):
            reused = self._conn is not None
            conn = self._connection()
            try:
                conn.request("POST", self._path, body=body, headers=headers)
                resp = conn.getresponse()
                text = resp.read(64 * 1024).decode("utf-8", "replace")
                if resp.will_close:
                    self.close()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                # A kept-alive connection the receiver closed while idle: one more try on a
                # fresh one (harmless if it did get the event: the key is the same).
                if reused and again:
                    continue
                raise
            except BaseException:
                self.close()
                raise
            return Answer(resp.status, parse_retry_after(resp.getheader("Retry-After")), text)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def backoff(options: SyncOptions, attempts: int, retry_after: float | None = None) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones (1 = the first failure):
    exponential, with "equal jitter" so that many senders do not come back at once, and never
    sooner than the receiver's Retry-After."""
    base = min(options.max_backoff_s, options.backoff_s * 2 ** max(attempts - 1, 0))
    delay = base / 2 + random.random() * base / 2
    return max(delay, retry_after or 0.0)


def judge(claimed: Claimed, answer: Answer | None, error: BaseException | None,
          options: SyncOptions, timeout_s: float = 0.0) -> Outcome:
    """What an attempt means for the delivery."""
    now = datetime.now(UTC)
    attempts = claimed.attempts + 1
    if answer is None:
        reason = _describe(error)
        wait = backoff(options, attempts)
        if isinstance(error, TimeoutError | socket.timeout):
            # The receiver may still be working on it: give it at least as long again before
            # the same key arrives a second time (it could otherwise see it twice at once).
            wait = max(wait, timeout_s)
        return Outcome(claimed.event_row, "retry", None, reason,
                       next_at=now + timedelta(seconds=wait))
    if 200 <= answer.status < 300:
        return Outcome(claimed.event_row, "delivered", answer.status)
    if 400 <= answer.status < 500 and answer.status not in (408, 429):
        return Outcome(claimed.event_row, "dead", answer.status,
                       f"bên nhận từ chối (HTTP {answer.status})", answer.text)
    wait = backoff(options, attempts, answer.retry_after)
    return Outcome(claimed.event_row, "retry", answer.status,
                   f"bên nhận trả lời HTTP {answer.status}" + (
                       f", hẹn thử lại sau {shown_number(answer.retry_after, 3, trim=True)} giây"
                       if answer.retry_after is not None else ""),
                   next_at=now + timedelta(seconds=wait))


def _describe(error: BaseException | None) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        return "quá thời gian chờ bên nhận trả lời"
    if isinstance(error, ConnectionRefusedError):
        return "bên nhận không mở kết nối (connection refused)"
    if isinstance(error, ConnectionResetError | BrokenPipeError):
        return "bên nhận cắt kết nối (connection reset)"
    if isinstance(error, http.client.RemoteDisconnected):
        return "bên nhận đóng kết nối mà không trả lời"
    if isinstance(error, ssl.SSLError):
        return f"lỗi TLS: {error.reason or error}"
    text = str(error).strip() if error else ""
    return (f"không gửi được: {type(error).__name__}" + (f" ({text[:200]})" if text else "")
            if error else "không gửi được")


@dataclass
class PassStats:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    spread: int = 0
    skipped_targets: set[str] = field(default_factory=set)

    @property
    def attempts(self) -> int:
        return self.delivered + self.retrying + self.dead


class SyncRunner:
    """Sends what is due, for one archive and the configured targets."""

    def __init__(self, archive: Archive, targets: Sequence[SyncTarget], options: SyncOptions,
                 owner: str | None = None) -> None:
        self.archive = archive
        self.targets = list(targets)
        self.options = options
        self.owner = owner or f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._types = [TargetTypes(t.name, t.events) for t in self.targets]
        self._posters = {t.name: Poster(t) for t in self.targets}
        # A target that did not answer at all is left alone for a while (by this sender):
        # every other event queued for it would only fail the same way.
        self._resting: dict[str, float] = {}
        self._failures: dict[str, int] = {}

    def close(self) -> None:
        for poster in self._posters.values():
            poster.close()

    def step(self, deadline: float | None = None) -> PassStats:
        """Spread new events, then one batch per target: the due head of each dossier."""
        stats = PassStats(spread=rows.spread(self.archive, self._types))
        for target in self.targets:
            if self._resting.get(target.name, 0.0) > time.monotonic():
                stats.skipped_targets.add(target.name)
                continue
            self._send_batch(target, stats, deadline)
        return stats

    def _send_batch(self, target: SyncTarget, stats: PassStats, deadline: float | None) -> None:
        lease = self.options.lease_s
        taken_at = time.monotonic()
        batch = rows.take(self.archive, target.name, self.owner, limit=self.options.batch,
                          lease=timedelta(seconds=lease))
        if not batch:
            return
        poster = self._posters[target.name]
        outcomes: list[Outcome] = []
        for claimed in batch:
            now = time.monotonic()
            # Never post once the lease may have run out: another sender could then be posting
            # the same event at the same time.
            if (now + target.timeout_s + min(1.0, lease / 10) > taken_at + lease
                    or (deadline is not None and now >= deadline)
                    or target.name in stats.skipped_targets):
                outcomes.append(Outcome(claimed.event_row, "released"))
                continue
            answer, error = None, None
            try:
                answer = poster.post(claimed)
            except (OSError, http.client.HTTPException) as exc:
                error = exc
            outcome = judge(claimed, answer, error, self.options, target.timeout_s)
            outcomes.append(outcome)
            if outcome.kind == "delivered":
                stats.delivered += 1
                self._failures.pop(target.name, None)
            elif outcome.kind == "dead":
                stats.dead += 1
                log.warning("đồng bộ %s: sự kiện %s bị bên nhận từ chối: %s", target.name,
                            claimed.event_row, outcome.error)
            else:
                stats.retrying += 1
                if answer is None:
                    # No answer at all: the receiver is down or unreachable; rest it.
                    n = self._failures.get(target.name, 0) + 1
                    self._failures[target.name] = n
                    self._resting[target.name] = time.monotonic() + backoff(self.options, n)
                    stats.skipped_targets.add(target.name)
                    log.warning("đồng bộ %s: %s", target.name, outcome.error)
        rows.record_outcomes(self.archive, target.name, self.owner, outcomes,
                             citizen_store=target.citizen_store)

    def drain(self, *, budget_s: float | None = None) -> PassStats:
        """Send until nothing is due now (retries scheduled later stay), or the budget ends."""
        deadline = None if budget_s is None else time.monotonic() + budget_s
        total = PassStats()
        while True:
            stats = self.step(deadline)
            total.delivered += stats.delivered
            total.retrying += stats.retrying
            total.dead += stats.dead
            total.spread += stats.spread
            total.skipped_targets |= stats.skipped_targets
            if stats.attempts == 0 and not stats.spread:
                return total
            if deadline is not None and time.monotonic() >= deadline:
                return total

    def run(self, stop: Callable[[], bool], *, on_pass: Callable[[PassStats], None] | None = None
            ) -> None:
        """Send until ``stop()``: drain what is due, then wait ``sync.poll_s``."""
        while not stop():
            stats = self.drain()
            if on_pass is not None and stats.attempts:
                on_pass(stats)
            end = time.monotonic() + self.options.poll_s
            while not stop() and time.monotonic() < end:
                time.sleep(min(0.05, self.options.poll_s))


def runner_for(archive: Archive, settings: Settings) -> SyncRunner | None:
    """A runner for the configured targets, or None when there are none."""
    targets, options = sync_config(settings)
    if not targets:
        return None
    return SyncRunner(archive, targets, options)


def deliver_after_ingest(archive: Archive, settings: Settings) -> PassStats | None:
    """What the in-process ingest sends once its documents are stored (bounded by
    ``sync.ingest_budget_s``; what is not sent then stays in the outbox). Never raises for a
    delivery problem: the documents are stored, and the outbox keeps the events."""
    runner = runner_for(archive, settings)
    if runner is None:
        return None
    try:
        return runner.drain(budget_s=runner.options.ingest_budget_s)
    except Exception as exc:  # the catalog or a target misbehaving must not fail the ingest
        log.warning("đồng bộ: lúc này chưa gửi được các sự kiện (chúng vẫn chờ gửi, không mất): "
                    "%s", exc)
        return None
    finally:
        runner.close()


class SenderOutage:
    """How the background sender waits and speaks while it cannot run (the catalog down all
    night): the wait doubles up to ``MAX_WAIT_S``; the first failure is said, then again when
    the count reaches a power of two or ``QUIET_S`` has passed since the last word — one
    warning every 2 s per worker was ~40 000 lines a night (tester14 F9). A failure long after
    the previous one is a new outage."""

    MAX_WAIT_S = 120.0  # back within two minutes of the catalog
    QUIET_S = 600.0
    WORKED_S = 60.0  # a sender that ran this long before failing had recovered

    def __init__(self, poll_s: float) -> None:
        self.poll_s = max(0.1, float(poll_s))
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.wait_s = self.poll_s
        self._last_failure = -math.inf
        self._last_said = -math.inf

    def failed(self, exc: BaseException, now: float) -> str | None:
        if now - self._last_failure > self.MAX_WAIT_S + self.QUIET_S:
            self.count = 0
        self._last_failure = now
        self.count += 1
        self.wait_s = min(self.MAX_WAIT_S, self.poll_s * 2 ** (self.count - 1))
        first = self.count == 1
        doubled = self.count & (self.count - 1) == 0
        if not (first or doubled or now - self._last_said >= self.QUIET_S):
            return None
        self._last_said = now
        if first:
            return f"đồng bộ: bộ gửi dừng ({exc}); đang chạy lại"
        return (f"đồng bộ: bộ gửi vẫn chưa chạy lại được ({self.count} lần; lần sau sau "
                f"{self.wait_s:.0f} giây): {exc}")


def background(settings: Settings, open_archive: Callable[[], Archive],
               stop: threading.Event) -> threading.Thread | None:
    """A daemon thread that sends events until ``stop`` is set (in ``sohoa worker``)."""
    targets, options = sync_config(settings)
    if not targets:
        return None

    def loop() -> None:
        outage = SenderOutage(options.poll_s)
        while not stop.is_set():
            began = time.monotonic()
            try:
                archive = open_archive()
                runner = SyncRunner(archive, targets, options)
                try:
                    runner.run(stop.is_set)
                finally:
                    runner.close()
            except Exception as exc:  # keep sending after a catalog hiccup
                if time.monotonic() - began >= SenderOutage.WORKED_S:
                    outage.reset()  # it ran a while: this is a new outage, said at once
                said = outage.failed(exc, time.monotonic())
                if said:
                    log.warning("%s", said)
                stop.wait(outage.wait_s)

    thread = threading.Thread(target=loop, name="sohoa-sync", daemon=True)
    thread.start()
    return thread


def status_report(archive: Archive, settings: Settings) -> dict[str, Any]:
    """``sohoa sync status``: totals at the top, then each target by event type."""
    targets, _ = sync_config(settings)
    raw = rows.status(archive)
    totals = {"pending": 0, "retrying": 0, "delivered": 0, "dead": 0}
    by_target: dict[str, dict[str, Any]] = {}

    def entry(name: str) -> dict[str, Any]:
        configured = next((t for t in targets if t.name == name), None)
        return by_target.setdefault(name, {
            "name": name, "url": configured.url if configured else None,
            "configured": configured is not None, "pending": 0, "retrying": 0,
            "delivered": 0, "dead": 0, "next_attempt_at": None, "events": {}})

    for t in targets:
        entry(t.name)
    for c in raw["counts"]:
        e = entry(c["target"])
        e[c["status"]] += c["count"]
        totals[c["status"]] += c["count"]
        per_type = e["events"].setdefault(c["event_type"], {"pending": 0, "retrying": 0,
                                                            "delivered": 0, "dead": 0})
        per_type[c["status"]] += c["count"]
        if c["next_attempt_at"] and (e["next_attempt_at"] is None
                                     or c["next_attempt_at"] < e["next_attempt_at"]):
            e["next_attempt_at"] = c["next_attempt_at"]
    # Events recorded but not yet spread over the targets are pending for each that takes them.
    for event_type, n in raw["unspread"].items():
        for t in targets:
            if t.takes(event_type):
                e = entry(t.name)
                e["pending"] += n
                totals["pending"] += n
                per_type = e["events"].setdefault(event_type, {"pending": 0, "retrying": 0,
                                                               "delivered": 0, "dead": 0})
                per_type["pending"] += n
    return {**totals, "targets": list(by_target.values()), "dead_letters": raw["dead"]}


# What each event says, in a clerk's words: a target that takes some kinds only is told by them.
EVENT_WORDS = {"document.stored": "giấy tờ được lưu", "document.disposed": "giấy tờ bị tiêu hủy",
               "document.reused": "giấy tờ được dùng lại",
               "dossier.status_changed": "trạng thái hồ sơ",
               "dossier.status_corrected": "đính chính trạng thái hồ sơ",
               "result.issued": "kết quả giải quyết"}


def _why(info: dict[str, Any], takes: Sequence[str] = ()) -> str:
    """Why a dossier is not fully delivered to a target, in a clerk's words. A target that takes
    some kinds of events only (a citizen's store: results) has nothing to receive from a
    dossier that has none of them yet — that is not a dossier without events (tester13 F8)."""
    if not info["events"] and takes:
        kinds = ", ".join(f"{EVENT_WORDS.get(t, t)} ({t})" for t in takes)
        nothing = ("hồ sơ chưa có kết quả" if tuple(takes) == ("result.issued",)
                   else "hồ sơ chưa có sự kiện nào thuộc các loại đó")
        return f"chưa có gì để gửi: đích này chỉ nhận {kinds}; {nothing}"
    if not info["events"]:
        return "chưa có sự kiện nào được ghi cho hồ sơ này"
    parts = []
    if info["dead"]:
        parts.append(f"{info['dead']} sự kiện bị bên nhận từ chối (cần sohoa sync retry)")
    if info["retrying"]:
        parts.append(f"{info['retrying']} sự kiện đang chờ gửi lại")
    waiting = info["waiting"] + info["unspread"]
    if waiting:
        parts.append(f"{waiting} sự kiện chưa gửi")
    if info.get("held"):
        parts.append(f"{info['held']} giấy tờ chờ người rà soát quyết định (chủ sở hữu, hồ "
                     "sơ của giấy tờ), chưa gửi (`sohoa review`)")
    text = "; ".join(parts) or "chưa gửi xong"
    if info["last_error"]:
        text += f" — lỗi gần nhất: {info['last_error']}"
    return text


def reconcile_report(archive: Archive, settings: Settings, date_from: date, date_to: date,
                     *, target: str | None = None) -> dict[str, Any]:
    """``sohoa sync reconcile``: per target, which dossiers received in the period reached it
    in full, the ratio the portal computes (dossiers synchronized / dossiers received), and the
    others with why."""
    targets, _ = sync_config(settings)
    if target is not None:
        targets = tuple(t for t in targets if t.name == target)
        if not targets:
            raise ConfigError(f"không có đích đồng bộ tên {target!r} trong cấu hình")
    codes, per_target = rows.reconcile_period(
        archive, [TargetTypes(t.name, t.events) for t in targets], date_from, date_to)
    report: list[dict[str, Any]] = []
    for t in targets:
        states = per_target[t.name]
        done = [c for c in codes if states[c]["events"]
                and states[c]["delivered"] == states[c]["events"]]
        missing = [{"dossier": c, "why": _why(states[c], t.events), **states[c]}
                   for c in codes if c not in set(done)]
        report.append({"name": t.name, "url": t.url, "received": len(codes),
                       "delivered": len(done),
                       "ratio": round(len(done) / len(codes), 4) if codes else None,
                       "not_delivered": missing})
    return {"period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
            "received": len(codes), "targets": report}


def synchronized_ratio(archive: Archive, settings: Settings, date_from: date, date_to: date,
                       *, target: str | None = None) -> dict[str, Any]:
    """The KPI report's figure "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia": dossiers
    received in the period whose every event reached the target (the portal target unless
    named), over dossiers received. ``dossiers`` lists the numerator's codes."""
    targets, _ = sync_config(settings)
    chosen = (portal_target(targets) if target is None
              else next((t for t in targets if t.name == target), None))
    if chosen is None:
        return {"target": target, "numerator": 0, "denominator": 0, "ratio": None,
                "dossiers": []}
    codes, per_target = rows.reconcile_period(
        archive, [TargetTypes(chosen.name, chosen.events)], date_from, date_to)
    states = per_target[chosen.name]
    done = sorted(c for c, i in states.items() if i["events"] and i["delivered"] == i["events"])
    return {"target": chosen.name, "numerator": len(done), "denominator": len(codes),
            "ratio": round(len(done) / len(codes), 4) if codes else None, "dossiers": done}


# --- what the `sohoa sync` commands call ------------------------------------------------------


def _configured(settings: Settings) -> tuple[tuple[SyncTarget, ...], SyncOptions]:
    targets, options = sync_config(settings)
    if not targets:
        raise ConfigError("chưa cấu hình đích đồng bộ: thêm [[sync.targets]] (name, url, secret) "
                          "vào sohoa.toml, hoặc đặt SOHOA_SYNC_URL và SOHOA_SYNC_SECRET")
    return targets, options


def run_sender(settings: Settings, *, once: bool = False,
               report: Callable[[dict[str, int]], None] = lambda _: None,
               stop: Callable[[], bool] | None = None) -> PassStats:
    """``sohoa sync run``: send until SIGINT/SIGTERM (or ``stop()``); ``once``: what is due."""
    from sohoa.pipeline.services import open_archive

    targets, options = _configured(settings)
    with open_archive(settings) as archive:
        runner = SyncRunner(archive, targets, options)
        try:
            if once:
                stats = runner.drain()
                report(_counts(stats))
                return stats
            halt = threading.Event()
            previous = {}
            if threading.current_thread() is threading.main_thread():
                previous = {s: signal.signal(s, lambda *_: halt.set())
                            for s in (signal.SIGINT, signal.SIGTERM)}
            total = PassStats()

            def on_pass(stats: PassStats) -> None:
                total.delivered += stats.delivered
                total.retrying += stats.retrying
                total.dead += stats.dead
                report(_counts(stats))

            try:
                runner.run(lambda: halt.is_set() or (stop is not None and stop()),
                           on_pass=on_pass)
            finally:
                for s, handler in previous.items():
                    signal.signal(s, handler)
            return total
        finally:
            runner.close()


def _counts(stats: PassStats) -> dict[str, int]:
    return {"delivered": stats.delivered, "retrying": stats.retrying, "dead": stats.dead}


def sync_status(settings: Settings) -> dict[str, Any]:
    from sohoa.pipeline.services import open_archive

    with open_archive(settings) as archive:
        return status_report(archive, settings)


def retry_deliveries(settings: Settings, *, event_row: int | None = None,
                     all_dead: bool = False, target: str | None = None) -> int:
    from sohoa.pipeline.services import open_archive

    with open_archive(settings) as archive:
        return rows.retry_dead(archive, event_row=event_row, all_dead=all_dead, target=target)


def reconcile(settings: Settings, date_from: date, date_to: date, *,
              target: str | None = None) -> dict[str, Any]:
    from sohoa.pipeline.services import open_archive

    if date_to < date_from:
        raise ConfigError(f"--to {shown_date(date_to)} trước --from {shown_date(date_from)}")
    with open_archive(settings) as archive:
        return reconcile_report(archive, settings, date_from, date_to, target=target)


def register_kpi_source(settings: Settings) -> None:
    """Feed the KPI report's "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia" from the
    portal target's deliveries (``sohoa.pipeline.kpi.set_sync_source``); nothing while no
    target is configured (the report then leaves the indicator out)."""
    from sohoa.pipeline import kpi

    targets, _ = sync_config(settings)
    chosen = portal_target(targets)
    if chosen is None:
        kpi.set_sync_source(None)
        return
    types = TargetTypes(chosen.name, chosen.events)

    def source(archive: Archive, date_from: date, date_to: date) -> dict[str, int]:
        return rows.delivered_by_unit(archive, types, date_from, date_to)

    def members(archive: Archive, date_from: date, date_to: date) -> set[str]:
        with archive.transaction(write=False) as conn:
            return rows.delivered_dossiers(conn, types, date_from, date_to)

    kpi.set_sync_source(source, members)
