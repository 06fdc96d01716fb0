"""``sohoa worker``: worker processes, and their supervision by the process that started them."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from typing import Any

import dramatiq
import redis

from sohoa.pipeline.queue.actors import Queue, log
from sohoa.pipeline.queue.broker import IDLE_POLL_MS, check_broker_url
from sohoa.pipeline.services import open_archive
from sohoa.pipeline.settings import Settings
from sohoa.pipeline.sync import background


def run_worker(settings: Settings, *, processes: int = 1, threads: int = 1,
               stop: Callable[[], bool] = lambda: False) -> None:
    """Run ``processes`` worker processes of ``threads`` threads until SIGINT/SIGTERM (or
    ``stop()``). One process runs here; more are forked children that follow the parent."""
    check_broker_url(settings.broker)
    if processes <= 1:
        _worker_process(settings, threads, None, stop)
        return
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_worker_process, name=f"sohoa-worker-{i + 1}",
                                args=(settings, threads, os.getpid(), lambda: False))
                for i in range(processes)]
    for child in children:
        child.start()
    halt = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        halt.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not halt.wait(0.5) and not stop() and any(c.is_alive() for c in children):
            pass
    finally:
        for child in children:
            if child.is_alive() and child.pid is not None:
                os.kill(child.pid, signal.SIGTERM)
        for child in children:
            child.join()
        for s, handler in previous.items():
            signal.signal(s, handler)


def _worker_process(settings: Settings, threads: int, parent: int | None,
                    stop: Callable[[], bool]) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one page per thread; Tesseract must not fan out
    # The worker's own lines (a page, a dossier, a job) and dramatiq's warnings (retries);
    # not the libraries' chatter (fontTools reports every subset it makes at INFO).
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(process)d %(name)s "
                        "%(levelname)s %(message)s")
    log.setLevel(logging.INFO)
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
