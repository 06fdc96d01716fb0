"""``sohoa worker``: worker processes, and their supervision by the process that started them."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import dramatiq
import redis

from sohoa.errors import WorkerDiedError
from sohoa.pipeline.queue.actors import Queue, log
from sohoa.pipeline.queue.broker import IDLE_POLL_MS, check_broker_url, connect
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings
from sohoa.pipeline.sync import background
from sohoa.vntext import shown_number

# A child that dies this soon after it started, several times in a row, is not being killed
# from outside but cannot run here (a broken configuration, a library that does not load):
# restarting it forever would hide that. Between such restarts the parent waits longer each time.
QUICK_DEATH_S = 10.0
QUICK_DEATHS_LIMIT = 5


def run_worker(settings: Settings, *, processes: int = 1, threads: int = 1,
               stop: Callable[[], bool] = lambda: False) -> None:
    """Run ``processes`` worker processes of ``threads`` threads until SIGINT/SIGTERM (or
    ``stop()``). One process runs here; more are forked children that follow the parent, which
    starts a new child in place of one that dies (killed from outside: the OOM killer,
    ``kill -9``). What the dead child held goes back to the queue from Redis (its messages are
    unacknowledged: the others' maintenance requeues them once its heartbeat is
    ``queue.heartbeat_s`` old) and is done once (every stage is idempotent)."""
    check_broker_url(settings.broker)
    if processes <= 1:
        _worker_process(settings, threads, None, stop)
        return
    # A broker that does not answer is said here, once (ConfigError, exit 2): each child would
    # fail on it at start, and the parent used to end with exit 0 once they all had.
    connect(settings.broker).close()
    _log_setup()
    context = multiprocessing.get_context("fork")
    parent = os.getpid()

    def start(slot: int) -> tuple[Any, float]:
        child = context.Process(target=_worker_process, name=f"sohoa-worker-{slot + 1}",
                                args=(settings, threads, parent, lambda: False))
        child.start()
        return child, time.monotonic()

    children = [start(slot) for slot in range(processes)]
    quick = [0] * processes  # deaths in a row soon after starting, per slot
    due: dict[int, float] = {}  # slot → when its new child may start
    halt = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        halt.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not halt.wait(0.5) and not stop():
            for slot, (child, since) in enumerate(children):
                if slot in due:
                    if time.monotonic() >= due[slot]:
                        del due[slot]
                        children[slot] = start(slot)
                    continue
                if child.is_alive():
                    continue
                child.join()
                lived = time.monotonic() - since
                quick[slot] = quick[slot] + 1 if lived < QUICK_DEATH_S else 0
                if quick[slot] >= QUICK_DEATHS_LIMIT:
                    raise WorkerDiedError(_cannot_run(child, quick[slot]))
                wait = 0.0 if quick[slot] <= 1 else min(2.0 ** (quick[slot] - 1), 30.0)
                log.warning(_child_died(child, settings.queue_heartbeat_s, wait))
                due[slot] = time.monotonic() + wait
    finally:
        for child, _ in children:
            if child.is_alive() and child.pid is not None:
                os.kill(child.pid, signal.SIGTERM)
        for child, _ in children:
            if child.pid is not None:
                child.join()
        for s, handler in previous.items():
            signal.signal(s, handler)


def _how(child: Any) -> str:
    code = child.exitcode
    if code is not None and code < 0:
        try:
            return f"bị dừng bởi tín hiệu {signal.Signals(-code).name}"
        except ValueError:
            return f"bị dừng bởi tín hiệu {-code}"
    return f"tự thoát với mã {code}"


def _child_died(child: Any, heartbeat_s: float, wait: float) -> str:
    return (f"tiến trình xử lý {child.name} (pid {child.pid}) đã dừng đột ngột ({_how(child)}; "
            "có thể do máy hết bộ nhớ): "
            + (f"khởi động tiến trình mới sau {wait:.0f} giây. " if wait else
               "đã khởi động tiến trình mới. ")
            + "Việc nó đang làm dở được trả lại hàng đợi sau khoảng "
            f"{shown_number(heartbeat_s, 3, trim=True)} giây (queue.heartbeat_s) và làm lại "
            "đúng một lần")


def _cannot_run(child: Any, times: int) -> str:
    return (f"tiến trình xử lý {child.name} dừng ngay sau khi khởi động {times} lần liền "
            f"({_how(child)}): không phải bị dừng từ bên ngoài mà không chạy được trên máy này. "
            "Xem nhật ký phía trên, sửa cấu hình rồi chạy lại sohoa worker")


def _log_setup() -> None:
    # The worker's own lines (a page, a dossier, a job) and dramatiq's warnings (retries);
    # not the libraries' chatter (fontTools reports every subset it makes at INFO).
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(process)d %(name)s "
                        "%(levelname)s %(message)s")
    log.setLevel(logging.INFO)


def _worker_process(settings: Settings, threads: int, parent: int | None,
                    stop: Callable[[], bool]) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one page per thread; Tesseract must not fan out
    _log_setup()
    queue = Queue(settings)
    # What dramatiq's own CLI announces once a worker process is up: TimeLimit starts the
    # thread that interrupts messages past their limit only on this signal.
    queue.broker.emit_after("process_boot")
    worker = dramatiq.Worker(queue.broker, worker_threads=threads, worker_timeout=IDLE_POLL_MS)
    # One message per thread at a time: a page takes seconds, so prefetching more would only
    # leave pages waiting behind a busy worker while another one idles.
    worker.queue_prefetch = threads
    halt = threading.Event()
    in_main = threading.current_thread() is threading.main_thread()
    previous = {}
    if in_main:
        def on_signal(signum: int, _frame: Any) -> None:
            halt.set()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    worker.start()
    # Events for the one-stop system / portal leave from every worker, as they are stored.
    sync_sender = background(settings, lambda: open_archive(settings), halt)
    log.info("worker %d up: %d thread(s), broker %s", os.getpid(), threads,
             redis.Redis.from_url(settings.broker).connection_pool.connection_kwargs.get("host"))
    try:
        while not halt.wait(0.5) and not stop():
            if parent is not None and os.getppid() != parent:
                break  # the parent was killed: do not linger as an orphan
    finally:
        # Stop taking messages, finish the ones in hand, put prefetched ones back.
        worker.stop(timeout=int(settings.queue_time_limit_s * 1000))
        halt.set()
        if sync_sender is not None:
            sync_sender.join(timeout=30)
        queue.close()
        for s, handler in previous.items():
            signal.signal(s, handler)
