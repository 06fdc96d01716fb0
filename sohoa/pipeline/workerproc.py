"""What a worker process of a pool does first (``worker_init``): kept apart from the in-process
executor so that ``sohoa ocr``'s workers, and the command itself, do not import the catalog, the
signer and the sync (≈0.6 CPU s of imports a run for nothing)."""

from __future__ import annotations

import os

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int | None) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies, however it dies.

    A worker of an ingest that was killed with ``kill -9`` (or by the OOM killer, or a closed
    terminal) would otherwise live on as an orphan, holding a Tesseract engine (about 250 MB)
    forever. The parent may already have died before the request was made: then the process
    has been re-parented and ``getppid`` no longer names it, and the worker ends at once.
    """
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the pool's own pipes still end idle workers when the parent goes
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)


def worker_init(log_path: str | None = None, parent_pid: int | None = None) -> None:
    """Tesseract must not spawn OpenMP threads: parallelism is one page per worker process.

    Leptonica and Tesseract print diagnostics straight to file descriptor 2 ("Error in
    pixScanForForeground: invalid box" on noisy photocopies) that mean nothing to a desk clerk
    and break the progress bar; with ``log_path`` a worker's stderr goes to that file instead.
    Failures still reach the parent as exceptions, with their reason. ``parent_pid``: the
    process that made the pool; the worker dies with it (:func:`die_with_parent`).
    """
    die_with_parent(parent_pid)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if log_path:
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 2)
        os.close(log)
